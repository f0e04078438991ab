"""Validate the gold annotation files in this folder against the source texts.

Run:  .venv/bin/python tests/annotations/check_annotations.py
Exit status 0 when every file parses and every entry is valid; 1 otherwise.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE.parent.parent / "data" / "sources"

KINDS = {"body", "caption", "note", "glossary", "column", "heading"}
# The taxonomy's fixed ids (resources/domains.toml), or "" for none.
DOMAINS = {""} | {
    d["id"]
    for d in tomllib.loads((HERE.parent.parent / "resources" / "domains.toml").read_text())[
        "domain"
    ]
}
REGIONS = {
    "asean",
    "africa",
    "middle-east",
    "indo-pacific",
    "asia-pacific",
    "asia",
    "southeast-asia",
    "south-asia",
    "east-asia",
    "central-asia",
    "sahel",
    "horn-of-africa",
    "west-africa",
    "east-africa",
    "north-africa",
    "mekong",
    "pacific-islands",
    "oceania",
    "europe",
    "eu",
    "latin-america",
    "caribbean",
    "central-america",
    "quad",
    "gulf-of-aden",
    "gulf-of-guinea",
    "south-china-sea",
    "east-china-sea",
    "indian-ocean",
    "red-sea",
    "korean-peninsula",
    "sulu-celebes-seas",
    "straits-of-malacca",
}
QUALIFIERS = {
    "",
    "approximately",
    "over",
    "more than",
    "up to",
    "a total of",
    "nearly",
    "less than",
}
CURRENCIES = {"USD", "JPY"}
ENTRY_KEYS = {
    "match",
    "kind",
    "domain",
    "countries",
    "japan",
    "regions",
    "organisations",
    "figures",
    "years",
    "note",
    "occurrences",
}
FIGURE_KEYS = {
    "kind",
    "value",
    "currency",
    "qualifier",
    "owner",
    "alt_value",
    "alt_currency",
    "unit",
}
ALPHA3 = re.compile(r"^[A-Z]{3}$")


def check_entry(i: int, e: dict, text: str) -> list[str]:
    errs: list[str] = []
    where = f"entry {i} ({e.get('match', '?')[:50]!r})"
    for key in ("match", "kind", "domain", "countries", "japan"):
        if key not in e:
            errs.append(f"{where}: missing key {key!r}")
    unknown = set(e) - ENTRY_KEYS
    if unknown:
        errs.append(f"{where}: unknown keys {sorted(unknown)}")
    m = e.get("match", "")
    if "\n" in m:
        errs.append(f"{where}: match spans a line break")
    want = e.get("occurrences", 1)
    got = text.count(m) if m else 0
    if got != want:
        errs.append(f"{where}: match occurs {got} times in source, expected {want}")
    if e.get("kind") not in KINDS:
        errs.append(f"{where}: bad kind {e.get('kind')!r}")
    if e.get("domain") not in DOMAINS:
        errs.append(f"{where}: bad domain {e.get('domain')!r}")
    if not isinstance(e.get("japan"), bool):
        errs.append(f"{where}: japan must be true/false")
    countries = e.get("countries", [])
    for c in countries:
        if not ALPHA3.match(c):
            errs.append(f"{where}: bad country code {c!r}")
        if c == "JPN":
            errs.append(f"{where}: JPN goes in `japan`, not in countries")
    if len(set(countries)) != len(countries):
        errs.append(f"{where}: duplicate countries")
    for r in e.get("regions", []):
        if r not in REGIONS:
            errs.append(f"{where}: unknown region {r!r}")
    for y in e.get("years", []):
        if not (isinstance(y, int) and 1900 <= y <= 2100):
            errs.append(f"{where}: bad year {y!r}")
    for f in e.get("figures", []):
        bad = set(f) - FIGURE_KEYS
        if bad:
            errs.append(f"{where}: unknown figure keys {sorted(bad)}")
        if not isinstance(f.get("value"), float):
            errs.append(f"{where}: figure value must be a float: {f!r}")
        if f.get("qualifier", "") not in QUALIFIERS:
            errs.append(f"{where}: bad qualifier {f.get('qualifier')!r}")
        if f.get("kind") == "money":
            if f.get("currency") not in CURRENCIES:
                errs.append(f"{where}: bad currency {f.get('currency')!r}")
            owner = f.get("owner")
            if owner is None or (owner and not ALPHA3.match(owner)):
                errs.append(f"{where}: money needs owner ('' or alpha-3)")
            if ("alt_value" in f) != ("alt_currency" in f):
                errs.append(f"{where}: alt_value and alt_currency go together")
        elif f.get("kind") == "count":
            if not f.get("unit"):
                errs.append(f"{where}: count needs a unit")
        else:
            errs.append(f"{where}: bad figure kind {f.get('kind')!r}")
    return errs


MONEY = re.compile(r"\$|¥|\byen\b|\bdollars\b")
NO_SPLIT = ("U.S.", "U.K.", "e.g.", "i.e.", "etc.", "No.")


def sentence_span(text: str, pos: int) -> tuple[int, int]:
    """Rough sentence around pos (for the money-coverage check only)."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end == -1 else line_end
    start = line_start
    for mm in re.finditer(r"[.!?]\s+(?=[A-Z“(\d])", text[line_start:line_end]):
        cut = line_start + mm.end()
        if any(text[line_start : line_start + mm.start() + 1].endswith(a) for a in NO_SPLIT):
            continue
        if cut <= pos:
            start = cut
        else:
            return start, line_start + mm.start() + 1
    return start, line_end


