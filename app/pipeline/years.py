"""Finds years, fiscal years, ranges and open-ended periods ("since 2007") in report text."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from app.pipeline.figures import MONTHS, vocabulary
from app.pipeline.model import YearMention
from app.pipeline.quick import lowered

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
_LABEL_BEFORE = re.compile(r"(\S+)\s+$")


# A year right before a dash: what a "2016-2018" range needs.
_YEAR_DASH = re.compile(rf"{YEAR}\s?[-–—]")

# Quick tests of what each pattern below needs, so that most sentences are scanned by one or
# two patterns rather than by all seven: (text, its lower-case form or None when it has
# letters that only `re` matches case-insensitively, its number of years) -> may match.
Gate = Callable[[str, str | None, int], bool]


def _words(*words: str) -> Gate:
    """A gate: one of `words` is written (lower-cased), or the text has odd letters."""
    return lambda text, folded, years: folded is None or any(map(folded.__contains__, words))


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str], Gate]]:
    """(kind, pattern, gate) tried in this order; a later match overlapping an earlier one is
    dropped. A pattern is tried only where its gate says it may match."""

    def one(name: str) -> str:
        return rf"{YEAR_START}(?:{FISCAL}|{DATE}{YEAR_START})(?P<{name}>{YEAR})"

    first, last = one("a"), one("b")
    between, fiscal = _words("between"), _words("fiscal")
    return [
        (
            "range",
            re.compile(rf"\b(?i:between)\s+{first}\s+and\s+{last}{YEAR_END}"),
            lambda text, folded, years: years > 1 and between(text, folded, years),
        ),
        (
            "range",
            re.compile(rf"(?:\b(?i:from)\s+)?{first}\s+(?i:to|through|until)\s+{last}{YEAR_END}"),
            lambda text, folded, years: years > 1,
        ),
        # "2016-2018", "2016–18", "FY2016-FY2018".
        (
            "range",
            re.compile(rf"{first}\s?[-–—]\s?(?:{FISCAL})?(?P<b>{YEAR}|\d\d)(?!\d){YEAR_END}"),
            lambda text, folded, years: _YEAR_DASH.search(text) is not None,
        ),
        (
            "since",
            re.compile(rf"\b(?i:since|from|starting\s+(?:in|from))\s+{first}{YEAR_END}"),
            _words("since", "from", "starting"),
        ),
        ("until", re.compile(rf"\b(?i:until|till)\s+{first}{YEAR_END}"), _words("until", "till")),
        (
            "fiscal",
            re.compile(rf"(?<![\w-]){FISCAL}(?P<a>{YEAR}){YEAR_END}"),
            lambda text, folded, years: "FY" in text or fiscal(text, folded, years),
        ),
        ("year", re.compile(rf"{YEAR_START}(?P<a>{YEAR}){YEAR_END}"), lambda *_: True),
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
    # Year-like numbers are all four characters long, so this counts how many disjoint ones
    # there are: a range needs two.
    years = len(_ANY_YEAR.findall(text))
    if not years:
        return []
    folded = lowered(text)
    found: list[YearMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern, gate in _patterns():
        if not gate(text, folded, years):
            continue
        for match in pattern.finditer(text):
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


def _after_label(text: str, index: int) -> bool:
    before = _LABEL_BEFORE.search(text[max(0, index - 30) : index])
    return bool(before) and before.group(1).lower() in vocabulary()["labels"]["words"]


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
