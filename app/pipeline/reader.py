"""Recognises a report's headings, paragraphs, captions, notes, glossary and columns as spans."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from app.pipeline.model import NOTE_KINDS, Heading, ParsedDocument, Piece
from app.pipeline.quick import occurrences
from app.pipeline.sentences import holds_rare_stops, split_sentences

# ---------------------------------------------------------------------------
# Line-level patterns
# ---------------------------------------------------------------------------

# "- Note 33: ...", "1. Note 10: ...", "Note 10: ...", "(Note 4) ..."
_NOTE_WORD_LINE = re.compile(
    r"(?:[-–—•・*]\s*)?(?:\d{1,3}[.)]\s*)?\(?Note\s*(\d{1,3})\)?\s*[:：.]\s*(?=\S)"
)
# "• 3 In this context ...", "*3 ...", "※3 ..."
_BULLET_NUMBER_LINE = re.compile(r"[•・*※]\s*(\d{1,3})\s+(?=\S)")

_GLOSSARY_TITLE = re.compile(r"(?:Glossary(?: of Terms)?|Terminology)\s*:?", re.IGNORECASE)
_GLOSSARY_TERM = re.compile(r"\*\s*(\S.*)")

# A photo credit closing the caption: "(Photo: JICA)", "(June 29, Madrid; Photo: Cabinet ...)".
_PHOTO_CREDIT = re.compile(r"\((?:[^()]*[;,]\s*)?Photos?\s*(?::|by\b|courtesy\b)[^()]*\)$")

# Heading markers, tried in order; the style name is the marker's shape.
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(r"(?:Chapter|Section|Part)\s+(?:\d{1,3}|[IVX]{1,6})\b[\s:.–—-]*")),
    ("(1)", re.compile(r"\(\d{1,2}\)\s*")),
    ("(i)", re.compile(r"\((?:i{1,3}|iv|vi{0,3}|ix|x)\)\s*")),
    ("(A)", re.compile(r"\([A-Z]\)\s*")),
    ("(a)", re.compile(r"\([a-z]\)\s*")),
    ("1.", re.compile(r"\d{1,2}\.\s+")),
    ("1", re.compile(r"\d{1,2}\s+")),
    ("A.", re.compile(r"[A-Z]\.\s+")),
    ("A", re.compile(r"[A-Z]\s+")),
    ("a.", re.compile(r"[a-z]\.\s+")),
)
# The markers in one pattern, tried in the same order (the first that matches is the
# marker): one match a line rather than one for each style. Group "m3" is _MARKERS[3].
_MARKER = re.compile("|".join(f"(?P<m{n}>{p.pattern})" for n, (_, p) in enumerate(_MARKERS)))
_SYMBOL_MARKER = re.compile(r"([■□●○◆◇▲△▶►▷◎★☆•・▪◼|｜])\s*")
_ENCLOSED = re.compile(r"([<＜〈《【\[])\s*(.+?)\s*([>＞〉》】\]])")

# Markers that ordinary sentences also start with ("A local police officer ...", "3 countries"):
# their titles must look like Title Case.
_AMBIGUOUS_STYLES = frozenset({"1", "1.", "A"})

_SMALL_WORDS = frozenset(
    "a an the and or nor but of in on at to for from by with within without into onto upon "
    "over under about against among between through throughout toward towards via per as "
    "than vs its their his her our is are be see page e.g etc".split()
)

# Labels that open a boxed column in some editions ("Stories from the Field 8 ...").
_COLUMN_LABEL = re.compile(r"(?:Column|Stories from the Field|ODA Topics|Project Story)\b")
_FIRST_PERSON = re.compile(r"\b(?:I|me|my|My|mine|myself|we|We|us|our|Our|ourselves)\b")

# References to notes inside running text.
_NOTE_WORD_REF = re.compile(r"\bNote\s+(\d{1,3})(?!\d)")
# The test of what comes before the number sits after its first digit, so that the pattern
# starts with a digit and `re` skips to digits instead of trying every position.
_GLUED_REF = re.compile(r"(\d(?<=[a-z)\].,”’\"']\d)\d{0,2})(?![\d\w])")
_DIGIT = re.compile(r"\d")

# Precompiled for _looks_like_title(), run on most lines (re's own cache costs a lookup a call).
_ASIDE = re.compile(r"\([^()]*\)")
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")

_MAX_TITLE = 200
_MAX_UNMARKED_TITLE = 150
_MAX_COLUMN_TITLE = 300


@dataclass
class _Line:
    start: int  # trimmed content span
    end: int
    blank_before: bool


@dataclass
class _Block:
    """A paragraph-sized unit before the heading hierarchy is known."""

    role: str  # text, caption, note, definition, heading, title, glossary
    start: int  # the quote: title without marker, first copy of a caption, note text ...
    end: int
    line_start: int  # the whole block, markers included
    line_end: int
    blank_before: bool
    style: str = ""
    label: str | None = None


@dataclass
class _Placed:
    """A block with its final kind and, for headings, level and path."""

    block: _Block
    kind: str  # heading, body, column, caption, note, glossary
    section_path: tuple[str, ...]
    heading: Heading | None = None


@dataclass
class _Open:
    heading: Heading
    transient: bool  # columns and glossaries: they never define a style's level
    in_column: bool  # this heading or one it is under is a column's


def read_document(text: str) -> ParsedDocument:
    """Recognise the structure of one report; every span indexes into text unchanged."""
    lines = _split_lines(text)
    blocks = _collapse_repeats(text, _merge_wrapped_lines(text, _blocks_from_lines(text, lines)))
    placed = _place_with_captions_resolved(text, blocks)
    note_labels = {b.label for b in blocks if b.role == "note" and b.label}
    glossary_terms = {b.label for b in blocks if b.role == "definition" and b.label}
    pieces = _pieces(text, placed, note_labels, glossary_terms)
    headings = [p.heading for p in placed if p.heading is not None]
    return ParsedDocument(text=text, headings=headings, pieces=pieces)


# ---------------------------------------------------------------------------
# Lines and blocks
# ---------------------------------------------------------------------------


def _split_lines(text: str) -> list[_Line]:
    """Non-blank lines with trimmed spans; any line-break convention (LF, CRLF, CR)."""
    lines: list[_Line] = []
    pos = 0
    blank_before = False
    for chunk in text.splitlines(keepends=True):
        # Every line break is whitespace, so stripping the chunk strips its line.
        lstripped = chunk.lstrip()
        if lstripped:
            start = pos + len(chunk) - len(lstripped)
            lines.append(_Line(start, start + len(lstripped.rstrip()), blank_before))
            blank_before = False
        else:
            blank_before = True
        pos += len(chunk)
    return lines


def _blocks_from_lines(text: str, lines: list[_Line]) -> list[_Block]:
    blocks: list[_Block] = []
    in_glossary = False
    term: str | None = None  # glossary term waiting for (or receiving) its definition
    for line in lines:
        content = text[line.start : line.end]
        if in_glossary:
            term_match = _GLOSSARY_TERM.fullmatch(content)
            if term_match:
                term = term_match.group(1).strip()
                continue  # the "*Term" line only labels the definition below it
            if term is not None and not line.blank_before:
                _add_definition_line(blocks, line, term)
                continue
            in_glossary, term = False, None
        block = _classify_line(text, line)
        in_glossary = block.role == "glossary"
        blocks.append(block)
    return blocks


def _add_definition_line(blocks: list[_Block], line: _Line, term: str) -> None:
    last = blocks[-1]
    if last.role == "definition" and last.label == term:
        last.end = last.line_end = line.end
    else:
        blocks.append(
            _Block("definition", line.start, line.end, line.start, line.end, False, label=term)
        )


def _classify_line(text: str, line: _Line) -> _Block:
    """Decide what a single line is, most specific pattern first."""
    content = text[line.start : line.end]
    note = _NOTE_WORD_LINE.match(content) or _BULLET_NUMBER_LINE.match(content)
    if note:
        return _line_block(line, "note", note.end(), label=note.group(1))
    if _GLOSSARY_TITLE.fullmatch(content):
        return _line_block(line, "glossary", style="glossary")
    half = _repeated_half_length(content)
    if half:
        return _line_block(line, "caption", 0, half)
    # (The credit closes the line: most lines need no search for it.)
    if content[-1] == ")" and _PHOTO_CREDIT.search(content):
        return _line_block(line, "caption")
    marked = _heading_marker(content)
    if marked:
        style, title_offset, title_length = marked
        return _line_block(line, "heading", title_offset, title_length, style=style)
    if _looks_like_title(content, strict=True, max_length=_MAX_COLUMN_TITLE):
        return _line_block(line, "title")
    return _line_block(line, "text")


def _line_block(
    line: _Line,
    role: str,
    offset: int = 0,
    length: int | None = None,
    style: str = "",
    label: str | None = None,
) -> _Block:
    """A block of one line whose quote starts `offset` into it and is `length` long (or runs
    to the line's end)."""
    start = line.start + offset
    end = line.end if length is None else start + length
    return _Block(role, start, end, line.start, line.end, line.blank_before, style, label)


def _repeated_half_length(content: str) -> int:
    """Length of X when the line is X printed twice ("X X" or "XX"), else 0."""
    # Gaps of 0 to 3 characters, those that leave an even length to halve.
    for gap in (0, 2) if len(content) % 2 == 0 else (1, 3):
        half = (len(content) - gap) // 2
        if half < 15 or content[half + gap] != content[0]:
            continue  # (the last: the halves differ in their first character, as most do)
        first, middle, second = content[:half], content[half : half + gap], content[half + gap :]
        if first == second and (not middle or middle.isspace()):
            return len(first.rstrip())
    return 0


def _heading_marker(content: str) -> tuple[str, int, int] | None:
    """(style, title offset, title length) when the line is a marked heading."""
    enclosed = _ENCLOSED.fullmatch(content)
    if enclosed and _looks_like_title(enclosed.group(2), strict=False):
        style = enclosed.group(1) + enclosed.group(3)  # "<>", "【】"
        return style, enclosed.start(2), len(enclosed.group(2))
    symbol = _SYMBOL_MARKER.match(content)
    if symbol:
        title = content[symbol.end() :]
        if _looks_like_title(title, strict=False) and "|" not in title:
            return _symbol_style(symbol.group(1)), symbol.end(), len(title)
        return None
    marker = _MARKER.match(content)
    if not marker:
        return None
    style = _MARKERS[int(marker.lastgroup[1:])][0]
    title = content[marker.end() :]
    if style == "chapter" and not title:
        return style, 0, len(content)  # "Chapter 3": the label is its own title
    if _looks_like_title(title, strict=style in _AMBIGUOUS_STYLES):
        return style, marker.end(), len(title)
    return None


def _symbol_style(symbol: str) -> str:
    return {"｜": "|", "・": "•"}.get(symbol, symbol)


def _looks_like_title(title: str, strict: bool, max_length: int = _MAX_TITLE) -> bool:
    """Short, no closing punctuation, starts with a capital; strict: Title Case words."""
    if not title or len(title) > max_length or title[-1] in ".,;:":
        return False
    first = title.lstrip("“‘\"'(")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    without_asides = _ASIDE.sub(" ", title)
    words = _TITLE_WORD.findall(without_asides)
    if len(words) > 30 or _SENTENCE_BREAK.search(without_asides):
        return False
    if not strict:
        return True
    lowercase = [w for w in words if w[0].islower() and w.lower() not in _SMALL_WORDS]
    return not lowercase or (len(lowercase) == 1 and len(words) >= 6)


def _merge_wrapped_lines(text: str, blocks: list[_Block]) -> list[_Block]:
    """Join lines that continue one paragraph: hard-wrapped editions, lowercase continuations."""
    wraps_lines = _paragraphs_are_blank_separated(blocks)
    merged: list[_Block] = []
    for block in blocks:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and block.role == "text"
            and previous.role in ("text", "note")
            and not block.blank_before
            and ((wraps_lines and previous.role == "text") or text[block.start].islower())
        ):
            previous.end = previous.line_end = block.end
            continue
        merged.append(block)
    return merged


