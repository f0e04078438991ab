"""Finds countries (ISO 3166-1 alpha-3) and regions, groupings and seas named in report text."""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from app.pipeline.model import Mention
from app.resources import load_toml

DONOR = "JPN"

# What a matched name stands for.
COUNTRY, REGION, BLOCK = "country", "region", "block"
UNCODED = "uncoded"  # a place meant, but no one country code: "Korea", "Kosovo"

# Same-length substitutions only, so that offsets found in the folded text hold in the original:
# curly apostrophes and the dash variants read as their ASCII forms ("Mauritius’", "Japan–India").
_FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u00a0": " ",
    }
)

_FOLD_PAIRS = tuple((chr(code), plain) for code, plain in _FOLD.items())

# Capitalised words that may precede a country at the start of a sentence without making it a
# person's surname ("In Chad, ...", "Both Jordan and ...").
_FUNCTION_WORDS = frozenset(
    "The In On At To For From With And Both Of By As While Since Including Also Like Unlike".split()
)
_HONORIFIC = re.compile(r"(?:Mr|Ms|Mrs|Dr|Prof|President|Minister|King|Queen)\.?\s+$")
_WORD_BEFORE = re.compile(r"([A-Z][a-z]+) $")
_WORD_AFTER = re.compile(r" [A-Z][a-z]")


@dataclass(frozen=True)
class Region:
    """A region, grouping or sea: its fixed id, display name, kind and fixed members, if any."""

    id: str
    name: str
    kind: str  # "region", "grouping" or "sea"
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Target:
    """What one written name stands for."""

    kind: str  # COUNTRY, REGION, UNCODED or BLOCK
    ids: tuple[str, ...]
    person_name: bool = False  # also a person's name: "Chad", "Jordan"


@dataclass(frozen=True)
class _Catalogue:
    names: dict[str, _Target]  # folded name -> target, for running text (case-sensitive)
    pattern: re.Pattern[str]  # one alternation over every name in `names`
    # The same over the names that start with a capital (or no letter), and a word of each of
    # the others ("sub-Saharan Africa", "southern Africa"): where none of those words is
    # written, `capitalised` finds what `pattern` does, and much quicker, as `re` skips
    # straight to capitals instead of stopping at every "s", "c" or "e".
    capitalised: re.Pattern[str]
    lowercase_words: tuple[str, ...]
    # A few words, one of which each of those spellings holds ("Africa"): where none is
    # written, no such name is either, and one test spares the others.
    lowercase_shared: tuple[str, ...]
    lookup: dict[str, str]  # search key -> alpha-3, for resolve_country
    display: dict[str, str]  # alpha-3 -> display name
    regions: tuple[Region, ...]


def find_places(text: str, base: int = 0) -> tuple[list[Mention], list[Mention]]:
    """The country mentions and the region mentions in `text`, offsets shifted by `base`."""
    catalogue = _catalogue()
    folded = text if text.isascii() else _folded(text)
    countries: list[Mention] = []
    regions: list[Mention] = []
    pattern = catalogue.pattern if _may_name_lowercase(folded) else catalogue.capitalised
    for match in pattern.finditer(folded):
        written = match.group()
        country, role, region_ids, person_name = _reading(written)
        if person_name and _is_person(folded, match):
            continue
        start, end = match.span()
        if folded is not text:
            written = text[start:end]  # as written, not as folded
        start += base
        end += base
        if country:
            countries.append(Mention(country, start, end, written, role))
        for region_id in region_ids:
            regions.append(Mention(region_id, start, end, written))
    return countries, regions


def country_called(written: str) -> str | None:
    """The code of the country that `written`, all of it, names in running text (a name, an
    alias or an adjective: "Philippine"), else None."""
    return _place_called(written, COUNTRY)


def region_called(written: str) -> str | None:
    """The id of the region that `written`, all of it, names ("European": "europe"), else None."""
    return _place_called(written, REGION)


