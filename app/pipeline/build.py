"""Builds the catalogue: reads every source, extracts entries, writes SQLite atomically."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pycountry
import sqlite_utils

from app.export import atomic
from app.pipeline import schema, workers
from app.pipeline.corpus import BuildCancelled, Corpus, Progress, read_corpus
from app.pipeline.extract import EntryRecord
from app.pipeline.model import ParsedDocument
from app.pipeline.organisations import OrganisationIndex
from app.pipeline.places import country_name, regions
from app.pipeline.report import BuildReport, DocumentSummary
from app.pipeline.rows import (
    COPIES,
    INSERTS,
    SEPARATOR,
    document_row,
    document_rows,
    rows_database,
)
from app.pipeline.sources import BuildError, SourceDocument, discover
from app.pipeline.tally import CatalogueTally, DocumentTally, tally_document
from app.resources import domains

CACHE_KIB = 256 * 1024  # SQLite's page cache while building: the indexes' busy pages
FTS_MERGE = 16  # full-text index segments merged at a time while building (FTS5's default: 4)
TEMP_SUFFIX = ".tmp"  # temporary catalogues: .<name>.<random>.tmp beside the target
ORGANISATION_KINDS = ("organisation", "programme")


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
    out = Path(out)
    refuse_a_source(Path(sources), out)
    report = BuildReport()
    documents = discover(Path(sources))
    processes = workers.processes_for([doc.text for doc in documents])
    with workers.gc_paused():  # millions of objects and row tuples, no reference cycles
        # No other reference to the corpus: the build lets it go once its rows are written.
        layout = Layout.of(read_corpus(documents, progress, cancelled, processes))
        report.stages["reading and learning"] = time.perf_counter() - started
        # Workers extract documents while this process writes those they have finished; they
        # are forked before the temporary catalogue exists, so that they hold none of it.
        with workers.in_order(layout.rows, len(documents), processes) as done:
            write_atomically(
                out, lambda tmp: write_catalogue(tmp, layout, done, report, progress, cancelled)
            )
    report.close()
    report.seconds = time.perf_counter() - started
    report.out = out
    return report


def refuse_a_source(sources: Path, out: Path) -> None:
    """A build never replaces a file of its sources folder (a report, the manifest) by a
    catalogue: `--out` naming one by mistake would lose that text. An earlier catalogue there
    may be replaced."""
    inside = out.is_file() and sources.resolve() in out.resolve().parents
    if inside and not schema.holds_database(out):
        raise BuildError(
            f"Will not replace {out}: it is a file of the sources folder, not a catalogue"
            " (choose another --out)."
        )


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
            atomic.replace(tmp, out, TEMP_SUFFIX)  # an old catalogue is deleted in a thread
            atomic.sync_folder(out.parent)
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BuildError(
            f"{out.name}: cannot write the catalogue ({reason}); the old one is unchanged"
        ) from exc


def analyse(
    documents: list[SourceDocument], progress: Progress, cancelled, processes: int | None = None
) -> tuple[list[DocumentResult], OrganisationIndex]:
    """Every document's records, as a build extracts them (in worker processes on large
    corpora; `processes`: how many, default per workers.processes_for), in catalogue order,
    and the organisations learnt. The results are the same whatever the number."""
    if processes is None:
        processes = workers.processes_for([doc.text for doc in documents])
    with workers.gc_paused():
        corpus = read_corpus(documents, progress, cancelled, processes)

        def extract_document(number: int) -> list[EntryRecord]:
            records = corpus.extract(number)
            for record in records:
                record.piece = record.quote = None  # this process has both: spare sending them
            return records

        results = []
        with workers.in_order(extract_document, len(documents), processes) as done:
            for number, (doc, records) in enumerate(zip(documents, done, strict=True), 1):
                if cancelled():
                    raise BuildCancelled()
                parsed_doc = corpus.parsed[number - 1]
                for record, piece in zip(records, parsed_doc.pieces, strict=True):
                    record.piece, record.quote = piece, doc.text[piece.start : piece.end]
                results.append(DocumentResult(doc, parsed_doc, records))
                progress("extracting", number, len(documents))
    corpus.index.move_to(corpus.end)  # where reading every document in this process leaves it
    results.sort(key=lambda r: (r.source.edition_year or 0, r.source.id))
    return results, corpus.index


@dataclass
class Layout:
    """Where each document goes in the catalogue: its place in catalogue order, and the ids its
    entries (one per piece) and sections (one per heading) number from, so that any process
    can build the rows of any document."""

    corpus: Corpus | None  # None once released
    order: list[int]  # document numbers in catalogue order
    first_entry: list[int]  # by place in that order
    first_section: list[int]
    organisations: dict  # id -> Organisation, of the kinds the catalogue lists

    @classmethod
    def of(cls, corpus: Corpus) -> Layout:
        order = corpus.catalogue_order()
        first_entry, first_section = [], []
        next_entry = next_section = 1
        for number in order:
            first_entry.append(next_entry)
            first_section.append(next_section)
            next_entry += corpus.parsed[number].piece_count()
            next_section += len(corpus.parsed[number].headings)
        # Agreements are named in the text but are not actors: the dimension is organisations
        # and programmes, as users filter it.
        organisations = {
            o.id: o for o in corpus.index.organisations() if o.kind in ORGANISATION_KINDS
        }
        return cls(corpus, order, first_entry, first_section, organisations)

    def release(self) -> None:
        """Let the corpus go (every document's pieces and headings, the organisations learnt)
        once every document's rows are written: freeing its millions of objects takes a
        100 MB build about 0.1 s, better spent while other processes read the frequent words
        than at the end; and the garbage collector, on again after the build, would walk
        them all once more (0.2 s) before they are freed anyway."""
        self.corpus = None

    def document(self, place: int) -> tuple[SourceDocument, int]:
        """The document at `place` in catalogue order, and its number of entries."""
        number = self.order[place]
        return self.corpus.documents[number], self.corpus.parsed[number].piece_count()

    def rows(self, place: int) -> tuple[bytes, DocumentSummary, DocumentTally]:
        """The rows of the document at `place` in catalogue order (rows_database()), its
        part of the report, and its facet counts and bitmaps."""
        number = self.order[place]
        doc, headings = self.corpus.documents[number], self.corpus.parsed[number].headings
        records = self.corpus.extract(number)
        rows = document_rows(
            doc,
            headings,
            records,
            self.organisations,
            self.first_entry[place],
            self.first_section[place],
        )
        summary = DocumentSummary.of(doc, headings, records, self.corpus.index)
        return rows_database(rows), summary, tally_document(rows)


def write_catalogue(
    path: Path,
    layout: Layout,
    done: Iterator[tuple[bytes, DocumentSummary, DocumentTally]],
    report: BuildReport,
    progress: Progress,
    cancelled,
) -> None:
    """Write the catalogue from `done`: each document's rows and part of the report, in
    catalogue order, as Layout.rows() makes them."""
    # The temporary file is new and empty: SQLite makes a database of it (no `recreate`, which
    # would delete and re-create it and lose the lock that marks it as in use).
    db = sqlite_utils.Database(path)
    syncing = EarlySync(path)
    try:
        fill_catalogue(db, layout, done, report, progress, cancelled, syncing.start)
    finally:
        syncing.join()
        db.close()


class EarlySync:
    """Syncs a file to disk in a thread, started once the catalogue's rows are committed: they
    are written out while the build's last steps run, and the sync before the catalogue
    replaces the old one has only those steps' pages left (a 100 MB build: 0.45 s of waiting
    at the end, overlapped with the frequent words' reading instead). The thread starts
    after the build's last worker processes are forked, and is joined before it returns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        # Failures are left to the sync before the move, which reports them.
        sync = lambda: atomic.sync_path(self.path, os.O_RDWR)  # noqa: E731
        self.thread = threading.Thread(target=sync, name="early sync", daemon=True)
        self.thread.start()

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()


def insert_rows(db: sqlite_utils.Database, table: str, rows) -> None:
    """Write `rows` (tuples in rows.INSERT_COLUMNS[table] order) in the open transaction."""
    db.conn.executemany(INSERTS[table], rows)


def fill_catalogue(
    db: sqlite_utils.Database,
    layout: Layout,
    done: Iterator[tuple[bytes, DocumentSummary, DocumentTally]],
    report: BuildReport,
    progress: Progress,
    cancelled,
    committed: Callable[[], object] = lambda: None,
) -> None:
    """Write the catalogue's rows and indexes; `committed()` is called once its rows are
    committed (schema.finish's `meanwhile`)."""
    started = time.perf_counter()
    # A new file that only this build writes: no journal, no syncs until the end (the file is
    # synced before it replaces the catalogue), temporary data in memory, one lock held (until
    # the frequent words are read from the finished file, bitmaps.term_rows).
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
    db.execute("PRAGMA temp_store = MEMORY")
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    # Nothing in a new file needs overwriting when deleted (SQLite may be built to zero what
    # index page splits and full-text merges free, as this one is: 10-15% of the inserts).
    db.execute("PRAGMA secure_delete = OFF")
    # Each document's rows come as a database of their own (rows_database()), attached here.
    db.execute("ATTACH ':memory:' AS incoming")
    schema.create_tables(db)
    schema.create_indexes(db)
    # Fewer, larger merges of the full-text index while it grows (FTS5's default merges 4
    # segments at a time): a quarter less time indexing, the same searches.
    db.execute("INSERT INTO entries_fts(entries_fts, rank) VALUES ('automerge', ?)", [FTS_MERGE])
    write_vocabularies(db, layout.organisations)
    count = len(layout.order)
    total = sum(p.piece_count() for p in layout.corpus.parsed)
    written = 0
    tally = CatalogueTally()
    for place, (rows_of_document, summary, document_tally) in enumerate(done):
        if cancelled():
            raise BuildCancelled()
        progress("extracting", place + 1, count)
        if cancelled():
            raise BuildCancelled()
        document, entries = layout.document(place)
        insert_rows(db, "documents", [document_row(document, entries)])
        db.conn.deserialize(rows_of_document, name="incoming")
        for copy in COPIES.values():
            db.conn.execute(copy)
        schema.index_entries(db, layout.first_entry[place])
        report.add(document, entries, summary)
        tally.add(document_tally)
        written += entries
        progress("writing", written, total)
    if cancelled():
        raise BuildCancelled()
    report.stages["extracting and writing"] = time.perf_counter() - started
    progress("indexing", 0, 1)
    started = time.perf_counter()
    # The setting was for this build's writes: the catalogue keeps FTS5's defaults, as before.
    db.execute("DELETE FROM entries_fts_config WHERE k = 'automerge'")

    def meanwhile() -> None:
        committed()
        layout.release()

    schema.finish(db, indexed=True, tally=tally, meanwhile=meanwhile)
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
    report.stages["indexing"] = time.perf_counter() - started
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
