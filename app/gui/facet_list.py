"""A searchable multi-select list of one dimension's values, each with its entry count."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QRect,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.query.catalogue import Facet
from app.wording import counted

TOGGLE_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)  # on a value in the list

ID_ROLE = Qt.ItemDataRole.UserRole + 1
COUNT_ROLE = Qt.ItemDataRole.UserRole + 2
NO_PARENT = QModelIndex()  # the root: a list or table has no children


class FacetModel(QAbstractListModel):
    """Values with counts; checked values are the active filter of the dimension."""

    checked_changed = Signal(tuple)

    def __init__(self, labels: Mapping[str, str] | None = None, parent=None):
        super().__init__(parent)
        # Names for checked values the counts do not list (none match): a filter restored
        # at start-up showed its raw ids ("VNM", "body") there.
        self._labels = labels or {}
        self._facets: list[Facet] = []
        self._checked: list[str] = []
        self._pending = False  # counts being recomputed: shown without numbers

    def set_pending(self, checked: tuple[str, ...]) -> None:
        """The filters changed and the new counts are on their way: keep the values, check
        `checked`, and hide the old counts until set_facets brings the new ones."""
        if list(checked) != self._checked:
            self.set_facets(self._facets, checked)
        self._pending = True
        if self._facets:  # repaint the rows without counts; no reset, no relayout
            self.dataChanged.emit(self.index(0), self.index(len(self._facets) - 1))

    def pending(self) -> bool:
        return self._pending

    def set_facets(self, facets: list[Facet], checked: tuple[str, ...]) -> None:
        """New counts; checked values stay listed (count 0) even when nothing matches them."""
        self._pending = False
        present = {f.id for f in facets}
        missing: list[Facet] = []
        if absent := [i for i in checked if i not in present]:
            # Named as the list showed them, else as the catalogue does.
            shown = {f.id: f.label for f in self._facets}
            missing = [Facet(i, shown.get(i, self._labels.get(i, i)), 0) for i in absent]
        self.beginResetModel()
        self._facets = list(facets) + missing
        self._checked = list(checked)
        self.endResetModel()

    def checked(self) -> tuple[str, ...]:
        return tuple(self._checked)

    def label_of(self, value: str) -> str:
        return next((f.label for f in self._facets if f.id == value), value)

    def toggle(self, row: int) -> None:
        value = self._facets[row].id
        if value in self._checked:
            self._checked.remove(value)
        else:
            self._checked.append(value)
        index = self.index(row)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit(tuple(self._checked))

    def row_of(self, value: str) -> int:
        return next((i for i, f in enumerate(self._facets) if f.id == value), -1)

    def rowCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._facets)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._facets):
            return None
        facet = self._facets[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return facet.label
        if role == Qt.ItemDataRole.CheckStateRole:
            checked = facet.id in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            if self._pending:
                return f"{facet.label} ({facet.id}): counting…"
            return f"{facet.label} ({facet.id}): {counted(facet.count, 'entry')}"
        if role == ID_ROLE:
            return facet.id
        if role == COUNT_ROLE:
            # -1, not None, while counting: PySide6 6.12's QModelIndex.data() drops a reference
            # to None each time it returns one, and the interpreter aborts after a few thousand.
            return -1 if self._pending else facet.count
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        # Not ItemIsUserCheckable: the list toggles on a click anywhere in the row instead.
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class FacetSearchProxy(QSortFilterProxyModel):
    """Keeps values whose label, id or other name contains the typed text, or that the
    resolver names."""

    def __init__(
        self,
        resolve: Callable[[str], str | None] | None = None,
        names: Callable[[], dict[str, list[str]]] | None = None,
        parent=None,
    ):
        super().__init__(parent)
        self.resolve = resolve
        self.names = names  # read at the first search: start-up need not pay for it
        self._names: dict[str, list[str]] | None = None
        self._text = ""
        self._resolved: str | None = None

    def set_text(self, text: str) -> None:
        self.beginFilterChange()  # Qt 6.10+: replaces the deprecated invalidateFilter()
        self._text = text.strip().casefold()
        self._resolved = self.resolve(text.strip()) if (self.resolve and self._text) else None
        if self._text and self.names is not None and self._names is None:
            self._names = self.names()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        if not self._text:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        value = str(self.sourceModel().data(index, ID_ROLE))
        label = str(self.sourceModel().data(index, Qt.ItemDataRole.DisplayRole)).casefold()
        if self._text in label or self._text == value.casefold() or value == self._resolved:
            return True
        return any(self._text in name for name in (self._names or {}).get(value, ()))


class CountDelegate(QStyledItemDelegate):
    """Draws the entry count right-aligned and dimmed beside the value's label, which is
    elided short of the count (in a narrow panel the count was painted over the label)."""

    COUNT_GAP = 6  # between the label's end and the count, and after the count

    def paint(self, painter, option, index):
        count = index.data(COUNT_ROLE)
        if count is None or count < 0:  # no count, or counting
            super().paint(painter, option, index)
            return
        text = f"{count:,}"
        label_option = QStyleOptionViewItem(option)
        label_option.rect = self.label_rect(option, text)
        style = option.widget.style() if option.widget else QApplication.style()
        # The row's background and selection across its width; the label in what is left.
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )
        super().paint(painter, label_option, index)
        painter.save()
        selected = option.state & QStyle.StateFlag.State_Selected
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.setPen(option.palette.color(role))
        painter.drawText(
            option.rect.adjusted(0, 0, -self.COUNT_GAP, 0),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            text,
        )
        painter.restore()

    def label_rect(self, option, count_text: str) -> QRect:
        """The part of the row left for the check box and label beside `count_text`."""
        room = option.fontMetrics.horizontalAdvance(count_text) + 2 * self.COUNT_GAP
        return option.rect.adjusted(0, 0, -room, 0)


def prepare_country_resolver() -> threading.Thread:
    """Load the resolver's names in a background thread: the first query builds their index
    (about 140 ms with its import), which the first key typed would otherwise wait for."""
    thread = threading.Thread(
        target=resolve_country, args=("",), name="country resolver", daemon=True
    )
    thread.start()
    return thread


def resolve_country(text: str) -> str | None:
    """The country a query names, through the pipeline's resolver when it is there."""
    try:
        from app.pipeline.places import resolve_country as resolve
    except ImportError:  # an older core: label and code matching still work
        return None
    try:
        return resolve(text)
    except Exception:  # noqa: BLE001 - a resolver bug must not break typing in a search box
        return None


