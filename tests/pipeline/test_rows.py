"""The rows of one document, and the database of them that a worker hands to the build."""

import sqlite3
from pathlib import Path

import pytest

from app.pipeline.domains import DomainChoice
from app.pipeline.extract import EntryRecord
from app.pipeline.model import Mention, Piece, YearMention
from app.pipeline.rows import CHUNK, INSERT_COLUMNS, document_rows, rows_database
from app.pipeline.sources import SourceDocument


def document(period: str = "FY2022") -> SourceDocument:
    return SourceDocument(
        id="doc",
        path=Path("doc.txt"),
        text="x" * 100,
        title="A Report",
        short_title="Report",
        publisher="MOFA",
        edition_year=2023,
        period=period,
        chapter="",
        language="en",
        url="",
        checksum="",
        in_manifest=True,
    )


def record(
    kind="sentence", label=None, note_refs=(), years=(), countries=(), section=("Part",)
) -> EntryRecord:
    piece = Piece(kind, 0, 10, section, 1, 1, note_refs=note_refs, label=label)
    return EntryRecord(
        piece=piece,
        quote="x" * 10,
        countries=list(countries),
        years=list(years),
        domain=DomainChoice(None, "", "no heading or keyword names a domain"),
    )


def table(rows, name):
    return dict(rows)[name]


def read_back(data: bytes, name: str) -> list[tuple]:
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
        columns = ", ".join(f"[{c}]" for c in INSERT_COLUMNS[name])
        return conn.execute(f"SELECT {columns} FROM [{name}] ORDER BY rowid").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("count", [0, 1, CHUNK - 1, CHUNK, 2 * CHUNK + 3])
