"""Quick tests that text cannot match a case-insensitive pattern, by substrings of lower case."""

from __future__ import annotations

# The only non-ASCII letters `re` matches case-insensitively with ASCII ones; lower() does not
# turn them into those (dotted and dotless i, long s, Kelvin sign).
_ODD_CASE = "\u0130\u0131\u017f\u212a"
# Characters of a pattern that match only themselves (and, ignoring case, their other case).
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -/'&,:;")
_QUANTIFIERS = frozenset("?*{")


def lowered(text: str) -> str | None:
    """`text` lower-cased for substring tests that stand in for case-insensitive patterns, or
    None when it holds an _ODD_CASE letter (then only the pattern can tell)."""
    if not text.isascii() and any(letter in text for letter in _ODD_CASE):
        return None
    return text.lower()


def literal_start(pattern: str) -> str:
    """The lower-cased text every match of `pattern` starts with ("drug" for "drugs?",
    "counter" for "counter-?terrorism"); "" when it cannot tell (an alternation, a class or
    an escape first)."""
    if "|" in pattern:
        return ""
    end = 0
    while end < len(pattern) and pattern[end] in _PLAIN:
        end += 1
    if end < len(pattern) and pattern[end] in _QUANTIFIERS:
        end -= 1  # the last character may be left out or repeated
    return pattern[: max(end, 0)].lower()
