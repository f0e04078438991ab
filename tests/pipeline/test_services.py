"""A country's forces and services named without an acronym: found, learnt, linked."""

import pytest

from app.pipeline.organisations import OrganisationIndex, load_words
from app.pipeline.services import service_names

WORDS = load_words()


def names(text: str) -> list[tuple[int, str, str]]:
    found = service_names(text, WORDS.services, WORDS.service_leads)
    return [(n.start, n.name, n.merge) for n in found]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("the Philippine Coast Guard and", [(4, "Philippine Coast Guard", "PHL Coast Guard")]),
        ("Philippine Coast Guard officials", [(0, "Philippine Coast Guard", "PHL Coast Guard")]),
        ("with the U.S. Navy.", [(9, "U.S. Navy", "USA Navy")]),
        ("by the Republic of Singapore Navy,", [(7, "Republic of Singapore Navy", "SGP Navy")]),
        ("and the Royal Australian Navy", [(8, "Royal Australian Navy", "Royal AUS Navy")]),
        ("Royal Thai Navy ships", [(0, "Royal Thai Navy", "Royal THA Navy")]),
        ("Chief of the German Air Force", [(13, "German Air Force", "DEU Air Force")]),
        ("the Chief of Staff of the Indian Navy", [(26, "Indian Navy", "IND Navy")]),
        (
            "between the JSDF and Australian Defense Force.",
            [(21, "Australian Defense Force", "AUS Defense Force")],
        ),
        (
            "It met Japan. Armed Forces of the Philippines officers",
            [(14, "Armed Forces of the Philippines", "PHL Armed Forces")],
        ),
        (
            "the Armed Forces of the Philippines agreed",
            [(4, "Armed Forces of the Philippines", "PHL Armed Forces")],
        ),
        (
            "the Japan Maritime Self- Defense Force",
            [(4, "Japan Maritime Self- Defense Force", "JPN Maritime Self- Defense Force")],
        ),
        ("to Japan. China Coast Guard vessels", [(10, "China Coast Guard", "CHN Coast Guard")]),
        ("Japan's Indian Navy", [(8, "Indian Navy", "IND Navy")]),
        ("(Indian Navy)", [(1, "Indian Navy", "IND Navy")]),
    ],
)
def test_a_service_is_named_by_its_country(text, found):
    assert names(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "the Indian navy sailed",  # not a name
        "the Navy and the Coast Guard",  # whose?
        "the Japan-India Navy talks",  # a compound: not India's navy
        "the Philippine Coast Guard Academy",  # a longer name, whose end cannot be told
        "the Japan\u2013 India Navy talks",
        # A capitalised word before the country, not a lead word: where does the name start?
        "Free Syrian Army fighters",
        "It said so. Free Syrian Army fighters",
        "the Latin American Police",  # not the United States'
        "In March Indian Navy ships",
        "In FY2022 Philippine Coast Guard officers",
        "the JICA Philippine Coast Guard project",
        'known as "FOIP." Recently Indian Navy ships',
        "the Indo-Pacific Japan Coast Guard",
        # A longer name ending in the country: not that country's service.
        "the Republic of China Navy",
        "the Bank of Japan Police",
        "the United Self-Defense Forces of Colombia",  # not Colombia's forces
        "Free Armed Forces of Syria fighters",  # "of <country>" too, at a sentence's start
        "Subnavy of Chile",
    ],
)
def test_no_service_is_made_up(text):
    assert names(text) == []


def test_a_service_named_once_is_found_everywhere_under_one_record():
    index = OrganisationIndex()
    index.learn("Japan provided patrol vessels to the Philippine Coast Guard in 2022.")
    index.learn("Officers of the Philippines Coast Guard were trained.")  # another spelling
    index.learn("The Japan Coast Guard and the Indian Navy held an exercise.")
    found = index.find("The Philippine Coast Guard, the Philippines Coast Guard and the JCG met.")
    assert [(m.id, m.text) for m in found] == [
        ("philippine-coast-guard", "Philippine Coast Guard"),
        ("philippine-coast-guard", "Philippines Coast Guard"),
        ("jcg", "JCG"),  # the curated record: "Japan Coast Guard" is its name
    ]
    records = {o.id: o for o in index.organisations()}
    assert records["philippine-coast-guard"].name == "Philippine Coast Guard"
    assert records["philippine-coast-guard"].aliases == ("Philippines Coast Guard",)
    assert records["philippine-coast-guard"].kind == "organisation"
    assert records["indian-navy"].short is None
    assert "japan-coast-guard" not in records


