"""Read-only access to a catalogue: counts, pages, facets and details for any filter."""

from __future__ import annotations

import difflib
import itertools
import os
import sqlite3
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.pipeline.schema import ENTRY_FACETS, SCHEMA_VERSION, SEPARATOR, SQLITE_HEADER
from app.query.bitmaps import (
    BitmapIndex,
    existing_index,
    index_for,
    index_key,
    index_term,
    select,
    yield_now,
)
from app.query.filters import LINK_TABLES, Filters
from app.query.search import fts_query


class Fixed(str):
    """A sort key that keeps its order in both directions: the groups a column's values fall
    into, and blank cells last, as spreadsheets sort them."""


def blank_last(column: str) -> Fixed:
    return Fixed(f"{column} = ''")


def first_of(table: str, value: str) -> str:
    """`value` of the entry's first row in `table` (figures or year_mentions): the one its
    cell shows first."""
    return (
        f"(SELECT {value} FROM {table} shown WHERE shown.entry_id = e.id ORDER BY shown.id LIMIT 1)"
    )


# What the query layer can sort by: column key -> SQL expression(s). Anything else is refused.
# Figures and years sort by the first one in the cell, as numbers: amounts in one currency,
# then another, then counts of one unit and the next (never converted into each other), each
# group smallest first or largest first; and years in time order, not by their wording
# ("since 2015", "until 2030"). The 800k body entries at 1M: 1.2-1.6 s in the background,
# against 1.0-1.1 s as text.
SORT_KEYS = {
    "entry_id": ["e.id"],
    "document": ["e.edition_year", "e.document_id"],
    "edition_year": ["e.edition_year"],
    "section": [blank_last("e.section"), "e.section"],
    "kind": ["e.kind"],
    "domain": ["e.domain_id"],
    "countries": [blank_last("e.countries"), "e.countries"],
    "country_names": [blank_last("e.country_names"), "e.country_names"],
    "regions": [blank_last("e.regions"), "e.regions"],
    "organisations": [blank_last("e.organisations"), "e.organisations"],
    "figures": [
        Fixed(f"coalesce({first_of('figures', 'kind')} != 'money', 2)"),  # money, counts, none
        Fixed(first_of("figures", "coalesce(currency, unit)")),
        first_of("figures", "value"),
    ],
    "years": [
        Fixed(f"{first_of('year_mentions', 'year_from')} IS NULL"),
        first_of("year_mentions", "year_from"),
        first_of("year_mentions", "coalesce(year_to, year_from)"),
    ],
    "quote": ["e.quote"],
    "source_file": ["e.document_id"],
    "start": ["e.start"],
    "end": ["e.end"],
}
# What a row holds: key -> SQL expression over ROW_FROM.
ROW_COLUMNS = {
    "id": "e.id",
    "entry_id": "e.entry_id",
    "document": "d.title",
    "edition_year": "e.edition_year",
    "section": "e.section",
    "kind": "e.kind",
    "domain": "e.domain_id",
    "domain_label": "coalesce(dm.label, '')",
    "countries": "e.countries",
    "country_names": "e.country_names",
    "regions": "e.regions",
    "organisations": "e.organisations",
    "figures": "e.figures",
    "years": "e.years",
    "quote": "e.quote",
    "source_file": "d.source_file",
    "start": "e.start",
    "end": 'e."end"',
    "document_id": "e.document_id",
}
ROW_FROM = """
FROM entries e
JOIN documents d ON d.id = e.document_id
LEFT JOIN domains dm ON dm.id = e.domain_id
"""
ROW_SELECT = (
    "SELECT " + ", ".join(f'{sql} AS "{key}"' for key, sql in ROW_COLUMNS.items()) + ROW_FROM
)
REQUIRED_TABLES = {"entries", "documents", "entries_fts", "entry_countries", "meta", "bitmaps"}
# Each facet's values with their labels, around a query `g` of values `v` and counts `n`.
FACET_LABELS = {
    "countries": "SELECT g.v, c.name, g.n FROM ({}) g JOIN countries c ON c.code = g.v",
    "regions": "SELECT g.v, r.name, g.n FROM ({}) g JOIN regions r ON r.id = g.v",
    "organisations": (
        "SELECT g.v, coalesce(nullif(o.short, ''), o.name), g.n FROM ({}) g"
        " JOIN organisations o ON o.id = g.v"
    ),
    "domains": "SELECT g.v, dm.label, g.n FROM ({}) g JOIN domains dm ON dm.id = g.v",
    "documents": (
        "SELECT g.v, d.short_title || coalesce(' ' || d.edition_year, ''), g.n FROM ({}) g"
        " JOIN documents d ON d.id = g.v"
    ),
    "kinds": "SELECT g.v, g.v, g.n FROM ({}) g",
}
# The table that lists every value of a facet, and its key: for labels without counts.
LISTED = {
    "countries": ("countries", "code"),
    "regions": ("regions", "id"),
    "organisations": ("organisations", "id"),
    "domains": ("domains", "id"),
    "documents": ("documents", "id"),
}
YEARS_FACET = (
    "SELECT y.year, y.year, count(DISTINCT y.entry_id) FROM entry_years y"
    " JOIN entries e ON e.id = y.entry_id WHERE {where} GROUP BY y.year"
)