class FacetList(QWidget):
    """Search box over a checkable value list; emits the checked values when they change."""

    checked_changed = Signal(tuple)

    def __init__(
        self, placeholder: str, resolve=None, searchable=True, names=None, labels=None, parent=None
    ):
        super().__init__(parent)
        self.model = FacetModel(labels, self)
        self.proxy = FacetSearchProxy(resolve, names, self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_text)
        self.search.setVisible(searchable)
        self.search.installEventFilter(self)
        self.view = QListView(self)
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(CountDelegate(self.view))
        self.view.setUniformItemSizes(True)
        # A click toggles a value; so do Space and Enter on the current one (eventFilter).
        # Not `activated`: where a double-click activates, it toggled the value straight back.
        self.view.clicked.connect(self._clicked)
        self.view.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.search)
        layout.addWidget(self.view)
        self.model.checked_changed.connect(self.checked_changed)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.search and self._escape_clears_the_box(event):
            return True
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and event.key() in TOGGLE_KEYS
            and self.view.currentIndex().isValid()
        ):
            self._clicked(self.view.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def _escape_clears_the_box(self, event) -> bool:
        """Esc in a finder with text clears it; the window's Esc (clear the main search)
        took it before. An empty finder leaves Esc to the window."""
        if not (
            event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and event.key() == Qt.Key.Key_Escape
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and self.search.text()
        ):
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes to the box, not to the window's shortcut
            return False
        self.search.clear()
        return True

    def _clicked(self, proxy_index) -> None:
        self.model.toggle(self.proxy.mapToSource(proxy_index).row())

    def set_facets(self, facets: list[Facet], checked: tuple[str, ...]) -> None:
        self.model.set_facets(facets, checked)

    def visible_ids(self) -> list[str]:
        return [
            self.proxy.data(self.proxy.index(r, 0), ID_ROLE) for r in range(self.proxy.rowCount())
        ]

    def index_of(self, value: str):
        """The view index showing `value` (for clicks in tests and keyboard navigation)."""
        row = self.model.row_of(value)
        return self.proxy.mapFromSource(self.model.index(row)) if row >= 0 else QModelIndex()
