"""Tests for programmes named in quotes: what counts as one, and that the build learns them."""

from __future__ import annotations

import pytest
from one_report import records_of

from app.pipeline.organisations import OrganisationIndex
from app.pipeline.quoted import quote_marks_at, quoted_names

HEADS = ("program", "programme", "project", "initiative")


@pytest.mark.parametrize(
    ("text", "name", "head"),
    [
        ("deployed through the \u201cKiboCUBE\u201d program. Note 37", "KiboCUBE", "program"),
        ("through \u201cKiboCUBE,\u201d a collaborative program between", "KiboCUBE", "program"),
        ("\u201cSAPPHIRE\u201d is an initiative in which", "SAPPHIRE", "initiative"),
        ("launching \u201cSentinel Asia\u201d, an initiative to", "Sentinel Asia", "initiative"),
        (
            'the "Space Law for New Space Actors" project',
            "Space Law for New Space Actors",
            "project",
        ),
        ("the \u2018JENESYS2.0\u2019 programme", "JENESYS2.0", "programme"),
        ("\u201cJ-Partnership\u201d was a pilot project", "J-Partnership", "project"),
    ],
)
def test_a_name_in_quotes_said_to_be_a_programme(text, name, head):
    found = quoted_names(text, HEADS)
    assert [(q.name, q.head) for q in found] == [(name, head)]
    assert text[found[0].start :].startswith(name)


@pytest.mark.parametrize(
    "text",
    [
        "the \u201cODA Topics 2\u201d regarding initiatives",  # not said to be one
        "the \u201cKiboCUBE\u201d programmer",  # not the head noun
        "the \u201cKiboCUBE\u201d project-based",
        "called it \u201cthe program\u201d project",  # a name starts with a capital or digit
        "\u201cWe will act. Now.\u201d project",  # a sentence's end: no name
        "\u201cOne two three four five six seven eight nine\u201d project",  # too long
        "Japan\u2019s Initiative",  # an apostrophe, no quotes
        "the KiboCUBE program",  # no quotes
        # Not a name of its own, which would be linked wherever its words are written:
        "the \u201cA\u201d project",
        "the \u201cNew\u201d project",
        "Japan shares an \u201cExceptional\u201d initiative",
        "the \u201cJapan\u201d project",  # places
        "the \u201cASEAN\u201d initiative",
        "the \u201cIndo-Pacific\u201d project",
        "Kishida said, \u201cJapan stands with Ukraine,\u201d a message at the summit",
        "the book \u201cJapan and Africa,\u201d a study of the program",  # a description
        "\u201cHuman Security\u201d is a pillar of the initiative",
        # Heads before which reports quote descriptions:
        "the \u201cSpecial Strategic\u201d partnership",
        "the Japan-Australia \u201c2+2\u201d meeting",
        "the \u201cNEW\u201d plan",
    ],
)
def test_no_programme_is_made_up(text):
    assert quoted_names(text, HEADS) == []


def test_quote_marks_are_where_a_quoted_name_may_start():
    text = 'a \u201cX\u201d b "Y" c \u2018Z\u2019'
    assert quote_marks_at(text) == [2, 8, 10, 14]
    assert all(any(at < q.start for at in quote_marks_at(text)) for q in quoted_names(text, HEADS))


def test_a_programme_named_in_quotes_is_found_everywhere_under_one_record():
    index = OrganisationIndex()
    assert [(o.id, o.name, o.kind) for o in index.learn("the \u201cKiboCUBE\u201d program")] == [
        ("kibocube", "KiboCUBE", "programme")
    ]
    index.learn("through \u201cKiboCUBE,\u201d a collaborative program")  # the same record
    index.learn("the \u201cJICA\u201d project")  # known already: no second record
    found = index.find("Kenya's satellite was released through KiboCUBE in 2018.")
    assert [(m.id, m.text) for m in found] == [("kibocube", "KiboCUBE")]
    assert [o.id for o in index.organisations() if o.source == "defined"] == ["kibocube"]
    # The acronym report no longer lists a quoted programme's name as never defined.
    assert index.undefined_acronyms("\u201cSAPPHIRE\u201d is an initiative") == {"SAPPHIRE"}
    index.learn("\u201cSAPPHIRE\u201d is an initiative")
    assert index.undefined_acronyms("\u201cSAPPHIRE\u201d is an initiative") == set()


def test_the_build_learns_a_quoted_programme_in_a_sentence_without_parentheses(tmp_path):
    # The reading stage looks for definitions only in pieces that may hold one: a "(", a
    # service's noun, or now a quote mark.
    records = records_of(
        tmp_path,
        "Space Cooperation\n\n"
        "Japan launched \u201cSentinel Asia,\u201d an initiative to share satellite images.\n\n"
        "In 2020 Sentinel Asia served 30 countries.\n",
    )
    assert [[m.id for m in r.organisations] for r in records if r.organisations] == [
        ["sentinel-asia"],
        ["sentinel-asia"],
    ]