def no_country_called(written: str) -> bool:
    """Whether `written`, all of it, is a name that designates no country code though a place
    is meant: an ambiguous name ("Korea", "Congo") or a state with no ISO 3166 code
    ("Kosovo"), as countries.toml's [text] lists them; not a block ("French-speaking")."""
    target = _written_target(written)
    return target is not None and target.kind == UNCODED


def _place_called(written: str, kind: str) -> str | None:
    target = _written_target(written)
    return target.ids[0] if target is not None and target.kind == kind else None


def _written_target(written: str) -> _Target | None:
    # ASCII needs no folding (every folded character is not ASCII), only single spaces.
    key = " ".join(written.split()) if written.isascii() else _name_key(written)
    return _catalogue().names.get(key)


def _may_name_lowercase(folded: str) -> bool:
    """Whether `folded` may hold a name starting with a small letter ("southern Africa"): only
    where one of the shared words is written, and one of the words of those names."""
    catalogue = _catalogue()
    # A loop rather than any(map(...)): there is mostly one shared word, and most text has none.
    for shared in catalogue.lowercase_shared:
        if shared in folded:
            return any(map(folded.__contains__, catalogue.lowercase_words))
    return False


def country_name(code: str) -> str:
    """The short name the reports use for an alpha-3 code ("VNM" -> "Viet Nam")."""
    return _catalogue().display[code.upper()]


def resolve_country(query: str) -> str | None:
    """The alpha-3 code a search-box query names ("viet nam", "VN", "U.S."), or None."""
    return _catalogue().lookup.get(_search_key(query))


def regions() -> list[Region]:
    """Every region, grouping and sea, in the order of resources/regions.toml."""
    return list(_catalogue().regions)


def region_members(region_id: str) -> tuple[str, ...]:
    """The alpha-3 members of a region; empty when its membership is not fixed."""
    for region in _catalogue().regions:
        if region.id == region_id:
            return region.members
    raise KeyError(region_id)


def _is_person(text: str, match: re.Match[str]) -> bool:
    """True when a name that is also a given name or surname is used as one ("Chad Smith")."""
    before = text[max(0, match.start() - 40) : match.start()]
    if _HONORIFIC.search(before):
        return True
    word = _WORD_BEFORE.search(before)
    if word and word.group(1) not in _FUNCTION_WORDS:
        return True
    return bool(_WORD_AFTER.match(text, match.end()))


def _folded(text: str) -> str:
    """text.translate(_FOLD), made quicker: translate() looks up each character of a text in
    the table (most non-ASCII text has only other letters or quotes, looked up for nothing),
    replace() skips to the few characters folded. Each is replaced by a character
    that is itself left alone, so one after another they fold as translate() does at once."""
    for char, plain in _FOLD_PAIRS:
        if char in text:
            text = text.replace(char, plain)
    return text


def _target(written: str) -> _Target:
    return _catalogue().names[_name_key(written)]


@lru_cache(maxsize=4096)  # names are written in few ways: each is looked up once
def _reading(written: str) -> tuple[str | None, str, tuple[str, ...], bool]:
    """What a name written so adds, in the few values find_places() needs for each match
    (rather than a _Target whose kind it tests each time): (the country's code or None, its
    role, the regions' ids, whether it is also a person's name). A block adds nothing."""
    target = _target(written)
    if target.kind == COUNTRY:
        (code,) = target.ids  # a country name names one country
        return code, "donor" if code == DONOR else "partner", (), target.person_name
    if target.kind == REGION:
        return None, "", target.ids, target.person_name
    return None, "", (), False


