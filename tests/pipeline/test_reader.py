"""Tests for the document reader on the sample reports and on made-up snippets in other styles."""

from pathlib import Path

import pytest

from app.pipeline.model import KINDS, ParsedDocument, Piece
from app.pipeline.reader import read_document

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"
ODA_2018 = "oda-white-paper-2018-security-stability.txt"
ODA_2021 = "oda-white-paper-2021-stability-security.txt"
BLUEBOOK = "diplomatic-bluebook-2023-global-security.txt"


@pytest.fixture(scope="module")
def docs() -> dict[str, ParsedDocument]:
    return {
        name: read_document((SOURCES / name).read_text(encoding="utf-8"))
        for name in (ODA_2018, ODA_2021, BLUEBOOK)
    }


def quote(doc: ParsedDocument, piece: Piece) -> str:
    return doc.text[piece.start : piece.end]


def pieces_containing(doc: ParsedDocument, fragment: str) -> list[Piece]:
    return [p for p in doc.pieces if fragment in quote(doc, p)]


def only_piece(doc: ParsedDocument, fragment: str) -> Piece:
    found = pieces_containing(doc, fragment)
    assert len(found) == 1, [quote(doc, p)[:60] for p in found]
    return found[0]


def heading(doc: ParsedDocument, title_start: str):
    found = [h for h in doc.headings if h.title.startswith(title_start)]
    assert len(found) == 1, [h.title for h in found]
    return found[0]


def titles(doc: ParsedDocument) -> list[str]:
    return [h.title for h in doc.headings]


# --- invariants on the sample documents -------------------------------------------------------


@pytest.mark.parametrize("name", [ODA_2018, ODA_2021, BLUEBOOK])
def test_every_piece_is_a_nonempty_stripped_quote_in_order(docs, name):
    doc = docs[name]
    assert doc.pieces
    for piece in doc.pieces:
        text = quote(doc, piece)
        assert text and text == text.strip()
        assert piece.kind in KINDS
        assert piece.paragraph >= 1 and piece.sentence >= 1
    starts = [p.start for p in doc.pieces]
    assert starts == sorted(starts)
    paragraphs = [p.paragraph for p in doc.pieces]
    assert paragraphs == sorted(paragraphs)


@pytest.mark.parametrize("name", [ODA_2018, ODA_2021, BLUEBOOK])
def test_headings_are_pieces_with_the_parent_path(docs, name):
    doc = docs[name]
    heading_pieces = [p for p in doc.pieces if p.kind == "heading"]
    assert [quote(doc, p) for p in heading_pieces] == titles(doc)
    for piece, head in zip(heading_pieces, doc.headings, strict=True):
        assert piece.section_path == head.path[:-1]
        assert head.path[-1] == head.title == doc.text[head.title_start : head.title_end]
        assert head.start <= head.title_start < head.title_end <= head.end
        assert len(head.path) == head.level


# --- ODA White Paper 2018 ---------------------------------------------------------------------


def test_2018_heading_hierarchy(docs):
    doc = docs[ODA_2018]
    assert doc.headings[0].title == "Official Development Assistance (ODA)"
    seas = heading(doc, "The Seas")
    assert seas.path[-4:] == (
        "Assistance for Security and Stability",
        "Japan’s Efforts",
        "Capacity Building for Maritime, Outer Space, and Cyberspace Issues",
        "The Seas",
    )
    assert heading(doc, "Japan’s Efforts").style == "■"
    assert seas.style == "●"
    assert heading(doc, "Counter-Terrorism").level == heading(doc, "Enhancing the").level
    assert seas.level == heading(doc, "Measures against Drug Trafficking").level


def test_2018_sentence_starting_with_a_is_a_caption_not_a_heading(docs):
    doc = docs[ODA_2018]
    assert not any(t.startswith("local police officer") for t in titles(doc))
    caption = only_piece(doc, "A local police officer communicating")
    assert caption.kind == "caption"
    assert quote(doc, caption).endswith("(Photo: JICA)")


