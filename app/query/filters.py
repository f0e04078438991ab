"""Filters as data: compiled to parameterised SQL over `entries e`, and described in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from app.query.search import fts_query

# Every multi-valued dimension: (field, how an entry matches one of its values).
LINKED = {
    "countries": "e.id IN (SELECT entry_id FROM entry_countries WHERE country_code IN ({}))",
    "regions": "e.id IN (SELECT entry_id FROM entry_regions WHERE region_id IN ({}))",
    "organisations": (
        "e.id IN (SELECT entry_id FROM entry_organisations WHERE organisation_id IN ({}))"
    ),
    "domains": "e.domain_id IN ({})",
    "documents": "e.document_id IN ({})",
    "kinds": "e.kind IN ({})",
}
KIND_NOUNS = {
    "body": "body text",
    "caption": "captions",
    "note": "notes",
    "glossary": "glossary entries",
    "column": "column text",
    "heading": "headings",
}
Labels = Mapping[str, Mapping[str, str]]  # dimension -> id -> label


@dataclass(frozen=True)
class Filters:
    """What the user asked for. Values of one dimension are alternatives (any of them);
    dimensions combine (all of them)."""

    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    include_region_members: bool = False  # a region also matches entries naming its members
    domains: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    has_figure: bool | None = None
    search: str = ""

    def __post_init__(self):
        # Tuples of strings whatever the caller passed, so that filters hash and compare.
        for name in LINKED:
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(dict.fromkeys(str(v) for v in value)))

    def is_empty(self) -> bool:
        return self == Filters(kinds=self.kinds) and not self.kinds

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)

    def without(self, dimension: str, value: str | None = None) -> Filters:
        """These filters less one dimension, or less one value of it."""
        if dimension in LINKED:
            kept = tuple(v for v in getattr(self, dimension) if value is not None and v != value)
            return replace(self, **{dimension: kept})
        if dimension == "years":
            return replace(self, year_from=None, year_to=None)
        default = next(f.default for f in fields(self) if f.name == dimension)
        return replace(self, **{dimension: default})

    def compile(self) -> tuple[str, list]:
        """A WHERE clause (without the keyword) over `entries e`, and its parameters."""
        clauses, params = [], []
        for name, template in LINKED.items():
            values = list(getattr(self, name))
            if not values:
                continue
            if name == "regions" and self.include_region_members:
                marks = ", ".join("?" * len(values))
                clauses.append(
                    f"({template.format(marks)} OR e.id IN (SELECT entry_id FROM entry_countries"
                    f" WHERE country_code IN (SELECT country_code FROM region_members"
                    f" WHERE region_id IN ({marks}))))"
                )
                params += values + values
                continue
            clauses.append(template.format(", ".join("?" * len(values))))
            params += values
        if self.year_from is not None or self.year_to is not None:
            if self.countries or self.regions or self.organisations or fts_query(self.search):
                # Another dimension narrows the entries first: check each one's years, rather
                # than list every entry of a range of years that may hold them all.
                clauses.append(
                    "EXISTS (SELECT 1 FROM entry_years y WHERE y.entry_id = e.id"
                    " AND y.year BETWEEN ? AND ?)"
                )
            else:
                clauses.append(
                    "e.id IN (SELECT entry_id FROM entry_years WHERE year BETWEEN ? AND ?)"
                )
            params += [self.year_from or 0, self.year_to or 9999]
        if self.has_figure is not None:
            clauses.append("e.has_figure = ?")
            params.append(int(self.has_figure))
        match = fts_query(self.search)
        if match:
            clauses.append("e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)")
            params.append(match)
        return (" AND ".join(clauses) or "1"), params

    def describe(self, labels: Labels | None = None) -> str:
        """The filter in words: "Maritime body text mentioning Viet Nam, 2021 edition"."""
        labels = labels or {}

        def names(dimension: str, values) -> str:
            table = labels.get(dimension, {})
            return join_words([table.get(v, v) for v in values], "or")

        subject = (
            "entries"
            if not self.kinds
            else join_words([KIND_NOUNS.get(k, k) for k in self.kinds], "and")
        )
        if self.domains:
            subject = f"{names('domains', self.domains)} {subject}"
        parts = [subject[0].upper() + subject[1:]]
        if self.countries:
            parts.append(f"mentioning {names('countries', self.countries)}")
        if self.regions:
            members = " or its member countries" if self.include_region_members else ""
            parts.append(f"about {names('regions', self.regions)}{members}")
        if self.organisations:
            parts.append(f"naming {names('organisations', self.organisations)}")
        if self.has_figure is True:
            parts.append("with a figure")
        elif self.has_figure is False:
            parts.append("without a figure")
        if fts_query(self.search):
            parts.append(f"matching “{self.search.strip()}”")
        text = " ".join(parts)
        extras = []
        if self.year_from is not None or self.year_to is not None:
            extras.append(year_words(self.year_from, self.year_to))
        if self.documents:
            extras.append(names("documents", self.documents))
        return ", ".join([text, *extras])


def year_words(year_from: int | None, year_to: int | None) -> str:
    if year_from is not None and year_to is not None:
        return f"year {year_from}" if year_from == year_to else f"years {year_from}–{year_to}"
    if year_from is not None:
        return f"from {year_from}"
    return f"up to {year_to}"


def join_words(items: list[str], conjunction: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]
