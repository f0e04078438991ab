"""The catalogue's tables, indexes and full-text index, created with sqlite-utils."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlite_utils

from app.pipeline.bitmaps import dimension_rows, term_rows

if TYPE_CHECKING:
    from app.pipeline.tally import CatalogueTally

# Bumped whenever a table or column changes; readers refuse other versions.
SCHEMA_VERSION = 3

SQLITE_HEADER = b"SQLite format 3\x00"  # what every SQLite database file starts with


def holds_database(path) -> bool:
    """Whether the file at `path` starts as every SQLite database does (False if it cannot
    be read)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


# Several values in one column (an entry's countries, an organisation's aliases) are joined by this.
SEPARATOR = "; "
# The headings above an entry, outermost first, are joined by this (sections.path, entries.section).
PATH_SEPARATOR = " › "

# Columns of `entries` that filters use, repeated in the link tables (entry_countries,
# entry_regions, entry_organisations) so that counts and facets over a link table need no
# join with the wide entries table (version 2).
SHARED = ("kind", "domain_id", "document_id", "has_figure")
SHARED_COLUMNS = {"kind": str, "domain_id": str, "document_id": str, "has_figure": int}

TABLES: dict[str, dict] = {
    "meta": {"columns": {"key": str, "value": str}, "pk": "key"},
    "documents": {
        "columns": {
            "id": str,
            "title": str,
            "short_title": str,
            "publisher": str,
            "edition_year": int,
            "period": str,
            "chapter": str,
            "language": str,
            "url": str,
            "checksum": str,
            "source_file": str,
            "in_manifest": int,
            "n_entries": int,
            "text": str,
        },
        "pk": "id",
    },
    "domains": {"columns": {"id": str, "label": str, "position": int}, "pk": "id"},
    "countries": {"columns": {"code": str, "name": str, "alpha2": str}, "pk": "code"},
    "regions": {"columns": {"id": str, "name": str, "kind": str}, "pk": "id"},
    "region_members": {
        "columns": {"region_id": str, "country_code": str},
        "pk": ("region_id", "country_code"),
        "foreign_keys": [("region_id", "regions", "id"), ("country_code", "countries", "code")],
    },
    "organisations": {
        "columns": {
            "id": str,
            "short": str,
            "name": str,
            "kind": str,
            "source": str,
            "aliases": str,
        },
        "pk": "id",
    },
    "sections": {
        "columns": {
            "id": int,
            "document_id": str,
            "title": str,
            "path": str,
            "level": int,
            "style": str,
            "start": int,
            "end": int,
            "domain_id": str,
        },
        "pk": "id",
        "foreign_keys": [("document_id", "documents", "id"), ("domain_id", "domains", "id")],
    },
    "entries": {
        "columns": {
            "id": int,
            "entry_id": str,
            "document_id": str,
            "edition_year": int,
            "section_id": int,
            "section": str,
            "paragraph": int,
            "sentence": int,
            "kind": str,
            "label": str,
            "domain_id": str,
            "domain_source": str,
            "domain_reason": str,
            "quote": str,
            "start": int,
            "end": int,
            "has_figure": int,
            # Display strings, joined once at build time so that pages and exports read one row.
            "countries": str,
            "country_names": str,
            "regions": str,
            "organisations": str,
            "figures": str,
            "years": str,
        },
        "pk": "id",
        "foreign_keys": [
            ("document_id", "documents", "id"),
            ("section_id", "sections", "id"),
            ("domain_id", "domains", "id"),
        ],
    },
    "entry_countries": {
        "columns": {"entry_id": int, "country_code": str, "role": str, **SHARED_COLUMNS},
        "pk": ("entry_id", "country_code"),
        "foreign_keys": [("entry_id", "entries", "id"), ("country_code", "countries", "code")],
    },
    "entry_regions": {
        "columns": {"entry_id": int, "region_id": str, **SHARED_COLUMNS},
        "pk": ("entry_id", "region_id"),
        "foreign_keys": [("entry_id", "entries", "id"), ("region_id", "regions", "id")],
    },
    "entry_organisations": {
        "columns": {"entry_id": int, "organisation_id": str, **SHARED_COLUMNS},
        "pk": ("entry_id", "organisation_id"),
        "foreign_keys": [
            ("entry_id", "entries", "id"),
            ("organisation_id", "organisations", "id"),
        ],
    },
    "mentions": {
        "columns": {
            "id": int,
            "entry_id": int,
            "dimension": str,
            "ref_id": str,
            "start": int,
            "end": int,
            "text": str,
        },
        "pk": "id",
        "foreign_keys": [("entry_id", "entries", "id")],
    },
    "figures": {
        "columns": {
            "id": int,
            "entry_id": int,
            "kind": str,
            "value": float,
            "currency": str,
            "qualifier": str,
            "unit": str,
            "alt_value": float,
            "alt_currency": str,
            "owner": str,
            "text": str,
            "display": str,
            "start": int,
            "end": int,
        },
        "pk": "id",
        "foreign_keys": [("entry_id", "entries", "id")],
    },
    "year_mentions": {
        "columns": {
            "id": int,
            "entry_id": int,
            "year_from": int,
            "year_to": int,
            "kind": str,
            "text": str,
            "start": int,
            "end": int,
        },
        "pk": "id",
        "foreign_keys": [("entry_id", "entries", "id")],
    },
    # One row per calendar year an entry concerns; entries that name no year get the
    # document's period (kind "period") so that a year filter never drops them silently.
    "entry_years": {
        "columns": {"entry_id": int, "year": int, "kind": str},
        "pk": ("entry_id", "year"),
        "foreign_keys": [("entry_id", "entries", "id")],
    },
    # Facet counts of the unfiltered catalogue per kind of text, made by finish(): the first
    # screen (body text) needs no scan. dimension: countries (partners), regions,
    # organisations, domains, documents or kinds; value: the facet's id; n: entries.
    "facet_counts": {
        "columns": {"dimension": str, "kind": str, "value": str, "n": int},
        "pk": ("dimension", "kind", "value"),
    },
    # The bitmap index (version 3, app.pipeline.bitmaps): for each dimension and value, one bit
    # per entry id from `first_byte` * 8 on. Counts and facets of any filter are then a few
    # AND and popcount operations instead of a scan of up to every entry.
    "bitmaps": {
        "columns": {"dimension": str, "value": str, "first_byte": int, "bits": bytes},
        "pk": ("dimension", "value"),
    },
    "note_links": {
        "columns": {"entry_id": int, "note_entry_id": int, "label": str},
        "pk": ("entry_id", "note_entry_id"),
        "foreign_keys": [("entry_id", "entries", "id"), ("note_entry_id", "entries", "id")],
    },
}

