"""Splits English report prose into sentences, returning absolute character spans."""

from __future__ import annotations

import re
from collections.abc import Iterator

# A full stop (or ! ? 。) and any closing quotes/brackets right after it. (The first mark is
# apart from the others, so that `re` skips to the marks: a pattern starting with a repeat
# is tried at every position.)
_TERMINAL = re.compile(r"[.!?。][.!?。]*[”’\"')\]]*")
# _TERMINAL where the text holds no other mark than full stops.
_FULL_STOP = re.compile(r"\.[.!?。]*[”’\"')\]]*")
_RARE_STOPS = ("!", "?", "。")

# Note markers printed after a full stop belong to the sentence they annotate:
# "...Conduct. Note 36 This ...", "...piracy.(Note 10) Also ...", "...Operations.8".
_TRAILING_MARKER = re.compile(r"\s*\(Note\s+\d{1,3}\)|\s+Note\s+\d{1,3}(?!\d)|\d{1,3}(?![\d\w])")

# Words whose trailing period never ends a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st no nos approx e.g i.e cf vs viz al gen lt col sgt capt gov sen rep "
    "jr sr inc ltd co corp fig figs vol vols art arts para paras pp p ed eds ca est dept "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))

# After an initialism such as "U.S." a new sentence starts only with a word like these;
# "the U.S. Coast Guard" and "the U.S. Kamala Harris" keep going.
_SENTENCE_STARTERS = frozenset(
    "a an the this these that those it its in at on as for with from to by also furthermore "
    "moreover however additionally since when while during after before both such there they "
    "he she we i following based thereafter through under meanwhile then therefore thus "
    "accordingly regarding in addition".split()
)

_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_ENUMERATION = re.compile(r"\((?:\d{1,2}|[ivx]{1,4}|[a-z])\)\s*[a-z]")
_OPENERS = "“‘\"'([【<"
_CLOSING_BRACKETS = ")]"
# Capitals after which a full stop and a space end a sentence unless an abbreviation precedes:
# not "N", which may start a note marker ("... Conduct. Note 36 This ...").
_PLAIN_CAPITALS = frozenset("ABCDEFGHIJKLMOPQRSTUVWXYZ")
_NON_SPACE = re.compile(r"\S")
_HYPHENS = re.compile(r"[-/–]")


def split_sentences(
    text: str, start: int, end: int, full_stops_only: bool = False
) -> list[tuple[int, int]]:
    """Return the spans of the sentences in text[start:end], each trimmed of whitespace.

    full_stops_only: the caller knows that text[start:end] holds none of _RARE_STOPS (see
    holds_rare_stops()), which saves looking for them in each paragraph."""
    spans: list[tuple[int, int]] = []
    sentence_start = start
    terminals = (
        _FULL_STOP.finditer(text, start, end) if full_stops_only else _terminals(text, start, end)
    )
    for match in terminals:
        stop, after = match.span()
        if stop < sentence_start:
            continue  # already swallowed by a note marker of the previous sentence
        if after == end:
            break  # a cut here or none leaves the same last sentence
        if after == stop + 1 and text[stop] == ".":
            # The two commonest cases, decided as _sentence_end() would without its steps.
            following = text[after]
            if following.isalpha():
                continue  # "U.S", "e.g": no space, so no new sentence, nor a note marker
            if following.isspace() and after + 1 < end and text[after + 1] in _PLAIN_CAPITALS:
                # ". The": no decimal point, nor note marker; a new sentence but after an
                # abbreviation.
                if _is_abbreviation(text, match, sentence_start, end):
                    continue
                _append_trimmed(spans, text, sentence_start, after)
                sentence_start = after + 1  # (past the space, which trimming drops)
                continue
        cut = _sentence_end(text, match, sentence_start, end)
        if cut is not None:
            _append_trimmed(spans, text, sentence_start, cut)
            sentence_start = cut
    _append_trimmed(spans, text, sentence_start, end)
    return spans


