"""Anything a person types or pastes, in the search box or any filter, runs without an error
reaching them and without changing the meaning of the other filters."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import main
from app.query.filters import Filters

HOSTILE = [
    '"',
    '"unbalanced',
    "AND",
    "OR NOT",
    "NEAR(",
    "NEAR(piracy coast, 2)",
    "*",
    "piracy*",
    "'; DROP TABLE entries; --",
    "1) OR 1=1 --",
    "entries_fts:piracy",
    "quote:japan",
    "\x00\x07\x1b[31m\x7f",
    "a" * 10_000,
    "piracy " * 2000,
    "海賊 対策",
    "🏴‍☠️",
    "\u202e\u200b\ufeff",
    "(((",
    ")",
    "^",
    "-piracy",
    "{col1 col2}: x",
]
# Printable text of any script (no lone surrogates: they cannot be typed, pasted or stored).
TYPED = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
FILTER_VALUE = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
SETTINGS = settings(
    max_examples=75, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def ids(catalogue, filters):
    return {r["id"] for r in catalogue.iter_rows(filters)}


@pytest.mark.parametrize("typed", HOSTILE)
def test_hostile_search_runs_and_only_narrows(catalogue, typed):
    base = Filters(countries=("VNM",), kinds=("body",))
    narrowed = ids(catalogue, base.with_(search=typed))
    assert narrowed <= ids(catalogue, base)
    assert catalogue.count(base.with_(search=typed)) == len(narrowed)
    for dimension in ("countries", "domains", "kinds", "documents"):
        catalogue.facet(dimension, base.with_(search=typed))
    catalogue.describe(base.with_(search=typed))


@pytest.mark.parametrize("typed", HOSTILE)
def test_hostile_values_in_every_filter_match_nothing_and_raise_nothing(catalogue, typed):
    for dimension in ("countries", "regions", "organisations", "domains", "documents", "kinds"):
        filters = Filters(**{dimension: (typed,)})
        assert catalogue.count(filters) == 0
        catalogue.facet("countries", filters)
        catalogue.describe(filters)
    assert catalogue.count(Filters(regions=(typed,), include_region_members=True)) == 0


@SETTINGS
@given(typed=TYPED)
def test_any_typed_search_only_narrows_the_other_filters(catalogue, typed):
    base = Filters(domains=("maritime",))
    assert ids(catalogue, base.with_(search=typed)) <= ids(catalogue, base)
    catalogue.describe(base.with_(search=typed))


@SETTINGS
@given(value=FILTER_VALUE, typed=TYPED)
def test_any_filter_value_runs(catalogue, value, typed):
    for dimension in ("countries", "regions", "organisations", "domains", "documents", "kinds"):
        filters = Filters(**{dimension: (value, "VNM")}, search=typed)
        catalogue.count(filters)
        catalogue.rows(filters, limit=5)


@pytest.mark.parametrize("typed", HOSTILE[:12])
def test_cli_search_is_never_a_traceback(catalogue_path, capsys, typed):
    code = main(["query", "--db", str(catalogue_path), "--count", "--search", typed])
    out, err = capsys.readouterr()
    assert code == 0 and int(out) >= 0 and err == ""


@pytest.mark.parametrize("year", ["99999999999999999999999", "-1", "abc"])
def test_cli_years_out_of_range_are_one_line_errors(catalogue_path, capsys, year):
    with pytest.raises(SystemExit) as exited:
        main(["query", "--db", str(catalogue_path), "--count", "--year-from", year])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "--year-from" in err
