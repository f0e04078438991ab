"""Quick tests that text cannot match a case-insensitive pattern, by substrings of lower case."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator

# The only non-ASCII letters `re` matches case-insensitively with ASCII ones; lower() does not
# turn them into those (dotted and dotless i, long s, Kelvin sign).
_ODD_CASE = "\u0130\u0131\u017f\u212a"
# Characters of a pattern that match only themselves (and, ignoring case, their other case).
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -/'&,:;")
_QUANTIFIERS = frozenset("?*{")
# What a backslash makes plain: any sign (\+ \. \/); before a letter or a digit it is special.
_ESCAPED = frozenset(string.punctuation)
_DIGIT = re.compile(r"\d")
_ASCII_DIGITS = b"0123456789"

# The last answers, by the identity of the text: find_figures and find_years ask about the same
# quote, one after the other. A str never changes, and holding it keeps its identity unused.
_last_lowered: tuple[str, str | None] = ("", "")
_last_digit: tuple[str, bool] = ("", False)


def lowered(text: str) -> str | None:
    """`text` lower-cased for substring tests that stand in for case-insensitive patterns, or
    None when it holds an _ODD_CASE letter (then only the pattern can tell)."""
    global _last_lowered
    last = _last_lowered
    if last[0] is text:
        return last[1]
    if not text.isascii() and any(map(text.__contains__, _ODD_CASE)):
        folded = None
    else:
        folded = text.lower()
    _last_lowered = (text, folded)
    return folded


def has_digit(text: str) -> bool:
    r"""Whether `text` has a decimal digit (\d, in any script), as every year and every amount
    of money has."""
    global _last_digit
    last = _last_digit
    if last[0] is text:
        return last[1]
    if text.isascii():
        # Its bytes without the digits are fewer when it has one: one quick pass of a table.
        found = len(text.encode().translate(None, _ASCII_DIGITS)) < len(text)
    else:
        found = _DIGIT.search(text) is not None
    _last_digit = (text, found)
    return found


def literal_start(pattern: str) -> str:
    r"""The lower-cased text every match of `pattern` starts with ("drug" for "drugs?",
    "counter" for "counter-?terrorism", "2+2" for "2\+2"); "" when it cannot tell (an
    alternation, a class or a special escape first)."""
    if "|" in pattern:
        return ""
    chars: list[str] = []
    at = 0
    while at < len(pattern):
        if pattern[at] in _PLAIN:
            chars.append(pattern[at])
            at += 1
        elif pattern[at] == "\\" and pattern[at + 1 : at + 2] in _ESCAPED:
            chars.append(pattern[at + 1])
            at += 2
        else:
            break
    if at < len(pattern) and pattern[at] in _QUANTIFIERS and chars:
        chars.pop()  # the last character may be left out or repeated
    return "".join(chars).lower()


def occurrences(text: str, word: str) -> Iterator[int]:
    """Where `word` is written in `text`, overlaps included, in order: found by str.find, a
    quick scan for a literal, where a pattern would be tried at every position."""
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def occurrences_of(text: str, words: Iterable[str]) -> list[int]:
    """Where any of `words` is written in `text`, sorted: str.find() scans a whole document for
    a few literals many times quicker than a pattern of them would."""
    return sorted(at for word in words for at in occurrences(text, word))


def matches_at(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> list[re.Match[str]]:
    """What pattern.finditer(text) finds when each of its matches starts at one of `starts`
    (ascending) and none is empty: the pattern is only tried there, not at every position."""
    found = []
    end = 0
    for start in starts:
        if start >= end and (match := pattern.match(text, start)):
            found.append(match)
            end = match.end()
    return found
