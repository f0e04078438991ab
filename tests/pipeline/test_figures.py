"""Tests for money and count extraction, owners and formatting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.pipeline.figures import find_figures, format_figure, vocabulary
from app.pipeline.model import Figure, Mention

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"


def money(text: str, actors: list[Mention] | None = None) -> list[Figure]:
    return [f for f in find_figures(text, actors=actors or ()) if f.kind == "money"]


def counts(text: str) -> list[tuple[float, str | None]]:
    return [(f.value, f.unit) for f in find_figures(text) if f.kind == "count"]


def mentions(text: str, names: dict[str, str]) -> list[Mention]:
    """Every occurrence of each name as a Mention, as the actor finder would report it."""
    found = []
    for name, ident in names.items():
        for m in re.finditer(rf"\b{re.escape(name)}\b", text):
            found.append(Mention(ident, m.start(), m.end(), m.group()))
    return sorted(found, key=lambda m: m.start)


# ---------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("text", "printed", "value", "currency", "qualifier"),
    [
        ("by contributing $15.53 million to", "$15.53 million", 15_530_000, "USD", None),
        (
            "contributing 15.53 million US dollars to date",
            "15.53 million US dollars",
            15_530_000,
            "USD",
            None,
        ),
        (
            "provide approximately ¥45 billion over",
            "approximately ¥45 billion",
            45e9,
            "JPY",
            "approximately",
        ),
        (
            "a total of over 500 million US dollars since",
            "a total of over 500 million US dollars",
            500e6,
            "USD",
            "over",
        ),
        ("over 500 million US dollars", "over 500 million US dollars", 500e6, "USD", "over"),
        (
            "a total of 61.3 million US dollars.",
            "a total of 61.3 million US dollars",
            61_300_000,
            "USD",
            "a total of",
        ),
        ("Japan provided $570,000 for", "$570,000", 570_000, "USD", None),
        ("assistance of ¥80 billion and", "¥80 billion", 80e9, "JPY", None),
        (
            "totaling approximately $6 billion, including",
            "totaling approximately $6 billion",
            6e9,
            "USD",
            "approximately",
        ),
        (
            "invests approximately 60 billion yen over",
            "approximately 60 billion yen",
            60e9,
            "JPY",
            "approximately",
        ),
        (
            "a total of $15.1 million to",
            "a total of $15.1 million",
            15_100_000,
            "USD",
            "a total of",
        ),
        (
            "disbursed approximately $468 million for",
            "approximately $468 million",
            468e6,
            "USD",
            "approximately",
        ),
        ("about $3 million", "about $3 million", 3e6, "USD", "approximately"),
        ("up to 2 billion yen", "up to 2 billion yen", 2e9, "JPY", "up to"),
        ("nearly €4.2 million", "nearly €4.2 million", 4_200_000, "EUR", "nearly"),
        ("more than 10 million euros", "more than 10 million euros", 10e6, "EUR", "more than"),
        ("at least USD 5 million", "at least USD 5 million", 5e6, "USD", "at least"),
        ("less than 300 million JPY", "less than 300 million JPY", 300e6, "JPY", "less than"),
        ("raised 2 million dollars", "2 million dollars", 2e6, "USD", None),
    ],
)
def test_money_amounts(text, printed, value, currency, qualifier):
    [figure] = money(text)
    assert (figure.text, figure.value, figure.currency, figure.qualifier) == (
        printed,
        value,
        currency,
        qualifier,
    )
    assert figure.alt_value is None


def test_alternative_currency_is_one_figure():
    text = (
        "Japan would provide support totaling $120 million (approximately ¥14 billion), including"
    )
    [figure] = find_figures(text)
    assert figure.text == "totaling $120 million (approximately ¥14 billion)"
    assert (figure.value, figure.currency, figure.qualifier) == (120e6, "USD", "a total of")
    assert (figure.alt_value, figure.alt_currency) == (14e9, "JPY")


def test_parenthesis_without_currency_is_not_an_alternative():
    [figure] = money("Japan provided $5 million (2018) to Kenya.")
    assert figure.text == "$5 million"
    assert figure.alt_value is None


def test_offsets_are_absolute_and_quote_the_text():
    text = "Moreover, Japan has contributed a total of $15.53 million and trained 2,653 personnel."
    figures = find_figures(text, base=1000)
    assert [f.text for f in figures] == ["a total of $15.53 million", "2,653 personnel"]
    for figure in figures:
        assert text[figure.start - 1000 : figure.end - 1000] == figure.text


# Every amount of money printed in the sample documents, in document order.
SAMPLE_MONEY = {
    "diplomatic-bluebook-2023-global-security.txt": [
        ("approximately 60 billion yen", 60e9, "JPY", "approximately", None),
        ("15.53 million US dollars", 15_530_000, "USD", None, "JPN"),
        ("4.5 million US dollars", 4_500_000, "USD", None, "JPN"),
        ("a total of over 500 million US dollars", 500e6, "USD", "over", "JPN"),
        ("a total of 63.8 million US dollars", 63_800_000, "USD", "a total of", "JPN"),
        ("a total of 61.3 million US dollars", 61_300_000, "USD", "a total of", "JPN"),
    ],
    "oda-white-paper-2018-security-stability.txt": [
        ("totaling approximately $6 billion", 6e9, "USD", "approximately", "JPN"),
        ("totaling $120 million (approximately ¥14 billion)", 120e6, "USD", "a total of", "JPN"),
        ("approximately ¥45 billion", 45e9, "JPY", "approximately", "JPN"),
        ("¥80 billion", 80e9, "JPY", None, "JPN"),
        ("a total of $15.1 million", 15_100_000, "USD", "a total of", "JPN"),
        ("a total of $4.5 million", 4_500_000, "USD", "a total of", "JPN"),
        ("approximately $468 million", 468e6, "USD", "approximately", "JPN"),
    ],
    "oda-white-paper-2021-stability-security.txt": [
        ("$570,000", 570_000, "USD", None, "JPN"),
        ("$700,000", 700_000, "USD", None, "JPN"),
        ("a total of $15.53 million", 15_530_000, "USD", "a total of", "JPN"),
        ("approximately $500 million", 500e6, "USD", "approximately", "JPN"),
    ],
}


@pytest.mark.parametrize("name", sorted(SAMPLE_MONEY))
def test_every_sample_amount_is_found_exactly(name):
    text = (SOURCES / name).read_text(encoding="utf-8")
    found = [(f.text, f.value, f.currency, f.qualifier, f.owner) for f in money(text)]
    assert found == SAMPLE_MONEY[name]
    # Recall check independent of the finder: every currency marker lies inside a figure.
    spans = [(f.start, f.end) for f in money(text)]
    for marker in re.finditer(r"\$|¥|€|\byen\b|\bdollars\b", text):
        assert any(s <= marker.start() < e for s, e in spans), text[
            marker.start() - 40 : marker.end()
        ]


# ---------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("has produced 72 graduates from 41 countries by", [(72, "graduates"), (41, "countries")]),
        ("the training of 2,653 personnel in the field", [(2653, "personnel")]),
        ("development for approximately 20,000 people, over", [(20000, "people")]),
        ("development for 30,000 people, from 2016", [(30000, "people")]),
        ("help train 2,000 personnel for", [(2000, "personnel")]),
        ("produced 65 graduates from 39 countries.", [(65, "graduates"), (39, "countries")]),
        ("produced 84 graduates from 37 countries.", [(84, "graduates"), (37, "countries")]),
        (
            "more than 300,000 computers in more than 150 countries were infected",
            [(300000, "computers"), (150, "countries")],
        ),
        ("parties (20 countries including Japan)", [(20, "countries")]),
        ("the participation of the 10 ASEAN countries as well", [(10, "countries")]),
        ("Japan provided two patrol vessels to", [(2, "patrol vessels")]),
        ("training for 20 engineering personnel from", [(20, "personnel")]),
        ("as many as 298 SDF personnel", [(298, "personnel")]),
        ("12 UN PKO missions are on active duty", [(12, "missions")]),
        ("in 141 countries and regions around", [(141, "countries and regions")]),
        (
            "asset freezing on 397 individuals and 119 organizations",
            [(397, "individuals"), (119, "organizations")],
        ),
        ("Seven African countries11 presented reports", [(7, "countries")]),
        ("1.5 million refugees", [(1_500_000, "refugees")]),
        # Meetings, exercises and visits are counted as seminars were (the audit's miss).
        ("Japan and India held three summit meetings─during", [(3, "summit meetings")]),
        ("conducted 14 exercises and 5 visits", [(14, "exercises"), (5, "visits")]),
        ("held two dialogues in 2022", [(2, "dialogues")]),
        ("at the two meetings", []),
        # Sessions of a workshop or course are counted as meetings are.
        ("Japan also organized two previous sessions of the workshop", [(2, "sessions")]),
        ("the 77th session of the UN General Assembly", []),
        # A list of modifiers, with or without a comma before "and" (the audit's miss).
        (
            "More than 80,000 military, police, and civilian personnel have been deployed",
            [(80000, "personnel")],
        ),
        ("some 200 military and civilian personnel", [(200, "personnel")]),
        ("More than 80,000 military, police and civilian personnel", [(80000, "personnel")]),
        # A list too long, of words that are no listed modifiers, or with a comma between
        # two; "and" joining clauses; no number before it (the review's cases).
        ("5 military, police, civilian and medical personnel", []),
        ("12 ASEAN, Japanese or Chinese officials", []),
        ("150 military, and civilian personnel", []),
        (
            "The mission comprised 12,000 troops and 1,500 police, and Japanese officers served",
            [(12000, "troops")],
        ),
        ("The project trained 2,000 police and Japanese experts conducted surveys", []),
        ("Japan. SDG 16 Peace, Justice and Strong Institutions aims", []),
        ("UNSCR 2250 Youth, Peace and Security programs were launched.", []),
        ("in 2020, military and police personnel", []),
        ("Japan sent 200 police to", []),
    ],
)
def test_counts(text, expected):
    assert counts(text) == expected


def test_count_qualifier_and_text():
    [figure] = find_figures("Japan has dispatched more than 12,500 personnel to")
    assert (figure.kind, figure.text, figure.qualifier, figure.unit) == (
        "count",
        "more than 12,500 personnel",
        "more than",
        "personnel",
    )
    assert figure.owner is None  # owners are decided for money only


@pytest.mark.parametrize(
    "text",
    [
        "in 2018",
        "in FY2021",
        "from 2016 to 2018",
        "held in Tokyo from May 19 to 25, 2018.",
        "on June 22, 2021 (Photo: JAXA)",
        "Japan-Australia “2+2” (December 9, Tokyo)",
        "On December 9 officials met",
        "The 2nd Capacity Building Executive Programme",
        "the 14th Congress",
        "the Fourth meeting, the tenth session",
        "the G7 and G20 countries",
        "the COVID-19 pandemic",
        "an ALOS-2 based system using data from “Daichi-2.”",
        "UN Security Council resolution 2375 (adopted in September 2017)",
        "Note 33 and Japan’s plan",
        "(3) Cyber",
        "Chapter 3",
        "(see Chapter 2, Section 2, 2(1) B(D) on page 50)",
        "for the past 17 years, Japan",
        "a record high of 72 hours and 45 minutes",
        "reached a record high of 336 days",
        "the Falcon 200 Maritime Patrol Aircraft (MPA)",
        "Unit 61419 of the Chinese People's Liberation Army",
        "the two countries will cooperate",
        "the four countries of Guinea-Bissau",
        "since 2018 ASEAN countries have",
        "to Myanmar,10 Thailand, Malaysia",
        "approximately 90% of Japan's crude oil imports",
        "at Cyber Initiative Tokyo 2018 participants",
        "the 5G and 6G networks and P-3C patrol aircraft",
    ],
)
def test_not_figures(text):
    assert find_figures(text) == []


# ---------------------------------------------------------------- owners

ACTORS = {
    "Japan": "JPN",
    "Australia": "AUS",
    "Kenya": "KEN",
    "Yemen": "YEM",
    "Tanzania": "TZA",
    "Somalia": "SOM",
    "ASEAN": "ASEAN",
    "UNODC": "UNODC",
    "UNDP": "UNDP",
    "EU": "EU",
}


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("Japan also contributed $700,000 to UNODC’s project addressing overcrowding.", "JPN"),
        (
            "As of December 31, 2022, Japan has contributed a total of 61.3 million US dollars.",
            "JPN",
        ),
        ("Australia invests approximately 60 billion yen in technologies.", "AUS"),
        (
            "Furthermore, Japan, in collaboration with the UNDP, has disbursed a total of "
            "63.8 million US dollars between 2008 and 2022.",
            "JPN",
        ),
        (
            "Japan has supported the establishment of Information Sharing Centres in Yemen, "
            "Kenya and Tanzania, as well as the construction of the DRTC by contributing "
            "15.53 million US dollars to date.",
            "JPN",
        ),
        (
            "Furthermore, with a view to promoting the stability of Somalia, Japan has provided "
            "a total of over 500 million US dollars since 2007.",
            "JPN",
        ),
        (
            "Japan announced at the Japan-ASEAN Summit Meeting held in 2016, that it will "
            "provide approximately ¥45 billion over the next three years.",
            "JPN",
        ),
        ("Japan welcomed that the EU provided €5 million to Kenya.", "EU"),
        ("Japan provided support to the UNDP, which disbursed $3 million.", "UNDP"),
        ("The UNDP, supported by Japan, disbursed $2 million.", "UNDP"),
        ("In 2022 Japan provided $1 million to Kenya.", "JPN"),
        ("Japan provided Kenya with $5 million.", "JPN"),
        ("The U.S. Government and Japan provided $5 million.", "JPN"),
        ("Kenya received a grant. The fund disbursed $5 million.", None),
    ],
)
def test_owner(text, owner):
    [figure] = money(text, mentions(text, ACTORS))
    assert figure.owner == owner


def test_money_of_another_country_in_a_previous_sentence_is_not_japans():
    path = SOURCES / "diplomatic-bluebook-2023-global-security.txt"
    text = path.read_text(encoding="utf-8")
    paragraph = next(line for line in text.splitlines() if "60 billion yen" in line)
    [figure] = money(paragraph, mentions(paragraph, ACTORS))
    assert figure.text == "approximately 60 billion yen"
    assert figure.owner is None


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("the Government of Japan provided $5 million", "JPN"),
        ("Japan's contribution of $5 million", "JPN"),
        ("Australia invests 60 billion yen", None),
        ("at the Japan-ASEAN Summit, ASEAN pledged $5 million", None),
    ],
)
def test_owner_without_actors_detects_japan(text, owner):
    [figure] = money(text)
    assert figure.owner == owner


# ---------------------------------------------------------------- formatting


def test_format_figure():
    [alt] = money("support totaling $120 million (approximately ¥14 billion)")
    assert format_figure(alt) == "a total of USD 120,000,000 (≈ JPY 14,000,000,000)"
    [six] = money("approximately $6 billion")
    assert format_figure(six) == "approximately USD 6,000,000,000"
    [plain] = money("$15.53 million")
    assert format_figure(plain) == "USD 15,530,000"
    [people] = find_figures("the training of 2,653 personnel")
    assert format_figure(people) == "2,653 personnel"
    cents = Figure("money", 2.5, "$2.50", 0, 5, currency="USD")
    assert format_figure(cents) == "USD 2.50"


# What re.IGNORECASE matches but str.lower() does not fold: long s, Kelvin sign, dotted I.
ODD_CASES = {"s": "ſ", "k": "\u212a", "i": "\u0130"}


def oddly_cased(word: str) -> list[str]:
    return [word.upper(), word.title()] + [
        word.replace(plain, odd) for plain, odd in ODD_CASES.items() if plain in word
    ]


@pytest.mark.parametrize(
    "word",
    [w for table in ("currency_suffixes", "scales", "qualifiers") for w in vocabulary()[table]],
)
def test_any_casing_the_patterns_match_is_looked_up(word):
    # "US dollarſ" matched the pattern but was not in the table: a KeyError ended the build.
    for variant in oddly_cased(word):
        for text in (
            f"Japan gave {variant} 5 million US dollars.",
            f"It gave 5 million {variant}.",
        ):
            for figure in find_figures(text):
                assert text[figure.start : figure.end] == figure.text
