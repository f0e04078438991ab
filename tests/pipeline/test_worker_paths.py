"""The workers' bookkeeping, made the quick way, is what the plain way makes: the report's part
of each document (one pass over its records) and the records' own __init__."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from odd_text import SETTINGS

from app.pipeline.corpus import read_corpus
from app.pipeline.domains import DomainChoice
from app.pipeline.extract import DONOR, EntryRecord
from app.pipeline.model import KINDS, Figure, Heading, Mention, Piece, YearMention
from app.pipeline.report import DocumentSummary
from app.pipeline.sources import discover

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"


# -- the report's part of a document --------------------------------------------------------------


def plain_counts(records) -> dict[str, Counter | set]:
    """What DocumentSummary.of() counts of the records, a column at a time (as it was)."""
    choices = [record.domain for record in records]
    countries = Counter()
    for record in records:
        countries.update(list({mention.id: None for mention in record.countries}))  # once each
    countries.pop(DONOR, None)
    places = [m for record in records for m in (*record.countries, *record.regions)]
    return {
        "kinds": Counter([record.piece.kind for record in records]),
        "domains": Counter([choice.domain or "(none)" for choice in choices]),
        "no_domain": Counter([choice.reason for choice in choices if not choice.domain]),
        "countries": countries,
        "known_tokens": {m.text for m in places},
    }


class NoAcronyms:
    """An organisation index that finds no undefined acronyms (not what is tested here)."""

    def undefined_acronyms(self, text: str) -> set[str]:
        return set()


def assert_counts_as_plain(summary: DocumentSummary, records) -> None:
    for name, plain in plain_counts(records).items():
        made = getattr(summary, name)
        assert made == plain, name
        if isinstance(plain, Counter):  # and in the same order: the report lists some so
            assert list(made.items()) == list(plain.items()), name


def test_the_summary_of_each_source_counts_as_the_plain_way():
    documents = discover(SOURCES)
    corpus = read_corpus(documents, lambda *_: None, lambda: False, 1)
    for number, document in enumerate(documents):
        records = corpus.extract(number)
        headings = corpus.parsed[number].headings
        summary = DocumentSummary.of(document, headings, records, NoAcronyms())
        assert_counts_as_plain(summary, records)
        assert summary.no_domain and summary.countries and summary.known_tokens


CODES = ["JPN", "VNM", "PHL", "AUS", "USA"]
REGIONS = ["asean", "pacific", "africa"]
TOKENS = ["Japan", "Viet Nam", "the Philippines", "ASEAN", "Pacific", "japan", "Africa"]


def mentions(ids: list[str]):
    """Up to four mentions of `ids`, by any of TOKENS."""
    ints = st.integers(0, 20)
    one = st.builds(Mention, st.sampled_from(ids), ints, ints, st.sampled_from(TOKENS))
    return st.lists(one, max_size=4)


RECORDS = st.lists(
    st.builds(
        lambda kind, countries, regions, domain, reason: EntryRecord(
            Piece(kind, 0, 1, (), 1, 1),
            "q",
            countries,
            regions,
            domain=DomainChoice(domain, "keywords" if domain else "", reason),
        ),
        st.sampled_from(KINDS),
        mentions(CODES),
        mentions(REGIONS),
        st.sampled_from([None, "", "maritime", "cyber", "peacekeeping"]),
        st.sampled_from(["no keyword", "an umbrella heading", "the entry that refers to it"]),
    ),
    max_size=12,
)


@SETTINGS
@given(RECORDS)
def test_the_summary_of_any_records_counts_as_the_plain_way(records):
    # Domains that are None or empty, entries naming no country, the donor, a country twice.
    summary = DocumentSummary.of(_Source(), [], records, NoAcronyms())
    assert_counts_as_plain(summary, records)


@dataclasses.dataclass
class _Source:
    id: str = "doc"
    text: str = ""


# -- the records' own __init__ --------------------------------------------------------------------


def generated(cls):
    """A dataclass of the same fields as `cls` with the __init__ that dataclasses generates."""
    fields = [
        (f.name, f.type, dataclasses.field(default=f.default)) for f in dataclasses.fields(cls)
    ]
    return dataclasses.make_dataclass(f"Plain{cls.__name__}", fields, frozen=True)


VALUES = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.floats(allow_nan=False))


@pytest.mark.parametrize("cls", [Mention, Figure, YearMention, Piece, Heading])
@SETTINGS
@given(data=st.data())
def test_records_hold_what_the_generated_init_stores(cls, data):
    names = [f.name for f in dataclasses.fields(cls)]
    required = sum(f.default is dataclasses.MISSING for f in dataclasses.fields(cls))
    count = data.draw(st.integers(required, len(names)))
    args = data.draw(st.lists(VALUES, min_size=count, max_size=count))
    ours, plain = cls(*args), generated(cls)(*args)
    # The same attributes in the same order (pickles and vars() show the order).
    assert list(vars(ours).items()) == list(vars(plain).items())
    assert dataclasses.astuple(ours) == dataclasses.astuple(plain)