def _paragraphs_are_blank_separated(blocks: list[_Block]) -> bool:
    """True when text lines are mostly separated by blank lines (so adjacent ones are wrapped)."""
    pairs = [b for a, b in zip(blocks, blocks[1:], strict=False) if a.role == b.role == "text"]
    separated = sum(1 for b in pairs if b.blank_before)
    return separated > len(pairs) - separated


def _collapse_repeats(text: str, blocks: list[_Block]) -> list[_Block]:
    """A paragraph printed twice in a row is a photo caption; keep the first copy only."""
    result: list[_Block] = []
    for block in blocks:
        previous = result[-1] if result else None
        if (
            previous is not None
            and previous.role in ("text", "title", "caption")
            and block.role in ("text", "title", "caption")
            and _same_words(text, previous, block)
        ):
            previous.role = "caption"
            continue
        result.append(block)
    return result


def _same_words(text: str, a: _Block, b: _Block) -> bool:
    # Nearly every pair differs in its first character: skip normalising them (spans start
    # on a line's first non-blank character, which normalising keeps first).
    if a.start < a.end and b.start < b.end and text[a.start] != text[b.start]:
        return False
    # Most of the others differ in their first words: the normalised beginning of a block is
    # the beginning of its normalised whole, so when the wholes are equal, of two beginnings
    # the shorter begins the longer.
    begin_a, begin_b = _normalised(text, a, _BEGINNING), _normalised(text, b, _BEGINNING)
    shorter = min(len(begin_a), len(begin_b))
    if begin_a[:shorter] != begin_b[:shorter]:
        return False
    return _normalised(text, a) == _normalised(text, b)


