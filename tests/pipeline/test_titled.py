"""Funds named in capitals without an acronym: which words are the name, and which are none."""

from __future__ import annotations

import pytest
from one_report import records_of

from app.pipeline.organisations import OrganisationIndex, load_words
from app.pipeline.quick import occurrences_of
from app.pipeline.titled import titled_names

WORDS = load_words()


def names(text: str) -> list[str]:
    found = titled_names(text, WORDS.titled_heads, WORDS.titled, OrganisationIndex()._known_owner)
    for name in found:
        assert text[name.start : name.start + len(name.name)] == name.name
    return [name.name for name in found]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # The reports' own sentences.
        (
            "Japan has contributed a total of $15.53 million to the Djibouti Code of Conduct "
            "Trust Fund, which was founded by the International Maritime Organization.",
            "Djibouti Code of Conduct Trust Fund",
        ),
        (
            "Japan also contributed to the World Bank\u2019s Cybersecurity Multi-Donor Trust "
            "Fund in 2021.",
            "Cybersecurity Multi-Donor Trust Fund",
        ),
        (
            "Japan has contributed a total of $4.5 million to the International Trust Fund to "
            "support Somalia.",
            "International Trust Fund",
        ),
        (
            "the establishment of the Next Generation Technologies Fund, which invests",
            "Next Generation Technologies Fund",
        ),
        # A leading acronym is the owner, found as itself: the name is the same fund's.
        (
            "a total of $15.1 million to the IMO Djibouti Code of Conduct Trust Fund, which",
            "Djibouti Code of Conduct Trust Fund",
        ),
        # Across a line break; before a possessive; at the end of the text.
        (
            "paid into the Djibouti Code of\nConduct Trust Fund.",
            "Djibouti Code of\nConduct Trust Fund",
        ),
        ("the Peacebuilding Fund\u2019s projects", "Peacebuilding Fund"),
        ("Japan contributed to the Peacebuilding Fund", "Peacebuilding Fund"),
        # A heading's small words start no name.
        ("Contribution to the Peacebuilding Fund", "Peacebuilding Fund"),
        ("Support Through the Cyber Capacity Fund", "Cyber Capacity Fund"),
        # After a known owner's possessive; after a year or a stop word.
        ("Japan\u2019s Green Climate Fund support", "Green Climate Fund"),
        ("the ADB\u2019s Asian Development Fund", "Asian Development Fund"),
        ("In 2022 Global Fund grants reached 40 countries.", "Global Fund"),
        ("Cooperation with International Organizations Including Global Fund", "Global Fund"),
        ("the Peace and Security Fund.", "Peace and Security Fund"),
        # An owner whose removal would leave no name of its own stays ("UN Women").
        ("the UN Women Trust Fund, which", "UN Women Trust Fund"),
    ],
)
def test_a_fund_named_in_capitals(text, name):
    assert names(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "This Trust Fund has been used to establish information-sharing centres.",  # "This"
        "Japan contributed to the Trust Fund in 2020.",  # generic words only
        "Japan contributed to the UN Trust Fund in 2020.",  # the owner, then generic words
        "the Peacebuilding Fund (PBF), established in 2006",  # read as a definition instead
        "the Japan Fund for Poverty Reduction, an ADB fund",  # where does the name end?
        "the United Nations Development Programme Multi-Partner Trust Fund Office took over",
        "Peacebuilding Fund grants reached 40 countries.",  # goes on with a capital? no: starts
        "Peacebuilding Fund projects reached 40 countries.",  # the text's first words
        "the fund and the Fund\u2019s board",  # no capitalised word before
        "a Fundamental Rights Agency",  # inside a word
        "the Funds of the Peacebuilding Commission",
        "Contributions to the fund.  Global Fund",  # a sentence's first word
        "as set out in the Summit Declaration. Fund",
        # A run of capitals longer than a name: a title.
        "under the Heading One Two Three Four Five Six Seven Eight Nine Ten Fund today",
        "(Fund for Peace)",
        # Where the name starts is unclear: a cut name is worse than none (the review's cases).
        "the Women\u2019s Peace and Humanitarian Fund.",
        "the ASEAN\u2013Japan Women\u2019s Empowerment Fund, which",
        "the Women, Peace and Security Fund.",
        "contributed to the \u201cCentral Emergency Response Fund\u201d.",
        "Japan contributed to Peacebuilding Fund and Green Climate Fund",
        "Japan contributed to UNICEF, Gavi and Global Fund in 2022.",
        "Japan contributed to the Gavi Alliance and Global Fund in 2022.",
        # Generic words, an owner and a country are no name.
        "the UNHCR Japan Fund is",
        "the Japanese Trust Fund",
        "the Japanese Government Fund",
    ],
)
def test_no_fund_is_made_up(text):
    assert names(text) == []


