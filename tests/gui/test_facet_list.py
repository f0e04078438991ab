"""Searchable, checkable value lists with counts."""

from gui_helpers import click_value
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle

from app.gui.facet_list import CountDelegate, FacetList, FacetModel, resolve_country
from app.query.catalogue import Facet


def test_models_pass_qt_model_checks(qtbot, qtmodeltester, catalogue):
    model = FacetModel()
    model.set_facets(catalogue.facet("countries"), ("VNM",))
    qtmodeltester.check(model)
    widget = FacetList("Find", resolve_country)
    qtbot.addWidget(widget)
    widget.set_facets(catalogue.facet("countries"), ())
    widget.search.setText("Viet")
    qtmodeltester.check(widget.proxy)


def test_checked_values_stay_listed_with_zero(catalogue):
    model = FacetModel()
    model.set_facets([Facet("VNM", "Viet Nam", 3)], ())
    model.set_facets([Facet("PHL", "Philippines", 2)], ("VNM",))
    assert model.rowCount() == 2
    assert model.label_of("VNM") == "Viet Nam"


def test_click_toggles_and_reports_the_checked_values(qtbot, catalogue):
    widget = FacetList("Find", resolve_country)
    qtbot.addWidget(widget)
    widget.set_facets(catalogue.facet("countries"), ())
    widget.show()
    with qtbot.waitSignal(widget.checked_changed) as signal:
        click_value(qtbot, widget, "VNM")
    assert signal.args == [("VNM",)]
    with qtbot.waitSignal(widget.checked_changed) as signal:
        click_value(qtbot, widget, "VNM")
    assert signal.args == [()]


def test_a_double_click_leaves_a_value_checked_once(qtbot, catalogue):
    # Where a double-click activates an item, `activated` toggled the value straight back.
    widget = FacetList("Find", resolve_country)
    qtbot.addWidget(widget)
    widget.set_facets(catalogue.facet("countries"), ())
    widget.show()
    seen = []
    widget.checked_changed.connect(seen.append)
    index = widget.index_of("VNM")
    widget.view.scrollTo(index)
    where = widget.view.visualRect(index).center()
    viewport = widget.view.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=where)  # a double-click's events
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=where)
    assert seen[-1:] == [("VNM",)]
    assert (
        widget.view.style().styleHint(QStyle.StyleHint.SH_ItemView_ActivateItemOnSingleClick) == 0
    )


def test_space_and_enter_toggle_the_current_value(qtbot, catalogue):
    widget = FacetList("Find", resolve_country)
    qtbot.addWidget(widget)
    widget.set_facets(catalogue.facet("countries"), ())
    widget.show()
    widget.view.setCurrentIndex(widget.index_of("VNM"))
    seen = []
    widget.checked_changed.connect(seen.append)
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
        qtbot.keyClick(widget.view, key)
    assert seen == [("VNM",), (), ("VNM",)]


def test_search_matches_names_codes_and_aliases(qtbot, catalogue):
    widget = FacetList("Find", resolve_country)
    qtbot.addWidget(widget)
    widget.set_facets(catalogue.facet("countries"), ())
    for typed in ("Vietnam", "Viet Nam", "vnm", "VNM"):
        widget.search.setText(typed)
        assert widget.visible_ids() == ["VNM"], typed
    widget.search.setText("")
    assert len(widget.visible_ids()) == len(catalogue.facet("countries"))


def test_search_matches_other_names_read_only_when_searching(qtbot):
    asked = []

    def names():
        asked.append(True)
        return {"jcg": ["jcg", "japan coast guard"], "adb": ["adb", "asian development bank"]}

    widget = FacetList("Find", names=names)
    qtbot.addWidget(widget)
    widget.set_facets([Facet("jcg", "JCG", 4), Facet("adb", "ADB", 2)], ())
    assert asked == []  # opening the window does not read them
    for typed, expected in (("Coast Guard", ["jcg"]), ("bank", ["adb"]), ("JCG", ["jcg"])):
        widget.search.setText(typed)
        assert widget.visible_ids() == expected, typed
    widget.search.setText("nothing like it")
    assert widget.visible_ids() == []
    assert asked == [True]  # read once


def test_a_long_label_is_cut_short_of_its_count(qtbot):
    # In a narrow panel the count was painted over the end of a long label.
    widget = FacetList("Find", searchable=False)
    qtbot.addWidget(widget)
    widget.set_facets(
        [
            Facet("long", "Democratic Republic of the Congo and its neighbours " * 2, 12345),
            Facet("short", "Chad", 12345),
        ],
        (),
    )
    widget.resize(180, 120)
    widget.show()
    qtbot.waitExposed(widget)
    image = widget.view.viewport().grab().toImage()
    long_row = widget.view.visualRect(widget.index_of("long"))
    short_row = widget.view.visualRect(widget.index_of("short"))
    room = widget.view.fontMetrics().horizontalAdvance("12,345") + 2 * CountDelegate.COUNT_GAP
    count_left = long_row.right() - room + 1
    # The count's part of both rows is the same picture: no letter of the label in it.
    for x in range(count_left, long_row.right() + 1):
        for dy in range(long_row.height()):
            assert image.pixel(x, long_row.top() + dy) == image.pixel(x, short_row.top() + dy)