_BEGINNING = 64  # characters


def _normalised(text: str, block: _Block, limit: int | None = None) -> str:
    """The block's words joined by single spaces; of its first `limit` characters only."""
    end = block.end if limit is None else min(block.end, block.start + limit)
    return " ".join(text[block.start : end].split())


# ---------------------------------------------------------------------------
# Heading hierarchy
# ---------------------------------------------------------------------------


def _place_with_captions_resolved(text: str, blocks: list[_Block]) -> list[_Placed]:
    """Place headings; a heading with nothing under it is a caption (e.g. a map title), so
    demote those and place again until stable, so captions never claim a heading level."""
    demoted: set[int] = set()
    while True:
        placed = _place(text, blocks, demoted)
        empty = _empty_headings(placed) - demoted
        if not empty:
            return placed
        demoted |= empty


def _empty_headings(placed: list[_Placed]) -> set[int]:
    empty = set()
    for index, item in enumerate(placed):
        if item.heading is None or item.heading.style in ("column", "glossary"):
            continue
        following = placed[index + 1] if index + 1 < len(placed) else None
        if following is None or (
            following.heading is not None and following.heading.level <= item.heading.level
        ):
            empty.add(index)
    return empty


def _place(text: str, blocks: list[_Block], demoted: set[int]) -> list[_Placed]:
    """Levels follow the order marker styles first appear in (like reStructuredText):
    a new style nests one level deeper, a known style returns to its level."""
    style_levels: dict[str, int] = {}
    stack: list[_Open] = []
    placed: list[_Placed] = []
    path: tuple[str, ...] = ()  # the innermost open heading's path, made again when it changes
    in_column = False  # whether a column is open, as path
    for index, block in enumerate(blocks):
        if stack and stack[-1].heading.style == "glossary" and block.role != "definition":
            stack.pop()  # the glossary ends where its definitions end
            path, in_column = _innermost(stack)
        if block.role == "text" and index not in demoted:
            # Most blocks: what _heading_role() and _content_kind() make of them, without them.
            placed.append(_Placed(block, "column" if in_column else "body", path))
            continue
        role, style = _heading_role(text, blocks, index, placed, demoted)
        if role != "heading":
            placed.append(_Placed(block, _content_kind(role, in_column), path))
            continue
        level = _heading_level(style, stack, style_levels)
        while stack and stack[-1].heading.level >= level:
            stack.pop()
        title = text[block.start : block.end]
        heading = Heading(
            title=title,
            style=style,
            level=level,
            start=block.line_start,
            end=block.line_end,
            title_start=block.start,
            title_end=block.end,
            path=_innermost(stack)[0] + (title,),
        )
        in_column = style == "column" or _innermost(stack)[1]
        stack.append(_Open(heading, style in ("column", "glossary"), in_column))
        path = heading.path
        placed.append(_Placed(block, "heading", path[:-1], heading))
    return placed


