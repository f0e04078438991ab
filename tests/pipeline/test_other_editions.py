"""A made-up edition in marker styles the bundled three do not use, built end to end."""

import sqlite3
from pathlib import Path

import pytest

from app.pipeline.build import build_catalogue

EDITIONS = Path(__file__).resolve().parent / "editions"


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    out = tmp_path_factory.mktemp("other") / "other.db"
    report = build_catalogue(EDITIONS, out)
    conn = sqlite3.connect(out)
    conn.row_factory = sqlite3.Row
    yield conn, report
    conn.close()


def entry(conn, beginning):
    return conn.execute("SELECT * FROM entries WHERE quote LIKE ?", [beginning + "%"]).fetchone()


def test_title_and_edition_are_inferred(other):
    conn, report = other
    doc = conn.execute("SELECT title, edition_year, in_manifest FROM documents").fetchone()
    assert tuple(doc) == ("White Paper on Development Cooperation", 2016, 0)
    assert any("not in sources.toml" in w for w in report.warnings)


def test_angle_bar_and_bullet_headings(other):
    conn, _ = other
    titles = [r[0] for r in conn.execute("SELECT title FROM sections ORDER BY id")]
    assert "Japan's Efforts" in titles  # <Japan's Efforts>
    assert "Enhancing Maritime Law Enforcement" in titles  # | Enhancing …
    assert "Countering Terrorism" in titles  # •Countering …
    assert "Supporting the Sahel" in titles  # • Supporting …
    sentence = entry(conn, "Japan provided two patrol vessels")
    assert sentence["section"].endswith("Japan's Efforts › Enhancing Maritime Law Enforcement")


def test_caption_note_and_reference(other):
    conn, _ = other
    assert entry(conn, "Trainees from Sri Lanka")["kind"] == "caption"
    note = entry(conn, "The programme supports coastal states")
    assert (note["kind"], note["label"]) == ("note", "4")
    referring = entry(conn, "Japan contributed approximately $3.2 million")
    links = conn.execute(
        "SELECT note_entry_id FROM note_links WHERE entry_id = ?", [referring["id"]]
    )
    assert [r[0] for r in links] == [note["id"]]


def test_places_figures_and_organisations(other):
    conn, _ = other
    assert entry(conn, "In FY2015, Japan provided")["countries"] == "NGA; NER; TCD"
    assert entry(conn, "The U.S. Coast Guard also trained")["countries"] == "USA; KEN"
    note = entry(conn, "The programme supports coastal states")
    assert note["countries"] == ""  # Gulf of Guinea and Indian Ocean are not Guinea or India
    assert note["regions"] == "Gulf of Guinea; Indian Ocean"
    money = conn.execute(
        "SELECT value, currency, qualifier, owner FROM figures WHERE kind = 'money' ORDER BY id"
    ).fetchall()
    assert [tuple(m) for m in money] == [
        (3_200_000.0, "USD", "approximately", "JPN"),
        (2_000_000_000.0, "JPY", "over", "JPN"),
    ]
    counts = {
        (r[0], r[1]) for r in conn.execute("SELECT value, unit FROM figures WHERE kind = 'count'")
    }
    assert {(2.0, "patrol vessels"), (120.0, "prosecutors"), (11.0, "countries")} <= counts
    years = conn.execute(
        "SELECT ym.kind, ym.year_from FROM year_mentions ym JOIN entries e ON e.id = ym.entry_id"
        " WHERE e.quote LIKE 'In FY2015%'"
    ).fetchall()
    assert [tuple(y) for y in years] == [("fiscal", 2015)]
    assert entry(conn, "The Sahel region")["organisations"] == "UNODC; UNDP"


def test_notes_numbered_again_in_each_chapter_are_linked_within_it(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "bluebook-2019-restarting-notes.txt").write_text(
        "Diplomatic Bluebook 2019\n"
        "Chapter 1 Peace\n"
        "Japan supported counter-terrorism training on terrorist financing in Kenya.(Note 1)\n"
        "Note 1: Mine action covers clearance and risk education.\n"
        "Note 2: As in Note 1, the training ran for a year.\n"
        "Chapter 2 Prosperity\n"
        "Japan provided patrol boats to the Viet Nam Coast Guard for maritime law"
        " enforcement.(Note 1)\n"
        "Note 1: The boats were provided through grant aid.\n",
        encoding="utf-8",
    )
    out = tmp_path / "catalogue.db"
    build_catalogue(sources, out)
    conn = sqlite3.connect(out)
    conn.row_factory = sqlite3.Row
    try:
        pairs = conn.execute(
            "SELECT e.quote AS caller, n.quote AS note, n.section, n.domain_id AS domain,"
            " e.domain_id AS caller_domain FROM note_links nl"
            " JOIN entries e ON e.rowid = nl.entry_id JOIN entries n ON n.rowid = nl.note_entry_id"
            " ORDER BY e.rowid"
        ).fetchall()
    finally:
        conn.close()
    shown = [(p["caller"][:20], p["note"][:20], p["section"].split(" › ")[-1]) for p in pairs]
    assert shown == [
        ("Japan supported coun", "Mine action covers c", "Peace"),
        ("As in Note 1, the tr", "Mine action covers c", "Peace"),  # a note's, nearest
        ("Japan provided patro", "The boats were provi", "Prosperity"),
    ]
    # Each note takes the domain of the sentence calling it, not the other chapter's.
    domains = [(p["caller_domain"], p["domain"]) for p in pairs]
    assert domains[0] == ("counter-terrorism", "counter-terrorism")
    assert domains[2] == ("maritime", "maritime")