INDEXES: list[tuple[str, list[str]]] = [
    ("entries", ["document_id"]),
    ("entries", ["domain_id"]),
    ("entries", ["kind"]),
    ("entries", ["edition_year"]),
    ("entries", ["has_figure"]),
    # Pages in entry order within a kind and a domain or document; facets grouping by them.
    ("entries", ["kind", "domain_id"]),
    # Covering indexes for facets and counts over kind, domain, document and has_figure.
    ("entries", ["kind", "domain_id", "document_id", "has_figure"]),
    ("entries", ["kind", "document_id", "domain_id", "has_figure"]),
    ("entry_countries", ["country_code", "entry_id"]),
    ("entry_regions", ["region_id", "entry_id"]),
    ("entry_organisations", ["organisation_id", "entry_id"]),
    # Covering indexes for counts and facets read from the link tables alone. In the second of
    # each, entry_id follows the value, kind and domain: a page of one value, kind and domain
    # walks it in entry order and stops at the page's end, instead of sorting every match
    # (version 3; the combination at 1M: 10-17 ms -> under 1 ms).
    ("entry_countries", ["kind", "domain_id", "country_code", "role", "entry_id"]),
    (
        "entry_countries",
        ["country_code", "kind", "domain_id", "entry_id", "document_id", "has_figure"],
    ),
    ("entry_regions", ["kind", "domain_id", "region_id", "entry_id"]),
    ("entry_regions", ["region_id", "kind", "domain_id", "entry_id", "document_id", "has_figure"]),
    ("entry_organisations", ["kind", "domain_id", "organisation_id", "entry_id"]),
    (
        "entry_organisations",
        ["organisation_id", "kind", "domain_id", "entry_id", "document_id", "has_figure"],
    ),
    ("entry_years", ["year", "entry_id"]),
    ("mentions", ["entry_id"]),
    ("figures", ["entry_id"]),
    ("year_mentions", ["entry_id"]),
    ("note_links", ["note_entry_id"]),
    ("region_members", ["country_code"]),
    ("sections", ["document_id"]),
]

