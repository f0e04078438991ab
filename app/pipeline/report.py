"""The build report: what went into the catalogue, and what the pipeline could not place."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

_ID, _TEXT = attrgetter("id"), attrgetter("text")


@dataclass
class DocumentSummary:
    """What one document adds to the report, made where its records are (a worker process)."""

    kinds: Counter = field(default_factory=Counter)
    domains: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)
    no_domain: Counter = field(default_factory=Counter)
    unmapped_headings: list[str] = field(default_factory=list)
    known_tokens: set[str] = field(default_factory=set)  # country and region names as written
    acronyms: set[str] = field(default_factory=set)  # undefined, before known_tokens are left out

    @classmethod
    def of(cls, source, headings, records, index) -> DocumentSummary:
        from app.pipeline.domains import heading_domain  # local: keeps this module light
        from app.pipeline.extract import DONOR

        summary = cls()
        # One pass over the records, each counted column gathered and then counted in one call
        # (a Counter's update() costs more a call than an entry's few values do): the records
        # are read from memory once rather than once a column.
        kinds, domains, no_domain, partners, tokens = [], [], [], [], []
        for record in records:
            kinds.append(record.piece.kind)
            choice = record.domain
            if choice.domain:
                domains.append(choice.domain)
            else:
                domains.append("(none)")
                no_domain.append(choice.reason)
            countries = record.countries
            if countries:
                # Each country once an entry, as in record.partner_codes, but the donor too
                # (one test fewer a mention): its count is dropped once all are counted.
                partners += dict.fromkeys(map(_ID, countries))
                tokens += map(_TEXT, countries)
            if record.regions:
                tokens += map(_TEXT, record.regions)
        summary.kinds.update(kinds)
        summary.domains.update(domains)
        summary.no_domain.update(no_domain)
        summary.countries.update(partners)
        summary.countries.pop(DONOR, None)
        summary.known_tokens.update(tokens)
        for heading in headings:
            # Only headings that leave their text undecided: neither they nor a parent
            # heading names a domain ("Basic Stance" under "A Maritime Order" is decided).
            if not any(map(heading_domain, heading.path)):
                summary.unmapped_headings.append(f"{source.id}: {heading.title}")
        summary.acronyms = index.undefined_acronyms(source.text)
        return summary


@dataclass
class BuildReport:
    documents: list[tuple[str, str, int]] = field(default_factory=list)  # id, title, entries
    kinds: Counter = field(default_factory=Counter)
    domains: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)  # partner countries, entries naming them
    no_domain: Counter = field(default_factory=Counter)  # reason -> entries
    unmapped_headings: list[str] = field(default_factory=list)
    undefined_acronyms: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    out: Path | None = None
    # Seconds per stage of the build ("reading and learning", "extracting and writing",
    # "indexing"), for finding where a build's time goes; not part of the text.
    stages: dict[str, float] = field(default_factory=dict, compare=False)
    _known_tokens: set[str] = field(default_factory=set, repr=False, compare=False)
    _acronyms: set[str] = field(default_factory=set, repr=False, compare=False)

    def add(self, source, entries: int, summary: DocumentSummary) -> None:
        """Adds a document, in catalogue order."""
        self.documents.append((source.id, source.title, entries))
        self.warnings.extend(source.warnings)
        self.kinds.update(summary.kinds)
        self.domains.update(summary.domains)
        self.countries.update(summary.countries)
        self.no_domain.update(summary.no_domain)
        self.unmapped_headings.extend(summary.unmapped_headings)
        self._known_tokens |= summary.known_tokens
        self._acronyms |= summary.acronyms

    def close(self) -> None:
        """After the last document: acronyms named as places anywhere are not undefined."""
        from app.pipeline.organisations import without_known  # local: keeps this module light

        self.undefined_acronyms = sorted(without_known(self._acronyms, self._known_tokens))

    @property
    def total(self) -> int:
        return sum(n for _, _, n in self.documents)

    def lines(self) -> list[str]:
        out = [f"Built {self.out} with {self.total:,} entries in {self.seconds:.2f} s", ""]
        out.append("Entries per document:")
        out += [f"  {doc_id:<12} {n:>6,}  {title}" for doc_id, title, n in self.documents]
        out.append("Entries per kind:")
        out += [f"  {kind:<12} {n:>6,}" for kind, n in sorted(self.kinds.items())]
        out.append("Entries per domain:")
        out += [f"  {d:<28} {n:>6,}" for d, n in sorted(self.domains.items())]
        out.append("Entries per partner country (Japan, the donor, not counted):")
        out += [f"  {c:<5} {n:>6,}" for c, n in sorted(self.countries.items(), key=by_count)]
        if self.no_domain:
            out.append("Entries with no domain, by reason:")
            out += [f"  {n:>6,}  {why}" for why, n in sorted(self.no_domain.items(), key=by_count)]
        out.append(
            f"Headings that map to no domain, nor do their parents ({len(self.unmapped_headings)}):"
        )
        out += [f"  {h}" for h in self.unmapped_headings]
        out.append(f"Acronyms never defined ({len(self.undefined_acronyms)}):")
        out.append(
            "  " + ", ".join(self.undefined_acronyms) if self.undefined_acronyms else "  none"
        )
        if self.warnings:
            out.append(f"Warnings ({len(self.warnings)}):")
            out += [f"  {w}" for w in self.warnings]
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


def by_count(item):
    key, n = item
    return (-n, key)
