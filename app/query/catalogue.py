"""Read-only access to a catalogue: counts, pages, facets and details for any filter."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.pipeline.schema import SCHEMA_VERSION
from app.query.filters import Filters

# What the query layer can sort by: column key -> SQL expression(s). Anything else is refused.
SORT_KEYS = {
    "entry_id": ["e.id"],
    "document": ["e.edition_year", "e.document_id"],
    "edition_year": ["e.edition_year"],
    "section": ["e.section"],
    "kind": ["e.kind"],
    "domain": ["e.domain_id"],
    "countries": ["e.countries"],
    "country_names": ["e.country_names"],
    "regions": ["e.regions"],
    "organisations": ["e.organisations"],
    "figures": ["e.figures"],
    "years": ["e.years"],
    "quote": ["e.quote"],
    "source_file": ["e.document_id"],
    "start": ["e.start"],
    "end": ["e.end"],
}
ROW_SELECT = """
SELECT e.id AS id, e.entry_id, d.title AS document, e.edition_year, e.section, e.kind,
       e.domain_id AS domain, coalesce(dm.label, '') AS domain_label, e.countries,
       e.country_names, e.regions, e.organisations, e.figures, e.years, e.quote,
       d.source_file, e.start, e."end" AS "end", e.document_id
FROM entries e
JOIN documents d ON d.id = e.document_id
LEFT JOIN domains dm ON dm.id = e.domain_id
"""
REQUIRED_TABLES = {"entries", "documents", "entries_fts", "entry_countries", "meta"}
FACETS = {
    "countries": (
        "SELECT ec.country_code, c.name, count(*) FROM entry_countries ec"
        " JOIN countries c ON c.code = ec.country_code JOIN entries e ON e.id = ec.entry_id"
        " WHERE ec.role = 'partner' AND {where} GROUP BY ec.country_code"
    ),
    "regions": (
        "SELECT er.region_id, r.name, count(*) FROM entry_regions er"
        " JOIN regions r ON r.id = er.region_id JOIN entries e ON e.id = er.entry_id"
        " WHERE {where} GROUP BY er.region_id"
    ),
    "organisations": (
        "SELECT eo.organisation_id, coalesce(nullif(o.short, ''), o.name), count(*)"
        " FROM entry_organisations eo JOIN organisations o ON o.id = eo.organisation_id"
        " JOIN entries e ON e.id = eo.entry_id WHERE {where} GROUP BY eo.organisation_id"
    ),
    "domains": (
        "SELECT e.domain_id, dm.label, count(*) FROM entries e"
        " JOIN domains dm ON dm.id = e.domain_id WHERE {where} GROUP BY e.domain_id"
    ),
    "documents": (
        "SELECT e.document_id, d.short_title || ' ' || d.edition_year, count(*) FROM entries e"
        " JOIN documents d ON d.id = e.document_id WHERE {where} GROUP BY e.document_id"
    ),
    "kinds": "SELECT e.kind, e.kind, count(*) FROM entries e WHERE {where} GROUP BY e.kind",
    "years": (
        "SELECT y.year, y.year, count(DISTINCT y.entry_id) FROM entry_years y"
        " JOIN entries e ON e.id = y.entry_id WHERE {where} GROUP BY y.year"
    ),
}


EVERYTHING = Filters()  # frozen, so a safe shared default


class CatalogueError(Exception):
    """The catalogue cannot be opened or read; the message says what to do."""


@dataclass(frozen=True)
class Facet:
    id: str
    label: str
    count: int


def open_readonly(path: Path) -> sqlite3.Connection:
    """Open without ever writing: immutable, so SQLite does not even create a journal."""
    path = Path(path)
    if not path.is_file():
        raise CatalogueError(
            f"No catalogue at {path}. Build one with `catalogue build --out {path}`."
        )
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise CatalogueError(
            f"{path} is damaged or not a catalogue ({exc}). Rebuild it with `catalogue build`."
        ) from exc
    if not REQUIRED_TABLES <= tables:
        conn.close()
        raise CatalogueError(f"{path} is not a catalogue (tables missing). Rebuild it.")
    if version != SCHEMA_VERSION:
        conn.close()
        raise CatalogueError(
            f"{path} has schema version {version}; this app reads version {SCHEMA_VERSION}. "
            "Rebuild it with `catalogue build`."
        )
    conn.row_factory = sqlite3.Row
    return conn


class Catalogue:
    """The one way to read a catalogue: the GUI, the command line and the exporter use it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.conn = open_readonly(self.path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- entries -------------------------------------------------------------------------
    def count(self, filters: Filters = EVERYTHING) -> int:
        where, params = filters.compile()
        return self.conn.execute(
            f"SELECT count(*) FROM entries e WHERE {where}", params
        ).fetchone()[0]

    def order_clause(self, sort: str | None, descending: bool) -> str:
        direction = " DESC" if descending else ""
        keys = SORT_KEYS.get(sort or "entry_id")
        if keys is None:
            raise ValueError(f"cannot sort by {sort!r}")
        # e.id last: a stable order for equal keys, the same in the GUI and the export.
        return ", ".join([f"{k}{direction}" for k in keys] + [f"e.id{direction}"])

    def query(self, filters: Filters, sort: str | None = None, descending: bool = False):
        where, params = filters.compile()
        order = self.order_clause(sort, descending)
        return f"{ROW_SELECT} WHERE {where} ORDER BY {order}", params

    def rows(
        self,
        filters: Filters = EVERYTHING,
        sort: str | None = None,
        descending: bool = False,
        offset: int = 0,
        limit: int = 200,
    ) -> list[dict]:
        sql, params = self.query(filters, sort, descending)
        return self.dicts(f"{sql} LIMIT ? OFFSET ?", [*params, limit, offset])

    def iter_rows(
        self, filters: Filters = EVERYTHING, sort: str | None = None, descending: bool = False
    ) -> Iterator[dict]:
        sql, params = self.query(filters, sort, descending)
        for row in self.conn.execute(sql, params):
            yield dict(row)

    def rows_by_id(self, ids: list[int], sort: str | None = None, descending: bool = False):
        """Given entries (a selection), in the given sort order."""
        marks = ", ".join("?" * len(ids))
        order = self.order_clause(sort, descending)
        sql = f"{ROW_SELECT} WHERE e.id IN ({marks}) ORDER BY {order}"
        return self.dicts(sql, ids)

    # -- facets and vocabularies ---------------------------------------------------------
    def facet(self, dimension: str, filters: Filters = EVERYTHING) -> list[Facet]:
        """Values of one dimension with the number of entries each would give, honouring
        every other active filter; most frequent first."""
        where, params = filters.without(dimension).compile()
        sql = FACETS[dimension].format(where=where)
        found = [Facet(str(i), str(label), n) for i, label, n in self.conn.execute(sql, params)]
        if dimension == "years":
            return sorted(found, key=lambda f: f.id)
        return sorted(found, key=lambda f: (-f.count, f.label.lower()))

    def labels(self) -> dict[str, dict[str, str]]:
        q = self.conn.execute
        return {
            "countries": dict(q("SELECT code, name FROM countries").fetchall()),
            "regions": dict(q("SELECT id, name FROM regions").fetchall()),
            "organisations": dict(
                q("SELECT id, coalesce(nullif(short, ''), name) FROM organisations").fetchall()
            ),
            "domains": dict(q("SELECT id, label FROM domains").fetchall()),
            "documents": dict(
                q("SELECT id, short_title || ', ' || edition_year || ' edition' FROM documents")
            ),
            "kinds": {},
        }

    def describe(self, filters: Filters) -> str:
        return filters.describe(self.labels())

    def documents(self) -> list[dict]:
        sql = (
            "SELECT id, title, short_title, publisher, edition_year, period, chapter, language,"
            " url, checksum, source_file, in_manifest, n_entries FROM documents"
            " ORDER BY edition_year, id"
        )
        return self.dicts(sql)

    def document_text(self, document_id: str) -> str:
        row = self.conn.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise KeyError(document_id)
        return row[0]

    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta").fetchall())

    def domains(self) -> list[dict]:
        return self.dicts("SELECT id, label FROM domains ORDER BY position")

    def region_members(self, region_id: str) -> list[str]:
        sql = "SELECT country_code FROM region_members WHERE region_id = ? ORDER BY country_code"
        return [r[0] for r in self.conn.execute(sql, [region_id])]

    # -- one entry -----------------------------------------------------------------------
    def dicts(self, sql: str, params=()) -> list[dict]:
        return [dict(r) for r in self.conn.execute(sql, params)]

    def entry(self, rowid: int) -> dict:
        """Everything the detail pane shows about one entry."""
        found = self.dicts(f"{ROW_SELECT} WHERE e.id = ?", [rowid])
        if not found:
            raise KeyError(rowid)
        entry = found[0]
        entry.update(
            self.dicts(
                "SELECT e.paragraph, e.label, e.domain_source, e.domain_reason, d.short_title,"
                " d.period, d.url, d.publisher FROM entries e"
                " JOIN documents d ON d.id = e.document_id WHERE e.id = ?",
                [rowid],
            )[0]
        )
        entry["context"] = self.dicts(
            'SELECT id, start, "end", kind FROM entries WHERE document_id = ? AND paragraph = ?'
            " ORDER BY start",
            [entry["document_id"], entry["paragraph"]],
        )
        entry["mentions"] = self.dicts(
            'SELECT dimension, ref_id, start, "end", text FROM mentions WHERE entry_id = ?'
            " ORDER BY start",
            [rowid],
        )
        entry["figure_list"] = self.dicts(
            "SELECT kind, value, currency, qualifier, unit, alt_value, alt_currency, owner,"
            ' text, display, start, "end" FROM figures WHERE entry_id = ? ORDER BY start',
            [rowid],
        )
        entry["year_list"] = self.dicts(
            "SELECT year_from, year_to, kind, text FROM year_mentions WHERE entry_id = ?"
            " ORDER BY start",
            [rowid],
        )
        entry["notes"] = self.dicts(
            "SELECT n.id, nl.label, n.kind, n.quote FROM note_links nl"
            " JOIN entries n ON n.id = nl.note_entry_id WHERE nl.entry_id = ? ORDER BY n.id",
            [rowid],
        )
        return entry
