"""The GUI benchmark times what a user waits for."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

import app.gui.entries_model as entries_model
import app.query.catalogue as catalogue_module
from app.bench.gui import Heartbeat, timed_change
from app.gui.settings import DEFAULT_FILTERS


def test_a_first_page_that_comes_with_the_count_is_timed_to_its_rows(
    qtbot, catalogue_path, tmp_path, monkeypatch
):
    from app.gui.main import open_window

    # As a prefix search at 1M entries: the window paints "Searching…" first.
    monkeypatch.setattr(entries_model, "COUNT_BUDGET_S", 0.0)
    monkeypatch.setattr(entries_model, "PAGE_BUDGET_S", 0.0)
    monkeypatch.setattr(catalogue_module, "PROGRESS_STEPS", 1)
    window = open_window(catalogue_path, tmp_path / "browser.ini")
    qtbot.addWidget(window)
    window.show()
    try:
        window.forget_counts()
        searched, rows_came = [], []
        window.model.total_changed.connect(lambda: rows_came.append(time.perf_counter()))

        def search() -> None:
            searched.append(time.perf_counter())
            window.apply_filters(DEFAULT_FILTERS.with_(search="security"))
            searched.append(window.model.searching())

        first, settled, _ = timed_change(window, Heartbeat(), search)
        assert searched[1] is True  # the change itself showed no rows
        came = [t for t in rows_came if t > searched[0]]
        assert came and window.model.rowCount() > 0
        assert first >= (came[0] - searched[0]) * 1e3  # not the paint of "Searching…"
        assert first <= settled
    finally:
        window.close()
        window.catalogue.close()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's /proc")
def test_peak_memory_is_the_programs_own_not_its_parents():
    # A parent as large as the benchmark after generating the 1M catalogue: its children's
    # ru_maxrss starts from this size, so it cannot be their peak.
    ballast = b"x" * (300 * 2**20)
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource; from app.bench.gui import peak_rss_mb;"
            " print(peak_rss_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    del ballast
    peak, inherited = map(float, child.stdout.split())
    assert inherited >= 300  # the premise: Linux carried the parent's peak over
    assert 0 < peak < 200
