"""Facet counts and bitmaps of the catalogue, made per document where its rows are built."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from app.pipeline import statistics
from app.pipeline.bitmaps import ENTRY_SOURCES, LINK_SOURCES, LINKS, PARTNER, encode
from app.pipeline.rows import INSERT_COLUMNS, Rows
from app.pipeline.schema import ENTRY_FACETS, FACET_COUNTS

# tests/pipeline/test_tally.py holds what this reads from a document's rows equal to what
# schema.FACET_COUNTS and bitmaps.LINK_SOURCES select in SQL from the finished tables.


@dataclass
class DocumentTally:
    """One document's part: facet counts, each value's entries as a bitmap, and what the
    planner's statistics count (statistics.count_document)."""

    facets: Counter = field(default_factory=Counter)  # (dimension, kind, value) -> entries
    bitmaps: dict = field(default_factory=dict)  # (dimension, value) -> (first byte, bits)
    statistics: dict = field(default_factory=dict)  # table -> statistics.TableCounts


def tally_document(rows: Rows) -> DocumentTally:
    """The facet counts and bitmaps of the rows of one document (rows.document_rows())."""
    tables = dict(rows)
    tally = DocumentTally()
    ids: dict[tuple[str, object], list[int]] = defaultdict(list)
    for dimension, (table, column, partners) in LINKS.items():
        columns = INSERT_COLUMNS[table]
        value_at, id_at = columns.index(column), columns.index("entry_id")
        links = tables[table]
        if partners is not None:
            role_at = columns.index("role")
            links = [link for link in links if (link[role_at] == PARTNER) is partners]
        for link in links:
            ids[dimension, link[value_at]].append(link[id_at])
        if dimension in FACET_COUNTS:  # the entry's kind, repeated in its links
            kind_at = columns.index("kind")
            tally.facets.update([(dimension, link[kind_at], link[value_at]) for link in links])
    columns = INSERT_COLUMNS["entries"]
    entry_id, kind = columns.index("id"), columns.index("kind")
    entries = tables["entries"]
    for dimension, column in ENTRY_SOURCES.items():
        at = columns.index(column)
        for entry in entries:
            if entry[at] is not None:
                ids[dimension, entry[at]].append(entry[entry_id])
    for dimension, column in ENTRY_FACETS.items():
        at = columns.index(column)
        tally.facets.update((dimension, entry[kind], entry[at]) for entry in entries)
    tally.bitmaps = {key: encode(found) for key, found in ids.items()}
    tally.statistics = statistics.count_document(rows)
    return tally


class CatalogueTally:
    """Every document's part, added in catalogue order (entry ids ascending)."""

    def __init__(self) -> None:
        self.facets: Counter = Counter()
        self._bitmaps: dict[tuple[str, object], tuple[int, bytearray]] = {}
        self.statistics: dict[str, statistics.TableCounts] = {}

    def add(self, document: DocumentTally) -> None:
        self.facets.update(document.facets)
        statistics.add(self.statistics, document.statistics)
        for key, (first, bits) in document.bitmaps.items():
            if key not in self._bitmaps:
                self._bitmaps[key] = (first, bytearray(bits))
                continue
            start, buf = self._bitmaps[key]
            gap = first - (start + len(buf))
            assert gap >= -1, "documents' tallies must come in entry order"
            if gap < 0:  # the byte where the last document ended and this one begins
                buf[-1] |= bits[0]
                bits = bits[1:]
            buf.extend(bytes(max(gap, 0)))
            buf.extend(bits)

    def write_statistics(self, db, skip=()) -> None:
        """The planner's statistics of every table but those in `skip` (statistics.write)."""
        statistics.write(db, self.statistics, skip)

    def facet_rows(self) -> list[tuple]:
        """Rows of facet_counts: (dimension, kind, value, entries)."""
        made = []
        for dimension in FACET_COUNTS:
            found = [(k, v, n) for (d, k, v), n in self.facets.items() if d == dimension]
            made += [(dimension, *row) for row in sorted(found, key=_null_first)]
        return made

    def bitmap_rows(self) -> list[tuple]:
        """Rows of bitmaps for every dimension but the words: (dimension, value, first byte,
        bits), as bitmaps.dimension_rows() reads them from the tables."""
        made = []
        for dimension in (*LINK_SOURCES, *ENTRY_SOURCES):
            values = sorted(v for d, v in self._bitmaps if d == dimension)
            for value in values:
                first, bits = self._bitmaps[dimension, value]
                made.append((dimension, str(value), first, bytes(bits)))
        return made


def _null_first(row: tuple) -> tuple:
    """SQLite's order of GROUP BY kind, value: NULL before any text."""
    kind, value, _ = row
    return (kind, value is not None, value or "")