def _innermost(stack: list[_Open]) -> tuple[tuple[str, ...], bool]:
    """The path of the open headings (each heading's own path holds those it is under) and
    whether one of them is a column."""
    return (stack[-1].heading.path, stack[-1].in_column) if stack else ((), False)


def _heading_role(
    text: str, blocks: list[_Block], index: int, placed: list[_Placed], demoted: set[int]
) -> tuple[str, str]:
    """("heading", style) or the block's content role; resolves unmarked title lines."""
    block = blocks[index]
    if index in demoted:
        return "caption", ""
    if block.role in ("heading", "glossary"):
        return "heading", block.style
    if block.role != "title":
        return block.role, ""
    previous = placed[-1].heading if placed else None
    starts_section = not placed or previous is not None
    if starts_section and block.end - block.start <= _MAX_UNMARKED_TITLE:
        # Front matter and subtitles: "Diplomatic Bluebook 2023" / "Chapter 3" / its title.
        return "heading", "title" if previous is None else f"title after {previous.style}"
    if _opens_column(text, blocks, index):
        return "heading", "column"
    return "caption", ""  # a stray title line inside the text: a figure or map title


def _heading_level(style: str, stack: list[_Open], style_levels: dict[str, int]) -> int:
    lasting = [entry for entry in stack if not entry.transient]
    if style == "glossary":
        # Back matter belongs to the report's outermost marked section, not the last subsection.
        marked = [e for e in lasting if not e.heading.style.startswith("title")]
        anchor = marked[0] if marked else (lasting[-1] if lasting else None)
        return anchor.heading.level + 1 if anchor else 1
    if style == "column":
        return lasting[-1].heading.level + 1 if lasting else 1
    if style not in style_levels:
        style_levels[style] = lasting[-1].heading.level + 1 if lasting else 1
    return style_levels[style]


