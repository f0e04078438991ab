"""The entries table model: counts and pages straight from SQL, never the whole catalogue."""

from __future__ import annotations

import functools
import sqlite3
import time
from array import array
from collections import OrderedDict
from contextlib import contextmanager

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, Qt, Signal

from app.gui.count_worker import CountWorker
from app.query.catalogue import SORT_KEYS, Catalogue, QueryInterrupted
from app.query.filters import Filters
from app.resources import Column, columns

PAGE_SIZE = 200
MAX_PAGES = 8  # a few screens either way of the visible rows; older pages are dropped
# A count that takes longer is finished in the background: the rows show at once, the table
# grows as they are scrolled to, and takes its full length when the count arrives. Background
# counts use the bitmap index (ms even at 1M entries), so the window tries only briefly.
COUNT_BUDGET_S = 0.003
# A sort is worked out once, as the list of every matching id in order, and pages are slices
# of it. The window sorts a few thousand matches itself; a longer sort (seconds at 1M entries)
# runs in the background while the rows stay in the order they were in.
SORT_BUDGET_S = 0.02
# After a filter change, which has its own first page to paint within 50 ms, only half of that.
RESORT_BUDGET_S = 0.01
# The first page of a filter: most take a few ms, but a short prefix search ("t*") took
# 0.1-0.6 s at 1M entries. Past this budget the table waits for the background count, which
# leaves the search's bitmap in memory to page from, and says it is searching. An interrupt
# takes effect at FTS5's next read, up to 18 ms later ("the*"): hence well under 50 ms.
PAGE_BUDGET_S = 0.02
SORT_HERE_MAX = 50_000  # matches; more are not tried in the window's thread at all
# After a sort the selected entries stay selected. A background sort sends every entry's new
# row; a sort in the window's thread (a few thousand entries) has each one found by id in the
# new order, 0.04 ms each at 10k entries. Past this time the rest of a large selection is
# dropped, the current row first kept (the window says so).
FOLLOW_BUDGET_S = 0.01
# A background sort also reads the rows a view shows first in the new order: those about the
# current entry's new row, which the window scrolls to, or else the first. Read by the window's
# thread, those were two pages from a cold cache, 20 ms of a 60 ms block at 1M entries.
SHOWN_MAX = 100  # rows a view shows at most: read this many either side of that row
ID_BYTES = array("q").itemsize
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
NO_PARENT = QModelIndex()  # the root: a list or table has no children
SERVED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        ROW_ID_ROLE,
        ROW_ROLE,
    }
)
ENTRY_ORDER = (None, False)
EVICTED_MAX = 2000  # pages whose ids are kept once their rows are dropped (3.2 MB at most)
# A sort tells the views so: a selection model then keeps one persistent index per selected
# row through the change, not one per cell (16 columns). PySide6 emits the overload with the
# hint only when named by its C++ signature.
LAYOUT_SIGNATURE = "QList<QPersistentModelIndex>,QAbstractItemModel::LayoutChangeHint"
SORT_HINT = QAbstractItemModel.LayoutChangeHint.VerticalSortHint


def one_line(value) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


def normal(order: tuple[str | None, bool]) -> tuple[str | None, bool]:
    """No sort and the Entry column give the same rows: entry order, either way round."""
    key, descending = order
    return (None if key in (None, "entry_id") else key, descending)


def position(order: bytes, rowid: int) -> int | None:
    """Where `rowid` is in `order` (ids packed as in an array('q')), or None."""
    needle = array("q", [rowid]).tobytes()
    at = order.find(needle)
    while at >= 0 and at % ID_BYTES:  # a match across two ids: look on
        at = order.find(needle, at + 1)
    return None if at < 0 else at // ID_BYTES


def new_row(rowid: int, order: bytes, where: array | None) -> int | None:
    """The row of entry `rowid` in `order`: read from its positions `where` if sent with it
    (catalogue.positions), else searched for."""
    return position(order, rowid) if where is None else listed_row(rowid, where)


def listed_row(rowid: int, where: array) -> int | None:
    """The row of entry `rowid` by its positions `where` (catalogue.positions), if listed."""
    return where[rowid] if 0 <= rowid < len(where) and where[rowid] >= 0 else None


