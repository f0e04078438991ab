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


def test_within_keeps_only_what_the_catalogue_has_and_says_what_it_left_out():
    # Remembered from another catalogue: the lists and chips showed raw ids, and the year
    # boxes other years than the filter's.
    labels = {"countries": {"VNM": "Viet Nam"}, "documents": {"oda-2018": "ODA 2018"}}
    filters = Filters(
        countries=("VNM", "XKX"),
        documents=("dbb-2023",),
        kinds=("body", "sidebar"),
        regions=("ASEAN",),
        include_region_members=True,
        search="piracy",
    )
    kept, dropped = filters.within(labels, (1989, 2018))
    assert kept == Filters(countries=("VNM",), kinds=("body",), search="piracy")
    assert dropped == ["Country XKX", "Region ASEAN", "Document dbb-2023", "Kind sidebar"]
    assert Filters(countries=("VNM",)).within(labels, None) == (Filters(countries=("VNM",)), [])


def test_within_drops_a_year_range_outside_the_catalogue_and_opens_a_bound_beyond_it():
    years = (1989, 2018)
    assert Filters(year_from=2019, year_to=2023).within({}, years) == (
        Filters(),
        ["years 2019–2023 (its entries: 1989–2018)"],
    )
    assert Filters(year_to=1980).within({}, years)[0] == Filters()
    # A bound past the catalogue's years changes nothing it matches: it is opened.
    assert Filters(year_from=1950, year_to=2030).within({}, years) == (Filters(), [])
    assert Filters(year_from=2000, year_to=2030).within({}, years) == (Filters(year_from=2000), [])
    assert Filters(year_from=2000, year_to=2010).within({}, years) == (
        Filters(year_from=2000, year_to=2010),
        [],
    )
