"""Escaped HTML of a text with search words and given spans marked."""

from __future__ import annotations

import html
import re
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
    pattern = word_pattern(search)
    if pattern is None:
        return []
    spans = [(m.start(), m.end(), MARK_STYLE) for m in pattern.finditer(text)]
    if stem is not None:
        spans = list(dict.fromkeys([*spans, *stem_spans(text, search, stem)]))
    return spans


def stem_spans(text: str, search: str, stem: Callable[[str], str]) -> list[tuple[int, int, str]]:
    """The words of `text` that stem as a searched word does: "cooperation" for "cooperate"
    (both "cooper"), which no list of suffixes finds. Porter's stems are the word's start, bar
    a last letter ("city" and "cities" are "citi"), so the candidates are the words that start
    with a stem but its last letter, each checked."""
    wanted = {stem(w) for w in highlight_words(search) if not w.endswith("*")} - {""}
    if not wanted:
        return []
    starts = {s[:-1] if len(s) > 3 else s for s in wanted}
    starts = "|".join(re.escape(s) for s in sorted(starts, key=len, reverse=True))
    candidates = re.compile(rf"(?<!\w)(?:{starts})\w*", re.IGNORECASE)
    return [
        (m.start(), m.end(), MARK_STYLE)
        for m in candidates.finditer(text)
        if stem(m.group()) in wanted
    ]


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
