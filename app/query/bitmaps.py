"""Counts and facets from the catalogue's bitmap index: a few ANDs and popcounts, no scan."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from itertools import compress, islice
from pathlib import Path

from app.pipeline.bitmaps import ENTRY_SOURCES, LINK_SOURCES, TERMS, decode, encode, tokens
from app.pipeline.schema import FTS_TOKENIZE
from app.query.filters import Filters
from app.query.search import Query, Term, parse

Bitmap = tuple[int, int]  # (shift, bits): entry i is in it when bit i - shift of bits is set
DIMENSIONS = (*LINK_SOURCES, *ENTRY_SOURCES, TERMS)
SEARCH_CACHE = 16  # searches kept as bitmaps (125 KB each at 1M entries)
STEM_CACHE = 4096
FILES_KEPT = 2  # catalogue files whose bitmaps stay loaded
# A facet lets other threads run at least this often: the window's thread must never wait
# long for the interpreter (the GUI also shortens Python's switch interval from 5 to 0.5 ms;
# this holds elsewhere, e.g. the command line's own threads).
YIELD_SECONDS = 0.002
WAIT_SLICE_S = 0.02  # a thread waiting for another's search looks this often whether to stop
Stop = Callable[[], bool] | None  # true once the caller's request is replaced
FROM_IDS_BATCH = 32768  # ids made into bits between such pauses (about 2 ms)


# The positions of the set bits of each byte value, and how many bytes select() counts at once.
_BITS = tuple(tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256))
SELECT_BLOCK = 4096
# From this many ids, select() lists them with itertools.compress over a byte per bit, in C:
# the ids of 700k selected rows took 65 ms a byte at a time, in the window's thread.
SELECT_MANY = 4096
_ZERO_ONE = bytes.maketrans(b"01", b"\x00\x01")


def _select_many(raw: bytes, start: int, skip: int, limit: int) -> list[int]:
    """_select() from byte `start` of `raw` (the mask's bytes), whose block holds the page's
    first id, `skip` set bits into it."""
    end, wanted = start, skip + limit
    while end < len(raw) and wanted > 0:  # up to the block that holds the page's last id
        wanted -= int.from_bytes(raw[end : end + SELECT_BLOCK], "little").bit_count()
        end += SELECT_BLOCK
    # The bits from `start` on, lowest first, one byte each (0 or 1); bin() leaves out the
    # zeros above the highest set bit, where no id is.
    digits = bin(int.from_bytes(raw[start:end], "little"))[:1:-1]
    flags = digits.encode("ascii").translate(_ZERO_ONE)
    first = start << 3
    return list(islice(compress(range(first, first + len(flags)), flags), skip, skip + limit))


def select(mask: int, offset: int, limit: int, descending: bool = False) -> list[int]:
    """The entries of `mask` numbered `offset` to `offset + limit - 1` in entry order (in
    reverse when `descending`): a page of a filter's rows, with no query."""
    if descending:
        total = mask.bit_count()
        end = total - offset
        start = max(end - limit, 0)
        found = _select(mask, start, end - start) if end > 0 else []
        found.reverse()
        return found
    return _select(mask, offset, limit)


def _select(mask: int, skip: int, limit: int) -> list[int]:
    """The set bits of `mask` after the first `skip`, `limit` of them, lowest first. Blocks
    before the page, and empty ones, are skipped by their count; only those that hold the
    page are read, a byte at a time for a page, in C for many (_select_many)."""
    found: list[int] = []
    if limit <= 0:
        return found
    raw = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    for start in range(0, len(raw), SELECT_BLOCK):
        block = raw[start : start + SELECT_BLOCK]
        n = int.from_bytes(block, "little").bit_count()
        if n <= skip:
            skip -= n
            continue
        if limit >= SELECT_MANY:
            return _select_many(raw, start, skip, limit)
        for at, value in enumerate(block, start):
            if not value:
                continue
            bits = _BITS[value]
            if len(bits) <= skip:
                skip -= len(bits)
                continue
            base = at << 3
            for bit in bits[skip:]:
                found.append(base + bit)
                if len(found) == limit:
                    return found
            skip = 0
    return found


def full(bitmap: Bitmap) -> int:
    shift, bits = bitmap
    return bits << shift


def yield_now() -> None:
    """Hand the interpreter to another thread if one waits for it (the window's)."""
    time.sleep(0)


def from_ids(ids: Iterable[int]) -> int:
    """The bitmap of entry ids (any order), made as the build stores one, FROM_IDS_BATCH ids
    at a time: encode() runs in C for a whole list, and held the interpreter for 50-60 ms
    on a prefix search's 700-900k entries, the window's thread waiting for it."""
    bits = 0
    ids = iter(ids)
    while batch := list(islice(ids, FROM_IDS_BATCH)):
        bits |= full(decode(*encode(batch)))
        yield_now()
    return bits


def index_term(conn: sqlite3.Connection, word: str) -> str:
    """The term the full-text index stores for `word` (its stem: "cooperation" -> "cooper"),
    from SQLite's own tokenizer; "" if it makes none or several."""
    made = tokens(conn, FTS_TOKENIZE, [word])[0]
    return made[0] if len(made) == 1 else ""


class NotLoaded(Exception):
    """A dimension (or the regions' members) asked for without a connection to read it."""


class BitmapIndex:
    """The bitmaps of one catalogue file, read a dimension at a time on first use and shared by
    every connection to that file: they never change (the file is read-only), so threads share
    them without locks once loaded."""

    def __init__(self):
        self._lock = threading.Lock()
        self._dimensions: dict[str, dict[str, Bitmap]] = {}
        self._searches: OrderedDict[str, int] = OrderedDict()
        self._searching: dict[str, threading.Event] = {}  # searches being made, by a thread
        self._stems: dict[str, str] = {}
        self._members: dict[str, list[str]] | None = None
        self._universe: int | None = None

    # -- loading -------------------------------------------------------------------------
    def dimension(self, conn: sqlite3.Connection | None, name: str) -> dict[str, Bitmap]:
        """The bitmaps of one dimension by value, read on first use (never with no `conn`)."""
        found = self._dimensions.get(name)
        if found is None:
            if conn is None:
                raise NotLoaded(name)
            with self._lock:
                found = self._dimensions.get(name)
                if found is None:
                    rows = conn.execute(
                        "SELECT value, first_byte, bits FROM bitmaps WHERE dimension = ?", [name]
                    )
                    found = {value: decode(first, bits) for value, first, bits in rows}
                    self._dimensions[name] = found
        return found

    def loaded(self) -> bool:
        return all(name in self._dimensions for name in DIMENSIONS)

    def warm(self, conn: sqlite3.Connection, more: Callable[[], bool] = lambda: True) -> None:
        """Load every dimension now (a background thread, while idle) while `more()` says so,
        and the regions' members."""
        for name in DIMENSIONS:
            if not more():
                return
            self.dimension(conn, name)
        self.members(conn, ())

    def union(self, conn: sqlite3.Connection | None, name: str, values) -> int:
        table = self.dimension(conn, name)
        bits = 0
        for value in values:
            found = table.get(str(value))
            if found is not None:
                bits |= full(found)
        return bits

    def universe(self, conn: sqlite3.Connection | None) -> int:
        """Every entry: each has exactly one kind."""
        if self._universe is None:
            self._universe = self.union(conn, "kinds", self.dimension(conn, "kinds"))
        return self._universe

    def members(self, conn: sqlite3.Connection | None, regions) -> list[str]:
        if self._members is None:
            if conn is None:
                raise NotLoaded("region members")
            members: dict[str, list[str]] = {}
            for region, code in conn.execute("SELECT region_id, country_code FROM region_members"):
                members.setdefault(region, []).append(code)
            self._members = members
        return [code for region in regions for code in self._members.get(region, ())]

    # -- filters -------------------------------------------------------------------------
    def mask(
        self, conn: sqlite3.Connection | None, filters: Filters, searched=..., stop: Stop = None
    ) -> int:
        """The entries matching `filters`, as one bitmap (the same entries as Filters.compile);
        `searched`: the search's bitmap (None: no search) if the caller has it already. With
        no `conn`, from what is in memory, else NotLoaded."""
        parts = []
        for name in ("kinds", "domains", "documents", "organisations"):
            values = getattr(filters, name)
            if values:
                parts.append(self.union(conn, name, values))
        if filters.countries:
            parts.append(self.any_role(conn, filters.countries))
        if filters.regions:
            parts.append(self.regions(conn, filters.regions, filters.include_region_members))
        if filters.year_from is not None or filters.year_to is not None:
            low, high = filters.year_bounds()
            years = [y for y in self.dimension(conn, "years") if low <= int(y) <= high]
            parts.append(self.union(conn, "years", years))
        if filters.has_figure is not None:
            parts.append(self.union(conn, "has_figure", [int(filters.has_figure)]))
        if searched is ...:
            searched = self.search(conn, filters.search, stop)
        if searched is not None:
            parts.append(searched)
        if not parts:
            return self.universe(conn)
        parts.sort(key=int.bit_length)  # the shortest first: every AND is then as short
        bits = parts[0]
        for part in parts[1:]:
            bits &= part
        return bits

    def mask_if_ready(self, filters: Filters) -> int | None:
        """mask(), if everything it needs is in memory already (the dimensions it reads, the
        search's bitmap, the regions' members); else None, rather than read any of it in this
        thread. Not every dimension: a years filter reopened at 1M was paged from SQL, 0.3 s
        in the window's thread, until the idle counting thread had loaded the rest."""
        key = parse(filters.search).key()
        searched = None if key is None else self._searches.get(key)
        if key is not None and searched is None:
            return None  # (or dropped meanwhile by a thread that kept a newer search)
        try:
            return self.mask(None, filters, searched)  # no connection: reads nothing
        except NotLoaded:
            return None

    def regions(self, conn: sqlite3.Connection | None, regions, with_members: bool) -> int:
        """The entries naming any of `regions`, and with `with_members` those naming one of
        their member countries as a partner."""
        bits = self.union(conn, "regions", regions)
        if with_members:
            bits |= self.union(conn, "countries", self.members(conn, regions))
        return bits

    def any_role(self, conn: sqlite3.Connection | None, codes) -> int:
        return self.union(conn, "countries", codes) | self.union(conn, "donors", codes)

    def search(self, conn: sqlite3.Connection, text: str, stop: Stop = None) -> int | None:
        """The entries the full-text search matches, or None when the text searches nothing.
        Frequent single words come from their stored bitmaps; the rest (rarer words, phrases,
        prefixes) from the full-text index, which lists few entries for them.

        One thread makes a search, others wanting it wait: a filter change has the total and
        two facet threads ask for it at once, and a prefix search ("t*") made them each list
        900k entries, three times the work on two cores. A waiter whose `stop()` turns true
        (its request was replaced) raises an interruption, as its own query would; one whose
        maker failed makes the search itself."""
        query = parse(text)
        key = query.key()
        if key is None:
            return None
        waited = False
        while True:
            cached = self._searches.get(key)
            if cached is not None:
                with self._lock:  # another thread may have dropped it since: then it stays out
                    if key in self._searches:
                        self._searches.move_to_end(key)  # least recently used goes first
                return cached
            if waited and stop is not None and stop():
                raise sqlite3.OperationalError("interrupted: the search waited for stopped")
            with self._lock:
                searching = self._searching.get(key)
                if searching is None:
                    self._searching[key] = threading.Event()
            if searching is None:
                try:
                    return self._search(conn, key, query)
                finally:
                    with self._lock:
                        self._searching.pop(key).set()
            while not searching.wait(WAIT_SLICE_S):  # without the interpreter
                if stop is not None and stop():
                    raise sqlite3.OperationalError("interrupted while waiting for a search")
            waited = True

    def _search(self, conn: sqlite3.Connection, key: str, query: Query) -> int:
        frequent = self.dimension(conn, TERMS)
        bits, rest = None, []
        for group in query.groups:
            stored = self._stored(conn, frequent, group)
            if stored is None:
                rest.append(group)
            else:
                bits = stored if bits is None else bits & stored
        if rest:
            found = self._matching(conn, Query(tuple(rest)))
            bits = found if bits is None else bits & found
        if query.excluded:
            left_out = self._stored(conn, frequent, query.excluded)
            if left_out is None:
                left_out = self._matching(conn, Query((query.excluded,)))
            bits = (self.universe(conn) if bits is None else bits) & ~left_out
        assert bits is not None  # a query that searches has a group or an excluded term
        with self._lock:
            self._searches[key] = bits
            while len(self._searches) > SEARCH_CACHE:
                self._searches.popitem(last=False)
        return bits

    def _stored(
        self, conn: sqlite3.Connection, frequent: dict[str, Bitmap], terms: tuple[Term, ...]
    ) -> int | None:
        """The entries with any of `terms`, from the stored bitmaps if each is a frequent
        single word; else None."""
        bits = 0
        for words, prefix in terms:
            stored = None
            if len(words) == 1 and not prefix and frequent:
                stored = frequent.get(self.stem(conn, words[0]))
            if stored is None:
                return None
            bits |= full(stored)
        return bits

    @staticmethod
    def _matching(conn: sqlite3.Connection, query: Query) -> int:
        sql = "SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?"
        return from_ids(r for (r,) in conn.execute(sql, [query.match()]))

    def forget_searches(self) -> None:
        """Drop the searches kept as bitmaps (the benchmark times them from nothing)."""
        with self._lock:
            self._searches.clear()

    def stem(self, conn: sqlite3.Connection, word: str) -> str:
        """The term the full-text index stores for `word`, from SQLite's own tokenizer ("" if it
        makes none or several). FTS_TOKENIZE is this app's: a change to it bumps the schema
        version, so a catalogue this app opens was indexed with it."""
        found = self._stems.get(word)
        if found is None:
            found = index_term(conn, word)
            if len(self._stems) < STEM_CACHE:
                self._stems[word] = found
        return found

    # -- counts --------------------------------------------------------------------------
    def count(self, conn: sqlite3.Connection, filters: Filters, stop: Stop = None) -> int:
        return self.mask(conn, filters, stop=stop).bit_count()

    def facet(
        self,
        conn: sqlite3.Connection,
        dimension: str,
        filters: Filters,
        stop: Stop = None,
        pause: Callable[[], object] = yield_now,
    ):
        """(value, entries) of every value of `dimension` that the entries matching `filters`
        hold; the caller leaves the dimension's own filter out of `filters`. `pause()` is
        called every YIELD_SECONDS of the work."""
        mask = self.mask(conn, filters, stop=stop)
        if dimension == "regions" and filters.include_region_members:
            return self._regions_with_members(conn, mask)
        raw = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
        found = []
        paused = time.perf_counter()
        for value, (shift, bits) in self.dimension(conn, dimension).items():
            if shift:  # only the bytes of the mask that the value's bits cover
                start = shift >> 3
                part = int.from_bytes(raw[start : start + (bits.bit_length() + 7) // 8], "little")
                n = (part & bits).bit_count()
            else:
                n = (mask & bits).bit_count()
            if n:
                found.append((value, n))
            if time.perf_counter() - paused > YIELD_SECONDS:
                pause()
                paused = time.perf_counter()
        return found

    def _regions_with_members(self, conn: sqlite3.Connection, mask: int) -> list[tuple[str, int]]:
        """(region, entries) of the entries in `mask` that name each region or any of its
        member countries as a partner: what choosing the region gives with its members."""
        self.members(conn, ())
        assert self._members is not None
        named = self.dimension(conn, "regions")
        found = []
        for region in named.keys() | self._members.keys():
            if n := (mask & self.regions(conn, [region], with_members=True)).bit_count():
                found.append((region, n))
        return found


_indexes: OrderedDict[tuple, BitmapIndex] = OrderedDict()
_indexes_lock = threading.Lock()


def stamp(conn: sqlite3.Connection) -> tuple:
    """Which build of a catalogue `conn` reads: its build time, pages and last entry."""
    built = conn.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    last = conn.execute("SELECT max(id) FROM entries").fetchone()[0]
    return built[0] if built else None, pages, last


def index_for(path: Path, conn: sqlite3.Connection) -> BitmapIndex:
    """The one BitmapIndex of the catalogue `conn` reads at `path`. Keyed by what the
    connection itself reads (build time, pages, last entry), not by the file's size and date:
    a catalogue rebuilt under the same name while a connection to the old one is open must
    never share the old one's bitmaps."""
    key = index_key(path, conn)
    with _indexes_lock:
        index = _indexes.get(key)
        if index is None:
            index = _indexes[key] = BitmapIndex()
            while len(_indexes) > FILES_KEPT:
                _indexes.popitem(last=False)
        _indexes.move_to_end(key)
        return index


def index_key(path: Path, conn: sqlite3.Connection) -> tuple:
    return (str(path.resolve()), *stamp(conn))


def existing_index(key: tuple) -> BitmapIndex | None:
    """The BitmapIndex of `key` (index_key) if some connection made it, without making one."""
    with _indexes_lock:
        return _indexes.get(key)