def test_2018_captions_printed_twice_become_one(docs):
    doc = docs[ODA_2018]
    for fragment in ("The 2nd Capacity Building Executive", "Foreign Minister Kono delivering"):
        caption = only_piece(doc, fragment)
        assert caption.kind == "caption" and caption.sentence == 1
    assert len([p for p in doc.pieces if p.kind == "caption"]) == 3


def test_2018_note_and_its_reference(docs):
    doc = docs[ODA_2018]
    notes = [p for p in doc.pieces if p.kind == "note"]
    assert [n.label for n in notes] == ["10"]
    assert quote(doc, notes[0]).startswith("From December 2012")
    referring = only_piece(doc, "(Note 10)")
    assert referring.kind == "body" and referring.note_refs == ("10",)


def test_2018_glossary_entries_and_asterisk_references(docs):
    doc = docs[ODA_2018]
    entries = [p for p in doc.pieces if p.kind == "glossary"]
    assert [e.label for e in entries] == ["Trafficking in persons", "Money laundering"]
    assert quote(doc, entries[1]).startswith("The act of disguising criminal proceeds")
    assert not pieces_containing(doc, "*Money laundering")
    assert heading(doc, "Glossary").path[-2:] == (
        "Assistance for Security and Stability",
        "Glossary",
    )
    first = only_piece(doc, "cybercrime, and money laundering*")
    assert first.note_refs == ("Trafficking in persons", "Money laundering")
    assert "Money laundering" in only_piece(doc, "against money laundering*").note_refs


def test_2018_abbreviations_and_enumerations_do_not_split(docs):
    doc = docs[ODA_2018]
    sentence = only_piece(doc, "(i) improvement of counter-terrorism capacity")
    assert "(iii) social and economic development" in quote(doc, sentence)
    assert quote(doc, only_piece(doc, "(face recognition")).endswith("explosives and drugs.")


# --- ODA White Paper 2021 ---------------------------------------------------------------------


def test_2021_heading_hierarchy_with_other_marker_order(docs):
    doc = docs[ODA_2021]
    assert heading(doc, "Assistance for Stability").level == 1
    assert heading(doc, "Japan’s Efforts").style == "●"
    assert heading(doc, "Outer Space").path == (
        "Assistance for Stability and Security",
        "Japan’s Efforts",
        "Capacity Building for Maritime, Outer Space, and Cyberspace Issues",
        "Outer Space",
    )


def test_2021_paragraphs_without_blank_lines(docs):
    doc = docs[ODA_2021]
    first = only_piece(doc, "Transnational organized crime and acts")
    second = only_piece(doc, "Effective response to these threats")
    assert first.paragraph == second.paragraph and (first.sentence, second.sentence) == (1, 2)
    next_paragraph = only_piece(doc, "As one of the examples, the National Police")
    assert next_paragraph.paragraph == only_piece(doc, "Based on the track records").paragraph + 1


def test_2021_photo_captions(docs):
    doc = docs[ODA_2021]
    captions = [quote(doc, p) for p in doc.pieces if p.kind == "caption"]
    assert len(captions) == 4 and all("(Photo:" in c for c in captions)


def test_2021_notes_and_references(docs):
    doc = docs[ODA_2021]
    notes = [p for p in doc.pieces if p.kind == "note"]
    assert [n.label for n in notes] == ["33", "34", "35", "36", "37", "38"]
    assert quote(doc, notes[-1]) == "See Note 4."
    assert notes[-1].note_refs == ()  # there is no note 4 in this section
    assert only_piece(doc, "trafficking in persons, Note 33").note_refs == ("33",)
    # "Note 35" printed after the full stop stays with its sentence.
    fatf = only_piece(doc, "money laundering Note 34")
    assert quote(doc, fatf).endswith("(FATF). Note 35") and fatf.note_refs == ("34", "35")
    assert quote(doc, only_piece(doc, "Note 36")).endswith("Code of Conduct. Note 36")
    assert only_piece(doc, "This Trust Fund has been used").note_refs == ()
    assert only_piece(doc, "(JAIF) Note 38").note_refs == ("38",)


