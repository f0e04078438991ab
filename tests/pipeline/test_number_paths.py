"""The third round of quick paths for figures and years finds exactly what the plain code finds:
counts told apart by a number before a noun, money started in lower case, bare years alone,
ranges tried where they may start, and digits found by a table."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from odd_text import SETTINGS, recased, spans, texts, words_or_numbers
from plain import plain_find_years

from app.pipeline import figures, years
from app.pipeline.model import Figure, Mention
from app.pipeline.quick import has_digit, lowered
from app.pipeline.reader import read_document

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"
VOCABULARY = figures.vocabulary()
COUNTS = VOCABULARY["counts"]


# ---------------------------------------------------------------- plain references


def plain_find_figures(text: str, base: int = 0, actors=()) -> list[Figure]:
    """find_figures() without its quick tests: both patterns over the whole text."""
    patterns = figures._patterns()
    money = list(patterns["money"].finditer(text))
    if money and not actors:
        actors = [
            Mention("JPN", base + m.start(), base + m.end(), m.group(), "donor")
            for m in patterns["japan"].finditer(text)
        ]
    starts = figures._sentence_starts(text)
    found = [
        figures._money(match, base, figures._owner(text, base, starts, match.start(), actors))
        for match in money
    ]
    taken = [(f.start - base, f.end - base) for f in found]
    for match in patterns["count"].finditer(text):
        figure = figures._count(text, match, base)
        if figure is not None and not figures._overlaps(match.span(), taken):
            found.append(figure)
    return sorted(found, key=lambda f: f.start)


def quick_counts(text: str) -> list:
    return spans(figures._count_matches(text, lowered(text), has_digit(text)))


def plain_counts(text: str) -> list:
    return spans(figures._patterns()["count"].finditer(text))


# ---------------------------------------------------------------- counts: a number before a noun

# What may stand between a number and its noun, and what may look like it.
BETWEEN = [
    *VOCABULARY["scales"],
    *COUNTS["modifiers"],
    "ASEAN", "SDF", "Japan-ASEAN", "Self-Defense", "Coast  Guard", "COAST guard", "x", "the",
    "of", "and", "ASEAN’s", "café", "co-op", "-", "–", "ſtaff", "İnternational",
    # Lists of modifiers: "military, police, and civilian".
    "or", "military,", "ASEAN,", "Coast Guard,", ",", "and,", "İnternational,",
]  # fmt: skip
NOUNS = [*COUNTS["nouns"], "personnel-based", "countries’", "Countries", "peoples", "nation"]
NUMBERS = ["5", "12", "2,653", "15.53", "1.", "2,", "3,5", "4..5", "2018", "٣", "３", "0"]
NUMBERS += [*COUNTS["number_words"], "Two", "TWENTY", "twenty-five", "fıve", "ſix"]
SPACES = [" ", " ", " ", "  ", "\n", "\xa0", "\t", "\u2028", "\u3000", ""]
GLUE = [*SPACES, " (", "“", ", ", ".", "/", "-", "é"]


def count_like(parts: list[tuple[str, str]]) -> str:
    return "".join(part + glue for part, glue in parts)


# A number, up to six words that may stand between, then a noun: counts, and near misses.
COUNT_LIKE = st.tuples(
    st.sampled_from(["", "about ", "a total of ", "In total ", "the ", "x", "(", "Note "]),
    st.sampled_from(NUMBERS),
    st.lists(st.tuples(st.sampled_from(SPACES), st.sampled_from(BETWEEN)), max_size=6).map(
        lambda pairs: "".join(space + word for space, word in pairs)
    ),
    st.sampled_from(SPACES),
    st.sampled_from(NOUNS),
    st.sampled_from(GLUE),
).map("".join)
TEXT = st.lists(COUNT_LIKE, max_size=6).map("".join)


@pytest.mark.parametrize(
    "text",
    [
        "5 million engineering coast guard personnel",  # as many words as may stand between
        "5 million engineering coast guard ASEAN personnel",  # one too many
        "10 Japan-ASEAN SDF troops, 2,653 personnel, 15.53 million people",
        "10 Japan-ASEAN troops",  # one count alone: the quick test alone decides
        "two Self-Defense Force personnel",
        "2,653. people, 2, people, 3,5 people, 4..5 people, 5.5.5 people",
        "In 2016 the Government of Japan provided two patrol vessels",
        "twenty\u3000member\xa0states, ٣ countries, ３ people",
        "about ten Coast  Guard officers and fewer than fifty\nstaff members",
        "80,000 military, police, and civilian personnel, 9 ASEAN, Japan or SDF troops",
        # As many words as a list may put between: a scale, three of two words, "and".
        "5 million coast guard, coast guard, and coast guard personnel",
        "5 million military, police, civilian and medical personnel",  # one too many
    ],
)
def test_counts_need_a_number_before_a_noun(text):
    assert quick_counts(text) == plain_counts(text)


@SETTINGS
@given(text=st.one_of(COUNT_LIKE, TEXT))
def test_counts_are_those_of_the_count_pattern_with_words_between(text):
    # One count alone too: where there are more, one may pass the quick test for another.
    assert quick_counts(text) == plain_counts(text)


def test_every_word_that_may_stand_before_a_noun_is_one_the_quick_test_takes():
    # _numbers_before_nouns takes words of a-z and hyphens, as many as _words_before_noun().
    words = [*VOCABULARY["scales"], *COUNTS["modifiers"], *COUNTS["nouns"]]
    for word in words:
        for part in word.lower().split():
            assert re.fullmatch(r"[a-z][a-z\-]*", part), word
    # A scale, then a list of three modifiers of two words and its "and".
    assert figures._words_before_noun() == 8
    modifiers = re.findall(r"\{0,(\d+)\}\?", figures._patterns()["count"].pattern)
    assert modifiers == [str(figures.MOST_MODIFIERS)]


# ---------------------------------------------------------------- money started in lower case

MONEY_WORDS = [
    *VOCABULARY["qualifiers"],
    *VOCABULARY["currency_prefixes"],
    *VOCABULARY["currency_suffixes"],
    *VOCABULARY["scales"],
    "European", "Usd", "us$", "Japan", "provided", "which",
]  # fmt: skip
MONEY_NUMBERS = ["5", "12", "2,653", "15.53", "٣", "３", "0", "$5", "¥3", "€2", "£1", "US$7"]
MONEY_GLUE = [*" " * 12, "  ", "\n", "\xa0", " (", ") ", "“", "-", ", ", ".", "/", "_", "é", ""]
MONEY_TEXT = texts(words_or_numbers(MONEY_WORDS, MONEY_NUMBERS), MONEY_GLUE)


@SETTINGS
@given(text=MONEY_TEXT)
def test_money_started_in_lower_case_is_what_the_money_pattern_finds(text):
    plain = spans(figures._patterns()["money"].finditer(text))
    assert spans(figures._money_matches(text, lowered(text))) == plain


@pytest.mark.parametrize(
    "text",
    [
        "usd 5 million, Usd 5, USD 5, us$5, US$5, €5, ¥5, £5",
        "ſome 5 dollarſ, about $5 (approximately ¥600) and nearly 5 euros",
        "(USD 7 million) “$8”, x$5, 5$, .5 dollars",
    ],
)
def test_money_starts_in_any_case(text):
    plain = spans(figures._patterns()["money"].finditer(text))
    assert spans(figures._money_matches(text, lowered(text))) == plain


@SETTINGS
@given(text=st.one_of(TEXT, MONEY_TEXT))
def test_figures_are_those_of_the_plain_patterns(text):
    assert figures.find_figures(text, 11) == plain_find_figures(text, 11)


# ---------------------------------------------------------------- years

YEAR_WORDS = [
    *figures.MONTHS, "from", "From", "since", "between", "and", "to", "TO", "through", "until",
    "untıl", "till", "starting in", "FY", "fiscal year", "Fiscal  Year", "fİscal year", "Note",
    "resolution", "page", "in", "the", "yen", "million", "%", "December 5,", "identify",
]  # fmt: skip
YEAR_NUMBERS = ["2018", "1945", "1999", "2099", "1944", "2016-2018", "2016–18", "2016—2017"]
YEAR_NUMBERS += ["2016 - 18", "FY2016-FY2018", "2018-12", "20201", "٢٠١٨", "２０１８", "5", "19"]
YEAR_GLUE = [*" " * 12, "  ", "\n", "\xa0", " (", ") ", "-", "–", ", ", ".", "/", "$", ""]
YEAR_TEXT = texts(words_or_numbers(YEAR_WORDS, YEAR_NUMBERS), YEAR_GLUE)


@pytest.mark.parametrize(
    "text",
    [
        "in 2018, in 2019 and 2020",  # bare years only
        "Note 2012, resolution 2375, page 2016 and 2017",
        "2016-2018, 2016–18, 2016 — 2017, 2016 - 18",  # joined: no word needed
        "2016 to 2018, 2016 TO 2018, 2016 untıl 2018, 2016 through 2018",
        "December 2012-2014, March 5, 2012 to 2014, FY2016-FY2018, fiscal year 2016-17",
        "from December 2012 to March 2014, From 2016 to 2018",
        "$2018, 2018 yen, 2018 million, 2018%, 2018-12, 20201",
    ],
)
def test_years_are_those_of_every_pattern(text):
    assert years.find_years(text, 5) == plain_find_years(text, 5)


@SETTINGS
@given(text=YEAR_TEXT)
def test_years_are_those_of_every_pattern_on_any_text(text):
    assert years.find_years(text, 5) == plain_find_years(text, 5)


@SETTINGS
@given(text=YEAR_TEXT)
def test_bare_years_are_those_of_every_pattern_where_only_they_may_match(text):
    spots = [m.start() for m in years._ANY_YEAR.finditer(text)]
    folded = lowered(text)
    if folded is not None and years._bare_years_only(text, folded, spots):
        assert years._bare_years(text, 0, spots) == plain_find_years(text)


# ---------------------------------------------------------------- digits


@SETTINGS
@given(text=st.text(alphabet=string.printable + "٣３é“", max_size=40))
def test_has_digit_is_a_decimal_digit_anywhere(text):
    assert has_digit(text) == bool(re.search(r"\d", text))


# ---------------------------------------------------------------- the sample reports


@pytest.mark.parametrize("path", sorted(SOURCES.glob("*.txt")), ids=lambda path: path.stem)
def test_every_sentence_of_the_samples(path):
    text = path.read_text(encoding="utf-8")
    for piece in read_document(text).pieces:
        quote = text[piece.start : piece.end]
        assert figures.find_figures(quote, piece.start) == plain_find_figures(quote, piece.start)
        assert years.find_years(quote, piece.start) == plain_find_years(quote, piece.start)
        money = spans(figures._patterns()["money"].finditer(quote))
        assert spans(figures._money_matches(quote, lowered(quote))) == money, quote
        assert quick_counts(quote) == plain_counts(quote), quote


def test_recased_words_still_count():
    # The odd letters (ſ, İ, ı, Kelvin sign) leave lower case no use: the patterns decide.
    for how in range(7):
        text = f"{recased('five', how)} {recased('staff members', how)}"
        assert quick_counts(text) == plain_counts(text)
