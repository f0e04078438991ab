"""Bodies and funds named in capitals without an acronym: which words are the name, and which
are none."""

from __future__ import annotations

import pytest
from one_report import corpus_of, records_of

from app.paths import resources_dir
from app.pipeline.organisations import OrganisationIndex, load_words
from app.pipeline.titled import heads_at, titled_names

WORDS = load_words()


INDEX = OrganisationIndex()


def names(text: str, head: str | None = None) -> list[str]:
    """The names titled_names() finds in `text` (with one head noun only, if given)."""
    found = titled_names(
        text, WORDS.titled_heads, WORDS.titled, INDEX._known_owner, INDEX._curated_form
    )
    for name in found:
        assert text[name.start : name.start + len(name.name)] == name.name
    return [name.name for name in found if head in (None, name.head)]


def funds(text: str) -> list[str]:
    return names(text, "Fund")


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
    assert funds(text) == [name]


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
    assert funds(text) == []


def test_heads_are_where_a_fund_may_be_named():
    text = "the A Fund and the B Fund"
    assert heads_at(text, WORDS.titled_heads) == [6, 21]


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
    # A name defined with its acronym later joins the same record, which is then known by
    # the acronym, as it would be had the acronym come first.
    index.learn("the Djibouti Code of Conduct Trust Fund (DCoC-TF) grew")
    assert index.find("the DCoC-TF")[0].id == "dcoc-tf"
    assert index.find("the Djibouti Code of Conduct Trust Fund")[0].id == "dcoc-tf"
    assert "djibouti-code-of-conduct-trust-fund" not in {o.id for o in index.organisations()}


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


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # The reports' own sentences.
        (
            "In November, the Federal Communications Commission issued an administrative order",
            "Federal Communications Commission",
        ),
        ("in the same month, the European Commission proposed a", "European Commission"),
        (
            "(June 29, Spain, Madrid; Photo: Cabinet Public Affairs Office)",
            "Cabinet Public Affairs Office",
        ),
        # A capitalised "The" inside a sentence is the name's own; at a sentence's start, not.
        (
            "through the grant assistance offered by The Nippon Foundation, a",
            "The Nippon Foundation",
        ),
        ("Japan agreed. The Sasakawa Peace Foundation will", "Sasakawa Peace Foundation"),
        # A leading acronym that starts a known name is the name's ("UN Security Council").
        (
            "designations by the UN Security Council Taliban Sanctions Committee or the ISIL",
            "UN Security Council Taliban Sanctions Committee",
        ),
        # ... and one that does not is its owner.
        (
            "the UNODC Global Maritime Crime Programme Office said",
            "Global Maritime Crime Programme Office",
        ),
    ],
)
def test_a_body_named_in_capitals(text, name):
    assert names(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        # Where the name ends is unclear: "of", "for" or "on" and "the" or "a" and a capital.
        "jointly submitted a resolution to the First Committee of the UN General Assembly.",
        "through the United Nations Asia and Far East Institute for the Prevention of Crime",
        "holding the Global Youth Institute for a Culture of Lawfulness, with",
        # An acronym's own office, a role or a rank: no body of its own.
        "staff at the WFP Headquarters said",
        "served as a member of the Organizational Committee since 2006",
        "a seat on the Executive Committee",
        "by The Commission, which",
        "The Commission decided",  # a sentence's first words
    ],
)
def test_no_body_is_made_up(text):
    assert names(text) == []


def test_a_name_that_ends_a_known_name_is_no_record_of_its_own():
    # "the Security Council" is the "UN Security Council" written short: not a second record,
    # and no form that would be found inside "National Security Council" either.
    index = OrganisationIndex()
    index.learn("cooperation with key actors such as the Security Council, General Assembly, and")
    assert [o.id for o in index.organisations() if o.source == "defined"] == []


def test_the_is_not_needed_to_find_a_body_named_with_it():
    index = OrganisationIndex()
    index.learn("with grant assistance from The Nippon Foundation and the Japan Coast Guard")
    found = index.find("a program supported by the Nippon Foundation since 2008")
    assert [(m.id, m.text) for m in found] == [("the-nippon-foundation", "Nippon Foundation")]


@pytest.mark.parametrize(
    "sentences",
    [
        (
            "the Djibouti Regional Training Centre opened",
            "the Djibouti Regional Training Centre (DRTC)",
        ),
        (
            "the Djibouti Regional Training Centre (DRTC)",
            "the Djibouti Regional Training Centre opened",
        ),
    ],
)
def test_a_body_is_known_by_its_acronym_whichever_comes_first(sentences):
    index = OrganisationIndex()
    for sentence in sentences:
        index.learn(sentence)
    defined = [(o.id, o.short, o.name) for o in index.organisations() if o.source == "defined"]
    assert defined == [("drtc", "DRTC", "Djibouti Regional Training Centre")]


