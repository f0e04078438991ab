"""Writes synthetic catalogues with the real schema, recombining the real catalogue's paragraphs."""

from __future__ import annotations

import random
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from app.pipeline import schema
from app.pipeline.model import NOTE_KINDS
from app.pipeline.rows import note_links

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
ENTRIES_PER_DOCUMENT = 2_000  # a whole report; the real catalogue holds chapters of ~220
FIRST_EDITION = 1990
LAST_EDITION = 2024
VOCABULARIES = ("domains", "countries", "regions", "region_members", "organisations")
ENTRY_COLUMNS = list(schema.TABLES["entries"]["columns"])


def parse_size(text: str) -> int:
    """'10k', '1m', '250000' -> a number of entries."""
    text = text.strip().lower()
    if text in SIZES:
        return SIZES[text]
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if text.endswith(suffix):
            return int(float(text[:-1]) * factor)
    return int(text)


def size_name(n: int) -> str:
    return next((k for k, v in SIZES.items() if v == n), str(n))


@dataclass
class Template:
    """One real entry with everything linked to it, offsets relative to its quote."""

    row: dict
    countries: list[tuple] = field(default_factory=list)  # (code, role)
    regions: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)  # (dimension, ref, start, end, text)
    figures: list[tuple] = field(default_factory=list)
    year_mentions: list[tuple] = field(default_factory=list)
    years: list[tuple] = field(default_factory=list)  # (year, kind)
    notes: list[tuple] = field(default_factory=list)  # (note template id, label)


@dataclass
class Sample:
    """What the generator recombines: the real catalogue's paragraphs and vocabularies."""

    paragraphs: list[list[Template]]
    sections: dict[int, dict]
    documents: dict[str, dict]
    path: Path


def load_sample(path: Path) -> Sample:
    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        templates: dict[int, Template] = {}
        for r in conn.execute("SELECT * FROM entries ORDER BY id"):
            templates[r["id"]] = Template(dict(r))

        def rel(entry_id, start, end):
            base = templates[entry_id].row["start"]
            return start - base, end - base

        for eid, code, role in conn.execute(
            "SELECT entry_id, country_code, role FROM entry_countries"
        ):
            templates[eid].countries.append((code, role))
        for eid, region in conn.execute("SELECT entry_id, region_id FROM entry_regions"):
            templates[eid].regions.append(region)
        for eid, org in conn.execute("SELECT entry_id, organisation_id FROM entry_organisations"):
            templates[eid].organisations.append(org)
        for r in conn.execute(
            'SELECT entry_id, dimension, ref_id, start, "end", text FROM mentions'
        ):
            templates[r[0]].mentions.append((r[1], r[2], *rel(r[0], r[3], r[4]), r[5]))
        for r in conn.execute(
            "SELECT entry_id, kind, value, currency, qualifier, unit, alt_value, alt_currency,"
            ' owner, text, display, start, "end" FROM figures'
        ):
            templates[r[0]].figures.append((*tuple(r)[1:11], *rel(r[0], r[11], r[12])))
        for r in conn.execute(
            'SELECT entry_id, year_from, year_to, kind, text, start, "end" FROM year_mentions'
        ):
            templates[r[0]].year_mentions.append((*tuple(r)[1:5], *rel(r[0], r[5], r[6])))
        for eid, year, kind in conn.execute("SELECT entry_id, year, kind FROM entry_years"):
            templates[eid].years.append((year, kind))
        for eid, note, label in conn.execute(
            "SELECT entry_id, note_entry_id, label FROM note_links"
        ):
            templates[eid].notes.append((note, label))
        sections = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM sections")}
        documents = {
            r["id"]: dict(r)
            for r in conn.execute("SELECT * FROM documents ORDER BY edition_year, id")
        }
    finally:
        conn.close()
    paragraphs: dict[tuple, list[Template]] = defaultdict(list)
    for t in templates.values():
        paragraphs[(t.row["document_id"], t.row["paragraph"])].append(t)
    return Sample(list(paragraphs.values()), sections, documents, Path(path))


