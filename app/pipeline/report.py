"""The build report: what went into the catalogue, and what the pipeline could not place."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


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

    @classmethod
    def from_results(cls, results, index) -> BuildReport:
        from app.pipeline.domains import heading_domain  # local: keeps this module light

        report = cls()
        known_tokens: set[str] = set()
        for result in results:
            source = result.source
            report.documents.append((source.id, source.title, len(result.records)))
            report.warnings.extend(source.warnings)
            for record in result.records:
                report.kinds[record.piece.kind] += 1
                report.domains[record.domain.domain or "(none)"] += 1
                if not record.domain.domain:
                    report.no_domain[record.domain.reason] += 1
                for code in record.partner_codes:
                    report.countries[code] += 1
                known_tokens.update(m.text for m in record.countries)
                known_tokens.update(m.text for m in record.regions)
            for heading in result.parsed.headings:
                # Only headings that leave their text undecided: neither they nor a parent
                # heading names a domain ("Basic Stance" under "A Maritime Order" is decided).
                if not any(heading_domain(title) for title in heading.path):
                    report.unmapped_headings.append(f"{source.id}: {heading.title}")
        acronyms: set[str] = set()
        for result in results:
            acronyms |= index.undefined_acronyms(result.source.text, exclude=known_tokens)
        report.undefined_acronyms = sorted(acronyms)
        return report

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
