"""Assigns each entry one primary domain: from its section headings first, then keywords."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from app.pipeline.quick import literal_start, lowered, matches_at, occurrences
from app.resources import Domain, domains

# A heading that names this many domains or more is an umbrella ("Capacity Building for
# Maritime, Outer Space, and Cyberspace Issues"): it decides nothing, its subsections do.
UMBRELLA = 3


@dataclass(frozen=True)
class DomainChoice:
    domain: str | None
    source: str  # "heading", "keywords" or "" when none
    reason: str  # why, in words: shown in the build report and the detail pane


@cache
def _compiled() -> tuple[tuple[Domain, re.Pattern, re.Pattern, tuple[str, ...]], ...]:
    """Each domain, its heading and keyword patterns, and the text that one of its keywords
    starts with wherever it matches (empty when some keyword's start cannot be told)."""

    def union(patterns: tuple[str, ...]) -> re.Pattern:
        return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)

    # Where "cyber" is not written, neither is "cyberspace": one test stands for both.
    return tuple(
        (d, union(d.heading), union(d.keywords), _keyword_starts(d.keywords, str.__contains__))
        for d in domains()
    )


def _keyword_starts(patterns: tuple[str, ...], covers) -> tuple[str, ...]:
    """The lower-cased texts that matches of `patterns` start with, less each that
    `covers(start, other)` says another one stands for; empty when some pattern's start
    cannot be told."""
    found = {literal_start(p) for p in patterns}
    if "" in found:
        return ()
    return tuple(sorted(s for s in found if not any(covers(s, o) for o in found if o != s)))


@lru_cache(maxsize=8192)  # every entry asks again about each heading above it
def heading_domain(title: str) -> str | None:
    """The domain a heading names, or None when it names none or is an umbrella."""
    spans: dict[str, int] = {}
    for domain, heading, _, _ in _compiled():
        longest = max((len(m.group(0)) for m in heading.finditer(title)), default=0)
        if longest:
            spans[domain.id] = longest
    if not spans or len(spans) >= UMBRELLA:
        return None
    # Two named domains: the more specific phrase wins ("Money Laundering and the Financing of
    # Terrorism" is about money laundering); equal phrases keep the taxonomy's order.
    return max(spans, key=lambda d: spans[d])


@cache
def _starts_of() -> tuple[tuple[str, ...], dict[str, frozenset[int]], frozenset[int]]:
    """Every domain's keyword starts in one tuple, the domains (by position in _compiled())
    each start stands for, and the domains without starts (scanned in any text)."""
    owners: dict[str, set[int]] = {}
    always = set()
    for number, (_, _, _, starts) in enumerate(_compiled()):
        if not starts:
            always.add(number)
        for start in starts:
            owners.setdefault(start, set()).add(number)
    return tuple(owners), {s: frozenset(n) for s, n in owners.items()}, frozenset(always)


def keyword_domain(text: str) -> tuple[str | None, str]:
    hits: dict[str, int] = {}
    folded = lowered(text)
    scanned: frozenset[int] | None = None  # None: every domain (odd letters: only `re` can tell)
    if folded is not None:
        # Most text names few domains: a keyword's start not written, no need to scan for it.
        # (All starts tested in one go: a test is quick, a Python loop for each domain not.)
        starts, owners, scanned = _starts_of()
        for start in filter(folded.__contains__, starts):
            scanned = scanned | owners[start]
    for number, (domain, _, keywords, _) in enumerate(_compiled()):
        if scanned is None:
            count = len(keywords.findall(text))
        elif number in scanned:
            count = _count_in(number, keywords, text, folded)
        else:
            continue
        if count:
            hits[domain.id] = count
    return keyword_choice(hits)


def _count_in(number: int, keywords: re.Pattern, text: str, folded: str) -> int:
    """len(keywords.findall(text)) for domain `number`, with `folded` its lowered() text: the
    pattern is only tried where one of its keywords' starts is written, as every match of it
    starts so (a match is not empty)."""
    prefixes = _prefixes_of()[number]
    if not prefixes:
        return len(keywords.findall(text))
    at = sorted({at for prefix in prefixes for at in occurrences(folded, prefix)})
    return len(matches_at(keywords, text, at))


@cache
def _prefixes_of() -> tuple[tuple[str, ...], ...]:
    """Each domain's keyword starts, less those that start with another (where "drugs" is
    written, so is "drug", at the same place); empty when some keyword's start cannot be told.
    (Unlike _compiled()'s, a start inside another is kept: "terroris" in "financing of
    terrorism" is written elsewhere than where a match of that keyword starts.)"""
    return tuple(_keyword_starts(domain.keywords, str.startswith) for domain in domains())


def keyword_choice(hits: dict[str, int]) -> tuple[str | None, str]:
    """(domain, reason) from each domain's keyword hits, in taxonomy order: the one with the
    most, unless another has as many."""
    if not hits:
        return None, "no heading or keyword names a domain"
    best = max(hits.values())
    leaders = [d for d, n in hits.items() if n == best]
    if len(leaders) > 1:
        return None, "keywords tie between " + ", ".join(leaders)
    return leaders[0], f"keywords ({best} hit{'s' if best > 1 else ''})"


def choose_domain(section_path: tuple[str, ...], text: str) -> DomainChoice:
    return section_choice(section_path) or text_choice(text)


def section_choice(section_path: tuple[str, ...]) -> DomainChoice | None:
    """The choice of the nearest heading that names a domain, or None when none does: then
    choose_domain() reads the text, which a caller need not make before."""
    for title in reversed(section_path):
        choice = _heading_choice(title)
        if choice:
            return choice
    return None


def text_choice(text: str) -> DomainChoice:
    """The choice of the keywords in `text`, as choose_domain() makes it when no heading names a
    domain."""
    return _keyword_choice(*keyword_domain(text))


# A choice is frozen, and most are one of a few: entries share them rather than build them.
@lru_cache(maxsize=8192)
def _heading_choice(title: str) -> DomainChoice | None:
    found = heading_domain(title)
    return DomainChoice(found, "heading", f"heading “{title}”") if found else None


@lru_cache(maxsize=1024)
def _keyword_choice(found: str | None, reason: str) -> DomainChoice:
    return DomainChoice(found, "keywords" if found else "", reason)