@pytest.mark.parametrize(
    ("heads", "message"),
    [
        ('["Fund", "Widget"]', "not in \\[heads\\]"),  # says nothing about what the body is
        ('["Force", "Forces"]', "written inside another"),  # one would hide the other
    ],
)
def test_titled_heads_are_checked_when_read(tmp_path, heads, message):
    real = (resources_dir() / "organisations.toml").read_text(encoding="utf-8")
    start = real.index("[titled]\nheads = [")
    end = real.index("]", start + len("[titled]\nheads = ["))
    path = tmp_path / "organisations.toml"
    path.write_text(real[:start] + f"[titled]\nheads = {heads}" + real[end + 1 :], "utf-8")
    with pytest.raises(ValueError, match=message):
        load_words(path)


def test_a_heading_names_no_body_but_its_known_bodies_are_found_in_it(tmp_path):
    # A heading capitalises every word, so its capitals say nothing about where a name
    # starts; a name learnt from a sentence is still found in a heading.
    records = records_of(
        tmp_path,
        "1. Response by the International Community and Regional Organization\n\n"
        "Japan has worked on this for a decade.\n\n"
        "(1) Cooperation with the Sasakawa Peace Foundation\n\n"
        "Japan worked with the Sasakawa Peace Foundation in 2022.\n",
    )
    assert [r.piece.kind for r in records] == ["heading", "body", "heading", "body"]
    linked = [(r.piece.kind, m.id) for r in records for m in r.organisations]
    assert linked == [
        ("heading", "sasakawa-peace-foundation"),
        ("body", "sasakawa-peace-foundation"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # One describing word before a head that needs two (the review's cases).
        "the Central Bank raised rates",
        "graduates of the Training Centre said",
        "listed by the Sanctions Committee in 2021",
        "the Regional Office opened",
        "cadets of the Police Academy met",
        "the Electoral Commission announced",
        "the Council Secretariat met.",  # heads are generic
        # Two bodies listed without a second "the".
        "officials from the Ministry of Foreign Affairs and National Security Council attended",
        # Another country's body, named as Japan's would be.
        "the Philippines\u2019 National Security Council met",
        "the Philippines' National Security Council met",
        # A number that is no year belongs to the name.
        "the 1267 Sanctions Committee listed the group",
    ],
)
def test_no_body_is_made_up_from_a_description(text):
    assert names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("the UK National Security Council met", "UK National Security Council"),
        ("In 2022 National Security Council staff", "National Security Council"),
        ("with the Asian Development Bank and", "Asian Development Bank"),
    ],
)
def test_a_country_code_stays_and_a_year_goes(text, name):
    assert names(text) == [name]


def test_a_name_read_in_capitals_is_found_only_where_it_stands_alone():
    index = OrganisationIndex()
    index.learn("Japan and the National Security Council agreed.")

    def linked(text):
        return [m.id for m in index.find(text)]

    assert linked("the National Security Council met again") == ["national-security-council"]
    assert linked("Japan. National Security Council staff met") == ["national-security-council"]
    for other in (
        "the Philippine National Security Council met",
        "the Philippines\u2019 National Security Council met",
        "the UK National Security Council met",
        "the National Security Council of the Republic of Korea met",
        "the Japan-U.S. National Security Council talks",
        "the National Security Council Secretariat met",
    ):
        assert linked(other) == [], other


def test_a_title_that_is_no_heading_names_no_body():
    index = OrganisationIndex()
    index.learn("Main Projects Implemented with the Asian Regional Office")
    assert [o.id for o in index.organisations() if o.source == "defined"] == []


def test_a_body_named_then_defined_in_one_sentence_is_one_record():
    # learn() renamed the record while reading the sentence (the review's KeyError).
    learnt = OrganisationIndex().learn(
        "Japan worked with the Indian Navy, and the Indian Navy (IN) joined the exercise."
    )
    assert [(o.id, o.short) for o in learnt] == [("in", "IN")]


@pytest.mark.parametrize("unsure", ["", " with the Information Sharing Centre (ReCAAP-ISC)"])
def test_a_name_ending_a_longer_one_is_refused_in_a_build_too(tmp_path, unsure):
    # Decided where definitions are learnt, in reading order, whichever path a piece takes
    # (an acronym with a hyphenated part sends it to learn() in order).
    corpus = corpus_of(
        tmp_path,
        "Maritime Security\n\n"
        "The Asia-Pacific Regional Training Centre (APRTC) opened in 2020.\n\n"
        f"Japan funded the Regional Training Centre in 2022{unsure}.\n\n"
        "Japan worked with the Indian Navy, and the Indian Navy (IN) shared data"
        f"{unsure}.\n",
    )
    defined = {o.id for o in corpus.index.organisations() if o.source == "defined"}
    assert "regional-training-centre" not in defined
    assert {"aprtc", "in"} <= defined
