"""The main window: filters left, the entries table and the detail pane right."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QItemSelectionModel, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.export.csv_export import header, raw_cells
from app.export.neutralise import RISKY_FIRST, neutralise
from app.gui import count_worker
from app.gui.about import about_details, about_html
from app.gui.detail_pane import DetailPane
from app.gui.document_viewer import DocumentViewer
from app.gui.entries_model import ROW_ID_ROLE, EntriesModel
from app.gui.export_task import ExportTask, ExportWorker
from app.gui.facet_list import prepare_country_resolver
from app.gui.filter_chips import FilterChips, chips_of, shortened
from app.gui.filter_panel import FilterPanel
from app.gui.quote_delegate import QuoteDelegate
from app.gui.settings import DEFAULT_FILTERS, filters_from_text, filters_to_text
from app.gui.when_idle import WhenIdle
from app.query.catalogue import SORT_KEYS, Catalogue
from app.query.filters import FIGURE_WORDS, LINKED, Filters, year_words
from app.query.search import searches
from app.wording import counted

APP_NAME = "Security Cooperation Catalogue"
SEARCH_DELAY_MS = 250  # type a word without re-querying on every keystroke
# Once the window shows, the background counting thread starts reading the bitmap index (at
# 1M entries the first filter change waited for it): after the first paint, not beside it.
WARM_DELAY_MS = 200
DROPPED_MESSAGE_MS = 20_000  # how long the status bar names remembered filters left out
# Rows copied at most: a copy is made in the window's thread, about 22 µs a row at 1M (2,000
# rows held it for 45-92 ms); more are exported instead, in the background.
COPY_MAX_ROWS = 1_000
SELECTION_FOLLOWED_MAX = 500  # selected rows kept through a sort; more are cut to the current


def tsv_cell(value) -> str:
    """One cell of copied rows: on one line, and defused as in the CSV (no pasted cell becomes a
    formula)."""
    text = " ".join(str(value).split())
    # With its spaces collapsed, only a cell that starts with a risky sign can need defusing.
    return neutralise(text) if text[:1] in RISKY_FIRST else text


def tsv(rows) -> str:
    """Rows as tab-separated text with the export's header, for pasting into a spreadsheet."""
    lines = ["\t".join(header())]
    lines += ["\t".join(map(tsv_cell, raw_cells(row))) for row in rows]
    return "\r\n".join(lines) + "\r\n"


# Events that start a repaint of the window, which counting threads wait through: the widgets'
# update()s, gathered in an UpdateRequest to the window (event()), and the platform's requests
# to its QWindow (shown, uncovered, resized: eventFilter()).
PLATFORM_REPAINTS = frozenset({QEvent.Type.Expose, QEvent.Type.Paint, QEvent.Type.Resize})


