"""The catalogue rows of one document, built in one pass, and a database of them to copy in."""

from __future__ import annotations

import functools
import sqlite3
from bisect import bisect_right
from itertools import chain, repeat

import sqlite_utils

from app.pipeline import schema
from app.pipeline.domains import heading_domain
from app.pipeline.extract import DONOR, EntryRecord
from app.pipeline.figures import format_figure
from app.pipeline.model import NOTE_KINDS, Figure, Heading, YearMention
from app.pipeline.places import country_name, regions
from app.pipeline.sources import SourceDocument

SEPARATOR = schema.SEPARATOR
PATH_SEPARATOR = schema.PATH_SEPARATOR

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
    without making (or unpickling) a Python object per row. Every table is made, empty, before
    any row: the parent's statements are prepared once, and SQLite does not prepare them again
    for a database whose schema was made the same way, so each table must start at the same
    page in every document's database (tests/pipeline/test_rows.py)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(_tables_script())
        for table, table_rows in rows:
            _insert(conn, table, table_rows)
        conn.commit()
        return conn.serialize()
    finally:
        conn.close()


# Tables of few columns take CHUNK rows a statement: running a statement costs SQLite and the
# sqlite3 module more than binding a few values does (a third less time for mentions, half
# for entry_years). Wide rows gain nothing, so they go one a statement.
CHUNK = 32
NARROW = 8  # columns


def _insert(conn: sqlite3.Connection, table: str, rows: list[tuple]) -> None:
    """`rows` in `table`, in order (a VALUES list inserts its rows in the order written)."""
    columns = len(INSERT_COLUMNS[table])
    whole = len(rows) - len(rows) % CHUNK if columns <= NARROW else 0
    if whole:
        flat = chain.from_iterable
        chunks = (tuple(flat(rows[at : at + CHUNK])) for at in range(0, whole, CHUNK))
        conn.executemany(_chunk_insert(table), chunks)
    conn.executemany(INSERTS[table], rows[whole:])


@functools.cache
def _chunk_insert(table: str) -> str:
    """INSERTS[table] for CHUNK rows at a time."""
    one_row = f"({', '.join('?' * len(INSERT_COLUMNS[table]))})"
    head = INSERTS[table].rsplit(" VALUES ", 1)[0]
    return f"{head} VALUES {', '.join([one_row] * CHUNK)}"


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
    # Lookups a document repeats for each entry, made once per section, country, region or
    # organisation of the document.
    sections_of = _Memo(lambda path: (section_id_of.get(path), PATH_SEPARATOR.join(path)))
    country_names = _Memo(country_name)
    names_of_regions = _Memo(lambda region: _region_names().get(region, region))
    names_of_organisations = _Memo(lambda org: organisations[org].short or organisations[org].name)
    # What note_links() needs, gathered here while each record is at hand: two passes of its
    # own over the records cost about 5% of this function (read from memory twice more).
    notes: dict[str, list[int]] = {}
    referring = []
    for rowid, record in enumerate(records, next_entry):
        piece, domain = record.piece, record.domain
        kind, domain_id = piece.kind, domain.domain
        if kind in NOTE_KINDS:
            notes.setdefault(piece.label.lower(), []).append(rowid)
        if piece.note_refs:
            referring.append((rowid, piece.note_refs))
        found_countries, found_regions = record.countries, record.regions
        found_figures, found_years = record.figures, record.years
        has_figure = 1 if found_figures else 0
        # The entry's own columns that filters use, repeated in its links (schema.SHARED).
        shared = (kind, domain_id, document_id, has_figure)
        # The display columns of what the entry names: most entries name little.
        partner_codes = partner_names = region_names = org_names = shown_figures = ""
        shown_years = ""
        if found_countries:
            countries = dict.fromkeys([m.id for m in found_countries])
            partners = [code for code in countries if code != DONOR]
            partner_codes = SEPARATOR.join(partners)
            partner_names = SEPARATOR.join(map(country_names, partners))
            entry_countries += [
                (rowid, code, "donor" if code == DONOR else "partner", *shared)
                for code in countries
            ]
            mentions += [(rowid, "country", m.id, m.start, m.end, m.text) for m in found_countries]
        if found_regions:
            region_ids = dict.fromkeys([m.id for m in found_regions])
            region_names = SEPARATOR.join(map(names_of_regions, region_ids))
            entry_regions += [(rowid, region, *shared) for region in region_ids]
            mentions += [(rowid, "region", m.id, m.start, m.end, m.text) for m in found_regions]
        named = record.organisations and [m for m in record.organisations if m.id in organisations]
        if named:
            org_ids = dict.fromkeys([m.id for m in named])
            org_names = SEPARATOR.join(map(names_of_organisations, org_ids))
            entry_organisations += [(rowid, org, *shared) for org in org_ids]
            mentions += [(rowid, "organisation", m.id, m.start, m.end, m.text) for m in named]
        if found_figures:
            displays = [format_figure(f) for f in found_figures]
            shown_figures = SEPARATOR.join(displays)
            figures += map(figure_row, repeat(rowid), found_figures, displays)
        years = ()
        if found_years:
            shown_years = SEPARATOR.join(dict.fromkeys([y.text for y in found_years]))
            years = year_rows(rowid, found_years, period_year)
            year_mentions += [
                (rowid, y.year_from, y.year_to, y.kind, y.text, y.start, y.end) for y in found_years
            ]
        if years:
            entry_years += years
        elif period_year:  # no year, or only ranges that end before they start
            entry_years.append((rowid, period_year, "period"))
        section_id, section = sections_of(piece.section_path)
        entries.append(
            (
                rowid,
                f"{document_id}-{rowid - next_entry + 1:04d}",
                document_id,
                edition_year,
                section_id,
                section,
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
                partner_codes,
                partner_names,
                region_names,
                org_names,
                shown_figures,
                shown_years,
            )
        )
    links = note_links(notes, referring)
    if links:
        _place_notes_with_their_text(entries, links, next_entry)
    tables = (sections, entries, entry_countries, entry_regions, entry_organisations)
    tables += (mentions, figures, year_mentions, entry_years, links)
    return list(zip(ROW_TABLES, tables, strict=True))


