"""The workers' bookkeeping, made the quick way, is what the plain way makes: the report's part
of each document (one pass over its records), the records' own __init__, the note links
(gathered in document_rows()'s own pass) and the notes' domains (one pass over the records);
and the database of rows is the plain one."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from odd_text import SETTINGS

from app.pipeline.corpus import inherit_note_domains, read_corpus
from app.pipeline.domains import DomainChoice
from app.pipeline.extract import DONOR, EntryRecord
from app.pipeline.model import KINDS, Figure, Heading, Mention, Piece, YearMention
from app.pipeline.report import DocumentSummary
from app.pipeline.rows import INSERT_COLUMNS, INSERTS, _tables_script, document_rows, rows_database
from app.pipeline.sources import discover

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"
LABEL = INSERT_COLUMNS["entries"].index("label")


# -- the report's part of a document --------------------------------------------------------------


def plain_counts(records) -> dict[str, Counter | set]:
    """What DocumentSummary.of() counts of the records, a column at a time (as it was)."""
    choices = [record.domain for record in records]
    countries = Counter()
    for record in records:
        countries.update(list({mention.id: None for mention in record.countries}))  # once each
    countries.pop(DONOR, None)
    places = [m for record in records for m in (*record.countries, *record.regions)]
    return {
        "kinds": Counter([record.piece.kind for record in records]),
        "domains": Counter([choice.domain or "(none)" for choice in choices]),
        "no_domain": Counter([choice.reason for choice in choices if not choice.domain]),
        "countries": countries,
        "known_tokens": {m.text for m in places},
    }


class NoAcronyms:
    """An organisation index that finds no undefined acronyms (not what is tested here)."""

    def undefined_acronyms(self, text: str) -> set[str]:
        return set()


def assert_counts_as_plain(summary: DocumentSummary, records) -> None:
    for name, plain in plain_counts(records).items():
        made = getattr(summary, name)
        assert made == plain, name
        if isinstance(plain, Counter):  # and in the same order: the report lists some so
            assert list(made.items()) == list(plain.items()), name


def test_the_summary_of_each_source_counts_as_the_plain_way():
    documents = discover(SOURCES)
    corpus = read_corpus(documents, lambda *_: None, lambda: False, 1)
    for number, document in enumerate(documents):
        records = corpus.extract(number)
        headings = corpus.parsed[number].headings
        summary = DocumentSummary.of(document, headings, records, NoAcronyms())
        assert_counts_as_plain(summary, records)
        assert summary.no_domain and summary.countries and summary.known_tokens


CODES = ["JPN", "VNM", "PHL", "AUS", "USA"]
REGIONS = ["asean", "pacific", "africa"]
TOKENS = ["Japan", "Viet Nam", "the Philippines", "ASEAN", "Pacific", "japan", "Africa"]


def mentions(ids: list[str]):
    """Up to four mentions of `ids`, by any of TOKENS."""
    ints = st.integers(0, 20)
    one = st.builds(Mention, st.sampled_from(ids), ints, ints, st.sampled_from(TOKENS))
    return st.lists(one, max_size=4)


RECORDS = st.lists(
    st.builds(
        lambda kind, countries, regions, domain, reason: EntryRecord(
            Piece(kind, 0, 1, (), 1, 1),
            "q",
            countries,
            regions,
            domain=DomainChoice(domain, "keywords" if domain else "", reason),
        ),
        st.sampled_from(KINDS),
        mentions(CODES),
        mentions(REGIONS),
        st.sampled_from([None, "", "maritime", "cyber", "peacekeeping"]),
        st.sampled_from(["no keyword", "an umbrella heading", "the entry that refers to it"]),
    ),
    max_size=12,
)


@SETTINGS
@given(RECORDS)
def test_the_summary_of_any_records_counts_as_the_plain_way(records):
    # Domains that are None or empty, entries naming no country, the donor, a country twice.
    summary = DocumentSummary.of(_Source(), [], records, NoAcronyms())
    assert_counts_as_plain(summary, records)


@dataclasses.dataclass
class _Source:
    id: str = "doc"
    text: str = ""


# -- the records' own __init__ --------------------------------------------------------------------


def generated(cls):
    """A dataclass of the same fields as `cls` with the __init__ that dataclasses generates."""
    fields = [
        (f.name, f.type, dataclasses.field(default=f.default)) for f in dataclasses.fields(cls)
    ]
    return dataclasses.make_dataclass(f"Plain{cls.__name__}", fields, frozen=True)


VALUES = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.floats(allow_nan=False))


@pytest.mark.parametrize("cls", [Mention, Figure, YearMention, Piece, Heading])
@SETTINGS
@given(data=st.data())
def test_records_hold_what_the_generated_init_stores(cls, data):
    names = [f.name for f in dataclasses.fields(cls)]
    required = sum(f.default is dataclasses.MISSING for f in dataclasses.fields(cls))
    count = data.draw(st.integers(required, len(names)))
    args = data.draw(st.lists(VALUES, min_size=count, max_size=count))
    ours, plain = cls(*args), generated(cls)(*args)
    # The same attributes in the same order (pickles and vars() show the order).
    assert list(vars(ours).items()) == list(vars(plain).items())
    assert dataclasses.astuple(ours) == dataclasses.astuple(plain)


# -- a document's rows --------------------------------------------------------------------------


def plain_link(rowid: int, is_note: bool, label: str, notes: list[tuple[int, str]]):
    """The note a reference goes to, the plain way: a sentence's to the next note of its label,
    else the previous one; a note's to the nearest either side (the earlier on a tie); none
    for a note's own label."""
    same = [n for n, own in notes if own == label.lower()]
    if rowid in same or not same:
        return None
    later = [n for n in same if n > rowid]
    earlier = [n for n in same if n < rowid]
    if is_note and earlier and later:
        return earlier[-1] if rowid - earlier[-1] <= later[0] - rowid else later[0]
    return later[0] if later else earlier[-1]