class MainWindow(QMainWindow):
    """Everything the user sees; `export_finished` fires when an export ends, however."""

    export_finished = Signal(str)  # "done", "failed" or "cancelled"

    def __init__(self, catalogue: Catalogue, settings, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.settings = settings
        self.labels = catalogue.labels()
        self.grand_total = catalogue.count(Filters())
        self.filters = DEFAULT_FILTERS
        self.last_added: tuple[str, str | None, str] | None = None
        self.export_task: ExportTask | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.message: QMessageBox | None = None  # the last message shown, for tests to read
        self.viewer: DocumentViewer | None = None
        self._export_outcome = ""
        self._closing = False  # set by closeEvent: outcomes that arrive after it show nothing
        self._stop_export_to_close = False  # the user chose to close during an export
        self._close_question: QMessageBox | None = None  # asking whether to stop it
        self._export_target: Path | None = None
        self._export_ids: Sequence[int] | None = None
        self.setWindowTitle(f"{APP_NAME} — {catalogue.path.name}")
        # The panel's held facet counts start once the rows are painted (_total_changed).
        self._release_facets = WhenIdle(lambda: self.panel.release_counts(), self)
        # Counting threads wait while the window repaints (event()), until it is idle again.
        self._repainted = WhenIdle(count_worker.release_after_repaint, self)
        self._platform_window = None  # its QWindow: showEvent()
        self._build_widgets()
        self._build_menus()
        self.restore_state()
        # The rows take the keys at start, so that the arrows move through them (else the
        # first widget that takes focus had them: the filter panel's scroll area).
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self._resolver: threading.Thread | None = None  # prepare_country_resolver()
        self.warm_timer = QTimer(self)
        self.warm_timer.setSingleShot(True)
        self.warm_timer.setInterval(WARM_DELAY_MS)
        self.warm_timer.timeout.connect(self.model.warm_counts)
        self.warm_timer.timeout.connect(self._prepare_resolver)

    # -- construction --------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.panel = FilterPanel(self.catalogue, self)
        self.panel.filters_changed.connect(self.apply_filters)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText('Search the quotes: words, "a phrase", prefix*   (Ctrl+F)')
        self.search.setToolTip(
            "All the words: <i>coast guard</i><br>"
            'A phrase: <i>"coast guard"</i><br>'
            "Words that begin so: <i>secur*</i><br>"
            "Either word: <i>piracy OR robbery</i><br>"
            "Not this word: <i>-piracy</i> or <i>NOT piracy</i>"
        )
        self.search.setClearButtonEnabled(True)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self._search_now)
        self.search.textEdited.connect(lambda _: self.search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        self.chips = FilterChips(self)
        self.chips.removed.connect(self.remove_filter)
        self.chips.clear_all.connect(self.clear_all)

        self.model = EntriesModel(self.catalogue, self)
        self.model.total_changed.connect(self._total_changed)
        self.model.sorting_changed.connect(self._update_status)
        self.model.order_applied.connect(self._rows_sorted)
        self.model.about_to_reorder.connect(self._before_sort)
        self._selected_before_sort = 0
        self._selection_cut = False
        self._choosing_first = False
        self.model.sort_failed.connect(self._sort_failed)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setWordWrap(False)
        # Tab leaves the table for the next control, as in a file manager's list: the arrows
        # move between cells, and a row is what is selected, so Tab from cell to cell is no use.
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.quote_delegate = QuoteDelegate(self.table, self.catalogue.stem)
        self.table.setItemDelegateForColumn(self.model.column_of("quote"), self.quote_delegate)
        head = self.table.horizontalHeader()
        head.setSectionsMovable(True)
        head.setStretchLastSection(True)
        head.setHighlightSections(False)
        # Fitting a column (a double-click on its divider) measures the rows on screen, not
        # Qt's default 1,000 around them: at 1M entries those meant 4-5 pages read and 69-110 ms.
        head.setResizeContentsPrecision(0)
        head.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        head.customContextMenuRequested.connect(self._header_menu)
        self.reset_columns()
        head.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        # The header does not show which rows are selected (no highlighted sections), but
        # asks the table's selection, row by row through the Python model, each time it is
        # painted (QItemSelectionModel.isColumnSelected): 1 s a paint with 20,000 rows
        # selected. An empty selection of its own answers at once.
        head.setSelectionModel(QItemSelectionModel(self.model, head))
        # After a filter change the pane shows the new first row once the table is painted:
        # its queries and rich text are not what the user waits to see first.
        self._defer_detail = False
        self.detail_timer = QTimer(self)
        self.detail_timer.setSingleShot(True)
        self.detail_timer.setInterval(0)
        self.detail_timer.timeout.connect(self._show_current_detail)
        self.table.doubleClicked.connect(lambda _: self.show_document())

        self.empty = QWidget(self)
        self.empty_text = QLabel(self.empty)
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.undo_button = QPushButton(self.empty)
        self.undo_button.clicked.connect(self.remove_last_filter)
        self.empty_clear = QPushButton("Clear all filters", self.empty)
        self.empty_clear.clicked.connect(self.clear_all)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.empty_clear)
        buttons.addStretch(1)
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_text)
        empty_layout.addLayout(buttons)
        empty_layout.addStretch(2)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.detail = DetailPane(self.catalogue, self)
        self.detail.filter_requested.connect(self.add_filter)
        self.detail.show_in_document.connect(lambda _: self.show_document())

        centre = QWidget(self)
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(2)
        centre_layout.addWidget(self.search)
        centre_layout.addWidget(self.chips)
        centre_layout.addWidget(self.stack, 1)
        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.right_splitter.setObjectName("right_splitter")
        self.right_splitter.addWidget(centre)
        self.right_splitter.addWidget(self.detail)
        self.right_splitter.setStretchFactor(0, 3)
        self.right_splitter.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.panel)
        self.splitter.addWidget(self.right_splitter)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([290, 1000])
        self.right_splitter.setSizes([470, 300])
        self.setCentralWidget(self.splitter)
        self.status = QLabel(self)
        # Clipped rather than widening the window, however many filters it names.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.statusBar().addWidget(self.status, 1)
        # Shown while a sort runs in the background: it may take seconds at 1M entries.
        self.sort_busy = QProgressBar(self)
        self.sort_busy.setRange(0, 0)  # no fraction to show: SQLite's sort does not tell
        self.sort_busy.setMaximumWidth(120)
        self.sort_busy.setTextVisible(False)
        self.sort_cancel = QPushButton("Stop sorting", self)
        self.sort_cancel.setToolTip("Keep the rows in the order they are in (Esc)")
        self.sort_cancel.clicked.connect(self.cancel_sort)
        for widget in (self.sort_busy, self.sort_cancel):
            widget.hide()
            self.statusBar().addPermanentWidget(widget)

    def _order_tab_chain(self) -> None:
        """Tab goes down the right-hand side as laid out (search, chips, table, detail pane),
        then through the filter panel, rather than in the order the widgets were made."""
        panel = []  # its own widgets in the order it made them, wherever Qt put them
        widget = self.panel.nextInFocusChain()
        while widget is not self.panel:
            if self.panel.isAncestorOf(widget):
                panel.append(widget)
            widget = widget.nextInFocusChain()
        chips = [c for c in self.chips.chips if c.focusPolicy() & Qt.FocusPolicy.TabFocus]
        chain = [self.search, *chips, self.chips.clear_button, self.table, self.undo_button]
        chain += [self.empty_clear, self.detail.browser, self.detail.copy_button]
        chain += [self.detail.document_button, self.panel, *panel, self.search]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _build_menus(self) -> None:
        def action(menu, text, slot, shortcut=None, tip=""):
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.setStatusTip(tip)
            act.triggered.connect(slot)
            menu.addAction(act)
            return act

        file_menu = self.menuBar().addMenu("&File")
        self.export_action = action(
            file_menu,
            "&Export CSV…",
            lambda: self.export_dialog(False),
            "Ctrl+E",
            "Write the entries the table shows, in its order, to a CSV file",
        )
        self.export_selected_action = action(
            file_menu,
            "Export &selected rows…",
            lambda: self.export_dialog(True),
            "Ctrl+Shift+E",
            "Write only the selected rows to a CSV file",
        )
        file_menu.addSeparator()
        action(file_menu, "&Quit", self.close, "Ctrl+Q")
        edit_menu = self.menuBar().addMenu("&Edit")
        self.copy_action = action(
            edit_menu,
            "&Copy rows",
            self.copy_rows,
            QKeySequence.StandardKey.Copy,
            "Selected rows as tab-separated text with a header, for a spreadsheet",
        )
        # The table's own Ctrl+C copies one cell; the window's copies whole rows.
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(self.copy_action)
        action(edit_menu, "Copy c&itation", self.detail.copy_citation, "Ctrl+Shift+C")
        edit_menu.addSeparator()
        action(edit_menu, "&Find in quotes", self.focus_search, "Ctrl+F")
        self.clear_search_action = action(edit_menu, "Clear &search", self.clear_search, "Esc")
        action(edit_menu, "C&lear all filters", self.clear_all, "Ctrl+Shift+L")
        view_menu = self.menuBar().addMenu("&View")
        self.columns_menu = view_menu.addMenu("&Columns")
        self.columns_menu.aboutToShow.connect(lambda: self._fill_columns_menu(self.columns_menu))
        action(view_menu, "&Reset columns", self.reset_columns)
        # The header sorts with the mouse only; the menu is the keyboard's way (Alt+V, S).
        self.sort_menu = view_menu.addMenu("&Sort by")
        self.sort_menu.aboutToShow.connect(self._fill_sort_menu)
        action(view_menu, "Show in &document", self.show_document, "Ctrl+D")
        help_menu = self.menuBar().addMenu("&Help")
        action(help_menu, "&About this catalogue", self.show_about, "F1")

    # -- columns -------------------------------------------------------------------------
    def reset_columns(self) -> None:
        head = self.table.horizontalHeader()
        char = self.fontMetrics().averageCharWidth()
        for number, column in enumerate(self.model.columns):
            head.moveSection(head.visualIndex(number), number)
            head.setSectionHidden(number, not column.table)
            self.table.setColumnWidth(number, max(40, column.width * char))
        # The quote stretches into whatever the other columns leave; its spec width would
        # push it off screen on a laptop.
        self.table.setColumnWidth(self.model.column_of("quote"), 30 * char)

    def _fill_columns_menu(self, menu: QMenu) -> None:
        menu.clear()
        head = self.table.horizontalHeader()
        for number, column in enumerate(self.model.columns):
            act = menu.addAction(column.title)
            act.setCheckable(True)
            act.setChecked(not head.isSectionHidden(number))
            act.toggled.connect(lambda on, n=number: self.set_column_visible(n, on))

    def _fill_sort_menu(self) -> None:
        menu = self.sort_menu
        menu.clear()
        head = self.table.horizontalHeader()
        shown = head.sortIndicatorSection()
        descending = head.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        group = QActionGroup(menu)
        choices = [(-1, "&Entry order")] + [
            (number, column.title)
            for number, column in enumerate(self.model.columns)
            # The sorted column stays listed when hidden: the menu then still says the order.
            if column.key in SORT_KEYS and (not head.isSectionHidden(number) or number == shown)
        ]
        for number, title in choices:
            act = menu.addAction(title)
            act.setCheckable(True)
            act.setChecked(number == shown or (number == -1 and shown < 0))
            act.setActionGroup(group)
            act.triggered.connect(lambda _=False, n=number: self.sort_by(n, descending))
        menu.addSeparator()
        reverse = menu.addAction("&Descending")
        reverse.setCheckable(True)
        reverse.setChecked(descending)
        reverse.setEnabled(shown >= 0)  # entry order has one direction
        reverse.triggered.connect(lambda on: self.sort_by(shown, on))

    def sort_by(self, column: int, descending: bool = False) -> None:
        """Sort the table by `column` (-1: entry order), as a click on its header does."""
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(column, order)

    def _header_menu(self, pos) -> None:
        menu = QMenu(self)
        self._fill_columns_menu(menu)
        menu.addSeparator()
        menu.addAction("Reset columns", self.reset_columns)
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))

    def set_column_visible(self, number: int, visible: bool) -> None:
        head = self.table.horizontalHeader()
        shown = [n for n in range(head.count()) if not head.isSectionHidden(n)]
        if not visible and shown == [number]:
            return  # keep at least one column
        head.setSectionHidden(number, not visible)

    # -- filters -------------------------------------------------------------------------
    def forget_counts(self) -> None:
        """Drop every count and facet kept, here and in the background threads: the next
        filter change counts from nothing (the benchmark's runs)."""
        self.model.forget_counts()
        self.panel.forget_counts()

    def apply_filters(self, filters: Filters) -> None:
        previous = self.filters
        self.filters = filters
        # A chip whose text changed (other years, another search) is the latest change too:
        # the empty table's button must name the range it removes, not the first year set.
        before = set(chips_of(previous, self.labels))
        now = chips_of(filters, self.labels)
        added = [chip for chip in now if chip not in before]
        if added:
            self.last_added = added[-1]
        elif self.last_added and self.last_added[:2] not in {(d, v) for d, v, _ in now}:
            self.last_added = None
        self.model.set_filters(filters)
        self.quote_delegate.search = filters.search
        # A total that did not fit its few ms means slow facets too: do not try them here.
        # Rows that did not fit theirs come with the count: the facets are counted after
        # that, rather than in threads that took the interpreter from the window's paging
        # and painting of those rows (45-70 ms blocks for "co*" at 1M entries).
        self.panel.show_filters(
            filters, count_now=self.model.known_total() is not None, hold=self.model.searching()
        )
        description = self.catalogue.describe(filters)
        self.chips.show_filters(filters, self.labels, description, filters != DEFAULT_FILTERS)
        self._order_tab_chain()  # the chips are new widgets, which Qt puts last
        if self.search.text() != filters.search and not self.search_timer.isActive():
            self.search.setText(filters.search)
        self._update_status()
        self._update_empty_state(description)
        if self.model.rowCount() > 0:
            self._defer_detail = self.isVisible()  # at start-up the window opens complete
            try:
                self._select_first_row()
            finally:
                self._defer_detail = False
        else:
            self.detail_timer.stop()
            self.detail.show_entry(None, filters)

    def _first_visible_column(self) -> int:
        head = self.table.horizontalHeader()
        return head.logicalIndex(
            next(
                (v for v in range(head.count()) if not head.isSectionHidden(head.logicalIndex(v))),
                0,
            )
        )

    def _search_now(self) -> None:
        self.search_timer.stop()
        self.panel.apply_pending_years()
        if self.search.text() != self.filters.search:
            self.apply_filters(self.filters.with_(search=self.search.text()))

    def add_filter(self, dimension: str, value: str) -> None:
        """A link of the detail pane: add its value to the filters."""
        self.panel.apply_pending_years()
        if dimension in LINKED:
            current = getattr(self.filters, dimension)
            if value not in current:
                self.apply_filters(self.filters.with_(**{dimension: (*current, value)}))
        elif dimension == "years":
            # "2009-2018", "2009" (one year) or "2009-" (since 2009: no end).
            first, dash, last = value.partition("-")
            year_to = int(last) if last else None if dash else int(first)
            self.apply_filters(self.filters.with_(year_from=int(first), year_to=year_to))
        elif dimension == "has_figure":
            self.apply_filters(self.filters.with_(has_figure=True))

    def remove_filter(self, dimension: str, value: str | None = None) -> None:
        self.panel.apply_pending_years()  # a chip takes no focus: the year box kept its step
        if dimension == "search":
            self.search.clear()
        self.apply_filters(self.filters.without(dimension, value))

    def remove_last_filter(self) -> None:
        if self.last_added is not None:
            dimension, value, _ = self.last_added
            self.last_added = None
            self.remove_filter(dimension, value)

    def clear_all(self) -> None:
        self.search_timer.stop()
        self.search.clear()
        self.apply_filters(DEFAULT_FILTERS)

    def clear_search(self) -> None:
        if self.model.sorting():  # Esc stops what is running first
            self.cancel_sort()
            return
        self.search_timer.stop()
        self.panel.apply_pending_years()
        self.search.clear()
        if self.filters.search:
            self.apply_filters(self.filters.with_(search=""))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def cancel_sort(self) -> None:
        """Give up a background sort: the header shows the order the rows are in again."""
        self.model.cancel_sort()
        self._header_shows_the_order()

    def _sort_failed(self) -> None:
        self._header_shows_the_order()
        self.statusBar().showMessage(
            "Could not sort the entries; they keep the order they were in (details in the log)",
            8000,
        )

    def _header_shows_the_order(self) -> None:
        head = self.table.horizontalHeader()
        if self.model.sort_key is None:
            head.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        else:
            order = (
                Qt.SortOrder.DescendingOrder
                if self.model.descending
                else Qt.SortOrder.AscendingOrder
            )
            head.setSortIndicator(self.model.column_of(self.model.sort_key), order)

    def selected_rows(self) -> list[tuple[int, int]]:
        """The selected rows as (first, last) ranges, merged and in order: from the
        selection's ranges, never an index per row (Ctrl+A at 1M)."""
        spans = sorted((r.top(), r.bottom()) for r in self.table.selectionModel().selection())
        merged: list[tuple[int, int]] = []
        for top, bottom in spans:
            if merged and top <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], bottom))
            else:
                merged.append((top, bottom))
        return merged

    def selected_row_count(self) -> int:
        return sum(last - first + 1 for first, last in self.selected_rows())

    def whole_table_selected(self) -> bool:
        """Whether every matching entry is selected (Ctrl+A): copies and exports then read
        the filter's rows rather than a list of ids."""
        total = self.model.known_total()
        return bool(total) and self.selected_rows() == [(0, total - 1)]

    def _before_sort(self) -> None:
        """A large selection is cut to the current row before a sort: Qt and the model move a
        persistent index per selected row through it, which blocked the window at 1M entries
        for 110 ms with 2,000 rows selected and 0.34 s with 20,000 (400: 24 ms). Selecting
        the whole table stays as it is (Qt keeps it as one range)."""
        selected = self.selected_row_count()
        self._selected_before_sort = selected
        whole = (
            selected >= self.model.rowCount() and len(self.table.selectionModel().selection()) == 1
        )
        self._selection_cut = selected > SELECTION_FOLLOWED_MAX and not whole
        if self._selection_cut:
            self.table.selectionModel().select(
                self.table.currentIndex(),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _rows_sorted(self) -> None:
        """The rows were sorted: the current entry moved with the sort and is scrolled to, as a
        file browser does; after a filter change there was none to keep, so the first row is
        selected again."""
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(current)
            kept, before = self.selected_row_count(), self._selected_before_sort
            if kept < before:
                why = (
                    f"a selection of more than {SELECTION_FOLLOWED_MAX:,} rows keeps only the"
                    " current row"
                    if self._selection_cut
                    else "the others could not be followed through the sort in time"
                )
                self.statusBar().showMessage(
                    f"Sorted: {kept:,} of the {before:,} selected rows are still selected ({why})",
                    8000,
                )
        elif self.model.rowCount() > 0:
            self._select_first_row()
            self.table.scrollToTop()

    def _update_status(self) -> None:
        sorting = self.model.sorting()
        self.sort_busy.setVisible(sorting)
        self.sort_cancel.setVisible(sorting)
        shown = self.model.known_total()
        if sorting:
            n = "the" if shown is None else f"{shown:,} of {self.grand_total:,}"
            parts = [f"Sorting {n} entries by {self.model.sort_title()}… (Esc to stop)"]
        elif self.model.searching():
            parts = [f"Searching {self.grand_total:,} entries…"]
        elif shown is None:  # still counting in the background: say so, never wait
            parts = [f"≥ {self.model.rowCount():,} of {self.grand_total:,} entries (counting…)"]
        else:
            parts = [f"{shown:,} of {self.grand_total:,} entries"]
        f = self.filters
        for dimension in ("domains", "countries", "regions", "organisations", "documents"):
            table = self.labels.get(dimension, {})
            names = [table.get(v, v) for v in getattr(f, dimension)]
            if names:
                text = shortened(", ".join(names))
                parts.append(text.lower() if dimension == "domains" else text)
                if dimension == "regions" and f.include_region_members:
                    parts[-1] += " (incl. member countries)"
        if f.year_from is not None or f.year_to is not None:
            parts.append(year_words(f.year_from, f.year_to))
        if f.has_figure is not None:
            parts.append(FIGURE_WORDS[f.has_figure])
        if searches(f.search):
            parts.append(f"“{shortened(f.search.strip())}”")
        elif f.search.strip():  # "*" or "-": it would say "matching" and match everything
            parts.append(f"“{shortened(f.search.strip())}” has no word to search for")
        self.status.setText(" · ".join(parts))

    def _total_changed(self) -> None:
        self._update_status()
        if self.stack.currentWidget() is self.empty:  # it may have waited for these rows
            self._update_empty_state(self.catalogue.describe(self.filters))
            if self.model.rowCount() > 0:
                self._defer_detail = self.isVisible()
                try:
                    self._select_first_row()
                finally:
                    self._defer_detail = False
        # Once the rows are painted: a thread counting meanwhile took the interpreter from each
        # cell's data() (40-50 ms blocks).
        self._release_facets.post()

    def _update_empty_state(self, description: str) -> None:
        empty = self.model.rowCount() == 0
        self.stack.setCurrentWidget(self.empty if empty else self.table)
        if not empty:
            return
        if self.model.searching():
            title, hint = "Searching…", "The entries show as soon as they are found."
        else:
            title, hint = "No entries match.", "Remove a filter to see entries again."
        self.empty_text.setText(
            f"<p style='font-size:13pt'>{title}</p><p>{description}.</p><p>{hint}</p>"
        )
        self.undo_button.setVisible(self.last_added is not None)
        if self.last_added is not None:
            label = self.last_added[2]  # a chip's text: shortened, a search's quoted already
            self.undo_button.setText(
                f"Remove {label}" if label.startswith("“") else f"Remove “{label}”"
            )
        self.empty_clear.setEnabled(self.filters != DEFAULT_FILTERS)

    # -- selection, detail, document -----------------------------------------------------
    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(ROW_ID_ROLE) if index.isValid() else None

    def _select_first_row(self) -> None:
        """The window's own choice of a row, after a filter change: not one the user picked."""
        self._choosing_first = True
        try:
            self.table.setCurrentIndex(self.model.index(0, self._first_visible_column()))
        finally:
            self._choosing_first = False

    def _selection_changed(self, selected, _deselected) -> None:
        if not self._choosing_first and not selected.isEmpty():
            self.model.picked = True

    def _current_row_changed(self, current, previous) -> None:
        self.model.focus_row = current.row()
        if not self._choosing_first and current.isValid():
            self.model.picked = True  # a background sort keeps the user's rows selected
        self._current_changed(current, previous)

    def _current_changed(self, current, _previous) -> None:
        if self._defer_detail:
            self.detail_timer.start()
            return
        self.detail_timer.stop()
        rowid = current.data(ROW_ID_ROLE) if current.isValid() else None
        self.detail.show_entry(rowid, self.filters)
        if rowid is not None and self.viewer is not None and self.viewer.isVisible():
            self._show_in_viewer(current.row())

    def _show_current_detail(self) -> None:
        index = self.table.currentIndex()
        self._current_changed(index, index)

    def show_document(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        if self.viewer is None:
            self.viewer = DocumentViewer(self.catalogue, self)
            self.viewer.step_requested.connect(self.step)
        self.viewer.show()
        self.viewer.raise_()
        self._show_in_viewer(index.row())

    def _show_in_viewer(self, row: int) -> None:
        rowid = self.model.index(row, 0).data(ROW_ID_ROLE)
        self.viewer.show_entry(
            rowid,
            self.filters.search,
            has_previous=row > 0,
            has_next=row < self.model.rowCount() - 1,
        )

    def step(self, delta: int) -> None:
        """Move the table's current row (the viewer and the pane follow)."""
        row = self.table.currentIndex().row() + delta
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row, max(self.table.currentIndex().column(), 0))
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)

    # -- copy ----------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        """The selected entries' ids, in the table's order."""
        return self.model.ids_in_rows(self.selected_rows()).tolist()

    def copy_rows(self) -> None:
        count = self.selected_row_count()
        if not count:
            return
        if count > COPY_MAX_ROWS:
            box = self.show_message(
                QMessageBox.Icon.Information,
                "Copy rows",
                f"{count:,} rows are selected. Copying more than {COPY_MAX_ROWS:,} rows would"
                " hold the window and fill the clipboard: export them to a CSV file instead.",
            )
            export = box.addButton("Export selected rows…", QMessageBox.ButtonRole.AcceptRole)
            # The rows counted now: a sort that ends while the box is open cuts a selection
            # this large to the current row.
            chosen = self._selection_to_export()
            export.clicked.connect(lambda: self._ask_and_export(chosen))
            box.addButton(QMessageBox.StandardButton.Cancel)
            return
        if self.whole_table_selected():
            rows = self.catalogue.iter_rows(self.filters, *self.model.shown_order())
        else:
            rows = self.catalogue.iter_rows_of(self.selected_ids())
        QGuiApplication.clipboard().setText(tsv(rows))
        self.statusBar().showMessage(f"Copied {counted(count, 'row')}", 4000)

    # -- export --------------------------------------------------------------------------
    def ask_export_path(self) -> str:
        """The native save dialog; tests replace it."""
        folder = self.settings.value("export/folder", str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export CSV",
            str(Path(folder) / "security-cooperation.csv"),
            "CSV files (*.csv);;All files (*)",
        )
        return path

    def export_dialog(self, selected_only: bool = False) -> None:
        if self.export_task is not None:
            return
        if selected_only and not self.selected_row_count():
            self.show_message(QMessageBox.Icon.Information, "Export", "Select rows first.")
            return
        if not selected_only and self.model.known_total() == 0:
            # A file with a header and no rows looks like an answer; say why there is none.
            self.show_message(
                QMessageBox.Icon.Information,
                "Export",
                "No entries match the filters, so there is nothing to export."
                " Remove a filter to see entries again.",
            )
            return
        self._ask_and_export(self._selection_to_export() if selected_only else None)

    def _selection_to_export(self) -> Sequence[int] | None:
        """The selected entries' ids (an array: no list of 800k ints to make); None (the
        table's export, written by several processes, with no ids) when every row is selected."""
        if self.whole_table_selected():
            return None
        return self.model.ids_in_rows(self.selected_rows())

    def _ask_and_export(self, ids: Sequence[int] | None) -> None:
        if self.export_task is not None:
            return
        path = self.ask_export_path()
        if path:
            if not path.lower().endswith(".csv") and not Path(path).suffix:
                path += ".csv"
            self.export_to(Path(path), ids)

    def export_to(self, target: Path, ids: Sequence[int] | None = None) -> None:
        """Export the table's entries (or `ids`) to `target` in the background."""
        self.settings.setValue("export/folder", str(target.parent))
        # Not counted here if the count is still running: a prefix search's took 0.3-0.4 s
        # at 1M entries; the dialog then shows that it is busy, without a share done.
        expected = len(ids) if ids is not None else self.model.known_total()
        worker = ExportWorker(
            self.catalogue.path,
            target,
            self.filters,
            *self.model.shown_order(),
            ids,
        )
        self.export_task = ExportTask(worker, self)
        entries = "entries" if expected is None else counted(expected, "entry")
        most = 0 if expected is None else max(expected, 1)
        dialog = QProgressDialog(f"Writing {entries} to {target.name}…", "Cancel", 0, most, self)
        dialog.setWindowTitle("Export CSV")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        # A plain callable runs at once in this thread: a slot of the worker would queue
        # behind the export it is meant to stop.
        dialog.canceled.connect(lambda: worker.cancel())
        self.progress_dialog = dialog
        self._export_target, self._export_ids = target, ids
        # Bound methods of this window: Qt queues them to the GUI thread.
        worker.progress.connect(self._export_progress)
        worker.done.connect(self._export_done)
        worker.failed.connect(self._export_failed)
        worker.cancelled.connect(self._export_cancelled)
        self.export_task.finished.connect(self._export_cleanup)
        self.export_task.start()

    def _export_cleanup(self) -> None:
        if self._close_question is not None:  # no export left to stop: nothing to ask
            self._close_question.done(0)
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        task, self.export_task = self.export_task, None
        if task is not None:
            task.deleteLater()
        self.export_finished.emit(self._export_outcome)

    def _export_progress(self, written: int) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.setValue(min(written, self.progress_dialog.maximum()))

    def _export_done(self, written: int) -> None:
        target = self._export_target
        self._export_outcome = "done"
        if self._closing:  # it ended as the window closed: no message on a closed window
            return
        box = self.show_message(
            QMessageBox.Icon.Information,
            "Export finished",
            f"Wrote {counted(written, 'entry')} to\n{target}",
        )
        open_folder = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
        open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(target.parent)))
        )
        box.addButton(QMessageBox.StandardButton.Ok)
        self.statusBar().showMessage(f"Exported {counted(written, 'entry')} to {target}", 8000)

    def _export_failed(self, text: str) -> None:
        ids = self._export_ids
        self._export_outcome = "failed"
        if self._closing:
            return
        box = self.show_message(QMessageBox.Icon.Critical, "Export failed", text)
        retry = box.addButton(QMessageBox.StandardButton.Retry)
        box.addButton(QMessageBox.StandardButton.Cancel)
        retry.clicked.connect(lambda: QTimer.singleShot(0, lambda: self._retry(ids)))

    def _retry(self, ids) -> None:
        path = self.ask_export_path()
        if path:
            self.export_to(Path(path), ids)

    def _export_cancelled(self) -> None:
        self._export_outcome = "cancelled"
        self.statusBar().showMessage("Export cancelled: no file was written", 8000)

    def _ask_to_stop_export(self) -> None:
        """Closing during an export asks whether to stop it (nothing is then written) or to
        keep the window open until it is done."""
        box = self.show_message(
            QMessageBox.Icon.Question,
            "Export not finished",
            f"The export to {self._export_target.name} is still being written. Stop it and"
            " close the window? Nothing is written if it stops.",
        )
        stop = box.addButton("Stop export and close", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep exporting", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        stop.clicked.connect(self._stop_export_and_close)
        self._close_question = box
        box.destroyed.connect(lambda: setattr(self, "_close_question", None))

    def _stop_export_and_close(self) -> None:
        self._stop_export_to_close = True
        QTimer.singleShot(0, self.close)  # once the question has closed

    def show_message(self, icon, title: str, text: str) -> QMessageBox:
        """A window-modal message that does not block (tests read and click it)."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message = box
        box.destroyed.connect(lambda: setattr(self, "message", None))
        # Not over a window closed meanwhile (an export's outcome, as the window closes).
        QTimer.singleShot(0, box, lambda: box.done(0) if self._closing else box.open())
        return box

    def show_about(self) -> None:
        box = self.show_message(QMessageBox.Icon.NoIcon, f"About {APP_NAME}", "")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(about_html(self.catalogue))
        if details := about_details(self.catalogue):
            box.setDetailedText(details)
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.addButton(QMessageBox.StandardButton.Close)

    # -- remembered state ----------------------------------------------------------------
    def default_size(self) -> QSize:
        """1360 x 860, or nine tenths of the screen where it is smaller."""
        screen = self.screen().availableGeometry()
        return QSize(min(1360, screen.width() * 9 // 10), min(860, screen.height() * 9 // 10))

    def restore_state(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        # Qt refuses a geometry saved on a screen much wider or narrower than this one (a
        # laptop undocked): the window then opens at its default size, not its smallest.
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.resize(self.default_size())
        # The header's saved sort is only recorded: the saved filters, applied next, sort once.
        self.model.sorts_held = True
        try:
            for key, widget in (
                ("window/state", self),
                ("window/splitter", self.splitter),
                ("window/right_splitter", self.right_splitter),
                ("table/header", self.table.horizontalHeader()),
            ):
                value = s.value(key)
                if isinstance(value, QByteArray):
                    widget.restoreState(value)
            head = self.table.horizontalHeader()
            if head.sortIndicatorSection() >= 0 and self.model.sort_key is None:
                self.model.sort(head.sortIndicatorSection(), head.sortIndicatorOrder())
        finally:
            self.model.sorts_held = False
        # Saved with another catalogue, the filters may name what this one lacks: the lists
        # and chips then showed raw ids, and the year boxes other years than the filter's.
        filters, dropped = filters_from_text(s.value("filters/last")).within(
            self.labels, self.panel.years
        )
        # Said once the window is shown (showEvent): a status bar message shown before it
        # was painted over the status text.
        self.dropped_filters = dropped
        self.search.setText(filters.search)
        self.apply_filters(filters)
        self.last_added = None

    def save_state(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("window/right_splitter", self.right_splitter.saveState())
        s.setValue("table/header", self.table.horizontalHeader().saveState())
        s.setValue("filters/last", filters_to_text(self.filters))
        s.sync()

    def _prepare_resolver(self) -> None:
        if self._resolver is None:
            self._resolver = prepare_country_resolver()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.UpdateRequest:
            self._hold_for_repaint()
        return super().event(event)

    def eventFilter(self, watched, event) -> bool:
        if watched is self._platform_window and event.type() in PLATFORM_REPAINTS:
            self._hold_for_repaint()
        return super().eventFilter(watched, event)

    def _hold_for_repaint(self) -> None:
        if not self._closing:
            count_worker.hold_for_repaint()
            self._repainted.post()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._closing = False
        if self.windowHandle() is not self._platform_window:  # (made once shown)
            self._platform_window = self.windowHandle()
            self._platform_window.installEventFilter(self)
        self.warm_timer.start()  # once its thread runs, warm_counts() has nothing left to do
        if self.dropped_filters:
            self.statusBar().showMessage(
                "Left out of the remembered filters, not in this catalogue: "
                + "; ".join(self.dropped_filters),
                DROPPED_MESSAGE_MS,
            )
            self.dropped_filters = []

    def closeEvent(self, event) -> None:
        if self.export_task is not None and not self._stop_export_to_close:
            event.ignore()  # the export would be lost: ask first (once)
            if self._close_question is None:
                self._ask_to_stop_export()
            return
        self._stop_export_to_close = False
        self._closing = True
        if self.message is not None:  # nothing stays open over a closed window
            self.message.done(0)  # (close() is ignored by a box without an escape button)
        self.warm_timer.stop()
        self.detail_timer.stop()
        self.panel.years_timer.stop()  # (a year stepped to just before: not applied now)
        self._release_facets.cancel()
        self._repainted.cancel()
        count_worker.release_after_repaint()
        if self.export_task is not None:
            self.export_task.worker.cancel()
            self.export_task.wait()
        self.model.close()
        self.panel.close_counts()
        self.save_state()
        super().closeEvent(event)