def generate(
    sample: Sample, out: Path, n_entries: int, seed: int = 1, progress=print
) -> dict[str, float]:
    """Write a catalogue of about `n_entries` entries to `out`; returns timings in seconds."""
    started = time.perf_counter()
    rng = random.Random(seed)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    db = sqlite_utils.Database(out)
    conn = db.conn
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    schema.create_tables(db)
    source = sqlite3.connect(sample.path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        for table in VOCABULARIES:
            rows = source.execute(f"SELECT * FROM [{table}]").fetchall()
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                conn.executemany(f"INSERT INTO [{table}] VALUES ({marks})", rows)
    finally:
        source.close()

    n_docs = max(1, -(-n_entries // ENTRIES_PER_DOCUMENT))
    series = list(sample.documents.values())
    columns = ", ".join(f"[{c}]" for c in ENTRY_COLUMNS)
    insert_entry = f"INSERT INTO entries ({columns}) VALUES ({', '.join('?' * len(ENTRY_COLUMNS))})"
    section_cols = list(schema.TABLES["sections"]["columns"])
    insert_section = (
        f"INSERT INTO sections ({', '.join(f'[{c}]' for c in section_cols)})"
        f" VALUES ({', '.join('?' * len(section_cols))})"
    )
    next_entry = next_section = next_mention = next_figure = next_year = 1
    written = 0
    conn.commit()
    for number in range(n_docs):
        # Editions spread over the years, alternating the real series (ODA WP, Bluebook ...).
        base = series[number % len(series)]
        edition = FIRST_EDITION + (number * (LAST_EDITION - FIRST_EDITION + 1)) // n_docs
        shift = edition - (base["edition_year"] or edition)
        doc_id = f"syn-{base['id'].split('-')[0]}-{edition}-{number:05d}"
        want = min(ENTRIES_PER_DOCUMENT, n_entries - written)
        text_parts: list[str] = []
        offset = 0
        paragraph = 0
        sections: dict[int, int] = {}  # template section -> synthetic section id
        section_rows: dict[int, list] = {}
        entries, ec, er, eo, mentions, figures, ymentions, eyears = ([] for _ in range(8))
        # Notes and the sentences calling them land in different paragraphs, so they are linked
        # once the document is laid out, by the pipeline's own rule.
        notes_by_label: dict[str, list[int]] = {}
        referring: list[tuple[int, tuple[str, ...]]] = []
        count = 0
        while count < want:
            group = rng.choice(sample.paragraphs)[: want - count]
            paragraph += 1
            if text_parts:
                text_parts.append("\n")
                offset += 1
            for position, t in enumerate(group):
                if position:
                    text_parts.append(" ")
                    offset += 1
                row = t.row
                quote = row["quote"]
                start, end = offset, offset + len(quote)
                text_parts.append(quote)
                offset = end
                count += 1
                rowid = next_entry
                next_entry += 1
                if row["kind"] in NOTE_KINDS and row["label"]:
                    notes_by_label.setdefault(row["label"].lower(), []).append(rowid)
                if t.notes:
                    referring.append((rowid, tuple(label for _note, label in t.notes)))
                section_id = None
                if row["section_id"] is not None:
                    section_id = sections.get(row["section_id"])
                    if section_id is None:
                        s = sample.sections[row["section_id"]]
                        section_id = sections[row["section_id"]] = next_section
                        next_section += 1
                        section_rows[section_id] = [
                            section_id, doc_id, s["title"], s["path"], s["level"], s["style"],
                            start, end, s["domain_id"],
                        ]  # fmt: skip
                values = dict(row)
                values.update(
                    id=rowid,
                    entry_id=f"{doc_id}-{count:04d}",
                    document_id=doc_id,
                    edition_year=edition,
                    section_id=section_id,
                    paragraph=paragraph,
                    start=start,
                    end=end,
                )
                entries.append([values[c] for c in ENTRY_COLUMNS])
                shared = tuple(values[c] for c in schema.SHARED)
                for code, role in t.countries:
                    ec.append((rowid, code, role, *shared))
                for region in t.regions:
                    er.append((rowid, region, *shared))
                for org in t.organisations:
                    eo.append((rowid, org, *shared))
                for dim, ref, ms, me, mtext in t.mentions:
                    mentions.append((next_mention, rowid, dim, ref, start + ms, start + me, mtext))
                    next_mention += 1
                for f in t.figures:
                    figures.append((next_figure, rowid, *f[:10], start + f[10], start + f[11]))
                    next_figure += 1
                for y_from, y_to, kind, ytext, ys, ye in t.year_mentions:
                    y_to = None if y_to is None else y_to + shift
                    ymentions.append(
                        (
                            next_year,
                            rowid,
                            y_from + shift,
                            y_to,
                            kind,
                            ytext,
                            start + ys,
                            start + ye,
                        )
                    )
                    next_year += 1
                for year, kind in t.years:
                    eyears.append((rowid, year + shift, kind))
        notes = note_links(notes_by_label, referring)
        text = "".join(text_parts)
        doc = dict(base)
        doc.update(
            id=doc_id,
            title=f"{base['short_title']} {edition} (synthetic)",
            edition_year=edition,
            period=str(edition),
            checksum="",
            source_file=f"{doc_id}.txt",
            in_manifest=0,
            n_entries=count,
            text=text,
        )
        doc_cols = list(schema.TABLES["documents"]["columns"])
        marks = ", ".join("?" * len(doc_cols))
        conn.execute(
            f"INSERT INTO documents ({', '.join(doc_cols)}) VALUES ({marks})",
            [doc[c] for c in doc_cols],
        )
        conn.executemany(insert_section, list(section_rows.values()))
        conn.executemany(insert_entry, entries)
        conn.executemany("INSERT OR IGNORE INTO entry_countries VALUES (?, ?, ?, ?, ?, ?, ?)", ec)
        conn.executemany("INSERT OR IGNORE INTO entry_regions VALUES (?, ?, ?, ?, ?, ?)", er)
        conn.executemany("INSERT OR IGNORE INTO entry_organisations VALUES (?, ?, ?, ?, ?, ?)", eo)
        conn.executemany("INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?)", mentions)
        conn.executemany(
            "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", figures
        )
        conn.executemany("INSERT INTO year_mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ymentions)
        conn.executemany("INSERT OR IGNORE INTO entry_years VALUES (?, ?, ?)", eyears)
        conn.executemany("INSERT OR IGNORE INTO note_links VALUES (?, ?, ?)", notes)
        written += count
        if written % 100_000 < ENTRIES_PER_DOCUMENT:
            progress(f"  {written:,} entries written")
    conn.commit()
    rows_done = time.perf_counter()
    schema.finish(db)
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ("schema_version", str(schema.SCHEMA_VERSION)),
            ("built_at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
            ("entries", str(written)),
            ("synthetic", f"seed {seed}, sampled from {sample.path.name}"),
        ],
    )
    conn.commit()
    db.close()
    return {"rows": rows_done - started, "finish": time.perf_counter() - rows_done}


def main(argv=None) -> int:
    import argparse

    from app.paths import bundled_catalogue

    parser = argparse.ArgumentParser(
        prog="python -m app.bench.generate", description="Write synthetic catalogues."
    )
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench"))
    parser.add_argument("--sample", type=Path, default=bundled_catalogue())
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sample = load_sample(args.sample)
    for name in args.sizes.split(","):
        n = parse_size(name)
        target = args.out / f"catalogue-{size_name(n)}.db"
        print(f"{target}: {n:,} entries")
        timings = generate(sample, target, n, args.seed)
        print(f"  rows {timings['rows']:.1f} s, indexes and full-text {timings['finish']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