def _name_key(name: str) -> str:
    """How a written name is keyed: folded punctuation, NFC, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name.translate(_FOLD)).split())


def _search_key(query: str) -> str:
    """How a search query is keyed: as _name_key, case- and accent-insensitive, no "the"."""
    key = _name_key(query).casefold()
    key = "".join(c for c in unicodedata.normalize("NFD", key) if not unicodedata.combining(c))
    return key.removeprefix("the ").strip()


_made: list[_Catalogue] = []  # the one _catalogue() makes
_making = threading.Lock()


def _catalogue() -> _Catalogue:
    """The names, their patterns and the regions, made once. The window makes them in a
    background thread; a key typed meanwhile waits for that rather than making them again in
    the window's thread (about 140 ms)."""
    if not _made:
        with _making:
            if not _made:
                _made.append(_make_catalogue())
    return _made[0]


def _new_lock_after_fork() -> None:
    # A process forked while another thread was making them would otherwise wait for ever.
    global _making
    _making = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_lock_after_fork)


def _make_catalogue() -> _Catalogue:
    countries = _load("countries.toml")
    region_data = _load("regions.toml")
    known = {c.alpha_3 for c in pycountry.countries}
    typos = sorted(set(countries["countries"]) - known)
    if typos:
        raise ValueError(f"countries.toml: codes unknown to ISO 3166-1: {typos}")
    region_list = tuple(_region(entry, known) for entry in region_data["region"])
    names = _text_names(countries, region_data, {r.id for r in region_list})
    return _Catalogue(
        names=names,
        pattern=_compile(names),
        capitalised=_compile({n: t for n, t in names.items() if not n[0].islower()}),
        lowercase_words=_lowercase_words(names),
        lowercase_shared=_shared_words(_lowercase_spellings(names)),
        lookup=_search_index(countries),
        display=_display_names(countries),
        regions=region_list,
    )


def _load(file_name: str) -> dict:
    return load_toml(file_name)


def _region(entry: dict, known: set[str]) -> Region:
    members = tuple(entry.get("members", ()))
    unknown = [code for code in members if code not in known]
    if unknown:
        raise ValueError(f"region {entry['id']}: unknown members {unknown}")
    return Region(entry["id"], entry["name"], entry["kind"], members)


def _prose_names(country: pycountry.db.Country) -> list[str]:
    """pycountry's names as prose writes them: none inverted ("Korea, Republic of") or
    parenthesised ("Holy See (Vatican City State)"), and without a leading "the"."""
    names = [getattr(country, attr, None) for attr in ("name", "common_name", "official_name")]
    return [
        name.removeprefix("the ") for name in names if name and "," not in name and "(" not in name
    ]


def _text_names(countries: dict, region_data: dict, region_ids: set[str]) -> dict[str, _Target]:
    """Every name matched in running text. Later layers override earlier ones: blocks and
    ambiguous names beat regions, which beat countries ("Congo" is pycountry's Republic of
    the Congo, but in prose it may be either)."""
    person_names = set(countries["text"].get("person_names", ()))
    names: dict[str, _Target] = {}

    def add(name: str, target: _Target) -> None:
        names[_name_key(name)] = target

    for country in pycountry.countries:
        for name in _prose_names(country):
            add(name, _Target(COUNTRY, (country.alpha_3,), name in person_names))
    for code, entry in countries["countries"].items():
        for name in entry.get("aliases", []) + entry.get("demonyms", []):
            add(name, _Target(COUNTRY, (code,), name in person_names))
    for entry in region_data["region"]:
        for pattern in entry["patterns"]:
            add(pattern, _Target(REGION, (entry["id"],)))
    for entry in region_data.get("combined", ()):
        unknown = set(entry["regions"]) - region_ids
        if unknown:
            raise ValueError(f"combined pattern {entry['pattern']!r}: unknown {sorted(unknown)}")
        add(entry["pattern"], _Target(REGION, tuple(entry["regions"])))
    text = countries["text"]
    for name in text.get("ambiguous", []) + text.get("uncoded", []):
        add(name, _Target(UNCODED, ()))
    for name in text.get("blocks", []):
        add(name, _Target(BLOCK, ()))
    return names


