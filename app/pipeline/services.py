"""Finds a country's forces and services written without an acronym ("Philippine Coast Guard")."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

from app.pipeline.model import Mention
from app.pipeline.places import country_called, find_places, no_country_called
from app.pipeline.quick import occurrences_of

# Words that start a sentence or clause before a name without being part of it ("The Indian
# Navy", "Both Chinese Navy ..."), as places reads them before a country.
_NOT_IN_A_NAME = frozenset(
    "The In On At To For From With And Both Of By As While Since Including Also Like Unlike"
    " Its Their His Her This That These Those".split()
)
_REACH = 80  # characters looked at on either side of the noun for the country
# A word starts after a space, a "(" or an opening quote; it ends before a space (a
# non-breaking one too).
_WORD_BEFORE = re.compile(r"(?:^|(?<=[\s(\u201c\u2018\"']))([A-Z][\w'\u2019.-]*)\s$")
_WORD_START = re.compile(r"(?:^|(?<=[\s(\u201c\u2018\"']))[A-Z]")  # a capitalised word's start
# Before the country: a dash or slash joining it to a word, or a name's "of" ("Bank of").
# (With "the", the country's service follows a title: "Chief of the German Air Force".)
_JOINED_BEFORE = re.compile(r"(?:[-\u2013/]\s*|[A-Z][\w'\u2019.-]* (?:of|for) )$")
_CAPITALISED_NEXT = re.compile(r"\s+[A-Z]")
_OF_COUNTRY = re.compile(r" of (?:the )?")
_OF_AFTER = re.compile(r"\s+of\s+(?:the\s+)?")  # as _OF_COUNTRY, across a line break too
_JOINED = re.compile(r"(?:\s*,)?\s+and\s+(?:the\s+)?|\s*,\s+(?:the\s+)?")
_CAPITALISED_RUN = re.compile(r"[A-Z][\w\u2019'-]*(?:[ \t]+[A-Z][\w\u2019'-]*)*")
# country_beside()'s answer for a place written with no country code ("Kosovo", "Korea"):
# the name beside it is then no one country's that the catalogue knows, and not Japan's.
NO_CODE = "?"


class ServiceName(NamedTuple):
    start: int
    name: str  # as written
    # The name as "<leads><country code> <noun>", whichever way it is written ("Armed Forces
    # of the Philippines", "Philippine Armed Forces"): spellings of one service agree.
    merge: str


@cache
def nouns_pattern(nouns: tuple[str, ...]) -> re.Pattern[str]:
    """The nouns, longest first; a hyphen may be followed by a space where a line was broken
    ("Self- Defense Force"), and an apostrophe be curly ("People\u2019s Liberation Army")."""
    spelt = (
        re.escape(noun).replace(r"\ ", r"\s+").replace(r"\-", r"-\s?").replace("'", "['\u2019]")
        for noun in sorted(nouns, key=len, reverse=True)
    )
    return re.compile(r"(?:" + "|".join(spelt) + r")(?![\w-])")


def service_names(
    text: str, nouns: tuple[str, ...], leads: frozenset[str] = frozenset()
) -> list[ServiceName]:
    """Every "<country or its adjective> <noun>" and "<noun> of (the) <country>" in `text`;
    `leads`: words that may come first in such a name ("Royal Australian Navy")."""
    found = []
    for match in nouns_pattern(nouns).finditer(text):
        start, end = match.span()
        if start and text[start - 1].isalnum():
            continue  # inside a word ("Subnavy")
        named = _country_before(text, start, match.group(), leads) or _country_after(
            text, start, end, leads
        )
        if named:
            found.append(named)
    return found


def _country_before(text: str, start: int, noun: str, leads: frozenset[str]) -> ServiceName | None:
    if start < 2 or not text[start - 1].isspace():
        return None
    end = start + len(noun)
    if _CAPITALISED_NEXT.match(text, end):
        return None  # the name goes on: "Coast Guard Academy", "Navy Chief of Staff"
    if (country := _country_ending_at(text, start - 1)) is None:
        return None
    code, begin = country
    if _JOINED_BEFORE.search(text, max(0, begin - _REACH), begin):
        return None  # "Japan\u2013 India Navy", "Republic of China Navy", "Bank of Japan Police"
    lead = _name_start(text, begin, leads)
    if lead is None:
        return None
    return ServiceName(lead, text[lead:end], f"{text[lead:begin]}{code} {noun}")


def _country_after(text: str, start: int, end: int, leads: frozenset[str]) -> ServiceName | None:
    of = _OF_COUNTRY.match(text, end)
    if of is None:
        return None
    lead = _name_start(text, start, leads)  # "United Self-Defense Forces of Colombia": None
    if lead is None:
        return None
    country = _country_starting_at(text, of.end())
    if country is None or _CAPITALISED_NEXT.match(text, of.end() + country.end):
        return None
    name = text[lead : of.end() + country.end]
    return ServiceName(lead, name, f"{text[lead:start]}{country.id} {text[start:end]}")


def _name_start(text: str, at: int, leads: frozenset[str]) -> int | None:
    """Where a name whose country or noun is written from `at` starts. A lead word belongs to
    it ("the Royal Australian Navy"). Any other capitalised word before leaves the name
    unclear, and None says so: "Free Syrian Army", "Latin American Police", "In March Indian
    Navy ships", "the JICA Philippine Coast Guard project". A sentence's end or a possessive
    ("Japan's") is not part of it."""
    lead = at
    while word := _WORD_BEFORE.search(text, max(0, lead - _REACH), lead):
        written = word.group(1)
        if written in _NOT_IN_A_NAME or written.endswith((".", "'s", "\u2019s")):
            break
        if written not in leads:
            return None
        lead = word.start(1)
    return lead


def standalone(text: str, start: int, end: int) -> bool:
    """Whether a service's name written at text[start:end] stands alone as service_names()
    requires: not joined to a word before ("Japan-U.S. Coast Guard"), and not going on with
    a capitalised word ("U.S. Coast Guard Academy")."""
    return not (
        _JOINED_BEFORE.search(text, max(0, start - _REACH), start)
        or _CAPITALISED_NEXT.match(text, end)
    )


def country_beside(text: str, start: int, end: int) -> str | None:
    """The country (alpha-3 code) written right beside the name at text[start:end]: its name,
    adjective or possessive before ("the Indonesian ", "Viet Nam's ", "the Philippines\u2019 "),
    or "of (the) <country>" after ("Ministry of Foreign Affairs of Viet Nam"), else None.
    NO_CODE where a place with no country code is written so ("Kosovo's", "of Korea")."""
    named = _country_right_before(text, start)
    # After a short form in brackets, past its bracket ("the Ministry of Defense (MOD) of ...").
    end += _in_brackets(text, start, end)
    if named is None and (of := _OF_AFTER.match(text, end)):
        country = _country_starting_at(text, of.end())
        if country is not None:
            named = country.id
        elif _no_country_starting_at(text, of.end()):
            named = NO_CODE
    return named


def joined(text: str, first: tuple[int, int], second: tuple[int, int]) -> bool:
    """Whether two names at the spans `first` and `second` are joined by "and" or a comma into
    one list ("the Ministry of Defense and the Ministry of ...", also after a short form in
    brackets: "(MOD) and"), or the second is the first's short form, in brackets right after
    it ("the UK Ministry of Defence (MOD)")."""
    end, start = first[1], second[0]
    if _in_brackets(text, *second) and text[end:start].strip() == "(":
        return True
    end += _in_brackets(text, *first)
    return _JOINED.fullmatch(text, end, start) is not None


def _in_brackets(text: str, start: int, end: int) -> int:
    """1 where the name at text[start:end] is alone in brackets ("(MOD)"), else 0."""
    return int(text[start - 1 : start] == "(" and text[end : end + 1] == ")")


def _country_right_before(text: str, start: int) -> str | None:
    """The country that the words right before `start` name, or whose possessive they are
    ("Indonesian ", "Viet Nam's ", "the Philippines' "), else None."""
    if start < 2 or not text[start - 1].isspace():
        return None
    end = start - 1
    if text.endswith(("'s", "\u2019s"), 0, end):
        end -= 2
    elif text.endswith(("s'", "s\u2019"), 0, end):
        end -= 1
    # A country's name or adjective ends in a capitalised word ("Korea" of "Republic of
    # Korea"); mostly "the" or "and" is written there, and no more need be looked at.
    if not text[text.rfind(" ", 0, end) + 1 : end][:1].isupper():
        return None
    country = _country_ending_at(text, end) or _country_ending_at(text, end, _uncoded)
    return country[0] if country else None


def _country_ending_at(
    text: str, end: int, called: Callable[[str], str | None] = country_called
) -> tuple[str, int] | None:
    """The country (code, where its words start) that the longest run of words ending at `end`
    names: "Papua New Guinea", not "Guinea". A word starts after a space, a "(" or a quote:
    "India" in "Japan-India Navy" is part of a compound, not India's. (Or what `called` finds
    for the words instead of a country's code.)"""
    for word in _WORD_START.finditer(text, max(0, end - _REACH), end):
        if code := called(text[word.start() : end]):
            return code, word.start()
    return None