def money_coverage(text: str, entries: list[dict]) -> tuple[int, list[str]]:
    spans = []
    for e in entries:
        m = e.get("match", "")
        i = text.find(m) if m else -1
        while i != -1:
            spans.append((i, i + len(m)))
            i = text.find(m, i + 1)
    sentences = {sentence_span(text, mm.start()) for mm in MONEY.finditer(text)}
    missing = [
        text[a:b][:80] for a, b in sorted(sentences) if not any(s < b and e > a for s, e in spans)
    ]
    return len(sentences), missing


def main() -> int:
    files = sorted(HERE.glob("*.toml"))
    if not files:
        print("no annotation files found")
        return 1
    failed = False
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            print(f"{path.name}: TOML error: {exc}")
            failed = True
            continue
        src = SOURCES / data.get("document", "")
        if not src.is_file():
            print(f"{path.name}: source {data.get('document')!r} not found")
            failed = True
            continue
        text = src.read_text(encoding="utf-8")
        entries = data.get("entry", [])
        errs: list[str] = []
        seen: set[str] = set()
        for i, e in enumerate(entries, 1):
            errs += check_entry(i, e, text)
            if e.get("match") in seen:
                errs.append(f"entry {i}: duplicate match")
            seen.add(e.get("match"))
        n_money_sent, missing = money_coverage(text, entries)
        for miss in missing:
            errs.append(f"money sentence not annotated: {miss!r}")
        figs = [f for e in entries for f in e.get("figures", [])]
        n_money = sum(1 for e in entries if any(f["kind"] == "money" for f in e.get("figures", [])))
        n_count = sum(1 for e in entries if any(f["kind"] == "count" for f in e.get("figures", [])))
        n_trap = sum(1 for e in entries if "trap" in e.get("note", "").lower())
        n_empty = sum(1 for e in entries if not e.get("countries"))
        kinds: dict[str, int] = {}
        for e in entries:
            kinds[e.get("kind", "?")] = kinds.get(e.get("kind", "?"), 0) + 1
        print(
            f"{path.name}: {len(entries)} entries; money {n_money} "
            f"(source money sentences {n_money_sent}, covered {n_money_sent - len(missing)}) "
            f"({sum(1 for f in figs if f['kind'] == 'money')} figures); counts {n_count} "
            f"({sum(1 for f in figs if f['kind'] == 'count')} figures); traps {n_trap}; "
            f"no-country {n_empty}; kinds {dict(sorted(kinds.items()))}; "
            f"{'OK' if not errs else str(len(errs)) + ' ERRORS'}"
        )
        for err in errs:
            print("   ", err)
        failed = failed or bool(errs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
