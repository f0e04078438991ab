"""Escaped HTML of a text with search words and given spans marked."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

from app.query.search import highlight_words

MARK_COLOR = "#ffe58a"
MARK_STYLE = f"background-color:{MARK_COLOR};"
PLACE_STYLE = "background-color:#cfe6ff;"


def word_pattern(search: str) -> re.Pattern[str] | None:
    """A regex matching the words the search would find (prefixes and stems loosely)."""
    parts = []
    for word in highlight_words(search):
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        else:
            # The index stems ("vessels" finds "vessel"), so highlight the word's variants too.
            parts.append(re.escape(word) + r"(?:s|es|ed|ing)?")
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def spans_for(
    text: str, search: str, stem: Callable[[str], str] | None = None
) -> list[tuple[int, int, str]]:
    """The spans to mark; with `stem` (a word -> the term the full-text index stores for it),
    also every word that shares a searched word's stem, as the search found it by."""
    # The index folds accents ("Turkiye" finds "Türkiye"), so words are looked for in the
    # text with its accents folded, and marked where they stand in the text as written.
    search = _folded(search)[0]
    pattern = word_pattern(search)
    if pattern is None:
        return []
    folded, at = _folded(text)
    spans = [(at(m.start(), m.end()), MARK_STYLE) for m in pattern.finditer(folded)]
    if stem is not None:
        stemmed = stem_spans(folded, search, stem, text, at)
        spans = list(dict.fromkeys([*spans, *stemmed]))
    return [(start, end, style) for (start, end), style in spans]


def _folded(text: str) -> tuple[str, Callable[[int, int], tuple[int, int]]]:
    """`text` with accents left off its letters ("Türkiye": "Turkiye"), and what gives a span
    of the folded text as a span of `text` (the folded text can be shorter where accents
    were written as letters of their own)."""
    if text.isascii():
        return text, lambda start, end: (start, end)
    letters, origin = [], []
    for place, char in enumerate(text):
        for letter in unicodedata.normalize("NFD", char):
            if not unicodedata.combining(letter):
                letters.append(letter)
                origin.append(place)
    ends = len(text)

    def at(start: int, end: int) -> tuple[int, int]:
        last = origin[end - 1] + 1
        while last < ends and unicodedata.combining(text[last]):  # its accents with it
            last += 1
        return origin[start], last

    return "".join(letters), at


def stem_spans(
    folded: str,
    search: str,
    stem: Callable[[str], str],
    text: str,
    at: Callable[[int, int], tuple[int, int]],
) -> list[tuple[tuple[int, int], str]]:
    """The words that stem as a searched word does: "cooperation" for "cooperate" (both
    "cooper"), which no list of suffixes finds. Porter's stems are the word's start, bar a
    last letter ("city" and "cities" are "citi"), so the candidates are the words of `folded`
    (`text` without accents, _folded) that start with a stem but its last letter, each
    checked as `text` writes it."""
    wanted = {stem(w) for w in highlight_words(search) if not w.endswith("*")} - {""}
    if not wanted:
        return []
    starts = {s[:-1] if len(s) > 3 else s for s in wanted}
    starts = "|".join(re.escape(s) for s in sorted(starts, key=len, reverse=True))
    candidates = re.compile(rf"(?<!\w)(?:{starts})\w*", re.IGNORECASE)
    spans = [at(m.start(), m.end()) for m in candidates.finditer(folded)]
    return [(span, MARK_STYLE) for span in spans if stem(text[span[0] : span[1]]) in wanted]


def marked_html(text: str, spans: list[tuple[int, int, str]]) -> str:
    """HTML-escaped text with each (start, end, style) span wrapped; overlaps are skipped."""
    out, pos = [], 0
    for start, end, style in sorted(spans):
        if start < pos or end <= start:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f'<span style="{style}">{html.escape(text[start:end])}</span>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def search_html(text: str, search: str, stem: Callable[[str], str] | None = None) -> str:
    return marked_html(text, spans_for(text, search, stem))
