"""Whatever a person types becomes a safe full-text query."""

import sqlite3

import pytest

from app.query.search import fts_query, highlight_words, terms

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
    assert terms('coast "guard of" pir*') == [
        (["coast"], False),
        (["guard", "of"], False),
        (["pir"], True),
    ]
    assert highlight_words("Coast pir*") == ["coast", "pir*"]


def test_long_input_is_bounded():
    assert len(terms(" ".join(["w"] * 500))) == 32
