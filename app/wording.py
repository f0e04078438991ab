"""Counts with their nouns, in English: "1 entry", "2,500 entries"."""

from __future__ import annotations

PLURALS = {"entry": "entries"}  # nouns that do not just take an "s"


def noun_for(number: int, noun: str) -> str:
    """`noun` in the singular or the plural, as `number` needs."""
    return noun if number == 1 else PLURALS.get(noun, noun + "s")


def counted(number: int, noun: str) -> str:
    """`number`, with thousands separators, and `noun` as it needs."""
    return f"{number:,} {noun_for(number, noun)}"
