"""The reader's and the sentence splitter's quicker ways give what their plain ways give."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.pipeline import reader, sentences
from tests.pipeline.odd_text import SETTINGS

REPORTS = sorted((Path(__file__).resolve().parents[2] / "data" / "sources").glob("*.txt")) + sorted(
    (Path(__file__).resolve().parent / "editions").glob("*.txt")
)


def text_of(*atoms: str, max_size: int = 30):
    return st.lists(st.sampled_from(atoms), max_size=max_size).map("".join)


def report_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in REPORTS]


def placed_blocks(text: str) -> tuple[list, set[str], set[str]]:
    """What read_document() hands _pieces(): the placed blocks, note labels, glossary terms."""
    lines = reader._split_lines(text)
    blocks = reader._blocks_from_lines(text, lines)
    blocks = reader._collapse_repeats(text, reader._merge_wrapped_lines(text, blocks))
    placed = reader._place_with_captions_resolved(text, blocks)
    labels = {b.label for b in blocks if b.role == "note" and b.label}
    terms = {b.label for b in blocks if b.role == "definition" and b.label}
    return placed, labels, terms


# -- sentences -------------------------------------------------------------------------------


def plain_split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """split_sentences() as it was: every mark through _sentence_end(), every span stripped."""
    spans: list[tuple[int, int]] = []
    sentence_start = start
    for match in sentences._TERMINAL.finditer(text, start, end):
        if match.start() < sentence_start:
            continue
        cut = sentences._sentence_end(text, match, sentence_start, end)
        if cut is not None:
            plain_append(spans, text, sentence_start, cut)
            sentence_start = cut
    plain_append(spans, text, sentence_start, end)
    return spans


def plain_append(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    if chunk.strip():
        offset = start + len(chunk) - len(chunk.lstrip())
        spans.append((offset, offset + len(chunk.strip())))


SENTENCE_TEXT = text_of(
    ".", ". ", ".\n", " ", "\n", "\u00a0", "The", "the", "A", "N", "Note 3", "(Note 4)", "8",
    "15", "5.53", "U.S.", "Mr.", "No.", "approx.", "e.g.", "etc.)", "Xylophones", "Operations",
    "a", "Ab", "!", "?", "。", "”", "’", ")", "(1) a", "(", "“", "-", "Self-Defense.", "J.",
    "\u00c9cole", "\u00e9t\u00e9",
)  # fmt: skip


@SETTINGS
@given(text=SENTENCE_TEXT, data=st.data())
def test_sentences_are_those_of_the_plain_splitter(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert sentences.split_sentences(text, start, end) == plain_split(text, start, end)
    if not sentences.holds_rare_stops(text):
        assert sentences.split_sentences(text, start, end, True) == plain_split(text, start, end)


def test_sentences_of_the_reports_are_those_of_the_plain_splitter():
    for text in report_texts():
        full_stops_only = not sentences.holds_rare_stops(text)
        placed, _, _ = placed_blocks(text)
        for item in placed:
            start, end = item.block.start, item.block.end
            plain = plain_split(text, start, end)
            assert sentences.split_sentences(text, start, end) == plain
            assert sentences.split_sentences(text, start, end, full_stops_only) == plain


@pytest.mark.parametrize(
    "text",
    [
        "It ended. Then it began.",  # the common case: a stop, a space, a capital
        "See the U.S. The talks ended.",  # after an initialism
        "He met Mr. Tanaka. Then left.",  # after an abbreviation
        "It is in the Code. Note 36 This applies.",  # a note marker after the stop
        "It ended.8 Then it began.",  # a glued note number after the stop
        "It cost 15.53 yen. Then more.",  # a decimal point
        "It ended.\nThen it began.",  # another space
        "It ended. ",  # a stop at the very end
        "Wow! Really? Yes. 本当。 Ok.",  # the rarer stops
    ],
)
def test_sentences_at_each_kind_of_stop(text):
    assert sentences.split_sentences(text, 0, len(text)) == plain_split(text, 0, len(text))


def test_rare_stops_are_found_anywhere():
    assert not sentences.holds_rare_stops("One. Two. Three.")
    assert all(sentences.holds_rare_stops(f"One{stop} Two.") for stop in "!?。")


# -- note references -------------------------------------------------------------------------

REFERENCE_TEXT = text_of(
    "Note", "Note 3", " ", "\n", "(ARF)", "6", "12", "3", "0", "1,000", "15.53", ",", ".", "”",
    "’", "a", "Y", "*", "money laundering*", "Money Laundering", "x*", "\u0663", "\uff13", "A",
)  # fmt: skip
LABELS = st.sets(st.sampled_from(["3", "6", "12", "1", "0", "\u0663", "\uff13"]), max_size=4)
TERMS = st.sets(st.sampled_from(["money laundering", "x", "Note"]), max_size=2)


@SETTINGS
@given(text=REFERENCE_TEXT, labels=LABELS, terms=TERMS, data=st.data())
def test_a_span_with_references_holds_a_mark(text, labels, terms, data):
    """_pieces() asks _note_refs() only about spans with a mark in them."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    marks = reader._reference_marks(text, labels, terms)
    assert marks == sorted(marks)
    if not any(start <= mark < end for mark in marks):
        assert reader._note_refs(text, start, end, labels, terms) == ()


