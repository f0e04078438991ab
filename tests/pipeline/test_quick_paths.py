"""The quick paths of the extractors find exactly what the plain patterns they stand for find."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from odd_text import SETTINGS, recased, spans, texts

from app.pipeline import figures, places, quick, years
from app.pipeline.domains import keyword_domain
from app.pipeline.quick import has_digit, literal_start, lowered

# Words the patterns look for, cased and spaced as text may have them, with what may stand
# around them: digits, signs, odd letters (ſ, İ, ı, K) and other whitespace.
VOCABULARY = figures.vocabulary()
WORDS = [
    *VOCABULARY["qualifiers"],
    *VOCABULARY["counts"]["number_words"],
    *VOCABULARY["counts"]["nouns"],
    *VOCABULARY["counts"]["modifiers"],
    *VOCABULARY["labels"]["words"],
    *VOCABULARY["scales"],
    "ten", "often", "network", "Japan", "ASEAN", "FY", "fiscal year", "since", "from", "until",
    "till", "between", "and", "to", "through", "starting in", "December", "March 5,",
    "Note", "southern Africa", "sub-Saharan African", "eastern", "Africa", "Viet Nam",
]  # fmt: skip
NUMBERS = [
    "5",
    "12",
    "2,653",
    "15.53",
    "1999",
    "2018",
    "2016-2018",
    "2016–18",
    "٣",
    "３",
    "0",
    "2020",
]
GLUE = [*" " * 12, "  ", "\n", "\xa0", "\t", " (", ") ", "“", "-", "–", ", ", ".", "/", "+", ""]


PHRASES = [
    "from 2016 to 2018", "between 2008 and 2022", "since FY2018", "until 2030", "till 2025",
    "starting in FY2021", "fiscal year 2021", "from December 2012", "a total of 5", "over 20",
]  # fmt: skip
TOKEN = st.one_of(
    st.builds(recased, st.sampled_from(WORDS), st.integers(0, 4)),
    st.builds(recased, st.sampled_from(PHRASES), st.integers(0, 4)),
    st.sampled_from(NUMBERS),
)
# Mostly words and numbers one space apart, as in sentences, but glued by anything at times.
TEXT = texts(TOKEN, GLUE)


# ---------------------------------------------------------------- counts


def quick_counts(text: str) -> list:
    return spans(figures._count_matches(text, lowered(text), has_digit(text)))


def plain_counts(text: str) -> list:
    return spans(figures._patterns()["count"].finditer(text))


@pytest.mark.parametrize(
    "text",
    [
        "5 countries",  # at the very start
        "(two patrol vessels)",
        "trained\nTWO hundred officials",
        "a total of over 500 police officers and about 20 engineering personnel",
        "approx. 30 countries and regions, nearly fifty staff  members",
        "Japan-ASEAN 10 countries, G7 countries, COVID-19 cases, 2+2 meetings",
        "“seven” victims; [12] judges; $5 programs",
        "Approximately\xa0Seven Countries, up to\tTen SDF troops",
        "in 2018 ASEAN countries, since 2019 ten countries",
        "11 Seven African countries",
        "tWo cases, fiſteen projects, thırty units",  # odd letters: the plain pattern decides
    ],
)
def test_counts_start_where_the_count_pattern_finds_them(text):
    assert quick_counts(text) == plain_counts(text)


@SETTINGS
@given(text=TEXT)
def test_counts_match_the_count_pattern_on_any_text(text):
    assert quick_counts(text) == plain_counts(text)


def test_count_starts_are_found_in_lower_case_as_the_pattern_finds_them_in_any_case():
    # _count_starts looks for qualifiers and number words in lower-cased text, which holds
    # what a case-insensitive pattern matches only for ASCII words.
    words = [*VOCABULARY["qualifiers"], *VOCABULARY["counts"]["number_words"]]
    assert all(word.isascii() for word in words)


# ---------------------------------------------------------------- years


def plain_after_label(text: str, index: int) -> bool:
    before = re.search(r"(\S+)\s+$", text[max(0, index - 30) : index])
    return bool(before) and before.group(1).lower() in VOCABULARY["labels"]["words"]


def year_matches(text: str) -> list:
    """Each pattern's matches, found only where its quick test says it may start."""
    spots = [m.start() for m in years._ANY_YEAR.finditer(text)]
    found = []
    for _kind, pattern, starts in years._patterns():
        where = starts(text, lowered(text), spots)
        if where is not years.ANYWHERE:
            found.append(spans(quick.matches_at(pattern, text, where)))
        else:
            found.append(spans(pattern.finditer(text)))
    return found


