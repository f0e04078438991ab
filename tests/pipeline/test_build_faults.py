"""Fault injection in the style of SQLite's own tests: fail the Nth fsync, rename or write of a
build for every N, kill the build at many points, and limit the file size so that SQLite's own
writes fail; each time the old catalogue must be byte-identical and no temporary file left."""

import errno
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from app.pipeline.build import build_catalogue, content_digest
from app.pipeline.sources import BuildError
from app.query.catalogue import Catalogue

ROOT = Path(__file__).resolve().parents[2]
GOOD = (
    "Diplomatic Bluebook 2024\n\n(1) Maritime Security\n\n"
    "Japan provided patrol vessels to Viet Nam in 2023. Japan supported the Philippine Coast "
    "Guard through JICA with USD 5 million.\n\n(2) Cyber Security\n\n"
    "Japan held a cyber dialogue with Indonesia. It trained 120 officials in 2022.\n"
)
OLD = b"old catalogue bytes"
DISK_FULL = sqlite3.OperationalError("database or disk is full")


class Connection(sqlite3.Connection):
    """Every connection of these tests (sqlite-utils opens the build's with sqlite3.connect):
    its executemany, which writes the build's rows, is a Python method that can be patched."""

    def executemany(self, *args, **kwargs):
        return super().executemany(*args, **kwargs)


@pytest.fixture(autouse=True)
def patchable_connections(monkeypatch):
    connect = sqlite3.connect
    monkeypatch.setattr(
        sqlite3, "connect", lambda *args, **kwargs: connect(*args, factory=Connection, **kwargs)
    )


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources")
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b.txt").write_text(GOOD.replace("2024", "2025"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reference(sources, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "catalogue.db"
    build_catalogue(sources, out)
    return content_digest(out)


# (name, owner, attribute, error to raise): every Python-level call of a build that writes.
POINTS = [
    ("fsync", os, "fsync", OSError(errno.EIO, "Input/output error")),
    ("replace", os, "replace", OSError(errno.EACCES, "Permission denied")),
    ("executemany", Connection, "executemany", DISK_FULL),
    ("create table", sqlite_utils.db.Table, "create", DISK_FULL),
    ("create index", sqlite_utils.db.Table, "create_index", DISK_FULL),
    ("enable fts", sqlite_utils.db.Table, "enable_fts", DISK_FULL),
    ("execute", sqlite_utils.Database, "execute", DISK_FULL),
]


def count_calls(monkeypatch, owner, attribute, run) -> int:
    original = getattr(owner, attribute)
    calls = []

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, attribute, counting)
    run()
    monkeypatch.setattr(owner, attribute, original)
    return len(calls)


def fail_nth(monkeypatch, owner, attribute, n, error):
    original = getattr(owner, attribute)
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, attribute, failing)


@pytest.mark.parametrize("name, owner, attribute, error", POINTS, ids=[p[0] for p in POINTS])
def test_failing_the_nth_call_keeps_the_old_catalogue(
    tmp_path, monkeypatch, sources, reference, name, owner, attribute, error
):
    out = tmp_path / "catalogue.db"
    total = count_calls(monkeypatch, owner, attribute, lambda: build_catalogue(sources, out))
    assert total >= 1, f"a build makes no {name} call: the fault point is stale"
    outcomes = []
    for n in range(1, total + 1):
        out.write_bytes(OLD)
        with monkeypatch.context() as patch:
            fail_nth(patch, owner, attribute, n, error)
            try:
                build_catalogue(sources, out)
            except BuildError as exc:
                assert str(exc).startswith("catalogue.db: cannot write the catalogue (")
                assert out.read_bytes() == OLD, f"{name} #{n} changed the old catalogue"
                outcomes.append("refused")
            else:
                # Only a failure after the rename (syncing the folder) may leave a success.
                assert content_digest(out) == reference, f"{name} #{n}"
                outcomes.append("built")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.db"], f"{name} #{n}"
    assert "refused" in outcomes