def test_2021_numbers_are_not_note_references(docs):
    doc = docs[ODA_2021]
    for fragment in ("ALOS-2 based", "12th Mekong-Japan", "FY2021", "COVID-19 pandemic"):
        assert all(p.note_refs == () for p in pieces_containing(doc, fragment))
    assert only_piece(doc, "$15.53 million").note_refs == ("36",)  # from "Note 36", not "53"


# --- Diplomatic Bluebook 2023 -----------------------------------------------------------------


def test_bluebook_front_matter_and_levels(docs):
    doc = docs[BLUEBOOK]
    assert titles(doc)[:5] == [
        "Diplomatic Bluebook 2023",
        "Chapter 3",
        "Japan's Foreign Policy to Promote National and Global Interests",
        "Global Security",
        "Regional Security",
    ]
    assert [h.level for h in doc.headings[:5]] == [1, 2, 3, 4, 5]
    stance = heading(doc, "Basic Stance")
    assert stance.path[-3:] == ("The Oceans and Seas", "Maritime Order", "Basic Stance")
    assert (stance.style, heading(doc, "Maritime Order").style) == ("(A)", "A")
    assert heading(doc, "Middle East").path[-2:] == (
        "ODA and Other Cooperation to Facilitate Peacebuilding",
        "Middle East",
    )
    east_china_sea = heading(doc, "Challenge to Japan's Maritime Sovereignty")
    assert east_china_sea.title.endswith("(see Chapter 2, Section 2, 2(1) B(D) on page 50)")


def test_bluebook_map_captions_are_not_headings(docs):
    doc = docs[BLUEBOOK]
    for fragment in ("Uotsuri Island of Ishigaki City", "Large-scale, rapid outpost building"):
        piece = only_piece(doc, fragment)
        assert piece.kind == "caption"
        assert not quote(doc, piece).startswith("■")
        assert not any(t.startswith(fragment) for t in titles(doc))
    # The captions must not push the next heading deeper.
    assert (
        heading(doc, "Challenge to the Maritime Order").level == heading(doc, "Basic Stance").level
    )


def test_bluebook_captions_printed_twice_on_one_line(docs):
    doc = docs[BLUEBOOK]
    caption = only_piece(doc, "Japan-Australia “2+2” (December 9, Tokyo)")
    assert quote(doc, caption) == "Japan-Australia “2+2” (December 9, Tokyo)"
    assert caption.kind == "caption"
    nato = only_piece(doc, "NATO Secretary General Stoltenberg (June 29")
    assert quote(doc, nato).endswith("Photo: Cabinet Public Affairs Office)")
    assert quote(doc, nato).count("Meeting between") == 1


def test_bluebook_footnotes_and_glued_references(docs):
    doc = docs[BLUEBOOK]
    notes = [p for p in doc.pieces if p.kind == "note"]
    assert [n.label for n in notes] == [str(n) for n in range(3, 16)]
    assert quote(doc, notes[0]).startswith("In this context, “ship-to-ship transfers”")
    assert "3" in only_piece(doc, "ship-to-ship transfers,3").note_refs
    assert only_piece(doc, "(ARF)6").note_refs == ("6",)
    assert only_piece(doc, "(PBF),15").note_refs == ("15",)
    assert only_piece(doc, "Myanmar,10").note_refs == ("10",)
    assert only_piece(doc, "WannaCry5").note_refs == ("5",)
    assert only_piece(doc, "Navigation Operations.8").note_refs == ("8",)
    assert only_piece(doc, "“Horn of Africa,”12").note_refs == ("12",)
    for fragment in ("(track 1.5)", "(“2+2”) was launched", "15.53 million US", "(AR6)"):
        assert only_piece(doc, fragment).note_refs == ()


def test_bluebook_column(docs):
    doc = docs[BLUEBOOK]
    column = heading(doc, "Participating in the Program for Global Human Resource")
    assert column.style == "column"
    assert column.path[-2] == "Countering Terrorism and Violent Extremism"
    opening = only_piece(doc, "My name is TAKAO Ryoko.")
    assert opening.kind == "column" and opening.section_path == column.path
    caption = only_piece(doc, "Former MILF combatant receiving support")
    assert caption.kind == "caption" and caption.section_path == column.path
    inside = [p for p in doc.pieces if p.section_path[-1:] == (column.title,)]
    assert {p.kind for p in inside} == {"column", "caption"}
    after = only_piece(doc, "The UN Congress on Crime Prevention")
    assert after.kind == "body" and column.title not in after.section_path
    assert doc.headings[doc.headings.index(column) + 1].title == "Criminal Justice Initiatives"


