"""Chips for every active filter, each removable."""

from PySide6.QtCore import Qt

from app.gui.filter_chips import FilterChips, chips_of, shortened
from app.query.filters import Filters

LABELS = {"countries": {"VNM": "Viet Nam"}, "domains": {"maritime": "Maritime"}}


def test_every_active_filter_has_a_chip():
    filters = Filters(
        countries=("VNM",),
        domains=("maritime",),
        year_from=2019,
        year_to=2021,
        has_figure=True,
        search="patrol vessels",
        kinds=("caption",),
    )
    texts = {(d, v): t for d, v, t in chips_of(filters, LABELS)}
    assert texts == {
        ("countries", "VNM"): "Viet Nam",
        ("domains", "maritime"): "Maritime",
        ("kinds", "caption"): "Captions",
        ("years", None): "Years 2019–2021",
        ("has_figure", None): "With a figure",
        ("search", None): "“patrol vessels”",
    }
    assert chips_of(Filters(), LABELS) == []


def test_clicking_a_chip_asks_to_remove_it(qtbot):
    chips = FilterChips()
    qtbot.addWidget(chips)
    chips.show_filters(Filters(countries=("VNM",)), LABELS, "Entries mentioning Viet Nam", True)
    assert chips.chip("countries", "VNM").text().startswith("Viet Nam")
    assert chips.description.text() == "Entries mentioning Viet Nam"
    with qtbot.waitSignal(chips.removed) as signal:
        qtbot.mouseClick(chips.chip("countries", "VNM"), Qt.MouseButton.LeftButton)
    assert signal.args == ["countries", "VNM"]
    chips.show_filters(Filters(), LABELS, "Entries", False)
    assert chips.chip("countries", "VNM") is None
    assert not chips.clear_button.isEnabled()


def test_a_long_search_is_shortened_on_its_chip(qtbot):
    search = "capacity building assistance to coast guard authorities " * 6
    chips = FilterChips()
    qtbot.addWidget(chips)
    chips.show_filters(Filters(search=search), {}, "", True)
    (chip,) = chips.chips
    assert chip.text() == "“capacity building assistance to coast…”  ✕"


def test_shortened_cuts_at_a_word_and_leaves_short_text_alone():
    assert shortened("Viet Nam") == "Viet Nam"
    assert shortened("x" * 40) == "x" * 40
    assert shortened("x" * 41) == "x" * 39 + "…"
    assert (
        shortened("one two three four five six seven eight nine")
        == "one two three four five six seven…"
    )


def test_a_pasted_paragraph_searched_for_leaves_the_window_its_width(qtbot, window):
    window.resize(900, 700)
    qtbot.waitUntil(lambda: window.width() == 900)
    window.search.setText("Japan provides patrol vessels and training to coast guards. " * 10)
    window._search_now()
    qtbot.wait(100)  # the chips, status bar and empty table's button laid out
    assert window.stack.currentWidget() is window.empty
    assert window.width() == 900
    assert window.undo_button.text().endswith("…”")


def test_a_search_with_no_word_has_no_chip_and_one_that_leaves_words_out_has():
    # "*" matched everything under a chip that said it was a search.
    assert chips_of(Filters(search="*"), LABELS) == []
    assert chips_of(Filters(search="-piracy"), LABELS) == [("search", None, "“-piracy”")]


def test_every_chip_names_what_it_filters_in_words(qtbot):
    # The tooltips showed field names ("include_region_members", "has_figure").
    chips = FilterChips()
    qtbot.addWidget(chips)
    filters = Filters(
        regions=("ASEAN",),
        include_region_members=True,
        year_from=2019,
        has_figure=False,
        search="piracy",
    )
    chips.show_filters(filters, {"regions": {"ASEAN": "ASEAN"}}, "", True)
    tips = [chip.toolTip() for chip in chips.chips]
    assert tips == [
        "Remove this filter (Region)",
        "Remove this filter (Member countries of the regions)",
        "Remove this filter (Years)",
        "Remove this filter (Figure)",
        "Remove this filter (Search)",
    ]
    assert all("_" not in tip for tip in tips)
    # The same words as the description under the chips and the status bar.
    assert chips.chip("has_figure").text().startswith("Without a figure")
    assert "without a figure" in filters.describe({})


def test_many_chips_wrap_onto_rows_and_leave_the_window_its_width(qtbot, window):
    # In one row, seven chips widened a 1000 px window to 1515 px.
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: window.width() == 1000)
    one_row = window.chips.height()
    countries = tuple(window.catalogue.labels()["countries"])[:6]
    window.apply_filters(
        window.filters.with_(countries=countries, domains=("maritime",), year_from=2015)
    )
    qtbot.wait(100)  # laid out
    assert len(window.chips.chips) >= 8
    assert window.width() == 1000
    tops = {chip.geometry().top() for chip in window.chips.chips}
    assert len(tops) >= 2  # more than one row
    assert window.chips.height() > one_row
    for chip in window.chips.chips:  # every chip is whole, inside the strip
        assert window.chips.rect().contains(chip.geometry())
    window.clear_all()
    qtbot.wait(100)
    assert window.chips.height() == one_row


def test_a_chip_reached_from_the_keyboard_shows_it_has_the_focus(qtbot):
    # It looked as the others: Space would have removed a filter the user could not see chosen.
    chips = FilterChips()
    qtbot.addWidget(chips)
    chips.show_filters(Filters(countries=("VNM", "PHL")), {}, "", True)
    chips.show()
    chips.activateWindow()
    qtbot.waitActive(chips)
    chip, other = chips.chip("countries", "VNM"), chips.chip("countries", "PHL")

    def picture_with_focus_on(widget):
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(widget.hasFocus)
        return chip.grab().toImage()

    unfocused, focused = picture_with_focus_on(other), picture_with_focus_on(chip)
    changed = sum(
        unfocused.pixel(x, y) != focused.pixel(x, y)
        for x in range(chip.width())
        for y in range(chip.height())
    )
    assert changed > chip.width() + chip.height()  # a ring around it, not a pixel or two
