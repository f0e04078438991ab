"""The entries table model: counts and pages straight from SQL, never the whole catalogue."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

from app.gui.count_worker import CountWorker
from app.query.catalogue import SORT_KEYS, Catalogue
from app.query.filters import Filters
from app.resources import Column, columns

PAGE_SIZE = 200
MAX_PAGES = 8  # a few screens either way of the visible rows; older pages are dropped
# A count that takes longer is finished in the background: the rows show at once, the table
# grows as they are scrolled to, and takes its full length when the count arrives. Background
# counts use the bitmap index (ms even at 1M entries), so the window tries only briefly.
COUNT_BUDGET_S = 0.003
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
NO_PARENT = QModelIndex()  # the root: a list or table has no children


def one_line(value) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


class EntriesModel(QAbstractTableModel):
    """One row per entry matching `filters`, in `sort` order; rows are fetched a page at a time.

    `total_changed` fires when the number of matching entries becomes known; until then
    `known_total()` is None and the table holds the rows paged in so far."""

    total_changed = Signal()

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.columns: tuple[Column, ...] = columns()
        self.filters = Filters()
        self.sort_key: str | None = None
        self.descending = False
        self._pages: OrderedDict[int, list[dict]] = OrderedDict()
        self._count: int | None = None
        self._shown = 0  # rows the table has while the count is unknown
        self._generation = 0
        self._worker: CountWorker | None = None
        self._reload()
        # The Edition column gives the year, so the Document column needs only the short title.
        self.short_titles = {d["id"]: d["short_title"] for d in catalogue.documents()}

    # -- what is shown -------------------------------------------------------------------
    def set_filters(self, filters: Filters) -> None:
        self.beginResetModel()
        self.filters = filters
        self._reload()
        self.endResetModel()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].key not in SORT_KEYS:
            return
        self.layoutAboutToBeChanged.emit()
        self.sort_key = self.columns[column].key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self._pages.clear()
        self.layoutChanged.emit()

    def _reload(self) -> None:
        self._pages.clear()
        self._generation += 1
        if self._worker is not None:
            self._worker.cancel()
        self._count = self.catalogue.count_within(self.filters, COUNT_BUDGET_S)
        if self._count is None:
            first = self.catalogue.rows(self.filters, self.sort_key, self.descending, 0, PAGE_SIZE)
            self._pages[0] = first
            self._shown = len(first)
            if self._worker is None:
                self._worker = CountWorker(self.catalogue.path, self)
                self._worker.total_ready.connect(self._total_ready)
            self._generation = self._worker.count(self.filters)

    def _total_ready(self, generation: int, total: int) -> None:
        if generation != self._generation or self._count is not None:
            return
        self.catalogue.remember_count(self.filters, total)
        if total > self._shown:
            self.beginInsertRows(NO_PARENT, self._shown, total - 1)
            self._count = total
            self.endInsertRows()
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
        return self._count is None

    def close(self) -> None:
        """Stop the background count (the window is closing)."""
        if self._worker is not None:
            self._worker.close()

    def canFetchMore(self, parent=NO_PARENT) -> bool:
        return not parent.isValid() and self._count is None

    def fetchMore(self, parent=NO_PARENT) -> None:
        """While the count is unknown, the next page is added as the view scrolls to it."""
        if parent.isValid() or self._count is not None:
            return
        page = self.catalogue.rows(
            self.filters, self.sort_key, self.descending, self._shown, PAGE_SIZE
        )
        if page:
            self._pages[self._shown // PAGE_SIZE] = page
            self.beginInsertRows(NO_PARENT, self._shown, self._shown + len(page) - 1)
            self._shown += len(page)
            self.endInsertRows()
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
            page = self.catalogue.rows(
                self.filters,
                self.sort_key,
                self.descending,
                number * PAGE_SIZE,
                PAGE_SIZE,
                total=self._count,
            )
            self._pages[number] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
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
        if not index.isValid():
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

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
