"""The table model pages through SQL and sorts with the query layer."""

import sqlite3
import threading
from array import array

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt

import app.gui.entries_model as entries_model
import app.query.catalogue as catalogue_module
from app.gui.count_worker import CountWorker
from app.gui.entries_model import (
    MAX_PAGES,
    PAGE_SIZE,
    ROW_ID_ROLE,
    ROW_ROLE,
    SHOWN_MAX,
    EntriesModel,
    pages_shown_first,
)
from app.query.bitmaps import BitmapIndex
from app.query.catalogue import Catalogue, positions
from app.query.filters import Filters


def test_model_passes_qt_model_checks(qtmodeltester, catalogue):
    model = EntriesModel(catalogue)
    model.set_filters(Filters(kinds=("body",), countries=("VNM",)))
    qtmodeltester.check(model)
    model.set_filters(Filters(search="no-such-word-zzq"))
    qtmodeltester.check(model)


def test_rows_come_a_page_at_a_time(catalogue):
    model = EntriesModel(catalogue)
    assert model.rowCount() == catalogue.count()
    assert list(model._pages) == [0]  # read at once, within a budget: the first shown
    last = model.rowCount() - 1
    assert model.index(last, 0).data(ROW_ID_ROLE) == catalogue.rows(offset=last, limit=1)[0]["id"]
    assert list(model._pages) == [0, last // PAGE_SIZE]
    for row in range(0, model.rowCount(), PAGE_SIZE):
        model.index(row, 0).data()
    assert len(model._pages) <= MAX_PAGES
    assert sum(len(p) for p in model._pages.values()) < catalogue.count() or (
        catalogue.count() <= PAGE_SIZE * MAX_PAGES
    )


def test_display_is_one_line_and_tooltips_hold_the_full_quote(catalogue):
    model = EntriesModel(catalogue)
    quote = model.column_of("quote")
    row = catalogue.rows(limit=1)[0]
    assert model.index(0, quote).data() == " ".join(row["quote"].split())
    assert "\n" not in model.index(0, quote).data()
    assert model.index(0, quote).data(Qt.ItemDataRole.ToolTipRole) == " ".join(row["quote"].split())
    assert model.headerData(quote, Qt.Orientation.Horizontal) == "Quote"
    assert model.index(0, model.column_of("domain")).data() == row["domain_label"]


def test_cells_answer_their_roles_and_no_others(catalogue, monkeypatch):
    model = EntriesModel(catalogue)
    row = catalogue.rows(limit=1)[0]
    year = model.index(0, model.column_of("edition_year"))
    assert year.data() == str(row["edition_year"])
    assert year.data(Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert year.data(ROW_ID_ROLE) == row["id"] and year.data(ROW_ROLE)["id"] == row["id"]

    # The roles a view asks of every painted cell and that the table leaves to the style
    # are answered before any row is looked up.
    def no_lookup(_row):
        raise AssertionError("a row was looked up for a role the table does not serve")

    monkeypatch.setattr(model, "row_at", no_lookup)
    for role in (
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.CheckStateRole,
    ):
        assert year.data(role) is None


def test_sort_requeries_in_the_query_layers_order(catalogue):
    model = EntriesModel(catalogue)
    model.sort(model.column_of("country_names"), Qt.SortOrder.DescendingOrder)
    expected = [r["id"] for r in catalogue.rows(sort="country_names", descending=True, limit=30)]
    assert [model.index(r, 0).data(ROW_ID_ROLE) for r in range(30)] == expected
    model.sort(99)  # out of range: ignored
    assert model.sort_key == "country_names"


def ids_shown(model, rows=None):
    rows = range(model.rowCount()) if rows is None else rows
    return [model.index(r, 0).data(ROW_ID_ROLE) for r in rows]


def sql_order(catalogue, filters, sort, descending=False):
    return [r["id"] for r in catalogue.iter_rows(filters, sort, descending)]


def reads_of(catalogue, monkeypatch) -> list:
    """The pages of rows the window's own catalogue reads from now on (the workers have theirs)."""
    read = []
    real = catalogue.rows_of
    monkeypatch.setattr(catalogue, "rows_of", lambda ids: read.append(list(ids)) or real(ids))
    return read


def test_a_quick_sort_is_done_at_once_and_pages_are_slices_of_it(catalogue, monkeypatch):
    model = EntriesModel(catalogue)
    quote = model.column_of("quote")
    model.sort(quote, Qt.SortOrder.AscendingOrder)
    assert not model.sorting()

    # Once sorted, no page sorts again: every row comes from the one list of ids.
    def no_sorting(*args, **kwargs):
        raise AssertionError("a page was sorted again")

    monkeypatch.setattr(catalogue, "page_ids", no_sorting)
    assert ids_shown(model) == sql_order(catalogue, Filters(), "quote")
    assert len(model._pages) <= MAX_PAGES


def test_a_slow_sort_runs_in_the_background_and_the_rows_wait_in_their_order(
    qtbot, qtmodeltester, catalogue, sorts_in_background
):
    model = EntriesModel(catalogue)
    before = ids_shown(model)
    with qtbot.waitSignal(model.order_applied, timeout=10_000):
        with qtbot.waitSignal(model.sorting_changed):
            model.sort(model.column_of("countries"), Qt.SortOrder.DescendingOrder)
        assert model.sorting() and model.pending()
        assert (model.sort_key, model.descending) == ("countries", True)
        assert ids_shown(model, range(50)) == before[:50]
    assert not model.sorting() and not model.pending()
    assert ids_shown(model) == sql_order(catalogue, Filters(), "countries", True)
    qtmodeltester.check(model)


def test_the_selected_entries_follow_their_rows_through_a_sort(
    qtbot, catalogue, sorts_in_background
):
    model = EntriesModel(catalogue)
    picked = [3, 40, model.rowCount() - 1]
    ids = ids_shown(model, picked)
    held = [QPersistentModelIndex(model.index(r, 2)) for r in picked]
    with qtbot.waitSignal(model.order_applied, timeout=10_000):
        model.sort(model.column_of("quote"), Qt.SortOrder.AscendingOrder)
    expected = sql_order(catalogue, Filters(), "quote")
    for index, rowid in zip(held, ids, strict=True):
        assert index.isValid() and index.column() == 2
        assert index.row() == expected.index(rowid)
        assert index.data(ROW_ID_ROLE) == rowid


def test_a_filter_change_shows_entry_order_until_its_sort_is_in(
    qtbot, catalogue, monkeypatch, sorts_in_background
):
    model = EntriesModel(catalogue)
    with qtbot.waitSignal(model.order_applied, timeout=10_000):
        model.sort(model.column_of("quote"), Qt.SortOrder.DescendingOrder)
    vietnam = Filters(countries=("VNM",))
    with qtbot.waitSignal(model.order_applied, timeout=10_000):
        model.set_filters(vietnam)
        assert model.sorting()
        assert ids_shown(model) == sql_order(catalogue, vietnam, None)
        held = QPersistentModelIndex(model.index(0, 0))
    read = reads_of(catalogue, monkeypatch)
    assert ids_shown(model) == sql_order(catalogue, vietnam, "quote", True)
    assert read == []  # the first page came with the order
    assert not held.isValid()  # a new filter starts at the top, not at the old first row


def test_a_newer_sort_or_filter_wins_and_a_sort_can_be_given_up(
    qtbot, catalogue, sorts_in_background
):
    model = EntriesModel(catalogue)
    applied = []
    model.order_applied.connect(lambda: applied.append((model.sort_key, model.descending)))
    model.sort(model.column_of("quote"), Qt.SortOrder.AscendingOrder)
    model.sort(model.column_of("section"), Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: not model.sorting(), timeout=10_000)
    qtbot.wait(50)  # an older result, were it still coming, would arrive now
    assert applied == [("section", True)]
    assert ids_shown(model) == sql_order(catalogue, Filters(), "section", True)

    shown = ids_shown(model)
    model.sort(model.column_of("quote"), Qt.SortOrder.AscendingOrder)
    assert model.sorting()
    model.cancel_sort()
    assert not model.sorting() and (model.sort_key, model.descending) == ("section", True)
    qtbot.wait(200)
    assert applied == [("section", True)]
    assert ids_shown(model) == shown


def test_a_quick_sort_out_of_time_keeps_the_current_row_first(qtbot, catalogue, monkeypatch):
    monkeypatch.setattr("app.gui.entries_model.FOLLOW_BUDGET_S", 0)  # time for one row only
    model = EntriesModel(catalogue)
    rows = range(20)
    ids = ids_shown(model, rows)
    held = [QPersistentModelIndex(model.index(r, 0)) for r in rows]
    model.focus_row = rows[-1]  # the view's current row, as the window reports it
    model.sort(model.column_of("quote"), Qt.SortOrder.DescendingOrder)
    assert not model.sorting()  # sorted in the window's thread
    expected = sql_order(catalogue, Filters(), "quote", True)
    assert held[-1].isValid() and held[-1].row() == expected.index(ids[-1])
    assert model.focus_row == held[-1].row()
    # The rest are dropped, not left on other entries.
    assert [h for h in held if h.isValid()] == [held[-1]]


def test_a_background_sort_brings_every_entrys_new_row(
    qtbot, catalogue, monkeypatch, sorts_in_background
):
    monkeypatch.setattr("app.gui.entries_model.FOLLOW_BUDGET_S", 0)  # no time to search
    model = EntriesModel(catalogue)
    rows = range(0, 400, 7)
    ids = ids_shown(model, rows)
    held = [QPersistentModelIndex(model.index(r, 0)) for r in rows]
    with qtbot.waitSignal(model.order_applied, timeout=10_000):
        model.sort(model.column_of("quote"), Qt.SortOrder.DescendingOrder)
    expected = sql_order(catalogue, Filters(), "quote", True)
    assert [h.row() for h in held] == [expected.index(i) for i in ids]


def test_entry_order_either_way_needs_no_sorting(catalogue, monkeypatch):
    model = EntriesModel(catalogue)

    def no_sorting(*args, **kwargs):
        raise AssertionError("entry order was sorted")

    monkeypatch.setattr(catalogue, "ordered_ids", no_sorting)
    model.sort(model.column_of("entry_id"), Qt.SortOrder.DescendingOrder)
    assert not model.sorting()
    assert ids_shown(model) == sql_order(catalogue, Filters(), None, True)
    model.sort(-1)
    assert not model.sorting() and model.sort_key is None
    assert ids_shown(model) == sql_order(catalogue, Filters(), None)


def test_an_order_for_an_older_sort_is_never_shown(
    qtbot, catalogue, monkeypatch, sorts_in_background
):
    # The first sort is still running in the worker when the second is asked for; it ignores
    # being cancelled and delivers late. Only the second may reach the rows.
    started, release = threading.Event(), threading.Event()
    real = Catalogue.ordered_ids

    def slow_quote(self, filters, sort, descending=False, cancelled=None):
        if sort == "quote":
            started.set()
            release.wait(10)
            return real(self, filters, sort, descending)
        return real(self, filters, sort, descending, cancelled)

    monkeypatch.setattr(Catalogue, "ordered_ids", slow_quote)
    model = EntriesModel(catalogue)
    applied = []
    model.order_applied.connect(lambda: applied.append((model.sort_key, model.descending)))
    model.sort(model.column_of("quote"), Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(started.is_set, timeout=10_000)
    model.sort(model.column_of("section"), Qt.SortOrder.DescendingOrder)
    release.set()
    qtbot.waitUntil(lambda: not model.sorting(), timeout=10_000)
    qtbot.wait(100)  # the quote order, were it let through, has arrived by now
    assert applied == [("section", True)]
    assert ids_shown(model) == sql_order(catalogue, Filters(), "section", True)


def test_an_order_can_arrive_before_the_count(
    qtbot, qtmodeltester, catalogue, monkeypatch, sorts_in_background
):
    monkeypatch.setattr("app.gui.entries_model.PAGE_SIZE", 50)
    monkeypatch.setattr(Catalogue, "count_within", lambda self, filters, seconds: None)
    monkeypatch.setattr(CountWorker, "count", lambda self, filters, again=False: 0)  # never comes
    model = EntriesModel(catalogue)
    qtmodeltester.check(model, force_py=True)  # stays attached: it fetches inside insertions
    before = model.rowCount()  # the tester fetches too
    for _ in range(3):
        model.fetchMore()
    assert model.rowCount() == before + 150 >= 200 and model.known_total() is None
    ids = ids_shown(model, [0, 120, 199])
    held = [QPersistentModelIndex(model.index(r, 1)) for r in (0, 120, 199)]
    with qtbot.waitSignal(model.order_applied, timeout=10_000):
        model.sort(model.column_of("quote"), Qt.SortOrder.DescendingOrder)
    expected = sql_order(catalogue, Filters(), "quote", True)
    assert model.rowCount() == model.known_total() == len(expected)
    assert [h.row() for h in held] == [expected.index(i) for i in ids]
    assert ids_shown(model) == expected


def test_back_to_entry_order_keeps_the_current_entry(catalogue):
    model = EntriesModel(catalogue)
    model.sort(model.column_of("quote"), Qt.SortOrder.AscendingOrder)
    chosen = model.index(37, 0).data(ROW_ID_ROLE)
    current = QPersistentModelIndex(model.index(37, 3))
    model.focus_row = 37
    model.sort(-1)
    assert current.isValid() and current.data(ROW_ID_ROLE) == chosen
    assert current.row() == sql_order(catalogue, Filters(), None).index(chosen)
    model.focus_row = current.row()
    model.sort(model.column_of("entry_id"), Qt.SortOrder.DescendingOrder)
    assert current.row() == sql_order(catalogue, Filters(), None, True).index(chosen)


def test_an_order_delivered_for_an_older_request_changes_nothing(
    qtbot, catalogue, sorts_in_background
):
    model = EntriesModel(catalogue)
    model.sort(model.column_of("quote"), Qt.SortOrder.AscendingOrder)
    shown = ids_shown(model)
    stale = catalogue.ordered_ids(Filters(), "section", True)
    model._order_ready(model._sort_generation + 1000, (stale.tobytes(), positions(stale), {}))
    assert model.sorting() and ids_shown(model) == shown
    qtbot.waitUntil(lambda: not model.sorting(), timeout=10_000)
    assert ids_shown(model) == sql_order(catalogue, Filters(), "quote")


def test_the_entry_column_is_entry_order(catalogue):
    model = EntriesModel(catalogue)
    held = QPersistentModelIndex(model.index(37, 2))
    chosen = held.data(ROW_ID_ROLE)
    model.focus_row = 37
    model.sort(model.column_of("entry_id"), Qt.SortOrder.AscendingOrder)
    assert not model.sorting() and held.row() == 37  # the same rows: nothing moves
    model.sort(model.column_of("entry_id"), Qt.SortOrder.DescendingOrder)
    assert held.row() == model.rowCount() - 1 - 37 and held.data(ROW_ID_ROLE) == chosen


def test_entry_order_turned_round_before_the_count_keeps_the_current_entry(
    qtbot, catalogue, monkeypatch, sorts_in_background
):
    monkeypatch.setattr(Catalogue, "count_within", lambda self, filters, seconds: None)
    monkeypatch.setattr(CountWorker, "count", lambda self, filters, again=False: 0)  # never comes
    model = EntriesModel(catalogue)
    held = QPersistentModelIndex(model.index(5, 0))
    chosen = held.data(ROW_ID_ROLE)
    model.focus_row = 5
    with qtbot.waitSignal(model.order_applied, timeout=10_000):
        model.sort(model.column_of("entry_id"), Qt.SortOrder.DescendingOrder)
    assert held.data(ROW_ID_ROLE) == chosen
    assert held.row() == sql_order(catalogue, Filters(), None, True).index(chosen)


def test_a_background_sort_brings_the_rows_about_the_current_entry(
    qtbot, catalogue, monkeypatch, sorts_in_background
):
    monkeypatch.setattr("app.gui.entries_model.PAGE_SIZE", 50)
    model = EntriesModel(catalogue)
    current = QPersistentModelIndex(model.index(300, 0))  # as a view's current row
    chosen = current.data(ROW_ID_ROLE)
    model.focus_row = 300
    with qtbot.waitSignal(model.order_applied, timeout=10_000):
        model.sort(model.column_of("quote"), Qt.SortOrder.DescendingOrder)
    expected = sql_order(catalogue, Filters(), "quote", True)
    row = expected.index(chosen)
    assert model.focus_row == current.row() == row
    read = reads_of(catalogue, monkeypatch)
    near = range(max(row - SHOWN_MAX, 0), min(row + SHOWN_MAX + 1, len(expected)))
    assert ids_shown(model, near) == expected[near.start : near.stop]
    assert read == []  # the window's thread read none of them
    far = (row + SHOWN_MAX + 60) % len(expected)  # another page: read as the view reaches it
    assert ids_shown(model, [far]) == [expected[far]] and len(read) == 1


def test_the_pages_shown_first_cover_a_view_about_the_entrys_new_row(monkeypatch):
    monkeypatch.setattr("app.gui.entries_model.PAGE_SIZE", 50)
    ids = array("q", range(1000, 0, -1))  # entry 1000 first
    where = positions(ids)
    for rowid in (1000, 990, 700, 412, 1, None, 5000):
        pages = pages_shown_first(rowid, ids, where)
        covered = [i for number in sorted(pages) for i in pages[number]]
        first = min(pages) * 50
        assert covered == list(ids[first : first + len(covered)])  # whole pages, in a run
        if rowid in (None, 5000):  # none, or not among the rows: the first
            wanted = [0]
        else:
            row = 1000 - rowid
            wanted = range(max(row - SHOWN_MAX, 0), min(row + SHOWN_MAX, 999) + 1)
        assert all(ids[r] in covered for r in wanted)
        assert len(pages) <= (2 * SHOWN_MAX) // 50 + 1
    assert pages_shown_first(None, array("q"), positions(array("q"))) == {}


def test_the_ids_of_rows_come_in_the_order_shown_and_read_no_row(catalogue, monkeypatch):
    filters = Filters(kinds=("body",))
    model = EntriesModel(catalogue)
    model.set_filters(filters)
    ranges = [(0, 2), (5, 9), (model.rowCount() - 3, model.rowCount() - 1)]
    rows = [r for first, last in ranges for r in range(first, last + 1)]
    expected = ids_shown(model, rows)
    read = reads_of(catalogue, monkeypatch)
    entry = sql_order(catalogue, filters, None)
    # In entry order, one ids query a range; sorted, slices of the sorted ids.
    assert model.ids_in_rows(ranges).tolist() == expected == entry[:3] + entry[5:10] + entry[-3:]
    model.sort(model.column_of("quote"), Qt.SortOrder.DescendingOrder)
    assert not model.sorting()
    order = sql_order(catalogue, filters, "quote", True)
    assert model.ids_in_rows(ranges).tolist() == order[:3] + order[5:10] + order[-3:]
    assert read == []  # not a row's columns read for any of it


@pytest.fixture()
def slow_pages(monkeypatch):
    """As a prefix search ("t*") at 1M entries: neither the count nor a page fits the
    window's budgets."""
    monkeypatch.setattr(entries_model, "COUNT_BUDGET_S", 0.0)
    monkeypatch.setattr(entries_model, "PAGE_BUDGET_S", 0.0)
    monkeypatch.setattr(catalogue_module, "PROGRESS_STEPS", 1)


def test_rows_too_slow_for_the_window_come_with_the_count(
    qtbot, qtmodeltester, catalogue, slow_pages
):
    model = EntriesModel(catalogue)
    model.forget_counts()  # a search kept from another test would be paged from its bitmap
    filters = Filters(search="security")
    with qtbot.waitSignal(model.total_changed, timeout=10_000):
        model.set_filters(filters)
        assert model.searching() and model.pending()
        assert model.rowCount() == 0 and not model.canFetchMore()
    assert not model.searching() and not model.pending()
    # Read from the count's bitmap, outside any budget.
    assert ids_shown(model) == sql_order(catalogue, filters, None)
    qtmodeltester.check(model)


def test_a_next_page_too_slow_for_the_window_is_read_when_next_asked(catalogue, monkeypatch):
    monkeypatch.setattr(catalogue, "count_within", lambda filters, seconds: None)  # too slow
    monkeypatch.setattr(CountWorker, "count", lambda self, filters, again=False: 0)  # none comes
    model = EntriesModel(catalogue)
    assert model.known_total() is None and model.rowCount() == PAGE_SIZE
    assert not model.searching()
    monkeypatch.setattr(entries_model, "PAGE_BUDGET_S", 0.0)
    monkeypatch.setattr(catalogue_module, "PROGRESS_STEPS", 1)
    model.fetchMore()
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    monkeypatch.setattr(entries_model, "PAGE_BUDGET_S", 1.0)
    model.fetchMore()
    assert ids_shown(model) == sql_order(catalogue, Filters(), None)[: 2 * PAGE_SIZE]


@pytest.fixture()
def window_catalogue(catalogue_path):
    with Catalogue(catalogue_path, bitmaps=False) as opened:  # as open_window makes it
        yield opened


def test_rows_that_waited_for_a_failed_count_come_anyway(
    qtbot, window_catalogue, slow_pages, monkeypatch, caplog
):
    # Found by a review: the count failing (a damaged bitmap page) left the table empty,
    # saying "Searching…", for good.
    def broken(self, conn, filters, stop=None):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(BitmapIndex, "count", broken)
    model = EntriesModel(window_catalogue)
    filters = Filters(search="japan")  # more than a page: the total stays unknown
    try:
        with qtbot.waitSignal(model.total_changed, timeout=10_000):
            model.set_filters(filters)
            assert model.searching()
        assert "counting failed" in caplog.text
        assert not model.searching() and model.known_total() is None  # "≥ 200 (counting…)"
        assert ids_shown(model) == sql_order(window_catalogue, filters, None)[:PAGE_SIZE]
        assert model.canFetchMore()
        fewer = Filters(search="security")  # a page or less: that is the total
        with qtbot.waitSignal(model.total_changed, timeout=10_000):
            model.set_filters(fewer)
        assert model.known_total() == window_catalogue.count(fewer) == model.rowCount()
    finally:
        model.close()


def test_rows_come_even_when_no_thread_can_count_them(
    qtbot, window_catalogue, slow_pages, monkeypatch, caplog
):
    real = Catalogue.__init__

    def refuse(self, path, bitmaps=True):
        if bitmaps:  # the counting thread's connection (the window's reads no bitmaps)
            raise catalogue_module.CatalogueError("too many open files")
        real(self, path, bitmaps)

    monkeypatch.setattr(Catalogue, "__init__", refuse)
    model = EntriesModel(window_catalogue)
    try:
        for search in ("security", "maritime"):  # the thread's first request, then later ones
            filters = Filters(search=search)
            with qtbot.waitSignal(model.total_changed, timeout=10_000):
                model.set_filters(filters)
                assert model.searching()
            assert model.rowCount() > 0
            assert ids_shown(model, range(5)) == sql_order(window_catalogue, filters, None)[:5]
        assert "cannot open" in caplog.text
    finally:
        model.close()


def test_a_known_count_whose_first_page_is_slow_waits_for_its_rows_too(
    qtbot, window_catalogue, slow_pages, monkeypatch
):
    # Found by a review: going back to a prefix search whose count the window kept, but whose
    # bitmap had been dropped since, read its first page in the window's thread (0.2 s at 1M).
    filters = Filters(search="japan")
    window_catalogue.remember_count(filters, window_catalogue.count(filters))
    asked = []
    real = CountWorker.count
    monkeypatch.setattr(
        CountWorker,
        "count",
        lambda self, f, again=False: asked.append(again) or real(self, f, again),
    )
    model = EntriesModel(window_catalogue)
    try:
        asked.clear()
        with qtbot.waitSignal(model.total_changed, timeout=10_000):
            model.set_filters(filters)
            assert model.searching() and model.rowCount() == 0
        assert asked == [True]  # counted again: that makes the search's bitmap again
        assert ids_shown(model) == sql_order(window_catalogue, filters, None)
    finally:
        model.close()
