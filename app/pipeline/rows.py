"""The catalogue rows of one document, built in one pass, and a database of them to copy in."""

from __future__ import annotations

import functools
import sqlite3

import sqlite_utils

from app.pipeline import schema
from app.pipeline.domains import heading_domain
from app.pipeline.extract import DONOR, EntryRecord
from app.pipeline.figures import format_figure
from app.pipeline.model import Heading
from app.pipeline.places import country_name, regions
from app.pipeline.sources import SourceDocument

SEPARATOR = "; "
PATH_SEPARATOR = " › "

# The statements that write rows, by table: rows are tuples in this column order, written with
# the connection's executemany (sqlite-utils' per-row dicts and conversions cost more than
# SQLite's own work). Tables whose `id` is not listed number their rows in insertion order.
INSERT_COLUMNS = {
    "meta": ("key", "value"),
    "documents": tuple(schema.TABLES["documents"]["columns"]),
    "domains": ("id", "label", "position"),
    "countries": ("code", "name", "alpha2"),
    "regions": ("id", "name", "kind"),
    "region_members": ("region_id", "country_code"),
    "organisations": ("id", "short", "name", "kind", "source", "aliases"),
    "sections": tuple(schema.TABLES["sections"]["columns"]),
    "entries": tuple(schema.TABLES["entries"]["columns"]),
    "entry_countries": ("entry_id", "country_code", "role", *schema.SHARED),
    "entry_regions": ("entry_id", "region_id", *schema.SHARED),
    "entry_organisations": ("entry_id", "organisation_id", *schema.SHARED),
    "mentions": ("entry_id", "dimension", "ref_id", "start", "end", "text"),
    "figures": tuple(c for c in schema.TABLES["figures"]["columns"] if c != "id"),
    "year_mentions": tuple(c for c in schema.TABLES["year_mentions"]["columns"] if c != "id"),
    "entry_years": ("entry_id", "year", "kind"),
    "note_links": ("entry_id", "note_entry_id", "label"),
}
INSERTS = {
    table: f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)})"
    f" VALUES ({', '.join('?' * len(columns))})"
    for table, columns in INSERT_COLUMNS.items()
}

Rows = list[tuple[str, list[tuple]]]  # (table, rows) in the order they are written
# The tables of document_rows(), in that order.
ROW_TABLES = (
    "sections",
    "entries",
    "entry_countries",
    "entry_regions",
    "entry_organisations",
    "mentions",
    "figures",
    "year_mentions",
    "entry_years",
    "note_links",
)
# The copy of each into the catalogue from a database of rows attached as `incoming`, in the
# order they were written (tables without an `id` column number the rows in that order).
COPIES = {
    table: f"INSERT INTO main.[{table}] ({', '.join(f'[{c}]' for c in columns)})"
    f" SELECT {', '.join(f'[{c}]' for c in columns)} FROM incoming.[{table}] ORDER BY rowid"
    for table, columns in INSERT_COLUMNS.items()
    if table in ROW_TABLES
}


def rows_database(rows: Rows) -> bytes:
    """`rows` in a new database of the catalogue's tables, serialised. A worker process makes
    it; the parent copies it in with one INSERT … SELECT per table (COPIES), which SQLite runs
    without making (or unpickling) a Python object per row."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(_tables_script())
        for table, table_rows in rows:
            conn.executemany(INSERTS[table], table_rows)
        conn.commit()
        return conn.serialize()
    finally:
        conn.close()


@functools.cache
def _tables_script() -> str:
    """CREATE TABLE statements for ROW_TABLES: the catalogue's columns with their affinities,
    so that values are stored as the catalogue stores them, but no keys, whose indexes a
    database that is only copied from has no use for (CREATE TABLE … AS keeps just those)."""
    db = sqlite_utils.Database(memory=True)
    try:
        schema.create_tables(db)
        db.execute("ATTACH ':memory:' AS plain")
        for table in ROW_TABLES:
            db.execute(f"CREATE TABLE plain.[{table}] AS SELECT * FROM main.[{table}] WHERE 0")
        made = db.execute("SELECT name, sql FROM plain.sqlite_master WHERE type = 'table'")
        return ";\n".join(sql for name, sql in made.fetchall() if name in ROW_TABLES)
    finally:
        db.close()


def document_row(doc: SourceDocument, entries: int) -> tuple:
    return (
        doc.id,
        doc.title,
        doc.short_title,
        doc.publisher,
        doc.edition_year,
        doc.period,
        doc.chapter,
        doc.language,
        doc.url,
        doc.checksum,
        doc.path.name,
        int(doc.in_manifest),
        entries,
        doc.text,
    )


def section_rows(doc: SourceDocument, headings: list[Heading], next_id: int) -> tuple[list, dict]:
    """The sections' rows, numbered from `next_id`, and the id of each heading path."""
    rows, ids = [], {}
    for heading in headings:
        ids.setdefault(heading.path, next_id)
        rows.append(
            (
                next_id,
                doc.id,
                heading.title,
                PATH_SEPARATOR.join(heading.path),
                heading.level,
                heading.style,
                heading.start,
                heading.end,
                heading_domain(heading.title),
            )
        )
        next_id += 1
    return rows, ids


