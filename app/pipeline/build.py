"""Builds the catalogue: reads every source, extracts entries, writes SQLite atomically."""

from __future__ import annotations

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
    unique,
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
        fill_catalogue(db, results, index, progress, cancelled)
    finally:
        db.close()


def fill_catalogue(
    db: sqlite_utils.Database,
    results: list[DocumentResult],
    index: OrganisationIndex,
    progress: Progress,
    cancelled,
) -> None:
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
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
    db["meta"].insert_all(
        [
            {"key": "schema_version", "value": str(schema.SCHEMA_VERSION)},
            {"key": "built_at", "value": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            {"key": "entries", "value": str(total)},
        ]
    )
    db.conn.commit()
    progress("indexing", 1, 1)


def write_vocabularies(db: sqlite_utils.Database, organisations: dict) -> None:
    db["domains"].insert_all(
        {"id": d.id, "label": d.label, "position": n} for n, d in enumerate(domains())
    )
    db["countries"].insert_all(
        {"code": c.alpha_3, "name": country_name(c.alpha_3), "alpha2": c.alpha_2}
        for c in sorted(pycountry.countries, key=lambda c: c.alpha_3)
    )
    db["regions"].insert_all({"id": r.id, "name": r.name, "kind": r.kind} for r in regions())
    db["region_members"].insert_all(
        {"region_id": r.id, "country_code": code} for r in regions() for code in r.members
    )
    db["organisations"].insert_all(
        {
            "id": o.id,
            "short": o.short,
            "name": o.name,
            "kind": o.kind,
            "source": o.source,
            "aliases": SEPARATOR.join(o.aliases),
        }
        for o in organisations.values()
    )


def write_sections(db, result: DocumentResult, next_id: int) -> tuple[int, dict]:
    rows, ids = [], {}
    for heading in result.parsed.headings:
        ids.setdefault(heading.path, next_id)
        rows.append(
            {
                "id": next_id,
                "document_id": result.source.id,
                "title": heading.title,
                "path": PATH_SEPARATOR.join(heading.path),
                "level": heading.level,
                "style": heading.style,
                "start": heading.start,
                "end": heading.end,
                "domain_id": heading_domain(heading.title),
            }
        )
        next_id += 1
    db["sections"].insert_all(rows)
    return next_id, ids


def write_entries(
    db, result: DocumentResult, sections: dict, organisations: dict, next_id: int
) -> int:
    doc = result.source
    db["documents"].insert(
        {
            "id": doc.id,
            "title": doc.title,
            "short_title": doc.short_title,
            "publisher": doc.publisher,
            "edition_year": doc.edition_year,
            "period": doc.period,
            "chapter": doc.chapter,
            "language": doc.language,
            "url": doc.url,
            "checksum": doc.checksum,
            "source_file": doc.path.name,
            "in_manifest": int(doc.in_manifest),
            "n_entries": len(result.records),
            "text": doc.text,
        }
    )
    entries, links, mentions, figures, year_mentions, entry_years = [], [], [], [], [], []
    rowids = {}
    for number, record in enumerate(result.records, 1):
        rowid = next_id + number - 1
        rowids[id(record)] = rowid
        piece = record.piece
        org_ids = unique(m.id for m in record.organisations if m.id in organisations)
        entries.append(
            {
                "id": rowid,
                "entry_id": f"{doc.id}-{number:04d}",
                "document_id": doc.id,
                "edition_year": doc.edition_year,
                "section_id": sections.get(piece.section_path),
                "section": PATH_SEPARATOR.join(piece.section_path),
                "paragraph": piece.paragraph,
                "sentence": piece.sentence,
                "kind": piece.kind,
                "label": piece.label,
                "domain_id": record.domain.domain,
                "domain_source": record.domain.source,
                "domain_reason": record.domain.reason,
                "quote": record.quote,
                "start": piece.start,
                "end": piece.end,
                "has_figure": int(bool(record.figures)),
                "countries": SEPARATOR.join(record.partner_codes),
                "country_names": SEPARATOR.join(country_name(c) for c in record.partner_codes),
                "regions": SEPARATOR.join(
                    region_name(r) for r in unique(m.id for m in record.regions)
                ),
                "organisations": SEPARATOR.join(
                    organisations[o].short or organisations[o].name for o in org_ids
                ),
                "figures": SEPARATOR.join(format_figure(f) for f in record.figures),
                "years": SEPARATOR.join(unique(y.text for y in record.years)),
            }
        )
        # The entry's own columns that filters use, repeated in its links (schema.SHARED).
        shared = {c: entries[-1][c] for c in schema.SHARED}
        for code in unique(m.id for m in record.countries):
            role = "donor" if code == DONOR else "partner"
            links.append(
                (
                    "entry_countries",
                    {"entry_id": rowid, "country_code": code, "role": role, **shared},
                )
            )
        for region in unique(m.id for m in record.regions):
            links.append(("entry_regions", {"entry_id": rowid, "region_id": region, **shared}))
        for org in org_ids:
            links.append(
                ("entry_organisations", {"entry_id": rowid, "organisation_id": org, **shared})
            )
        for dimension, found in (
            ("country", record.countries),
            ("region", record.regions),
            ("organisation", [m for m in record.organisations if m.id in organisations]),
        ):
            mentions.extend(
                {
                    "entry_id": rowid,
                    "dimension": dimension,
                    "ref_id": m.id,
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                }
                for m in found
            )
        figures.extend(
            {
                "entry_id": rowid,
                "kind": f.kind,
                "value": f.value,
                "currency": f.currency,
                "qualifier": f.qualifier,
                "unit": f.unit,
                "alt_value": f.alt_value,
                "alt_currency": f.alt_currency,
                "owner": f.owner,
                "text": f.text,
                "display": format_figure(f),
                "start": f.start,
                "end": f.end,
            }
            for f in record.figures
        )
        years = set()
        for y in record.years:
            year_mentions.append(
                {
                    "entry_id": rowid,
                    "year_from": y.year_from,
                    "year_to": y.year_to,
                    "kind": y.kind,
                    "text": y.text,
                    "start": y.start,
                    "end": y.end,
                }
            )
            last = (
                y.year_to
                if y.year_to is not None
                else max(doc.period_year or y.year_from, y.year_from)
            )
            years.update(range(y.year_from, last + 1))
        if years:
            entry_years.extend(
                {"entry_id": rowid, "year": y, "kind": "mentioned"} for y in sorted(years)
            )
        elif doc.period_year:
            entry_years.append({"entry_id": rowid, "year": doc.period_year, "kind": "period"})
    notes = note_links(result.records, rowids)
    db["entries"].insert_all(entries, batch_size=2000)
    for table in ("entry_countries", "entry_regions", "entry_organisations"):
        db[table].insert_all((row for name, row in links if name == table), batch_size=2000)
    db["mentions"].insert_all(mentions, batch_size=2000)
    db["figures"].insert_all(figures, batch_size=2000)
    db["year_mentions"].insert_all(year_mentions, batch_size=2000)
    db["entry_years"].insert_all(entry_years, batch_size=2000)
    db["note_links"].insert_all(notes, batch_size=2000)
    return next_id + len(result.records)


def note_links(records: list[EntryRecord], rowids: dict) -> list[dict]:
    by_label = {r.piece.label.lower(): r for r in records if r.piece.kind in ("note", "glossary")}
    rows = {}
    for record in records:
        for label in record.piece.note_refs:
            note = by_label.get(label.lower())
            if note is not None and note is not record:
                key = (rowids[id(record)], rowids[id(note)])
                rows.setdefault(key, {"entry_id": key[0], "note_entry_id": key[1], "label": label})
    return list(rows.values())


def region_name(region_id: str) -> str:
    return next((r.name for r in regions() if r.id == region_id), region_id)


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
