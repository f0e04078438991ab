"""Tests for the sentence splitter."""

import pytest

from app.pipeline.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text, 0, len(text))]


def test_spans_are_absolute_and_trimmed():
    text = "XX  First one.  Second one.  YY"
    spans = split_sentences(text, 2, len(text) - 2)
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one."]
    assert spans[0] == (4, 14)


def test_empty_or_blank_span_gives_no_sentences():
    assert split_sentences("   ", 0, 3) == []


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Coast Guard trained officers from Viet Nam.",
        "Vice President of the U.S. Kamala Harris announced a ban.",
        "Japan and the U.K. signed the agreement in May.",
        "Mr. Tanaka and Ms. Sato met Dr. Lee in Tokyo.",
        "The resolution No. 2375 was adopted.",
        "The budget was approx. 5 billion yen.",
        "Space objects, e.g. satellites, are tracked, i.e. monitored.",
        "Tools (face recognition, fingerprints, etc.) are used.",
        "Drugs, firearms, etc. are trafficked.",
        "The meeting on Jan. 5 was held in Tokyo.",
        "It was named after John F. Kennedy in 1963.",
        "Japan contributed a total of $15.53 million to the fund.",
        "The areas are: (i) improvement of capacity, (ii) measures and (iii) support.",
        "Dialogue is held at track 1.5 level. Note 33",
        # The bracket closes around the abbreviation, not the sentence (the Bluebook's entry
        # stopped at "U.S.)", and the next began "Counter-Terrorism tabletop exercise, …").
        "The Quad (Japan-Australia-India-U.S.) Counter-Terrorism tabletop exercise was held.",
        "Japan met Australia and the U.S. (and others, e.g.) Prime Ministers agreed.",
    ],
)
def test_no_false_sentence_breaks(text):
    assert sentences(text) == [text]


def test_initialism_ends_sentence_before_a_sentence_starter():
    text = "Japan welcomed the announcement by the U.S. In addition, it made a statement."
    assert sentences(text) == [
        "Japan welcomed the announcement by the U.S.",
        "In addition, it made a statement.",
    ]


def test_closing_quote_and_bracket_after_the_period():
    text = (
        "Japan called it “Asia resilient to terrorism.” These include scanners. (See below.) Next."
    )
    assert sentences(text) == [
        "Japan called it “Asia resilient to terrorism.”",
        "These include scanners.",
        "(See below.)",
        "Next.",
    ]


def test_a_bracket_closing_after_an_initialism_ends_the_sentence_before_a_starter():
    text = (
        "Japan met the Quad (Japan-Australia-India-U.S.). It agreed. Talks (with the U.S.) The end."
    )
    assert sentences(text) == [
        "Japan met the Quad (Japan-Australia-India-U.S.).",
        "It agreed.",
        "Talks (with the U.S.)",
        "The end.",
    ]


def test_etc_before_a_capital_ends_the_sentence():
    assert sentences("It covers drugs, arms, etc. The plan follows.") == [
        "It covers drugs, arms, etc.",
        "The plan follows.",
    ]


def test_note_markers_stay_with_the_sentence_they_annotate():
    text = (
        "Japan funds the Code of Conduct. Note 36 This Fund trains officers. "
        "It fights piracy.(Note 10) Also, it trains staff. "
        "Japan supports the Operations.8 The plan works."
    )
    assert sentences(text) == [
        "Japan funds the Code of Conduct. Note 36",
        "This Fund trains officers.",
        "It fights piracy.(Note 10)",
        "Also, it trains staff.",
        "Japan supports the Operations.8",
        "The plan works.",
    ]


def test_question_exclamation_and_japanese_full_stop():
    assert sentences("Why now? Because! 日本は支援する。次に進む。") == [
        "Why now?",
        "Because!",
        "日本は支援する。",
        "次に進む。",
    ]


def test_lowercase_after_period_does_not_split():
    assert sentences("The G7 vs. others debate continued. it ended.") == [
        "The G7 vs. others debate continued. it ended."
    ]
