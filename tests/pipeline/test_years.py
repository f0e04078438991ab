"""Tests for year, fiscal-year and period extraction."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from app.pipeline.years import find_years

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"


def years(text: str) -> list[tuple[str, int, int | None, str]]:
    return [(y.kind, y.year_from, y.year_to, y.text) for y in find_years(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In 2018, frequent terror attacks", [("year", 2018, 2018, "2018")]),
        ("visited Japan in November 2022.", [("year", 2022, 2022, "2022")]),
        ("From December 2012, the UNDP", [("since", 2012, None, "From December 2012")]),
        ("at Cyber Initiative Tokyo 2018, held", [("year", 2018, 2018, "2018")]),
        ("As of December 31, 2022, Japan", [("year", 2022, 2022, "2022")]),
        ("towards the achievement of the 2030 Agenda", [("year", 2030, 2030, "2030")]),
        ("in FY2021, Japan provided", [("fiscal", 2021, 2021, "FY2021")]),
        ("even after FY 2018, which", [("fiscal", 2018, 2018, "FY 2018")]),
        ("in fiscal year 2021", [("fiscal", 2021, 2021, "fiscal year 2021")]),
        ("Authorization Act for Fiscal Year 2019", [("fiscal", 2019, 2019, "Fiscal Year 2019")]),
        ("Furthermore, since FY2018, the Ministry", [("since", 2018, None, "since FY2018")]),
        ("Starting in FY2021, the EU", [("since", 2021, None, "Starting in FY2021")]),
        ("since 2007, Japan has disbursed", [("since", 2007, None, "since 2007")]),
        ("since April 2019, Japan has", [("since", 2019, None, "since April 2019")]),
        ("the ISS until 2030.", [("until", 2030, 2030, "until 2030")]),
        ("people, from 2016 to 2018 for", [("range", 2016, 2018, "from 2016 to 2018")]),
        ("the period of 2022 to 2023 based", [("range", 2022, 2023, "2022 to 2023")]),
        ("in 2016-2018", [("range", 2016, 2018, "2016-2018")]),
        ("in 2016–2018", [("range", 2016, 2018, "2016–2018")]),
        ("in 2016–18", [("range", 2016, 2018, "2016–18")]),
        ("FY2016-FY2018", [("range", 2016, 2018, "FY2016-FY2018")]),
        ("between 2008 and 2022 to", [("range", 2008, 2022, "between 2008 and 2022")]),
        (
            "suspended in 2020 and 2021 due to",
            [("year", 2020, 2020, "2020"), ("year", 2021, 2021, "2021")],
        ),
        (
            "held in Tokyo from May 19 to 25, 2018.",
            [("year", 2018, 2018, "2018")],
        ),
        (
            "62 in 2020, 56 in 2021, and 58 in 2022.",
            [
                ("year", 2020, 2020, "2020"),
                ("year", 2021, 2021, "2021"),
                ("year", 2022, 2022, "2022"),
            ],
        ),
        ("the Arch Summit in 1989.", [("year", 1989, 1989, "1989")]),
    ],
)
def test_years(text, expected):
    assert years(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "UN Security Council resolution 2375 (adopted",
        "in accordance with resolution 1373, and",
        "the Japan-Australia “2+2” meeting",
        "Japan provided $2,000 and $2000 and 2000 yen",
        "the training of 2,653 personnel",
        "the COVID-19 pandemic",
        "call 03-2018-5555 or +81-2018",
        "Note 2012 explains",
        "approximately 2020% of",
        "version 2018.1",
        "in 1944 and 2100",
        "FY2021a",
    ],
)
def test_not_years(text):
    assert find_years(text) == []


def test_each_range_is_one_mention_with_absolute_offsets():
    text = "Japan will help train people from 2016 to 2018."
    [mention] = find_years(text, base=500)
    assert (mention.kind, mention.year_from, mention.year_to) == ("range", 2016, 2018)
    assert text[mention.start - 500 : mention.end - 500] == mention.text == "from 2016 to 2018"


def test_sample_document_mentions_quote_the_text():
    text = (SOURCES / "oda-white-paper-2021-stability-security.txt").read_text(encoding="utf-8")
    found = find_years(text)
    assert found, "the sample mentions many years"
    for mention in found:
        assert text[mention.start : mention.end] == mention.text
        assert 1945 <= mention.year_from <= 2099
    kinds = {(m.kind, m.text) for m in found}
    assert ("since", "since FY2018") in kinds
    assert ("fiscal", "FY2021") in kinds
    assert ("since", "since 2007") in kinds
    # No mention overlaps another.
    spans = sorted((m.start, m.end) for m in found)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(spans))
