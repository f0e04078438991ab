"""`catalogue --smoke` from source: the same check CI runs on the frozen bundle."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_app(*args: str, home: Path) -> subprocess.CompletedProcess:
    """`python -m app ARGS` with the per-user folders moved into `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "QT_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_DATA_HOME=str(home / "data"),
    )
    env.pop("CATALOGUE_LOG_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_smoke_passes_with_one_summary_line(tmp_path):
    result = run_app("--smoke", home=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    summary = lines[0]
    assert summary.startswith("smoke ok (from source): window ")
    assert "Vietnam (VNM)" in summary and "search 'maritime'" in summary
    assert "CSV " in summary and "= catalogue count" in summary
    assert result.stderr == ""  # no Qt warnings either


def test_smoke_leaves_the_users_settings_and_logs_alone(tmp_path):
    assert run_app("--smoke", home=tmp_path).returncode == 0
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    # Qt may cache fonts; nothing of the app's own (settings, log, export).
    assert not [p for p in written if "security-cooperation-catalogue" in str(p)], written


def test_smoke_fails_in_one_line_when_the_catalogue_is_missing(tmp_path):
    missing = tmp_path / "nowhere.db"
    result = run_app("--db", str(missing), "--smoke", home=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("smoke FAILED: ") and "nowhere.db" in lines[0]


def test_smoke_fails_when_the_catalogue_is_damaged(tmp_path):
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not a catalogue" * 200)
    result = run_app("--db", str(damaged), "--smoke", home=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("smoke FAILED: ")


def test_startup_time_prints_when_the_window_was_shown(tmp_path):
    result = run_app("--startup-time", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("startup: window shown at ")
    assert "s after process start" in result.stdout
