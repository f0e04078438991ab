"""The bitmap index: for every filter value, one bit per entry, so that counts need no scan."""

from __future__ import annotations

import sqlite3
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from itertools import repeat
from operator import sub
from pathlib import Path

from app.pipeline import workers

# Words in at least this many entries get a bitmap: fetching a word's entries from the
# full-text index costs about 0.6 µs an entry, so rarer words are fetched when searched for
# (≤ 30 ms) and only frequent ones are worth the build time and the space (125 KB at 1M).
FREQUENT_TERM_ENTRIES = 50_000
PARTNER = "partner"
# dimension -> (link table, value column, partners): True, partner links only, as the country
# facet counts them; False, the other roles (Japan as donor), which a country filter adds;
# None, every link. Read in SQL from the tables (LINK_SOURCES) or from a document's rows as a
# build makes them (tally.tally_document).
LINKS = {
    "countries": ("entry_countries", "country_code", True),
    "donors": ("entry_countries", "country_code", False),
    "regions": ("entry_regions", "region_id", None),
    "organisations": ("entry_organisations", "organisation_id", None),
    "years": ("entry_years", "year", None),
}
ROLE_CONDITIONS = {True: f" WHERE role = '{PARTNER}'", False: f" WHERE role IS NOT '{PARTNER}'"}
# dimension -> rows of (value, entry id).
LINK_SOURCES = {
    dimension: f"SELECT {column}, entry_id FROM {table}{ROLE_CONDITIONS.get(partners, '')}"
    for dimension, (table, column, partners) in LINKS.items()
}
# dimension -> the column of `entries` that holds its value.
ENTRY_SOURCES = {
    "kinds": "kind",
    "domains": "domain_id",
    "documents": "document_id",
    "has_figure": "has_figure",
}
TERMS = "terms"  # frequent words of the full-text index, by the index's own (stemmed) term
# The vocabulary is read in ranges of terms, a task each: a worker process finds the frequent
# words of a range and reads their entries. The splits are first letters that cut English
# text's index into quarters of about equal size (postings, and entries of frequent words);
# the pool gives each range to whichever process is free. More, smaller ranges were no
# quicker: each task makes its own connection and scratch tables (100 MB corpus, 2 processes:
# 10 ranges 1.38 s, 4 ranges 1.04-1.19 s; the whole vocabulary in one process first, 1.58 s).
TERM_SPLITS = ("f", "o", "t")
# Catalogues of fewer entries read their words in this process: starting processes would cost
# more than it saves (the 100 MB corpus's 490k entries: scanning the vocabulary and reading
# its 31 frequent words, 4M entries, take 0.5 + 2 CPU-s).
PARALLEL_MIN_TERM_ENTRIES = 100_000


# Fewer ids than one per this many entries they span are set one bit at a time: packing costs
# about as much per entry spanned as the loop does per id set.
SPARSE = 16
_BINARY_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def encode(ids: Iterable[int]) -> tuple[int, bytes]:
    """(first byte, little-endian bits from that byte on): the bytes before a value's first
    entry are left out, so that a value held by a run of entries (a document) stays small."""
    ids = ids if isinstance(ids, list) else list(ids)
    low, high = min(ids) >> 3, max(ids) >> 3
    if len(ids) * SPARSE < (high - low) << 3:
        buf = bytearray(high - low + 1)
        for i in ids:
            buf[(i >> 3) - low] |= 1 << (i & 7)
        return low, bytes(buf)
    # Dense: one byte per entry spanned, set without running Python code per id, then packed
    # eight to a byte by int()'s parsing of a binary string (linear in base 2), about twice as
    # quick as setting each bit in a loop.
    first = low << 3
    flags = bytearray((high - low + 1) << 3)
    at = map(sub, ids, repeat(first)) if first else ids
    deque(map(flags.__setitem__, at, repeat(1)), maxlen=0)
    packed = int(flags.translate(_BINARY_DIGITS)[::-1], 2)
    return low, packed.to_bytes(high - low + 1, "little")


def decode(first_byte: int, bits: bytes) -> tuple[int, int]:
    """(shift, bits) of a stored bitmap: entry i is in it when bit i - shift is set."""
    return first_byte * 8, int.from_bytes(bits, "little")


def term_rows(
    db, tokenize: str, least: int | None = None, meanwhile: Callable[[], object] = lambda: None
) -> list[tuple]:
    """The bitmap rows of the words of the full-text index (made with the `tokenize` option)
    in at least `least` entries (FREQUENT_TERM_ENTRIES), by the term the index stores. The
    catalogue is committed, then `meanwhile()` runs (a build: its statistics, and the sync of
    the file); on a large index, in a new transaction while other processes find the frequent
    words and read their entries from the file, a range of the vocabulary each."""
    least = FREQUENT_TERM_ENTRIES if least is None else least
    path = db.execute("PRAGMA database_list").fetchone()[2]  # "" in memory: no file to share
    last = db.execute("SELECT rowid FROM entries_fts ORDER BY rowid DESC LIMIT 1").fetchone()
    ranges = list(zip((None, *TERM_SPLITS), (*TERM_SPLITS, None), strict=True))
    processes = workers.processes_for_work(
        last[0] if last else 0, PARALLEL_MIN_TERM_ENTRIES, len(ranges)
    )
    db.conn.commit()
    if not path or processes == 1:
        meanwhile()
        return _range_rows(db.conn, tokenize, least)

    def read(number: int) -> list[tuple]:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return _range_rows(conn, tokenize, least, *ranges[number])
        finally:
            conn.close()

    # Readers need the lock a build holds (locking_mode EXCLUSIVE): SQLite lets it go at the
    # next access of the file in NORMAL mode.
    db.execute("PRAGMA locking_mode = NORMAL")
    db.execute("SELECT count(*) FROM sqlite_master").fetchall()
    with workers.in_order(read, len(ranges), processes) as done:
        # `meanwhile` may write (statistics do) but must not commit, nor fill SQLite's cache
        # with changes (they would need the lock the readers share); rows are written after.
        db.execute("BEGIN")
        meanwhile()
        return [row for rows in done for row in rows]


