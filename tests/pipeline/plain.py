"""Plain references that the pipeline's fast paths are tested against: every pattern, everywhere."""

from __future__ import annotations

import re

from app.pipeline import domains, years
from app.pipeline.model import YearMention

# A stop, where a long form cannot reach past (organisations._LAST_STOP): every one of them.
PLAIN_STOP = re.compile(r"[,;:()\[\]\u201c\u201d\"]|\.\s")


def plain_window_start(text: str, begin: int, end: int) -> int:
    """organisations._window_start() the plain way: every stop between `begin` and `end`,
    then the end of the last."""
    return max([begin, *[m.end() for m in PLAIN_STOP.finditer(text, begin, end)]])


def plain_find_years(text: str, base: int = 0) -> list[YearMention]:
    """find_years() without its quick tests: every pattern over the whole text."""
    found, taken = [], []
    for kind, pattern, _starts in years._patterns():
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            if years._after_label(text, span[0]):
                continue
            mention = years._MAKERS[kind](match, base)
            if mention is not None:
                found.append(mention)
                taken.append(span)
    return sorted(found, key=lambda m: m.start)


def plain_keyword_domain(text: str) -> tuple[str | None, str]:
    """keyword_domain() scanning every domain's keywords."""
    hits = {}
    for domain, _, keywords, _ in domains._compiled():
        if count := len(keywords.findall(text)):
            hits[domain.id] = count
    return domains.keyword_choice(hits)
