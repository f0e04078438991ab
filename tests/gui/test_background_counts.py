"""Counts that do not fit their budget are finished in background threads, newest filter wins."""

import shutil
import sqlite3
import threading

import pytest
import shiboken6
from gui_helpers import PaintLog, click_value
from PySide6.QtCore import QCoreApplication, QEvent

import app.gui.count_worker as count_worker
import app.gui.entries_model as entries_model
import app.gui.filter_panel as filter_panel
import app.query.catalogue as catalogue_module
from app.gui.count_worker import CountWorker
from app.gui.facet_list import COUNT_ROLE, ID_ROLE
from app.gui.filter_panel import FilterPanel
from app.query.bitmaps import BitmapIndex
from app.query.catalogue import Catalogue
from app.query.filters import Filters


def counts(facet_list):
    model = facet_list.model
    return {
        model.data(model.index(r), ID_ROLE): model.data(model.index(r), COUNT_ROLE)
        for r in range(model.rowCount())
    }


@pytest.fixture()
def no_budget(monkeypatch):
    """Nothing fits the window's budgets: every count and facet goes to the background."""
    monkeypatch.setattr(entries_model, "COUNT_BUDGET_S", 0.0)
    monkeypatch.setattr(filter_panel, "FACET_BUDGET_S", 0.0)
    monkeypatch.setattr(catalogue_module, "PROGRESS_STEPS", 1)


def test_facets_counted_in_the_background_match_the_query_layer(qtbot, catalogue, no_budget):
    panel = FilterPanel(catalogue)
    qtbot.addWidget(panel)
    filters = Filters(domains=("maritime",), kinds=("body",), search="security")
    try:
        panel.show_filters(filters)
        assert panel.pending()
        qtbot.waitUntil(lambda: not panel.pending())
        for dimension, facet_list in panel.lists.items():
            expected = {f.id: f.count for f in catalogue.facet(dimension, filters)}
            # checked values stay listed with their count; the rest match the query layer
            assert {k: v for k, v in counts(facet_list).items() if k in expected} == expected
        # Counted once: showing the same filters again needs no background work.
        panel.show_filters(filters.with_(domains=()))
        qtbot.waitUntil(lambda: not panel.pending())
        panel.show_filters(filters)
        assert not panel.pending()
    finally:
        panel.close_counts()


def test_a_newer_filter_wins_over_an_older_count(qtbot, make_window, catalogue, no_budget):
    window = make_window()
    first = Filters(kinds=("body",), countries=("VNM",))
    second = Filters(kinds=("body",), domains=("maritime",))
    window.apply_filters(first)
    window.apply_filters(second)
    assert window.model.known_total() is None
    assert "counting…" in window.status.text()
    qtbot.waitUntil(lambda: not window.model.pending() and not window.panel.pending())
    total = catalogue.count(second)
    assert window.model.rowCount() == total
    assert window.status.text().startswith(f"{total:,} of ")
    expected = {f.id: f.count for f in catalogue.facet("countries", second)}
    assert counts(window.panel.lists["countries"]) == expected
    # Known now: coming back shows the total at once.
    window.apply_filters(first)
    qtbot.waitUntil(lambda: not window.model.pending() and not window.panel.pending())
    window.apply_filters(second)
    assert window.model.known_total() == total


def test_a_worker_reports_only_the_latest_request(qtbot, catalogue):
    worker = CountWorker(catalogue.path)
    seen = []
    worker.total_ready.connect(lambda generation, total: seen.append((generation, total)))
    try:
        worker.count(Filters(kinds=("body",)))
        latest = worker.count(Filters(kinds=("body",), countries=("VNM",)))
        qtbot.waitUntil(lambda: any(g == latest for g, _ in seen))
        assert (latest, catalogue.count(Filters(kinds=("body",), countries=("VNM",)))) in seen
        assert all(g <= latest for g, _ in seen)
    finally:
        worker.close()


def test_workers_share_the_facets_of_one_request(qtbot, catalogue):
    from collections import deque

    workers = [CountWorker(catalogue.path), CountWorker(catalogue.path)]
    found = {}
    filters = Filters(kinds=("body",), search="maritime")
    for worker in workers:
        worker.facet_ready.connect(lambda _g, dimension, facets: found.update({dimension: facets}))
    try:
        queue = deque(filter_panel.FACET_DIMENSIONS)
        for worker in workers:
            worker.facets(filters, queue)
        qtbot.waitUntil(lambda: len(found) == len(filter_panel.FACET_DIMENSIONS))
        for dimension, facets in found.items():
            assert facets == catalogue.facet(dimension, filters)
    finally:
        for worker in workers:
            worker.close()


