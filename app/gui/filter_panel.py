"""The left panel: one control per filter dimension, with counts under the other filters."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.gui.count_worker import CountWorker
from app.gui.facet_list import FacetList, resolve_country
from app.query.catalogue import Catalogue, QueryInterrupted
from app.query.filters import FIGURE_WORDS, KIND_LABELS, Filters

FACET_DIMENSIONS = ("countries", "regions", "domains", "documents", "organisations", "kinds")
# Counts that take longer than this in all are finished in the background: the window never
# waits for them, and a newer filter cancels them. The background uses the bitmap index (all
# facets in tens of ms at 1M entries): time spent trying here is time the window is frozen.
FACET_BUDGET_S = 0.004
YEAR_STEP_DELAY_MS = 250  # as the search box's: the years apply once the arrows stop
# Facets left to the background are shared among this many threads (each with its connection).
# One: counting by bitmap is Python work that holds the interpreter, so a second thread counted
# no sooner, and each thread that wants the interpreter delays the window's thread (at 1M
# entries the window was off the CPU for a third to a half of its longest blocks after a filter
# change).
# Alternated with two, 4 processes each of 10 runs of 5 filter changes counted from nothing:
# blocks over 40 ms 15 of 200 against 31 of 200, the longest 39-54 ms against 53-56 ms (and
# one of 153 ms), every count in as soon within the noise (medians 65-79 ms against 65-72).
FACET_WORKERS = 1


def heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setContentsMargins(0, 8, 0, 0)
    return label


class WheelWhenFocused:
    """Takes the mouse wheel only once clicked or tabbed into: the wheel scrolls the panel
    over it otherwise, and must not change a filter on the way."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # to the scroll area


class ChoiceBox(WheelWhenFocused, QComboBox):
    pass


class YearBox(WheelWhenFocused, QSpinBox):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSpecialValueText("any")
        self.setAccelerated(True)
        self.setKeyboardTracking(False)  # typing "2021" must not filter by 2, 20 and 202 first

    def year(self) -> int | None:
        return None if self.value() == self.minimum() else self.value()

    def set_year(self, year: int | None) -> None:
        self.setValue(self.minimum() if year is None else year)