def pages_shown_first(rowid: int | None, ids: array, where: array) -> dict[int, array]:
    """The pages a view shows first once the rows are in the order `ids` (`where`: their
    positions by id): those within SHOWN_MAX rows of entry `rowid`'s new row, else the first
    page; as page number -> the page's ids."""
    row = None if rowid is None else listed_row(rowid, where)
    low, high = (0, 0) if row is None else (max(row - SHOWN_MAX, 0), row + SHOWN_MAX)
    first, last = low // PAGE_SIZE, min(high, len(ids) - 1) // PAGE_SIZE
    return {n: ids[n * PAGE_SIZE : (n + 1) * PAGE_SIZE] for n in range(first, last + 1)}


class EntriesModel(QAbstractTableModel):
    """One row per entry matching `filters`, in `sort` order; rows are fetched a page at a time.

    `total_changed` fires when the number of matching entries becomes known; until then
    `known_total()` is None and the table holds the rows paged in so far. `sorting_changed`
    fires when a sort starts or stops running in the background; `order_applied` when its order
    replaces the one shown."""

    total_changed = Signal()
    sorting_changed = Signal()
    about_to_reorder = Signal()  # before the rows change order: a view may cut its selection
    order_applied = Signal()
    sort_failed = Signal()

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.columns: tuple[Column, ...] = columns()
        self.filters = Filters()
        self.sort_key: str | None = None  # the order asked for (the header shows it)
        self.descending = False
        self._rows_sort: tuple[str | None, bool] = ENTRY_ORDER  # the order the rows are in
        self._order: bytes | None = None  # every matching id in that order, once known
        self._pages: OrderedDict[int, list[dict]] = OrderedDict()
        self._evicted: OrderedDict[int, array] = OrderedDict()  # ids of pages dropped
        self._count: int | None = None
        self._shown = 0  # rows the table has while the count is unknown
        self._first_late = False  # the first page did not fit PAGE_BUDGET_S: see _reload
        self._generation = 0
        self._worker: CountWorker | None = None
        self._sorter: CountWorker | None = None
        self._sort_generation = 0  # of the background sort running, 0 if none
        self.focus_row = -1  # the view's current row, followed first through a sort
        self._follow = "none"  # what a background sort's swap keeps: see _moved
        self.picked = False  # the user chose a row since the filter changed (the window says)
        self.sorts_held = False  # sort() only records the order (the window restoring state)
        self._inserting = False
        self._reload()
        # The Edition column gives the year, so the Document column needs only the short title.
        self.short_titles = {d["id"]: d["short_title"] for d in catalogue.documents()}

    # -- what is shown -------------------------------------------------------------------
    def set_filters(self, filters: Filters) -> None:
        was_sorting = self.sorting()
        self.beginResetModel()
        self.filters = filters
        self._reload()
        self.endResetModel()
        self._sort_in_background()
        if self.sorting() or was_sorting:
            self.sorting_changed.emit()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort by `column` (-1: entry order). The rows keep their order until the new one is
        known; the selected entries stay selected."""
        if column == -1:
            wanted = ENTRY_ORDER
        elif 0 <= column < len(self.columns) and self.columns[column].key in SORT_KEYS:
            wanted = (self.columns[column].key, order == Qt.SortOrder.DescendingOrder)
        else:
            return
        if self.sorts_held:
            self.sort_key, self.descending = wanted
            return
        was_sorting = self.sorting()
        self._cancel_sort()
        self.sort_key, self.descending = wanted
        shown = normal(self._rows_sort)
        if normal(wanted) == shown:  # what is shown (a sort given up, or the Entry column)
            pass
        elif normal(wanted)[0] is None and shown[0] is None and self._count is not None:
            # Entry order turned round: row r goes to n-1-r (with n unknown, sort as any order)
            self._apply_order(wanted, None, follow="reversed")
        elif (ids := self._sort_here(SORT_BUDGET_S)) is not None:
            self._apply_order(wanted, ids, follow="all")
        else:
            self._follow = "all"
            self._sort_in_background()
        if self.sorting() or was_sorting:  # the status names the column being sorted by
            self.sorting_changed.emit()

    def sorting(self) -> bool:
        """Whether the rows wait for the order asked for, being worked out in the background."""
        return normal(self._rows_sort) != normal((self.sort_key, self.descending))

    def shown_order(self) -> tuple[str | None, bool]:
        """(sort key, descending) of the rows as they are now: what copies and exports follow."""
        return self._rows_sort

    def sort_title(self) -> str:
        """The column the rows are being sorted by, for the status bar."""
        return next((c.title for c in self.columns if c.key == self.sort_key), "entry order")

    def cancel_sort(self) -> None:
        """Give up the background sort: the order asked for becomes the one shown."""
        if self.sorting():
            self._cancel_sort()
            self.sort_key, self.descending = self._rows_sort
            self.sorting_changed.emit()

    def _sort_here(self, budget: float) -> bytes | None:  # packed as order_ready sends them
        """Every matching id in the order asked for, if that takes at most `budget` seconds."""
        if self._count is None or self._count > SORT_HERE_MAX:
            return None
        try:
            with self.catalogue.limited(budget):
                return self.catalogue.ordered_ids(
                    self.filters, self.sort_key, self.descending
                ).tobytes()
        except (QueryInterrupted, sqlite3.Error):  # the worker tries, and reports a failure
            return None

    def _sort_in_background(self) -> None:
        if not self.sorting():
            return
        if self._sorter is None:
            self._sorter = CountWorker(self.catalogue.path, self)
            self._sorter.order_ready.connect(self._order_ready)
        focus = self._id_at(self.focus_row) if self.focus_row >= 0 else None
        self._sort_generation = self._sorter.order(
            self.filters,
            self.sort_key,
            self.descending,
            functools.partial(pages_shown_first, focus),
        )

    def _cancel_sort(self) -> None:
        if self._sort_generation and self._sorter is not None:
            self._sorter.cancel()
        self._sort_generation = 0

    def _order_ready(self, generation: int, result) -> None:
        if generation != self._sort_generation:
            return  # for a sort or filter changed since
        self._sort_generation = 0
        if result is None:  # the sort failed (the worker logged why): keep the rows as they are
            self.cancel_sort()
            self.sort_failed.emit()
            return
        follow = self._follow
        if follow == "reload":  # the user may have picked rows of the filter's since
            follow = "all" if self.picked else "none"
        order, where, pages = result
        self._apply_order((self.sort_key, self.descending), order, follow, where, pages)
        self.sorting_changed.emit()

    def _apply_order(
        self,
        wanted: tuple[str | None, bool],
        order: bytes | None,
        follow: str,
        where=None,
        pages: dict[int, list[dict]] | None = None,
    ):
        """Show the rows in the order `wanted` (all their ids: `order`, or None for entry order;
        `where`: their positions by id, if known; `pages`: rows of some pages in that order,
        if read already). The persistent indexes (selection, current row) move with their
        entries as `follow` says ("all", "reversed" or "none"); the others are dropped."""
        if order is not None and self._count is None:
            self._total_ready(self._generation, len(order) // ID_BYTES)
        self.about_to_reorder.emit()
        self.layoutAboutToBeChanged[LAYOUT_SIGNATURE].emit([], SORT_HINT)
        old = self.persistentIndexList()
        moved = self._moved(old, wanted, order, follow, where)
        self.changePersistentIndexList(
            old, [self.index(moved[p.row()], p.column()) if p.row() in moved else NO_PARENT
                  for p in old]
        )  # fmt: skip
        self.focus_row = moved.get(self.focus_row, -1)
        self._rows_sort, self._order = wanted, order
        self._pages.clear()
        self._pages.update(pages or {})
        self._evicted.clear()
        self.layoutChanged[LAYOUT_SIGNATURE].emit([], SORT_HINT)
        self.order_applied.emit()

    def _moved(self, old, wanted, order: bytes | None, follow: str, where) -> dict[int, int]:
        """The new row of each old row of `old` to follow: every one given the positions
        `where`, else those found within FOLLOW_BUDGET_S, the current row first."""
        rows = sorted({p.row() for p in old}, key=lambda row: (row != self.focus_row, row))
        if follow == "none" or not rows:
            return {}
        if follow == "reversed":
            last = self.rowCount() - 1
            return {row: last - row for row in rows} if self._count is not None else {}
        moved: dict[int, int] = {}
        # Positions sent with the order cost nothing to read; searching the order has a budget.
        deadline = None if where is not None else time.perf_counter() + FOLLOW_BUDGET_S
        for row in rows:
            rowid = self._id_at(row)
            found = None if rowid is None else new_row(rowid, order, where)
            if found is not None:
                moved[row] = found
            if deadline is not None and time.perf_counter() > deadline:
                break
        return moved

    def _order_ids(self, start: int, stop: int) -> array:
        """Rows `start` to `stop` (excluded) of the sorted ids, as ids."""
        return array("q", self._order[start * ID_BYTES : stop * ID_BYTES])

    def ids_in_rows(self, ranges: list[tuple[int, int]]) -> array:
        """The entry ids of rows `first` to `last` of each (first, last) range, in the order
        shown: sliced from the sorted ids, else one ids query a range. Never a row each: a
        selection of the whole table at 1M took the window 76 s and 3 GB that way."""
        ids = array("q")
        sort, descending = self._rows_sort
        for first, last in ranges:
            if self._order is not None:
                ids.extend(self._order_ids(first, last + 1))
            else:
                n = last - first + 1
                ids.extend(self.catalogue.page_ids(self.filters, sort, descending, first, n))
        return ids

    def _id_at(self, row: int) -> int | None:
        """The entry at `row` in the order shown: from the ids, a page kept or the ids of one
        dropped; the current row's page is read again if need be (one query, not one per
        selected row)."""
        if self._order is not None:
            ids = self._order_ids(row, row + 1)
            return ids[0] if ids else None
        number, within = divmod(row, PAGE_SIZE)
        page = self._pages.get(number)
        if page is not None:
            return page[within]["id"] if within < len(page) else None
        ids = self._evicted.get(number)
        if ids is not None:
            return ids[within] if within < len(ids) else None
        if row != self.focus_row:
            return None
        found = self.row_at(row)
        return None if found is None else found["id"]

    def _reload(self) -> None:
        self._pages.clear()
        self._evicted.clear()
        self._generation += 1
        if self._worker is not None:
            self._worker.cancel()
        self._cancel_sort()
        self._count = self.catalogue.count_within(self.filters, COUNT_BUDGET_S)
        self._rows_sort, self._order = (self.sort_key, self.descending), None
        if normal(self._rows_sort)[0] is not None:  # entry order is read from the indexes
            self._order = self._sort_here(RESORT_BUDGET_S)
            if self._order is None:  # sorted in the background; meanwhile in entry order
                self._rows_sort = ENTRY_ORDER
        self.focus_row = -1
        self.picked = False
        self._follow = "reload"  # a new filter shows the top of the sorted rows
        if self._count is None and self._order is not None:
            self._count = len(self._order) // ID_BYTES
        self._first_late = False
        if self._order is not None or self._count == 0:
            return  # rows from the sorted ids, or none
        # Even a count known already (kept from before) says nothing of how long the first
        # page takes: a search whose bitmap was dropped since took 0.2 s at 1M entries.
        first = self._fetch_within(0)
        known = self._count is not None
        if first is not None:
            self._pages[0] = first
            if known:
                return
        else:  # its rows come with the count, counted again if it was known
            self._count, self._first_late = None, True
        self._shown = len(first or ())
        self._generation = self._counter().count(self.filters, again=known)

    def _fetch_within(self, number: int) -> list[dict] | None:
        """Page `number`, or None if it takes longer than PAGE_BUDGET_S (a query stopped)."""
        try:
            with self.catalogue.limited(PAGE_BUDGET_S):
                return self._fetch(number)
        except QueryInterrupted:
            return None

    def _fetch(self, number: int) -> list[dict]:
        """Page `number` of the rows, in the order they are shown."""
        offset = number * PAGE_SIZE
        if self._order is not None:
            return self.catalogue.rows_of(self._order_ids(offset, offset + PAGE_SIZE))
        sort, descending = self._rows_sort
        return self.catalogue.rows(
            self.filters, sort, descending, offset, PAGE_SIZE, total=self._count
        )

    def _total_failed(self, generation: int) -> None:
        """The background count failed (logged): the total stays unknown, and rows that
        waited for it are read here after all, with no budget, rather than never."""
        if generation != self._generation or not self._first_late:
            return
        self._first_late = False
        self._append_page(self._fetch(0))
        if self._count is None:
            self.total_changed.emit()  # not the total: the rows it waited for

    def _total_ready(self, generation: int, total: int) -> None:
        if generation != self._generation or self._count is not None:
            return
        self._first_late = False
        self.catalogue.remember_count(self.filters, total)
        if total > self._shown:
            with self._inserting_rows(self._shown, total - 1):
                self._count = total
        elif total < self._shown:  # cannot happen on a read-only catalogue; stay consistent
            self.beginResetModel()
            self._count = total
            self.endResetModel()
        else:
            self._count = total
        self.total_changed.emit()

    def total(self) -> int:
        """The number of matching entries (counted now if the background count is not in)."""
        if self._count is None:
            self._total_ready(self._generation, self.catalogue.count(self.filters))
        return self._count

    def known_total(self) -> int | None:
        """The number of matching entries, or None while it is being counted."""
        return self._count

    def pending(self) -> bool:
        """Whether the count or the sort asked for is still being worked out."""
        return self._count is None or self.sorting()

    def searching(self) -> bool:
        """Whether the table waits for its first rows: they were too slow to read at once,
        and come with the background count."""
        return self._first_late

    def close(self) -> None:
        """Stop the background count and sort (the window is closing)."""
        for worker in self._background():
            worker.close()

    def _counter(self) -> CountWorker:
        if self._worker is None:
            self._worker = CountWorker(self.catalogue.path, self)
            self._worker.total_ready.connect(self._total_ready)
            self._worker.total_failed.connect(self._total_failed)
        return self._worker

    def warm_counts(self) -> None:
        """Have the background counting thread read the bitmap index now, while nothing is
        asked of it: at 1M entries the first filter change after opening waited for it."""
        self._counter().warm()

    def forget_counts(self) -> None:
        """Drop the counts kept here and in the background (CountWorker.forget)."""
        self.catalogue.forget()
        for worker in self._background():
            worker.forget()

    def _background(self) -> list[CountWorker]:
        """The counting and sorting workers made so far."""
        return [w for w in (self._worker, self._sorter) if w is not None]

    @contextmanager
    def _inserting_rows(self, first: int, last: int):
        """Rows `first` to `last` are added at the end while the block runs."""
        self._inserting = True
        self.beginInsertRows(NO_PARENT, first, last)
        try:
            yield
        finally:
            self.endInsertRows()
            self._inserting = False

    def canFetchMore(self, parent=NO_PARENT) -> bool:
        # Not while rows are being inserted: a view (or Qt's model tester) asking from inside
        # rowsAboutToBeInserted would have the same page inserted twice.
        return (
            not parent.isValid()
            and self._count is None
            and not self._inserting
            and not self._first_late
        )

    def fetchMore(self, parent=NO_PARENT) -> None:
        """While the count is unknown, the next page is added as the view scrolls to it."""
        if not self.canFetchMore(parent):
            return
        page = self._fetch_within(self._shown // PAGE_SIZE)
        if page is not None:  # else too slow for the window: the rows come with the count
            self._append_page(page)

    def _append_page(self, page: list[dict]) -> None:
        """`page`, the next while the count is unknown, added at the end; a short one is
        the last, which tells the count."""
        if page:
            self._pages[self._shown // PAGE_SIZE] = page
            with self._inserting_rows(self._shown, self._shown + len(page) - 1):
                self._shown += len(page)
        if len(page) < PAGE_SIZE:
            self._total_ready(self._generation, self._shown)

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    # -- rows ----------------------------------------------------------------------------
    def row_at(self, row: int) -> dict | None:
        if not 0 <= row < self.rowCount():
            return None
        number, within = divmod(row, PAGE_SIZE)
        page = self._pages.get(number)
        if page is None:
            page = self._pages[number] = self._fetch(number)
            while len(self._pages) > MAX_PAGES:
                dropped, rows = self._pages.popitem(last=False)
                # Its ids stay, for following its selected rows through a sort.
                self._evicted[dropped] = array("q", [r["id"] for r in rows])
                self._evicted.move_to_end(dropped)
                while len(self._evicted) > EVICTED_MAX:
                    self._evicted.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page[within] if within < len(page) else None

    # -- Qt model interface --------------------------------------------------------------
    def rowCount(self, parent=NO_PARENT) -> int:
        if parent.isValid():
            return 0
        return self._shown if self._count is None else self._count

    def columnCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # A view asks every painted cell for eight roles or so (font, colours, check state…):
        # those answered here are few, and the others go back at once (with QuoteDelegate's
        # single reading of a cell, a quarter of a repaint at 1M entries).
        if role not in SERVED_ROLES or not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        key = self.columns[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "domain":
                return row["domain_label"]
            if key == "document":
                return self.short_titles.get(row["document_id"]) or row["document"]
            return one_line(row.get(key))
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "document":
                return f"{row['document']} ({row['edition_year']} edition)\n{row['section']}"
            value = one_line(row.get(key))
            return value or None
        if role == ROW_ID_ROLE:
            return row["id"]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("edition_year", "start", "end"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    f"{self.columns[section].title} (CSV column “{self.columns[section].header}”)"
                )
        elif orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    # No flags() here: QAbstractTableModel's own (selectable, enabled, no children) is what a
    # row needs, and in C++. Qt asks for the flags of every selected row each time the header
    # is painted (QItemSelectionModel.isColumnSelected): a Python override made that 1 s for
    # 20,000 selected rows.
