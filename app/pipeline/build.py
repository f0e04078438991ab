"""Builds the catalogue: reads every source, extracts entries, writes SQLite atomically."""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pycountry
import sqlite_utils

from app.export import atomic
from app.pipeline import schema, workers
from app.pipeline.domains import DomainChoice, heading_domain
from app.pipeline.extract import (
    DONOR,
    EntryRecord,
    extract,
    resolve_owners_from_paragraph,
)
from app.pipeline.figures import format_figure
from app.pipeline.model import Heading, ParsedDocument, Piece
from app.pipeline.organisations import OrganisationIndex
from app.pipeline.places import country_name, regions
from app.pipeline.reader import read_document
from app.pipeline.report import BuildReport
from app.pipeline.sources import BuildError, SourceDocument, discover
from app.resources import domains

Progress = Callable[[str, int, int], None]  # stage, done, total
SEPARATOR = "; "
PATH_SEPARATOR = " › "
ORGANISATION_KINDS = ("organisation", "programme")
CACHE_KIB = 256 * 1024  # SQLite's page cache while building: indexes sort in memory
TEMP_SUFFIX = ".tmp"  # temporary catalogues: .<name>.<random>.tmp beside the target


class BuildCancelled(Exception):
    """The caller asked the build to stop; the old catalogue is untouched."""


@dataclass
class DocumentResult:
    source: SourceDocument
    parsed: ParsedDocument
    records: list[EntryRecord]


