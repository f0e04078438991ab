"""Tests for app.pipeline.places: countries, regions and their traps."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from app.paths import resources_dir
from app.pipeline.places import (
    Region,
    country_name,
    find_places,
    region_members,
    regions,
    resolve_country,
)

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"


def countries_in(text: str) -> list[str]:
    return [m.id for m in find_places(text)[0]]


def regions_in(text: str) -> list[str]:
    return [m.id for m in find_places(text)[1]]


# --- traps: (text, countries in order, regions in order) -----------------------------------

TRAPS = [
    ("piracy in the Gulf of Guinea", [], ["gulf-of-guinea"]),
    ("support to Guinea and the Gulf of Guinea", ["GIN"], ["gulf-of-guinea"]),
    ("the Democratic Republic of the Congo", ["COD"], []),
    ("the Republic of the Congo", ["COG"], []),
    ("Papua New Guinea", ["PNG"], []),
    ("Guinea-Bissau", ["GNB"], []),
    ("Equatorial Guinea", ["GNQ"], []),
    ("South Sudan", ["SSD"], []),
    ("Sudan", ["SDN"], []),
    ("the South Sudanese capital of Juba", ["SSD"], []),
    ("Niger and Nigeria", ["NER", "NGA"], []),
    ("Nigerien and Nigerian officials", ["NER", "NGA"], []),
    ("Dominica and the Dominican Republic", ["DMA", "DOM"], []),
    ("the Indian Ocean", [], ["indian-ocean"]),
    ("the Indo-Pacific region", [], ["indo-pacific"]),
    ("the Indian Navy", ["IND"], []),
    ("the South China Sea", [], ["south-china-sea"]),
    ("the East China Sea", [], ["east-china-sea"]),
    ("the East and South China Seas", [], ["east-china-sea", "south-china-sea"]),
    ("China Coast Guard vessels", ["CHN"], []),
    ("requesting China's concrete action", ["CHN"], []),
    ("the Sea of Japan", [], ["sea-of-japan"]),
    ("the Gulf of Aden", [], ["gulf-of-aden"]),
    ("denuclearization of the Korean Peninsula", [], ["korean-peninsula"]),
    ("the University of New Hampshire", [], []),
    ("Albuquerque, New Mexico", [], []),
    ("New Jersey and Jersey", ["JEY"], []),
    ("South Georgia", ["SGS"], []),
    ("Georgia", ["GEO"], []),
    ("Chad Smith spoke", [], []),
    ("Michael Jordan", [], []),
    ("Mr. Chad", [], []),
    ("Japan supports Chad and Jordan.", ["JPN", "TCD", "JOR"], []),
    ("In Chad, Japan built schools", ["TCD", "JPN"], []),
    ("Turkey and turkey", ["TUR"], []),
    ("Türkiye", ["TUR"], []),
    ("a Guinea pig", [], []),
    ("fine china and China", ["CHN"], []),
    ("with UN Women", [], []),
    ("grant assistance from The Nippon Foundation", [], []),
    ("the Economic Declaration of the Arch Summit", [], []),
    ("4.5 million US dollars", [], []),
    ("US$120 million", [], []),
    ("The Chad government", ["TCD"], []),
    ("the Lake Chad Basin", [], ["lake-chad-basin"]),
    ("the Sahel region", [], ["sahel"]),
    ("North American and South American", [], ["north-america", "south-america"]),
    ("the Korean War", [], []),
    ("the Congo Basin", [], []),
    ("Straits of Malacca and Singapore", [], ["straits-of-malacca"]),
    ("the Sulu and Celebes Sea", [], ["sulu-celebes-seas"]),
    ("Northern Ireland and Ireland", ["GBR", "IRL"], []),
    ("the Central African Republic", ["CAF"], []),
    ("the Central African coast", [], ["central-africa"]),
    ("South Africa and South African", ["ZAF", "ZAF"], []),
    ("the Western African coast", [], ["west-africa"]),
    ("American Samoa", ["ASM"], []),
    ("French Polynesia and French officials", ["PYF", "FRA"], []),
    ("British Virgin Islands", ["VGB"], []),
    ("the People’s Public Security of Viet Nam", ["VNM"], []),
    ("Kosovo", [], []),
]


@pytest.mark.parametrize(("text", "countries", "region_ids"), TRAPS)
def test_traps(text: str, countries: list[str], region_ids: list[str]) -> None:
    assert countries_in(text) == countries
    assert regions_in(text) == region_ids


# --- aliases, demonyms, compounds ----------------------------------------------------------

ALIASES = [
    ("Viet Nam", "VNM"),
    ("Vietnam Coast Guard officials", "VNM"),
    ("the U.S.", "USA"),
    ("the U.S. Coast Guard", "USA"),
    ("the U.S Alliance", "USA"),
    ("the United States", "USA"),
    ("the United States of America", "USA"),
    ("the UK Armed Forces", "GBR"),
    ("the United Kingdom", "GBR"),
    ("the ROK", "KOR"),
    ("the Republic of Korea", "KOR"),
    ("South Korea", "KOR"),
    ("North Korea", "PRK"),
    ("the DPRK", "PRK"),
    ("the Democratic People’s Republic of Korea", "PRK"),
    ("the Kingdom of Cambodia", "KHM"),
    ("the Republic of Moldova's first satellite", "MDA"),
    ("Turkey", "TUR"),
    ("Russia's aggression", "RUS"),
    ("the Russian Federation", "RUS"),
    ("Iran", "IRN"),
    ("Laos", "LAO"),
    ("Lao PDR", "LAO"),
    ("Syria", "SYR"),
    ("Côte d’Ivoire", "CIV"),
    ("Cote d'Ivoire", "CIV"),
    ("Timor-Leste", "TLS"),
    ("Brunei", "BRN"),
    ("Bolivia", "BOL"),
    ("Tanzania", "TZA"),
    ("Taiwan", "TWN"),
    ("Palestine", "PSE"),
    ("the Philippine Coast Guard", "PHL"),
    ("Indonesian officials", "IDN"),
    ("a Brazilian police officer", "BRA"),
    ("the Italian Navy", "ITA"),
    ("the German Air Force", "DEU"),
    ("the Australian Defense Force", "AUS"),
    ("North Korean-flagged vessels", "PRK"),
    ("North Korea-flagged vessels", "PRK"),
    ("the French Navy", "FRA"),
    ("British forces", "GBR"),
    ("the Chinese government", "CHN"),
    ("Indian officials", "IND"),
    ("the Tunisian side", "TUN"),
    ("Mauritius’ CubeSat", "MUS"),
    ("Mauritius’s first CubeSat", "MUS"),
    ("the Republic of Singapore Navy", "SGP"),
]


@pytest.mark.parametrize(("text", "code"), ALIASES)
def test_alias_and_demonym(text: str, code: str) -> None:
    assert countries_in(text) == [code]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Japan-U.S.", ["JPN", "USA"]),
        ("the Japan-U.S Alliance", ["JPN", "USA"]),
        ("U.S.-led", ["USA"]),
        ("the Japan-India 2+2", ["JPN", "IND"]),
        ("Japan-Australia-India-U.S. (Quad)", ["JPN", "AUS", "IND", "USA"]),
        ("Japan-U.S.-ROK cooperation", ["JPN", "USA", "KOR"]),
        ("the Japan–France Summit", ["JPN", "FRA"]),
        ("Israeli-Palestinian talks", ["ISR", "PSE"]),
    ],
)
def test_hyphenated_compounds_name_each_country(text: str, codes: list[str]) -> None:
    assert countries_in(text) == codes


def test_japan_is_the_donor_and_every_other_country_a_partner() -> None:
    countries, _ = find_places("Japanese experts trained Japan's partners in Thailand.")
    assert [(m.id, m.role) for m in countries] == [
        ("JPN", "donor"),
        ("JPN", "donor"),
        ("THA", "partner"),
    ]


def test_each_occurrence_is_its_own_mention() -> None:
    countries, _ = find_places("Viet Nam and Japan, then Viet Nam again.")
    assert [m.id for m in countries] == ["VNM", "JPN", "VNM"]
    assert countries[0].start != countries[2].start


@pytest.mark.parametrize(
    ("text", "region_id"),
    [
        ("Asian countries", "asia"),
        ("African countries", "africa"),
        ("Oceanian countries", "oceania"),
        ("European partners", "europe"),
        ("ASEAN countries", "asean"),
        ("ASEAN member states", "asean"),
        ("Southeast Asian countries", "southeast-asia"),
        ("the Asia-Pacific region", "asia-pacific"),
        ("the Mekong region", "mekong"),
        ("the Horn of Africa", "horn-of-africa"),
        ("the EU", "eu"),
        ("the European Union", "eu"),
        ("the Middle East", "middle-east"),
        ("the Red Sea", "red-sea"),
        ("the Western Balkans", "western-balkans"),
        ("Pacific Island countries", "pacific-islands"),
        ("Latin America", "latin-america"),
        ("the Caribbean", "caribbean"),
        ("Central Asia", "central-asia"),
    ],
)
def test_region_names_and_adjectives(text: str, region_id: str) -> None:
    assert regions_in(text) == [region_id]
    assert countries_in(text) == []


def test_japan_asean_names_both_dimensions() -> None:
    countries, found_regions = find_places("the Japan-ASEAN Integration Fund")
    assert [m.id for m in countries] == ["JPN"]
    assert [m.id for m in found_regions] == ["asean"]


def test_combined_pattern_names_two_regions_over_one_span() -> None:
    _, found = find_places("seven countries in Southeast and South Asia")
    assert [m.id for m in found] == ["southeast-asia", "south-asia"]
    assert found[0].text == found[1].text == "Southeast and South Asia"


# --- offsets -------------------------------------------------------------------------------


def test_offsets_are_absolute_and_quote_the_text() -> None:
    document = "Preamble. Japan and Viet Nam’s coast guards met in the Gulf of Aden."
    base = document.index("Japan")
    sentence = document[base:]
    countries, found_regions = find_places(sentence, base=base)
    assert [(m.id, m.text) for m in countries] == [("JPN", "Japan"), ("VNM", "Viet Nam")]
    assert [(m.id, m.text) for m in found_regions] == [("gulf-of-aden", "Gulf of Aden")]
    for mention in countries + found_regions:
        assert document[mention.start : mention.end] == mention.text
        assert sentence[mention.start - base : mention.end - base] == mention.text


def test_a_name_wrapped_across_lines_is_found_with_its_original_text() -> None:
    countries, _ = find_places("support to Viet\nNam and Sri  Lanka")
    assert [(m.id, m.text) for m in countries] == [("VNM", "Viet\nNam"), ("LKA", "Sri  Lanka")]


# --- resolve_country and country_name --------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Vietnam", "VNM"),
        ("Viet Nam", "VNM"),
        ("viet nam", "VNM"),
        ("VNM", "VNM"),
        ("vnm", "VNM"),
        ("VN", "VNM"),
        ("U.S.", "USA"),
        ("USA", "USA"),
        ("United States", "USA"),
        ("the U.S.", "USA"),
        ("  united states of america ", "USA"),
        ("ROK", "KOR"),
        ("south korea", "KOR"),
        ("DPRK", "PRK"),
        ("turkiye", "TUR"),
        ("Turkey", "TUR"),
        ("cote d’ivoire", "CIV"),
        ("Korea, Republic of", "KOR"),
        ("UK", "GBR"),
    ],
)
def test_resolve_country(query: str, code: str) -> None:
    assert resolve_country(query) == code


@pytest.mark.parametrize("query", ["", "Atlantis", "Korea", "ASEAN", "Gulf of Guinea", "Kosovo"])
def test_resolve_country_refuses_what_is_not_one_country(query: str) -> None:
    assert resolve_country(query) is None


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("VNM", "Viet Nam"),
        ("USA", "United States"),
        ("GBR", "United Kingdom"),
        ("KOR", "Republic of Korea"),
        ("PRK", "North Korea"),
        ("TUR", "Türkiye"),
        ("RUS", "Russia"),
        ("IRN", "Iran"),
        ("SYR", "Syria"),
        ("BOL", "Bolivia"),
        ("TZA", "Tanzania"),
        ("COD", "Democratic Republic of the Congo"),
        ("jpn", "Japan"),
    ],
)
def test_country_name(code: str, name: str) -> None:
    assert country_name(code) == name


def test_country_names_are_never_inverted() -> None:
    # Names shown in the catalogue read as prose: no "Korea, Republic of". Only Bonaire's
    # own name has a comma ("Bonaire, Sint Eustatius and Saba").
    inverted = [code for code in _all_codes() if ", " in country_name(code)]
    assert inverted == ["BES"]


def _all_codes() -> list[str]:
    import pycountry

    return sorted(c.alpha_3 for c in pycountry.countries)


# --- regions -------------------------------------------------------------------------------

REQUIRED_REGIONS = {
    "asean", "africa", "middle-east", "indo-pacific", "asia-pacific", "asia", "southeast-asia",
    "south-asia", "east-asia", "central-asia", "sahel", "horn-of-africa", "west-africa",
    "east-africa", "north-africa", "mekong", "pacific-islands", "oceania", "europe", "eu",
    "latin-america", "caribbean", "central-america", "quad", "gulf-of-aden", "gulf-of-guinea",
    "south-china-sea", "east-china-sea", "indian-ocean", "red-sea", "korean-peninsula",
    "sulu-celebes-seas", "straits-of-malacca",
}  # fmt: skip


def test_every_required_region_exists_once_with_a_known_kind() -> None:
    ids = [r.id for r in regions()]
    assert REQUIRED_REGIONS <= set(ids)
    assert len(ids) == len(set(ids))
    assert {r.kind for r in regions()} <= {"region", "grouping", "sea"}
    assert all(isinstance(r, Region) and r.name for r in regions())


def test_regions_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        regions()[0].name = "renamed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("region_id", "members"),
    [
        ("asean", {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"}),
        ("quad", {"AUS", "IND", "JPN", "USA"}),
        ("mekong", {"KHM", "LAO", "MMR", "THA", "VNM"}),
        ("horn-of-africa", {"ETH", "ERI", "DJI", "SOM", "KEN"}),
        ("sahel", {"BFA", "TCD", "MLI", "MRT", "NER"}),
    ],
)
def test_fixed_memberships(region_id: str, members: set[str]) -> None:
    assert set(region_members(region_id)) == members
    assert len(region_members(region_id)) == len(members)


def test_eu_has_its_27_members_without_the_uk() -> None:
    eu = region_members("eu")
    assert len(set(eu)) == 27
    assert {"DEU", "FRA", "ITA", "HRV"} <= set(eu)
    assert "GBR" not in eu


def test_pacific_islands_are_pif_members_without_australia_and_new_zealand() -> None:
    members = set(region_members("pacific-islands"))
    assert {"FJI", "PNG", "SLB", "PLW", "TUV"} <= members
    assert not {"AUS", "NZL"} & members


@pytest.mark.parametrize("region_id", ["africa", "asia", "indo-pacific", "gulf-of-guinea"])
def test_open_ended_regions_have_no_members(region_id: str) -> None:
    assert region_members(region_id) == ()


def test_every_member_is_an_iso_country() -> None:
    # The catalogue's country table is pycountry's; a member outside it would break links.
    iso = set(_all_codes())
    for region in regions():
        assert set(region.members) <= iso, region.id


def test_unknown_region_raises() -> None:
    with pytest.raises(KeyError):
        region_members("atlantis")


def test_resources_dir_holds_the_data_files() -> None:
    assert (resources_dir() / "countries.toml").is_file()
    assert (resources_dir() / "regions.toml").is_file()


# --- the sample documents ------------------------------------------------------------------

# Countries named in each document, compiled by reading the documents (not from the finder).
# "Djibouti" counts: the Djibouti Code of Conduct and the Djibouti Coast Guard name it.
EXPECTED_COUNTRIES = {
    "diplomatic-bluebook-2023-global-security.txt": {
        "JPN", "USA", "PHL", "THA", "SGP", "MYS", "VNM", "IDN", "IND", "AUS", "GBR", "ITA",
        "FRA", "DEU", "PRK", "ESP", "CAN", "CHN", "KOR", "UKR", "TWN", "MMR", "RUS", "KHM",
        "LKA", "BRN", "YEM", "KEN", "TZA", "DJI", "SOM", "MDA", "TUN", "MUS", "NGA", "EGY",
        "UGA", "ZWE", "SSD", "SYR", "PSE", "GNB", "CAF", "LBR", "BDI", "ETH", "ERI", "BTN",
        "LBY",
    },
    "oda-white-paper-2018-security-stability.txt": {
        "JPN", "SOM", "IDN", "GTM", "BRA", "AFG", "SGP", "MYS", "VNM", "PHL", "DJI", "LKA",
        "GBR", "USA", "KEN", "THA", "IRN",
    },
    "oda-white-paper-2021-stability-security.txt": {
        "JPN", "IDN", "MDV", "PHL", "THA", "BGD", "VNM", "MYS", "SOM", "DJI", "MUS", "GBR",
        "USA",
    },
}  # fmt: skip

# Regions each document names, read the same way.
EXPECTED_REGIONS = {
    "diplomatic-bluebook-2023-global-security.txt": {
        "indo-pacific", "asean", "east-asia", "middle-east", "europe", "eu", "quad", "asia",
        "east-china-sea", "south-china-sea", "southeast-asia", "africa", "gulf-of-aden",
        "gulf-of-guinea", "straits-of-malacca", "asia-pacific", "central-africa", "west-africa",
        "indian-ocean", "red-sea", "horn-of-africa", "sahel", "east-africa", "mekong",
    },
    "oda-white-paper-2018-security-stability.txt": {
        "middle-east", "africa", "asia", "gulf-of-aden", "east-africa", "gulf-of-guinea",
        "west-africa", "southeast-asia", "asean", "asia-pacific", "sulu-celebes-seas",
    },
    "oda-white-paper-2021-stability-security.txt": {
        "asia", "africa", "oceania", "europe", "southeast-asia", "south-asia", "asia-pacific",
        "indo-pacific", "mekong", "gulf-of-aden", "east-africa", "latin-america", "caribbean",
        "asean", "eu",
    },
}  # fmt: skip


def _document_places(name: str) -> tuple[str, list, list]:
    """Runs the finder line by line (sentence-ish units), with absolute offsets."""
    text = (SOURCES / name).read_text(encoding="utf-8")
    countries, found_regions, offset = [], [], 0
    for line in text.splitlines(keepends=True):
        line_countries, line_regions = find_places(line, base=offset)
        countries += line_countries
        found_regions += line_regions
        offset += len(line)
    return text, countries, found_regions


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTRIES))
def test_sample_documents_invent_no_country(name: str) -> None:
    _, countries, _ = _document_places(name)
    invented = {m.id for m in countries} - EXPECTED_COUNTRIES[name]
    assert invented == set()


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTRIES))
def test_sample_documents_miss_no_country(name: str) -> None:
    _, countries, _ = _document_places(name)
    assert EXPECTED_COUNTRIES[name] - {m.id for m in countries} == set()


@pytest.mark.parametrize("name", sorted(EXPECTED_REGIONS))
def test_sample_documents_regions(name: str) -> None:
    _, _, found_regions = _document_places(name)
    assert {m.id for m in found_regions} == EXPECTED_REGIONS[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTRIES))
def test_sample_document_offsets_quote_the_source(name: str) -> None:
    text, countries, found_regions = _document_places(name)
    assert countries and found_regions
    for mention in countries + found_regions:
        assert text[mention.start : mention.end] == mention.text


def test_sample_traps_in_context() -> None:
    text, countries, _ = _document_places("oda-white-paper-2018-security-stability.txt")
    quoted = {m.text for m in countries}
    # "Gulf of Guinea", "New Hampshire" and "Nippon Foundation" occur but name no country.
    assert "Guinea" not in quoted
    assert not any("Nippon" in q or "Hampshire" in q for q in quoted)
    assert "Gulf of Guinea" in text and "New Hampshire" in text


def test_names_asked_for_by_two_threads_at_once_are_made_once(monkeypatch) -> None:
    # The window makes them in the background while a key typed in "Find a country" asks too:
    # the second waits for the first rather than making them again in the window's thread.
    from app.pipeline import places

    made, calls, started = places._make_catalogue(), [], threading.Event()

    def slow():
        calls.append(threading.current_thread().name)
        started.set()
        time.sleep(0.2)
        return made

    monkeypatch.setattr(places, "_made", [])
    monkeypatch.setattr(places, "_make_catalogue", slow)
    background = threading.Thread(target=resolve_country, args=("",), name="background")
    background.start()
    assert started.wait(5)
    assert resolve_country("VN") == "VNM"  # waited for the one being made
    background.join(5)
    assert calls == ["background"]


def test_a_process_forked_while_the_names_are_being_made_can_make_them(monkeypatch) -> None:
    from app.pipeline import places

    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    monkeypatch.setattr(places, "_made", [])
    with places._making:  # as if another thread were making them when the process forked
        pid = os.fork()
        if pid == 0:  # the child: a new lock, and the names made here
            signal.alarm(10)  # (waiting for the parent's lock would be for ever)
            code = 0 if resolve_country("Viet Nam") == "VNM" else 1
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
