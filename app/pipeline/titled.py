"""Finds funds named in capitals without an acronym ("the Next Generation Technologies Fund")."""

from __future__ import annotations

import re
from typing import NamedTuple

from app.pipeline.quick import occurrences

_MOST_WORDS = 8  # a longer run of capitals is a title or a heading, not a name
# Words that may join a name's capitalised words ("Code of Conduct"). Not "the", "to" or "in":
# they join a heading's words as often ("Contribution to the Peacebuilding Fund").
_JOINING = frozenset(("of", "and", "for", "on", "&"))
_ENDS_SENTENCE = ".!?"
_ENDS_WORD = ',;:)\u201d\u2019"]'  # a word ending in one ends a clause
_OPENS_WORD = '(\u201c\u2018"['
_WORD = re.compile(r"\S+")
_NEXT_WORDS = re.compile(r"[ \t\r\n]*(\S+)(?:[ \t\r\n]+(\S+))?")
_REACH = 160  # characters looked at before a head: more than _MOST_WORDS long words


class TitledName(NamedTuple):
    start: int  # of the name
    name: str  # as written, line breaks included
    head: str  # the noun that says what it is ("Fund")


def heads_at(text: str, heads: tuple[str, ...]) -> list[int]:
    """Where any of `heads` is written in `text`, sorted: a piece without one names no fund.
    str.find() is many times quicker than a pattern over a whole document."""
    return sorted(at for head in heads for at in occurrences(text, head))


def titled_names(
    text: str, heads: tuple[str, ...], stops: frozenset[str], generic: frozenset[str]
) -> list[TitledName]:
    """Every name in `text` written as capitalised words before one of `heads`: "the Djibouti
    Code of Conduct Trust Fund", "the World Bank’s Cybersecurity Multi-Donor Trust Fund"
    ("Cybersecurity Multi-Donor Trust Fund").

    Taken only where the name's ends are plain: it starts after a small word, a possessive or
    a clause's end, and not at the start of `text` (a sentence's or a heading's first word is
    capitalised anyway); it ends at the head, with no capitalised word, "(" (an acronym's
    definition, read as such) or "for"/"of" and a capitalised word after it ("Japan Fund for
    Poverty Reduction": which words are the name's?). A leading acronym is the fund's owner,
    not its name ("IMO Djibouti Code of Conduct Trust Fund"). Words in `stops` ("This",
    "Through") start no name; a name of only `generic` words ("Trust Fund") is none."""
    found = []
    for at in heads_at(text, heads):
        head = next(h for h in heads if text.startswith(h, at))
        end = at + len(head)
        if at == 0 or not text[at - 1].isspace() or _goes_on(text, end, stops):
            continue
        words = _words_before(text, at, stops)
        if not words:
            continue
        if _acronym(words[0][1]) and len(words) > 1:
            words = words[1:]  # the owner: found as itself
            while words and words[0][1] in _JOINING:
                words = words[1:]
        start = words[0][0]
        if start == 0 or all(w in generic or w in _JOINING for _, w in words):
            continue
        found.append(TitledName(start, text[start:end], head))
    return found


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
    following, after = match.group(1), match.group(2)
    if following[0] in "([" or following[0].isupper() or following[0].isdigit():
        return True
    return following in stops and after is not None and after[0].isupper()


def _words_before(text: str, at: int, stops: frozenset[str]) -> list[tuple[int, str]]:
    """The name's words before the head at `at`, each with its start, first word first; empty
    when the words there are no name's."""
    begin = max(0, at - _REACH)
    tokens = [(m.start(), m.group()) for m in _WORD.finditer(text, begin, at)]
    if begin and tokens:
        tokens = tokens[1:]  # may be part of a word
    words: list[tuple[int, str]] = []
    pending: list[tuple[int, str]] = []  # joining words, kept if a capitalised word precedes
    for start, word in reversed(tokens):
        if word[-1] in _ENDS_SENTENCE:
            return []  # the words after it start a sentence: capitalised anyway
        if word in _JOINING:
            pending.append((start, word))
            continue
        if not (word[0].isupper() or word[0].isdigit()) or word.lower() in stops:
            break
        if word[-1] in _ENDS_WORD or word[0] in _OPENS_WORD or word.endswith(("\u2019s", "'s")):
            break
        words += pending
        pending = []
        words.append((start, word))
        if len(words) > _MOST_WORDS:
            return []
    else:
        # Capitals back to the text's start (a sentence's first word is one anyway), or
        # further than a name reaches.
        return []
    words.reverse()
    return words


def _acronym(word: str) -> bool:
    """ "IMO", "UNDP", "UN": two or more capitals and no small letter."""
    return sum(map(str.isupper, word)) >= 2 and not any(map(str.islower, word))
