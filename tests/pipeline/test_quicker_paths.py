"""The second round of quick paths finds exactly what the plain code they stand for finds."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from odd_text import SETTINGS, recased, spans, texts, words_or_numbers
from plain import plain_find_years, plain_keyword_domain

from app.pipeline import domains, figures, places, years
from app.pipeline.model import Figure, Heading, Mention, Piece, YearMention
from app.pipeline.quick import has_digit, lowered

VOCABULARY = figures.vocabulary()
WORDS = [
    *VOCABULARY["qualifiers"],
    *VOCABULARY["currency_prefixes"],
    *VOCABULARY["currency_suffixes"],
    *VOCABULARY["scales"],
    *VOCABULARY["counts"]["number_words"],
    "countries", "Japan", "FY", "fiscal year", "since", "from", "until", "till", "between",
    "and", "to", "starting in", "December", "Note", "euro", "European",
]  # fmt: skip
NUMBERS = ["5", "12", "2,653", "15.53", "1999", "2018", "2016-2018", "٣", "３", "0", "19", "20"]
GLUE = [*" " * 12, "  ", "\n", "\xa0", "\t", "\u2028", " (", ") ", "“", "-", ", ", ".", "/", ""]


TEXT = texts(words_or_numbers(WORDS, NUMBERS), GLUE)


# ---------------------------------------------------------------- money


@pytest.mark.parametrize(
    "text",
    [
        "$5 million",  # at the very start
        "about US$120 million (approximately ¥14 billion) and 60 billion yen",
        "a total of over 500 million US dollars, nearly €3 million, £2",
        "Approximately\xa0٣ million Euros, UP TO\t5 million JPY",
        "G7 $5, x$5, 2,653 dollars, 1.5 dollars, .5 dollars, COVID-19 yen",
        "ſome 5 dollarſ; İn total 5 yen; about ３ million USD",
        "European 2018 and euro 5, (USD 7 million) “$8”",
    ],
)
def test_money_is_tried_where_the_money_pattern_finds_it(text):
    assert spans(figures._money_matches(text, lowered(text))) == spans(
        figures._patterns()["money"].finditer(text)
    )


@SETTINGS
@given(text=TEXT)
def test_money_matches_the_money_pattern_on_any_text(text):
    assert spans(figures._money_matches(text, lowered(text))) == spans(
        figures._patterns()["money"].finditer(text)
    )


# ---------------------------------------------------------------- years


@pytest.mark.parametrize(
    "text",
    [
        "2018",
        "in 1945 and 1999, 2099",
        "190 and 200 and 1919 and 2020",
        "since 2007, From 2012 to 2015, starting in FY2021, until 2030, till 2031",
        "ſince 2007, İn fiscal year 2009, between 2008 and 2022",
        "FY2016-FY2018, 2016–18, ٢٠١٨ and ２０１８",
    ],
)
def test_years_are_those_of_every_pattern_everywhere(text):
    assert years.find_years(text, 7) == plain_find_years(text, 7)


@SETTINGS
@given(text=TEXT)
def test_years_on_any_text(text):
    assert years.find_years(text, 3) == plain_find_years(text, 3)


# ---------------------------------------------------------------- records


@dataclasses.dataclass(frozen=True)
class PlainMention:
    id: str
    start: int
    end: int
    text: str
    role: str = ""


RECORDS = [
    (Mention, ("JPN", 1, 6, "Japan", "donor")),
    (Mention, ("unodc", 3, 8, "UNODC")),
    (Figure, ("money", 5e6, "$5 million", 0, 10, "USD", "over", None, 7e8, "JPY", "JPN")),
    (Figure, ("count", 2.0, "two ships", 4, 13)),
    (YearMention, (2007, None, "since", "since 2007", 2, 12)),
    (Piece, ("body", 10, 40, ("Chapter 1", "Piracy"), 3, 2)),
    (Piece, ("note", 50, 70, (), 4, 1, ("33",), "33")),
    (Heading, ("Piracy", "numbered", 2, 0, 12, 3, 9, ("Chapter 1", "Piracy"))),
]


@pytest.mark.parametrize(("cls", "args"), RECORDS)
def test_records_made_by_their_own_init_behave_as_dataclasses(cls, args):
    record = cls(*args)
    names = [f.name for f in dataclasses.fields(cls)]
    by_name = cls(**dict(zip(names, args, strict=False)))
    assert record == by_name and hash(record) == hash(by_name)
    assert dataclasses.astuple(record)[: len(args)] == args
    defaults = [f.default for f in dataclasses.fields(cls)][len(args) :]
    assert dataclasses.astuple(record)[len(args) :] == tuple(defaults)
    assert repr(record).startswith(f"{cls.__name__}({names[0]}=")
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(record, protocol))
        assert again == record and hash(again) == hash(record) and vars(again) == vars(record)
    assert copy.deepcopy(record) == record and copy.copy(record) == record
    first = names[0]
    changed = dataclasses.replace(record, **{first: "other"})
    assert getattr(changed, first) == "other" and changed != record
    assert dataclasses.replace(changed, **{first: getattr(record, first)}) == record
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, first, "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(record, first)
    with pytest.raises(TypeError):
        cls(*args, *([None] * (len(names) - len(args) + 1)))  # too many arguments
    assert {record: 1}[by_name] == 1


@pytest.mark.parametrize("cls", [Mention, Figure, YearMention, Piece, Heading])
def test_records_own_init_takes_their_fields_in_order(cls):
    # A field added to the class but not to its __init__ (or the other way) fails here.
    expected = [(f.name, f.default) for f in dataclasses.fields(cls)]
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    assert [(p.name, p.default) for p in parameters] == [
        (name, inspect.Parameter.empty if default is dataclasses.MISSING else default)
        for name, default in expected
    ]


def test_a_mention_is_what_the_generated_dataclass_makes():
    mention = Mention("JPN", 1, 6, "Japan", "donor")
    plain = PlainMention("JPN", 1, 6, "Japan", "donor")
    assert vars(mention) == vars(plain)
    assert hash(mention) == hash(plain)  # both hash the tuple of their fields
    assert Mention("a", 1, 2, "t") == Mention(id="a", start=1, end=2, text="t", role="")
    assert mention != plain  # another class, as before


def test_the_quick_tests_still_answer_for_the_text_given():
    assert has_digit("in 2018") and lowered("In 2018") == "in 2018"


# ---------------------------------------------------------------- places


FOLDABLE = st.text(
    alphabet=st.sampled_from(["a", "J", " ", "'", "-", "é", "ſ", "\u2028", *map(chr, places._FOLD)])
)


@SETTINGS
@given(text=FOLDABLE)
def test_folding_by_replace_is_folding_by_translate(text):
    assert places._folded(text) == text.translate(places._FOLD)


def test_folded_characters_fold_to_characters_left_alone():
    assert not {plain for _, plain in places._FOLD_PAIRS} & {char for char, _ in places._FOLD_PAIRS}


@pytest.mark.parametrize(
    "text",
    [
        "Japan\u2019s aid to Mauritius\u2019 coast, Japan\u2013India and Timor\u2011Leste",
        "C\u00f4te d\u2019Ivoire, Co\u0302te d\u2018Ivoire and Viet\u00a0Nam",
        "\u00e9l\u00e8ve in Japan",
    ],
)
def test_places_in_text_with_folded_characters(text):
    everything = places._catalogue().pattern.finditer(text.translate(places._FOLD))
    expected = [m.span() for m in everything if places._target(m.group()).kind != places.BLOCK]
    countries, regions = places.find_places(text)
    assert sorted((m.start, m.end) for m in countries + regions) == sorted(expected)
    assert all(text[m.start : m.end] == m.text for m in countries + regions)


# ---------------------------------------------------------------- the word before a figure


def plain_previous_word(text: str, index: int) -> str:
    found = re.search(r"([^\s(“\"']+)\s+$", text[max(0, index - 40) : index])
    return found.group(1) if found else ""


WORDY = st.lists(
    st.sampled_from(
        ["a", "B", "by", "Note", " ", "  ", "\n", "\xa0", "\u2028", "\x1c", "(", "“", '"', "'"]
        + ["’", "-", ".", "5", "é", "ſ"]
    ),
    max_size=40,
).map("".join)


@SETTINGS
@given(text=WORDY)
def test_the_previous_word_is_what_its_pattern_finds(text):
    for index in range(len(text) + 1):
        assert figures._previous_word(text, index) == plain_previous_word(text, index)


@pytest.mark.parametrize(
    "before", ["by ", "(by ", "“Note\n", "x'y\"z ", "a (b ", "(  ", " ", "", "word", "ab\n\n"]
)
def test_the_previous_word_in_odd_places(before):
    text = before + "5"
    index = len(before)
    assert figures._previous_word(text, index) == plain_previous_word(text, index)


# ---------------------------------------------------------------- domains


KEYWORDS = [
    "police", "law enforcement", "terrorism", "counterterrorism", "counter-terrorism",
    "terrorist financing", "financing of terrorism", "violent extremism", "drugs", "narcotics",
    "human trafficking", "money laundering", "AML/CFT", "bribery", "organized crime",
    "organised crime", "prisons", "maritime", "pirates", "coast guards", "sea lanes",
    "outer space", "satellites", "cyberspace", "cybersecurity", "defence cooperation",
    "defense cooperation", "2+2", "supply chains", "critical technologies", "PKO",
    "peacekeepers", "ceasefire", "former combatants", "Japan", "the", "crime",
]  # fmt: skip
DOMAIN_TEXT = texts(
    st.builds(recased, st.sampled_from(KEYWORDS), st.integers(0, 6)),
    [" ", "  ", "\n", ", ", "-", "", "\xa0", "."],
    max_size=12,
)


@SETTINGS
@given(text=DOMAIN_TEXT)
def test_keyword_domains_are_those_of_every_domain_scanned(text):
    assert domains.keyword_domain(text) == plain_keyword_domain(text)


@pytest.mark.parametrize(
    "text",
    [
        "terrorist financing and money laundering",
        "Financing of Terrorism, counter-terrorism",
        "the police and the coast guard; the Coast Guards",
        "ſatellites in outer ſpace",  # odd letters: every domain scanned
        "peacekeepers and peacekeeping, PKO",
        "",
    ],
)
def test_keyword_domains_in_odd_places(text):
    assert domains.keyword_domain(text) == plain_keyword_domain(text)
