"""A corpus read and its organisations learnt: what any process needs to extract any document."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, fields
from operator import attrgetter

from app.pipeline import workers
from app.pipeline.domains import DomainChoice
from app.pipeline.extract import EntryRecord, extract, resolve_owners_from_paragraph
from app.pipeline.model import NOTE_KINDS, ParsedDocument, Piece
from app.pipeline.organisations import OrganisationIndex
from app.pipeline.reader import read_document
from app.pipeline.rows import note_links
from app.pipeline.sources import SourceDocument

Progress = Callable[[str, int, int], None]  # stage, done, total


class BuildCancelled(Exception):
    """The caller asked the build to stop; the old catalogue is untouched."""


@dataclass
class Corpus:
    """Every document's structure, the organisations that any of them defines, and the reading
    position each document starts at (which record a bare "ICC" names then), so that any
    process can extract any document as one process reading them all in order would."""

    documents: list[SourceDocument]
    parsed: list[ParsedDocument]
    index: OrganisationIndex
    positions: list[dict[str, str]]
    end: dict[str, str]  # the reading position after the last document

    def extract(self, number: int) -> list[EntryRecord]:
        """The records of document `number`, one per piece; leaves the index's reading
        position where that document ends."""
        self.index.move_to(self.positions[number])
        text = self.documents[number].text
        records = [extract(piece, text, self.index) for piece in self.parsed[number].pieces]
        inherit_note_domains(records)
        resolve_owners_from_paragraph(records, self.index)
        return records

    def catalogue_order(self) -> list[int]:
        """Document numbers in the catalogue's order: by edition year, then id."""
        docs = self.documents
        return sorted(range(len(docs)), key=lambda n: (docs[n].edition_year or 0, docs[n].id))


def read_corpus(
    documents: list[SourceDocument], progress: Progress, cancelled, processes: int
) -> Corpus:
    """Read every document and learn the organisations they define. Reading, and looking for
    definitions, run in `processes` processes; learning them runs in this one, in order."""
    finder = OrganisationIndex()  # finds definitions in the workers and learns none
    shipped = processes > 1  # the pieces cross to this process as tuples (ReceivedDocument)

    def read(number: int) -> tuple:
        text = documents[number].text
        parsed = read_document(text)
        found = []
        names = finder.names_at(text)  # services, quoted programmes, funds: no "(" needed
        for position, piece in enumerate(parsed.pieces):
            if text.find("(", piece.start, piece.end) < 0:
                # Every way of defining a short form uses parentheses.
                if not names or not _any_between(names, piece.start, piece.end):
                    continue
            titled = piece.kind != "heading"  # see OrganisationIndex.learn()
            definitions = finder.definitions(text[piece.start : piece.end], titled)
            if definitions != []:
                found.append((position, definitions, titled))
        pieces = list(map(_piece_fields, parsed.pieces)) if shipped else parsed.pieces
        return parsed.headings, pieces, found

    parsed, found_in = [], []
    # Definitions anywhere in the corpus name the organisation everywhere, so all are learnt
    # (in reading order, as documents come back) before any document is extracted.
    index = OrganisationIndex()
    with workers.in_order(read, len(documents), processes) as done:
        for number, (doc, (headings, pieces, found)) in enumerate(
            zip(documents, done, strict=True), 1
        ):
            if cancelled():
                raise BuildCancelled()
            parsed.append(
                (ReceivedDocument if shipped else ParsedDocument)(doc.text, headings, pieces)
            )
            found_in.append(found)
            if not headings:
                doc.warnings.append(
                    f"{doc.path.name}: no headings found; its entries have no section"
                )
            for position, definitions, titled in found:
                if definitions is None:  # the finder could not tell: learn() knows what is learnt
                    start, end = parsed[-1].span(position)
                    index.learn(doc.text[start:end], titled=titled)
                else:
                    index.learn_definitions(definitions)
            progress("reading", number, len(documents))
    # Where each document starts reading, so that any process can extract any document. Only
    # pieces with definitions move it: where the finder found none for sure, the index finds
    # none either (what it has learnt since matters only where the finder was unsure).
    positions = []
    for doc, parsed_doc, found in zip(documents, parsed, found_in, strict=True):
        positions.append(index.position())
        for position, *_ in found:
            start, end = parsed_doc.span(position)
            index.read_past(doc.text[start:end])
    return Corpus(documents, parsed, index, positions, index.position())


def _any_between(offsets: list[int], start: int, end: int) -> bool:
    """Whether any of the sorted `offsets` is in [start, end)."""
    at = bisect_left(offsets, start)
    return at < len(offsets) and offsets[at] < end


def inherit_note_domains(records: list[EntryRecord]) -> None:
    """A note takes the domain of the first sentence that refers to it, as linked by
    note_links() (the note of that number printed next, where numbers restart by chapter)."""
    # One pass over the records finds the notes and the sentences that refer to any, few of
    # either: two passes over them all cost twice the reading of them.
    notes: dict[str, list[int]] = {}
    referring = []
    for at, record in enumerate(records):
        piece = record.piece
        if piece.kind in NOTE_KINDS:
            notes.setdefault(piece.label.lower(), []).append(at)
        elif piece.note_refs and record.domain and record.domain.domain:
            # A reference from undecided text decides nothing; a later one may.
            referring.append((at, piece.note_refs))
    decided = set()
    for at, note, _label in note_links(notes, referring):
        if note not in decided:
            decided.add(note)
            domain = records[at].domain
            records[note].domain = DomainChoice(
                domain.domain, domain.source, "the entry that refers to it"
            )


_PIECE_FIELDS = tuple(f.name for f in fields(Piece))
_piece_fields = attrgetter(*_PIECE_FIELDS)


class ReceivedDocument(ParsedDocument):
    """A document read in a worker process, whose pieces came as tuples of Piece's fields and
    become Pieces where they are first used: in the workers that extract them. Unpickling a
    dataclass per piece took this process, which every worker waits for while it learns the
    definitions, about 1 CPU-s of a 100 MB build; tuples take a fifth of that."""

    def __init__(self, text: str, headings: list, rows: list[tuple]) -> None:
        self.text, self.headings = text, headings
        self._rows: list[tuple] | None = rows
        self._pieces: list[Piece] = []

    @property
    def pieces(self) -> list[Piece]:  # type: ignore[override]
        if self._rows is not None:
            self._pieces, self._rows = [Piece(*row) for row in self._rows], None
        return self._pieces

    def piece_count(self) -> int:
        return len(self._rows) if self._rows is not None else len(self._pieces)

    def span(self, position: int) -> tuple[int, int]:
        if self._rows is None:
            return super().span(position)
        _, start, end, *_ = self._rows[position]
        return start, end