def test_an_idle_worker_reads_the_bitmap_index(qtbot, catalogue_path, tmp_path):
    copy = tmp_path / "copy.db"  # a file of its own: nothing has loaded its bitmaps yet
    shutil.copy(catalogue_path, copy)
    with Catalogue(copy) as opened:
        index = opened.bitmaps  # the one every connection to this file shares
    assert not index.loaded()
    worker = CountWorker(copy)
    try:
        with qtbot.waitSignal(worker.total_ready):
            worker.count(Filters(kinds=("body",), search="piracy"))
        qtbot.waitUntil(index.loaded)  # then, with nothing asked, the rest of it
    finally:
        worker.close()


@pytest.mark.parametrize("first_page_in_time", [True, False])
def test_an_opened_window_reads_the_bitmap_index_before_any_filter(
    qtbot, catalogue_path, settings_path, tmp_path, monkeypatch, first_page_in_time
):
    from app.gui.main import open_window

    # The window asks for a count when its first page misses its budget, as on a busy
    # machine: both ways are set here rather than left to the machine's load.
    monkeypatch.setattr(entries_model, "PAGE_BUDGET_S", 60.0 if first_page_in_time else 0.0)
    monkeypatch.setattr(entries_model, "COUNT_BUDGET_S", 60.0)
    copy = tmp_path / "copy.db"  # nothing has loaded this file's bitmaps yet
    shutil.copy(catalogue_path, copy)
    window = open_window(copy, settings_path)
    qtbot.addWidget(window)
    with Catalogue(copy) as opened:
        bitmaps = opened.bitmaps
    try:
        if first_page_in_time:
            assert not bitmaps.loaded()  # (a count asked while opening may have read them)
        window.show()
        qtbot.waitUntil(bitmaps.loaded)  # every dimension, not only those a count needed
        worker = window.model._worker  # made by the warming, or earlier for a count
        if first_page_in_time:
            # Nothing was asked of the table's counting thread. (On a busy machine, the
            # filter panel's threads, idle after the first facets, can read them first.)
            assert worker is None or worker._generation == 0
        else:
            assert worker._generation != 0  # (the count asked for the late first page)
    finally:
        window.close()
        window.catalogue.close()


def test_the_window_counts_by_bitmap_only_in_its_workers(make_window):
    # Loading the index takes up to a second at 1M entries: never in the window's thread.
    assert make_window().catalogue.bitmaps is None


def test_loading_the_index_never_holds_up_the_window(qtbot, catalogue_path, tmp_path, monkeypatch):
    copy = tmp_path / "copy.db"
    shutil.copy(catalogue_path, copy)
    loading, go_on = threading.Event(), threading.Event()
    real = BitmapIndex.dimension

    def slow(self, conn, name):  # a cold disk: each dimension takes as long as the test likes
        if name not in self._dimensions:
            loading.set()
            go_on.wait(10)
        return real(self, conn, name)

    monkeypatch.setattr(BitmapIndex, "dimension", slow)
    worker = CountWorker(copy)
    try:
        with qtbot.waitSignal(worker.total_ready):
            worker.count(Filters(kinds=("body",)))  # counted at build time: no bitmap needed
        assert loading.wait(10)  # then idle, it loads the index
        cancel = threading.Thread(target=worker.cancel)  # as the window does on a new filter
        cancel.start()
        cancel.join(5)
        assert not cancel.is_alive()  # it took the lock at once, while the loading went on
    finally:
        go_on.set()
        worker.close()


def test_a_worker_forgets_what_it_counted_when_told(qtbot, catalogue, monkeypatch):
    filters = Filters(kinds=("body",), countries=("VNM",))
    expected = catalogue.count(filters)
    counted = []
    real = Catalogue._count
    monkeypatch.setattr(Catalogue, "_count", lambda self, f: counted.append(f) or real(self, f))
    worker = CountWorker(catalogue.path)
    totals = []
    worker.total_ready.connect(lambda _generation, total: totals.append(total))
    try:
        for asked, forget in enumerate((False, False, True), 1):
            if forget:
                worker.forget()
            worker.count(filters)
            qtbot.waitUntil(lambda n=asked: len(totals) == n)
    finally:
        worker.close()
    assert totals == [expected] * 3
    assert len(counted) == 2  # the second was kept; the third counted again


