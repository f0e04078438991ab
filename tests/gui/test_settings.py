"""Settings live in an injectable INI file; saved filters survive bad input."""

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