def _range_rows(
    conn, tokenize: str, least: int, low: str | None = None, high: str | None = None
) -> list[tuple]:
    """The bitmap rows of the frequent words from `low` (inclusive) to `high`, in term order."""
    terms = [term for term, _ in _frequent(conn, least, low, high)]
    own = _own_stems(conn, tokenize, terms) if terms else set()
    return _encoded(TERMS, _term_entries(conn, terms, own))


def dimension_rows(db) -> list[tuple]:
    """The bitmaps of every dimension but the words, read from the link tables and entries."""
    rows = []
    for dimension, sql in LINK_SOURCES.items():
        rows += _encoded(dimension, _grouped(db.execute(sql)))
    for dimension, column in ENTRY_SOURCES.items():
        # Each column has an index: SQLite lists a value's entries in one string, which Python
        # splits at C speed (1M entries: 0.23 s a column, against 0.4 s row by row).
        sql = (
            f"SELECT {column}, group_concat(id) FROM entries WHERE {column} IS NOT NULL GROUP BY 1"
        )
        group = {value: map(int, ids.split(",")) for value, ids in db.execute(sql)}
        rows += _encoded(dimension, group)
    return rows


def _grouped(rows) -> dict:
    group = defaultdict(list)
    for value, entry_id in rows:
        group[value].append(entry_id)
    return group


def _encoded(dimension: str, group: dict) -> list[tuple]:
    return [(dimension, str(value), *encode(ids)) for value, ids in sorted(group.items())]


def _frequent(
    conn, least: int, low: str | None = None, high: str | None = None
) -> list[tuple[str, int]]:
    """(term, entries) of the words of the full-text index in at least `least` entries, from
    `low` (inclusive) to `high` (exclusive) where given: the vocabulary table reads only the
    index's pages of that range."""
    conn.execute("CREATE VIRTUAL TABLE temp.fts_terms USING fts5vocab(main, entries_fts, row)")
    bounds = [(" AND term >= ?", low), (" AND term < ?", high)]
    where = "".join(condition for condition, bound in bounds if bound is not None)
    params = [least, *(bound for _, bound in bounds if bound is not None)]
    try:
        return conn.execute(
            f"SELECT term, doc FROM temp.fts_terms WHERE doc >= ?{where} ORDER BY term", params
        ).fetchall()
    finally:
        conn.execute("DROP TABLE temp.fts_terms")


def _term_entries(conn, terms: list[str], own: set[str]) -> dict[str, list[int]]:
    """The entries of each of `terms` (as the full-text index stores them, after stemming);
    `own`: those that are their own stem."""
    # MATCH stems what it is given, so it finds a term's entries only where the term is its own
    # stem (at 1M entries all 83 are): 0.3 µs an entry, against 0.9 µs for the vocabulary's
    # instance table (every occurrence, made distinct), which finds the others.
    # SQLite lists a term's entries in one string, which Python splits at C speed (4M entries
    # of 31 words: 0.88 -> 0.70 CPU-s, against a row each).
    found = {}
    match = "SELECT group_concat(rowid) FROM entries_fts WHERE entries_fts MATCH ?"
    hits = "SELECT group_concat(doc) FROM (SELECT DISTINCT doc FROM temp.fts_hits WHERE term = ?)"
    conn.execute("CREATE VIRTUAL TABLE temp.fts_hits USING fts5vocab(main, entries_fts, instance)")
    try:
        for term in terms:
            sql, param = (match, f'"{term}"') if term in own else (hits, term)
            (listed,) = conn.execute(sql, [param]).fetchone()
            found[term] = list(map(int, listed.split(","))) if listed else []
    finally:
        conn.execute("DROP TABLE temp.fts_hits")
    return found


def _own_stems(conn, tokenize: str, terms: list[str]) -> set[str]:
    """The terms that the index's tokenizer leaves as they are."""
    made = tokens(conn, tokenize, terms)
    return {term for term, found in zip(terms, made, strict=True) if found == [term]}


def tokens(conn, tokenize: str, words: list[str]) -> list[list[str]]:
    """The terms SQLite's tokenizer `tokenize` makes of each of `words` (a stemmer's output, as
    a full-text index with that option stores it), through a scratch index in the connection's
    TEMP schema: the database itself stays unwritten, even when read-only."""
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.words USING fts5(word, tokenize='{tokenize}')"
    )
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.word_terms USING fts5vocab(temp, words, instance)"
    )
    conn.execute("DELETE FROM temp.words")
    conn.executemany("INSERT INTO temp.words(rowid, word) VALUES (?, ?)", enumerate(words))
    found: list[list[str]] = [[] for _ in words]
    for number, term in conn.execute("SELECT doc, term FROM temp.word_terms ORDER BY doc, offset"):
        found[number].append(term)
    return found
