"""Turns whatever a person types into a safe FTS5 query: words, "phrases", prefixes*,
alternatives (piracy OR terrorism) and words left out (-piracy, NOT piracy)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Words are runs of letters and digits (what the unicode61 tokenizer keeps); anything else a
# person types (brackets, quotes left open, SQL, control characters) only separates.
WORD = re.compile(r"[^\W_]+", re.UNICODE)
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
MAX_TERMS = 32  # longer input is cut: 10,000 pasted characters must not become a huge query
# Operators as search engines write them: upper case, between terms (OR, AND) or before one
# (NOT); several in a row ("AND NOT") apply together, and one with no term to apply to does
# nothing ("piracy OR " while typing). In lower case, or when nothing but operators is typed,
# they are words to look for ("AND" alone finds "and"). OR joins terms to find: a term left out
# is left out whatever is around it.
JOINING = ("OR", "AND")
NEGATING = "NOT"

Term = tuple[tuple[str, ...], bool]  # (words of a phrase, is a prefix)


@dataclass(frozen=True)
class Query:
    """Every group must match (any one term of a group), and no excluded term."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    def searches(self) -> bool:
        """True when it narrows the entries at all ("*" or "--" does not)."""
        return bool(self.groups or self.excluded)

    def match(self) -> str | None:
        """The MATCH expression of the entries it finds, or None when it has only excluded
        terms (FTS5 cannot say "not" alone: see excluded_match)."""
        if not self.groups:
            return None
        found = " AND ".join(_group(group) for group in self.groups)
        if self.excluded:
            found = f"({found}) NOT {_group(self.excluded)}"
        return found

    def excluded_match(self) -> str | None:
        """With no term to find, the MATCH expression of the entries to leave out."""
        return None if self.groups or not self.excluded else _group(self.excluded)

    def key(self) -> str | None:
        """One string per distinct meaning (for caches); None when it searches nothing."""
        match = self.match()
        if match is not None:
            return match
        left_out = self.excluded_match()
        return None if left_out is None else f"NOT {left_out}"

    def terms(self) -> list[Term]:
        """The terms to find, in typed order (the ones highlighted)."""
        return [term for group in self.groups for term in group]


def _term(term: Term) -> str:
    words, prefix = term
    return '"' + " ".join(words) + '"' + ("*" if prefix else "")


def _group(terms: tuple[Term, ...]) -> str:
    if len(terms) == 1:
        return _term(terms[0])
    return "(" + " OR ".join(_term(t) for t in terms) + ")"


# Kept: one filter change and its repaint asked for the same search 61 times (the query, its
# counts and words, twice for each painted quote).
@lru_cache(maxsize=64)
def parse(text: str) -> Query:
    """What `text` asks for. Nothing typed is an error: an operator where none can stand does
    nothing (see JOINING), a quote left open runs to the end."""
    items: list[tuple[str | None, Term, bool]] = []  # (operator, its term as a word, negated)
    for match in TOKEN.finditer(text or ""):
        minus, phrase, bare = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            words = tuple(WORD.findall(phrase))
            if words:
                items.append((None, (words, False), bool(minus)))
            continue
        if bare in (*JOINING, NEGATING):
            items.append((bare, ((bare,), False), False))
            continue
        negated = bare.startswith("-")
        words = tuple(WORD.findall(bare))
        if words:
            # "C++", "O'Brien" and "Japan-U.S." become phrases of their parts, as the index
            # holds them.
            items.append((None, (words, bare.endswith("*") and len(words) == 1), negated))
    if all(operator is not None for operator, _, _ in items):  # "AND" alone finds "and"
        items = [(None, term, False) for _, term, _ in items]
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending: set[str] = set()  # the operators typed since the last term ("AND NOT")
    for operator, term, negated in items:
        if operator is not None:
            pending.add(operator)
            continue
        if negated or NEGATING in pending:
            excluded.append(term)
        elif "OR" in pending and groups:  # with the last term to find ("a OR -b OR c")
            groups[-1].append(term)
        else:
            groups.append([term])
        pending = set()
        if sum(map(len, groups)) + len(excluded) >= MAX_TERMS:
            break
    return Query(tuple(map(tuple, groups)), tuple(excluded))


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression for the entries the text finds, or None when it finds none by
    itself (nothing searchable, or only words left out)."""
    return parse(text).match()


def searches(text: str) -> bool:
    return parse(text).searches()


def highlight_words(text: str) -> list[str]:
    """Lower-cased words to highlight in shown text (prefix terms keep a trailing '*'); not
    the words left out."""
    words = []
    for phrase, prefix in parse(text).terms():
        for number, word in enumerate(phrase):
            last = number == len(phrase) - 1
            words.append(word.lower() + ("*" if prefix and last else ""))
    return words
