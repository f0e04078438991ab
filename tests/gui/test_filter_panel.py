"""The filter panel shows filters and counts, and turns clicks into new filters."""

from gui_helpers import click_value
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from app.gui.facet_list import COUNT_ROLE, ID_ROLE
from app.gui.filter_panel import YEAR_STEP_DELAY_MS, FilterPanel
from app.query.filters import Filters


def counts(facet_list):
    model = facet_list.model
    return {
        model.data(model.index(r), ID_ROLE): model.data(model.index(r), COUNT_ROLE)
        for r in range(model.rowCount())
    }


def test_counts_honour_the_other_filters(qtbot, catalogue):
    panel = FilterPanel(catalogue)
    qtbot.addWidget(panel)
    filters = Filters(domains=("maritime",), kinds=("body",))
    panel.show_filters(filters)
    assert counts(panel.lists["countries"]) == {
        f.id: f.count for f in catalogue.facet("countries", filters)
    }
    assert panel.lists["domains"].model.checked() == ("maritime",)


def test_controls_emit_new_filters(qtbot, catalogue):
    panel = FilterPanel(catalogue)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_filters(Filters())
    with qtbot.waitSignal(panel.filters_changed) as signal:
        click_value(qtbot, panel.lists["organisations"], "unodc")
    assert signal.args[0] == Filters(organisations=("unodc",))
    with qtbot.waitSignal(panel.filters_changed) as signal:
        panel.year_to.setValue(2020)
    assert signal.args[0] == Filters(year_to=2020)
    with qtbot.assertNotEmitted(panel.filters_changed):
        panel.show_filters(Filters(has_figure=True, year_from=2019))
    assert panel.figures.currentData() is True and panel.year_from.year() == 2019
    with qtbot.assertNotEmitted(panel.filters_changed):
        panel.show_filters(Filters(has_figure=False))
    assert panel.figures.currentText() == "Without a figure"  # a checkbox showed it unticked


def test_with_no_time_to_count_the_panel_runs_no_query(qtbot, catalogue):
    # A query given no time at all would run until stopped: 15-25 ms each of a prefix search's
    # five facets at 1M entries, in the window's thread.
    panel = FilterPanel(catalogue)
    qtbot.addWidget(panel)
    known = Filters(kinds=("body",))
    panel.show_filters(known)
    qtbot.waitUntil(lambda: not panel.pending())  # counted here or in the background
    filters = known.with_(domains=("maritime",))
    statements = []
    catalogue.conn.set_trace_callback(statements.append)
    try:
        panel.show_filters(filters, count_now=False)
    finally:
        catalogue.conn.set_trace_callback(None)
        panel.close_counts()
    assert statements == []
    # The domains facet leaves out its own dimension: known from before, shown at once.
    assert counts(panel.lists["domains"]) == {
        f.id: f.count for f in catalogue.facet("domains", filters)
    }
    assert panel.lists["countries"].model.pending()


def years_panel(qtbot, catalogue):
    panel = FilterPanel(catalogue)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_filters(Filters())
    emitted = []
    panel.filters_changed.connect(emitted.append)
    return panel, emitted


def test_a_held_arrow_filters_once_at_the_year_it_stops_at(qtbot, catalogue):
    # Each step a filter change: at 1M entries, a held arrow blocked the window 59-97 ms.
    panel, emitted = years_panel(qtbot, catalogue)
    panel.year_from.setFocus()
    start = panel.year_from.value()
    for _ in range(12):
        qtbot.keyClick(panel.year_from, Qt.Key.Key_Up)
    assert emitted == []
    qtbot.waitUntil(lambda: emitted != [])
    qtbot.wait(YEAR_STEP_DELAY_MS + 50)
    assert emitted == [Filters(year_from=start + 12)]