def test_the_database_holds_every_row_in_order(count):
    # Narrow tables go in many rows a statement, wide ones one: both keep the order written,
    # which numbers the rows of tables without an id.
    mentions = [(n, "country", f"C{n % 7}", n, n + 3, f"Text {n} ›") for n in range(count)]
    years = [(n // 3, 2000 + n % 5, "mentioned") for n in range(count)]
    entries = [
        (n, f"doc-{n:04d}", "doc", 2023, None, "A › B", 1, n, "sentence", None, None, "")
        + ("", f"quote {n}", 0, 10, 0, "", "", "", "", "", "")
        for n in range(count)
    ]
    rows = [("entries", entries), ("mentions", mentions), ("entry_years", years)]
    data = rows_database(rows)
    assert read_back(data, "entries") == entries
    assert read_back(data, "mentions") == mentions
    assert read_back(data, "entry_years") == years


def test_years_an_entry_spans_or_else_the_period():
    since = YearMention(2021, None, "since", "since 2021", 0, 10)
    span = YearMention(2018, 2019, "range", "2018-2019", 0, 9)
    backwards = YearMention(2020, 2015, "range", "2020-2015", 0, 9)  # spans no year
    records = [record(years=[since, span]), record(years=[backwards]), record()]
    rows = document_rows(document(), [], records, {}, 1, 1)
    assert table(rows, "entry_years") == [
        (1, 2018, "mentioned"),
        (1, 2019, "mentioned"),
        (1, 2021, "mentioned"),
        (1, 2022, "mentioned"),
        (2, 2022, "period"),
        (3, 2022, "period"),
    ]
    assert [e[-1] for e in table(rows, "entries")] == ["since 2021; 2018-2019", "2020-2015", ""]
    assert len(table(rows, "year_mentions")) == 3


def test_links_and_displays_of_countries():
    japan = Mention("JPN", 0, 5, "Japan", "donor")
    viet_nam = Mention("VNM", 6, 14, "Viet Nam", "partner")
    records = [record(countries=[japan, viet_nam, viet_nam]), record(countries=[japan]), record()]
    rows = document_rows(document(), [], records, {}, 5, 1)
    assert [link[:3] for link in table(rows, "entry_countries")] == [
        (5, "JPN", "donor"),
        (5, "VNM", "partner"),
        (6, "JPN", "donor"),
    ]
    assert len(table(rows, "mentions")) == 4
    columns = INSERT_COLUMNS["entries"]
    shown = columns.index("countries"), columns.index("country_names")
    assert [tuple(e[at] for at in shown) for e in table(rows, "entries")] == [
        ("VNM", "Viet Nam"),
        ("", ""),
        ("", ""),
    ]


def test_note_links_go_to_the_next_note_of_a_label_and_never_to_itself():
    records = [
        record(note_refs=("1", "2", "1")),
        record(kind="note", label="1"),
        record(kind="note", label="1", note_refs=("1",)),  # its own label, printed at its head
        record(kind="glossary", label="Term", note_refs=("term",)),
        record(note_refs=("1",)),  # after every note 1: the last one
    ]
    rows = document_rows(document(), [], records, {}, 10, 1)
    assert table(rows, "note_links") == [(10, 11, "1"), (14, 12, "1")]


def test_notes_numbered_again_in_each_chapter_are_linked_within_their_chapter():
    records = [
        record(note_refs=("1",), section=("Ch1", "A")),
        record(note_refs=("2",), section=("Ch1", "A")),
        record(kind="note", label="1", section=("Ch1", "Notes")),
        record(kind="note", label="2", section=("Ch1", "Notes")),
        record(note_refs=("1",), section=("Ch2", "B")),
        record(kind="note", label="1", section=("Ch2", "Notes")),
    ]
    rows = document_rows(document(), [], records, {}, 1, 1)
    assert table(rows, "note_links") == [(1, 3, "1"), (2, 4, "2"), (5, 6, "1")]


def test_a_note_is_filed_under_the_section_of_the_first_sentence_calling_it():
    # End notes printed after a chapter's last heading ("Cyberspace") belong with the text
    # that calls them; a note nothing calls stays where it is printed.
    crime, cyber = ("Crime", "Trafficking"), ("Crime", "Cyberspace")
    records = [
        record(note_refs=("33",), section=crime),
        record(section=cyber, note_refs=("33",)),
        record(kind="note", label="33", section=cyber),
        record(kind="note", label="34", section=cyber),
        record(kind="glossary", label="Money laundering", section=("Glossary",)),
        record(note_refs=("money laundering",), section=crime),
    ]
    rows = document_rows(document(), [], records, {}, 10, 1)
    columns = INSERT_COLUMNS["entries"]
    section = columns.index("section")
    assert [e[section] for e in table(rows, "entries")] == [
        "Crime › Trafficking",
        "Crime › Cyberspace",
        "Crime › Trafficking",
        "Crime › Cyberspace",
        "Glossary",  # a glossary's own heading says what it is
        "Crime › Trafficking",
    ]
    assert (15, 14, "money laundering") in table(rows, "note_links")


def sections_of(records) -> list[str]:
    rows = document_rows(document(), [], records, {}, 10, 1)
    section = INSERT_COLUMNS["entries"].index("section")
    return [e[section] for e in table(rows, "entries")]


def test_notes_numbered_again_in_each_chapter_stay_in_their_chapter():
    # Each chapter's sentence is linked to its own chapter's note 1, so each note goes with
    # its own caller.
    records = [
        record(note_refs=("1",), section=("Ch1", "A")),
        record(kind="note", label="1", section=("Ch1", "B")),
        record(note_refs=("1",), section=("Ch2", "C")),
        record(kind="note", label="1", section=("Ch2", "D")),
    ]
    assert sections_of(records) == ["Ch1 › A", "Ch1 › A", "Ch2 › C", "Ch2 › C"]


def test_a_note_called_by_a_note_goes_where_that_note_goes():
    records = [
        record(kind="note", label="1", note_refs=("2",), section=("Notes",)),
        record(kind="note", label="2", section=("Notes",)),
        record(note_refs=("1",), section=("Later",)),  # the only sentence, after the notes
    ]
    assert sections_of(records) == ["Later", "Later", "Later"]
    looped = [
        record(kind="note", label="1", note_refs=("2",), section=("N",)),
        record(kind="note", label="2", note_refs=("1",), section=("M",)),
    ]
    assert sections_of(looped) == ["N", "M"]  # a loop leaves them where they are printed


def root_pages(data: bytes) -> dict[str, int]:
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
        return dict(conn.execute("SELECT name, rootpage FROM sqlite_master"))
    finally:
        conn.close()


def test_every_database_of_rows_keeps_its_tables_at_the_same_pages():
    # The parent attaches each document's database under one name and runs the same cached
    # INSERT … SELECT statements on it. SQLite re-prepares them only when the schema cookie
    # changes, which equal schemas share: a table that moved to another page would be read
    # from the page the statement remembers (seen in session 16: rows of the wrong table).
    small = rows_database([("entries", []), ("mentions", [])])
    mentions = [(n, "country", "KEN", n, n + 3, "Kenya") for n in range(5000)]
    entries = [
        (n, f"doc-{n:04d}", "doc", 2023, None, "A › B", 1, n, "sentence", None, None, "")
        + ("", "quote " * 40, 0, 10, 0, "", "", "", "", "", "")
        for n in range(2000)
    ]
    large = rows_database([("entries", entries), ("mentions", mentions)])
    assert root_pages(small) == root_pages(large)
    assert len(large) > 10 * len(small)  # its tables grew past their first pages
