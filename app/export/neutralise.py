"""Spreadsheet formula injection: text that Excel, LibreOffice or Sheets would run is defused.

A cell whose text begins with `=`, `+`, `-` or `@`, with a tab, carriage return or line feed,
or with the full-width (＝ ＋ － ＠) or small (﹦ ﹢ ﹣ ﹫) forms of those signs, is a formula to
a spreadsheet, and so is one that begins with such a sign after spaces. Following OWASP's
advice (https://owasp.org/www-community/attacks/CSV_Injection), such a cell gets a leading
apostrophe: spreadsheets show it as text and hide the apostrophe. Numbers stay numbers: ints and
floats, and text that is only a plain decimal number such as "-5" or "1.5", are left alone.
`restore` gives back the original text of a cell.
"""

from __future__ import annotations

import re

# What makes a spreadsheet treat a cell as a formula (or run DDE through one).
TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠﹦﹢﹣﹫")
PREFIX = "'"
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_dangerous(text: str) -> bool:
    """True if a spreadsheet could read the text as a formula."""
    if not text:
        return False
    first = text[0]
    if first not in TRIGGERS:
        stripped = text.lstrip()
        if not stripped or stripped[0] not in TRIGGERS:
            return False
    return NUMBER.fullmatch(text.strip()) is None


def needs_prefix(text: str) -> bool:
    """Dangerous, or dangerous once a spreadsheet drops apostrophes already in front of it."""
    return is_dangerous(text) or (text.startswith(PREFIX) and needs_prefix(text[len(PREFIX) :]))


def neutralise(value):
    """The value as a spreadsheet cell: dangerous text prefixed with an apostrophe. Text that
    already looks neutralised ("'=1") gets one too, so that `restore` undoes every change and
    a spreadsheet shows the original text. Apply it once, to the original value."""
    if isinstance(value, str) and needs_prefix(value):
        return PREFIX + value
    return value


# A cell can need the prefix only if it starts with one of these or with a space (see above).
RISKY_FIRST = TRIGGERS | {PREFIX}


def restore(text: str) -> str:
    """The original text of a neutralised cell (what `neutralise` was given)."""
    if text.startswith(PREFIX) and needs_prefix(text[len(PREFIX) :]):
        return text[len(PREFIX) :]
    return text
