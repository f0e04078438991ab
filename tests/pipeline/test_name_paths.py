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
from plain import plain_window_start

from app.pipeline import organisations
from app.pipeline.model import Mention
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
    assert organisations._window_start(text, begin, end) == start
    assert plain_window_start(text, begin, end) == start


def test_window_starts_before_every_parenthesis_of_the_sources(quotes):
    asked = 0
    for quote in quotes:
        for paren in (m.start() for m in re.finditer(r"\(", quote)):
            for begin in {0, paren // 2, paren}:
                quick = organisations._window_start(quote, begin, paren)
                assert quick == plain_window_start(quote, begin, paren)
                asked += 1
    assert asked > 500


def test_definitions_of_the_sources_are_those_of_every_stop(quotes, monkeypatch):
    with_parentheses = [quote for quote in quotes if "(" in quote]
    quick = [OrganisationIndex().definitions(quote) for quote in with_parentheses]
    monkeypatch.setattr(organisations, "_window_start", plain_window_start)
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
        "_Definition(start=3, short='TICAD', long='Tokyo Conference', extra=('TICAD 8',),"
        " merge='', kind='', titled=False)"
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


# -- mentions: no definition looked for where no form names two records -------------------------


def plain_find(index: OrganisationIndex, text: str, base: int = 0) -> list[Mention]:
    """find() as first written: the definitions in every text with a "(" asked for."""
    pattern = index._pattern(terms=False)
    events = index._events(text) if "(" in text else []
    mentions = []
    for match in pattern.finditer(text) if pattern else ():
        start, end = match.span()
        while events and events[0][0] <= start:
            _, form, entry_id = events.pop(0)
            index._current[form] = entry_id
        written = match.group()
        entry = index._entries[index._resolve(_canon(written))]
        if entry.kind != "term" and index._whole_compound(text, start, end):
            mentions.append(Mention(entry.id, base + start, base + end, written))
    for _, form, entry_id in events:
        index._current[form] = entry_id
    return mentions


def _canon(form: str) -> str:
    return " ".join(form.replace("\u2019", "'").split())


CHAMBER = "The International Chamber of Commerce (ICC) counts piracy cases."
COURT = "The International Criminal Court (ICC) opened a case; the ICC ruled."
MENTION_TEXT = text_of(
    "The ICC said so. ", CHAMBER, COURT, " (ICC) ", "JICA ", "Japan International Cooperation "
    "Agency (JICA) ", "(", "ICC-JICA ", "the UN ", " ",
)  # fmt: skip


def both_ways(learnt: list[str]) -> tuple[OrganisationIndex, OrganisationIndex]:
    indexes = OrganisationIndex(), OrganisationIndex()
    for index in indexes:
        for sentence in learnt:
            index.learn(sentence)
    return indexes


@SETTINGS
@given(texts=st.lists(MENTION_TEXT, max_size=6), shared=st.booleans())
def test_mentions_are_those_of_asking_every_text_for_definitions(texts, shared):
    learnt = [CHAMBER, "Japan International Cooperation Agency (JICA)"] + [COURT] * shared
    quick, plain = both_ways(learnt)
    for number, text in enumerate(texts):
        assert quick.find(text, number) == plain_find(plain, text, number)
        assert quick.position() == plain.position()


def test_a_form_naming_two_records_once_learnt_moves_the_reading_position_again():
    quick, plain = both_ways([CHAMBER])
    assert quick.find(COURT) == plain_find(plain, COURT)  # one record: nothing to move
    for index in (quick, plain):
        index.learn(COURT)  # now ICC names two
    for text in (COURT, "The ICC said so.", CHAMBER, "The ICC said so."):
        assert quick.find(text) == plain_find(plain, text)
    assert [m.id for m in quick.find("The ICC said so.")] == ["icc"]


def test_mentions_in_the_sources_are_those_of_asking_every_text(quotes):
    quick, plain = both_ways([quote for quote in quotes if "(" in quote])
    found = 0
    for quote in quotes:
        mentions = quick.find(quote, 5)
        assert mentions == plain_find(plain, quote, 5)
        found += len(mentions)
    assert found > 300