def test_the_window_forgets_the_counts_of_its_workers_too(
    qtbot, make_window, no_budget, monkeypatch
):
    window = make_window()
    counted = []
    real = Catalogue._bitmap_facet  # the workers' way of counting a facet
    monkeypatch.setattr(
        Catalogue, "_bitmap_facet", lambda self, d, f: counted.append(d) or real(self, d, f)
    )
    vietnam = Filters(kinds=("body",), countries=("VNM",))
    per_change = []
    for forget in (False, False, True):
        window.apply_filters(Filters(kinds=("body",)))
        qtbot.waitUntil(lambda: not window.model.pending() and not window.panel.pending())
        if forget:
            window.forget_counts()
        before = len(counted)
        window.apply_filters(vietnam)
        qtbot.waitUntil(lambda: not window.model.pending() and not window.panel.pending())
        per_change.append(len(counted) - before)
    # Counted, then kept, then counted again from nothing.
    assert per_change[0] > 0 and per_change[1] == 0 and per_change[2] == per_change[0]


def test_counting_starts_once_the_change_is_painted(qtbot, make_window, no_budget, monkeypatch):
    # Bitmap counting holds the interpreter: running while the window painted, it made each of
    # the window's calls into Python wait (59-97 ms blocks for a held year arrow at 1M).
    window = make_window()
    qtbot.waitUntil(lambda: not window.model.pending() and not window.panel.pending())
    order = []
    for name in ("count", "facet"):
        counted = getattr(Catalogue, name)

        def logged(catalogue, *args, counted=counted, **kwargs):
            if threading.current_thread() is not threading.main_thread():
                order.append("count")
            return counted(catalogue, *args, **kwargs)

        monkeypatch.setattr(Catalogue, name, logged)
    PaintLog(window.table.viewport(), order)
    click_value(qtbot, window.panel.lists["domains"], "maritime")
    qtbot.waitUntil(lambda: not window.model.pending() and not window.panel.pending())
    assert "count" in order and order.index("paint") < order.index("count")


def test_counting_waits_while_the_window_handles_a_result(qtbot, catalogue):
    # Bitmap counting holds the interpreter: the window's repaint of the rows a total brought
    # waited for it at every call into Python (29-58 ms blocks typing a search at 1M).
    worker = CountWorker(catalogue.path)
    gate_when_shown = []
    worker.total_ready.connect(lambda *_: gate_when_shown.append(count_worker.window_idle.is_set()))
    try:
        worker.count(Filters(kinds=("body",), countries=("VNM",)))
        qtbot.waitUntil(lambda: bool(gate_when_shown))
        assert gate_when_shown == [False]  # closed while the window takes the result in
        qtbot.waitUntil(count_worker.window_idle.is_set)  # open once its event loop is idle
    finally:
        worker.close()


def test_counting_waits_while_the_window_repaints(qtbot, make_window):
    # A repaint calls into Python for every cell it draws, and each call waited for a counting
    # thread to hand over the interpreter: the table's repaint after a total arrived took 46 ms
    # instead of 15 at 1M (a 50-59 ms block after a search for a common word).
    window = make_window()
    views = [window.table.viewport(), window.panel.lists["countries"].view.viewport()]
    first = []
    for view in views:
        PaintLog(view, first)
    qtbot.waitUntil(lambda: len(first) >= 2)  # painted once shown (an expose, not an update)
    qtbot.waitUntil(lambda: not window.model.pending() and not window.panel.pending())
    qtbot.waitUntil(count_worker.window_idle.is_set)
    gate_while_painting: list[bool] = []
    for view in views:
        PaintLog(view, gate_while_painting, count_worker.window_idle.is_set)
        view.update()
    qtbot.waitUntil(lambda: len(gate_while_painting) >= 2)
    assert not any(gate_while_painting)  # closed for every widget the repaint draws
    qtbot.waitUntil(count_worker.window_idle.is_set)  # and open again once it is done


def test_counting_waits_while_the_window_is_painted_again_whole(qtbot, make_window):
    # Resized, or shown again: no widget asked for an update, so no UpdateRequest comes first.
    # The platform asks the QWindow (Expose, Paint), sometimes well after the widgets' own
    # repaint for the change, once the gate had opened again (a busy machine: CI).
    window = make_window()
    qtbot.waitUntil(lambda: not window.model.pending() and not window.panel.pending())
    viewport = window.table.viewport()
    for change in (
        lambda: window.resize(window.width() + 50, window.height() + 40),
        lambda: (window.hide(), window.show()),
    ):
        qtbot.waitUntil(count_worker.window_idle.is_set)
        gate: list[bool] = []
        log = PaintLog(viewport, gate, count_worker.window_idle.is_set)
        change()
        qtbot.waitUntil(lambda gate=gate: len(gate) >= 1)
        assert not any(gate)
        viewport.removeEventFilter(log)
    qtbot.waitUntil(count_worker.window_idle.is_set)


