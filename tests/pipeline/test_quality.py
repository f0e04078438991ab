"""Precision and recall of the extraction against hand-made annotations (tests/annotations)."""

import sqlite3
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ANNOTATIONS = Path(__file__).resolve().parents[1] / "annotations"

# Floors at or just under what the pipeline measures today: a regression fails the run.
FLOORS = {
    "countries precision": 1.0,  # no invented country, ever
    "countries recall": 0.98,
    "japan accuracy": 0.99,
    "regions precision": 0.95,
    "regions recall": 0.95,
    "money precision": 1.0,
    "money recall": 1.0,  # no missed amount of money
    "money owner accuracy": 1.0,
    "count precision": 0.95,
    "count recall": 0.78,
    "organisations precision": 0.90,
    "organisations recall": 0.70,
    "domain accuracy": 0.95,
    "kind accuracy": 0.98,
}


@dataclass
class Score:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    misses: list = field(default_factory=list)

    def add(self, expected: set, found: set, where: str) -> None:
        self.true_positive += len(expected & found)
        self.false_positive += len(found - expected)
        self.false_negative += len(expected - found)
        if expected != found:
            self.misses.append(f"{where}: expected {sorted(expected)}, found {sorted(found)}")

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else 1.0


def annotated_units():
    for path in sorted(ANNOTATIONS.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for unit in data["entry"]:
            yield data["document"], unit


def entry_at(conn, source_file: str, text: str, match: str):
    """The entry that overlaps the first occurrence of `match` most (a heading's entry leaves
    out its marker, so "(1) Regional Security" starts before it)."""
    start = text.index(match)
    end = start + len(match)
    return conn.execute(
        "SELECT e.* FROM entries e JOIN documents d ON d.id = e.document_id"
        ' WHERE d.source_file = ? AND e.start < ? AND e."end" > ?'
        ' ORDER BY min(e."end", ?) - max(e.start, ?) DESC LIMIT 1',
        [source_file, end, start, end, start],
    ).fetchone()


def figure_key(f: dict) -> tuple:
    if f["kind"] == "money":
        return ("money", round(f["value"]), f.get("currency"))
    return ("count", round(f["value"]), f.get("unit"))


@pytest.fixture(scope="module")
def measured(catalogue_path):
    conn = sqlite3.connect(catalogue_path)
    conn.row_factory = sqlite3.Row
    texts = dict(conn.execute("SELECT source_file, text FROM documents").fetchall())
    organisations = {
        r["id"]: {r["short"] or "", r["name"], *r["aliases"].split("; ")}
        for r in conn.execute("SELECT * FROM organisations")
    }
    organisations = {k: {n.lower() for n in names if n} for k, names in organisations.items()}
    scores = defaultdict(Score)
    for source_file, unit in annotated_units():
        entry = entry_at(conn, source_file, texts[source_file], unit["match"])
        where = f"{source_file[:12]} “{unit['match'][:50]}”"
        if entry is None:
            scores["kind accuracy"].add({unit["kind"]}, set(), where)
            continue
        eid = entry["id"]
        links = conn.execute(
            "SELECT country_code FROM entry_countries WHERE entry_id = ? AND role = 'partner'",
            [eid],
        ).fetchall()
        scores["countries"].add(set(unit["countries"]), {r[0] for r in links}, where)
        donor = conn.execute(
            "SELECT count(*) FROM entry_countries WHERE entry_id = ? AND role = 'donor'", [eid]
        ).fetchone()[0]
        scores["japan accuracy"].add({unit["japan"]}, {bool(donor)}, where)
        regions = conn.execute("SELECT region_id FROM entry_regions WHERE entry_id = ?", [eid])
        scores["regions"].add(set(unit.get("regions", [])), {r[0] for r in regions}, where)
        figures = [dict(r) for r in conn.execute("SELECT * FROM figures WHERE entry_id = ?", [eid])]
        gold = unit.get("figures", [])
        for kind in ("money", "count"):
            scores[kind].add(
                {figure_key(f) for f in gold if f["kind"] == kind},
                {figure_key(f) for f in figures if f["kind"] == kind},
                where,
            )
        for f in gold:
            if f["kind"] == "money":
                same = [g for g in figures if figure_key(g) == figure_key(f)]
                found_owner = {same[0]["owner"] or ""} if same else set()
                scores["money owner accuracy"].add({f.get("owner", "")}, found_owner, where)
        found_orgs = conn.execute(
            "SELECT organisation_id FROM entry_organisations WHERE entry_id = ?", [eid]
        ).fetchall()
        expected_names = {name.lower() for name in unit.get("organisations", [])}
        found_names = set()
        for (org_id,) in found_orgs:
            names = organisations[org_id]
            # A found organisation is right when either of its forms is the gold name.
            hit = names & expected_names
            found_names.add(next(iter(hit)) if hit else f"{org_id} (not in gold)")
        scores["organisations"].add(expected_names, found_names, where)
        scores["domain accuracy"].add({unit["domain"]}, {entry["domain_id"] or ""}, where)
        scores["kind accuracy"].add({unit["kind"]}, {entry["kind"]}, where)
    conn.close()
    figures = {}
    for name, score in scores.items():
        if name.endswith("accuracy"):
            figures[name] = (score.recall, score)  # a unit not found counts as wrong
        else:
            figures[f"{name} precision"] = (score.precision, score)
            figures[f"{name} recall"] = (score.recall, score)
    return figures


def test_extraction_quality(measured, quality_lines):
    units = sum(1 for _ in annotated_units())
    quality_lines.append(
        f"{units} annotated units in {len(list(ANNOTATIONS.glob('*.toml')))} files"
    )
    for name in FLOORS:
        value, score = measured[name]
        quality_lines.append(
            f"{name:<26} {value:6.1%}  (tp {score.true_positive}, fp {score.false_positive},"
            f" fn {score.false_negative})"
        )
    below = {
        name: (f"{measured[name][0]:.3f} < {floor}", measured[name][1].misses[:8])
        for name, floor in FLOORS.items()
        if measured[name][0] < floor
    }
    assert below == {}


def test_annotations_are_valid():
    """The gold itself: every match found as often as declared, every id known."""
    import subprocess
    import sys

    checker = ANNOTATIONS / "check_annotations.py"
    result = subprocess.run([sys.executable, str(checker)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
