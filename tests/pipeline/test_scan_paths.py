"""The quicker scans of places, reverse definitions, keyword domains and acronym tokens give
what the plain ways give, on generated text and on the sentences of the sources."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from odd_text import SETTINGS, recased, texts
from plain import plain_keyword_domain

from app.pipeline import domains, organisations, places
from app.pipeline.model import Mention
from app.pipeline.organisations import OrganisationIndex
from app.pipeline.quick import literal_start, lowered

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"


@pytest.fixture(scope="module")
def sources() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(SOURCES.glob("*.txt"))]


@pytest.fixture(scope="module")
def lines(sources) -> list[str]:
    return [line for text in sources for line in text.splitlines() if line.strip()]


# -- places --------------------------------------------------------------------------------


def plain_find_places(text: str, base: int = 0) -> tuple[list[Mention], list[Mention]]:
    """find_places() the plain way: the pattern over every name, each match's _Target asked."""
    folded = text.translate(places._FOLD)
    countries, regions = [], []
    for match in places._catalogue().pattern.finditer(folded):
        target = places._target(match.group())
        if target.kind == places.BLOCK:
            continue
        if target.person_name and places._is_person(folded, match):
            continue
        start, end = match.span()
        written = text[start:end]
        for place_id in target.ids:
            if target.kind == places.COUNTRY:
                role = "donor" if place_id == places.DONOR else "partner"
                countries.append(Mention(place_id, base + start, base + end, written, role))
            else:
                regions.append(Mention(place_id, base + start, base + end, written))
    return countries, regions


def _name_sample() -> list[str]:
    names = sorted(places._catalogue().names)
    # Every name with a small letter, a person's name or a block, and a spread of the rest.
    special = [
        name
        for name, target in places._catalogue().names.items()
        if name[0].islower() or target.person_name or target.kind == places.BLOCK
    ]
    return sorted({*names[::7], *special})


PLACE_WORDS = [
    *_name_sample(),
    *["Japan", "Chad", "Jordan", "Mr.", "President", "Smith", "In", "The", "Both", "US$"],
    *["C\u00f4te d\u2019Ivoire", unicodedata.normalize("NFD", "C\u00f4te d'Ivoire")],
    *["southern", "Africa", "sub-Saharan", "eastern", "African", "Timor\u2011Leste", "the"],
]
PLACE_TEXT = texts(
    st.builds(recased, st.sampled_from(PLACE_WORDS), st.integers(0, 2)),
    [" ", "  ", "\n", ", ", "-", "", "\u00a0", ".", "\u2019s ", "\u2013", "'s "],
)


@SETTINGS
@given(text=PLACE_TEXT, base=st.integers(0, 50))
def test_places_are_those_of_the_plain_way(text, base):
    assert places.find_places(text, base) == plain_find_places(text, base)


@pytest.mark.parametrize(
    "text",
    [
        "Chad Smith met President Jordan in Chad and Jordan",
        "In Chad, southern Africa and sub-Saharan\nAfrica, the US$5 of the U.S.",
        "Both Jordan and Japan\u2019s Timor\u2011Leste; Japan\u2013India",
        "C\u00f4te d\u2019Ivoire and " + unicodedata.normalize("NFD", "C\u00f4te d'Ivoire"),
        "",
    ],
)
def test_places_in_odd_places_are_those_of_the_plain_way(text):
    assert places.find_places(text, 7) == plain_find_places(text, 7)


def test_places_in_the_sources_are_those_of_the_plain_way(lines):
    found = 0
    for line in lines:
        quick = places.find_places(line, 3)
        assert quick == plain_find_places(line, 3)
        found += len(quick[0]) + len(quick[1])
    assert found > 500


# -- definitions: "ACR (Long Name)" with an acronym of two capitals or more ----------------


def plain_reverse(text: str, capitals: int) -> list[tuple[tuple[int, int], dict]]:
    found = organisations._REVERSE.finditer(text)
    return [
        (m.span(), m.groupdict())
        for m in found
        if sum(map(str.isupper, m.group("acr"))) >= capitals
    ]


REVERSE_TEXT = st.lists(
    st.sampled_from(
        [
            *["JICA (Japan Intl Coop)", "X (ab cd)", "Ab (cd ef)", "xY (Ab Cd)", "AML/CFT (Anti)"],
            *["A", "Ab", "AB", "x", " ", "\n", "\u00a0", "(", ")", "-", "/", "ICC", "\u00e9", "_"],
            *["Long Name", "q" * 50, "W" * 30, "aB-Cd", "a/B", "Xy"],
        ]
    ),
    max_size=30,
).map("".join)


@SETTINGS
@given(text=REVERSE_TEXT, capitals=st.integers(0, 3))
def test_reverse_matches_of_enough_capitals_are_those_of_finditer(text, capitals):
    quick = organisations._reverse_matches(text, capitals=capitals)
    assert [(m.span(), m.groupdict()) for m in quick] == plain_reverse(text, capitals)


@pytest.mark.parametrize(
    "text",
    [
        "Agency (JICA) and JICA (Japan International Cooperation Agency)",
        "xJ-ICA (Japan Cooperation) and aB/CD (Ab Cd) and Xy (Xa Ya) ICC (Int Crim (Court))",
        "Forum(ARF) and Pacific (Islands Forum) and AB  \n (Alpha Beta)",
        "Xyz (" + "w " * 90 + ") AB (Alpha Beta)",
    ],
)
def test_reverse_matches_of_enough_capitals_in_odd_places(text):
    for capitals in range(4):
        quick = organisations._reverse_matches(text, capitals=capitals)
        assert [(m.span(), m.groupdict()) for m in quick] == plain_reverse(text, capitals)