def test_a_repaint_asked_for_before_the_window_closed_leaves_the_gate_open(qtbot, make_window):
    # The closed window may be deleted before it would have opened the gate again: every
    # counting thread would then wait its longest at each yield point.
    window = make_window()
    qtbot.waitUntil(lambda: not window.model.pending() and not window.panel.pending())
    qtbot.waitUntil(count_worker.window_idle.is_set)
    window.table.viewport().update()  # its UpdateRequest is posted, and comes after close()
    window.close()
    QCoreApplication.sendPostedEvents(window, QEvent.Type.UpdateRequest)
    assert count_worker.window_idle.is_set()


def test_a_counting_thread_waits_for_the_window_then_goes_on(monkeypatch):
    monkeypatch.setattr(count_worker, "WINDOW_WAIT_MAX_S", 30.0)
    count_worker.window_idle.clear()
    done = threading.Event()
    waiting = threading.Thread(target=lambda: (count_worker.wait_for_window(), done.set()))
    waiting.start()
    try:
        assert not done.wait(0.05)
        count_worker.window_idle.set()
        assert done.wait(5)
    finally:
        count_worker.window_idle.set()
        waiting.join()
    # A window busy longer than WINDOW_WAIT_MAX_S (or gone) holds nothing up for good.
    monkeypatch.setattr(count_worker, "WINDOW_WAIT_MAX_S", 0.01)
    count_worker.window_idle.clear()
    count_worker.wait_for_window()
    assert count_worker.window_idle.is_set()


def test_a_requests_facets_are_sent_together_once_counted(qtbot, catalogue, monkeypatch):
    # Sent one by one, each list's repaint took the interpreter from the next facet's count.
    order = []
    shown_first = threading.Event()
    facet = Catalogue.facet

    def counting(catalogue, dimension, filters):
        if dimension == "regions":
            shown_first.wait(1)  # before: the first facet was shown meanwhile
        order.append(f"counted {dimension}")
        return facet(catalogue, dimension, filters)

    def shown(_generation, dimension, _facets):
        order.append(f"shown {dimension}")
        shown_first.set()

    monkeypatch.setattr(Catalogue, "facet", counting)
    worker = CountWorker(catalogue.path)
    worker.facet_ready.connect(shown)
    try:
        worker.facets(Filters(kinds=("body",), search="maritime"), ["countries", "regions"])
        qtbot.waitUntil(lambda: "shown regions" in order)
    finally:
        worker.close()
    assert order == ["counted countries", "counted regions", "shown countries", "shown regions"]


def test_a_worker_deleted_once_its_result_came_leaves_its_thread_quiet(qtbot, catalogue):
    # As a model dropped once its rows are in: a signal emitted after the result found its
    # source deleted, and the thread raised (twice: reporting the failure raised again).
    errors = []
    previous, threading.excepthook = threading.excepthook, errors.append
    try:
        came = []
        for number in range(5):
            worker = CountWorker(catalogue.path)
            worker.total_ready.connect(lambda *_, w=worker: (came.append(1), shiboken6.delete(w)))
            worker.count(Filters(kinds=("body",), countries=("VNM",)))
            qtbot.waitUntil(lambda n=number: len(came) > n)
            qtbot.wait(100)
    finally:
        threading.excepthook = previous
    assert errors == []


def test_facets_counted_before_one_fails_are_shown(qtbot, catalogue, monkeypatch, caplog):
    facet = Catalogue.facet

    def failing(catalogue, dimension, filters):
        if dimension == "domains":
            raise sqlite3.OperationalError("disk I/O error")
        return facet(catalogue, dimension, filters)

    monkeypatch.setattr(Catalogue, "facet", failing)
    worker = CountWorker(catalogue.path)
    shown = []
    worker.facet_ready.connect(lambda _g, dimension, _f: shown.append(dimension))
    try:
        worker.facets(Filters(kinds=("body",)), ["countries", "regions", "domains", "kinds"])
        qtbot.waitUntil(lambda: "counting failed" in caplog.text)
        qtbot.waitUntil(lambda: len(shown) == 2)
    finally:
        worker.close()
    assert shown == ["countries", "regions"]  # the one that failed and the rest stay pending
