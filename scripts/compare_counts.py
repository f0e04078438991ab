"""Counts and facets by bitmap index and by SQL, for the benchmark's filters: equal, and how fast.

.venv/bin/python scripts/compare_counts.py /tmp/bench3/catalogue-1m.db
"""

import sys
import time

from app.bench.gui import scenarios
from app.gui.settings import DEFAULT_FILTERS
from app.query.catalogue import Catalogue

DIMENSIONS = ("countries", "regions", "organisations", "domains", "documents", "kinds", "years")


def main(path: str) -> int:
    fast, plain = Catalogue(path), Catalogue(path, bitmaps=False)
    top = plain.facet("countries", DEFAULT_FILTERS)[0].id
    different = 0
    for name, filters in scenarios(top).items():
        timed = []
        for catalogue in (fast, plain):
            started = time.perf_counter()
            found = [catalogue.count(filters)]
            found += [catalogue.facet(d, filters) for d in DIMENSIONS]
            timed.append((found, (time.perf_counter() - started) * 1e3))
        same = timed[0][0] == timed[1][0]
        different += not same
        print(
            f"{name}: {'equal' if same else 'DIFFERENT'}; total and {len(DIMENSIONS)} facets in "
            f"one thread: bitmaps {timed[0][1]:.0f} ms, SQL {timed[1][1]:.0f} ms"
        )
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