def _uncoded(written: str) -> str | None:
    """NO_CODE where `written` names a place with no country code ("Kosovo"), else None."""
    return NO_CODE if no_country_called(written) else None


def _no_country_starting_at(text: str, at: int) -> bool:
    """Whether capitalised words from `at` name a place with no country code ("Kosovo said")."""
    run = _CAPITALISED_RUN.match(text, at)
    if run is None:
        return False
    words = run.group().split()
    return any(no_country_called(" ".join(words[:n])) for n in range(len(words), 0, -1))


def _country_starting_at(text: str, at: int) -> Mention | None:
    """The country whose name starts at `at` ("the Republic of Korea ..."), its offsets from
    `at`, else None."""
    countries, _ = find_places(text[at : at + _REACH])
    return next((c for c in countries if c.start == 0), None)


def service_nouns_at(text: str, nouns: tuple[str, ...]) -> list[int]:
    """Where the last word of any of the nouns ("Navy", "Guard") is written in `text`, sorted:
    a piece without one names no service. str.find() scans a whole document many times
    quicker than the nouns' pattern would."""
    return occurrences_of(text, _last_words(nouns))


@cache
def _last_words(nouns: tuple[str, ...]) -> tuple[str, ...]:
    """The nouns' last words, without those holding another ("Forces" holds "Force")."""
    last = {re.split(r"[\s-]+", noun)[-1] for noun in nouns}
    return tuple(sorted(w for w in last if not any(o != w and o in w for o in last)))
