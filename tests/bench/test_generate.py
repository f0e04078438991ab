"""The benchmark's load: synthetic catalogues keep the real schema and every invariant."""

import sqlite3

from app.bench.corpus import write_corpus
from app.bench.generate import generate, load_sample, parse_size
from app.bench.run import current, percentile, summary
from app.paths import bundled_catalogue, bundled_sources
from app.pipeline.schema import SCHEMA_VERSION
from app.query.catalogue import Catalogue
from app.query.filters import Filters


def test_sizes_parse():
    assert parse_size("10k") == 10_000
    assert parse_size("1m") == 1_000_000
    assert parse_size("2500") == 2_500


def test_percentiles():
    assert summary([1.0, 2.0, 3.0]) == (2.0, percentile([3.0, 1.0, 2.0], 0.95))
    assert percentile([5.0], 0.95) == 5.0


def test_synthetic_catalogue_keeps_the_invariants(tmp_path):
    out = tmp_path / "synthetic.db"
    generate(load_sample(bundled_catalogue()), out, 2_500, progress=lambda _: None)
    with Catalogue(out) as catalogue:  # opens only with the real schema version and tables
        assert catalogue.count() == 2_500
        assert catalogue.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert catalogue.facet("countries") and catalogue.facet("domains")
        assert catalogue.count(Filters(search="Japan")) > 0
        entry = catalogue.entry(catalogue.rows(limit=1)[0]["id"])
        assert entry["quote"]
    conn = sqlite3.connect(out)
    bad_quotes = conn.execute(
        "SELECT count(*) FROM entries e JOIN documents d ON d.id = e.document_id"
        ' WHERE substr(d.text, e.start + 1, e."end" - e.start) != e.quote'
    ).fetchone()[0]
    bad_mentions = conn.execute(
        "SELECT count(*) FROM mentions m JOIN entries e ON e.id = m.entry_id"
        " JOIN documents d ON d.id = e.document_id"
        ' WHERE substr(d.text, m.start + 1, m."end" - m.start) != m.text'
    ).fetchone()[0]
    orphans = conn.execute(
        "SELECT count(*) FROM entry_countries WHERE entry_id NOT IN (SELECT id FROM entries)"
    ).fetchone()[0]
    fts = conn.execute("SELECT count(*) FROM entries_fts").fetchone()[0]
    conn.close()
    assert (bad_quotes, bad_mentions, orphans, fts) == (0, 0, 0, 2_500)


def test_corpus_is_reports_of_real_paragraphs(tmp_path):
    total = write_corpus(bundled_sources(), tmp_path, megabytes=0.2)
    files = sorted(tmp_path.glob("*.txt"))
    assert files and total >= 200_000
    first = files[0].read_text(encoding="utf-8")
    assert first.splitlines()[0].startswith(("Diplomatic Bluebook", "White Paper"))


def test_a_catalogue_of_an_older_schema_is_generated_again(tmp_path):
    db = tmp_path / "catalogue-10k.db"
    assert not current(db)  # missing
    generate(load_sample(bundled_catalogue()), db, 500, progress=lambda _: None)
    assert current(db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    assert not current(db)  # left by an older version: the benchmark would fail on it
    db.write_bytes(b"not a database at all, but long enough to have a header" * 4)
    assert not current(db)


def test_synthetic_notes_are_linked_like_the_real_ones(tmp_path):
    # The detail pane's "Referred to in" and notes' own links are read at 1M only if the
    # synthetic catalogue has them, at the real catalogue's rate.
    out = tmp_path / "synthetic.db"
    generate(load_sample(bundled_catalogue()), out, 4_000, progress=lambda _: None)

    def linked(path):
        conn = sqlite3.connect(path)
        try:
            share = conn.execute(
                "SELECT (SELECT count(DISTINCT entry_id) FROM note_links) * 1.0 / count(*)"
                " FROM entries"
            ).fetchone()[0]
            strays = conn.execute(
                "SELECT count(*) FROM note_links nl JOIN entries e ON e.id = nl.entry_id"
                " JOIN entries n ON n.id = nl.note_entry_id"
                " WHERE n.kind NOT IN ('note', 'glossary') OR n.document_id != e.document_id"
                " OR lower(n.label) != lower(nl.label)"
            ).fetchone()[0]
        finally:
            conn.close()
        return share, strays

    real_share, _ = linked(bundled_catalogue())
    share, strays = linked(out)
    assert strays == 0
    assert real_share * 0.7 < share < real_share * 1.3