def plain_year_matches(text: str) -> list:
    return [spans(pattern.finditer(text)) for _kind, pattern, _starts in years._patterns()]


@pytest.mark.parametrize(
    "text",
    [
        "2018",
        "FY2016-2018 and FY 2019–20",
        "12016 and 2016, 20182019",
        "in\n2018.",
        "Note\u2028 2012",
        "٣2018",
        "Since 2007, FROM 2012 to 2015, starting\nin FY2021, from  2016",
        "between 2008 and 2022; Until 2030; till fiscal  year 2025",
        "SINCE 2007 and ſince 2008 and İn fiscal year 2009",  # odd letters: scanned throughout
    ],
)
def test_year_patterns_are_tried_where_they_may_start(text):
    assert year_matches(text) == plain_year_matches(text)


@SETTINGS
@given(text=TEXT)
def test_year_patterns_and_labels_on_any_text(text):
    assert year_matches(text) == plain_year_matches(text)
    for index in range(len(text) + 1):
        assert years._after_label(text, index) == plain_after_label(text, index)


@pytest.mark.parametrize("before", ["Note ", "note\n", "Note\xa0\u2028", "(Note ", "Note", " ", ""])
def test_a_label_is_the_word_right_before_the_space(before):
    text = before + "2012"
    assert years._after_label(text, len(before)) == plain_after_label(text, len(before))


# ---------------------------------------------------------------- places and domains


def test_each_lowercase_name_holds_a_shared_word():
    catalogue = places._catalogue()
    spellings = places._lowercase_spellings(catalogue.names)
    assert spellings
    assert all(any(w in s for w in catalogue.lowercase_shared) for s in spellings)


@pytest.mark.parametrize(
    "text",
    [
        "southern Africa",
        "in sub-Saharan\nAfrica and eastern  African states",
        "eastern Europe, Africa",
        "Co\u0302te d’Ivoire and " + unicodedata.normalize("NFD", "central Africa"),
    ],
)
def test_lowercase_names_are_found_with_or_without_the_shared_word(text):
    # The pattern over every name, lower-case ones included, is what the quick path stands for.
    everything = places._catalogue().pattern.finditer(text.translate(places._FOLD))
    expected = {m.span() for m in everything if places._target(m.group()).kind != places.BLOCK}
    countries, regions = places.find_places(text)
    assert {(m.start, m.end) for m in countries + regions} == expected


@pytest.mark.parametrize(
    ("pattern", "start"),
    [
        ("drugs?", "drug"),
        ("counter-?terrorism", "counter"),
        ("2\\+2", "2+2"),
        ("cyber\\w*", "cyber"),
        ("AML/CFT", "aml/cft"),
        ("a\\.b?", "a."),
        ("x\\.?", "x"),
        ("defen[cs]e", "defen"),
        ("\\d+", ""),
        ("a|b", ""),
    ],
)
def test_literal_start(pattern, start):
    assert literal_start(pattern) == start


def test_keywords_written_with_escapes_still_count():
    assert keyword_domain("the 2+2 dialogue on defence cooperation")[0] == "regional-security"
    assert keyword_domain("Cyberspace and cybersecurity")[0] == "cyber"


# ---------------------------------------------------------------- quick tests


@pytest.mark.parametrize(
    "text", ["", "no digits", "in 2018", "٣ Arabic-Indic", "full width ３", "é and 7", "é only"]
)
def test_has_digit_is_a_decimal_digit_anywhere(text):
    assert has_digit(text) == bool(re.search(r"\d", text))
    copy = "".join(list(text))  # an equal text that is another object: asked afresh
    assert has_digit(copy) == has_digit(text)


def test_lowered_answers_for_the_text_it_is_given():
    first, second = "Two Countries", "Three ſtates"
    assert lowered(first) == "two countries"
    assert lowered(second) is None  # an odd letter: only the pattern can tell
    assert lowered(first) == "two countries"
    assert quick.lowered("".join(["TWO", " countries"])) == "two countries"
