"""Finds bodies and funds named in capitals without an acronym ("the European Commission")."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

from app.pipeline.figures import YEAR_LIKE
from app.pipeline.places import country_called, region_called

_MOST_WORDS = 8  # a longer run of capitals is a title or a heading, not a name
# Words that may join a name's capitalised words ("Code of Conduct"). Not "the", "to" or "in":
# they join a heading's words as often ("Contribution to the Peacebuilding Fund").
_JOINING = frozenset(("of", "and", "for", "on", "&"))
_GOES_ON = frozenset(("of", "for", "on"))  # a name may go on after one ("Institute for the …")
_ENDS_SENTENCE = ".!?"
_ENDS_WORD = ',;:)\u201d\u2019"]'  # a word ending in one ends a clause
_OPENS_WORD = '(\u201c\u2018"['
_NEXT_WORDS = re.compile(r"[ \t\r\n]*(\S+)(?:[ \t\r\n]+(\S+)(?:[ \t\r\n]+(\S+))?)?")
_REACH = 160  # characters looked at before a head: more than _MOST_WORDS long words


class TitledName(NamedTuple):
    start: int  # of the name
    name: str  # as written, line breaks included
    head: str  # the noun that says what it is ("Fund")


def titled_names(
    text: str,
    heads: tuple[str, ...],
    words: TitledWords,
    owner_known: Callable[[str], bool] = lambda owner: False,
    form_known: Callable[[str], bool] = lambda form: False,
) -> list[TitledName]:
    """Every name in `text` written as capitalised words before one of `heads`: "the Djibouti
    Code of Conduct Trust Fund", "the World Bank’s Cybersecurity Multi-Donor Trust Fund"
    ("Cybersecurity Multi-Donor Trust Fund").

    A name is taken only where both its ends are plain, for a cut name is worse than none.
    - Its start: after a lower-case word, or a known owner's possessive (`owner_known`: "the
      World Bank’s"); not after a sentence's end or at the start of `text` (a first word is
      capitalised anyway), nor after a quote mark, another possessive ("the Women’s Peace and
      Humanitarian Fund"), or a comma where the name holds "and" ("the Women, Peace and
      Security Fund"). Words in `words.stops` ("This", "Including") start no name, but a
      capitalised "The" inside a sentence is the name's own ("offered by The Nippon
      Foundation").
    - Its end: the head, with no capitalised word, "(" (an acronym's definition, read as such)
      or a word of `words.stops` and a capital after it, or "the" and a capital ("Japan Fund
      for Poverty Reduction", "the First Committee of the UN General Assembly").
    - Its words: "and" joins no name ending in a head noun ("the Gavi Alliance and Global
      Fund"); a leading number or acronym is the fund's year or owner, not its name ("IMO
      Djibouti Code of Conduct Trust Fund"), where what is left is a name of its own and the
      acronym does not start a known name (`form_known`: "UN Security Council Taliban
      Sanctions Committee"); a name
      of only generic words, an owner and a country ("UNHCR Japan Trust Fund") is none."""
    found = []
    for match in _heads_pattern(heads).finditer(text):
        at, end, head = match.start(), match.end(), match.group()
        if at == 0 or not text[at - 1].isspace() or _goes_on(text, end, words.stops):
            continue
        name = _words_before(text, at, words, owner_known)
        if name and name[0][1][0].isdigit():
            if not YEAR_LIKE.fullmatch(name[0][1]):
                continue  # part of the name? "the 1267 Sanctions Committee"
            name = name[1:]  # a year: "In 2022 Global Fund grants"
        name = _without_owner(name, words, form_known)
        if not name or _generic(name, words) or _described(name, head, words):
            continue
        if head not in words.lone and _country_owned(text, name[0][0]):
            continue  # "the Philippines’ National Security Council": whose is it, named so?
        found.append(TitledName(name[0][0], text[name[0][0] : end], head))
    return found


def title_case(text: str) -> bool:
    """Whether `text` is written as a title, most of its words capitalised ("Response by the
    International Community and Regional Organization"): its capitals then say nothing about
    where a name starts."""
    if text.rstrip()[-1:] in '.!?:;)”"':
        return False  # a sentence, or a caption's credit ("Photo: Cabinet Public Affairs Office)")
    long = [w for w in text.split() if len(w) > 3 and w[0].isalpha()]
    return len(long) >= 3 and sum(w[0].isupper() for w in long) >= 0.8 * len(long)


def heads_at(text: str, heads: tuple[str, ...]) -> list[int]:
    """Where one of `heads` is written in `text`: where titled_names() may find a name."""
    return [match.start() for match in _heads_pattern(heads).finditer(text)]


@cache
def _heads_pattern(heads: tuple[str, ...]) -> re.Pattern[str]:
    # Twenty literals: one pattern scans a piece or a document two to four times quicker than
    # str.find() for each (no head is written inside another, so none overlap).
    return re.compile("|".join(sorted(map(re.escape, heads), key=len, reverse=True)))


class TitledWords(NamedTuple):
    """The word lists titled_names() reads (organisations.toml's [titled] and [heads])."""

    stops: frozenset[str]  # lower case: capitalised, these start no name
    generic: frozenset[str]  # a name of only these (and a country) is none
    nouns: frozenset[str]  # lower case: head nouns, which end a name ("Alliance")
    lone: frozenset[str] = frozenset()  # heads after which one word is a name ("Global Fund")


def _goes_on(text: str, end: int, stops: frozenset[str]) -> bool:
    """Whether the name may go on past the head at `end`, or the head is inside a word."""
    if end < len(text):
        char = text[end]
        if char.isalnum() or char == "-":
            return True
        if char in "\u2019'":  # a possessive ("the Fund’s") ends the name; other quotes too
            return False
    match = _NEXT_WORDS.match(text, end)
    if match is None:
        return False
    following, after, third = match.groups()
    if following[0] in "([" or following[0].isupper() or following[0].isdigit():
        return True
    if following not in stops or after is None:
        return False
    if after[0].isupper():
        return True
    # "Committee of the UN General Assembly", "Forum for a Culture of Lawfulness"; not
    # "Committee or the ISIL Sanctions Committee", two names
    return (
        following in _GOES_ON
        and after in ("the", "a", "an")
        and third is not None
        and third[0].isupper()
    )


def _words_before(
    text: str, at: int, words: TitledWords, owner_known: Callable[[str], bool]
) -> list[tuple[int, str]]:
    """The name's words before the head at `at`, each with its start, first word first; empty
    when the words there are no name's, or where the name starts is unclear."""
    begin = max(0, at - _REACH)
    tokens = text[begin:at].split()
    if begin and tokens:
        tokens = tokens[1:]  # may be part of a word
    name: list[tuple[int, str]] = []
    pending: list[tuple[int, str]] = []  # joining words, kept if a capitalised word precedes
    start = at
    for number in range(len(tokens) - 1, -1, -1):
        word = tokens[number]
        # Most names are a few words: where each starts is found going back, word by word.
        start = text.rfind(word, begin, start)
        if word[-1] in _ENDS_SENTENCE:
            return []  # the words after it start a sentence: capitalised anyway
        if word in _JOINING:
            pending.append((start, word))
            continue
        if word[0] in _OPENS_WORD:
            if word[1:2].isupper():
                return []  # "the “Central Emergency Response Fund”": the quote is the name's
            break
        if word == "The" and number and _inside_sentence(tokens[number - 1]):
            name += pending
            name.append((start, word))  # "by The Nippon Foundation": the name's own
            break
        if not (word[0].isupper() or word[0].isdigit()) or word.lower() in words.stops:
            break
        if stem := possessor(word):
            if _owner_named(tokens[max(0, number - 3) : number], stem, owner_known):
                break  # "the World Bank’s": the name starts after its owner
            return []  # "the Women’s Peace and Humanitarian Fund": the name goes on
        if word[-1] in _ENDS_WORD:
            if word[-1] == "," and any(w == "and" for _, w in name + pending):
                return []  # "the Women, Peace and Security Fund", "UNICEF, Gavi and ..."
            break
        if word.lower() in words.nouns and any(w == "and" for _, w in name + pending):
            # "the Gavi Alliance and Global Fund", "the Ministry of Foreign Affairs and
            # National Security Council": two names
            return []
        name += pending
        pending = []
        name.append((start, word))
        if len(name) > _MOST_WORDS:
            return []
    else:
        # Capitals back to the text's start (a sentence's first word is one anyway), or
        # further than a name reaches.
        return []
    name.reverse()
    return name


def possessor(word: str) -> str:
    """Who a possessive names ("Bank" of "Bank’s", "Philippines" of "Philippines'"), else ""."""
    if word.endswith(("\u2019s", "'s")):
        return word[:-2]
    return word[:-1] if word.endswith(("s\u2019", "s'")) and len(word) > 2 else ""


def _country_owned(text: str, start: int) -> bool:
    """Whether a country's possessive comes right before `start` ("the Philippines’ ")."""
    before = text[max(0, start - _REACH) : start].split()[-3:]
    if not before or not (stem := possessor(before[-1])):
        return False
    return _owner_named(before[:-1], stem, country_called)


def _owner_named(words: list[str], stem: str, known: Callable[[str], object]) -> bool:
    """Whether the possessive's `stem`, alone or with some of the `words` before it, is
    `known` ("Bank" of "World Bank’s", "the Philippines’")."""
    owner = [*words, stem]
    return any(known(" ".join(owner[i:])) for i in range(len(owner)))


def _inside_sentence(word: str) -> bool:
    """Whether the word before another may not end a sentence: it goes on with small letters."""
    return word[0].islower() and word[-1] not in _ENDS_SENTENCE


def _without_owner(
    name: list[tuple[int, str]], words: TitledWords, form_known: Callable[[str], bool]
) -> list[tuple[int, str]]:
    """`name` without a leading acronym ("IMO"), which is its owner, where what is left is a
    name of its own: not "UN Women Trust Fund" -> "Women Trust Fund", and not where the
    acronym starts a known name ("UN Security Council Taliban Sanctions Committee"). A leading
    country stays: it is often the name's own ("Djibouti Code of Conduct Trust Fund")."""
    if len(name) < 2 or not all_capitals(name[0][1]) or country_called(name[0][1]):
        return name  # "the UK National Security Council" is the UK's
    written = [w for _, w in name]
    if any(form_known(" ".join(written[:k])) for k in range(2, len(written) + 1)):
        return name
    rest = name[1:]
    while rest and rest[0][1] in _JOINING:
        rest = rest[1:]
    return rest if len(_own_words(rest, words)) >= 2 else name


def _generic(name: list[tuple[int, str]], words: TitledWords) -> bool:
    """Whether a name is only generic words, an owner's acronym and a country ("Trust Fund",
    "Japan Trust Fund", "UN Trust Fund", "UNHCR Japan Fund", "WFP Headquarters")."""
    if all_capitals(name[0][1]):
        name = name[1:]
    own = _own_words(name, words)
    return not own or country_called(" ".join(own)) is not None


def _described(name: list[tuple[int, str]], head: str, words: TitledWords) -> bool:
    """Whether a name of one word of its own before a head that needs two describes a body
    rather than names it ("the Central Bank", "the Training Centre", "the Sanctions
    Committee"); not after a capitalised "The" ("The Nippon Foundation") nor a region's
    adjective ("the European Commission")."""
    if head in words.lone or name[0][1] == "The":
        return False
    own = _own_words(name, words)
    return len(own) < 2 and not (own and region_called(own[0]))


def _own_words(name: list[tuple[int, str]], words: TitledWords) -> list[str]:
    """A name's words that say which body it is: not generic ("Trust"), joining ("of") nor
    "The"."""
    return [w for _, w in name if w not in words.generic and w not in _JOINING and w != "The"]


def all_capitals(word: str) -> bool:
    """ "IMO", "UNDP", "UN": two or more capitals and no small letter."""
    return sum(map(str.isupper, word)) >= 2 and not any(map(str.islower, word))
