"""Fault injection into the CSV export: fail the Nth write, fsync, rename (and the calls that
create the temporary file) for every N; the old file must stay byte-identical, no temporary
file may remain, and the error must say why. Also: a killed export, a full disk, Excel's lock."""

import errno
import os
import resource
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import app.export.csv_export as csv_export
from app.export.csv_export import ExportCancelled, ExportError, export_csv, header

ROOT = Path(__file__).resolve().parents[2]
OLD = b"old export, open in Excel"


def sample_rows(n=25):
    rows = []
    for i in range(n):
        row = {c: f"{c} {i}" for c in header()}
        row.update(quote=f'=cell {i}, with "quotes"\nand a line', start=i, end=i + 5)
        rows.append(row)
    return rows


class FaultyFile:
    """A text file whose Nth write raises, as a full disk would."""

    def __init__(self, fh, fail):
        self.fh, self.fail = fh, fail

    def write(self, text):
        self.fail()
        return self.fh.write(text)

    def __getattr__(self, name):
        return getattr(self.fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.fh.__exit__(*exc)


def counter(n, error):
    calls = []

    def tick():
        calls.append(1)
        if len(calls) == n:
            raise error

    return tick, calls


def patch_point(monkeypatch, point, tick):
    if point == "write":
        real_open = open
        monkeypatch.setattr(
            csv_export, "open", lambda *a, **k: FaultyFile(real_open(*a, **k), tick), raising=False
        )
        return
    owner, attribute = {
        "fsync": (os, "fsync"),
        "replace": (os, "replace"),
        "chmod": (os, "chmod"),
        "mkstemp": (tempfile, "mkstemp"),
        "dup": (os, "dup"),
    }[point]
    original = getattr(owner, attribute)

    def failing(*args, **kwargs):
        tick()
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, attribute, failing)


POINTS = {
    "write": OSError(errno.ENOSPC, "No space left on device"),
    "fsync": OSError(errno.EIO, "Input/output error"),
    "replace": PermissionError(errno.EACCES, "Permission denied"),
    "chmod": PermissionError(errno.EPERM, "Operation not permitted"),
    "mkstemp": PermissionError(errno.EACCES, "Permission denied"),
    "dup": OSError(errno.EMFILE, "Too many open files"),
}


@pytest.mark.parametrize("point", list(POINTS))
def test_failing_the_nth_call_leaves_the_old_file(tmp_path, monkeypatch, point):
    rows = sample_rows()
    reference = tmp_path / "reference.csv"
    export_csv(rows, reference)
    target = tmp_path / "out.csv"
    with monkeypatch.context() as patch:
        tick, calls = counter(0, None)
        patch_point(patch, point, tick)
        export_csv(rows, target)
    total = len(calls)
    assert total >= 1, f"an export makes no {point} call: the fault point is stale"
    outcomes = []
    for n in range(1, total + 1):
        target.write_bytes(OLD)
        with monkeypatch.context() as patch:
            tick, _ = counter(n, POINTS[point])
            patch_point(patch, point, tick)
            try:
                export_csv(rows, target)
            except ExportError as exc:
                assert str(exc).startswith("Cannot "), exc
                assert target.read_bytes() == OLD, f"{point} #{n} changed the old file"
                outcomes.append("refused")
            else:  # only syncing the folder after the rename may fail without consequence
                assert target.read_bytes() == reference.read_bytes(), f"{point} #{n}"
                outcomes.append("written")
        names = sorted(p.name for p in tmp_path.iterdir())
        assert names == ["out.csv", "reference.csv"], f"{point} #{n} left {names}"
    assert "refused" in outcomes


def test_a_target_open_in_excel_says_so_and_a_retry_works(tmp_path, monkeypatch):
    target = tmp_path / "open.csv"
    target.write_bytes(OLD)
    with monkeypatch.context() as patch:  # Windows refuses to replace a file Excel holds
        patch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(PermissionError(13, "x")))
        with pytest.raises(ExportError, match="open in another program"):
            export_csv(sample_rows(), target)
    assert target.read_bytes() == OLD
    assert export_csv(sample_rows(), target) == 25  # closed in Excel: the retry replaces it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["open.csv"]


def test_a_damaged_catalogue_during_export_is_an_export_error(tmp_path):
    import sqlite3

    def rows():
        yield from sample_rows(3)
        raise sqlite3.DatabaseError("database disk image is malformed")

    target = tmp_path / "x.csv"
    target.write_bytes(OLD)
    with pytest.raises(ExportError, match="Cannot read the catalogue"):
        export_csv(rows(), target)
    assert target.read_bytes() == OLD and len(list(tmp_path.iterdir())) == 1


def test_cancelling_at_every_check_leaves_the_old_file(tmp_path):
    rows = sample_rows(3500)
    target = tmp_path / "c.csv"
    for stop_at in (1, 2, 3):
        target.write_bytes(OLD)
        checks = iter(range(1, 100))
        with pytest.raises(ExportCancelled):
            export_csv(rows, target, cancelled=lambda c=checks, s=stop_at: next(c) >= s)
        assert target.read_bytes() == OLD and len(list(tmp_path.iterdir())) == 1


KILL_SCRIPT = """
import os, signal, sys
from app.export.csv_export import export_csv, header
n = int(sys.argv[2])
def rows():
    for i in range(5000):
        if i == n:
            os.kill(os.getpid(), signal.SIGKILL)
        yield {c: f"{c} {i}" for c in header()}
export_csv(rows(), sys.argv[1])
"""


@pytest.mark.parametrize("n", [0, 1, 1500, 4999])
def test_a_killed_export_leaves_the_old_file_and_the_next_export_cleans_up(tmp_path, n):
    target = tmp_path / "k.csv"
    target.write_bytes(OLD)
    run = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(target), str(n)], cwd=ROOT, timeout=60
    )
    assert run.returncode == -signal.SIGKILL
    assert target.read_bytes() == OLD
    export_csv(sample_rows(), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.csv"]


DISK_SCRIPT = """
import resource, signal, sys
from app.export.csv_export import export_csv, header, ExportError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), resource.RLIM_INFINITY))
rows = ({c: f"{c} {i}" for c in header()} for i in range(3000))
try:
    export_csv(rows, sys.argv[1])
except ExportError as exc:
    print(exc)
    sys.exit(2)
"""


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="POSIX file-size limit")
@pytest.mark.parametrize("limit", [0, 1, 4096, 100_000])
def test_a_full_disk_leaves_the_old_file(tmp_path, limit):
    target = tmp_path / "full.csv"
    target.write_bytes(OLD)
    run = subprocess.run(
        [sys.executable, "-c", DISK_SCRIPT, str(target), str(limit)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2, run.stderr
    assert "free some space" in run.stdout
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full.csv"]
