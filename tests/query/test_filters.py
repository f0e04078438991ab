"""Filters compile to parameterised SQL and describe themselves in words."""

from app.query.filters import Filters

LABELS = {
    "countries": {"VNM": "Viet Nam", "PHL": "Philippines"},
    "domains": {"maritime": "Maritime", "cyber": "Cyber"},
    "documents": {"oda-2021": "ODA White Paper, 2021 edition"},
    "regions": {"asean": "ASEAN"},
    "organisations": {"unodc": "UNODC"},
}


def test_values_never_reach_the_sql_text():
    nasty = "x'); DROP TABLE entries; --"
    sql, params = Filters(countries=(nasty,), search=nasty, domains=(nasty,)).compile()
    assert "DROP" not in sql
    assert nasty in params


def test_empty_filters_match_everything():
    assert Filters().compile() == ("1", [])
    assert Filters().is_empty()
    assert not Filters(countries=("VNM",)).is_empty()


def test_describe_in_words():
    f = Filters(domains=("maritime",), countries=("VNM",), documents=("oda-2021",))
    assert (
        f.describe(LABELS) == "Maritime entries mentioning Viet Nam, ODA White Paper, 2021 edition"
    )
    f = Filters(
        countries=("VNM", "PHL"),
        kinds=("body",),
        year_from=2016,
        year_to=2018,
        has_figure=True,
        search="coast guard",
    )
    assert f.describe(LABELS) == (
        "Body text mentioning Viet Nam or Philippines with a figure matching “coast guard”, "
        "years 2016–2018"
    )
    assert Filters(regions=("asean",), include_region_members=True).describe(LABELS) == (
        "Entries about ASEAN or its member countries"
    )
    assert Filters().describe() == "All entries"
    assert Filters(year_from=2020).describe() == "Entries, from 2020"


def test_without_removes_one_value_or_dimension():
    f = Filters(countries=("VNM", "PHL"), year_from=2018, year_to=2020, search="x")
    assert f.without("countries", "VNM").countries == ("PHL",)
    assert f.without("countries").countries == ()
    assert f.without("years").year_from is None
    assert f.without("search").search == ""


def test_strings_are_taken_as_one_value():
    assert Filters(countries="VNM").countries == ("VNM",)
    assert hash(Filters(countries=["VNM"])) == hash(Filters(countries=("VNM",)))


def test_filters_from_data_keep_what_is_of_the_right_type():
    data = {"countries": ["VNM", 3], "domains": "maritime", "year_from": True, "year_to": 2020}
    data |= {"has_figure": False, "search": ["x"], "nonsense": 1}
    assert Filters.from_data(data) == Filters(domains=("maritime",), year_to=2020, has_figure=False)
    assert Filters.from_data({}, Filters(kinds=("body",))) == Filters(kinds=("body",))