def _opens_column(text: str, blocks: list[_Block], index: int) -> bool:
    """An unmarked title followed by first-person paragraphs is a boxed column's title."""
    title = text[blocks[index].start : blocks[index].end]
    if _COLUMN_LABEL.match(title):
        return True
    paragraphs = []
    for block in blocks[index + 1 :]:
        if block.role in ("heading", "glossary", "title"):
            break
        if block.role == "text":
            paragraphs.append(text[block.start : block.end])
    personal = sum(1 for paragraph in paragraphs if _speaks_in_first_person(paragraph))
    return personal >= 2 and personal * 2 >= len(paragraphs)


def _speaks_in_first_person(paragraph: str) -> bool:
    for match in _FIRST_PERSON.finditer(paragraph):
        if match.group() != "I":
            return True
        before = paragraph[: match.start()].split()
        # "Working Group I", "Phase I" are numerals, not the author.
        if not before or not before[-1][0].isupper() or before[-1][-1] in ".,;:":
            return True
    return False


def _content_kind(role: str, in_column: bool) -> str:
    if role == "definition":
        return "glossary"
    if role == "text":
        return "column" if in_column else "body"
    return role  # caption, note


# ---------------------------------------------------------------------------
# Pieces and note references
# ---------------------------------------------------------------------------


def _pieces(
    text: str, placed: list[_Placed], note_labels: set[str], glossary_terms: set[str]
) -> list[Piece]:
    pieces: list[Piece] = []
    marks = _reference_marks(text, note_labels, glossary_terms)
    full_stops_only = not holds_rare_stops(text)
    for paragraph, item in enumerate(placed, start=1):
        block = item.block
        if item.kind in ("body", "column"):
            spans = split_sentences(text, block.start, block.end, full_stops_only)
        else:
            spans = [(block.start, block.end)]
        # Notes and glossary entries carry their label; no other piece, nor an empty label.
        label = (block.label or None) if item.kind in NOTE_KINDS else None
        for sentence, (start, end) in enumerate(spans, start=1):
            first_mark = bisect_left(marks, start)
            if first_mark < len(marks) and marks[first_mark] < end:
                refs = _note_refs(text, start, end, note_labels, glossary_terms)
            else:
                refs = ()  # what _note_refs() finds in a span without a mark
            piece = Piece(
                item.kind, start, end, item.section_path, paragraph, sentence, refs, label
            )
            pieces.append(piece)
    return pieces