def test_bluebook_abbreviations(docs):
    doc = docs[BLUEBOOK]
    assert quote(doc, only_piece(doc, "the U.S. Coast Guard")).startswith("“SAPPHIRE” is")
    assert quote(doc, only_piece(doc, "Vice President of the U.S. Kamala")).startswith("In April")
    ends_with_us = only_piece(doc, "supporting the announcement by the U.S.")
    assert quote(doc, ends_with_us).endswith("by the U.S.")
    assert only_piece(doc, "when Ms. Elizabeth Spehar").sentence == 2


def test_kind_counts_are_stable(docs):
    counts = {
        name: {kind: sum(p.kind == kind for p in doc.pieces) for kind in KINDS}
        for name, doc in docs.items()
    }
    assert counts[ODA_2018]["note"] == 1 and counts[ODA_2018]["glossary"] == 2
    assert counts[ODA_2021]["note"] == 6 and counts[ODA_2021]["column"] == 0
    assert counts[BLUEBOOK]["note"] == 13 and counts[BLUEBOOK]["caption"] == 6


# --- made-up snippets in other editions' styles -------------------------------------------


def test_angle_bracket_and_pipe_headings_with_crlf():
    text = (
        "(2) Assistance for Peace\r\n"
        "<Japan's Efforts>\r\n"
        "| Enhancing Police Capacity\r\n"
        "Japan trains police officers. It also sends experts (Note 10).\r\n"
        "| Counter-Terrorism\r\n"
        "Japan provides equipment.\r\n"
        "<Challenges>\r\n"
        "Much remains to be done.\r\n"
        "  1. Note 10: Experts are sent by JICA.\r\n"
    )
    doc = read_document(text)
    assert [(h.title, h.style, h.level) for h in doc.headings] == [
        ("Assistance for Peace", "(1)", 1),
        ("Japan's Efforts", "<>", 2),
        ("Enhancing Police Capacity", "|", 3),
        ("Counter-Terrorism", "|", 3),
        ("Challenges", "<>", 2),
    ]
    for piece in doc.pieces:
        assert "\r" not in quote(doc, piece) and "\n" not in quote(doc, piece)
    note = doc.pieces[-1]
    assert (note.kind, note.label, quote(doc, note)) == ("note", "10", "Experts are sent by JICA.")
    assert only_piece(doc, "It also sends experts").note_refs == ("10",)
    assert only_piece(doc, "Much remains").section_path == ("Assistance for Peace", "Challenges")


@pytest.mark.parametrize("bullet", ["•", "• "])
def test_bullet_headings_and_bullet_footnotes(bullet):
    text = (
        "Section 2 Peace and Stability\n\n"
        f"{bullet}Enhancing the Capabilities of Security Authorities\n\n"
        "Japan supports police reform.\n\n"
        f"{bullet}Counter-Terrorism\n\n"
        "Japan helps with border control.3 It also trains officers in G7 countries.\n\n"
        "  • 3 Border control includes customs and immigration.\n"
    )
    doc = read_document(text)
    assert [(h.title, h.level) for h in doc.headings] == [
        ("Peace and Stability", 1),
        ("Enhancing the Capabilities of Security Authorities", 2),
        ("Counter-Terrorism", 2),
    ]
    assert only_piece(doc, "border control.3").note_refs == ("3",)
    assert only_piece(doc, "G7 countries").note_refs == ()
    note = only_piece(doc, "Border control includes")
    assert (note.kind, note.label) == ("note", "3")


def test_letter_headings_versus_sentences_starting_with_a():
    text = (
        "A Maritime Order\n\n"
        "Japan is a maritime nation.\n\n"
        "A local police officer talks with citizens\n\n"
        "A New Partnership for Peace\n\n"
        "Japan works with partners.\n"
    )
    doc = read_document(text)
    assert titles(doc) == ["Maritime Order", "New Partnership for Peace"]
    assert only_piece(doc, "A local police officer").kind == "body"


