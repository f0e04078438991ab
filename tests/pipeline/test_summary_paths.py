"""The quick ways of finding definitions and of choosing an entry's domain give what the plain
ways give. (The report summary's: tests/pipeline/test_worker_paths.py.)"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from odd_text import SETTINGS

from app.pipeline import organisations
from app.pipeline.corpus import read_corpus
from app.pipeline.domains import DomainChoice, choose_domain
from app.pipeline.extract import extract
from app.pipeline.organisations import _CAPS_TOKEN, CURATED, Organisation, OrganisationIndex
from app.pipeline.sources import discover

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"

# Definitions that teach the index forms starting with a capital and with a small letter,
# hyphenated ones, and ones ending in a letter (a footnote may follow) or not ("U.S.").
APART = [
    "the Ocean Data Agency (ODA) met",
    "the security sector reform (SSR) went",
    "the anti-money laundering (AML) rules",
    "the Japan Coast Guard (JCG) and",
    "the ASEAN Defence Ministers' Meeting-Plus (ADMM-Plus) met",
    "the U.S. Coast Guard (USCG) came",
]
# A small-letter form holding capitals; one that a capital form holds.
HOLDS_CAPITALS = [
    *APART,
    "The counter-ISIL coalition (CIC) met.",
    "The ISIL coalition XYZ (ICX) met.",
    "the pro-ISIL (PI) groups",
]
HELD = [*APART, "the Centre for security sector reform (CSSR) met"]


# A capital form starting with a character of a small-letter form, inside it ("2+2").
STARTS_INSIDE = [("pre 2+2 talks", "term"), ("2+2 Talks", "organisation"), ("2+2", "organisation")]


def index_of(definitions: list[str], curated=()) -> OrganisationIndex:
    index = OrganisationIndex(curated=False)
    for text in definitions:
        index.learn(text)
    for number, (name, kind) in enumerate(curated):
        index._add_curated(Organisation(f"c{number}", None, name, kind, CURATED))
    return index


INDEXES = {
    "apart": index_of(APART),
    "held": index_of(HELD),
    "caps": index_of(HOLDS_CAPITALS),
    "inside": index_of(APART, STARTS_INSIDE),
}

ATOMS = [
    *["ODA", "Ocean Data Agency", "SSR", "security sector reform", "security", "sector reform"],
    *["anti-money laundering", "anti-", "AML", "JCG", "Japan Coast Guard", "Japan", "ADMM-Plus"],
    *["ASEAN Defence Ministers\u2019 Meeting-Plus", "ADMM", "USCG", "U.S. Coast Guard", "U.S."],
    *[
        "counter-ISIL coalition",
        "pro-ISIL",
        "ISIL coalition XYZ",
        "ISIL",
        "XYZ",
        "Centre for ",
        "CSSR",
        "CIC",
    ],
    *["pre 2+2 talks", "pre ", "2+2", " Talks", " talks", "2+2 Talks"],
    *["ABE", " Shinzo", "IV", "FY2018", "NGOs", "Plus", "s", "4", "12", "a", "Co", "-", "/"],
    *[" ", "  ", "\n", "\u00a0", ".", ",", "(", ")", "'", "\u2019", "\u201c"],
]
TEXT = st.lists(st.sampled_from(ATOMS), max_size=30).map("".join)


def plain_tokens(index: OrganisationIndex, text: str) -> list[tuple[tuple[int, int], str]]:
    """The all-caps tokens of `text` with every known form blanked by one plain pattern."""
    blank = list(text)
    pattern = index._pattern(terms=True)
    for match in pattern.finditer(text) if pattern else ():
        blank[match.start() : match.end()] = " " * (match.end() - match.start())
    return [(m.span(), m.group()) for m in _CAPS_TOKEN.finditer("".join(blank))]


def plain_undefined(index: OrganisationIndex, text: str) -> set[str]:
    known = index._words.ordinary | set(index._forms)
    return {
        token
        for (start, end), token in plain_tokens(index, text)
        if organisations._may_be_undefined(token, known)
        and not organisations._surname(text, start, end)
    }


def test_which_indexes_keep_their_small_forms_apart():
    for index in INDEXES.values():
        index._tokens_beside_known("")
    assert [index._small_apart for index in INDEXES.values()] == [True, True, False, False]


@pytest.mark.parametrize("name", INDEXES)
@pytest.mark.parametrize(
    "text",
    [
        "XYZ-ODA and ODA-XYZ, ADMM-Plus, ADMM-PLUS, ODA4 and ODA123, JCG-USCG",
        "the counter-ISIL coalition XYZ today, as the ISIL coalition XYZ did",
        "pro-ISIL-ABC and pro-ISILs, pro-ISIL4",
        "pro-ISIL-ODA",
        "a Centre for security sector reform, security sector reform ABC, SSRs",
        "U.S.ABC, U.S. Coast Guard-XYZ, anti-money laundering-AML, Japan\u2019s ODA",
        "ABE Shinzo, ABE, IV, FY2018, NGOs",
        "the pre 2+2 talks and pre 2+2 XYZ-ODA, 2+2 Talks ABC, pre 2+2 Talks-XYZ",
    ],
)
def test_tokens_beside_known_forms_in_odd_places(name, text):
    index = INDEXES[name]
    tokens = index._tokens_beside_known(text)
    if tokens is not None:
        assert [(m.span(), m.group()) for m in tokens] == plain_tokens(index, text)
    assert index.undefined_acronyms(text) == plain_undefined(index, text)


@SETTINGS
@given(text=TEXT, name=st.sampled_from(list(INDEXES)))
def test_tokens_beside_known_forms_on_any_text(text, name):
    index = INDEXES[name]
    tokens = index._tokens_beside_known(text)
    if tokens is not None:
        assert [(m.span(), m.group()) for m in tokens] == plain_tokens(index, text)
    assert index.undefined_acronyms(text) == plain_undefined(index, text)


@pytest.fixture(scope="module")
def sources() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(SOURCES.glob("*.txt"))]


def test_tokens_beside_known_forms_in_the_sources(sources):
    index = OrganisationIndex()
    for text in sources:
        for line in text.splitlines():
            index.learn(line)
    for text in sources:
        tokens = index._tokens_beside_known(text)
        assert tokens is not None  # the quick way tells them all
        assert [(m.span(), m.group()) for m in tokens] == plain_tokens(index, text)
        assert index.undefined_acronyms(text) == plain_undefined(index, text)


# -- definitions: long forms starting with the acronym's letter --------------------------------

LONG_TEXT = st.lists(
    st.sampled_from(
        [
            *["Self-Defense ", "Forces ", "AML/CFT ", "of ", "the ", "a-b-c ", "x/", "-", "/"],
            *[" ", "\n", "\u00a0", ", ", "\u201c", "\u201cJapan ", "'s ", "3rd ", "\u00c9tat "],
            *["\u017fea ", "\u0130stanbul ", "--Coast ", "(Guard) ", "UN", "Japan", "sea "],
        ]
    ),
    max_size=40,
).map("".join)


@SETTINGS
@given(text=LONG_TEXT, initial=st.sampled_from("asjfcx3\u00e9\u017f"), data=st.data())
def test_long_forms_starting_with_a_letter_are_those_whose_first_word_does(text, initial, data):
    end = data.draw(st.integers(0, len(text)))
    begin = data.draw(st.integers(0, end))
    long_forms = organisations._LongForms(text, begin, end)
    plain = list(organisations._starting_with(long_forms, initial))
    assert list(long_forms.starting_with(initial)) == plain


def test_definitions_in_the_sources_are_found_as_trying_every_long_form_finds_them(
    sources, monkeypatch
):
    lines = [line for text in sources for line in text.splitlines() if "(" in line]
    quick = [OrganisationIndex().definitions(line) for line in lines]
    monkeypatch.setattr(
        organisations._LongForms,
        "starting_with",
        lambda self, initial: organisations._starting_with(self, initial),
    )
    assert [OrganisationIndex().definitions(line) for line in lines] == quick
    assert sum(map(len, filter(None, quick))) > 100


# -- extract: the domain ------------------------------------------------------------------------


def plain_domain(piece, quote: str) -> DomainChoice:
    """The domain as chosen from the text made for every entry."""
    path = (*piece.section_path, quote) if piece.kind == "heading" else piece.section_path
    domain_text = f"{piece.label or ''} {quote}"
    if piece.kind == "glossary":
        return choose_domain((piece.label or "",), quote)
    if piece.kind == "note":
        return choose_domain((), domain_text)
    return choose_domain(path, domain_text)


def test_each_domain_is_chosen_as_from_the_text_made_for_every_entry():
    documents = discover(SOURCES)
    corpus = read_corpus(documents, lambda *_: None, lambda: False, 1)
    sources, kinds = Counter(), Counter()
    for number, document in enumerate(documents):
        for piece in corpus.parsed[number].pieces:
            record = extract(piece, document.text, corpus.index)
            assert record.domain == plain_domain(piece, record.quote)
            sources[record.domain.source] += 1
            kinds[piece.kind] += 1
    assert min(sources["heading"], sources["keywords"], sources[""]) > 10  # every way taken
    assert min(kinds["note"], kinds["heading"]) > 10
