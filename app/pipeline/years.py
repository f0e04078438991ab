"""Finds years, fiscal years, ranges and open-ended periods ("since 2007") in report text."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from app.pipeline.figures import MONTHS, word_set
from app.pipeline.model import YearMention
from app.pipeline.quick import has_digit, lowered, matches_at, occurrences

# A plausible year as a whole token: not part of "$2000", "2,653", "FY2021", "COVID-19", "2+2",
# nor followed by more digits, a decimal, "%", or a hyphenated digit (phone-like numbers).
YEAR = r"(?:194[5-9]|19[5-9]\d|20\d\d)"
YEAR_START = r"(?<![\w$¥€£.,+\-–/])"
YEAR_END = r"(?![\w%+]|[.,]\d|[-–/]\d|\s*(?i:yen|dollars|euros|thousand|million|billion)\b)"
# Optional month and day before a year inside a range or period: "from December 2012".
DATE = rf"(?:(?:{'|'.join(MONTHS)})\s+(?:\d{{1,2}},?\s+)?)?"
FISCAL = r"(?:FY\s?|(?i:fiscal\s+year)\s+)"
# Every pattern below holds a YEAR: most sentences have none and need not be scanned 7 times.
_ANY_YEAR = re.compile(YEAR)


# A dash, or "to", after a year: what a "2016-2018" or a "2016 to 2018" range needs.
_DASH = r"\s?[-–—]"
_TO = r"\s+(?i:to|through|until)\s"
_YEAR_DASH = re.compile(rf"{YEAR}{_DASH}")
_YEAR_TO = re.compile(rf"{YEAR}{_TO}")
# A bare year: as no digit comes right before it, it starts where _ANY_YEAR found one.
_YEAR_ALONE = re.compile(rf"{YEAR_START}(?P<a>{YEAR}){YEAR_END}")

# Where each pattern below may start: (text, its lower-case form or None when it has letters
# that only `re` matches case-insensitively, where its year-like numbers start) -> places in
# order, among them every place where a match starts, or ANYWHERE. Most sentences are then
# tried by one or two patterns at a few places rather than scanned by all seven.
Starts = Callable[[str, str | None, list[int]], Sequence[int] | None]
ANYWHERE, NOWHERE = None, ()


def _after(*words: str) -> Starts:
    """Where one of `words` is written (lower-cased); anywhere when the text has odd letters."""

    def starts(text: str, folded: str | None, spots: list[int]) -> Sequence[int] | None:
        if folded is None:
            return ANYWHERE
        # Most sentences hold none of the words: one quick test each says so.
        written = [word for word in words if word in folded]
        if not written:
            return NOWHERE
        return sorted(at for word in written for at in occurrences(folded, word))

    return starts


def _dashed(text: str, folded: str | None, spots: list[int]) -> Sequence[int] | None:
    """Where a range may start if a year is followed by a dash. No digit comes right before
    the range's first year, so it is not inside an earlier year-like number: _ANY_YEAR found
    it."""
    if any(_YEAR_DASH.match(text, spot) for spot in spots):
        return _range_starts(text, folded, spots)
    return NOWHERE


def _to_range(text: str, folded: str | None, spots: list[int]) -> Sequence[int] | None:
    """Where a range may start if a year is followed by "to", "through" or "until" (which
    `re` matches in any case, odd letters too) and then another year. The range's first
    year, as in _dashed, is one _ANY_YEAR found: after "FY", a month or a space, or no letter
    or digit."""
    if len(spots) > 1 and any(_YEAR_TO.match(text, spot) for spot in spots):
        return _range_starts(text, folded, spots, "from")
    return NOWHERE


def _range_starts(
    text: str, folded: str | None, spots: list[int], *words: str
) -> Sequence[int] | None:
    """Where a range may start: at its first year, one of the spots, or at what the pattern
    lets stand before that year: "FY", "fiscal" (any case), a month (as written) or one of
    `words` (any case). Anywhere when the text has odd letters. (Tried at these few places,
    not at every one of the text.)"""
    if folded is None:
        return ANYWHERE
    places = {*spots, *occurrences(text, "FY")}
    for word in ("fiscal", *words):
        places.update(occurrences(folded, word))
    for month in MONTHS:
        if month in text:
            places.update(occurrences(text, month))
    return sorted(places)


def _fiscal(text: str, folded: str | None, spots: list[int]) -> Sequence[int] | None:
    """Where "FY", or "fiscal" in any case, is written; anywhere when the text has odd
    letters."""
    if folded is None:
        return ANYWHERE
    if "FY" not in text and "fiscal" not in folded:
        return NOWHERE  # most sentences: two quick tests say so
    return sorted([*occurrences(text, "FY"), *occurrences(folded, "fiscal")])


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str], Starts]]:
    """(kind, pattern, where it may start) tried in this order; a later match overlapping an
    earlier one is dropped."""

    def one(name: str) -> str:
        return rf"{YEAR_START}(?:{FISCAL}|{DATE}{YEAR_START})(?P<{name}>{YEAR})"

    first, last = one("a"), one("b")
    between = _after("between")
    return [
        (
            "range",
            re.compile(rf"\b(?i:between)\s+{first}\s+and\s+{last}{YEAR_END}"),
            lambda text, folded, spots: between(text, folded, spots) if len(spots) > 1 else NOWHERE,
        ),
        (
            "range",
            re.compile(rf"(?:\b(?i:from)\s+)?{first}\s+(?i:to|through|until)\s+{last}{YEAR_END}"),
            _to_range,
        ),
        # "2016-2018", "2016–18", "FY2016-FY2018".
        (
            "range",
            re.compile(rf"{first}\s?[-–—]\s?(?:{FISCAL})?(?P<b>{YEAR}|\d\d)(?!\d){YEAR_END}"),
            _dashed,
        ),
        (
            "since",
            re.compile(rf"\b(?i:since|from|starting\s+(?:in|from))\s+{first}{YEAR_END}"),
            _after("since", "from", "starting"),
        ),
        ("until", re.compile(rf"\b(?i:until|till)\s+{first}{YEAR_END}"), _after("until", "till")),
        ("fiscal", re.compile(rf"(?<![\w-]){FISCAL}(?P<a>{YEAR}){YEAR_END}"), _fiscal),
        ("year", _YEAR_ALONE, lambda text, folded, spots: spots),
    ]


def find_years(text: str, base: int = 0) -> list[YearMention]:
    """Year mentions in ``text``, each once, offsets ``base`` + index.

    Kinds: "range" ("from 2016 to 2018", "2016-2018", "between 2008 and 2022"; year_to >=
    year_from, "2016-18" expands the short end), "since" ("since 2007", "since FY2018",
    "from 2012" without an end, "starting in FY2021": year_to None), "until" ("until 2030":
    year_from = year_to), "fiscal" ("FY2021", "FY 2018", "fiscal year 2021") and "year"
    (a bare 1945-2099 token: "in 2018", "December 2012", "Tokyo 2018", "2030 Agenda").
    "2020 and 2021" are two years. Not years: labels ("resolution 2375", "Note 2012"), money
    ("$2000", "2000 yen"), grouped numbers ("2,653"), parts of other tokens ("COVID-19").
    """
    if not has_digit(text):
        return []  # no digit, no year: most text stops here
    # Year-like numbers are all four characters long, so these are disjoint: a range needs two.
    # (Each starts with a "19" or a "20", ASCII digits as written in the pattern.)
    if "19" not in text and "20" not in text:
        return []
    spots = [match.start() for match in _ANY_YEAR.finditer(text)]
    if not spots:
        return []
    folded = lowered(text)
    if folded is not None and _bare_years_only(text, folded, spots):
        return _bare_years(text, base, spots)
    found: list[YearMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern, starts in _patterns():
        where = starts(text, folded, spots)
        if where is ANYWHERE:
            matches = pattern.finditer(text)
        elif where:
            matches = matches_at(pattern, text, where)
        else:
            continue  # tried nowhere, found nowhere: most patterns in most sentences
        for match in matches:
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            if _after_label(text, span[0]):
                continue
            mention = _MAKERS[kind](match, base)
            if mention is not None:
                found.append(mention)
                taken.append(span)
    return sorted(found, key=lambda m: m.start)


# What every pattern but the bare year's needs written: one of these words (lower case), "FY"
# (see their quick tests in _patterns), or a dash or "to" right after a year-like number.
_CONTEXT_WORDS = ("from", "since", "between", "until", "till", "starting", "fiscal")
_DASH_OR_TO = re.compile(rf"{_DASH}|{_TO}")


def _bare_years_only(text: str, folded: str, spots: list[int]) -> bool:
    """True when, of all the patterns, only the bare year's may match (most sentences with a
    year): then the quick test of each other one says NOWHERE. (_dashed and _to_range try
    _YEAR_DASH and _YEAR_TO at the spots; each spot's year-like number is four characters.)"""
    if "FY" in text or any(map(folded.__contains__, _CONTEXT_WORDS)):
        return False
    return not any(_DASH_OR_TO.match(text, spot + 4) for spot in spots)


def _bare_years(text: str, base: int, spots: list[int]) -> list[YearMention]:
    """What find_years finds when only the bare year pattern may match: that pattern tried
    at each spot, as find_years does. Its matches are the spots' four characters: none
    overlaps another, and they come in order."""
    found = []
    for spot in spots:
        match = _YEAR_ALONE.match(text, spot)
        if match and not _after_label(text, spot):
            printed = match.group()
            year = int(printed)
            found.append(YearMention(year, year, "year", printed, base + spot, base + spot + 4))
    return found


def _after_label(text: str, index: int) -> bool:
    r"""True when the word right before `index`, then some space, is a label ("Note 2012").
    String methods find the word a search for (\S+)\s+$ finds, in a tenth of the time."""
    before = text[max(0, index - 30) : index]
    words = before.rstrip()
    if not words or len(words) == len(before):
        return False
    return words.rsplit(None, 1)[-1].lower() in word_set("labels.words")


def _mention(
    match: re.Match[str], base: int, kind: str, year_from: int, year_to: int | None
) -> YearMention:
    return YearMention(
        year_from, year_to, kind, match.group(), base + match.start(), base + match.end()
    )


def _range(match: re.Match[str], base: int) -> YearMention | None:
    year_from, end = int(match.group("a")), match.group("b")
    # "2016-18": the short end takes the century of the start.
    year_to = int(end) if len(end) == 4 else year_from // 100 * 100 + int(end)
    if not year_from < year_to <= year_from + 100:
        return None  # "2018-12" is a month, "2018-2012" is not a range
    return _mention(match, base, "range", year_from, year_to)


_MAKERS: dict[str, Callable[[re.Match[str], int], YearMention | None]] = {
    "range": _range,
    "since": lambda m, base: _mention(m, base, "since", int(m.group("a")), None),
    "until": lambda m, base: _mention(m, base, "until", int(m.group("a")), int(m.group("a"))),
    "fiscal": lambda m, base: _mention(m, base, "fiscal", int(m.group("a")), int(m.group("a"))),
    "year": lambda m, base: _mention(m, base, "year", int(m.group("a")), int(m.group("a"))),
}