def test_hard_wrapped_paragraphs_are_joined_and_split_into_sentences():
    text = (
        "1 Global Security\n\n"
        "Japan is a maritime nation and depends on the sea\n"
        "for trade and food. It supports the rule of law\n"
        "at sea.\n\n"
        "Second paragraph.\n"
    )
    doc = read_document(text)
    body = [p for p in doc.pieces if p.kind == "body"]
    assert [(p.paragraph, p.sentence) for p in body] == [(2, 1), (2, 2), (3, 1)]
    assert quote(doc, body[1]) == "It supports the rule of law\nat sea."


def test_repeated_paragraph_without_photo_credit_is_one_caption():
    text = (
        "■Japan’s Efforts\n"
        "Minister Kono delivering a speech in Tokyo\n"
        "Minister Kono delivering a speech in Tokyo\n"
        "Japan builds capacity.\n"
    )
    doc = read_document(text)
    caption = only_piece(doc, "Minister Kono")
    assert caption.kind == "caption" and caption.paragraph == 2
    assert only_piece(doc, "Japan builds capacity.").paragraph == 3
    assert heading(doc, "Japan’s Efforts").style == "■"


def test_heading_without_content_is_a_caption_and_does_not_take_a_level():
    text = (
        "(1) Seas\n"
        "Japan patrols the seas.\n"
        "● Map of the Region\n"
        "(2) Space\n"
        "● Satellites\n"
        "Japan launches satellites.\n"
    )
    doc = read_document(text)
    assert only_piece(doc, "Map of the Region").kind == "caption"
    assert [(h.title, h.level) for h in doc.headings] == [
        ("Seas", 1),
        ("Space", 1),
        ("Satellites", 2),
    ]


def test_glossary_block_with_several_definition_lines():
    text = (
        "(1) Crime\n\n"
        "Japan fights money laundering* and Trafficking in Persons*.\n\n"
        "Glossary\n"
        "*Money laundering\n"
        "Disguising criminal proceeds.\n"
        "It hides funds.\n"
        "*Trafficking in persons\n"
        "Exploitation of persons.\n\n"
        "- Note 4: A note after the glossary.\n"
    )
    doc = read_document(text)
    entries = [p for p in doc.pieces if p.kind == "glossary"]
    assert [(e.label, quote(doc, e)) for e in entries] == [
        ("Money laundering", "Disguising criminal proceeds.\nIt hides funds."),
        ("Trafficking in persons", "Exploitation of persons."),
    ]
    assert only_piece(doc, "Japan fights").note_refs == (
        "Money laundering",
        "Trafficking in persons",
    )
    note = only_piece(doc, "A note after the glossary.")
    assert note.kind == "note" and "Glossary" not in note.section_path


def test_column_detected_by_first_person_voice():
    text = (
        "A Peacebuilding\n\n"
        "Japan supports peacebuilding.\n\n"
        "Working with Farmers in Mindanao Sato Hanako, JICA Expert\n\n"
        "My name is Sato. I work with farmers.\n\n"
        "The region has suffered from conflict.\n\n"
        "I hope to continue this work.\n\n"
        "B Criminal Justice\n\n"
        "Japan supports UNODC.\n"
    )
    doc = read_document(text)
    column = heading(doc, "Working with Farmers")
    assert column.style == "column" and column.path[0] == "Peacebuilding"
    assert {p.kind for p in doc.pieces if p.section_path[-1:] == (column.title,)} == {"column"}
    assert only_piece(doc, "The region has suffered").kind == "column"
    assert only_piece(doc, "Japan supports UNODC.").kind == "body"


def test_stray_title_line_without_first_person_text_is_a_caption():
    text = (
        "A Peacebuilding\n\nJapan supports peace.\n\n"
        "Number of Piracy Incidents in Asia\n\nIt fell.\n"
    )
    doc = read_document(text)
    assert only_piece(doc, "Number of Piracy Incidents").kind == "caption"
    assert titles(doc) == ["Peacebuilding"]
