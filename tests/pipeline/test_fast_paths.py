"""The quicker ways of reading and of finding organisations give what the plain ways give."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plain import plain_window_start

from app.pipeline import organisations, reader, sentences
from app.pipeline.organisations import OrganisationIndex, load_words

SETTINGS = settings(max_examples=400, deadline=None)


def text_of(*atoms: str, max_size: int = 30):
    """Texts made of the given pieces, where the edge cases of a pattern are."""
    return st.lists(st.sampled_from(atoms), max_size=max_size).map("".join)


# -- organisations: where a long form may start ------------------------------------------------

STOP_TEXT = text_of(
    *',;:()[]\u201c\u201d".', " ", "\n", "\u00a0", "\u2003", "a", "Agency", "x. ", ".\n", "..",
    "U.S.", "\u00e9", "-", "'",
)  # fmt: skip


@SETTINGS
@given(text=STOP_TEXT, data=st.data())
def test_window_starts_are_those_of_a_whole_scan(text, data):
    for end in data.draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=5)):
        begin = data.draw(st.integers(0, end))
        assert organisations._window_start(text, begin, end) == plain_window_start(text, begin, end)


def test_a_full_stop_stops_only_with_its_space_in_sight():
    text = "Alpha beta. Gamma"
    assert organisations._window_start(text, 0, 11) == 0  # the space after it is past the end
    assert organisations._window_start(text, 0, len(text)) == 12


REVERSE_TEXT = text_of(
    "JICA (Japan Intl Coop)", "X (ab cd)", "AML/CFT (Anti Money)", "A", "Ab", "x", " ", "\n",
    "\u00a0", "(", ")", "-", "/", "ICC", "\u00e9", "_", ",", "Long Name", "q" * 50, "W" * 30,
)  # fmt: skip


@SETTINGS
@given(text=REVERSE_TEXT)
def test_reverse_definitions_are_those_of_finditer(text):
    plain = [(m.span(), m.groupdict()) for m in organisations._REVERSE.finditer(text)]
    quick = [(m.span(), m.groupdict()) for m in organisations._reverse_matches(text)]
    assert quick == plain


@pytest.mark.parametrize(
    "text",
    [
        "AML/CFT (Anti-Money Laundering)",  # a match starts inside the acronym of another
        "the JICA  \n (Japan International Cooperation Agency) and",
        "Xyz (" + "w " * 90 + ")",  # the long form is too long: searched again after it
        "Forum(ARF) and Pacific (Islands Forum) and ICC (International (Criminal) Court)",
        "JJ-FAST (JICA-JAXA Forest Early Warning) ASEAN (Association of Southeast Asian Nations)",
    ],
)
def test_reverse_definitions_in_odd_places(text):
    plain = [(m.span(), m.groupdict()) for m in organisations._REVERSE.finditer(text)]
    assert [(m.span(), m.groupdict()) for m in organisations._reverse_matches(text)] == plain


def plain_long_forms(text: str, begin: int, end: int) -> list[tuple[int, str]]:
    """The candidates _long_before() gathered before they were made one at a time."""
    window_start = plain_window_start(text, begin, end)
    tokens = list(re.compile(r"\S+").finditer(text, window_start, end))[-25:]
    starts = []
    for token in reversed(tokens):
        inner = [token.start() + m.end() for m in re.finditer(r"[-/](?=[A-Za-z])", token.group())]
        starts += [*reversed(inner), token.start()]
    return [(s, text[s:end].strip()) for s in starts]


LONG_TEXT = text_of(
    "Self-Defense ", "Forces ", "AML/CFT ", "of ", "the ", "a-b-c ", "x/", "-", "/", " ", "\n",
    "\u00a0", "\t", ", ", ". ", "\u201c", "Japan", "Coast", "Guard", "UN", max_size=60,
)  # fmt: skip


@SETTINGS
@given(text=LONG_TEXT, data=st.data())
def test_long_forms_are_the_nearest_words_first(text, data):
    end = data.draw(st.integers(0, len(text)))
    begin = data.draw(st.integers(0, end))
    quick = list(organisations._LongForms(text, begin, end))
    assert quick == plain_long_forms(text, begin, end)


@pytest.mark.parametrize(
    "text, found",
    [
        ("the \u201cJapan Coast Guard\u201d (JCG) and", []),  # no long form reaches past a quote
        ("as \u201cJapan Coast Guard (JCG)", [(4, "JCG", "Japan Coast Guard", ())]),
        (
            "the Self-Defense\u00a0Forces (SDF), Anti-Money Laundering/Countering the Financing"
            " of Terrorism (AML/CFT)",
            [
                (4, "SDF", "Self-Defense\u00a0Forces", ()),
                (31, "AML/CFT", "Anti-Money Laundering/Countering the Financing of Terrorism", ()),
            ],
        ),
        (
            "(Maritime Domain Awareness: MDA) and (Photo) and (UN PKO)",
            [(1, "MDA", "Maritime Domain Awareness", ())],
        ),
        (
            "the Japan Self-Defense Forces (JSDF) and the Tokyo International Conference on"
            " African Development (TICAD 8)",
            [
                (4, "JSDF", "Japan Self-Defense Forces", ()),
                (
                    45,
                    "TICAD",
                    "Tokyo International Conference on African Development",
                    ("TICAD 8",),
                ),
            ],
        ),
        (
            "Regional Cooperation Agreement on Combating Piracy and Armed Robbery against Ships"
            " in Asia (ReCAAP) and ReCAAP-ISC (Information Sharing Centre)",
            None,  # ISC depends on whether ReCAAP is known by then
        ),
    ],
)
def test_definitions_tried_one_candidate_at_a_time(text, found):
    """As when every candidate long form was made before the first was tried."""
    # Acronyms only: a service's name ("Japan Coast Guard") is found without candidates.
    definitions = OrganisationIndex(words=replace(load_words(), services=())).definitions(text)
    if found is None:
        assert definitions is None
    else:
        assert [(d.start, d.short, d.long, d.extra) for d in definitions] == found


# -- organisations: mentions and the undefined-acronym report --------------------------------


def test_a_form_written_with_other_spaces_and_apostrophes_is_found():
    index = OrganisationIndex(curated=False)
    index.learn("the People's Liberation Army (PLA) and")
    found = index.find("units of the People\u2019s  Liberation\nArmy moved")
    assert [m.text for m in found] == ["People\u2019s  Liberation\nArmy"]
    assert found[0].id == "pla"


def test_an_acronym_is_undefined_where_it_is_no_surname():
    index = OrganisationIndex(curated=False)
    assert index.undefined_acronyms("Prime Minister ABE Shinzo spoke.") == set()
    text = "Prime Minister ABE Shinzo spoke. The ABE report followed. ABE Shinzo again."
    assert index.undefined_acronyms(text) == {"ABE"}
    assert index.undefined_acronyms("The XYZ and XYZ, then ZZ and FY2018.") == {"XYZ", "ZZ"}


# -- sentences ---------------------------------------------------------------------------------


def plain_word_before(text: str, pos: int, floor: int) -> str:
    begin = pos
    while begin > floor and not text[begin - 1].isspace():
        begin -= 1
    return re.split(r"[-/–]", text[begin:pos].lstrip("“‘\"'([【<"))[-1]


WORD_TEXT = text_of(" ", "\n", "\t", "\u00a0", "\u3000", "ab", "Mr", "U.S", "“", "(", "-", "/", "x")


@SETTINGS
@given(text=WORD_TEXT, data=st.data())
def test_the_word_before_a_full_stop(text, data):
    pos = data.draw(st.integers(0, len(text)))
    floor = data.draw(st.integers(0, pos))
    assert sentences._word_before(text, pos, floor) == plain_word_before(text, pos, floor)


@pytest.mark.parametrize(
    "text, count",
    [
        ("The budget was approx. 5 billion yen.", 1),
        ("It was decided by the Governments. The talks ended.", 2),
        ("It ended.\u00a0Then Mr.\nTanaka spoke.", 2),
        ("Self-Defense. Forces rested.", 2),
        ("sub-approx. 5 units.", 1),
        ("He went to the U.S.\nIn addition, he spoke.", 2),
    ],
)
def test_sentence_ends_after_long_and_short_words(text, count):
    assert len(sentences.split_sentences(text, 0, len(text))) == count


# -- reader ------------------------------------------------------------------------------------


def plain_lines(text: str) -> list[tuple[int, int, bool]]:
    lines, pos, blank_before = [], 0, False
    for chunk in text.splitlines(keepends=True):
        content = chunk.splitlines()[0] if chunk.splitlines() else ""
        stripped = content.strip()
        if stripped:
            start = pos + len(content) - len(content.lstrip())
            lines.append((start, start + len(stripped), blank_before))
            blank_before = False
        else:
            blank_before = True
        pos += len(chunk)
    return lines


BREAKS = ("\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


@SETTINGS
@given(text=text_of(*BREAKS, " ", "\t", "\u00a0", "\u3000", "a", "Line two", max_size=40))
def test_lines_on_every_kind_of_line_break(text):
    found = [(line.start, line.end, line.blank_before) for line in reader._split_lines(text)]
    assert found == plain_lines(text)


def plain_heading_marker(content: str):
    for style, pattern in reader._MARKERS:
        marker = pattern.match(content)
        if marker:
            return style, marker.end()
    return None


@pytest.mark.parametrize(
    "content",
    [
        "Chapter 3", "Section IV: Peace", "Part 2", "(1) Assistance", "(12)Title", "(iv) Measures",
        "(x) Ten", "(A) Title", "(a) lower", "1. Title Here", "12.Title", "3 Countries Joined",
        "A. Outer Space", "A Local Police", "a. item", "Japan has", "(Photo) x", "123 abc",
    ],
)  # fmt: skip
def test_the_first_marker_that_matches_is_the_marker(content):
    marker = reader._MARKER.match(content)
    found = marker and (reader._MARKERS[int(marker.lastgroup[1:])][0], marker.end())
    assert (found or None) == plain_heading_marker(content)


@pytest.mark.parametrize(
    "content, half",
    [
        ("A caption printed twice. A caption printed twice.", 24),
        ("A caption printed twice.A caption printed twice.", 24),
        ("A caption printed twice.   A caption printed twice.", 24),
        ("A caption printed twice. B caption printed twice.", 0),
        ("Short. Short.", 0),
    ],
)
def test_lines_printed_twice(content, half):
    assert reader._repeated_half_length(content) == half


VOCABULARY = ("united", "nations", "office", "on", "drugs", "and", "crime", "of", "the", "asia")


@SETTINGS
@given(
    words=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=8).map(tuple),
    rest=st.text(alphabet="ABCDNOUXabcdinortu12", max_size=6),
)
def test_initials_in_order_are_a_way_the_search_finds(words, rest):
    letters = words[0][0].upper() + rest
    significant = tuple(w not in organisations.load_words().small for w in words)
    if organisations._initials_in_order(letters, words, significant):
        assert organisations._Matcher(letters, words, significant).go(1, 0, 0, False, 0)