KILL_SCRIPT = """
import os, signal, sys
from pathlib import Path
import sqlite3
from app.pipeline import build

sources, out, point, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
calls = []

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def progress(stage, done, total):
    if point == "progress":
        calls.append(1)
        if len(calls) == n:
            die()

def wrap(owner, attribute, after=False):
    original = getattr(owner, attribute)
    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == n and not after:
            die()
        result = original(*args, **kwargs)
        if len(calls) == n and after:
            die()
        return result
    setattr(owner, attribute, wrapper)

if point == "executemany":
    class Connection(sqlite3.Connection):
        def executemany(self, *args, **kwargs):
            return super().executemany(*args, **kwargs)
    wrap(Connection, "executemany")
    connect = sqlite3.connect
    sqlite3.connect = lambda *args, **kwargs: connect(*args, factory=Connection, **kwargs)
elif point == "fsync":
    wrap(os, "fsync")
elif point == "before replace":
    wrap(os, "replace")
elif point == "after replace":
    wrap(os, "replace", after=True)
build.build_catalogue(Path(sources), Path(out), progress=progress)
print("finished")
"""

KILLS = [
    ("progress", 1),  # reading
    ("progress", 3),  # extracting
    ("progress", 5),  # writing the first document
    ("progress", 7),  # indexing
    ("executemany", 1),
    ("executemany", 9),
    ("fsync", 1),
    ("before replace", 1),
    ("after replace", 1),
]


@pytest.mark.parametrize("point, n", KILLS, ids=[f"{p}-{n}" for p, n in KILLS])
def test_a_killed_build_leaves_the_old_catalogue_and_the_next_build_cleans_up(
    tmp_path, sources, reference, point, n
):
    out = tmp_path / "catalogue.db"
    out.write_bytes(OLD)
    run = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(sources), str(out), point, str(n)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == -signal.SIGKILL, run.stdout + run.stderr
    if point == "after replace":
        assert content_digest(out) == reference  # the new catalogue, whole
        with Catalogue(out) as opened:
            assert opened.count() > 0
    else:
        assert out.read_bytes() == OLD
    # The killed process could not delete its temporary file; the next build does.
    build_catalogue(sources, out)
    assert content_digest(out) == reference
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.db"]


def test_a_live_builds_temporary_file_is_not_taken_for_a_stale_one(tmp_path, sources):
    from app.export import atomic

    out = tmp_path / "catalogue.db"
    with atomic.temporary_for(out, ".tmp") as live:
        assert atomic.remove_stale(out, ".tmp") == []  # locked by this writer: kept
        assert live.exists()
    assert not live.exists()


DISK_SCRIPT = """
import resource, signal, sys
from app.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
sys.exit(main(["build", "--sources", sys.argv[1], "--out", sys.argv[2], "--quiet"]))
"""


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="POSIX file-size limit")
@pytest.mark.parametrize("fraction", [0, 0.01, 0.25, 0.5, 0.75, 0.99])
def test_a_full_disk_inside_sqlite_keeps_the_old_catalogue(tmp_path, sources, fraction):
    """RLIMIT_FSIZE makes SQLite's own writes fail part-way, as a full disk would."""
    full = tmp_path / "full.db"
    build_catalogue(sources, full)
    limit = int(full.stat().st_size * fraction)
    full.unlink()
    out = tmp_path / "catalogue.db"
    out.write_bytes(OLD)
    run = subprocess.run(
        [sys.executable, "-c", DISK_SCRIPT, str(sources), str(out), str(limit)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("catalogue: catalogue.db: cannot write the catalogue (")
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert out.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.db"]


def test_an_unwritable_folder_is_a_clear_error(tmp_path, sources, capsys):
    from app.cli import main

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = main(["build", "--sources", str(sources), "--out", str(blocker / "c.db"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("catalogue: c.db: cannot write the catalogue (")