def test_definitions_in_the_sources_are_those_of_every_reverse_match(lines, monkeypatch):
    with_parentheses = [line for line in lines if "(" in line]
    quick = [OrganisationIndex().definitions(line) for line in with_parentheses]
    monkeypatch.setattr(
        organisations,
        "_reverse_matches",
        lambda text, capitals=0: organisations._REVERSE.finditer(text),
    )
    assert [OrganisationIndex().definitions(line) for line in with_parentheses] == quick
    assert sum(map(len, filter(None, quick))) > 100


# -- domains: keywords counted only where their starts are written -----------------------

KEYWORDS = [
    "police", "law enforcement", "terrorism", "counterterrorism", "counter-terrorism",
    "terrorist financing", "financing of terrorism", "violent extremism", "drugs", "narcotics",
    "counter-narcotics", "money laundering", "AML/CFT", "anti-corruption", "organized crime",
    "prisons", "maritime", "pirates", "coast guards", "sea lanes", "outer space", "satellites",
    "space debris", "cyberspace", "cybercrimes", "defence cooperation", "2+2", "supply chains",
    "critical technologies", "PKO", "peacekeepers", "former combatants", "the", "crime", "sea",
]  # fmt: skip
DOMAIN_TEXT = texts(
    st.builds(recased, st.sampled_from(KEYWORDS), st.integers(0, 6)),
    [" ", "  ", "\n", ", ", "-", "", "\xa0", ".", "_", "x"],
    max_size=12,
)


@SETTINGS
@given(text=DOMAIN_TEXT)
def test_keywords_counted_where_their_starts_are_written_are_all_of_them(text):
    folded = lowered(text)
    if folded is None:
        return  # odd letters: every domain is scanned the plain way
    for number, (_, _, keywords, _) in enumerate(domains._compiled()):
        assert domains._count_in(number, keywords, text, folded) == len(keywords.findall(text))


def test_every_keyword_starts_with_one_of_its_domains_prefixes():
    # What _count_in() stands on: where a match starts, a prefix of its domain is written.
    for number, (domain, _, _, _) in enumerate(domains._compiled()):
        prefixes = domains._prefixes_of()[number]
        starts = [literal_start(pattern) for pattern in domain.keywords]
        if "" in starts:
            assert prefixes == ()
            continue
        assert all(any(start.startswith(p) for p in prefixes) for start in starts)


def test_keyword_domains_of_the_sources_are_those_of_every_domain_scanned(lines):
    chosen = [domains.keyword_domain(line) for line in lines]
    assert chosen == [plain_keyword_domain(line) for line in lines]
    assert sum(domain is not None for domain, _ in chosen) > 50


# -- acronym tokens ------------------------------------------------------------------------

# The token's rest before the test of its next character was put in front.
PLAIN_TOKEN_REST = r"[A-Z0-9]*(?:-[A-Z0-9]+)*s?(?![A-Za-z0-9])"
PLAIN_TOKEN = re.compile(rf"[A-Z](?<![A-Za-z0-9][A-Z]){PLAIN_TOKEN_REST}")
TOKEN_TEXT = st.lists(
    st.sampled_from([*"ABSXasbz019-/ .\n\u00e9\u017f", "JICA", "JAXA", "Japan", "Js", "ODAs"])
).map("".join)


@SETTINGS
@given(text=TOKEN_TEXT)
def test_acronym_tokens_are_those_of_the_plain_pattern(text):
    quick = [m.span() for m in organisations._CAPS_TOKEN.finditer(text)]
    assert quick == [m.span() for m in PLAIN_TOKEN.finditer(text)]


def plain_tokens_pattern(index: OrganisationIndex, monkeypatch) -> re.Pattern[str]:
    forms = [form for form in index._forms if not form[0].islower()]
    with monkeypatch.context() as patch:
        patch.setattr(organisations, "_CAPS_TOKEN_REST", PLAIN_TOKEN_REST)
        return re.compile(organisations._forms_or_token_regex(forms))


def test_forms_and_tokens_in_the_sources_are_those_of_the_plain_pattern(sources, monkeypatch):
    index = OrganisationIndex()
    for text in sources:
        for line in text.splitlines():
            index.learn(line)
    plain = plain_tokens_pattern(index, monkeypatch)
    tokens = 0
    for text in sources:
        quick = [(m.span(), m.lastindex) for m in index._tokens_pattern().finditer(text)]
        assert quick == [(m.span(), m.lastindex) for m in plain.finditer(text)]
        tokens += sum(1 for _, group in quick if group is None)  # forms have their group
    assert tokens > 20


@SETTINGS
@given(text=TOKEN_TEXT)
def test_forms_and_tokens_in_any_text_are_those_of_the_plain_pattern(text):
    index = OrganisationIndex()
    index.learn("the Japan International Cooperation Agency (JICA) and JAXA")
    forms = [form for form in index._forms if not form[0].islower()]
    plain_regex = organisations._forms_or_token_regex(forms).replace(
        organisations._CAPS_TOKEN_REST, PLAIN_TOKEN_REST
    )
    quick = [(m.span(), m.lastindex) for m in index._tokens_pattern().finditer(text)]
    assert quick == [(m.span(), m.lastindex) for m in re.finditer(plain_regex, text)]