def _reference_marks(text: str, note_labels: set[str], glossary_terms: set[str]) -> list[int]:
    """Sorted positions in text that every span _note_refs() finds a reference in holds one of:
    a "Note", where a glued note number may start, or a glossary asterisk.

    Looking for them in each sentence took a scan of the whole text for digits, at the speed
    of `re` (a pattern that starts with a class of characters is tried at each one); one pass
    of str.find() for each digit, at the speed of memchr, is several times quicker."""
    marks: list[int] = []
    if note_labels:
        marks += [match.start() for match in _NOTE_WORD.finditer(text)]
        # A label is only ever made of ASCII digits (in practice): so are the numbers it is
        # glued as, which start as some label does; other digits need no looking for.
        if all(label.isascii() for label in note_labels):
            glued = _glued_digits(text, "".join(sorted({label[0] for label in note_labels})))
        else:
            glued = _glued_any_digits(text)
        marks += [at for at in glued if not _after_digit_separator(text, at)]
    if glossary_terms:
        marks += occurrences(text, "*")
    marks.sort()
    return marks


# (Quicker than str.find(): `re` looks for the first letter alone, a rare capital.)
_NOTE_WORD = re.compile("Note")
# What a glued note number is glued to (the class in _GLUED_REF).
_GLUE = frozenset("abcdefghijklmnopqrstuvwxyz)].,”’\"'")
# The plain ways to find the digits _glued_digits() finds, and glued non-ASCII digits.
_GLUED_ASCII_DIGIT = re.compile(r"[0-9](?<=[a-z)\].,”’\"'][0-9])")
_GLUED_ANY_DIGIT = re.compile(r"\d(?<=[a-z)\].,”’\"']\d)")


def _glued_digits(text: str, digits: str = "0123456789") -> list[int]:
    """Positions of the `digits` (ASCII) right after a character in _GLUE (unsorted)."""
    found: list[int] = []
    looked_at = 0
    for digit in digits:
        at = text.find(digit)
        while at >= 0:
            if at and text[at - 1] in _GLUE:
                found.append(at)
            looked_at += 1
            at = text.find(digit, at + 1)
        if looked_at > len(text) // 8:
            # Mostly digits (a table): one call a digit would cost more than the regex.
            return [m.start() for m in _GLUED_ASCII_DIGIT.finditer(text) if m.group() in digits]
    return found


def _glued_any_digits(text: str) -> list[int]:
    return [m.start() for m in _GLUED_ANY_DIGIT.finditer(text)]


def _note_refs(
    text: str, start: int, end: int, note_labels: set[str], glossary_terms: set[str]
) -> tuple[str, ...]:
    """Labels of existing notes and glossary terms referred to inside text[start:end]."""
    found: list[str] = []
    # Both kinds of reference hold a number: most sentences (and documents without notes)
    # need no scan.
    if note_labels and _DIGIT.search(text, start, end):
        if text.find("Note", start, end) >= 0:
            for match in _NOTE_WORD_REF.finditer(text, start, end):
                found.append(match.group(1))
        for match in _GLUED_REF.finditer(text, start, end):
            if _is_glued_note_number(text, match):
                found.append(match.group(1))
        found = [label for label in found if label in note_labels]
    if glossary_terms and text.find("*", start, end) >= 0:
        found.extend(_glossary_refs(text, start, end, glossary_terms))
    return tuple(dict.fromkeys(found))


def _is_glued_note_number(text: str, match: re.Match[str]) -> bool:
    """A footnote number glued to a word ("(ARF)6", "transfers,3"), not part of a number
    ("15.53", "20,000", "1.5")."""
    if _after_digit_separator(text, match.start()):
        return False
    after = text[match.end() : match.end() + 2]
    return not (len(after) == 2 and after[0] in ".," and after[1].isdigit())


def _glossary_refs(text: str, start: int, end: int, terms: set[str]) -> list[str]:
    """Terms marked with a trailing asterisk ("money laundering*"), matched case-insensitively."""
    found = []
    for star in re.finditer(r"(?<=\w)\*", text[start:end]):
        before = text[start : start + star.start()].lower()
        for term in sorted(terms, key=len, reverse=True):
            if before.endswith(term.lower()) and not before[: -len(term)][-1:].isalnum():
                found.append(term)
                break
    return found


def _after_digit_separator(text: str, at: int) -> bool:
    """True for the digit at `at` in "15.53" or "20,000" (`at` > 0)."""
    return text[at - 1] in ".," and at >= 2 and text[at - 2].isdigit()