GLUED_TEXT = text_of(
    "1", "23", "0", "456", "78", "9", "a", "Z", ")", ".", ",", "”", "’", "'", '"', "]", " ", "\n",
)  # fmt: skip


@SETTINGS
@given(text=GLUED_TEXT, digits=st.sets(st.sampled_from("0123456789")).map("".join))
def test_glued_digits_are_those_of_the_plain_pattern(text, digits):
    plain = [match.start() for match in reader._GLUED_ASCII_DIGIT.finditer(text)]
    assert sorted(reader._glued_digits(text)) == plain
    chosen = [at for at in plain if text[at] in digits]
    assert sorted(reader._glued_digits(text, digits)) == chosen


def test_glued_digits_in_a_text_of_digits():
    """Where looking for each digit would cost more, the plain pattern does the looking."""
    text = "a1" + "1234567890 " * 100 + "b2,3.4"
    plain = [match.start() for match in reader._GLUED_ASCII_DIGIT.finditer(text)]
    assert reader._glued_digits(text) == plain == [1, len(text) - 5, len(text) - 3, len(text) - 1]
    assert reader._glued_digits(text, "1234") == [1, len(text) - 5, len(text) - 3, len(text) - 1]
    assert reader._glued_digits(text, "13") == [1, len(text) - 3]


def test_the_plain_glued_digit_patterns_are_those_of_the_reference_pattern():
    """_GLUED_REF's matches start where _GLUED_ANY_DIGIT's do, and its glue is _GLUE."""
    glue = re.search(r"\[(.*?)\]\\d\)", reader._GLUED_REF.pattern).group(1)
    assert f"[{glue}]" in reader._GLUED_ANY_DIGIT.pattern
    assert f"[{glue}]" in reader._GLUED_ASCII_DIGIT.pattern
    assert {c for c in map(chr, range(0x2100)) if re.fullmatch(f"[{glue}]", c)} == reader._GLUE


@pytest.mark.parametrize(
    "text, labels, refs",
    [
        ("the ARF)\uff13 met", {"\uff13"}, ("\uff13",)),  # a label of other digits
        ("the ARF)\u0663 met", {"3"}, ()),
        ("the ARF)3 met", {"3", "\u0663"}, ("3",)),
        ("in Note 3 and (ARF)6, 1,000 and 15.53.", {"3", "6", "000", "53"}, ("3", "6")),
    ],
)
def test_references_in_a_document_of_one_sentence(text, labels, refs):
    marks = reader._reference_marks(text, labels, set())
    assert any(0 <= mark < len(text) for mark in marks) == bool(refs)
    assert reader._note_refs(text, 0, len(text), labels, set()) == refs


# -- pieces of whole documents ---------------------------------------------------------------


def plain_pieces(text: str, placed: list, labels: set[str], terms: set[str]) -> list[tuple]:
    """_pieces() as it was: every sentence split plainly, every one asked for references."""
    pieces = []
    for paragraph, item in enumerate(placed, start=1):
        block = item.block
        if item.kind in ("body", "column"):
            spans = plain_split(text, block.start, block.end)
        else:
            spans = [(block.start, block.end)]
        label = (block.label or None) if item.kind in ("note", "glossary") else None
        for sentence, (start, end) in enumerate(spans, start=1):
            refs = reader._note_refs(text, start, end, labels, terms)
            pieces.append(
                (item.kind, start, end, item.section_path, paragraph, sentence, refs, label)
            )
    return pieces


def piece_tuples(pieces) -> list[tuple]:
    return [
        (p.kind, p.start, p.end, p.section_path, p.paragraph, p.sentence, p.note_refs, p.label)
        for p in pieces
    ]


DOCUMENT_LINES = st.sampled_from(
    [
        "Chapter 1 Peace", "1. Japan and the World", "(1) Assistance for Peace",
        "Note 3: A note on the ARF.", "• 6 In this context it is so.", "Note 12: Another.",
        "Glossary", "*Money Laundering", "Hiding the origin of money.",
        "The ARF)6 met in May. The U.S. spoke. Note 3 says so.", "Money laundering* is a crime.",
        "It cost 1,000 yen and 15.53 more.8 Then it ended. Mr. Tanaka left.",
        "Stories from the Field", "I went there. We met them.", "Our team was there, and I too.",
        "A caption printed twice. A caption printed twice.", "(Photo: JICA)", "Wow! Really?",
        "continued in lower case. Next.", "The end of it.(Note 12) More text (x).",
    ]
)  # fmt: skip
DOCUMENTS = st.lists(st.tuples(DOCUMENT_LINES, st.sampled_from(["\n", "\n\n"])), max_size=25).map(
    lambda lines: "".join(line + end for line, end in lines)
)