EVERYTHING = Filters()  # frozen, so a safe shared default


class CatalogueError(Exception):
    """The catalogue cannot be opened or read; the message says what to do."""


class QueryInterrupted(Exception):
    """A query ran out of its time budget or was cancelled by a newer request."""


FACET_CACHE = 256  # facet results kept per catalogue (a few KB each)
MASKS_KEPT = 4  # filters' bitmaps kept for their pages (125 KB each at 1M entries)
PROGRESS_STEPS = 1000  # SQLite VM steps between checks of a query's budget (tens of µs)
ROWS_OF_CHUNK = 2000  # ids a statement when reading the rows of a selection
ORDER_BATCH = 4096  # ids fetched between checks for cancelling a sort (about 1 ms)
POSITIONS_BATCH = 65536  # ids placed between checks for cancelling (about 10 ms)


class Watchdog:
    """Interrupts a connection's statement once its time is up, from one thread for all.

    A progress handler alone cannot stop every slow query: FTS5 gathers the terms of a prefix
    search ("t*") inside one step of SQLite's machine, which took 0.2-0.6 s at 1M entries with
    no handler call in between. An interrupt stops it at FTS5's next read of its index: 0.1 ms
    later for "t*", up to 18 ms for "the*". One thread waits for every deadline rather than a
    timer thread each: a filter change sets up to seven, and starting a thread costs about
    0.15 ms."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._due: dict[int, tuple[float, sqlite3.Connection]] = {}
        self._tokens = itertools.count(1)
        self._thread: threading.Thread | None = None

    def arm(self, conn: sqlite3.Connection, seconds: float) -> int:
        """Interrupt `conn` in `seconds` unless disarm(token) comes first; returns the token."""
        with self._cond:
            token = next(self._tokens)
            self._due[token] = (time.perf_counter() + seconds, conn)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="deadlines", daemon=True)
                self._thread.start()
            self._cond.notify()
            return token

    def disarm(self, token: int) -> None:
        """Once this returns, `token`'s interrupt has come or never will: a later statement on
        the connection is never the one stopped."""
        with self._cond:
            self._due.pop(token, None)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.perf_counter()
                for token, (due, conn) in list(self._due.items()):
                    if due <= now:
                        del self._due[token]
                        try:
                            conn.interrupt()
                        except sqlite3.Error:  # closed meanwhile: nothing runs to stop
                            pass
                soonest = min((due for due, _ in self._due.values()), default=None)
                self._cond.wait(None if soonest is None else max(soonest - now, 0.0))


WATCHDOG = Watchdog()


@dataclass(frozen=True)
class Facet:
    id: str
    label: str
    count: int


# At most this size, opening runs SQLite's PRAGMA quick_check (a few ms per MB: 2 ms for the
# bundled 1 MB catalogue); larger catalogues get only the header, size and probe checks.
QUICK_CHECK_BYTES = 32 * 1024 * 1024
STEMS_KEPT = 50_000  # words stemmed for highlighting (a few MB at most)
REBUILD = "Rebuild it with `catalogue build`, or open another catalogue with --db"
# One row at each end of the key tables: cheap, and it walks the b-trees from root to leaf.
PROBES = (
    "SELECT * FROM entries ORDER BY id LIMIT 1",
    "SELECT * FROM entries ORDER BY id DESC LIMIT 1",
    "SELECT id, checksum, source_file FROM documents",
    "SELECT key, value FROM meta",
    "SELECT * FROM entry_countries ORDER BY rowid DESC LIMIT 1",
    "SELECT rowid FROM entries_fts WHERE entries_fts MATCH 'japan' LIMIT 1",
    "SELECT dimension, value, length(bits) FROM bitmaps ORDER BY rowid DESC LIMIT 1",
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
    if path.is_dir():  # "Build one with --out <a folder>" would fail: "Is a directory"
        raise CatalogueError(
            f"{path} is a folder, not a catalogue. Open a catalogue's file with --db"
            " (a .db file, such as data/catalogue.db)."
        )
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
    except DAMAGE as exc:
        if conn is not None:
            conn.close()
        raise damaged(path, exc, opening=True) from exc
    conn.row_factory = sqlite3.Row
    return conn


# What reading a damaged file raises: SQLite's errors, and Python's when SQLite's message quotes
# damaged text ("malformed database schema (…)") that is not UTF-8.
DAMAGE = (sqlite3.DatabaseError, UnicodeDecodeError)


def damaged(path: Path, exc: Exception, opening: bool = False) -> CatalogueError:
    """The error for damage SQLite reports, at start-up or met later while reading."""
    if isinstance(exc, UnicodeDecodeError):
        reason = "its text is not UTF-8"
    else:
        reason = " ".join(str(exc).split())  # one line, even when it quotes a damaged schema
    what = "is damaged or not a catalogue" if opening else "is damaged"
    return CatalogueError(f"{path} {what} ({reason}). {REBUILD}.")


def stop_if(cancelled: Callable[[], bool] | None) -> None:
    """Raise QueryInterrupted if `cancelled()` says so: between statements and batches of a
    long listing, which `conn.interrupt()` alone cannot stop."""
    if cancelled is not None and cancelled():
        raise QueryInterrupted()


def positions(ids: array, cancelled: Callable[[], bool] | None = None) -> array:
    """For each entry id, its index in `ids` (-1: not there), 8 bytes per id up to the
    largest: where each selected entry went in a sort, without searching the ids for each
    (0.15 s for 800k ids, done in the background beside the sort)."""
    where = array("q", [-1]) * ((max(ids) + 1) if ids else 0)
    for start in range(0, len(ids), POSITIONS_BATCH):
        stop_if(cancelled)
        for at, rowid in enumerate(ids[start : start + POSITIONS_BATCH], start):
            where[rowid] = at
    return where


class Catalogue:
    """The one way to read a catalogue: the GUI, the command line and the exporter use it."""

    def __init__(self, path: Path, bitmaps: bool = True):
        """`bitmaps`: count with the bitmap index (loaded on first use: tens of MB and up to a
        second at 1M entries, so not in the window's own thread, which counts within ms budgets
        and leaves the rest to background workers)."""
        self.path = Path(path)
        self.conn = open_readonly(self.path)
        self.bitmaps: BitmapIndex | None = None
        if bitmaps:
            self.bitmaps = index_for(self.path, self.conn)
        self._facets: OrderedDict[tuple, list[Facet]] = OrderedDict()
        self._counts: OrderedDict[Filters, int] = OrderedDict()
        self._index_key: tuple | None = None  # of the shared bitmaps, for pages (_ready_mask)
        self._masks: OrderedDict[Filters, int] = OrderedDict()
        self._labels: dict[str, dict[str, str]] | None = None
        self._list_labels: dict[str, dict[str, str]] | None = None
        self._spellings: dict[str, dict[str, list[str]]] = {}  # value_ids()
        self._stems: dict[str, str] = {}  # stem(): word -> stem ("" if none)
        # Set by a background worker for its running request: a search that another thread
        # is making is waited for only until this says the request was replaced.
        self.stale: Callable[[], bool] | None = None
        # Called at the bitmap counting's yield points: a background worker waits there while
        # the window's thread handles what it was sent.
        self.pause: Callable[[], object] = yield_now

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- entries -------------------------------------------------------------------------
    def count(self, filters: Filters = EVERYTHING, remembered: bool = True) -> int:
        """The number of matching entries, read from the smallest table that can tell.
        `remembered`: a count kept from before may answer; else it is counted again, which
        with the bitmap index also leaves the filter's search in memory to page from."""
        known = self._counts.get(filters) if remembered else None
        if known is None:
            known = self._count(filters)
            self.remember_count(filters, known)
        return known

    def forget(self, searches: bool = True) -> None:
        """Drop the counts and facets kept so far, and (`searches`) the searches of the bitmap
        index that this file's connections share (the benchmark times them from nothing)."""
        self._counts.clear()
        self._facets.clear()
        self._masks.clear()
        if not searches:
            return
        # The window's connection has no bitmaps of its own, but pages from the shared ones:
        # a search kept there would make its next first page a cache hit.
        index = self._shared_index()
        if index is not None:
            index.forget_searches()

    def remember_count(self, filters: Filters, total: int) -> None:
        """Keep a count (made here or by another connection to the same read-only file)."""
        self._counts[filters] = total
        self._counts.move_to_end(filters)
        while len(self._counts) > FACET_CACHE:
            self._counts.popitem(last=False)

    def _count(self, filters: Filters) -> int:
        if filters.narrows_only_kinds():  # counted at build time
            sql, params = self.built_counts("kinds", filters.kinds)
            return self.conn.execute(f"SELECT coalesce(sum(n), 0) FROM ({sql})", params).fetchone()[
                0
            ]
        if self.bitmaps is not None:
            return self.bitmaps.count(self.conn, filters, self.stale)
        match = fts_query(filters.search)
        if match and filters.with_(search="") == EVERYTHING:  # the full-text index alone
            sql = "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH ?"
            return self.conn.execute(sql, [match]).fetchone()[0]
        source = filters.link_source()
        if source is not None:  # one row per entry and value, with the entry's columns
            where, params = filters.compile("x", source)
            n = "count(*)" if len(getattr(filters, source)) == 1 else "count(DISTINCT x.entry_id)"
            sql = f"SELECT {n} FROM {LINK_TABLES[source][0]} x WHERE {where}"
            return self.conn.execute(sql, params).fetchone()[0]
        where, params = filters.compile()
        return self.conn.execute(
            f"SELECT count(*) FROM entries e WHERE {where}", params
        ).fetchone()[0]

    @staticmethod
    def built_counts(dimension: str, kinds: tuple[str, ...]) -> tuple[str, list]:
        """Values `v` and counts `n` of a facet of the entries of `kinds` (all if empty), from
        the facet_counts table written at build time."""
        sql = "SELECT value AS v, sum(n) AS n FROM facet_counts WHERE dimension = ?"
        if kinds:
            sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
        return sql + " GROUP BY value", [dimension, *kinds]

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
        token = None if seconds is None else WATCHDOG.arm(self.conn, seconds)
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise QueryInterrupted() from exc
            raise
        finally:
            if token is not None:
                WATCHDOG.disarm(token)
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
        keys = [k if isinstance(k, Fixed) else f"{k}{direction}" for k in keys]
        return ", ".join([*keys, f"e.id{direction}"])

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
        return self.rows_of(ids)

    def rows_of(self, ids: Sequence[int]) -> list[dict]:
        """The rows of the entries `ids` (a page of ids), in that order."""
        if not ids:
            return []
        found = {r["id"]: r for r in self.dicts(
            f"{ROW_SELECT} WHERE e.id IN ({', '.join('?' * len(ids))})", list(ids)
        )}  # fmt: skip
        return [found[i] for i in ids if i in found]

    def page_ids(
        self, filters: Filters, sort: str | None, descending: bool, offset: int, limit: int
    ) -> list[int]:
        """Entry ids of one page: in entry order from the bitmap index once it is in memory
        (a years filter listed its 580k entries for every page of SQL at 1M: 0.3-0.6 s);
        else the offset is skipped over narrow index entries, never over whole rows, and a
        search walks the full-text index in rowid order."""
        if (sort or "entry_id") == "entry_id":
            mask = self._ready_mask(filters)
            if mask is not None:
                return select(mask, offset, limit, descending)
        sql, params = self._ids_query(filters, sort, descending)
        return [
            r[0] for r in self.conn.execute(f"{sql} LIMIT ? OFFSET ?", [*params, limit, offset])
        ]

    def _ready_mask(self, filters: Filters) -> int | None:
        """The filter's bitmap, if the bitmap index this file's connections share has all it
        needs in memory (the window's background threads load it), else None."""
        mask = self._masks.get(filters)
        if mask is None:
            index = self._shared_index()
            mask = None if index is None else index.mask_if_ready(filters)
            if mask is None:
                return None
            self._masks[filters] = mask
            while len(self._masks) > MASKS_KEPT:
                self._masks.popitem(last=False)
        return mask

    def _shared_index(self) -> BitmapIndex | None:
        """This connection's bitmaps, or those another connection to the file loaded (the
        window's reads none itself); None if none did."""
        if self.bitmaps is not None:
            return self.bitmaps
        if self._index_key is None:
            self._index_key = index_key(self.path, self.conn)
        return existing_index(self._index_key)

    def ordered_ids(
        self,
        filters: Filters,
        sort: str | None,
        descending: bool = False,
        cancelled: Callable[[], bool] | None = None,
    ) -> array:
        """Every matching entry id in `sort` order, 8 bytes each (8 MB at 1M entries): sorted
        once, so that every page after is a slice instead of a sort of all the matches.
        Stops with QueryInterrupted once `cancelled()` is true (checked before each statement
        and between batches of ids; a running statement is stopped by `conn.interrupt()`)."""
        if sort == "document":
            return self._document_order(filters, descending, cancelled)
        ids = array("q")
        self._extend(ids, *self._ids_query(filters, sort, descending), cancelled)
        return ids

    def _document_order(self, filters: Filters, descending: bool, cancelled) -> array:
        """The ids in Document order without SQL's sort of every match in a temporary tree
        (800k body entries: 1.4 s): a document has one edition, so this is the documents' order
        and, within each, the entry order."""
        direction = " DESC" if descending else ""
        documents = [r[0] for r in self.conn.execute(
            f"SELECT id FROM documents ORDER BY edition_year{direction}, id{direction}"
        )]  # fmt: skip
        where, params = filters.compile()
        ids = array("q")
        if filters.only_entry_columns():
            # Each document's entries from the document_id index, already in id order: 0.3 s.
            sql = (
                f"SELECT e.id FROM entries e WHERE e.document_id = ? AND {where}"
                f" ORDER BY e.id{direction}"
            )
            for document in documents:
                self._extend(ids, sql, [document, *params], cancelled)
            return ids
        # A subquery (a country, years, a search) would run again for every document (USA at
        # 1M: 12 s): list the matches once in id order and deal them out by document (0.2 s).
        rank = {document: n for n, document in enumerate(documents)}
        shares = [array("q") for _ in documents]
        cursor = self._cursor(
            f"SELECT e.id, e.document_id FROM entries e WHERE {where} ORDER BY e.id{direction}",
            params,
            cancelled,
        )
        while batch := cursor.fetchmany(ORDER_BATCH):
            for rowid, document in batch:
                shares[rank[document]].append(rowid)
            stop_if(cancelled)
        for share in shares:
            ids.extend(share)
        return ids

    def _cursor(self, sql: str, params: list, cancelled) -> sqlite3.Cursor:
        stop_if(cancelled)
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params)

    def _extend(self, ids: array, sql: str, params: list, cancelled) -> None:
        cursor = self._cursor(sql, params, cancelled)
        while batch := cursor.fetchmany(ORDER_BATCH):
            ids.extend(r[0] for r in batch)
            stop_if(cancelled)

    def _ids_query(self, filters: Filters, sort: str | None, descending: bool):
        """The SQL and parameters that list the matching entry ids in `sort` order."""
        direction = " DESC" if descending else ""
        match = fts_query(filters.search)
        if match and (sort or "entry_id") == "entry_id":
            where, params = filters.with_(search="").compile()
            sql = (
                "SELECT e.id FROM entries_fts f JOIN entries e ON e.id = f.rowid"
                f" WHERE entries_fts MATCH ? AND {where} ORDER BY f.rowid{direction}"
            )
            return sql, [match, *params]
        if (sort or "entry_id") == "entry_id" and (source := self._single_source(filters)):
            # One value of a country, region or organisation: its link table lists the entries
            # in id order (index on value, entry_id) with their kind, domain, document and
            # figure flag, so a page stops after `limit` rows instead of first listing
            # every entry of the value (55k for the top country at 1M: 7 ms -> 0.1 ms).
            where, params = filters.compile("x", source)
            sql = (
                f"SELECT x.entry_id FROM {LINK_TABLES[source][0]} x WHERE {where}"
                f" ORDER BY x.entry_id{direction}"
            )
            return sql, params
        where, params = filters.compile()
        order = self.order_clause(sort, descending)
        return f"SELECT e.id FROM entries e WHERE {where} ORDER BY {order}", params

    @staticmethod
    def _single_source(filters: Filters) -> str | None:
        """The link table that lists the matching entries once each (one value chosen)."""
        source = filters.link_source()
        return source if source is not None and len(getattr(filters, source)) == 1 else None

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

    def iter_cells(
        self,
        keys: list[str],
        filters: Filters = EVERYTHING,
        sort: str | None = None,
        descending: bool = False,
        offset: int = 0,
        limit: int | None = None,
    ) -> Iterator[tuple]:
        """The rows of iter_rows as plain tuples of the `keys` columns (of ROW_COLUMNS), in
        that order: what an export reads, with no dict per row. `offset` and `limit` pick a
        run of them (an export's share), the whole order being total (order_clause)."""
        where, params = filters.compile()
        select = ", ".join(ROW_COLUMNS[k] for k in keys)
        order = self.order_clause(sort, descending)
        sql = f"SELECT {select} {ROW_FROM} WHERE {where} ORDER BY {order}"
        if offset or limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [*params, -1 if limit is None else limit, offset]
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params)

    def iter_cells_of(self, keys: list[str], ids: Sequence[int]) -> Iterator[tuple]:
        """The rows of the entries `ids` as iter_cells gives them (tuples of the `keys`
        columns), in the order of `ids`: what an export of a selection reads."""
        select = ", ".join(ROW_COLUMNS[k] for k in keys)
        cursor = self.conn.cursor()
        cursor.row_factory = None
        for part in self._chunks(ids):
            marks = ", ".join("?" * len(part))
            sql = f"SELECT e.id, {select} {ROW_FROM} WHERE e.id IN ({marks})"
            found = {row[0]: row[1:] for row in cursor.execute(sql, list(part))}
            yield from (found[i] for i in part if i in found)

    def _chunks(self, ids: Sequence[int]) -> Iterator[Sequence[int]]:
        """`ids` in runs of ROWS_OF_CHUNK at most: one statement for all of them would pass
        more values than SQLite takes (32,766 by default, 250,000 in some builds)."""
        chunk = min(ROWS_OF_CHUNK, self.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        for start in range(0, len(ids), chunk):
            yield ids[start : start + chunk]

    def iter_rows_of(self, ids: Sequence[int]) -> Iterator[dict]:
        """The rows of any number of entries (a selection), in the order of `ids`."""
        for part in self._chunks(ids):
            yield from self.rows_of(part)

    # -- facets and vocabularies ---------------------------------------------------------
    def facet(self, dimension: str, filters: Filters = EVERYTHING) -> list[Facet]:
        """Values of one dimension with the number of entries each would give, honouring
        every other active filter; most frequent first."""
        cached = self.known_facet(dimension, filters)
        if cached is not None:
            return cached
        key = (dimension, filters.without(dimension))
        counted_at_build = key[1].narrows_only_kinds() and not self.counts_members(*key)
        if self.bitmaps is not None and not counted_at_build:
            found = self._bitmap_facet(dimension, key[1])
        else:
            sql, params = self.facet_sql(dimension, key[1])
            found = [Facet(str(i), str(label), n) for i, label, n in self.conn.execute(sql, params)]
        if dimension == "years":
            found.sort(key=lambda f: f.id)
        else:
            found.sort(key=lambda f: (-f.count, f.label.lower()))
        self.remember_facet(dimension, filters, found)
        return list(found)

    def known_facet(self, dimension: str, filters: Filters) -> list[Facet] | None:
        """facet(), if kept from before (counted here or remembered), else None: no query."""
        # A facet ignores its own dimension, so changing that dimension's values reuses it.
        key = (dimension, filters.without(dimension))
        cached = self._facets.get(key)
        if cached is None:
            return None
        self._facets.move_to_end(key)
        return list(cached)

    def _bitmap_facet(self, dimension: str, filters: Filters) -> list[Facet]:
        """A facet counted from the bitmap index and labelled by FACET_LABELS, as facet_sql's
        counts are: the same labels, and values without a label row left out by the join."""
        if dimension not in FACET_LABELS and dimension != "years":
            raise KeyError(dimension)
        counted = self.bitmaps.facet(self.conn, dimension, filters, self.stale, self.pause)
        if dimension == "years" or not counted:
            return [Facet(value, value, n) for value, n in counted]
        pairs = ", ".join(["(?, ?)"] * len(counted))
        values = f"SELECT column1 AS v, column2 AS n FROM (VALUES {pairs})"
        params = [item for pair in counted for item in pair]
        sql = FACET_LABELS[dimension].format(values)
        return [Facet(str(i), str(label), n) for i, label, n in self.conn.execute(sql, params)]

    def remember_facet(self, dimension: str, filters: Filters, found: list[Facet]) -> None:
        """Keep a facet's values (counted here or by another connection to the same file): the
        catalogue is read-only, so counts never go stale."""
        self._facets[(dimension, filters.without(dimension))] = list(found)
        while len(self._facets) > FACET_CACHE:
            self._facets.popitem(last=False)

    @staticmethod
    def counts_members(dimension: str, filters: Filters) -> bool:
        """Whether each region's count takes in the entries naming its member countries, as
        choosing the region would with "include member countries"."""
        return dimension == "regions" and filters.include_region_members

    def facet_sql(self, dimension: str, filters: Filters) -> tuple[str, list]:
        """The query of a facet: counted at build time when only kinds of text are chosen;
        otherwise grouped in the narrowest table that holds the value and every filtered
        column (a link table repeats its entry's kind, domain, document and has_figure)."""
        if dimension == "years":
            where, params = filters.compile()
            return YEARS_FACET.format(where=where), params
        if dimension not in FACET_LABELS:
            raise KeyError(dimension)
        if self.counts_members(dimension, filters):
            # A region's entries and those naming any of its members as partners (as the
            # filter does), each pair once.
            where, params = filters.compile()
            sql = (
                "SELECT v, count(*) AS n FROM (SELECT region_id AS v, entry_id FROM entry_regions"
                " UNION SELECT m.region_id, c.entry_id FROM entry_countries c"
                " JOIN region_members m ON m.country_code = c.country_code"
                " WHERE c.role = 'partner')"
                f" WHERE entry_id IN (SELECT e.id FROM entries e WHERE {where}) GROUP BY v"
            )
            return FACET_LABELS[dimension].format(sql), params
        if filters.narrows_only_kinds():
            sql, params = self.built_counts(dimension, filters.kinds)
        elif dimension in LINK_TABLES:
            table, column = LINK_TABLES[dimension]
            where, params = filters.compile("x", dimension)
            if dimension == "countries":
                where += " AND x.role = 'partner'"
            sql = f"SELECT x.{column} AS v, count(*) AS n FROM {table} x WHERE {where} GROUP BY v"
        elif (source := filters.link_source()) is not None:
            column = ENTRY_FACETS[dimension]
            where, params = filters.compile("x", source)
            n = "count(*)" if len(getattr(filters, source)) == 1 else "count(DISTINCT x.entry_id)"
            sql = (
                f"SELECT x.{column} AS v, {n} AS n FROM {LINK_TABLES[source][0]} x"
                f" WHERE {where} GROUP BY v"
            )
        else:
            column = ENTRY_FACETS[dimension]
            where, params = filters.compile()
            sql = f"SELECT e.{column} AS v, count(*) AS n FROM entries e WHERE {where} GROUP BY v"
        return FACET_LABELS[dimension].format(sql), params

    def year_range(self) -> tuple[int, int] | None:
        """The first and last year any entry concerns: two reads of the years' index."""
        # Asked together in one SELECT, min() and max() make SQLite scan the whole index
        # (88-100 ms at 1M entries, before the window shows); each alone is one seek.
        low, high = self.conn.execute(
            "SELECT (SELECT min(year) FROM entry_years), (SELECT max(year) FROM entry_years)"
        ).fetchone()
        return None if low is None else (int(low), int(high))

    def labels(self) -> dict[str, dict[str, str]]:
        """Every dimension's id -> label (read once: the catalogue is read-only)."""
        if self._labels is None:
            self._labels = self._read_labels()
        return self._labels

    def list_labels(self) -> dict[str, dict[str, str]]:
        """Every listed dimension's id -> label as the filter lists show it ("Diplomatic
        Bluebook 2023", where a description says "…, 2023 edition"): a ticked value that no
        entry matches keeps the name its row had."""
        if self._list_labels is None:
            self._list_labels = {
                dimension: {
                    value: label
                    for value, label, _ in self.conn.execute(
                        FACET_LABELS[dimension].format(f"SELECT {key} AS v, 0 AS n FROM {table}")
                    )
                }
                for dimension, (table, key) in LISTED.items()
            }
        return self._list_labels

    def _read_labels(self) -> dict[str, dict[str, str]]:
        # The lists' labels but for documents, which a description names in full.
        return {
            **self.list_labels(),
            "documents": dict(
                self.conn.execute(
                    "SELECT id, short_title || coalesce(', ' || edition_year || ' edition', '')"
                    " FROM documents"
                )
            ),
            "kinds": {},
        }

    def describe(self, filters: Filters) -> str:
        return filters.describe(self.labels())

    def value_ids(self, dimension: str, text: str) -> list[str]:
        """The ids of the values of `dimension` (regions, domains, documents, organisations)
        that `text` names, in any case: an id or a label, and an organisation's full name or
        alias too. Several where it names several ("ODA White Paper"); none if it names none."""
        return list(self._spellings_of(dimension).get(text.strip().casefold(), ()))

    def close_values(self, dimension: str, text: str, most: int = 3) -> list[str]:
        """The ids of the values whose spellings are closest to `text` (a typing slip)."""
        spellings = self._spellings_of(dimension)
        close = difflib.get_close_matches(text.strip().casefold(), list(spellings), n=most)
        return list(dict.fromkeys(i for spelling in close for i in spellings[spelling]))

    def stem(self, word: str) -> str:
        """index_term() of `word` in this catalogue, kept: highlighting asks for each word of
        every painted quote that may share a searched word's stem."""
        key = word.casefold()
        found = self._stems.get(key)
        if found is None:
            found = index_term(self.conn, key)
            if len(self._stems) >= STEMS_KEPT:  # a long session's words: start again
                self._stems.clear()
            self._stems[key] = found
        return found

    def names_of(self, dimension: str) -> dict[str, list[str]]:
        """Each value's id -> every way it is written, folded (for a finder that must match
        "japan coast guard" as well as JCG)."""
        names: dict[str, list[str]] = {}
        for spelling, ids in self._spellings_of(dimension).items():
            for i in ids:
                names.setdefault(i, []).append(spelling)
        return names

    def _spellings_of(self, dimension: str) -> dict[str, list[str]]:
        """Every way `dimension`'s values are written, folded -> their ids."""
        if dimension not in self._spellings:
            labels = self.labels()[dimension]
            pairs = [*((i, i) for i in labels), *labels.items()]
            q = self.conn.execute
            if dimension == "organisations":
                for i, name, aliases in q("SELECT id, name, aliases FROM organisations"):
                    pairs += [(i, name), *((i, a) for a in (aliases or "").split(SEPARATOR))]
            elif dimension == "documents":
                pairs += q("SELECT id, short_title FROM documents").fetchall()
            spellings: dict[str, list[str]] = {}
            for i, name in pairs:
                if name:
                    found = spellings.setdefault(str(name).casefold(), [])
                    if i not in found:
                        found.append(i)
            self._spellings[dimension] = spellings
        return self._spellings[dimension]

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
        entry["referred_by"] = self.dicts(
            "SELECT r.id, r.entry_id, r.section, r.quote FROM note_links nl"
            " JOIN entries r ON r.id = nl.entry_id WHERE nl.note_entry_id = ? ORDER BY r.id",
            [rowid],
        )
        return entry
