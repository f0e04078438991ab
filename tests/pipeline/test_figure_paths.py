"""The quick tests that let most sentences skip the count and year patterns skip none that a
pattern would find something in: on generated text, on every kind of space, and on the sample
reports."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given
from odd_text import SETTINGS, spans, texts, words_or_numbers

from app.pipeline import figures, quick, years
from app.pipeline.quick import has_digit, lowered
from app.pipeline.reader import read_document

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"
VOCABULARY = figures.vocabulary()
EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))


def quick_counts(text: str) -> list:
    return spans(figures._count_matches(text, lowered(text), has_digit(text)))


def plain_counts(text: str) -> list:
    return spans(figures._patterns()["count"].finditer(text))


def quick_years(text: str) -> list:
    """Each year pattern's matches, found only where its quick test says it may start."""
    spots = [m.start() for m in years._ANY_YEAR.finditer(text)]
    found = []
    for _kind, pattern, starts in years._patterns():
        where = starts(text, lowered(text), spots)
        if where is years.ANYWHERE:
            found.append(spans(pattern.finditer(text)))
        else:
            found.append(spans(quick.matches_at(pattern, text, where)))
    return found


def plain_years(text: str) -> list:
    return [spans(pattern.finditer(text)) for _kind, pattern, _starts in years._patterns()]


# ---------------------------------------------------------------- the classes standing for others


def test_every_space_is_a_space_or_more():
    # _SPACE_OR_MORE stands for \s after a number word.
    spaces = "".join(re.findall(r"\s", EVERY_CHARACTER))
    assert re.fullmatch(figures._SPACE_OR_MORE + "+", spaces)


@pytest.mark.parametrize(
    ("unwanted", "ascii_unwanted"), [(r"[\w\-]", r"[0-9a-z_\-]"), (r"[\w.,]", r"[0-9a-z_.,]")]
)
def test_lower_case_keeps_what_may_stand_before_a_count_out_of_ascii_words(
    unwanted, ascii_unwanted
):
    # The patterns want none of `unwanted` before a number word or a count; in lower-cased
    # text without odd letters, the quick tests want none of `ascii_unwanted`, which is less.
    for char in re.sub(unwanted, "", EVERY_CHARACTER):
        folded = lowered(char)
        assert folded is None or not re.search(ascii_unwanted, folded), hex(ord(char))


# ---------------------------------------------------------------- counts

NUMBER_WORDS = list(VOCABULARY["counts"]["number_words"])
WORDS = [
    *NUMBER_WORDS,
    *VOCABULARY["qualifiers"],
    *VOCABULARY["scales"],
    "countries", "people", "staff members", "engineering", "coast guard", "ASEAN", "the",
    "often", "tenure", "sixth", "café", "x", "to", "through", "until", "FY", "fiscal year",
    "December", "since", "from", "between", "and",
]  # fmt: skip
NUMBERS = ["5", "12", "2,653", "15.53", "2016", "2018", "1999", "٣", "３", "0"]
# Every kind of space, and what else may stand around a number: signs, non-ASCII letters.
SPACES = ["\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1f", "\x85", "\xa0", "\u1680"]
SPACES += ["\u2000", "\u2028", "\u202f", "\u3000"]
GLUE = [*" " * 16, *SPACES, " (", "“", "-", "–", ".", ",", "/", "_", "é", "İ", ""]
TEXT = texts(words_or_numbers(WORDS, NUMBERS), GLUE)


@pytest.mark.parametrize(
    "text",
    [
        "two countries",  # a number word at the very start
        "(two\xa0countries), “Ten\u3000SDF troops”, twenty\x1cpeople",
        "x-two countries, often countries, sixth countries, two\tASEAN countries",
        "café two countries, étwo countries, _two countries",
        "5\u2028countries, 2,653\x85personnel, 15.53 million people",
        "٣ countries",  # digits of other scripts
        "in 2018, ３\xa0people",
        "in 2018, 2019. and 2020) countries",  # a digit but no number before a word
        "about ten, up to twenty-five people, nearly fifty",
    ],
)
def test_counts_are_those_of_the_count_pattern(text):
    assert quick_counts(text) == plain_counts(text)


@SETTINGS
@given(text=TEXT)
def test_counts_are_those_of_the_count_pattern_on_any_text(text):
    assert quick_counts(text) == plain_counts(text)


# ---------------------------------------------------------------- years


@pytest.mark.parametrize(
    "text",
    [
        "from 2016 to 2018, FY2016 through FY2018, December 2012 until March 2014",
        "2016\xa0TO\u20282018, 2016 untıl 2018",  # `re` matches ı as i
        "2016 and 2018, 2016 toward 2018, 2016 to, 2016 to 2,018",
        "in 2012 and 2014 to 2016",  # the range starts at the second year
        "FY2021, FY 2018, fiscal year 2021, Fiscal  Year 2019, identify 2020, FYI 2021",
        "FY2016-FY2018 in fiscal\nyear 2020, fİscal year 2021",
    ],
)
def test_year_patterns_are_those_of_the_plain_patterns(text):
    assert quick_years(text) == plain_years(text)


@SETTINGS
@given(text=TEXT)
def test_year_patterns_are_those_of_the_plain_patterns_on_any_text(text):
    assert quick_years(text) == plain_years(text)


# ---------------------------------------------------------------- the sample reports


@pytest.mark.parametrize("path", sorted(SOURCES.glob("*.txt")), ids=lambda path: path.stem)
def test_every_sentence_of_the_samples(path):
    text = path.read_text(encoding="utf-8")
    for piece in read_document(text).pieces:
        quote = text[piece.start : piece.end]
        assert quick_counts(quote) == plain_counts(quote), quote
        assert quick_years(quote) == plain_years(quote), quote