@SETTINGS
@given(text=DOCUMENTS)
def test_pieces_are_those_of_the_plain_way(text):
    placed, labels, terms = placed_blocks(text)
    assert piece_tuples(reader._pieces(text, placed, labels, terms)) == plain_pieces(
        text, placed, labels, terms
    )


def test_pieces_of_the_reports_are_those_of_the_plain_way():
    for text in report_texts():
        placed, labels, terms = placed_blocks(text)
        assert piece_tuples(reader._pieces(text, placed, labels, terms)) == plain_pieces(
            text, placed, labels, terms
        )


# -- lines and blocks ------------------------------------------------------------------------


def plain_half_length(content: str) -> int:
    for gap in range(4):
        half, odd = divmod(len(content) - gap, 2)
        if odd or half < 15:
            continue
        first, middle, second = content[:half], content[half : half + gap], content[half + gap :]
        if first == second and (not middle or middle.isspace()):
            return len(first.rstrip())
    return 0


@SETTINGS
@given(half=text_of("A caption", " ", "x", ".", "\u00a0"), gap=text_of(" ", "\t", "-", max_size=4))
def test_lines_printed_twice_as_the_plain_way_finds_them(half, gap):
    for content in (half + gap + half, half + gap + half + "y", half, half + half[:-1]):
        assert reader._repeated_half_length(content) == plain_half_length(content)


CAPTION_TEXT = text_of("(", ")", "Photo", "Photos", ": JICA", "by", "; ", ", ", "x", " ", "\n")


@SETTINGS
@given(content=CAPTION_TEXT)
def test_a_photo_credit_closes_its_line(content):
    """_classify_line() only looks for a credit in a line that ends with a bracket."""
    content = content.strip()
    if reader._PHOTO_CREDIT.search(content):
        assert content.endswith(")")


def plain_same_words(text: str, a, b) -> bool:
    return " ".join(text[a.start : a.end].split()) == " ".join(text[b.start : b.end].split())


SAME_TEXT = text_of("A", "a", "b", " ", "  ", "\n", "\u00a0", "x" * 40, "y" * 70, max_size=12)


@SETTINGS
@given(first=SAME_TEXT, second=SAME_TEXT)
def test_same_words_as_the_plain_comparison(first, second):
    text = first + "|" + second
    a = reader._Block("text", 0, len(first), 0, len(first), False)
    b = reader._Block("text", len(first) + 1, len(text), len(first) + 1, len(text), False)
    # Blocks start on a line's first non-blank character.
    a.start = len(first) - len(first.lstrip())
    b.start += len(second) - len(second.lstrip())
    assert reader._same_words(text, a, b) == plain_same_words(text, a, b)
    assert reader._same_words(text, a, a) is True


# -- heading hierarchy -----------------------------------------------------------------------

STYLES = st.sampled_from(["1.", "(1)", "column", "glossary", "title"])


@SETTINGS
@given(styles=st.lists(STYLES, max_size=8))
def test_the_innermost_heading_knows_its_path_and_columns(styles):
    """As _place() opens headings, the innermost one's path and column flag are those of the
    whole stack."""
    stack: list[reader._Open] = []
    for number, style in enumerate(styles):
        title = f"Title {number}"
        path, in_column = reader._innermost(stack)
        heading = reader.Heading(title, style, len(stack) + 1, 0, 0, 0, 0, path + (title,))
        in_column = style == "column" or in_column
        stack.append(reader._Open(heading, style in ("column", "glossary"), in_column))
        titles = tuple(entry.heading.title for entry in stack)
        columns = any(entry.heading.style == "column" for entry in stack)
        assert reader._innermost(stack) == (titles, columns)


def test_a_heading_inside_a_column_keeps_its_text_in_the_column():
    text = (
        "Chapter 1 Peace\n(1) Assistance for Peace\n1. Japan and the World\nIt is so.\n"
        "Chapter 2 War\nIt was so.\nStories from the Field\nI went there. We met them.\n"
        "Our team was there, and I too.\n1. Japan Again Here\nI went there. We met them.\n"
    )
    doc = reader.read_document(text)
    inner = [p for p in doc.pieces if p.section_path[-1:] == ("Japan Again Here",)]
    assert inner[0].section_path == ("War", "Stories from the Field", "Japan Again Here")
    assert [p.kind for p in inner] == ["column", "column"]
    assert [p.kind for p in doc.pieces if p.section_path == ("War",)] == ["body", "heading"]


@pytest.mark.parametrize("in_column, kind", [(False, "body"), (True, "column")])
def test_text_blocks_are_placed_as_the_plain_way_places_them(in_column, kind):
    """_place() puts a text block that is not demoted straight into the body or column."""
    block = reader._Block("text", 0, 4, 0, 4, False)
    role, style = reader._heading_role("Text", [block], 0, [], set())
    assert (role, style) == ("text", "")
    assert reader._content_kind(role, in_column) == kind
    assert reader._heading_role("Text", [block], 0, [], {0}) == ("caption", "")