@pytest.mark.parametrize(
    ("sentences", "record"),
    [
        # Defined with an acronym first: the acronym's record keeps the name.
        (
            ("the Philippine Coast Guard (PCG) and", "the Philippine Coast Guard met"),
            ("pcg", "PCG", "Philippine Coast Guard"),
        ),
        # An acronym defined later joins the service's record, which takes the acronym's id
        # (the id does not depend on which the corpus writes first).
        (
            ("the Indian Navy met", "the Indian Navy (IN) and"),
            ("in", "IN", "Indian Navy"),
        ),
    ],
)
def test_a_service_and_its_acronym_are_one_record(sentences, record):
    index = OrganisationIndex(curated=False)
    for sentence in sentences:
        index.learn(sentence)
    (found,) = index.organisations()
    assert (found.id, found.short, found.name) == record


def test_a_name_broken_across_lines_is_shown_whole_and_found_as_written():
    index = OrganisationIndex(curated=False)
    index.learn("the Japan Maritime Self- Defense Force and")
    (record,) = index.organisations()
    assert record.name == "Japan Maritime Self-Defense Force"
    assert record.aliases == ("Japan Maritime Self- Defense Force",)
    found = index.find("the Japan Maritime Self- Defense Force sailed")
    assert [m.id for m in found] == [record.id]


def test_a_country_and_a_noun_apart_name_nothing():
    index = OrganisationIndex(curated=False)
    index.learn("India's navy and the Navy of no country met.")
    assert index.organisations() == []


def test_a_services_name_is_found_only_where_it_stands_alone():
    index = OrganisationIndex()
    index.learn("the U.S. Coast Guard and the India Navy met")
    for text in (
        "the Japan-India Navy talks",
        "the Japan-U.S. Coast Guard meeting",
        "the U.S. Coast Guard Academy",
    ):
        assert index.find(text) == [], text
    assert [m.id for m in index.find("the U.S. Coast Guard said")] == ["u-s-coast-guard"]
    # A curated name is found as before: "Japan Coast Guard" was known before any was learnt.
    index.learn("the Japan Coast Guard met")
    assert [m.id for m in index.find("the Japan Coast Guard Academy")] == ["jcg"]


def test_a_name_written_across_lines_is_stored_with_one_space():
    index = OrganisationIndex(curated=False)
    index.learn("the Vietnam Coast\nGuard and")
    (record,) = index.organisations()
    assert (record.name, record.aliases) == ("Vietnam Coast Guard", ())


@pytest.mark.parametrize(
    ("text", "name", "merge"),
    [
        ("the Indian\u00a0Navy sailed", "Indian\u00a0Navy", "IND Navy"),  # a non-breaking space
        ("the\u00a0Indian Navy sailed", "Indian Navy", "IND Navy"),
        (
            "a \u2018Philippine Coast Guard\u2019 vessel",
            "Philippine Coast Guard",
            "PHL Coast Guard",
        ),
        (
            "the Chinese People\u2019s Liberation Army",
            "Chinese People\u2019s Liberation Army",
            "CHN People\u2019s Liberation Army",
        ),
    ],
)
def test_a_services_name_in_other_typography(text, name, merge):
    [(_, found, key)] = names(text)
    assert (found, key) == (name, merge)


@pytest.mark.parametrize(
    "sentences",
    [
        ("the Armed Forces of the Philippines met", "the Philippine Armed Forces met"),
        ("the Philippine Armed Forces met", "the Armed Forces of the Philippines met"),
        ("the Chinese People's Liberation Army", "the Chinese People\u2019s Liberation Army"),
    ],
)
def test_a_service_written_before_or_after_its_country_is_one_record(sentences):
    index = OrganisationIndex(curated=False)
    for sentence in sentences:
        index.learn(sentence)
    (record,) = index.organisations()
    for sentence in sentences:
        assert [m.id for m in index.find(sentence)] == [record.id]


@pytest.mark.parametrize("order", [1, -1])
def test_a_service_defined_with_an_acronym_takes_its_other_spellings(order):
    index = OrganisationIndex(curated=False)
    for sentence in (
        "the Armed Forces of the Philippines (AFP) and",
        "the Philippine Armed Forces",
    )[::order]:
        index.learn(sentence)
    (record,) = index.organisations()
    assert record.short == "AFP"
    assert {record.name, *record.aliases} == {
        "Armed Forces of the Philippines",
        "Philippine Armed Forces",
    }


def test_a_curated_service_takes_its_other_spellings():
    index = OrganisationIndex()
    index.learn("the Coast Guard of Japan trained them")
    assert "coast-guard-of-japan" not in {o.id for o in index.organisations()}
    assert [m.id for m in index.find("the Coast Guard of Japan and the JCG")] == ["jcg", "jcg"]