def test_heads_are_where_a_fund_may_be_named():
    text = "the A Fund and the B Fund"
    assert occurrences_of(text, WORDS.titled_heads) == [6, 21]


def test_a_fund_named_in_capitals_is_found_everywhere_under_one_record():
    index = OrganisationIndex()
    learnt = index.learn("Japan contributed to the Djibouti Code of Conduct Trust Fund in 2020.")
    assert [(o.id, o.name, o.kind) for o in learnt] == [
        ("djibouti-code-of-conduct-trust-fund", "Djibouti Code of Conduct Trust Fund", "programme")
    ]
    index.learn("Japan contributed to the IMO Djibouti Code of Conduct Trust Fund in 2021.")
    index.learn("the International Maritime Organization (IMO) and its members")
    found = index.find("$15.1 million to the IMO Djibouti Code of Conduct Trust Fund, which")
    assert [(m.id, m.text) for m in found] == [
        ("imo", "IMO"),
        ("djibouti-code-of-conduct-trust-fund", "Djibouti Code of Conduct Trust Fund"),
    ]
    # A name defined with its acronym later joins the same record.
    index.learn("the Djibouti Code of Conduct Trust Fund (DCoC-TF) grew")
    assert index.find("the DCoC-TF")[0].id == "djibouti-code-of-conduct-trust-fund"


def test_a_fund_known_by_its_acronym_makes_no_second_record():
    index = OrganisationIndex()
    index.learn("Japan has contributed to the Peacebuilding Fund (PBF).")
    index.learn("In 2022 Japan contributed again to the Peacebuilding Fund in Yemen.")
    assert [o.id for o in index.organisations() if o.source == "defined"] == ["pbf"]


def test_a_funds_money_is_not_the_funds_own(tmp_path):
    # The money a fund invests is its founder's, named in an earlier sentence of the paragraph
    # (the gold's trap in the Diplomatic Bluebook 2023): a fund owns no money, nor does a
    # programme or an agreement; a body does.
    records = records_of(
        tmp_path,
        "Economic Security\n\n"
        "Australia set out its cyber policy in 2021. These include the establishment of the "
        "Next Generation Technologies Fund, which invests approximately 60 billion yen over 10 "
        "years.\n\n"
        "The International Maritime Organization (IMO) contributed $2 million to the "
        "Djibouti Code of Conduct Trust Fund.\n",
    )
    owners = [(f.value, f.owner) for r in records for f in r.figures if f.kind == "money"]
    assert owners == [(60_000_000_000.0, "AUS"), (2_000_000.0, "imo")]
    linked = [list(dict.fromkeys(m.id for m in r.organisations)) for r in records]
    linked = [ids for ids in linked if ids]
    assert linked == [
        ["next-generation-technologies-fund"],
        ["imo", "djibouti-code-of-conduct-trust-fund"],
    ]


def test_money_owned_from_an_earlier_sentence_is_never_a_funds(tmp_path):
    # The fallback to an earlier sentence's actor skips funds and programmes too (review).
    records = records_of(
        tmp_path,
        "Economic Security\n\n"
        "In 2016 the Next Generation Technologies Fund was established with Australia. It "
        "invests approximately 60 billion yen over 10 years.\n\n"
        "The Peacebuilding Fund (PBF) was established in 2006. It received $61.3 million by "
        "2022.\n",
    )
    owners = [(f.value, f.owner) for r in records for f in r.figures if f.kind == "money"]
    assert owners == [(60_000_000_000.0, "AUS"), (61_300_000.0, None)]