def plain_note_links(records, next_entry: int) -> list[tuple]:
    """note_links() the plain way, a walk over the notes for each reference."""
    numbered = list(enumerate(records, next_entry))
    notes = [
        (rowid, r.piece.label.lower())
        for rowid, r in numbered
        if r.piece.kind in ("note", "glossary")
    ]
    rows = {}
    for rowid, record in numbered:
        is_note = record.piece.kind in ("note", "glossary")
        for label in record.piece.note_refs:
            note = plain_link(rowid, is_note, label, notes)
            if note is not None:
                rows.setdefault((rowid, note), (rowid, note, label))
    return list(rows.values())


def plain_database(rows) -> bytes:
    """rows_database() made the plain way: every row by the table's one statement."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(_tables_script())
        for table, table_rows in rows:
            conn.executemany(INSERTS[table], table_rows)
        conn.commit()
        return conn.serialize()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def source_rows():
    """Each source document's records and rows, as the build makes them."""
    documents = discover(SOURCES)
    corpus = read_corpus(documents, lambda *_: None, lambda: False, 1)
    made = []
    for number, document in enumerate(documents):
        records = corpus.extract(number)
        headings = corpus.parsed[number].headings
        made.append((records, document_rows(document, headings, records, {}, 7, 3)))
    return made


def test_the_sources_note_links_and_databases_are_the_plain_ones(source_rows):
    linked = labelled = 0
    for records, rows in source_rows:
        tables = dict(rows)
        assert tables["note_links"] == plain_note_links(records, 7)
        assert rows_database(rows) == plain_database(rows)
        linked += len(tables["note_links"])
        labelled += sum(row[LABEL] is not None for row in tables["entries"])
    assert linked > 10 and labelled > 10


LABELS = ["1", "2", "12", "Term", "term", "TERM"]


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.sampled_from(KINDS),
            st.one_of(st.none(), st.sampled_from(LABELS)),
            st.lists(st.sampled_from(LABELS), max_size=3).map(tuple),
        ),
        max_size=12,
    )
)
def test_note_links_and_labels_of_any_entries_are_the_plain_ones(pieces):
    # Notes and glossary entries (a label each, some shared, in any case) among other entries,
    # any of which refer to labels.
    records = [
        EntryRecord(
            Piece(
                kind, 0, 1, (), 1, 1, refs, label or "0" if kind in ("note", "glossary") else label
            ),
            "q",
            domain=DomainChoice(None, "", "none"),
        )
        for kind, label, refs in pieces
    ]
    rows = document_rows(_Document(), [], records, {}, 1, 1)
    assert dict(rows)["note_links"] == plain_note_links(records, 1)
    assert rows_database(rows) == plain_database(rows)


@dataclasses.dataclass
class _Document:
    id: str = "doc"
    title: str = ""
    edition_year: int = 2020
    period_year: int | None = None


# -- notes' domains ------------------------------------------------------------------------------


def plain_inherit_note_domains(records) -> None:
    """inherit_note_domains() the plain way: each sentence with a domain, in order, gives it to
    the notes its references go to that have none from an earlier sentence."""
    notes = [
        (at, r.piece.label.lower())
        for at, r in enumerate(records)
        if r.piece.kind in ("note", "glossary")
    ]
    decided = set()
    for at, record in enumerate(records):
        if record.piece.kind in ("note", "glossary") or not record.piece.note_refs:
            continue
        if not (record.domain and record.domain.domain):
            continue
        for label in record.piece.note_refs:
            note = plain_link(at, False, label, notes)
            if note is not None and note not in decided:
                decided.add(note)
                records[note].domain = DomainChoice(
                    record.domain.domain, record.domain.source, "the entry that refers to it"
                )


def domains_inherited(records, inherit) -> list[DomainChoice]:
    copies = [dataclasses.replace(record) for record in records]
    inherit(copies)
    return [record.domain for record in copies]


def test_the_sources_notes_take_their_domains_as_the_plain_way(source_rows):
    changed = 0
    for records, _ in source_rows:
        # (The records have inherited already: the references' domains are theirs again.)
        reset = [
            dataclasses.replace(r, domain=DomainChoice(None, "", "none"))
            if r.piece.kind in ("note", "glossary")
            else r
            for r in records
        ]
        made = domains_inherited(reset, inherit_note_domains)
        assert made == domains_inherited(reset, plain_inherit_note_domains)
        changed += sum(a != b.domain for a, b in zip(made, reset, strict=True))
    assert changed > 10


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.sampled_from(KINDS),
            st.sampled_from(LABELS),
            st.lists(st.sampled_from(LABELS), max_size=3).map(tuple),
            st.sampled_from([None, "", "maritime", "cyber"]),
        ),
        max_size=12,
    )
)
def test_any_notes_take_their_domains_as_the_plain_way(entries):
    # Notes and glossary entries sharing labels in any case, referred to from entries with a
    # domain, none or an empty one, before and after them, and from other notes.
    records = [
        EntryRecord(
            Piece(kind, 0, 1, (), 1, 1, refs, label),
            "q",
            domain=DomainChoice(domain, "keywords" if domain else "", "why"),
        )
        for kind, label, refs, domain in entries
    ]
    made = domains_inherited(records, inherit_note_domains)
    assert made == domains_inherited(records, plain_inherit_note_domains)