def test_a_typed_year_applies_at_enter_without_waiting(qtbot, catalogue):
    panel, emitted = years_panel(qtbot, catalogue)
    panel.year_to.setFocus()
    panel.year_to.lineEdit().selectAll()
    qtbot.keyClicks(panel.year_to, "2019")
    assert emitted == []  # not 2, 20 and 201 first
    qtbot.keyClick(panel.year_to, Qt.Key.Key_Return)
    assert emitted == [Filters(year_to=2019)]
    qtbot.wait(YEAR_STEP_DELAY_MS + 50)
    assert len(emitted) == 1


def test_a_value_ticked_while_a_year_waits_keeps_the_year(qtbot, catalogue):
    panel, emitted = years_panel(qtbot, catalogue)
    panel.year_to.setValue(2020)
    click_value(qtbot, panel.lists["organisations"], "unodc")
    assert emitted == [Filters(organisations=("unodc",), year_to=2020)]
    qtbot.wait(YEAR_STEP_DELAY_MS + 50)
    assert len(emitted) == 1


def test_filters_shown_meanwhile_replace_a_waiting_year(qtbot, catalogue):
    panel, emitted = years_panel(qtbot, catalogue)
    panel.year_to.setValue(2020)
    panel.show_filters(Filters(has_figure=True))  # e.g. "Clear all" from the window
    qtbot.wait(YEAR_STEP_DELAY_MS + 50)
    assert emitted == [] and panel.year_to.year() is None


def test_organisations_are_found_by_their_full_names(qtbot, catalogue):
    panel = FilterPanel(catalogue)
    qtbot.addWidget(panel)
    panel.show_filters(Filters())
    finder = panel.lists["organisations"]
    finder.search.setText("Japan Coast Guard")
    assert finder.visible_ids() == ["jcg"]
    finder.search.setText("coast guard")
    assert "jcg" in finder.visible_ids()


def type_year(qtbot, box, year: int) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, str(year))
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_a_year_set_past_the_other_end_takes_it_along(qtbot, catalogue):
    # 2025 to 1995 matched nothing and said nothing: "to" now follows "from", and back.
    panel, emitted = years_panel(qtbot, catalogue)
    type_year(qtbot, panel.year_to, 2015)
    type_year(qtbot, panel.year_from, 2020)
    assert emitted[-1] == Filters(year_from=2020, year_to=2020)
    assert panel.year_to.year() == 2020
    type_year(qtbot, panel.year_to, 2016)
    assert emitted[-1] == Filters(year_from=2016, year_to=2016)
    assert panel.year_from.year() == 2016
    type_year(qtbot, panel.year_from, 2010)  # in order: the other end stays
    assert emitted[-1] == Filters(year_from=2010, year_to=2016)
    qtbot.wait(YEAR_STEP_DELAY_MS + 50)
    assert len(emitted) == 4


def wheel(widget, steps: int) -> None:
    at = QPoint(5, 5)
    QApplication.sendEvent(
        widget,
        QWheelEvent(
            QPointF(at),
            QPointF(widget.mapToGlobal(at)),
            QPoint(0, 0),
            QPoint(0, 120 * steps),  # positive: up, a larger year or an earlier item
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        ),
    )


def test_the_wheel_changes_a_box_only_once_it_is_clicked_or_tabbed_into(qtbot, catalogue):
    # The panel scrolls with the wheel: passing over the figures list or a year box on the way
    # changed the filter.
    panel = FilterPanel(catalogue)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_filters(Filters())
    with qtbot.assertNotEmitted(panel.filters_changed, wait=YEAR_STEP_DELAY_MS + 50):
        wheel(panel.figures, -1)
        wheel(panel.year_from, 1)
        wheel(panel.year_to, 1)
    assert panel.figures.currentData() is None
    assert (panel.year_from.year(), panel.year_to.year()) == (None, None)
    panel.figures.setFocus()
    qtbot.waitUntil(panel.figures.hasFocus)
    with qtbot.waitSignal(panel.filters_changed) as signal:
        wheel(panel.figures, -1)
    assert signal.args[0] == Filters(has_figure=True)