# What facet_counts holds: dimension -> (table, value column, condition).
FACET_COUNTS = {
    "countries": ("entry_countries", "country_code", "role = 'partner'"),
    "regions": ("entry_regions", "region_id", "1"),
    "organisations": ("entry_organisations", "organisation_id", "1"),
    "domains": ("entries", "domain_id", "1"),
    "documents": ("entries", "document_id", "1"),
    "kinds": ("entries", "kind", "1"),
}

# The facet dimensions whose value is a column of `entries`: dimension -> column.
ENTRY_FACETS = {
    dimension: column
    for dimension, (table, column, _) in FACET_COUNTS.items()
    if table == "entries"
}

FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"


def create_tables(db: sqlite_utils.Database) -> None:
    for name, spec in TABLES.items():
        db[name].create(
            spec["columns"],
            pk=spec["pk"],
            foreign_keys=spec.get("foreign_keys"),
            not_null=None,
        )


def create_indexes(db: sqlite_utils.Database) -> None:
    """The indexes and the full-text index (filled by index_entries()). Before the rows, a
    build indexes them as it writes them, while its workers extract the next documents, rather
    than reading every table again at the end with nothing else left to do."""
    for table, columns in INDEXES:
        db[table].create_index(columns, find_unique_name=True)
    db["entries"].enable_fts(["quote"], fts_version="FTS5", tokenize=FTS_TOKENIZE)


def index_entries(db: sqlite_utils.Database, first: int) -> None:
    """Adds the entries from id `first` on to the full-text index made by create_indexes()."""
    db.conn.execute(
        "INSERT INTO entries_fts (rowid, quote) SELECT id, quote FROM entries WHERE id >= ?",
        [first],
    )


def finish(
    db: sqlite_utils.Database,
    indexed: bool = False,
    tally: CatalogueTally | None = None,
    meanwhile: Callable[[], object] = lambda: None,
) -> None:
    """Indexes (unless `indexed`: create_indexes() came first), facet counts, the bitmap
    index, the schema version and statistics: the last steps of a build. A build that added
    up its facet counts and bitmaps as it wrote (tally.CatalogueTally) passes them as `tally`;
    otherwise they are read from the tables. `meanwhile()` is called once the rows are
    committed, while other processes read the frequent words (a build starts syncing the
    file to disk)."""
    if not indexed:
        create_indexes(db)
    facets = facet_count_rows(db) if tally is None else tally.facet_rows()
    db.conn.executemany("INSERT INTO facet_counts VALUES (?, ?, ?, ?)", facets)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    dimensions = dimension_rows(db) if tally is None else tally.bitmap_rows()

    def gather() -> None:
        meanwhile()
        # The planner's statistics: a build counted its rows' (tally.write_statistics), else
        # ANALYZE reads every table.
        if tally is None:
            db.execute("ANALYZE")
        else:
            tally.write_statistics(db, skip=["bitmaps"])

    # The frequent words' bitmaps read the full-text index, complete by now: other processes
    # read them while this one gathers the statistics of everything else.
    terms = term_rows(db, FTS_TOKENIZE, meanwhile=gather)
    db.conn.executemany("INSERT INTO bitmaps VALUES (?, ?, ?, ?)", [*dimensions, *terms])
    db.execute("ANALYZE bitmaps")  # its statistics with its rows in


def facet_count_rows(db: sqlite_utils.Database) -> list[tuple]:
    """The rows of facet_counts, read from the tables."""
    rows = []
    for dimension, (table, column, condition) in FACET_COUNTS.items():
        rows += db.execute(
            f"SELECT ?, kind, {column}, count(*) FROM {table}"
            f" WHERE {condition} GROUP BY kind, {column}",
            [dimension],
        ).fetchall()
    return rows
