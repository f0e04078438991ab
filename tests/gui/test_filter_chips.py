"""Chips for every active filter, each removable."""

from PySide6.QtCore import Qt

from app.gui.filter_chips import FilterChips, chips_of
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
