"""Plain records passed between the pipeline's stages; every span is a character offset range."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("body", "caption", "note", "glossary", "column", "heading")
NOTE_KINDS = ("note", "glossary")  # the kinds of entry that other entries refer to by label


# The records found in text are made by the ten thousand. A frozen dataclass's own __init__
# sets each field through object.__setattr__, one call a field; these write the fields into the
# instance's dict in one update, which is what those calls do, in about half the time. (Same
# parameters, names and defaults as the generated one; eq, hash, repr, pickling and
# dataclasses.replace are the dataclass's own: tests/pipeline/test_quicker_paths.py holds
# them to it.)


@dataclass(frozen=True, init=False)
class Heading:
    """A heading line: its title without the marker, marker style and level (1 = outermost)."""

    title: str
    style: str
    level: int
    start: int  # span of the whole heading line, marker included
    end: int
    title_start: int  # span of the title without its marker
    title_end: int
    path: tuple[str, ...]  # titles of the enclosing headings, outermost first, this one last

    def __init__(
        self,
        title: str,
        style: str,
        level: int,
        start: int,
        end: int,
        title_start: int,
        title_end: int,
        path: tuple[str, ...],
    ) -> None:
        self.__dict__.update(
            title=title,
            style=style,
            level=level,
            start=start,
            end=end,
            title_start=title_start,
            title_end=title_end,
            path=path,
        )


@dataclass(frozen=True, init=False)
class Piece:
    """One catalogue entry candidate: a sentence, caption, note, glossary entry or heading."""

    kind: str  # one of KINDS
    start: int  # source_text[start:end] is the exact quote
    end: int
    section_path: tuple[str, ...]  # heading titles from the outermost to the nearest
    paragraph: int  # 1-based ordinal of the paragraph (block) in the document
    sentence: int  # 1-based ordinal of the sentence inside its paragraph
    note_refs: tuple[str, ...] = ()  # labels of notes this piece refers to ("33", "10", "6")
    label: str | None = None  # a note's label ("33") or a glossary entry's term

    def __init__(
        self,
        kind: str,
        start: int,
        end: int,
        section_path: tuple[str, ...],
        paragraph: int,
        sentence: int,
        note_refs: tuple[str, ...] = (),
        label: str | None = None,
    ) -> None:
        self.__dict__.update(
            kind=kind,
            start=start,
            end=end,
            section_path=section_path,
            paragraph=paragraph,
            sentence=sentence,
            note_refs=note_refs,
            label=label,
        )


@dataclass
class ParsedDocument:
    """What the reader recognised in one document."""

    text: str
    headings: list[Heading] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)  # document order, headings included

    def piece_count(self) -> int:
        return len(self.pieces)

    def span(self, position: int) -> tuple[int, int]:
        """The start and end of the piece at `position`."""
        piece = self.pieces[position]
        return piece.start, piece.end


@dataclass(frozen=True, init=False)
class Mention:
    """A named thing found in text: a country (alpha-3), region id or organisation id."""

    id: str
    start: int  # absolute offsets in the source text
    end: int
    text: str
    role: str = ""  # countries: "donor" for Japan, "partner" otherwise

    def __init__(self, id: str, start: int, end: int, text: str, role: str = "") -> None:
        self.__dict__.update(id=id, start=start, end=end, text=text, role=role)


@dataclass(frozen=True, init=False)
class Figure:
    """An amount of money or a count, as printed."""

    kind: str  # "money" or "count"
    value: float
    text: str
    start: int
    end: int
    currency: str | None = None  # ISO 4217: USD, JPY, EUR ...
    qualifier: str | None = None  # approximately, over, more than, a total of, up to ...
    unit: str | None = None  # counted noun for counts: personnel, graduates, countries ...
    alt_value: float | None = None  # "$120 million (approximately ¥14 billion)": 14e9
    alt_currency: str | None = None
    owner: str | None = None  # whose money: "JPN", another alpha-3, an organisation id, or None

    def __init__(
        self,
        kind: str,
        value: float,
        text: str,
        start: int,
        end: int,
        currency: str | None = None,
        qualifier: str | None = None,
        unit: str | None = None,
        alt_value: float | None = None,
        alt_currency: str | None = None,
        owner: str | None = None,
    ) -> None:
        self.__dict__.update(
            kind=kind,
            value=value,
            text=text,
            start=start,
            end=end,
            currency=currency,
            qualifier=qualifier,
            unit=unit,
            alt_value=alt_value,
            alt_currency=alt_currency,
            owner=owner,
        )


@dataclass(frozen=True, init=False)
class YearMention:
    """A year, fiscal year or range of years mentioned in text."""

    year_from: int
    year_to: int | None  # None: open-ended ("since 2007"), closed by the document's period
    kind: str  # "year", "fiscal", "range", "since", "until"
    text: str
    start: int
    end: int

    def __init__(
        self, year_from: int, year_to: int | None, kind: str, text: str, start: int, end: int
    ) -> None:
        self.__dict__.update(
            year_from=year_from, year_to=year_to, kind=kind, text=text, start=start, end=end
        )
