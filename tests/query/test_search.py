"""Whatever a person types becomes a safe full-text query."""

import sqlite3

import pytest

from app.query.search import MAX_TERMS, fts_query, highlight_words, parse

HOSTILE = [
    'unbalanced "quote',
    "AND",
    "OR NOT AND",
    "C++",
    "O'Brien",
    "*",
    '"',
    '""',
    "NEAR(",
    "NEAR(a b, 3)",
    "col:value",
    "'; DROP TABLE entries; --",
    "^start",
    "a" * 10_000,
    "\x00\x01\x1b[31m",
    "(((",
    "-",
    "日本 安全保障",
    "Viet Nam*",
    "piracy AND",
]


@pytest.fixture(scope="module")
def fts():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61')")
    conn.executemany(
        "INSERT INTO t(x) VALUES (?)",
        [("Japan supports the Philippine Coast Guard",), ("C++ and O'Brien",), ("AND gate",)],
    )
    return conn


@pytest.mark.parametrize("typed", HOSTILE)
def test_any_input_runs_without_error(fts, typed):
    query = fts_query(typed)
    if query is not None:
        fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", [query]).fetchone()


def test_words_phrases_and_prefixes(fts):
    def hits(typed):
        return fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", [fts_query(typed)]).fetchone()[
            0
        ]

    assert hits("coast guard") == 1
    assert hits('"guard coast"') == 0  # a phrase keeps its order
    assert hits('"coast guard"') == 1
    assert hits("philipp*") == 1
    assert hits("philipp") == 0
    assert hits("AND") == 2  # an operator typed alone is a word to look for
    assert hits("C++") == 1


def test_nothing_searchable_gives_none():
    assert fts_query("") is None
    assert fts_query("*") is None
    assert fts_query('"') is None
    assert fts_query("  --  ") is None


def test_terms_and_highlight_words():
    assert parse('coast "guard of" pir*').terms() == [
        (("coast",), False),
        (("guard", "of"), False),
        (("pir",), True),
    ]
    assert highlight_words("Coast pir*") == ["coast", "pir*"]
    assert highlight_words("piracy OR robbery -somalia") == ["piracy", "robbery"]


def test_long_input_is_bounded():
    assert len(parse(" ".join(["w"] * 500)).terms()) == MAX_TERMS == 32


def hits(fts, typed):
    query = parse(typed)
    if query.match() is not None:
        sql, value = "SELECT count(*) FROM t WHERE t MATCH ?", query.match()
    else:
        sql = "SELECT count(*) FROM t WHERE rowid NOT IN (SELECT rowid FROM t WHERE t MATCH ?)"
        value = query.excluded_match()
    return fts.execute(sql, [value]).fetchone()[0]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("coast OR gate", 2),  # either word
        ("coast OR gate OR brien", 3),
        ("coast OR nothing", 1),
        ("japan OR gate philippine", 1),  # (japan or gate) and philippine
        ("-coast", 2),  # every entry but those with the word
        ("NOT coast", 2),
        ('-"coast guard"', 2),
        ('-"guard coast"', 3),  # a phrase left out keeps its order too
        ("japan -coast", 0),
        ("japan -gate", 1),
        ("AND OR gate", 1),  # operators with no term before them do nothing
        ("gate or coast", 0),  # lower case: the word "or"
        ("gate OR", 1),  # nothing after it (a search being typed): it does nothing
        ("-coast -gate", 1),
        ("japan AND NOT gate", 1),  # operators in a row apply together
        ("coast AND NOT japan", 0),
        ("gate OR NOT coast", 1),  # a term left out is left out, OR or not
        ("gate OR -coast OR brien", 2),  # OR joins the terms to find on either side
        ("OR NOT AND", 0),  # nothing but operators: three words to look for
    ],
)
def test_alternatives_and_words_left_out(fts, typed, expected):
    assert hits(fts, typed) == expected


def test_what_searches_nothing_says_so():
    for typed in ("*", "--", "- * -", ""):
        assert not parse(typed).searches(), typed
        assert parse(typed).key() is None
    assert parse("-coast").searches() and parse("-coast").key() == 'NOT "coast"'
    assert parse("a OR b").key() != parse("a b").key()