def document_rows(
    doc: SourceDocument,
    headings: list[Heading],
    records: list[EntryRecord],
    organisations: dict,
    next_entry: int,
    next_section: int,
) -> Rows:
    """Every row of a document but its own: sections from `next_section`, entries from
    `next_entry`, and each entry's links, mentions, figures and years."""
    sections, section_id_of = section_rows(doc, headings, next_section)
    entries, mentions, figures, year_mentions, entry_years = [], [], [], [], []
    entry_countries, entry_regions, entry_organisations = [], [], []
    document_id, edition_year, period_year = doc.id, doc.edition_year, doc.period_year
    section_ids, region_names = section_id_of.get, _region_names()
    rowids = {}
    rowid = next_entry - 1
    for record in records:
        rowid += 1
        rowids[id(record)] = rowid
        piece, domain = record.piece, record.domain
        kind, domain_id = piece.kind, domain.domain
        has_figure = 1 if record.figures else 0
        countries = dict.fromkeys([m.id for m in record.countries])
        partners = [code for code in countries if code != DONOR]
        region_ids = dict.fromkeys([m.id for m in record.regions]) if record.regions else ()
        named = [m for m in record.organisations if m.id in organisations]
        org_ids = dict.fromkeys([m.id for m in named]) if named else ()
        displays = [format_figure(f) for f in record.figures]
        entries.append(
            (
                rowid,
                f"{document_id}-{rowid - next_entry + 1:04d}",
                document_id,
                edition_year,
                section_ids(piece.section_path),
                PATH_SEPARATOR.join(piece.section_path),
                piece.paragraph,
                piece.sentence,
                kind,
                piece.label,
                domain_id,
                domain.source,
                domain.reason,
                record.quote,
                piece.start,
                piece.end,
                has_figure,
                SEPARATOR.join(partners),
                SEPARATOR.join([country_name(c) for c in partners]),
                SEPARATOR.join([region_names.get(r, r) for r in region_ids]),
                SEPARATOR.join([organisations[o].short or organisations[o].name for o in org_ids]),
                SEPARATOR.join(displays),
                SEPARATOR.join(dict.fromkeys([y.text for y in record.years])),
            )
        )
        # The entry's own columns that filters use, repeated in its links (schema.SHARED).
        shared = (kind, domain_id, document_id, has_figure)
        for code in countries:
            role = "donor" if code == DONOR else "partner"
            entry_countries.append((rowid, code, role, *shared))
        for region in region_ids:
            entry_regions.append((rowid, region, *shared))
        for org in org_ids:
            entry_organisations.append((rowid, org, *shared))
        for dimension, found in (
            ("country", record.countries),
            ("region", record.regions),
            ("organisation", named),
        ):
            for m in found:
                mentions.append((rowid, dimension, m.id, m.start, m.end, m.text))
        for f, display in zip(record.figures, displays, strict=True):
            figures.append(
                (
                    rowid,
                    f.kind,
                    f.value,
                    f.currency,
                    f.qualifier,
                    f.unit,
                    f.alt_value,
                    f.alt_currency,
                    f.owner,
                    f.text,
                    display,
                    f.start,
                    f.end,
                )
            )
        years = set()
        for y in record.years:
            year_mentions.append((rowid, y.year_from, y.year_to, y.kind, y.text, y.start, y.end))
            last = (
                y.year_to if y.year_to is not None else max(period_year or y.year_from, y.year_from)
            )
            years.update(range(y.year_from, last + 1))
        if years:
            entry_years.extend([(rowid, y, "mentioned") for y in sorted(years)])
        elif period_year:
            entry_years.append((rowid, period_year, "period"))
    tables = (sections, entries, entry_countries, entry_regions, entry_organisations)
    tables += (mentions, figures, year_mentions, entry_years, note_links(records, rowids))
    return list(zip(ROW_TABLES, tables, strict=True))


def note_links(records: list[EntryRecord], rowids: dict) -> list[tuple]:
    """(entry_id, note_entry_id, label) of every entry that refers to a note, once per pair."""
    by_label = {r.piece.label.lower(): r for r in records if r.piece.kind in ("note", "glossary")}
    if not by_label:
        return []
    rows = {}
    for record in records:
        for label in record.piece.note_refs:
            note = by_label.get(label.lower())
            if note is not None and note is not record:
                key = (rowids[id(record)], rowids[id(note)])
                if key not in rows:
                    rows[key] = (*key, label)
    return list(rows.values())


@functools.cache
def _region_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for r in regions():
        names.setdefault(r.id, r.name)  # the first region of an id, as a search in order finds
    return names
