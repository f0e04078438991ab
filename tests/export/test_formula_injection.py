"""Spreadsheet formula injection: text cells that a spreadsheet would run get a leading
apostrophe (OWASP), in the CSV and in the clipboard copy; numbers stay numbers."""

import csv

import pytest

from app.export.csv_export import export_csv, header
from app.export.neutralise import TRIGGERS, is_dangerous, neutralise, restore

DANGEROUS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\n=1",
    '=HYPERLINK("http://evil","click")',
    "=cmd|' /C calc'!A0",
    "   =1+1",
    "\u3000=1",  # an ideographic space first
    "\xa0+A1",
    "'=1",  # looks neutralised already: one more, so restore() gives it back
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "  ＝A1",
    "-",
    "+",
    "-5+5",
    "- bullet point",
    "@",
]
SAFE = ["", "Japan", "5", "-5", "+5", "1.5", "-1.5", " -5 ", "1e5", "-2E-3", "a=b", "'a", "5-3"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_dangerous_text_gets_a_leading_apostrophe(text):
    assert is_dangerous(text) or is_dangerous(text[1:])
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", SAFE)
def test_safe_text_and_numbers_are_unchanged(text):
    assert neutralise(text) == text
    assert restore(text) == text


@pytest.mark.parametrize("value", [-5, 1.5, 0, -0.25, None, 2023])
def test_numbers_are_never_touched(value):
    assert neutralise(value) is value


def test_every_trigger_is_covered():
    assert {"=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠"} <= TRIGGERS


def test_csv_cells_are_neutralised_and_numbers_are_not(tmp_path):
    row = {c: "" for c in header()}
    row.update(
        entry_id="=1+1",
        section="  @SUM(A1)",
        quote="－1 said the cell",
        countries="\tVNM",
        figures="-5",
        start=-5,
        end=1.5,
    )
    out = tmp_path / "x.csv"
    export_csv([row], out)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        back = dict(zip(header(), list(csv.reader(fh))[1], strict=True))
    assert back["entry_id"] == "'=1+1"
    assert back["section"] == "'  @SUM(A1)"
    assert back["quote"] == "'－1 said the cell"
    assert back["countries"] == "'\tVNM"
    assert back["figures"] == "-5" and back["start"] == "-5" and back["end"] == "1.5"


def test_clipboard_text_is_neutralised_too():
    pytest.importorskip("PySide6")
    from app.gui.main_window import tsv

    row = {c: "" for c in header()}
    row.update(quote='=HYPERLINK("http://x")', section="\t+A1", figures="-5", start=3)
    lines = tsv([row]).split("\r\n")
    cells = dict(zip(header(), lines[1].split("\t"), strict=True))
    assert cells["quote"] == '\'=HYPERLINK("http://x")'
    assert cells["section"] == "'+A1"  # the tab became a space, dropped at the start
    assert cells["figures"] == "-5" and cells["start"] == "3"