class FilterPanel(QScrollArea):
    """Emits `filters_changed` with new Filters whenever the user changes a control."""

    filters_changed = Signal(object)

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.filters = Filters()
        self._updating = False
        self._workers: list[CountWorker] = []
        self._generations: set[int] = set()
        self._held: list[str] = []  # dimensions whose counts wait for release_counts()
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.setSpacing(2)
        labels = catalogue.list_labels()
        self.lists: dict[str, FacetList] = {
            "countries": FacetList(
                "Find a country (Viet Nam, Vietnam, VNM)…",
                resolve_country,
                labels=labels["countries"],
            ),
            "regions": FacetList("Find a region or grouping…", labels=labels["regions"]),
            "domains": FacetList("", searchable=False, labels=labels["domains"]),
            "documents": FacetList("", searchable=False, labels=labels["documents"]),
            "organisations": FacetList(
                "Find an organisation (JCG, Japan Coast Guard)…",
                names=lambda: catalogue.names_of("organisations"),
                labels=labels["organisations"],
            ),
            "kinds": FacetList("", searchable=False, labels=KIND_LABELS),
        }
        heights = {"countries": 190, "regions": 120, "organisations": 130}
        titles = {
            "countries": "Country",
            "regions": "Region / grouping",
            "domains": "Domain",
            "documents": "Document / edition",
            "organisations": "Organisation / programme",
            "kinds": "Kind of text",
        }
        self.include_members = QCheckBox("Include member countries")
        self.include_members.setToolTip(
            "A region also matches entries that name one of its member countries as a partner"
            " (not Japan)"
        )
        self.year_from, self.year_to = YearBox(), YearBox()
        # Three choices, as the filter has: a checkbox could not show "without a figure".
        self.figures = ChoiceBox()
        self.figures.addItem("Any", None)
        self.figures.addItem(f"{FIGURE_WORDS[True].capitalize()} (amount or count)", True)
        self.figures.addItem(FIGURE_WORDS[False].capitalize(), False)
        self.figures.setToolTip("An amount of money, or a count of people, vessels, projects…")
        for dimension, widget in self.lists.items():
            layout.addWidget(heading(titles[dimension]))
            layout.addWidget(widget)
            widget.view.setMinimumHeight(60)
            widget.view.setMaximumHeight(heights.get(dimension, 110))
            widget.checked_changed.connect(lambda values, d=dimension: self._changed(**{d: values}))
            if dimension == "regions":
                layout.addWidget(self.include_members)
            if dimension == "documents":
                layout.addWidget(heading("Years concerned"))
                row = QHBoxLayout()
                row.addWidget(QLabel("from"))
                row.addWidget(self.year_from, 1)
                row.addWidget(QLabel("to"))
                row.addWidget(self.year_to, 1)
                layout.addLayout(row)
        layout.addWidget(heading("Figures"))
        layout.addWidget(self.figures)
        layout.addStretch(1)
        self.setWidget(body)
        self.years = catalogue.year_range()  # the catalogue's first and last, or None
        first, last = self.years or (2000, 2030)
        # A held arrow steps through a year every 40 ms or so: the table follows once it stops
        # (each step a filter change, counts overlapping the next: 59-97 ms blocks at 1M).
        self.years_timer = QTimer(self)
        self.years_timer.setSingleShot(True)
        self.years_timer.setInterval(YEAR_STEP_DELAY_MS)
        self.years_timer.timeout.connect(self._years_changed)
        for box in (self.year_from, self.year_to):
            box.setRange(first - 1, last)
            box.setValue(box.minimum())
            box.valueChanged.connect(lambda _year, moved=box: self._year_stepped(moved))
            box.editingFinished.connect(self.apply_pending_years)  # Enter, or the box left
        self.include_members.toggled.connect(lambda on: self._changed(include_region_members=on))
        self.figures.currentIndexChanged.connect(
            lambda at: self._changed(has_figure=self.figures.itemData(at))
        )

    def _year_stepped(self, moved: YearBox) -> None:
        if not self._updating:
            self._keep_years_in_order(moved)
            self.years_timer.start()

    def _keep_years_in_order(self, moved: YearBox) -> None:
        """A "from" stepped past "to" takes "to" along (and the other way round), as date
        range pickers do: an inverted range matched nothing and said nothing."""
        first, last = self.year_from.year(), self.year_to.year()
        if first is None or last is None or first <= last:
            return
        other = self.year_to if moved is self.year_from else self.year_from
        with QSignalBlocker(other):
            other.set_year(moved.year())

    def apply_pending_years(self) -> None:
        """Apply the years stepped to at once, if they wait (YEAR_STEP_DELAY_MS): before another
        change made from elsewhere (a chip, Esc, a link), which would drop them."""
        if self.years_timer.isActive():
            self._years_changed()

    def _years_changed(self) -> None:
        self._changed(**self._box_years())

    def _box_years(self) -> dict[str, int | None]:
        return {"year_from": self.year_from.year(), "year_to": self.year_to.year()}

    def _changed(self, **changes) -> None:
        """Emit the filters with `changes`, and with the years stepped to if they wait to be
        applied (a value ticked meanwhile must not undo them)."""
        if self._updating:
            return
        if self.years_timer.isActive():
            self.years_timer.stop()
            changes = {**self._box_years(), **changes}
        self.filters_changed.emit(self.filters.with_(**changes))

    def show_filters(self, filters: Filters, count_now: bool = True, hold: bool = False) -> None:
        """Show `filters` in every control and refresh the counts; emits nothing. Without
        `count_now` (the total alone did not fit its budget, so facets will not either) only
        facets known already are shown at once: the rest are counted in the background, from
        release_counts() on if `hold`."""
        self.filters = filters
        self._updating = True
        self.years_timer.stop()  # years stepped to but not applied give way to these filters
        for worker in self._workers:
            worker.cancel()
        self._generations = set()
        self._held = []
        try:
            late = []
            deadline = time.perf_counter() + (FACET_BUDGET_S if count_now else 0.0)
            for dimension in self.lists:
                # What is left of the budget (a facet known already costs nothing): once it
                # is spent, only facets known already are shown here. A query given no time
                # at all would still run until stopped, for ms (a prefix search: 15-25 ms).
                left = deadline - time.perf_counter()
                try:
                    if left > 0:
                        with self.catalogue.limited(left):
                            found = self.catalogue.facet(dimension, filters)
                    else:
                        found = self.catalogue.known_facet(dimension, filters)
                except QueryInterrupted:
                    found = None
                if found is None:
                    late.append(dimension)
                else:
                    self._show_facets(dimension, found)
            for dimension in late:
                self.lists[dimension].model.set_pending(getattr(filters, dimension))
            if hold:
                self._held = late
            else:
                self._count_later(late)
            self.include_members.setChecked(filters.include_region_members)
            self.year_from.set_year(filters.year_from)
            self.year_to.set_year(filters.year_to)
            self.figures.setCurrentIndex(self.figures.findData(filters.has_figure))
        finally:
            self._updating = False

    def release_counts(self) -> None:
        """Count the facets show_filters(hold=True) left waiting."""
        late, self._held = self._held, []
        self._count_later(late)

    def _count_later(self, dimensions: list[str]) -> None:
        if not dimensions:
            return
        while len(self._workers) < FACET_WORKERS:
            worker = CountWorker(self.catalogue.path, self)
            worker.facet_ready.connect(self._facet_ready)
            self._workers.append(worker)
        queue = deque(dimensions)  # each worker takes the next dimension when free
        for worker in self._workers[: len(dimensions)]:
            self._generations.add(worker.facets(self.filters, queue))

    def _show_facets(self, dimension: str, facets) -> None:
        if dimension == "kinds":
            facets = [f.__class__(f.id, KIND_LABELS.get(f.id, f.id), f.count) for f in facets]
        self.lists[dimension].set_facets(facets, getattr(self.filters, dimension))

    def _facet_ready(self, generation: int, dimension: str, facets) -> None:
        if generation in self._generations:
            # Counted in the background: going back to these filters shows them at once.
            self.catalogue.remember_facet(dimension, self.filters, facets)
            self._show_facets(dimension, facets)

    def pending(self) -> bool:
        """True while some counts are still being computed in the background."""
        return any(widget.model.pending() for widget in self.lists.values())

    def close_counts(self) -> None:
        for worker in self._workers:
            worker.close()

    def forget_counts(self) -> None:
        """Drop the facets kept by the background threads (CountWorker.forget)."""
        for worker in self._workers:
            worker.forget()
