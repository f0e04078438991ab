"""Read-only access to a catalogue: counts, pages, facets and details for any filter."""

from __future__ import annotations

import os
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.pipeline.schema import SCHEMA_VERSION
from app.query.filters import Filters
from app.query.search import fts_query

# What the query layer can sort by: column key -> SQL expression(s). Anything else is refused.
SORT_KEYS = {
    "entry_id": ["e.id"],
    "document": ["e.edition_year", "e.document_id"],
    "edition_year": ["e.edition_year"],
    "section": ["e.section"],
    "kind": ["e.kind"],
    "domain": ["e.domain_id"],
    "countries": ["e.countries"],
    "country_names": ["e.country_names"],
    "regions": ["e.regions"],
    "organisations": ["e.organisations"],
    "figures": ["e.figures"],
    "years": ["e.years"],
    "quote": ["e.quote"],
    "source_file": ["e.document_id"],
    "start": ["e.start"],
    "end": ["e.end"],
}
ROW_SELECT = """
SELECT e.id AS id, e.entry_id, d.title AS document, e.edition_year, e.section, e.kind,
       e.domain_id AS domain, coalesce(dm.label, '') AS domain_label, e.countries,
       e.country_names, e.regions, e.organisations, e.figures, e.years, e.quote,
       d.source_file, e.start, e."end" AS "end", e.document_id
FROM entries e
JOIN documents d ON d.id = e.document_id
LEFT JOIN domains dm ON dm.id = e.domain_id
"""
REQUIRED_TABLES = {"entries", "documents", "entries_fts", "entry_countries", "meta"}
FACETS = {
    "countries": (
        "SELECT ec.country_code, c.name, count(*) FROM entry_countries ec"
        " JOIN countries c ON c.code = ec.country_code JOIN entries e ON e.id = ec.entry_id"
        " WHERE ec.role = 'partner' AND {where} GROUP BY ec.country_code"
    ),
    "regions": (
        "SELECT er.region_id, r.name, count(*) FROM entry_regions er"
        " JOIN regions r ON r.id = er.region_id JOIN entries e ON e.id = er.entry_id"
        " WHERE {where} GROUP BY er.region_id"
    ),
    "organisations": (
        "SELECT eo.organisation_id, coalesce(nullif(o.short, ''), o.name), count(*)"
        " FROM entry_organisations eo JOIN organisations o ON o.id = eo.organisation_id"
        " JOIN entries e ON e.id = eo.entry_id WHERE {where} GROUP BY eo.organisation_id"
    ),
    "domains": (
        "SELECT e.domain_id, dm.label, count(*) FROM entries e"
        " JOIN domains dm ON dm.id = e.domain_id WHERE {where} GROUP BY e.domain_id"
    ),
    "documents": (
        "SELECT e.document_id, d.short_title || ' ' || d.edition_year, count(*) FROM entries e"
        " JOIN documents d ON d.id = e.document_id WHERE {where} GROUP BY e.document_id"
    ),
    "kinds": "SELECT e.kind, e.kind, count(*) FROM entries e WHERE {where} GROUP BY e.kind",
    "years": (
        "SELECT y.year, y.year, count(DISTINCT y.entry_id) FROM entry_years y"
        " JOIN entries e ON e.id = y.entry_id WHERE {where} GROUP BY y.year"
    ),
}


EVERYTHING = Filters()  # frozen, so a safe shared default


class CatalogueError(Exception):
    """The catalogue cannot be opened or read; the message says what to do."""


class QueryInterrupted(Exception):
    """A query ran out of its time budget or was cancelled by a newer request."""


FACET_CACHE = 256  # facet results kept per catalogue (a few KB each)
PROGRESS_STEPS = 1000  # SQLite VM steps between checks of a query's budget (tens of µs)


@dataclass(frozen=True)
class Facet:
    id: str
    label: str
    count: int


