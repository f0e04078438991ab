"""Writes a synthetic source corpus: .txt reports of real paragraphs under varied headings."""

from __future__ import annotations

import random
import time
from pathlib import Path

from app.pipeline.reader import read_document
from app.pipeline.sources import discover

REPORT_BYTES = 1_000_000  # one report file of about a megabyte
SERIES = ("Diplomatic Bluebook", "White Paper on Development Cooperation")
# Heading markers by level, in the shapes the real reports use.
MARKERS = (
    ("Chapter {n} ", "Section {n} "),
    ("({n}) ", "{n}. "),
    ("{A}. ", "● ", "■ "),
    ("({A}) ", "◆ ", "{a}. "),
)


def real_material(sources: Path) -> tuple[list[str], list[str]]:
    """Heading titles and paragraphs (lines that are not headings) of the real sources."""
    titles, paragraphs = [], []
    for doc in discover(sources):
        parsed = read_document(doc.text)
        heading_lines = {h.start for h in parsed.headings}
        titles += [h.title for h in parsed.headings if h.style != "title" and len(h.title) < 90]
        offset = 0
        for line in doc.text.splitlines(keepends=True):
            stripped = line.strip()
            if stripped and offset not in heading_lines and len(stripped) > 40:
                paragraphs.append(stripped)
            offset += len(line)
    return titles, paragraphs


def marker(level: int, n: int, rng: random.Random) -> str:
    shape = rng.choice(MARKERS[min(level, len(MARKERS) - 1)])
    letter = chr(ord("A") + (n - 1) % 26)
    return shape.format(n=n, A=letter, a=letter.lower())


def report(
    number: int, titles: list[str], paragraphs: list[str], rng: random.Random, size: int
) -> str:
    series = SERIES[number % len(SERIES)]
    year = 1990 + number % 35
    lines = [f"{series} {year}", ""]
    written = 0
    counters = [0] * len(MARKERS)
    while written < size:
        level = rng.choices(range(len(MARKERS)), weights=(1, 3, 6, 4))[0]
        counters[level] += 1
        for deeper in range(level + 1, len(MARKERS)):
            counters[deeper] = 0
        lines.append(marker(level, counters[level], rng) + rng.choice(titles))
        for _ in range(rng.randint(1, 6)):
            paragraph = rng.choice(paragraphs)
            lines.append(paragraph)
            written += len(paragraph) + 1
    return "\n".join(lines) + "\n"


def write_corpus(sources: Path, out: Path, megabytes: float = 100, seed: int = 1) -> int:
    """Reports totalling about `megabytes` MB in `out`; returns the bytes written."""
    rng = random.Random(seed)
    titles, paragraphs = real_material(sources)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    total, number = 0, 0
    target = int(megabytes * 1_000_000)
    while total < target:
        text = report(number, titles, paragraphs, rng, min(REPORT_BYTES, target - total))
        data = text.encode("utf-8")
        (out / f"report-{number:04d}.txt").write_bytes(data)
        total += len(data)
        number += 1
    return total


def main(argv=None) -> int:
    import argparse

    from app.paths import bundled_sources

    parser = argparse.ArgumentParser(
        prog="python -m app.bench.corpus", description="Write a synthetic source corpus."
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench/sources"))
    parser.add_argument("--megabytes", type=float, default=100)
    parser.add_argument("--sources", type=Path, default=bundled_sources())
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    total = write_corpus(args.sources, args.out, args.megabytes, args.seed)
    print(f"{args.out}: {total / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
