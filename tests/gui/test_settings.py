"""Settings live in an injectable INI file; saved filters survive bad input."""

import json

from app.gui.settings import (
    DEFAULT_FILTERS,
    filters_from_text,
    filters_to_text,
    open_settings,
)
from app.query.filters import Filters


def test_settings_are_an_ini_file_at_the_given_path(qapp, tmp_path):
    path = tmp_path / "deep" / "browser.ini"
    settings = open_settings(path)
    settings.setValue("a/b", "c")
    settings.sync()
    assert path.read_text().strip().splitlines() == ["[a]", "b=c"]


def test_filters_round_trip_and_garbage_gives_defaults():
    filters = Filters(countries=("VNM", "PHL"), year_from=2019, has_figure=True, search='"x y"')
    assert filters_from_text(filters_to_text(filters)) == filters
    for bad in (None, "", "{", "[1, 2]", '{"countries": 5}', '{"nonsense": 1}'):
        result = filters_from_text(bad)
        assert isinstance(result, Filters)
    assert filters_from_text("{") == DEFAULT_FILTERS


def test_a_saved_field_of_the_wrong_type_takes_the_default_and_keeps_the_rest():
    # Hand-edited or damaged files: each of these stopped the app at every start.
    for field, bad in (
        ("has_figure", "yes"),
        ("year_from", "2020"),
        ("year_to", 123456),
        ("search", 5),
        ("countries", [1, 2]),
        ("include_region_members", "no"),
        ("kinds", {"body": 1}),
    ):
        saved = {"countries": ["VNM"], "year_to": 2020, "search": "piracy", field: bad}
        filters = filters_from_text(json.dumps(saved))
        assert getattr(filters, field) == getattr(DEFAULT_FILTERS, field)
        kept = {k: v for k, v in saved.items() if k != field}
        assert filters == DEFAULT_FILTERS.with_(**kept)


def test_a_window_whose_saved_filter_is_damaged_opens_with_the_rest(make_window, settings_path):
    settings = open_settings(settings_path)
    settings.setValue("filters/last", json.dumps({"has_figure": "yes", "search": "piracy"}))
    settings.sync()
    window = make_window()
    assert window.filters == DEFAULT_FILTERS.with_(search="piracy")
    assert window.search.text() == "piracy"


def test_remembered_filters_another_catalogue_lacks_are_left_out_and_said(
    make_window, settings_path, catalogue
):
    first, last = catalogue.year_range()
    saved = Filters(
        countries=("VNM", "ZZZ"),
        documents=("no-such-report",),
        year_from=last + 1,
        year_to=last + 5,
        search="piracy",
    )
    settings = open_settings(settings_path)
    settings.setValue("filters/last", filters_to_text(saved))
    settings.sync()
    window = make_window()
    assert window.filters == Filters(countries=("VNM",), search="piracy")
    assert [chip.text() for chip in window.chips.chips] == ["Viet Nam  ✕", "“piracy”  ✕"]
    assert (window.panel.year_from.year(), window.panel.year_to.year()) == (None, None)
    message = window.statusBar().currentMessage()
    assert message.startswith("Left out of the remembered filters, not in this catalogue:")
    assert "Country ZZZ" in message and "Document no-such-report" in message
    assert f"years {last + 1}–{last + 5}" in message


def test_remembered_values_that_match_nothing_keep_their_names_in_the_lists(
    make_window, settings_path, qtbot
):
    # Ticked values with no entry under the other filters showed their ids ("VNM", "body").
    saved = DEFAULT_FILTERS.with_(
        countries=("VNM",), domains=("maritime",), documents=("dbb-2023",), search="zzzzqq"
    )
    settings = open_settings(settings_path)
    settings.setValue("filters/last", filters_to_text(saved))
    settings.sync()
    window = make_window()
    assert window.filters == saved
    for dimension, value, label in (
        ("countries", "VNM", "Viet Nam"),
        ("domains", "maritime", "Maritime"),
        ("kinds", "body", "Body text"),
        # As its row in the list says it, not as a description does ("…, 2023 edition").
        ("documents", "dbb-2023", "Diplomatic Bluebook 2023"),
    ):
        facets = window.panel.lists[dimension]
        qtbot.waitUntil(lambda facets=facets: not facets.model.pending())
        assert facets.model.label_of(value) == label
