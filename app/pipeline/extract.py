"""Turns one recognised piece of a document into a catalogue entry with everything it names."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from app.pipeline.domains import DomainChoice, choose_domain, section_choice, text_choice
from app.pipeline.figures import find_figures
from app.pipeline.model import Figure, Mention, Piece, YearMention
from app.pipeline.organisations import OrganisationIndex
from app.pipeline.places import find_places
from app.pipeline.years import find_years

DONOR = "JPN"


@dataclass
class EntryRecord:
    piece: Piece
    quote: str
    countries: list[Mention] = field(default_factory=list)  # partners and the donor
    regions: list[Mention] = field(default_factory=list)
    organisations: list[Mention] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    years: list[YearMention] = field(default_factory=list)
    domain: DomainChoice | None = None

    @property
    def partner_codes(self) -> list[str]:
        """Partner and recipient countries in order of first mention; Japan is kept apart."""
        return unique([m.id for m in self.countries if m.id != DONOR])


def unique(items) -> list:
    return list(dict.fromkeys(items))


def extract(piece: Piece, text: str, organisations: OrganisationIndex) -> EntryRecord:
    start, kind = piece.start, piece.kind
    quote = text[start : piece.end]
    countries, regions = find_places(quote, start)
    orgs = organisations.find(quote, start)
    # By position: a record is made for every piece, and keywords cost more a call.
    record = EntryRecord(
        piece,
        quote,
        countries,
        regions,
        orgs,
        find_figures(quote, base=start, actors=[*countries, *organisations.bodies(orgs)]),
        find_years(quote, base=start),
    )
    # A note or glossary entry is about its term, not about the heading it happens to sit under.
    if kind == "glossary":
        # The term defined is the entry's own heading ("Money laundering").
        record.domain = choose_domain((piece.label or "",), quote)
        return record
    if kind == "note":
        path = ()
    elif kind == "heading":
        path = (*piece.section_path, quote)
    else:
        path = piece.section_path
    # The text the keywords are read in is made only when no heading names a domain.
    record.domain = section_choice(path) or text_choice(f"{piece.label or ''} {quote}")
    return record


def resolve_owners_from_paragraph(
    records: list[EntryRecord], organisations: OrganisationIndex
) -> None:
    """Money whose sentence names no owner ("These include … a Fund, which invests …") belongs
    to the first actor of the nearest earlier sentence of the same paragraph that names one:
    a country or a body (OrganisationIndex.bodies), never a fund or programme."""
    for number, record in enumerate(records):
        if not any(f.kind == "money" and f.owner is None for f in record.figures):
            continue
        owner = None
        for earlier in reversed(records[:number]):
            if earlier.piece.paragraph != record.piece.paragraph:
                break
            bodies = organisations.bodies(earlier.organisations)
            actors = sorted([*earlier.countries, *bodies], key=lambda m: m.start)
            if actors:
                owner = actors[0].id
                break
        if owner:
            record.figures = [
                replace(f, owner=owner) if f.kind == "money" and f.owner is None else f
                for f in record.figures
            ]
