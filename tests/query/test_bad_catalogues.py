"""Bad or missing catalogues: a one-line CLI error that says what is wrong and what to do, never
a traceback, and the file is never modified (it is opened read-only and immutable)."""

import hashlib
import os
import random
import shutil
import sqlite3

import pytest

from app.cli import main
from app.query.catalogue import Catalogue, CatalogueError


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli_lines(capsys, db, *command):
    code = main([*command, "--db", str(db)])
    return code, capsys.readouterr().err


def copy_with(catalogue_path, tmp_path, change):
    copy = tmp_path / "copy.db"
    shutil.copy(catalogue_path, copy)
    change(copy)
    return copy


def set_version(version):
    def change(path):
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()
        conn.close()

    return change


def truncate(fraction):
    def change(path):
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * fraction)])

    return change


def drop_table(path):
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE entry_countries")
    conn.commit()
    conn.close()


def damage_schema_with_bytes_not_utf8(path):
    """A table whose schema row SQLite cannot read, named in bytes that are not UTF-8: SQLite's
    message quotes the name, and Python cannot decode the message."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET name = CAST(x'726567696fee6e' AS TEXT), sql = 'CREATE TABLE ('"
        " WHERE name = 'region_members'"
    )
    conn.commit()
    conn.close()


CASES = {
    "zero bytes": (lambda p: p.write_bytes(b""), "is empty (0 bytes)"),
    "not sqlite": (lambda p: p.write_bytes(b"PK\x03\x04 a zip" * 50), "is not an SQLite database"),
    "short header": (lambda p: p.write_bytes(b"SQLite format 3\x00"), "not an SQLite database"),
    "truncated to half": (truncate(0.5), "is truncated ("),
    "truncated to one page": (truncate(0.004), "is truncated ("),
    "newer schema": (set_version(99), "newer version of this app (schema version 99"),
    "older schema": (set_version(0), "schema version 0 from an older version"),
    "tables missing": (drop_table, "tables missing"),
    "schema not UTF-8": (
        damage_schema_with_bytes_not_utf8,
        "is damaged or not a catalogue (its text is not UTF-8)",
    ),
}


@pytest.mark.parametrize("change, message", CASES.values(), ids=list(CASES))
def test_bad_catalogue_is_a_one_line_cli_error_and_is_not_modified(
    catalogue_path, tmp_path, capsys, change, message
):
    copy = copy_with(catalogue_path, tmp_path, change)
    before = digest(copy)
    with pytest.raises(CatalogueError) as raised:
        Catalogue(copy)
    assert message in str(raised.value)
    code, err = cli_lines(capsys, copy, "query")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("catalogue: ") and message in err
    assert "catalogue build" in err  # what to do
    assert digest(copy) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db"]


@pytest.mark.parametrize("quick_check", [True, False], ids=["small", "large"])
def test_flipped_bytes_never_give_a_traceback_or_change_the_file(
    catalogue_path, tmp_path, capsys, monkeypatch, quick_check
):
    """Flip bytes anywhere: the startup check refuses the file, or a query meets the damage and
    the CLI says so in one line, or the damage is in text and the command succeeds. "large"
    skips PRAGMA quick_check, as opening a catalogue over 32 MB does."""
    if not quick_check:
        monkeypatch.setattr("app.query.catalogue.QUICK_CHECK_BYTES", 0)
    source = catalogue_path.read_bytes()
    rng = random.Random(1234)
    outcomes = {"refused at open": 0, "damage met": 0, "ran": 0}
    for trial in range(60):
        data = bytearray(source)
        for _ in range(rng.choice([1, 8, 64, 512])):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        path = tmp_path / f"flip{trial}.db"
        path.write_bytes(bytes(data))
        for command in (["query", "--search", "maritime"], ["info"]):
            code, err = cli_lines(capsys, path, *command)
            assert "Traceback" not in err
            if code == 0:
                outcomes["ran"] += 1
            else:
                assert code == 2 and err.count("\n") == 1, err
                key = "damage met" if "is damaged (" in err else "refused at open"
                outcomes[key] += 1
        assert path.read_bytes() == bytes(data)
        path.unlink()
    assert outcomes["refused at open"] > 0
    if not quick_check:
        assert outcomes["damage met"] > 0


def test_non_ascii_path_opens(catalogue_path, tmp_path, capsys):
    folder = tmp_path / "外交 Café #1 ?&%20"
    folder.mkdir()
    copy = folder / "カタログ.db"
    shutil.copy(catalogue_path, copy)
    with Catalogue(copy) as opened:
        assert opened.count() > 0
    assert main(["query", "--count", "--db", str(copy)]) == 0
    assert int(capsys.readouterr().out) > 0


def test_read_only_folder_and_file_open_and_stay_untouched(catalogue_path, tmp_path):
    folder = tmp_path / "installed"
    folder.mkdir()
    copy = folder / "catalogue.db"
    shutil.copy(catalogue_path, copy)
    before = digest(copy)
    copy.chmod(0o444)
    folder.chmod(0o555)
    try:
        with Catalogue(copy) as opened:
            assert opened.count() > 0
            with pytest.raises(sqlite3.OperationalError):
                opened.conn.execute("DELETE FROM entries")
        assert sorted(p.name for p in folder.iterdir()) == ["catalogue.db"]
        assert digest(copy) == before
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_says_so(catalogue_path, tmp_path):
    copy = copy_with(catalogue_path, tmp_path, lambda p: p.chmod(0))
    with pytest.raises(CatalogueError, match="cannot be read"):
        Catalogue(copy)


def test_a_folder_instead_of_a_file(tmp_path):
    # It said "No catalogue at <folder>. Build one with `catalogue build --out <folder>`",
    # which fails: "Is a directory".
    with pytest.raises(CatalogueError, match="is a folder, not a catalogue") as raised:
        Catalogue(tmp_path)
    assert "build --out" not in str(raised.value)


def test_the_startup_check_is_cheap(catalogue_path):
    import time

    started = time.perf_counter()
    for _ in range(10):
        Catalogue(catalogue_path).close()
    assert (time.perf_counter() - started) / 10 < 0.1
