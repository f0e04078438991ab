"""Loads the data files in resources/: column specs and the domain taxonomy."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from app.paths import resources_dir


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    title: str
    width: int
    table: bool


@dataclass(frozen=True)
class Domain:
    id: str
    label: str
    heading: tuple[str, ...]
    keywords: tuple[str, ...]


def load_toml(name: str) -> dict:
    with open(resources_dir() / name, "rb") as fh:
        return tomllib.load(fh)


@cache
def columns() -> tuple[Column, ...]:
    return tuple(Column(**c) for c in load_toml("columns.toml")["column"])


@cache
def domains() -> tuple[Domain, ...]:
    return tuple(
        Domain(d["id"], d["label"], tuple(d["heading"]), tuple(d["keywords"]))
        for d in load_toml("domains.toml")["domain"]
    )
