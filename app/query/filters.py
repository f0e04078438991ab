"""Filters as data: compiled to parameterised SQL over `entries e`, and described in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from app.query.search import parse, searches

# Every multi-valued dimension: (field, how an entry matches one of its values). `{t}` is the
# alias of the table the clause filters (entries, or a link table repeating the entry's
# columns, see schema.SHARED) and `{id}` its entry id column.
LINKED = {
    "countries": "{id} IN (SELECT entry_id FROM entry_countries WHERE country_code IN ({marks}))",
    "regions": "{id} IN (SELECT entry_id FROM entry_regions WHERE region_id IN ({marks}))",
    "organisations": (
        "{id} IN (SELECT entry_id FROM entry_organisations WHERE organisation_id IN ({marks}))"
    ),
    "domains": "{t}.domain_id IN ({marks})",
    "documents": "{t}.document_id IN ({marks})",
    "kinds": "{t}.kind IN ({marks})",
}
# The link tables: dimension -> (table, its value column).
LINK_TABLES = {
    "countries": ("entry_countries", "country_code"),
    "regions": ("entry_regions", "region_id"),
    "organisations": ("entry_organisations", "organisation_id"),
}
KIND_NOUNS = {
    "body": "body text",
    "caption": "captions",
    "note": "notes",
    "glossary": "glossary entries",
    "column": "column text",
    "heading": "headings",
}
KIND_LABELS = {kind: noun.capitalize() for kind, noun in KIND_NOUNS.items()}  # "Body text"
# The figure filter in words, the same in the description, the status bar and its chip.
FIGURE_WORDS = {True: "with a figure", False: "without a figure"}
# A dimension in words, as a chip's tooltip or a message names it.
DIMENSION_NAMES = {
    "countries": "Country",
    "regions": "Region",
    "domains": "Domain",
    "documents": "Document",
    "organisations": "Organisation",
    "kinds": "Kind",
}
Labels = Mapping[str, Mapping[str, str]]  # dimension -> id -> label
FIRST_YEAR, LAST_YEAR = 0, 9999  # the years a filter can name; an open end reaches these


@dataclass(frozen=True)
class Filters:
    """What the user asked for. Values of one dimension are alternatives (any of them);
    dimensions combine (all of them)."""

    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    # A region also matches entries naming its members as partners: Japan, the donor in nearly
    # every entry, would make the Quad match over half the bundled entries.
    include_region_members: bool = False
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

    @classmethod
    def from_data(cls, data: Mapping, base: Filters | None = None) -> Filters:
        """Filters from plain data, such as a filter saved as JSON by an earlier run: `base`
        (default: no filter) with the fields `data` gives. Unknown keys are left out, and so
        is any value not of its field's type: a hand-edited or damaged file must never stop
        the app from starting."""
        valid = {k: v for k, v in data.items() if k in _FIELD_CHECKS and _FIELD_CHECKS[k](v)}
        return replace(base or cls(), **valid)

    def year_bounds(self) -> tuple[int, int]:
        """The first and last year the filter takes in: an open end (or 0) reaches FIRST_YEAR or
        LAST_YEAR."""
        return self.year_from or FIRST_YEAR, self.year_to or LAST_YEAR

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

    def within(self, labels: Labels, years: tuple[int, int] | None) -> tuple[Filters, list[str]]:
        """These filters kept to what a catalogue has, and what was left out in words.

        For filters remembered from another catalogue: a value `labels` does not list (kinds:
        KIND_NOUNS) is dropped, and so is a year range outside `years`, the catalogue's first
        and last; a bound beyond them that changes nothing (from 1990 where entries start in
        2015) is opened."""
        kept, dropped = {}, []
        for dimension in LINKED:
            known = KIND_NOUNS if dimension == "kinds" else labels.get(dimension, {})
            values = getattr(self, dimension)
            kept[dimension] = tuple(v for v in values if v in known)
            dropped += [f"{DIMENSION_NAMES[dimension]} {v}" for v in values if v not in known]
        year_from, year_to = self.year_from, self.year_to
        if years is not None and (year_from is not None or year_to is not None):
            low, high = years
            if (year_from or FIRST_YEAR) > high or (year_to or LAST_YEAR) < low:
                dropped.append(f"{year_words(year_from, year_to)} (its entries: {low}–{high})")
                year_from = year_to = None
            else:
                year_from = None if year_from is not None and year_from <= low else year_from
                year_to = None if year_to is not None and year_to >= high else year_to
        kept_filters = replace(self, **kept, year_from=year_from, year_to=year_to)
        if kept_filters.include_region_members and not kept_filters.regions:
            kept_filters = replace(kept_filters, include_region_members=False)
        return kept_filters, dropped

    def narrows_only_kinds(self) -> bool:
        """True when nothing but the kinds of text narrows the entries."""
        return replace(
            self, kinds=(), include_region_members=False, search=""
        ) == Filters() and not searches(self.search)

    def only_entry_columns(self) -> bool:
        """True when the entries' own columns alone decide (kinds, domains, documents, figure):
        the compiled clause then has no subquery."""
        return not (
            self.countries
            or self.regions
            or self.organisations
            or self.year_from is not None
            or self.year_to is not None
            or searches(self.search)
        )

    def link_source(self) -> str | None:
        """A linked dimension whose link table alone can list the matching entries (one row per
        entry and value, with the entry's own columns), or None."""
        for dimension in LINK_TABLES:
            if getattr(self, dimension) and not (
                dimension == "regions" and self.include_region_members
            ):
                return dimension
        return None

    def compile(self, alias: str = "e", source: str | None = None) -> tuple[str, list]:
        """A WHERE clause (without the keyword) over `entries e`, and its parameters; given
        `source` (a linked dimension), over that dimension's link table under `alias`."""
        clauses, params = [], []
        entry = f"{alias}.entry_id" if source else f"{alias}.id"
        for name, template in LINKED.items():
            values = list(getattr(self, name))
            if not values:
                continue
            marks = ", ".join("?" * len(values))
            if name == source:
                clauses.append(f"{alias}.{LINK_TABLES[name][1]} IN ({marks})")
                params += values
                continue
            clause = template.format(t=alias, id=entry, marks=marks)
            if name == "regions" and self.include_region_members:
                clauses.append(
                    f"({clause} OR {entry} IN (SELECT entry_id FROM entry_countries"
                    f" WHERE role = 'partner' AND country_code IN (SELECT country_code"
                    f" FROM region_members WHERE region_id IN ({marks}))))"
                )
                params += values + values
                continue
            clauses.append(clause)
            params += values
        if self.year_from is not None or self.year_to is not None:
            narrowed = self.countries or self.regions or self.organisations or source
            if narrowed or searches(self.search):
                # Another dimension narrows the entries first: check each one's years, rather
                # than list every entry of a range of years that may hold them all.
                clauses.append(
                    f"EXISTS (SELECT 1 FROM entry_years y WHERE y.entry_id = {entry}"
                    " AND y.year BETWEEN ? AND ?)"
                )
            else:
                clauses.append(
                    f"{entry} IN (SELECT entry_id FROM entry_years WHERE year BETWEEN ? AND ?)"
                )
            params += list(self.year_bounds())
        if self.has_figure is not None:
            clauses.append(f"{alias}.has_figure = ?")
            params.append(int(self.has_figure))
        query = parse(self.search)
        if (match := query.match()) is not None:
            clauses.append(f"{entry} IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)")
            params.append(match)
        elif (left_out := query.excluded_match()) is not None:  # "-piracy" alone
            clauses.append(
                f"{entry} NOT IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)"
            )
            params.append(left_out)
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
        if self.has_figure is not None:
            parts.append(FIGURE_WORDS[self.has_figure])
        if searches(self.search):
            parts.append(f"matching “{self.search.strip()}”")
        text = " ".join(parts)
        extras = []
        if self.year_from is not None or self.year_to is not None:
            extras.append(year_words(self.year_from, self.year_to))
        if self.documents:
            extras.append(names("documents", self.documents))
        if text == "Entries" and not extras:
            return "All entries"  # not "664 entries (Entries) written to all.csv"
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


def _strings(value) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    )


def _year(value) -> bool:
    return value is None or (type(value) is int and FIRST_YEAR <= value <= LAST_YEAR)


# What Filters.from_data accepts for each field.
_FIELD_CHECKS = {
    **{name: _strings for name in LINKED},
    "include_region_members": lambda v: isinstance(v, bool),
    "year_from": _year,
    "year_to": _year,
    "has_figure": lambda v: v is None or isinstance(v, bool),
    "search": lambda v: isinstance(v, str),
}