def build_catalogue(
    sources: Path,
    out: Path,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BuildReport:
    """Build `out` from the .txt reports in `sources`; `out` is replaced only on success."""
    progress = progress or (lambda stage, done, total: None)
    cancelled = cancelled or (lambda: False)
    started = time.perf_counter()
    documents = discover(Path(sources))
    results, organisations = analyse(documents, progress, cancelled)
    out = Path(out)
    write_atomically(
        out, lambda tmp: write_catalogue(tmp, results, organisations, progress, cancelled)
    )
    report = BuildReport.from_results(results, organisations)
    report.seconds = time.perf_counter() - started
    report.out = out
    return report


def write_atomically(out: Path, write: Callable[[Path], None]) -> None:
    """Run `write` on a temporary file beside `out`, then move it into place: `out` is the old
    catalogue or the whole new one, whatever fails or whenever the process is killed.
    Temporaries of killed builds (`.<name>.<random>.tmp`) are removed by the next build."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with atomic.temporary_for(out, TEMP_SUFFIX) as tmp:
            write(tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, out)
            atomic.sync_folder(out.parent)
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BuildError(
            f"{out.name}: cannot write the catalogue ({reason}); the old one is unchanged"
        ) from exc


def analyse(
    documents: list[SourceDocument], progress: Progress, cancelled, processes: int | None = None
) -> tuple[list[DocumentResult], OrganisationIndex]:
    """Read and extract every document; reading and extracting run in worker processes on
    large corpora (`processes`: how many, default per workers.processes_for), learning the
    organisations in between in this one. The results are the same whatever the number."""
    if processes is None:
        processes = workers.processes_for([doc.text for doc in documents])
    with workers.gc_paused():
        return _analyse(documents, progress, cancelled, processes)


def _analyse(
    documents: list[SourceDocument], progress: Progress, cancelled, processes: int
) -> tuple[list[DocumentResult], OrganisationIndex]:
    parsed = []
    with workers.in_order(
        lambda n: read_structure(documents[n]), len(documents), processes
    ) as done:
        for number, (doc, (headings, pieces)) in enumerate(zip(documents, done, strict=True), 1):
            if cancelled():
                raise BuildCancelled()
            parsed.append(ParsedDocument(doc.text, headings, pieces))
            if not headings:
                doc.warnings.append(
                    f"{doc.path.name}: no headings found; its entries have no section"
                )
            progress("reading", number, len(documents))
    # Definitions anywhere in the corpus name the organisation everywhere, so learn them first.
    index = OrganisationIndex()
    for doc, parsed_doc in zip(documents, parsed, strict=True):
        for piece in parsed_doc.pieces:
            index.learn(doc.text[piece.start : piece.end], base=piece.start)
    # Where each document starts reading, so that any process can extract any document.
    positions = []
    for doc, parsed_doc in zip(documents, parsed, strict=True):
        positions.append(index.position())
        for piece in parsed_doc.pieces:
            index.read_past(doc.text[piece.start : piece.end])
    end = index.position()

    def extract_document(number: int) -> list[EntryRecord]:
        index.move_to(positions[number])
        text = documents[number].text
        records = [extract(piece, text, index) for piece in parsed[number].pieces]
        inherit_note_domains(records)
        resolve_owners_from_paragraph(records)
        for record in records:
            record.piece = record.quote = None  # this process has both: spare sending them
        return records

    results = []
    with workers.in_order(extract_document, len(documents), processes) as done:
        for number, (doc, records) in enumerate(zip(documents, done, strict=True), 1):
            if cancelled():
                raise BuildCancelled()
            parsed_doc = parsed[number - 1]
            for record, piece in zip(records, parsed_doc.pieces, strict=True):
                record.piece, record.quote = piece, doc.text[piece.start : piece.end]
            results.append(DocumentResult(doc, parsed_doc, records))
            progress("extracting", number, len(documents))
    index.move_to(end)  # where reading every document in this process would have left it
    results.sort(key=lambda r: (r.source.edition_year or 0, r.source.id))
    return results, index


def read_structure(doc: SourceDocument) -> tuple[list[Heading], list[Piece]]:
    """A document's headings and pieces (not its text, which a worker need not send back)."""
    parsed = read_document(doc.text)
    return parsed.headings, parsed.pieces


def inherit_note_domains(records: list[EntryRecord]) -> None:
    """A note takes the domain of the first entry that refers to it."""
    by_label = {r.piece.label.lower(): r for r in records if r.piece.kind in ("note", "glossary")}
    for record in records:
        if record.piece.kind in ("note", "glossary"):
            continue
        if not (record.domain and record.domain.domain):
            continue  # a reference from undecided text decides nothing; a later one may
        for label in record.piece.note_refs:
            note = by_label.pop(label.lower(), None)
            if note:
                note.domain = DomainChoice(
                    record.domain.domain, record.domain.source, "the entry that refers to it"
                )


def write_catalogue(
    path: Path,
    results: list[DocumentResult],
    index: OrganisationIndex,
    progress: Progress,
    cancelled,
) -> None:
    # The temporary file is new and empty: SQLite makes a database of it (no `recreate`, which
    # would delete and re-create it and lose the lock that marks it as in use).
    db = sqlite_utils.Database(path)
    try:
        with workers.gc_paused():  # millions of row tuples and lists, no reference cycles
            fill_catalogue(db, results, index, progress, cancelled)
    finally:
        db.close()


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


def insert_rows(db: sqlite_utils.Database, table: str, rows) -> None:
    """Write `rows` (tuples in INSERT_COLUMNS[table] order) in the open transaction."""
    db.conn.executemany(INSERTS[table], rows)


def fill_catalogue(
    db: sqlite_utils.Database,
    results: list[DocumentResult],
    index: OrganisationIndex,
    progress: Progress,
    cancelled,
) -> None:
    # A new file that only this build writes: no journal, no syncs until the end (the file is
    # synced before it replaces the catalogue), sorts for indexes in memory, one lock held.
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
    db.execute("PRAGMA temp_store = MEMORY")
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    schema.create_tables(db)
    # Agreements are named in the text but are not actors: the dimension is organisations and
    # programmes, as users filter it.
    organisations = {o.id: o for o in index.organisations() if o.kind in ORGANISATION_KINDS}
    write_vocabularies(db, organisations)
    total = sum(len(r.records) for r in results)
    next_entry = next_section = 1
    written = 0
    for result in results:
        if cancelled():
            raise BuildCancelled()
        next_section, sections = write_sections(db, result, next_section)
        next_entry = write_entries(db, result, sections, organisations, next_entry)
        written += len(result.records)
        progress("writing", written, total)
    progress("indexing", 0, 1)
    schema.finish(db)
    insert_rows(
        db,
        "meta",
        [
            ("schema_version", str(schema.SCHEMA_VERSION)),
            ("built_at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
            ("entries", str(total)),
        ],
    )
    db.conn.commit()
    progress("indexing", 1, 1)


def write_vocabularies(db: sqlite_utils.Database, organisations: dict) -> None:
    insert_rows(db, "domains", [(d.id, d.label, n) for n, d in enumerate(domains())])
    insert_rows(
        db,
        "countries",
        [
            (c.alpha_3, country_name(c.alpha_3), c.alpha_2)
            for c in sorted(pycountry.countries, key=lambda c: c.alpha_3)
        ],
    )
    insert_rows(db, "regions", [(r.id, r.name, r.kind) for r in regions()])
    insert_rows(db, "region_members", [(r.id, code) for r in regions() for code in r.members])
    insert_rows(
        db,
        "organisations",
        [
            (o.id, o.short, o.name, o.kind, o.source, SEPARATOR.join(o.aliases))
            for o in organisations.values()
        ],
    )


def write_sections(db, result: DocumentResult, next_id: int) -> tuple[int, dict]:
    rows, ids = [], {}
    document_id = result.source.id
    for heading in result.parsed.headings:
        ids.setdefault(heading.path, next_id)
        rows.append(
            (
                next_id,
                document_id,
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
    insert_rows(db, "sections", rows)
    return next_id, ids


def write_entries(
    db, result: DocumentResult, sections: dict, organisations: dict, next_id: int
) -> int:
    """Write a document and its entries, building every row of an entry in one pass."""
    doc = result.source
    insert_rows(
        db,
        "documents",
        [
            (
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
                len(result.records),
                doc.text,
            )
        ],
    )
    entries, mentions, figures, year_mentions, entry_years = [], [], [], [], []
    entry_countries, entry_regions, entry_organisations = [], [], []
    document_id, edition_year, period_year = doc.id, doc.edition_year, doc.period_year
    section_ids, region_names = sections.get, _region_names()
    rowids = {}
    rowid = next_id - 1
    for record in result.records:
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
                f"{document_id}-{rowid - next_id + 1:04d}",
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
    insert_rows(db, "entries", entries)
    insert_rows(db, "entry_countries", entry_countries)
    insert_rows(db, "entry_regions", entry_regions)
    insert_rows(db, "entry_organisations", entry_organisations)
    insert_rows(db, "mentions", mentions)
    insert_rows(db, "figures", figures)
    insert_rows(db, "year_mentions", year_mentions)
    insert_rows(db, "entry_years", entry_years)
    insert_rows(db, "note_links", note_links(result.records, rowids))
    return next_id + len(result.records)


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


def region_name(region_id: str) -> str:
    return _region_names().get(region_id, region_id)


@functools.cache
def _region_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for r in regions():
        names.setdefault(r.id, r.name)  # the first region of an id, as a search in order finds
    return names


def content_digest(path: Path) -> str:
    """A digest of everything a catalogue holds but its build time: equal digests, equal content."""
    digest = hashlib.sha256()
    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        digest.update(str(conn.execute("PRAGMA user_version").fetchone()[0]).encode())
        for table in schema.TABLES:
            where = " WHERE key != 'built_at'" if table == "meta" else ""
            for row in conn.execute(f"SELECT * FROM [{table}]{where} ORDER BY 1, 2"):
                digest.update(repr(tuple(row)).encode())
    finally:
        conn.close()
    return digest.hexdigest()
