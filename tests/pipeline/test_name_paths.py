"""The quicker ways of finding definitions, organisations and places give what the plain ways
give, on the sentences of the sources and on generated text."""

from __future__ import annotations

import pickle
import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from odd_text import SETTINGS

from app.pipeline import organisations
from app.pipeline.organisations import OrganisationIndex
from app.pipeline.reader import read_document

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"


@pytest.fixture(scope="module")
def quotes() -> list[str]:
    """Every piece of every source, as extract() quotes it."""
    found = []
    for path in sorted(SOURCES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        found += [text[piece.start : piece.end] for piece in read_document(text).pieces]
    return found


def text_of(*atoms: str, max_size: int = 30):
    """Texts made of the given pieces, where the edge cases of a pattern are."""
    return st.lists(st.sampled_from(atoms), max_size=max_size).map("".join)


# -- where a long form may start: the last stop before it -------------------------------------

# _SPAN_STOP as first written, and the plain way of using it: every stop, then the last.
PLAIN_STOP = re.compile(r"[,;:()\[\]\u201c\u201d\"]|\.\s")
STOP_TEXT = text_of(
    *',;:()[]\u201c\u201d".', " ", "\n", "\u00a0", "\u2003", "a", "Agency", "x. ", ".\n", "..",
    "U.S.", "\u00e9", "-", "'",
)  # fmt: skip


def plain_window_start(text: str, begin: int, end: int) -> int:
    return max([begin, *[m.end() for m in PLAIN_STOP.finditer(text, begin, end)]])


@SETTINGS
@given(text=STOP_TEXT, data=st.data())
def test_window_starts_are_those_of_every_stop(text, data):
    stops = organisations._Stops(text)  # one per text, asked in any order
    for end in data.draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=6)):
        begin = data.draw(st.integers(0, end))
        assert stops.window_start(begin, end) == plain_window_start(text, begin, end)


@pytest.mark.parametrize(
    ("text", "begin", "end", "start"),
    [
        ("Alpha beta. Gamma", 0, 11, 0),  # the full stop's space is past the end
        ("Alpha beta. Gamma", 0, 12, 12),
        ("Alpha beta. Gamma", 11, 17, 11),  # the stop starts before the beginning
        ("a, b, c (X)", 0, 8, 5),
        ("a, b, c (X)", 5, 8, 5),
        ("", 0, 0, 0),
        ("\u201cAb\u201d cd", 0, 7, 4),
    ],
)
def test_window_starts_at_the_edges(text, begin, end, start):
    assert organisations._Stops(text).window_start(begin, end) == start
    assert plain_window_start(text, begin, end) == start


def test_window_starts_before_every_parenthesis_of_the_sources(quotes):
    asked = 0
    for quote in quotes:
        stops = organisations._Stops(quote)
        for paren in (m.start() for m in re.finditer(r"\(", quote)):
            for begin in {0, paren // 2, paren}:
                assert stops.window_start(begin, paren) == plain_window_start(quote, begin, paren)
                asked += 1
    assert asked > 500


def test_definitions_of_the_sources_are_those_of_every_stop(quotes, monkeypatch):
    with_parentheses = [quote for quote in quotes if "(" in quote]
    quick = [OrganisationIndex().definitions(quote) for quote in with_parentheses]
    monkeypatch.setattr(
        organisations._Stops,
        "window_start",
        lambda self, begin, end: plain_window_start(self._text, begin, end),
    )
    assert [OrganisationIndex().definitions(quote) for quote in with_parentheses] == quick
    assert sum(map(len, filter(None, quick))) > 100


# -- a definition as found: made by hand rather than by the dataclass ------------------------


def test_a_definition_is_a_frozen_dataclass_of_its_fields():
    made = organisations._Definition(3, "TICAD", "Tokyo Conference", ("TICAD 8",))
    assert (made.start, made.short, made.long, made.extra) == (
        3,
        "TICAD",
        "Tokyo Conference",
        ("TICAD 8",),
    )
    assert organisations._Definition(3, "A", "B").extra == ()
    assert made == organisations._Definition(3, "TICAD", "Tokyo Conference", ("TICAD 8",))
    assert made != organisations._Definition(3, "TICAD", "Tokyo Conference")
    assert hash(made) == hash(
        organisations._Definition(3, "TICAD", "Tokyo Conference", ("TICAD 8",))
    )
    assert repr(made) == (
        "_Definition(start=3, short='TICAD', long='Tokyo Conference', extra=('TICAD 8',))"
    )
    assert pickle.loads(pickle.dumps(made)) == made  # as it crosses from a worker process
    with pytest.raises(FrozenInstanceError):
        made.start = 4  # type: ignore[misc]


# -- definitions "(Long Name: ACR)": looked for only where a colon is written -----------------

COLON_TEXT = text_of(
    "(", ")", ":", ": ", "Long Name", "Japan Intl Coop", "JICA", "AB-C", " ", "\n", "\uff1a",
    "x", ",", ".", "\u2013", "TICAD 8",
)  # fmt: skip


def plain_colon_matches(text: str) -> list:
    return [(m.span(), m.groupdict()) for m in organisations._COLON.finditer(text)]


@SETTINGS
@given(text=COLON_TEXT)
def test_colon_matches_are_those_of_finditer(text):
    quick = [(m.span(), m.groupdict()) for m in organisations._colon_matches(text)]
    assert quick == plain_colon_matches(text)


def test_definitions_of_the_sources_are_those_of_every_colon_match(quotes, monkeypatch):
    with_parentheses = [quote for quote in quotes if "(" in quote]
    # A colon inside parentheses, where the sources have few: each quote also so written.
    written = [*with_parentheses, *(q.replace(" (", " (Long Name: ") for q in with_parentheses)]
    quick = [OrganisationIndex().definitions(quote) for quote in written]
    monkeypatch.setattr(organisations, "_colon_matches", organisations._COLON.finditer)
    assert [OrganisationIndex().definitions(quote) for quote in written] == quick
