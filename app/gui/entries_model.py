"""The entries table model: counts and pages straight from SQL, never the whole catalogue."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from app.query.catalogue import SORT_KEYS, Catalogue
from app.query.filters import Filters
from app.resources import Column, columns

PAGE_SIZE = 200
MAX_PAGES = 8  # a few screens either way of the visible rows; older pages are dropped
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
NO_PARENT = QModelIndex()  # the root: a list or table has no children


def one_line(value) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


class EntriesModel(QAbstractTableModel):
    """One row per entry matching `filters`, in `sort` order; rows are fetched a page at a time."""

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.columns: tuple[Column, ...] = columns()
        self.filters = Filters()
        self.sort_key: str | None = None
        self.descending = False
        self._count = catalogue.count(self.filters)
        self._pages: OrderedDict[int, list[dict]] = OrderedDict()
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
        self._count = self.catalogue.count(self.filters)

    def total(self) -> int:
        return self._count

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    # -- rows ----------------------------------------------------------------------------
    def row_at(self, row: int) -> dict | None:
        if not 0 <= row < self._count:
            return None
        number, within = divmod(row, PAGE_SIZE)
        page = self._pages.get(number)
        if page is None:
            page = self.catalogue.rows(
                self.filters, self.sort_key, self.descending, number * PAGE_SIZE, PAGE_SIZE
            )
            self._pages[number] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page[within] if within < len(page) else None

    def row_of_id(self, rowid: int) -> int:
        """The row showing entry `rowid` among the cached pages, or -1."""
        for number, page in self._pages.items():
            for within, row in enumerate(page):
                if row["id"] == rowid:
                    return number * PAGE_SIZE + within
        return -1

    # -- Qt model interface --------------------------------------------------------------
    def rowCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else self._count

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