def _compile(names: dict[str, _Target]) -> re.Pattern[str]:
    """One regex over all names, built as a character trie so that each position is tried
    once rather than once per name; greedy branches make the longest name win, and the
    boundaries let hyphens and apostrophes through ("Japan-India", "Japan's")."""
    trie: dict = {}
    for name in names:
        # Also accept the decomposed spelling ("Co\u0302te d'Ivoire") a PDF extraction may give.
        for spelling in {name, unicodedata.normalize("NFD", name)}:
            node = trie
            for char in spelling:
                node = node.setdefault(char, {})
            node[""] = {}
    # After a name ending in a letter no letter may follow; after one ending in punctuation
    # ("U.S.", "US$") anything may, so that "US$120" is the blocked "US$", not "US".
    end = r"(?:(?<=\w)(?!\w)|(?<!\w))"
    # No word character before a name: tested after its first character rather than in front
    # of the whole pattern, so that the pattern starts with plain characters and `re` skips
    # to where a name can start instead of trying the trie at every position.
    first = []
    for char, child in trie.items():
        if char:
            pattern = _char_regex(char)  # names start with no space: one character wide
            first.append(f"{pattern}(?<!\\w{pattern}){_trie_regex(child)}")
    return re.compile("(?:" + "|".join(first) + ")" + end)


def _trie_regex(node: dict) -> str:
    branches = [_char_regex(char) + _trie_regex(child) for char, child in node.items() if char]
    if not branches:
        return ""
    ends_here = "" in node
    if len(branches) == 1 and not ends_here:
        return branches[0]
    group = "(?:" + "|".join(branches) + ")"
    return group + "?" if ends_here else group


def _char_regex(char: str) -> str:
    # A space in a name stands for any run of whitespace: sentences may wrap mid-name.
    return r"\s+" if char == " " else re.escape(char)


def _lowercase_spellings(names: dict[str, _Target]) -> set[str]:
    """Each spelling of each name starting with a small letter."""
    return {
        spelling
        for name in names
        if name[0].islower()
        for spelling in (name, unicodedata.normalize("NFD", name))
    }


def _lowercase_words(names: dict[str, _Target]) -> tuple[str, ...]:
    """A word of each spelling of each name starting with a small letter, which that spelling
    matches only where it is written: its longest, the least likely to be written otherwise."""
    spellings = _lowercase_spellings(names)
    return tuple(sorted({max(spelling.split(), key=len) for spelling in spellings}))


def _shared_words(spellings: set[str]) -> tuple[str, ...]:
    """Words such that each spelling holds one of them, each chosen as the one most of the
    spellings still left hold ("Africa", also in "African")."""
    shared: list[str] = []
    left = set(spellings)
    while left:
        words = sorted({word for spelling in left for word in spelling.split()})
        best = max(words, key=lambda word: sum(word in spelling for spelling in left))
        shared.append(best)
        left = {spelling for spelling in left if best not in spelling}
    return tuple(shared)


def _search_index(countries: dict) -> dict[str, str]:
    """Search keys for resolve_country: codes first, so "IND" is India even if some name
    folds to the same key, then every name pycountry and countries.toml know."""
    index: dict[str, str] = {}

    def add(name: str | None, code: str) -> None:
        if name:
            index.setdefault(_search_key(name), code)

    for country in pycountry.countries:
        add(country.alpha_3, country.alpha_3)
        add(country.alpha_2, country.alpha_3)
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            add(getattr(country, attr, None), country.alpha_3)
    for code, entry in countries["countries"].items():
        for name in [entry.get("display")] + entry.get("aliases", []) + entry.get("demonyms", []):
            add(name, code)
    return index


def _display_names(countries: dict) -> dict[str, str]:
    display = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    for code, entry in countries["countries"].items():
        if "display" in entry:
            display[code] = entry["display"]
    return display
