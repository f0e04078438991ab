"""Turns whatever a person types into a safe FTS5 query: words, "phrases" and prefixes*."""

from __future__ import annotations

import re

# Words are runs of letters and digits (what the unicode61 tokenizer keeps); anything else a
# person types (operators, brackets, quotes left open, SQL, control characters) only separates.
WORD = re.compile(r"[^\W_]+", re.UNICODE)
TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
MAX_TERMS = 32  # longer input is cut: 10,000 pasted characters must not become a huge query


def terms(text: str) -> list[tuple[list[str], bool]]:
    """The search terms: (words of a phrase, is_prefix) in typed order."""
    found: list[tuple[list[str], bool]] = []
    for match in TOKEN.finditer(text or ""):
        phrase, bare = match.group(1), match.group(2)
        if phrase is not None:
            words = WORD.findall(phrase)
            if words:
                found.append((words, False))
            continue
        words = WORD.findall(bare)
        if not words:
            continue
        # "C++", "O'Brien" and "Japan-U.S." become phrases of their parts, as the index holds them.
        found.append((words, bare.endswith("*") and len(words) == 1))
    return found[:MAX_TERMS]


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression for the text, or None when it holds nothing searchable."""
    return match_expression(terms(text))


def match_expression(parts: list[tuple[list[str], bool]]) -> str | None:
    """The MATCH expression of terms (as terms() gives them): every one of them, in order."""
    quoted = ['"' + " ".join(words) + '"' + ("*" if prefix else "") for words, prefix in parts]
    return " ".join(quoted) if quoted else None


def highlight_words(text: str) -> list[str]:
    """Lower-cased words to highlight in shown text (prefix terms keep a trailing '*')."""
    words = []
    for phrase, prefix in terms(text):
        for number, word in enumerate(phrase):
            last = number == len(phrase) - 1
            words.append(word.lower() + ("*" if prefix and last else ""))
    return words