KIND_COLUMN = INSERT_COLUMNS["entries"].index("kind")
SECTION_COLUMN = INSERT_COLUMNS["entries"].index("section_id")  # "section" comes next


def _place_notes_with_their_text(entries: list[tuple], links: list[tuple], first: int) -> None:
    """Gives each note that is referred to the section of the first entry calling it."""
    # End notes follow a chapter's last heading, so where they are printed would file notes on
    # trafficking under "Cyberspace"; the sentence that calls a note is where it belongs. A
    # glossary sits under a heading of its own ("Glossary"), which says what it is: kept.
    first_caller: dict[int, int] = {}
    for referrer, note, _label in links:  # in entry order: the first kept is the first printed
        if entries[note - first][KIND_COLUMN] == "note":
            first_caller.setdefault(note, referrer)
    at = SECTION_COLUMN

    def home(rowid: int, seen: frozenset) -> tuple:
        caller = first_caller.get(rowid)
        if caller is None or rowid in seen:
            return entries[rowid - first][at : at + 2]
        # A note called by a note goes where that note goes, whichever is printed first.
        return home(caller, seen | {rowid})

    homes = {note: home(note, frozenset()) for note in first_caller}
    for note, section in homes.items():
        row = entries[note - first]
        entries[note - first] = (*row[:at], *section, *row[at + 2 :])


class _Memo(dict):
    """f(key), worked out once per key: for the few distinct keys of one document."""

    def __init__(self, f):
        super().__init__()
        self.f = f

    def __missing__(self, key):
        value = self[key] = self.f(key)
        return value

    __call__ = dict.__getitem__


def figure_row(rowid: int, f: Figure, display: str) -> tuple:
    return (
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


def year_rows(rowid: int, found: list[YearMention], period_year: int | None) -> list[tuple]:
    """(entry_id, year, "mentioned") of every year that the entry's mentions span: an
    open-ended one ("since 2007") runs to the document's period."""
    years = set()
    for y in found:
        last = y.year_to if y.year_to is not None else max(period_year or y.year_from, y.year_from)
        years.update(range(y.year_from, last + 1))
    return [(rowid, year, "mentioned") for year in sorted(years)]


def note_links(
    notes: dict[str, list[int]], referring: list[tuple[int, tuple[str, ...]]]
) -> list[tuple]:
    """(entry_id, note_entry_id, label) of every entry that refers to a note, once per pair,
    from the ids of each label's notes (lowercase, in order) and the references (entry id,
    labels) of the entries that make any, in entry order. A sentence's reference goes to the
    first note of its label printed after it, else to the last one before it; a note's to the
    nearest note of the label, either side; a note's own label is no reference."""
    # Numbers restart in each chapter of some reports: chapter 1's "Note 1" is the one that
    # chapter 1 prints next, not the last note 1 of the document. A note refers to one printed
    # in the same run of notes ("as in Note 1"), before or after it.
    if not notes:
        return []
    is_note = {rowid for printed in notes.values() for rowid in printed}
    rows = {}
    for rowid, labels in referring:
        for label in labels:
            printed = notes.get(label.lower())
            if printed is None:
                continue
            after = bisect_right(printed, rowid)
            before = printed[after - 1] if after else None
            if before == rowid:
                continue
            later = printed[after] if after < len(printed) else None
            if later is None or (
                before is not None and rowid in is_note and rowid - before <= later - rowid
            ):
                note = before
            else:
                note = later
            key = (rowid, note)
            if key not in rows:
                rows[key] = (*key, label)
    return list(rows.values())


@functools.cache
def _region_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for r in regions():
        names.setdefault(r.id, r.name)  # the first region of an id, as a search in order finds
    return names
