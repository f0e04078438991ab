"""Counts with their nouns, in English: "1 entry", "2,500 entries"."""

from __future__ import annotations

PLURALS = {"entry": "entries"}  # nouns that do not just take an "s"


def counted(number: int, noun: str) -> str:
    """`number`, with thousands separators, and `noun` in the singular or plural it needs."""
    return f"{number:,} {noun if number == 1 else PLURALS.get(noun, noun + 's')}"
