"""Building the catalogue: exact quotes, determinism, atomic replacement, the report."""

import os
import shutil
import sqlite3

import pytest

from app.paths import bundled_catalogue, bundled_sources
from app.pipeline.build import BuildCancelled, build_catalogue, content_digest
from app.pipeline.schema import SCHEMA_VERSION
from app.pipeline.sources import BuildError, SourceError


def rows(path, sql, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_every_quote_is_its_source_slice(catalogue_path):
    texts = dict(rows(catalogue_path, "SELECT id, text FROM documents"))
    entries = rows(catalogue_path, 'SELECT document_id, start, "end", quote FROM entries')
    assert len(entries) > 500
    bad = [(d, s, e) for d, s, e, q in entries if texts[d][s:e] != q or not q.strip()]
    assert bad == []


def test_every_mention_and_figure_lies_inside_its_entry(catalogue_path):
    for table in ("mentions", "figures", "year_mentions"):
        sql = (
            f'SELECT t.text, t.start, t."end", e.start, e."end", d.text FROM {table} t'
            " JOIN entries e ON e.id = t.entry_id JOIN documents d ON d.id = e.document_id"
        )
        for text, start, end, e_start, e_end, source in rows(catalogue_path, sql):
            assert e_start <= start < end <= e_end
            assert source[start:end] == text


def test_schema_version_fts_and_indexes(catalogue_path):
    assert rows(catalogue_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert (
        rows(catalogue_path, "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'piracy'")[
            0
        ][0]
        > 0
    )
    indexed = {
        r[0] for r in rows(catalogue_path, "SELECT tbl_name FROM sqlite_master WHERE type='index'")
    }
    for table in (
        "entries",
        "entry_countries",
        "entry_regions",
        "entry_organisations",
        "entry_years",
    ):
        assert table in indexed


def test_foreign_keys_hold(catalogue_path):
    assert rows(catalogue_path, "PRAGMA foreign_key_check") == []


def test_every_entry_has_a_domain_or_a_reason(catalogue_path):
    missing = rows(
        catalogue_path,
        "SELECT entry_id FROM entries WHERE domain_id IS NULL AND coalesce(domain_reason, '') = ''",
    )
    assert missing == []


def test_kinds_are_known(catalogue_path):
    kinds = {k for (k,) in rows(catalogue_path, "SELECT DISTINCT kind FROM entries")}
    assert kinds <= {"body", "caption", "note", "glossary", "column", "heading"}
    assert {"body", "caption", "note", "heading", "glossary", "column"} <= kinds


def test_build_is_deterministic(built, tmp_path):
    again = tmp_path / "again.db"
    build_catalogue(bundled_sources(), again)
    assert content_digest(again) == content_digest(built[0])


def test_committed_catalogue_is_not_stale(built):
    """data/catalogue.db must be rebuilt (`catalogue build`) whenever sources or pipeline change."""
    assert bundled_catalogue().exists(), "data/catalogue.db is missing: run `catalogue build`"
    assert content_digest(bundled_catalogue()) == content_digest(built[0]), (
        "data/catalogue.db is stale: run `catalogue build` and commit it"
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_the_catalogue_is_an_ordinary_file_not_a_private_one(catalogue_path):
    assert catalogue_path.stat().st_mode & 0o777 == 0o644


def test_failed_build_leaves_the_old_catalogue(tmp_path):
    out = tmp_path / "catalogue.db"
    out.write_bytes(b"old catalogue")
    sources = tmp_path / "sources"
    shutil.copytree(bundled_sources(), sources)
    (sources / "oda-white-paper-2018-security-stability.txt").write_text(
        "tampered", encoding="utf-8"
    )
    with pytest.raises(SourceError, match="checksum does not match"):
        build_catalogue(sources, out)
    assert out.read_bytes() == b"old catalogue"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.db", "sources"]


def test_cancelled_build_leaves_the_old_catalogue(tmp_path):
    out = tmp_path / "catalogue.db"
    out.write_bytes(b"old catalogue")
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 7  # 3 reads, 3 extractions, then stop after writing one document

    with pytest.raises(BuildCancelled):
        build_catalogue(bundled_sources(), out, cancelled=cancelled)
    assert out.read_bytes() == b"old catalogue"
    assert [p.name for p in tmp_path.iterdir()] == ["catalogue.db"]


def test_missing_manifest_file_is_named(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(bundled_sources(), sources)
    (sources / "diplomatic-bluebook-2023-global-security.txt").unlink()
    with pytest.raises(SourceError, match="diplomatic-bluebook-2023-global-security.txt: listed"):
        build_catalogue(sources, tmp_path / "x.db")


def test_folder_without_manifest_infers_title_and_edition(tmp_path):
    sources = tmp_path / "reports"
    sources.mkdir()
    for path in bundled_sources().glob("*.txt"):
        shutil.copy(path, sources / path.name)
    out = tmp_path / "inferred.db"
    report = build_catalogue(sources, out, progress=lambda *a: None)
    docs = {
        r[0]: (r[1], r[2])
        for r in rows(out, "SELECT source_file, title, edition_year FROM documents")
    }
    assert docs["diplomatic-bluebook-2023-global-security.txt"] == ("Diplomatic Bluebook", 2023)
    assert len(report.warnings) >= 3
    assert any("not in sources.toml" in w for w in report.warnings)


def test_report_counts(built):
    _, report = built
    text = report.text()
    assert report.total == sum(report.kinds.values()) == sum(report.domains.values())
    for heading in (
        "Entries per document",
        "Entries per kind",
        "Entries per domain",
        "Entries per partner country",
        "Headings that map to no domain",
        "Acronyms never defined",
    ):
        assert heading in text
    assert report.countries["VNM"] > 0
    assert "JPN" not in report.countries


def test_progress_is_reported(tmp_path):
    seen = []
    build_catalogue(bundled_sources(), tmp_path / "p.db", progress=lambda *a: seen.append(a))
    stages = [s for s, _, _ in seen]
    assert {"reading", "extracting", "writing", "indexing"} <= set(stages)
    assert all(0 <= done <= total for _, done, total in seen)


def test_the_rows_are_synced_while_the_last_steps_run(tmp_path, monkeypatch):
    # The sync before the move then has only the last steps' pages to write.
    import threading

    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(threading.current_thread().name)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    build_catalogue(bundled_sources(), tmp_path / "catalogue.db")
    assert synced[:2] == ["early sync", "MainThread"]
    assert not [t for t in threading.enumerate() if t.name == "early sync"]


def test_the_corpus_is_let_go_once_its_rows_are_written(tmp_path, monkeypatch):
    # Freed while the frequent words are read, not at the end of the build, where the garbage
    # collector (on again) would first walk its millions of objects.
    import weakref

    from app.pipeline import build, tally

    corpora = []
    real_read_corpus = build.read_corpus

    def read_corpus(*args):
        corpus = real_read_corpus(*args)
        corpora.append(weakref.ref(corpus))
        return corpus

    alive = []
    real_write_statistics = tally.CatalogueTally.write_statistics

    def write_statistics(self, db, skip=()):  # after the words' readers start
        alive.append(corpora[0]() is not None)
        real_write_statistics(self, db, skip)

    monkeypatch.setattr(build, "read_corpus", read_corpus)
    monkeypatch.setattr(tally.CatalogueTally, "write_statistics", write_statistics)
    build_catalogue(bundled_sources(), tmp_path / "catalogue.db")
    assert alive == [False]


def test_a_large_old_catalogue_is_deleted_after_the_new_one_is_in_place(tmp_path, monkeypatch):
    import threading

    from app.export import atomic

    monkeypatch.setattr(atomic, "LARGE_BYTES", 1)
    out = tmp_path / "catalogue.db"
    build_catalogue(bundled_sources(), out)
    first = content_digest(out)
    build_catalogue(bundled_sources(), out)
    for thread in threading.enumerate():
        if thread.name == "delete old file":
            thread.join()
    assert [p.name for p in tmp_path.iterdir()] == ["catalogue.db"]
    assert content_digest(out) == first


@pytest.mark.parametrize("name", ["oda-white-paper-2018-security-stability.txt", "sources.toml"])
def test_a_build_never_replaces_a_file_of_its_sources(tmp_path, name):
    # `--out` naming a report by mistake replaced it with the catalogue: its text was lost.
    sources = tmp_path / "sources"
    shutil.copytree(bundled_sources(), sources)
    before = (sources / name).read_bytes()
    with pytest.raises(BuildError, match="Will not replace .*a file of the sources folder"):
        build_catalogue(sources, sources / name)
    assert (sources / name).read_bytes() == before
    assert sorted(p.name for p in sources.iterdir()) == sorted(
        p.name for p in bundled_sources().iterdir()
    )


def test_a_catalogue_in_the_sources_folder_may_be_replaced(built, tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(bundled_sources(), sources)
    shutil.copy(built[0], sources / "catalogue.db")
    build_catalogue(sources, sources / "catalogue.db")
    assert content_digest(sources / "catalogue.db") == content_digest(built[0])
