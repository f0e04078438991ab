"""The bitmap index: for every filter value, one bit per entry, so that counts need no scan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

# Words in at least this many entries get a bitmap: fetching a word's entries from the
# full-text index costs about 0.6 µs an entry, so rarer words are fetched when searched for
# (≤ 30 ms) and only frequent ones are worth the build time and the space (125 KB at 1M).
FREQUENT_TERM_ENTRIES = 50_000
# dimension -> rows of (value, entry id). "countries" holds partners only, as the country
# facet counts them; "donors" the other roles (Japan as donor), which a country filter adds.
LINK_SOURCES = {
    "countries": "SELECT country_code, entry_id FROM entry_countries WHERE role = 'partner'",
    "donors": "SELECT country_code, entry_id FROM entry_countries WHERE role IS NOT 'partner'",
    "regions": "SELECT region_id, entry_id FROM entry_regions",
    "organisations": "SELECT organisation_id, entry_id FROM entry_organisations",
    "years": "SELECT year, entry_id FROM entry_years",
}
# dimension -> the column of `entries` that holds its value.
ENTRY_SOURCES = {
    "kinds": "kind",
    "domains": "domain_id",
    "documents": "document_id",
    "has_figure": "has_figure",
}
TERMS = "terms"  # frequent words of the full-text index, by the index's own (stemmed) term


def encode(ids: Iterable[int]) -> tuple[int, bytes]:
    """(first byte, little-endian bits from that byte on): the bytes before a value's first
    entry are left out, so that a value held by a run of entries (a document) stays small."""
    ids = list(ids)
    low = min(ids) >> 3
    buf = bytearray((max(ids) >> 3) - low + 1)
    for i in ids:
        buf[(i >> 3) - low] |= 1 << (i & 7)
    return low, bytes(buf)


def decode(first_byte: int, bits: bytes) -> tuple[int, int]:
    """(shift, bits) of a stored bitmap: entry i is in it when bit i - shift is set."""
    return first_byte * 8, int.from_bytes(bits, "little")


def write_bitmaps(db, tokenize: str, frequent_terms: int | None = None) -> None:
    """Fill the `bitmaps` table from the link tables, the entries and the full-text index
    (made with the `tokenize` option); words in at least `frequent_terms` entries
    (FREQUENT_TERM_ENTRIES) get one each."""
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
    least = FREQUENT_TERM_ENTRIES if frequent_terms is None else frequent_terms
    rows += _encoded(TERMS, _frequent_terms(db, tokenize, least))
    db.conn.executemany("INSERT INTO bitmaps VALUES (?, ?, ?, ?)", rows)


def _grouped(rows) -> dict:
    group = defaultdict(list)
    for value, entry_id in rows:
        group[value].append(entry_id)
    return group


def _encoded(dimension: str, group: dict) -> list[tuple]:
    return [(dimension, str(value), *encode(ids)) for value, ids in sorted(group.items())]


def _frequent_terms(db, tokenize: str, least: int) -> dict[str, list[int]]:
    """The entries of every word of the full-text index in at least `least` entries, by the
    term the index stores (after stemming)."""
    db.execute("CREATE VIRTUAL TABLE temp.fts_terms USING fts5vocab(main, entries_fts, row)")
    try:
        terms = [
            t for (t,) in db.execute("SELECT term FROM temp.fts_terms WHERE doc >= ?", [least])
        ]
    finally:
        db.execute("DROP TABLE temp.fts_terms")
    if not terms:
        return {}
    # MATCH stems what it is given, so it finds a term's entries only where the term is its own
    # stem (at 1M entries all 83 are): 0.3 µs an entry, against 0.9 µs for the vocabulary's
    # instance table (every occurrence, made distinct), which finds the others.
    own = _own_stems(db, tokenize, terms)
    found = {}
    match = "SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?"
    hits = "SELECT DISTINCT doc FROM temp.fts_hits WHERE term = ?"
    db.execute("CREATE VIRTUAL TABLE temp.fts_hits USING fts5vocab(main, entries_fts, instance)")
    try:
        for term in terms:
            sql, param = (match, f'"{term}"') if term in own else (hits, term)
            found[term] = [d for (d,) in db.execute(sql, [param])]
    finally:
        db.execute("DROP TABLE temp.fts_hits")
    return found


def _own_stems(db, tokenize: str, terms: list[str]) -> set[str]:
    """The terms that the index's tokenizer leaves as they are."""
    made = tokens(db.conn, tokenize, terms)
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