def holds_rare_stops(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether text[start:end] holds a sentence end other than a full stop ("!", "?", "。")."""
    end = len(text) if end is None else end
    return any(text.find(stop, start, end) >= 0 for stop in _RARE_STOPS)


def _terminals(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """_TERMINAL's matches in text[start:end]."""
    # A pattern that starts with one character is looked for at the speed of a loop in C, one
    # that starts with a class of them by trying every character: most paragraphs hold full
    # stops alone, which the first kind of pattern finds as _TERMINAL would.
    if holds_rare_stops(text, start, end):
        return _TERMINAL.finditer(text, start, end)
    return _FULL_STOP.finditer(text, start, end)


def _sentence_end(text: str, match: re.Match[str], sentence_start: int, end: int) -> int | None:
    """Where the sentence ends if this punctuation closes it, else None."""
    if _is_decimal_point(text, match):
        return None
    marker = _TRAILING_MARKER.match(text, match.end(), end)
    if marker and _starts_new_sentence(text, marker.end(), end):
        return marker.end()
    if "。" in match.group():
        return match.end()
    if not _starts_new_sentence(text, match.end(), end):
        return None
    # A bracket may close around an abbreviation: "the Quad (Japan-Australia-India-U.S.)
    # Counter-Terrorism tabletop exercise" goes on.
    if match.group().rstrip(_CLOSING_BRACKETS) == "." and _is_abbreviation(
        text, match, sentence_start, end
    ):
        return None
    return match.end()


def _is_decimal_point(text: str, match: re.Match[str]) -> bool:
    """True for the point in "15.53": a digit on both sides."""
    if match.group() != "." or match.start() == 0 or not text[match.start() - 1].isdigit():
        return False
    return text[match.end() : match.end() + 1].isdigit()


def _starts_new_sentence(text: str, pos: int, end: int) -> bool:
    """True at the end of the span, or when whitespace and a sentence opening follow."""
    # Searched in place rather than in a copy of the rest of the paragraph, as this runs at
    # every full stop: a paragraph of many sentences would be copied as many times.
    following = _NON_SPACE.search(text, pos, end)
    if following is None:
        return True
    if following.start() == pos:
        return False  # no space: "U.S", "15.53", "etc.)"
    first = following.group()
    if _ENUMERATION.match(text, following.start(), end):
        return False
    # Uncased scripts (Japanese) have no capitals, so "not lowercase" rather than "uppercase".
    return first in _OPENERS or (first.isalnum() and not first.islower())


def _is_abbreviation(text: str, match: re.Match[str], sentence_start: int, end: int) -> bool:
    """True when the word before this period is an abbreviation that keeps the sentence going."""
    before = match.start() - _LONGEST_ABBREVIATION - 1
    if before >= sentence_start and text[before : match.start()].isalpha():
        # Letters only, further back than the longest listed abbreviation: the word is none of
        # them, nor an initialism ("U.S."), which has a full stop after every letter or two.
        return False
    token = _word_before(text, match.start(), sentence_start)
    lowered = token.lower()
    if lowered in _ABBREVIATIONS:
        return True
    if len(token) == 1 and token.isupper():
        return True  # an initial: "John F. Kennedy"
    if _INITIALISM.fullmatch(token):
        return not _next_word_starts_sentence(text, match.end(), end)
    return False


def _word_before(text: str, pos: int, floor: int) -> str:
    """The token ending at pos, without opening punctuation and any hyphenated prefix."""
    # After the last space before pos (found at C speed), then after any other whitespace
    # ("\n", a no-break space) there: what follows the last whitespace of all.
    after_space = max(text.rfind(" ", floor, pos) + 1, floor)
    chunk = text[after_space:pos]
    token = "" if not chunk or chunk[-1].isspace() else chunk.split()[-1]
    return _HYPHENS.split(token.lstrip(_OPENERS))[-1]


def _next_word_starts_sentence(text: str, pos: int, end: int) -> bool:
    """After "U.S.": does the next word look like the start of a new sentence?"""
    following = re.match(r"\s+[(“‘\"']?([A-Za-z]+)(,?)", text[pos:end])
    if not following:
        return True
    word, comma = following.groups()
    return bool(comma) or word.lower() in _SENTENCE_STARTERS


def _append_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    if start < end and not text[start].isspace() and not text[end - 1].isspace():
        spans.append((start, end))  # nothing to trim (most sentences): no copy of the sentence
        return
    chunk = text[start:end]
    lstripped = chunk.lstrip()
    if lstripped:
        offset = start + len(chunk) - len(lstripped)
        spans.append((offset, offset + len(lstripped.rstrip())))