SQLITE_HEADER = b"SQLite format 3\x00"
# At most this size, opening runs SQLite's PRAGMA quick_check (a few ms per MB: 2 ms for the
# bundled 1 MB catalogue); larger catalogues get only the header, size and probe checks.
QUICK_CHECK_BYTES = 32 * 1024 * 1024
REBUILD = "Rebuild it with `catalogue build`, or open another catalogue with --db"
# One row at each end of the key tables: cheap, and it walks the b-trees from root to leaf.
PROBES = (
    "SELECT * FROM entries ORDER BY id LIMIT 1",
    "SELECT * FROM entries ORDER BY id DESC LIMIT 1",
    "SELECT id, checksum, source_file FROM documents",
    "SELECT key, value FROM meta",
    "SELECT * FROM entry_countries ORDER BY rowid DESC LIMIT 1",
    "SELECT rowid FROM entries_fts WHERE entries_fts MATCH 'japan' LIMIT 1",
)


def check_file(path: Path) -> int:
    """Cheap checks before SQLite opens the file: readable, not empty, an SQLite header, and
    as long as its header says (a truncated copy is not). Returns the size in bytes."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
            size = os.fstat(fh.fileno()).st_size
    except OSError as exc:
        raise CatalogueError(
            f"{path} cannot be read ({exc.strerror or exc}). Check that you may read it, "
            "or open another catalogue with --db."
        ) from exc
    if size == 0:
        raise CatalogueError(f"{path} is empty (0 bytes), not a catalogue. {REBUILD}.")
    if not head.startswith(SQLITE_HEADER) or len(head) < 100:
        raise CatalogueError(
            f"{path} is damaged or not a catalogue (it is not an SQLite database). {REBUILD}."
        )
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    header_valid = head[24:28] == head[92:96]  # the in-header page count is current
    if page_size < 512 or page_size & (page_size - 1):
        raise CatalogueError(f"{path} is damaged (its header is corrupt). {REBUILD}.")
    if header_valid and pages and size < pages * page_size:
        raise CatalogueError(
            f"{path} is truncated ({size:,} of {pages * page_size:,} bytes): an incomplete "
            f"copy or download. {REBUILD}."
        )
    return size


def open_readonly(path: Path) -> sqlite3.Connection:
    """Open without ever writing: immutable, so SQLite does not even create a journal.

    Startup checks are cheap: the file's header and size, the schema version and tables, a
    row at each end of the key tables, and PRAGMA quick_check for catalogues up to 32 MB."""
    path = Path(path)
    if not path.is_file():
        raise CatalogueError(
            f"No catalogue at {path}. Build one with `catalogue build --out {path}`."
        )
    size = check_file(path)
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    conn = None
    try:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not REQUIRED_TABLES <= tables:
            raise CatalogueError(f"{path} is not a catalogue (tables missing). {REBUILD}.")
        if version > SCHEMA_VERSION:
            raise CatalogueError(
                f"{path} was made by a newer version of this app (schema version {version}; "
                f"this app reads version {SCHEMA_VERSION}). Update the app, or rebuild it "
                "with `catalogue build`."
            )
        if version != SCHEMA_VERSION:
            raise CatalogueError(
                f"{path} has schema version {version} from an older version of this app; "
                f"this app reads version {SCHEMA_VERSION}. Rebuild it with `catalogue build`."
            )
        for probe in PROBES:
            conn.execute(probe).fetchall()
        if size <= QUICK_CHECK_BYTES:
            problems = [r[0] for r in conn.execute("PRAGMA quick_check(1)")]
            if problems != ["ok"]:
                lines = [line for p in problems for line in p.splitlines() if "***" not in line]
                raise sqlite3.DatabaseError(lines[0] if lines else "quick_check failed")
    except CatalogueError:
        if conn is not None:
            conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise CatalogueError(f"{path} is damaged or not a catalogue ({exc}). {REBUILD}.") from exc
    conn.row_factory = sqlite3.Row
    return conn


class Catalogue:
    """The one way to read a catalogue: the GUI, the command line and the exporter use it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.conn = open_readonly(self.path)
        self._facets: OrderedDict[tuple, list[Facet]] = OrderedDict()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- entries -------------------------------------------------------------------------
    def count(self, filters: Filters = EVERYTHING) -> int:
        where, params = filters.compile()
        return self.conn.execute(
            f"SELECT count(*) FROM entries e WHERE {where}", params
        ).fetchone()[0]

    @contextmanager
    def limited(self, seconds: float | None = None, cancelled: Callable[[], bool] | None = None):
        """Queries inside raise QueryInterrupted after `seconds` or once `cancelled()` is true:
        how the GUI keeps a slow count from freezing the window."""
        deadline = None if seconds is None else time.perf_counter() + seconds

        def stop() -> int:
            if deadline is not None and time.perf_counter() > deadline:
                return 1
            return 1 if cancelled is not None and cancelled() else 0

        self.conn.set_progress_handler(stop, PROGRESS_STEPS)
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise QueryInterrupted() from exc
            raise
        finally:
            self.conn.set_progress_handler(None, 0)

    def count_within(self, filters: Filters, seconds: float) -> int | None:
        """The count if it takes at most `seconds`, else None (count it in the background)."""
        try:
            with self.limited(seconds):
                return self.count(filters)
        except QueryInterrupted:
            return None

    def order_clause(self, sort: str | None, descending: bool) -> str:
        direction = " DESC" if descending else ""
        keys = SORT_KEYS.get(sort or "entry_id")
        if keys is None:
            raise ValueError(f"cannot sort by {sort!r}")
        # e.id last: a stable order for equal keys, the same in the GUI and the export.
        return ", ".join([f"{k}{direction}" for k in keys] + [f"e.id{direction}"])

    def query(self, filters: Filters, sort: str | None = None, descending: bool = False):
        where, params = filters.compile()
        order = self.order_clause(sort, descending)
        return f"{ROW_SELECT} WHERE {where} ORDER BY {order}", params

    def rows(
        self,
        filters: Filters = EVERYTHING,
        sort: str | None = None,
        descending: bool = False,
        offset: int = 0,
        limit: int = 200,
        total: int | None = None,
    ) -> list[dict]:
        """One page. Given `total` (the filter's count), a page in the far half is read from the
        other end, so that the last page is as quick as the first."""
        if total is not None and offset > total // 2 and offset < total:
            end = min(offset + limit, total)
            ids = self.page_ids(filters, sort, not descending, total - end, end - offset)
            ids.reverse()
        else:
            ids = self.page_ids(filters, sort, descending, offset, limit)
        if not ids:
            return []
        found = {r["id"]: r for r in self.dicts(
            f"{ROW_SELECT} WHERE e.id IN ({', '.join('?' * len(ids))})", ids
        )}  # fmt: skip
        return [found[i] for i in ids if i in found]

    def page_ids(
        self, filters: Filters, sort: str | None, descending: bool, offset: int, limit: int
    ) -> list[int]:
        """Entry ids of one page: the offset is skipped over narrow index entries, never over
        whole rows; in entry order a search walks the full-text index in rowid order."""
        order = self.order_clause(sort, descending)
        match = fts_query(filters.search)
        if match and (sort or "entry_id") == "entry_id":
            where, params = filters.with_(search="").compile()
            direction = " DESC" if descending else ""
            sql = (
                "SELECT e.id FROM entries_fts f JOIN entries e ON e.id = f.rowid"
                f" WHERE entries_fts MATCH ? AND {where} ORDER BY f.rowid{direction}"
                " LIMIT ? OFFSET ?"
            )
            params = [match, *params]
        else:
            where, params = filters.compile()
            sql = f"SELECT e.id FROM entries e WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
        return [r[0] for r in self.conn.execute(sql, [*params, limit, offset])]

    def iter_rows(
        self, filters: Filters = EVERYTHING, sort: str | None = None, descending: bool = False
    ) -> Iterator[dict]:
        sql, params = self.query(filters, sort, descending)
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples zipped with the names: twice as quick as Row
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def rows_by_id(self, ids: list[int], sort: str | None = None, descending: bool = False):
        """Given entries (a selection), in the given sort order."""
        marks = ", ".join("?" * len(ids))
        order = self.order_clause(sort, descending)
        sql = f"{ROW_SELECT} WHERE e.id IN ({marks}) ORDER BY {order}"
        return self.dicts(sql, ids)

    # -- facets and vocabularies ---------------------------------------------------------
    def facet(self, dimension: str, filters: Filters = EVERYTHING) -> list[Facet]:
        """Values of one dimension with the number of entries each would give, honouring
        every other active filter; most frequent first."""
        # A facet ignores its own dimension, so changing that dimension's values reuses it.
        key = (dimension, filters.without(dimension))
        cached = self._facets.get(key)
        if cached is not None:
            self._facets.move_to_end(key)
            return list(cached)
        where, params = key[1].compile()
        sql = FACETS[dimension].format(where=where)
        found = [Facet(str(i), str(label), n) for i, label, n in self.conn.execute(sql, params)]
        if dimension == "years":
            found.sort(key=lambda f: f.id)
        else:
            found.sort(key=lambda f: (-f.count, f.label.lower()))
        self._facets[key] = found  # the catalogue is read-only: counts never go stale
        while len(self._facets) > FACET_CACHE:
            self._facets.popitem(last=False)
        return list(found)

    def year_range(self) -> tuple[int, int] | None:
        """The first and last year any entry concerns (from the index: instant at any size)."""
        low, high = self.conn.execute("SELECT min(year), max(year) FROM entry_years").fetchone()
        return None if low is None else (int(low), int(high))

    def labels(self) -> dict[str, dict[str, str]]:
        q = self.conn.execute
        return {
            "countries": dict(q("SELECT code, name FROM countries").fetchall()),
            "regions": dict(q("SELECT id, name FROM regions").fetchall()),
            "organisations": dict(
                q("SELECT id, coalesce(nullif(short, ''), name) FROM organisations").fetchall()
            ),
            "domains": dict(q("SELECT id, label FROM domains").fetchall()),
            "documents": dict(
                q("SELECT id, short_title || ', ' || edition_year || ' edition' FROM documents")
            ),
            "kinds": {},
        }

    def describe(self, filters: Filters) -> str:
        return filters.describe(self.labels())

    def documents(self) -> list[dict]:
        sql = (
            "SELECT id, title, short_title, publisher, edition_year, period, chapter, language,"
            " url, checksum, source_file, in_manifest, n_entries FROM documents"
            " ORDER BY edition_year, id"
        )
        return self.dicts(sql)

    def document_text(self, document_id: str) -> str:
        row = self.conn.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise KeyError(document_id)
        return row[0]

    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta").fetchall())

    def domains(self) -> list[dict]:
        return self.dicts("SELECT id, label FROM domains ORDER BY position")

    def region_members(self, region_id: str) -> list[str]:
        sql = "SELECT country_code FROM region_members WHERE region_id = ? ORDER BY country_code"
        return [r[0] for r in self.conn.execute(sql, [region_id])]

    # -- one entry -----------------------------------------------------------------------
    def dicts(self, sql: str, params=()) -> list[dict]:
        return [dict(r) for r in self.conn.execute(sql, params)]

    def entry(self, rowid: int) -> dict:
        """Everything the detail pane shows about one entry."""
        found = self.dicts(f"{ROW_SELECT} WHERE e.id = ?", [rowid])
        if not found:
            raise KeyError(rowid)
        entry = found[0]
        entry.update(
            self.dicts(
                "SELECT e.paragraph, e.label, e.domain_source, e.domain_reason, d.short_title,"
                " d.period, d.url, d.publisher FROM entries e"
                " JOIN documents d ON d.id = e.document_id WHERE e.id = ?",
                [rowid],
            )[0]
        )
        entry["context"] = self.dicts(
            'SELECT id, start, "end", kind FROM entries WHERE document_id = ? AND paragraph = ?'
            " ORDER BY start",
            [entry["document_id"], entry["paragraph"]],
        )
        entry["mentions"] = self.dicts(
            'SELECT dimension, ref_id, start, "end", text FROM mentions WHERE entry_id = ?'
            " ORDER BY start",
            [rowid],
        )
        entry["figure_list"] = self.dicts(
            "SELECT kind, value, currency, qualifier, unit, alt_value, alt_currency, owner,"
            ' text, display, start, "end" FROM figures WHERE entry_id = ? ORDER BY start',
            [rowid],
        )
        entry["year_list"] = self.dicts(
            "SELECT year_from, year_to, kind, text FROM year_mentions WHERE entry_id = ?"
            " ORDER BY start",
            [rowid],
        )
        entry["notes"] = self.dicts(
            "SELECT n.id, nl.label, n.kind, n.quote FROM note_links nl"
            " JOIN entries n ON n.id = nl.note_entry_id WHERE nl.entry_id = ? ORDER BY n.id",
            [rowid],
        )
        return entry
