"""Organisations and programmes: learns "Long Name (ACR)" definitions, then links every mention."""

from __future__ import annotations

import re
import string
import tomllib
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pycountry

from app.paths import resources_dir
from app.pipeline.model import Mention
from app.pipeline.places import country_called, find_places
from app.pipeline.quick import matches_at, occurrences
from app.pipeline.quoted import quote_marks_at, quoted_names
from app.pipeline.services import (
    ServiceName,
    country_beside,
    joined,
    service_names,
    service_nouns_at,
    standalone,
)
from app.pipeline.titled import (
    TitledWords,
    all_capitals,
    heads_at,
    possessor,
    title_case,
    titled_names,
)

KINDS = ("organisation", "programme", "agreement", "term")
DEFINED, CURATED = "defined", "curated"

# An acronym as written: "UNODC", "ReCAAP-ISC", "AML/CFT", "CTU-J", "UN PKO", "TICAD 8",
# "UNDP-MPTF Office". Whether it really abbreviates its long form is judged separately.
_ACR = (
    r"[A-Z][A-Za-z0-9]*(?:[-/\u2013][A-Za-z0-9]+)*"
    r"(?: (?:[A-Z][A-Za-z0-9]*|\d+)(?:[-/][A-Za-z0-9]+)*){0,3}"
)
_STANDARD = re.compile(rf"\(\s*(?P<acr>{_ACR})\s*\)")  # Long Name (ACR)
_COLON = re.compile(rf"\((?P<long>[^():]+):\s*(?P<acr>{_ACR})\s*\)")  # (Long Name: ACR)
# ACR (Long Name). Nothing of a word before the acronym: tested after its first capital, so
# that `re` skips to capitals instead of trying the pattern at every position.
_LONGEST_REVERSED = 160  # characters of a long form in parentheses after its acronym
_REVERSE = re.compile(
    r"(?P<acr>[A-Z](?<![\w-][A-Z])[A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*)"
    rf"\s+\((?P<long>[^()]{{3,{_LONGEST_REVERSED}}})\)"
)
_REVERSE_REACH = _LONGEST_REVERSED + 2  # from its "(" to the end of a _REVERSE match
_ACRONYM_CHARS = frozenset(string.ascii_letters + string.digits + "-/")  # of _REVERSE's acr
_ASCII_ALNUM = frozenset(string.ascii_letters + string.digits)
_EDITION = re.compile(r"^(?P<base>.+?)[ -](?P<number>\d+)$")  # "TICAD 8", "APRSAF-28"
# Where a long form cannot reach past (a stop): clause punctuation, quotes, a full stop and
# the space after it. Matched from where a long form may start, this ends at the last stop
# before where it ends (`.*` takes all, then gives back a character at a time).
_LAST_STOP = re.compile(r"(?s:.*)(?:[,;:()\[\]\u201c\u201d\"]|\.\s)")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\u2019]*")
_MAX_WORDS = 25  # the longest long form considered, in whitespace tokens
# An all-caps token for the undefined-acronym report; a trailing "s" is a plural ("SDGs").
# (What comes before it is tested after its first capital, so that `re` skips to capitals.)
# (It starts with what the rest implies of the next character, not a small letter but an "s":
# most capitals start words, and that test fails them at once.)
_CAPS_TOKEN_REST = r"(?![a-rt-z])[A-Z0-9]*(?:-[A-Z0-9]+)*s?(?![A-Za-z0-9])"  # after a capital
_CAPS_TOKEN = re.compile(rf"[A-Z](?<![A-Za-z0-9][A-Z]){_CAPS_TOKEN_REST}")
_ROMAN = re.compile(r"(?=[IVXL])L?X{0,3}(?:IX|IV|V?I{0,3})")
# A romanised Japanese surname, written in capitals before the given name ("TAKAO Ryoko").
_KANA = re.compile(r"(?:(?:ch|sh|ts|kk|ss|tt|pp|[kgnhbpmr]y|[kgsztdnhbpmrwyjf])?[aiueo]|n)+")
# Precompiled for the per-definition helpers below (re's own cache costs a lookup a call).
_INNER_WORD = re.compile(r"[-/](?=[A-Za-z])")  # a word starting inside a token: "Self-Defense"
_HYPHENS = re.compile(r"[-\u2013]")
_LEADING_THE = re.compile(r"^(?:the|The)\s+")
_KEY_WORD = re.compile(r"[a-z0-9]+")
_GIVEN_NAME = re.compile(r"\s+([A-Z][a-z]+)")
_BROKEN_HYPHEN = re.compile(r"(?<=[A-Za-z])-\s+(?=[A-Z])")  # "Self- Defense", from a line break
_DASHES = re.compile(r"\s[-\u2013\u2014\u2500]\s|[,:;]")


@dataclass(frozen=True)
class Organisation:
    """An organisation, programme, agreement or term, learnt from the text or curated."""

    id: str  # stable slug: the short form lower-cased ("unodc", "aml-cft"), else the name's
    short: str | None
    name: str
    kind: str  # one of KINDS
    source: str  # DEFINED (spelt out in the corpus) or CURATED (only in organisations.toml)
    aliases: tuple[str, ...] = ()  # other short and long forms, in order of first appearance


@dataclass(frozen=True)
class Words:
    """The word lists of organisations.toml."""

    small: frozenset[str]
    cuts: frozenset[str]
    ordinary: frozenset[str]
    spelling: dict[str, str]
    heads: dict[str, str]  # head noun -> kind
    curated: tuple[Organisation, ...]
    services: tuple[str, ...] = ()  # nouns of a country's forces and services (services.py)
    service_leads: frozenset[str] = frozenset()  # words that may start one ("Royal")
    quoted_heads: tuple[str, ...] = ()  # a name in quotes before one is a programme's
    titled_heads: tuple[str, ...] = ()  # capitalised words before one name a body (titled.py)
    titled: TitledWords = TitledWords(frozenset(), frozenset(), frozenset())
    # Curated id -> the alpha-3 code of the country whose body it is ("mofa" -> "JPN").
    countries: dict[str, str] = field(default_factory=dict)


@cache
def load_words(path: Path | None = None) -> Words:
    """Reads organisations.toml (default: the one in resources_dir())."""
    with open(path or resources_dir() / "organisations.toml", "rb") as handle:
        data = tomllib.load(handle)
    words = data["words"]
    heads = {noun: kind for kind, nouns in data["heads"].items() for noun in nouns}
    titled, cuts = data.get("titled", {}), frozenset(words["cuts"])
    titled_heads = tuple(titled.get("heads", ()))
    if unlisted := [h for h in titled_heads if h.lower() not in heads]:
        raise ValueError(f"organisations.toml: [titled] heads not in [heads]: {unlisted}")
    if inside := [(h, o) for h in titled_heads for o in titled_heads if h != o and h in o]:
        raise ValueError(f"organisations.toml: a [titled] head is written inside another: {inside}")
    curated = tuple(
        Organisation(
            id=entry["id"],
            short=entry["short"] or None,
            name=entry["name"],
            kind=entry["kind"],
            source=CURATED,
            aliases=tuple(entry.get("aliases", ())),
        )
        for entry in data.get("organisation", ())
    )
    return Words(
        small=frozenset(words["small"]),
        cuts=cuts,
        ordinary=frozenset(words["ordinary"]),
        spelling=dict(data.get("spelling", {})),
        heads=heads,
        curated=curated,
        services=tuple(data.get("services", {}).get("nouns", ())),
        service_leads=frozenset(data.get("services", {}).get("leads", ())),
        countries={e["id"]: e["country"] for e in data.get("organisation", ()) if "country" in e},
        quoted_heads=tuple(sorted(data.get("quoted", {}).get("heads", ()))),
        titled_heads=titled_heads,
        titled=TitledWords(
            stops=frozenset(titled.get("stops", ())) | frozenset(words["small"]) | cuts,
            # A head says what a body is, not which: "the Committee" names none.
            generic=frozenset(titled.get("generic", ())) | frozenset(titled_heads),
            lone=frozenset(titled.get("lone", ())),
            nouns=frozenset(heads),
        ),
    )


# ---------------------------------------------------------------------------------------------
# Does an acronym abbreviate a long form?


def acronym_shaped(acr: str) -> bool:
    """Mostly capitals in its first part: "UNODC", "ReCAAP", "SPMs", "UN PKO"; not "Quad"."""
    first = acr.split(" ")[0]
    upper = sum(map(str.isupper, first))
    lower = sum(map(str.islower, first))
    return upper >= 2 and upper >= lower


def abbreviates(acr: str, long: str, small: frozenset[str] | None = None) -> bool:
    """Whether `acr` plausibly abbreviates the whole of `long` (which starts with its letter)."""
    small = load_words().small if small is None else small
    return _abbreviates(_letters(acr), _words(long), small)


def _letters(acr: str) -> str:
    letters = "".join(filter(str.isalnum, acr))
    # A plural "s" belongs to no word of the long form ("Special Political Missions (SPMs)").
    if len(letters) > 2 and letters[-1] == "s" and letters[-2].isupper():
        letters = letters[:-1]
    return letters


def _words(text: str) -> list[str]:
    """Words for matching: hyphens, slashes and dashes separate words too ("Self-Defense")."""
    return _WORD.findall(text)


def _abbreviates(letters: str, words: list[str], small: frozenset[str]) -> bool:
    if not letters or not words or words[0][0].lower() != letters[0].lower():
        return False
    if words[0] in small:  # "and Cross-Servicing Agreement (ACSA)" starts one word later
        return False
    lowered = tuple(map(str.lower, words))
    significant = tuple(w not in small for w in lowered)
    if _in_order(letters, lowered, significant):
        return True
    # Letters out of order: a proper name need only give half its words a letter ("ReCAAP"),
    # a lower-case phrase all of them ("counter-terrorist financing" is CFT in "AML/CFT").
    coverage = 0.5 if words[0][0].isupper() else 1.0
    return _as_bag(letters, lowered, significant, coverage)


def _in_order(letters: str, words: tuple[str, ...], significant: tuple[bool, ...]) -> bool:
    """Letters in order: capitals start words (or continue the current one: "CYber",
    "PeaceKeeping"), lower-case letters continue it ("ReCAAP", "GSMaP"). Small words may be
    skipped freely, at most a few significant ones inside, any at the end ("... of Japan"); one
    capital may sit inside a new word ("JAXA": Aerospace eXploration)."""
    if _initials_in_order(letters, words, significant):
        return True  # most acronyms: found without the search
    return _Matcher(letters, words, significant).go(1, 0, 0, False, 0)


def _initials_in_order(letters: str, words: tuple[str, ...], significant: tuple[bool, ...]) -> bool:
    """One way through _Matcher's search, its likeliest: each capital starts the nearest next
    word it can, lower-case letters continue the word. The search tries this way among the
    others, under the same limit on skipped words, so True here is its answer too; False
    says nothing."""
    max_skips = max(1, len(letters) // 4)  # as _Matcher's
    j, p, skips = 0, 0, 0
    for letter in letters[1:]:
        c = letter.lower()
        if letter.islower():
            if p + 1 < len(words[j]) and words[j][p + 1] == c:
                p += 1
                continue
            return False
        for k in range(j + 1, len(words)):
            if words[k][0] == c:
                j, p = k, 0
                break
            skips += significant[k]
            if skips > max_skips:
                return False
        else:
            return False
    return True


class _Matcher:
    """The search of _in_order(), memoised. (A class rather than a closure calling itself: a
    closure that refers to itself is a reference cycle, freed only by the garbage collector,
    which the build pauses.)"""

    def __init__(self, letters: str, words: tuple[str, ...], significant: tuple[bool, ...]):
        self.letters, self.words, self.significant = letters, words, significant
        self.max_skips = max(1, len(letters) // 4)
        self.memo: dict[tuple[int, int, int, bool, int], bool] = {}

    def go(self, i: int, j: int, p: int, lenient: bool, skips: int) -> bool:
        key = (i, j, p, lenient, skips)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._go(i, j, p, lenient, skips)
        return found

    def _go(self, i: int, j: int, p: int, lenient: bool, skips: int) -> bool:
        letters, words, go = self.letters, self.words, self.go
        if i == len(letters):
            return True
        c = letters[i].lower()
        word = words[j]
        if letters[i].islower():
            return p + 1 < len(word) and word[p + 1] == c and go(i + 1, j, p + 1, lenient, skips)
        for q in range(p + 1, len(word)):
            if word[q] == c and go(i + 1, j, q, lenient, skips):
                return True
        skipped = 0
        for k in range(j + 1, len(words)):
            if words[k][0] == c and go(i + 1, k, 0, lenient, skips + skipped):
                return True
            q = words[k].find(c, 1)
            if not lenient and q > 0 and go(i + 1, k, q, True, skips + skipped):
                return True
            skipped += self.significant[k]
            if skips + skipped > self.max_skips:
                return False
        return False


def _as_bag(
    letters: str, words: tuple[str, ...], significant: tuple[bool, ...], coverage: float
) -> bool:
    """Capitals as word initials in any order ("ReCAAP": Regional Cooperation Agreement on
    Combating Piracy and Armed Robbery ...), as many as `coverage` of the significant words."""
    lead = re.match(r".[a-z]*", letters).group().lower()
    if not words[0].startswith(lead):
        return False
    capitals = [c.lower() for c in letters if not c.islower()]
    have = Counter(w[0] for w in words)
    if any(have[c] < count for c, count in Counter(capitals).items()):
        return False
    return len(capitals) >= coverage * sum(significant)


# ---------------------------------------------------------------------------------------------
# Kinds and names


def classify(long: str, words: Words | None = None) -> str:
    """The kind named by the head noun of a long form; "term" when the head is no known noun.

    The head phrase ends at the first preposition or dash ("Office" in "Office on Drugs and
    Crime", "Unit" in "Counter Terrorism Unit - Japan"); with "and" each conjunct's last word is
    tried in turn ("Multinational Force and Observers")."""
    words = words or load_words()
    phrase: list[str] = []
    for word in _DASHES.split(long)[0].split():
        if phrase and word.lower() in words.cuts:
            break
        phrase.append(word)
    conjuncts = re.split(r"\s+(?:and|or|&)\s+", " ".join(phrase))
    for conjunct in conjuncts:
        if conjunct and (kind := _head_kind(conjunct.split()[-1], words)):
            return kind
    return "term"


def _head_kind(word: str, words: Words) -> str | None:
    word = word.lower().strip("'\u2019\"")
    parts = [word, *reversed(re.split(r"[-/]", word))]  # "Meeting-Plus": meeting
    return next((words.heads[p] for p in parts if p in words.heads), None)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _name_key(name: str, words: Words) -> tuple[str, ...]:
    """A long form reduced for comparison: "UN" spelt out, spelling unified, small words gone."""
    out: list[str] = []
    for word in _KEY_WORD.findall(name.lower().replace("\u2019", "'").replace("'s", "")):
        if word == "un":
            out += ["united", "nations"]
        elif word not in words.small:
            out.append(words.spelling.get(word, word))
    return tuple(out)


def _same_name(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Variants of one name share most words (International Chamber of Commerce and
    International Criminal Court share one of five: different)."""
    union = set(a) | set(b)
    return bool(union) and len(set(a) & set(b)) / len(union) >= 0.5


# ---------------------------------------------------------------------------------------------
# The index


@dataclass(frozen=True, init=False)
class _Definition:
    start: int  # where the definition starts in the text searched
    short: str  # the acronym as recorded ("TICAD" for "TICAD 8"); "" for a service's name
    long: str
    extra: tuple[str, ...] = ()  # the acronym as written when it differs ("TICAD 8")
    merge: str = ""  # a service's name with the country as its code (services.ServiceName)
    kind: str = ""  # named without an acronym: its head noun's kind (quoted.py, titled.py)
    titled: bool = False  # named in capitals before a head noun (titled.py)

    # As model.Mention's: a frozen dataclass's own __init__ sets each field in a call of its
    # own, and the reading stage makes one of these for each definition in the corpus.
    def __init__(
        self,
        start: int,
        short: str,
        long: str,
        extra: tuple[str, ...] = (),
        merge: str = "",
        kind: str = "",
        titled: bool = False,
    ) -> None:
        self.__dict__.update(
            start=start, short=short, long=long, extra=extra, merge=merge, kind=kind, titled=titled
        )


@dataclass
class _Entry:
    id: str
    kind: str
    source: str
    shorts: list[str] = field(default_factory=list)
    longs: list[str] = field(default_factory=list)
    keys: list[tuple[str, ...]] = field(default_factory=list)

    def organisation(self) -> Organisation:
        short = self.shorts[0] if self.shorts else None
        aliases = [*self.shorts[1:], *self.longs[1:]]
        return Organisation(self.id, short, self.longs[0], self.kind, self.source, tuple(aliases))


class OrganisationIndex:
    """Organisations, programmes, agreements and terms of a corpus, and their mentions.

    Pass 1: learn() every sentence of the corpus, in reading order. Pass 2: find() every
    sentence, again in reading order. The first definition of an acronym makes its record;
    later long forms that are variants of it become aliases. A later, different long form for
    the same acronym (ICC: Chamber of Commerce, then Criminal Court) gets its own record with
    the id suffixed ("icc-2"); find() then links the bare acronym to the record whose definition
    it passed last in reading order (the first record before any), so find() keeps that reading
    position between calls; rewind() starts reading again."""

    def __init__(self, *, curated: bool = True, words: Words | None = None) -> None:
        self._words = words or load_words()
        self._entries: dict[str, _Entry] = {}
        self._forms: dict[str, list[str]] = {}  # _canon(form) -> entry ids, in definition order
        self._by_key: dict[tuple[str, ...], str] = {}  # name key -> entry id
        self._pairs: dict[tuple[str, tuple[str, ...]], str] = {}  # (acronym, name key) -> id
        self._current: dict[str, str] = {}  # acronym -> entry id last defined while reading
        self._patterns: dict[bool | str, re.Pattern[str] | None] = {}
        self._shared_heads: tuple[str, ...] | None = None  # see _may_redefine()
        self._unsure = False  # see definitions()
        self._small_words: tuple[str, ...] = ()  # see _known_spans()
        self._small_apart: bool | None = None  # see _tokens_beside_known()
        self._keys: dict[str, tuple[str, ...]] = {}  # long form -> _name_key(), see _key()
        self._named: set[str] = set()  # forms known only as a service's name, see find()
        self._own_names: dict[tuple[str, str], bool] = {}  # see _names_country()
        self._prefixed: dict[str, list[str]] = {}  # "PKO" -> ids of "UN PKO", see _variant_of()
        self._tails: frozenset[str] | None = None  # see _tail_of_known()
        self._titled: set[str] = set()  # forms of names read in capitals, see find()
        self._renamed: dict[str, str] = {}  # old id -> new, see _rename()
        if curated:
            for organisation in self._words.curated:
                self._add_curated(organisation)

    # -- pass 1 --------------------------------------------------------------------------------

    def learn(self, text: str, base: int = 0, *, titled: bool = True) -> list[Organisation]:
        """Records the definitions in `text`; returns their records (`base` is accepted so a
        caller can pass the same arguments as to find(): definitions keep no offsets).
        `titled`: whether names in capitals without an acronym are read (not in a heading)."""
        ids = self.learn_definitions(self._definitions(text, titled))
        # A record named, then given its acronym in the same text, was renamed on the way.
        ids = [self._renamed.get(i, i) for i in ids]
        return [self._entries[i].organisation() for i in dict.fromkeys(ids)]

    def names_at(self, text: str) -> list[int]:
        """Where in `text` a name defined without a "(" may be written, sorted: a service's
        noun ("Navy"), an opening quote ("the \u201cKiboCUBE\u201d program") or a fund's head
        ("Fund", "Commission"). Outside these, only a piece with a "(" may hold a definition (a
        quick test before definitions())."""
        words = self._words
        nouns = service_nouns_at(text, words.services) if words.services else []
        quotes = quote_marks_at(text) if words.quoted_heads else []
        # A piece without a head noun names no body in capitals.
        heads = heads_at(text, words.titled_heads) if words.titled_heads else []
        return sorted(nouns + quotes + heads)  # sorted runs: timsort merges them

    def definitions(self, text: str, titled: bool = True) -> list[_Definition] | None:
        """The definitions learn() would record in `text`, found without recording them, so
        that worker processes can look for them while one process learns them in order; None
        when they depend on what is learnt before `text` (an acronym with a hyphenated part
        that may be a known form: "ReCAAP-ISC"), which only learn() in order can tell.
        `titled`: as for learn()."""
        self._unsure = False
        found = self._definitions(text, titled)
        return None if self._unsure else found

    def learn_definitions(self, definitions: list[_Definition]) -> list[str]:
        """Records definitions from definitions(), as learn() would; returns their ids (not of
        names that no record takes, see _name_written())."""
        return [i for i in map(self._define, definitions) if i is not None]

    # -- pass 2 --------------------------------------------------------------------------------

    def find(self, text: str, base: int = 0) -> list[Mention]:
        """Every mention of a known organisation, programme or agreement in `text`: the
        longest written form wins, on word boundaries; offsets shifted by `base`."""
        patterns = self._patterns  # as _pattern(terms=False), without a call for each text
        pattern = patterns[False] if False in patterns else self._pattern(terms=False)
        # See _may_redefine(); where no form names two records (heads are known, and none), no
        # definition moves the reading position: no need to ask.
        may_redefine = "(" in text and self._shared_heads != ()
        events = self._events(text) if may_redefine else []
        mentions, named, titled, countries = [], self._named, self._titled, self._words.countries
        bound: list[int] = []  # where in mentions a record of one country's body is
        for match in pattern.finditer(text) if pattern else ():
            start, end = match.span()
            while events and events[0][0] <= start:
                _, form, entry_id = events.pop(0)
                self._current[form] = entry_id
            written = match.group()  # mostly as known: a key of _forms is its own _canon()
            form = written if written in self._forms else _canon(written)
            entry = self._entries[self._resolve(form)]
            if entry.kind != "term" and self._whole_compound(text, start, end):
                # A service's name counts where it would have been learnt: not in "Japan-U.S.
                # Coast Guard" or "U.S. Coast Guard Academy".
                if form in named and not standalone(text, start, end):
                    continue
                # A name read in capitals counts where it stands alone, as it was read: not in
                # "the European Central Bank" nor "the Philippine National Security Council".
                if form in titled and not _alone(text, start, end):
                    continue
                if entry.id in countries:
                    bound.append(len(mentions))
                mentions.append(Mention(entry.id, base + start, base + end, written))
        for _, form, entry_id in events:
            self._current[form] = entry_id
        return self._without_others(text, base, mentions, bound) if bound else mentions

    def _without_others(
        self, text: str, base: int, mentions: list[Mention], bound: list[int]
    ) -> list[Mention]:
        """`mentions` without those of one country's body (Japan's MOFA) where the text says
        the name is another country's: "the Indonesian Ministry of Foreign Affairs", "Viet
        Nam's MOD", "the Ministry of Defense of Viet Nam". A name with no country beside it
        takes that of a name it is listed with ("the Indonesian Ministry of Defense and
        Ministry of Foreign Affairs"); one naming its country ("Japan Coast Guard") is its."""
        countries = self._words.countries
        named: list[str | None] = []
        for at in bound:
            mention = mentions[at]
            country = countries[mention.id]
            if self._names_country(mention.text, country):
                named.append(country)
            else:
                named.append(country_beside(text, mention.start - base, mention.end - base))
        # Whether each name is listed with the next: the country goes forward ("the Indonesian
        # Ministry of Defense and Ministry of ..."), then back ("... and the Ministry of Foreign
        # Affairs of Indonesia").
        listed = [
            joined(
                text,
                (mentions[a].start - base, mentions[a].end - base),
                (mentions[b].start - base, mentions[b].end - base),
            )
            for a, b in zip(bound, bound[1:], strict=False)
        ]
        for i in range(1, len(bound)):
            if named[i] is None and listed[i - 1]:
                named[i] = named[i - 1]
        for i in range(len(bound) - 2, -1, -1):
            if named[i] is None and listed[i]:
                named[i] = named[i + 1]
        dropped = {
            at
            for at, country in zip(bound, named, strict=True)
            if country is not None and country != countries[mentions[at].id]
        }
        return [m for at, m in enumerate(mentions) if at not in dropped]

    def _names_country(self, written: str, country: str) -> bool:
        """Whether a name as written names `country` itself ("Japan Coast Guard")."""
        if (answer := self._own_names.get((written, country))) is None:
            countries, _ = find_places(written)
            answer = self._own_names[written, country] = any(c.id == country for c in countries)
        return answer

    def read_past(self, text: str) -> None:
        """Moves the reading position past `text` as find() would, without finding mentions."""
        for _, form, entry_id in self._events(text):
            self._current[form] = entry_id

    def position(self) -> dict[str, str]:
        """The reading position, for move_to(): a worker process can start find()ing at a
        document in the middle of the corpus with the position that document starts at."""
        return dict(self._current)

    def move_to(self, position: dict[str, str]) -> None:
        self._current = dict(position)

    def _events(self, text: str) -> list[tuple[int, str, str]]:
        """(start, form, entry id) of the definitions in `text` of known forms, in order."""
        if not self._may_redefine(text):
            return []
        return sorted(
            (d.start, form, self._pairs[d.short, self._key(d.long)])
            for d in self._definitions(text)
            if (d.short, self._key(d.long)) in self._pairs
            for form in (d.short, *d.extra)
        )

    def _may_redefine(self, text: str) -> bool:
        """Whether `text` may define a form that names more than one record. The reading
        position matters only for those: a form naming one record resolves to it anyway, so
        find() may skip looking for definitions (the costly part) in the other sentences.

        A definition's short form is the acronym as written, its edition-less start or its
        parts without a known one, so its first word is always written in the text."""
        if "(" not in text:
            return False
        if self._shared_heads is None:
            shared = (form for form, ids in self._forms.items() if len(ids) > 1)
            self._shared_heads = tuple(
                sorted({re.split(r"[-\u2013 ]", form)[0] for form in shared})
            )
        return any(map(text.__contains__, self._shared_heads))

    def rewind(self) -> None:
        """Forgets the reading position: bare acronyms link to their first record again."""
        self._current.clear()

    # -- what is known -------------------------------------------------------------------------

    def bodies(self, mentions: list[Mention]) -> list[Mention]:
        """The mentions of bodies, which may own money: not of programmes and funds, whose
        money is their founders' ("the Fund, which invests ¥60 billion"), nor of agreements."""
        entries = self._entries
        return [m for m in mentions if entries[m.id].kind == "organisation"]

    def organisations(self) -> list[Organisation]:
        """Organisations, programmes and agreements, sorted by id (terms left out)."""
        return sorted(
            (e.organisation() for e in self._entries.values() if e.kind != "term"),
            key=lambda o: o.id,
        )

    def terms(self) -> list[Organisation]:
        """Defined concepts that are not organisations ("Maritime Domain Awareness (MDA)")."""
        return sorted(
            (e.organisation() for e in self._entries.values() if e.kind == "term"),
            key=lambda o: o.id,
        )

    def undefined_acronyms(self, text: str, exclude: frozenset[str] | set[str] = frozenset()):
        """All-caps tokens in `text` that are neither defined, curated, ordinary words, roman
        numerals, Japanese surnames ("ABE Shinzo") nor in `exclude` (countries, regions ...)."""
        # Known forms are blanked out first, so "ADMM-Plus" leaves no "ADMM" behind.
        tokens = self._tokens_beside_known(text)
        if tokens is None:
            tokens = _CAPS_TOKEN.finditer(self._blanked(text))
        known = set(exclude) | self._words.ordinary | set(self._forms)
        found = set()
        judged: dict[str, bool] = {}  # a document repeats its acronyms: each judged once
        for match in tokens:
            token = match.group()
            if token in found:
                continue
            if (maybe := judged.get(token)) is None:
                maybe = judged[token] = _may_be_undefined(token, known)
            if maybe and not _surname(text, match.start(), match.end()):
                found.add(token)
        return found

    # -- definitions ---------------------------------------------------------------------------

    def _definitions(self, text: str, titled: bool = True) -> list[_Definition]:
        # A country's services are named without parentheses ("the Indian Navy"), but every
        # way of defining a short form uses them.
        named = [_Definition(n.start, "", n.name, merge=n.merge) for n in self._service_names(text)]
        words = self._words
        written = []  # programmes and funds named without an acronym
        if words.quoted_heads and (quoted := quoted_names(text, words.quoted_heads)):
            written += [_Definition(q.start, "", q.name, kind=words.heads[q.head]) for q in quoted]
        # A heading capitalises its words: "Response by the International Community and
        # Regional Organization" would be read as a name.
        if (
            titled
            and words.titled_heads
            and (
                titled_found := titled_names(
                    text, words.titled_heads, words.titled, self._known_owner, self._curated_form
                )
            )
            and not title_case(text)  # a caption or column title the reader did not call one
        ):
            written += [
                _Definition(t.start, "", t.name, kind=words.heads[t.head.lower()], titled=True)
                for t in titled_found
            ]
        if written:
            named = sorted(named + written, key=lambda d: d.start)
        if "(" not in text:
            return named
        found: list[_Definition] = []
        for match in _STANDARD.finditer(text):
            found += self._long_before(match.group("acr"), text, 0, match.start())
        for match in _colon_matches(text):
            found += self._long_before(
                match.group("acr"), text, match.start("long"), match.end("long")
            )
        # An acronym of fewer than two capitals is not acronym_shaped(): _read() says no.
        for match in _reverse_matches(text, capitals=2):
            long = _LEADING_THE.sub("", match.group("long").strip())
            if len(long.split()) >= 2:
                found += self._read(match.group("acr"), [(match.start(), long)])
        if named:
            # A name defined with its acronym is recorded so ("Indian Navy (IN)": "in"), and
            # keeps the service's key for its other spellings.
            merges = {(d.start, d.long): d.merge for d in named}
            found = [
                _Definition(d.start, d.short, d.long, d.extra, merges[d.start, d.long])
                if (d.start, d.long) in merges
                else d
                for d in found
            ]
            defined = {(d.start, d.long) for d in found}
            found += [d for d in named if (d.start, d.long) not in defined]
        return sorted(found, key=lambda d: d.start)

    def _known_owner(self, owner: str) -> bool:
        """Whether `owner`, written with a possessive before a fund's name ("the World Bank’s
        ..."), is a known body, an acronym or a country: then the name starts after it."""
        return _canon(owner) in self._forms or all_capitals(owner) or bool(country_called(owner))

    def _curated_form(self, form: str) -> bool:
        # Curated only: workers, which know no other, and learn() in order agree.
        return any(self._entries[i].source == CURATED for i in self._forms.get(_canon(form), ()))

    def _tail_of_known(self, name: str) -> bool:
        """Whether `name` ends a longer known name: "the Security Council" is the "UN Security
        Council" written short, not a body of its own (nor, linked as one, safe to find inside
        "National Security Council")."""
        if self._tails is None:
            split = (form.split(" ") for form in self._forms)
            self._tails = frozenset(" ".join(w[i:]) for w in split for i in range(1, len(w)))
        return _canon(name) in self._tails

    def _service_names(self, text: str) -> list[ServiceName]:
        services = self._words.services
        return service_names(text, services, self._words.service_leads) if services else []

    def _long_before(self, acr: str, text: str, begin: int, end: int) -> list[_Definition]:
        """The shortest stretch of words ending at `end` that `acr` abbreviates."""
        return self._read(acr, _LongForms(text, begin, end))

    def _read(self, acr: str, candidates: Iterable[tuple[int, str]]) -> list[_Definition]:
        """Tries the acronym as written, without an edition number ("TICAD 8") and without a
        known hyphenated part ("ReCAAP-ISC": ReCAAP is known, ISC = Information Sharing Centre).
        `candidates`: (start, long form) to try in turn, the first that fits wins."""
        if not acronym_shaped(acr):
            return []
        attempts = [(acr, acr, ())]
        if edition := _EDITION.match(acr):
            attempts.append((edition["base"], edition["base"], (acr,)))
        found = self._first_reading(attempts, candidates)
        parts = _HYPHENS.split(acr)
        if found or len(parts) < 2:
            return found
        self._unsure = True  # what follows depends on the forms learnt so far
        known = [p for p in parts if p in self._forms]
        attempts = [("-".join(p for p in parts if p != k), acr, ()) for k in known]
        return self._first_reading(attempts, candidates)

    def _first_reading(
        self, attempts: list, candidates: Iterable[tuple[int, str]]
    ) -> list[_Definition]:
        for letters_of, short, extra in attempts:
            letters = _letters(letters_of)
            if not letters:
                continue  # abbreviates nothing
            initial = letters[0].lower()
            if isinstance(candidates, _LongForms):
                starting = candidates.starting_with(initial)  # made only if they do
            else:
                starting = _starting_with(candidates, initial)
            for at, long in starting:
                if _abbreviates(letters, _words(long), self._words.small):
                    return [_Definition(at, short, long, extra)]
        return []

    def _define(self, definition: _Definition) -> str:
        short, long = definition.short, definition.long
        if definition.kind:
            return self._name_written(long, definition.kind, titled=definition.titled)
        if not short:
            return self._name_service(long, definition.merge)
        key = self._key(long)
        merged = ("@", *self._key(definition.merge)) if definition.merge else None
        entry_id = (
            self._variant_of(short, key)
            or self._by_key.get(key)
            or (self._by_key.get(merged) if merged else None)
        )
        if entry_id is None:
            entry_id = self._unique_id(slug(short))
            self._entries[entry_id] = _Entry(entry_id, classify(long, self._words), DEFINED)
        elif not self._entries[entry_id].shorts and self._entries[entry_id].source == DEFINED:
            # Named before without its acronym ("the Djibouti Regional Training Centre", then
            # "… Centre (DRTC)"): known by the acronym, whichever the corpus writes first.
            entry_id = self._rename(entry_id, self._unique_id(slug(short)))
        if merged:
            self._by_key.setdefault(merged, entry_id)
        entry = self._entries[entry_id]
        entry.source = DEFINED
        for form in (short, *definition.extra):
            self._add_form(entry, form, short=True)
        self._add_form(entry, long, short=False)
        self._pairs[short, key] = entry_id
        return entry_id

    def _name_service(self, name: str, merge: str) -> str:
        """Records a service's name: the record of that name (curated "Japan Coast Guard", or
        defined with an acronym) or of another spelling of it ("Philippines Coast Guard"),
        else a new one."""
        key, merged = self._key(name), ("@", *self._key(merge))
        entry_id = self._by_key.get(key) or self._by_key.get(merged)
        if entry_id is None:
            entry_id = self._unique_id(slug(name))
            # A force or service, whatever the head noun ("Republic of Singapore Navy").
            self._entries[entry_id] = _Entry(entry_id, "organisation", DEFINED)
        entry = self._entries[entry_id]
        # The name as shown, without a line break's space ("Self- Defense"); the name as
        # written is still matched (its _canon(): one space between words).
        written = _canon(name)
        for form in dict.fromkeys((_BROKEN_HYPHEN.sub("-", written), written)):
            if form not in self._forms:
                self._named.add(form)
            self._add_form(entry, form, short=False)
        self._by_key.setdefault(merged, entry_id)
        return entry_id

    def _name_written(self, name: str, kind: str, *, titled: bool = False) -> str | None:
        """Records a programme named without an acronym (in quotes, or a fund in capitals): the
        record of that name (curated, defined with an acronym or named before), else a new one
        of `kind`."""
        if ids := self._forms.get(_canon(name)):
            return ids[0]  # known already ("the “JICA” project"): no second record
        if titled and self._tail_of_known(name):
            return None  # decided here, in reading order: workers know only curated names
        entry_id = self._by_key.get(self._key(name))
        if entry_id is None:
            entry_id = self._unique_id(slug(name))
            self._entries[entry_id] = _Entry(entry_id, kind, DEFINED)
        forms = [name]
        if name.startswith("The "):  # "The Nippon Foundation", also written "the Nippon ..."
            forms.append(name[4:])
        for form in forms:
            self._add_form(self._entries[entry_id], form, short=False)
            if titled:
                self._titled.add(_canon(form))
        return entry_id

    def _rename(self, old: str, new: str) -> str:
        """Gives the record `old` the id `new` (while learning, before any id is handed out)."""
        entry = self._entries.pop(old)
        entry.id = new
        self._renamed[old] = new
        self._entries[new] = entry
        for ids in self._forms.values():
            ids[:] = [new if i == old else i for i in ids]
        for key, entry_id in self._by_key.items():
            if entry_id == old:
                self._by_key[key] = new
        return new

    def _variant_of(self, short: str, key: tuple[str, ...]) -> str | None:
        for entry_id in self._forms.get(short, ()):
            entry = self._entries[entry_id]
            if short in entry.shorts and any(_same_name(key, k) for k in entry.keys):
                return entry_id
        # One body may be defined with and without its parent's acronym ("Peacekeeping
        # Operations (PKO)", "UN Peacekeeping Operations (UN PKO)"), in either order; the
        # bodies of two parents ("UN PKO", "NATO PKO") are never one record.
        if split := self._parent_and_bare(short):
            parent, bare = split
            candidates = [
                i
                for i in self._forms.get(bare, ())
                if bare in self._entries[i].shorts and self._parents(i) <= {parent}
            ]
        else:
            candidates = self._prefixed.get(short, [])
            if len(candidates) > 1:
                return None  # whose?
        for entry_id in candidates:
            if any(_same_name(key, k) for k in self._entries[entry_id].keys):
                return entry_id
        return None

    def _parents(self, entry_id: str) -> set[str]:
        """The known forms that start the record's short forms ("UN" of "UN PKO")."""
        splits = map(self._parent_and_bare, self._entries[entry_id].shorts)
        return {split[0] for split in splits if split}

    def _parent_and_bare(self, short: str) -> tuple[str, str] | None:
        """("UN", "PKO") for "UN PKO": a short form whose first word is a known form."""
        parent, _, bare = short.partition(" ")
        return (parent, bare) if bare and parent in self._forms else None

    def _add_curated(self, organisation: Organisation) -> None:
        entry = _Entry(organisation.id, organisation.kind, CURATED)
        self._entries[entry.id] = entry
        if organisation.short:
            self._add_form(entry, organisation.short, short=True)
        for name in (organisation.name, *organisation.aliases):
            # Curated aliases may be short ("INTERPOL", "ICPO") or long ("UN Security Council").
            self._add_form(entry, name, short=acronym_shaped(name) and " " not in name)
            # A curated service takes its other spellings too ("Coast Guard of Japan").
            for named in self._service_names(name):
                if named.start == 0 and named.name == name:
                    self._by_key.setdefault(("@", *self._key(named.merge)), entry.id)

    def _add_form(self, entry: _Entry, form: str, *, short: bool) -> None:
        if short and form not in entry.shorts:
            entry.shorts.append(form)
            if split := self._parent_and_bare(form):  # "UN PKO": see _variant_of()
                self._prefixed.setdefault(split[1], []).append(entry.id)
        if not short and form not in entry.longs:
            entry.longs.append(form)
            key = self._key(form)
            entry.keys.append(key)
            self._by_key.setdefault(key, entry.id)
        ids = self._forms.setdefault(_canon(form), [])
        if entry.id not in ids:
            ids.append(entry.id)
            self._patterns.clear()
            self._tails = None
            self._shared_heads = None
            self._small_apart = None

    def _unique_id(self, base: str) -> str:
        candidate, number = base, 1
        while candidate in self._entries:
            number += 1
            candidate = f"{base}-{number}"
        return candidate

    def _key(self, long: str) -> tuple[str, ...]:
        # Kept: a long form is keyed when defined, again when added, and at every definition
        # of it that find() passes (a corpus defines its organisations again and again).
        if (key := self._keys.get(long)) is None:
            key = self._keys[long] = _name_key(long, self._words)
        return key

    # -- mentions ------------------------------------------------------------------------------

    def _resolve(self, form: str) -> str:
        ids = self._forms[form]
        return ids[0] if len(ids) == 1 else self._current.get(form, ids[0])

    def _pattern(self, *, terms: bool) -> re.Pattern[str] | None:
        """One alternation over the written forms, longest first so the longest form wins."""
        if terms not in self._patterns:
            forms = [
                form
                for form, ids in self._forms.items()
                if terms or any(self._entries[i].kind != "term" for i in ids)
            ]
            self._patterns[terms] = re.compile(_forms_regex(forms)) if forms else None
        return self._patterns[terms]

    def _blanked(self, text: str) -> str:
        """`text` with each known form (_known_spans()) replaced by as many spaces."""
        parts, last = [], 0
        for start, end in self._known_spans(text):
            parts += [text[last:start], " " * (end - start)]
            last = end
        return "".join([*parts, text[last:]])

    def _tokens_beside_known(self, text: str) -> list[re.Match[str]] | None:
        """The matches of _CAPS_TOKEN.finditer(self._blanked(text)), found in one scan of
        `text` for forms starting with a capital and tokens at once rather than in two (one
        for the forms, one for the tokens), or None where that scan cannot tell them.

        Both start at a capital after no letter or digit, so one pattern tries a form there,
        then a token, as scanning for forms, then for tokens in the blanked text would: a form
        ends before no letter (at most a footnote's digits), so no token starts right after
        its blank, and a token ends in a letter or digit, so no form starts right after it.
        They part only where a form starts inside a token, after one of its hyphens ("XYZ-ODA"
        is "XYZ" once "ODA" is blanked). Forms starting with a small letter need no looking
        for where _small_forms_apart() says that they blank no token; else they are found as
        _known_spans() finds them: a token inside one is blanked with it, and a form meeting
        one or a token reaching across one's edge is left to the plain way."""
        scan, capital = self._tokens_pattern(), self._split_patterns()[0]
        forms: list[tuple[int, int]] = []
        tokens: list[re.Match[str]] = []
        for match in scan.finditer(text):
            if match.lastindex:  # the form's group: tokens have none
                forms.append(match.span())
                continue
            tokens.append(match)
            token = match.group()
            if "-" in token and capital:
                for at in occurrences(token, "-"):
                    if capital.match(text, match.start() + at + 1):
                        return None
        if self._small_apart is None:
            self._small_apart = _small_forms_apart(
                [form for form in self._forms if not form[0].islower()],
                [form for form in self._forms if form[0].islower()],
            )
        if self._small_apart:
            return tokens  # forms starting with a small letter blank no token: no need to look
        small_spans = self._small_spans(text)
        return _outside(tokens, small_spans, forms) if small_spans else tokens

    def _tokens_pattern(self) -> re.Pattern[str]:
        """Forms starting with a capital (or no letter), each in a group, or else a _CAPS_TOKEN,
        tried at each capital; see _tokens_beside_known()."""
        if "tokens" not in self._patterns:
            forms = [form for form in self._forms if not form[0].islower()]
            self._patterns["tokens"] = re.compile(_forms_or_token_regex(forms))
        return self._patterns["tokens"]

    def _split_patterns(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        """Forms starting with a capital (or no letter), and forms starting with a small
        letter, each as one pattern (None when there are no such forms)."""
        if "split" not in self._patterns:
            forms = [form for form in self._forms if not form[0].islower()]
            small = [form for form in self._forms if form[0].islower()]
            self._patterns["split"] = re.compile(_forms_regex(forms)) if forms else None
            self._patterns["small"] = re.compile(_forms_regex(small)) if small else None
            # A form's characters up to a space or apostrophe match only themselves.
            self._small_words = tuple({re.split("[ ']", form)[0] for form in small})
        return self._patterns["split"], self._patterns["small"]

    def _small_spans(self, text: str) -> list[tuple[int, int]]:
        """What the pattern of forms starting with a small letter finds in `text`, tried only
        where the first word of one is written."""
        small = self._split_patterns()[1]
        if small is None:
            return []
        starts = sorted({at for word in self._small_words for at in occurrences(text, word)})
        return [match.span() for match in matches_at(small, text, starts)]

    def _known_spans(self, text: str) -> list[tuple[int, int]]:
        """The spans _pattern(terms=True).finditer() finds in `text`, found quicker in a long
        text: forms starting with a capital (or no letter) by their own pattern, which `re`
        skips through to capitals; forms starting with a small letter ("security sector
        reform") only where their first word is written. Each position is tried by one of
        the two (forms starting with the same character are in the same one), so where no
        span of one overlaps a span of the other, together they are what one pattern finds."""
        capital = self._split_patterns()[0]
        spans = [m.span() for m in capital.finditer(text)] if capital else []
        found = self._small_spans(text)
        if not found:
            return spans
        spans = sorted(spans + found)
        if any(a[1] > b[0] for a, b in zip(spans, spans[1:], strict=False)):
            return [m.span() for m in self._pattern(terms=True).finditer(text)]
        return spans

    def _whole_compound(self, text: str, start: int, end: int) -> bool:
        """A form joined by hyphens to other acronyms counts only if all of them are known:
        "JICA-JAXA" names both, "ReCAAP-ISC" (when unknown) is not ReCAAP + ISC. A form
        before "+" never counts: "G7++" and "G7+" are other groupings than the G7."""
        after = text[end : end + 1]
        if after == "+":
            return False
        if text[start - 1 : start] != "-" and after != "-":
            return True  # joined to nothing: most forms
        parts = []
        left = re.search(r"([A-Za-z0-9]+)-$", text[max(0, start - 20) : start])
        right = re.match(r"-([A-Za-z0-9]+)", text[end : end + 20])
        for found in (left, right):
            if found and _acronym_like(found.group(1)):
                parts.append(found.group(1))
        return all(p in self._forms for p in parts)


def _colon_matches(text: str) -> Iterable[re.Match[str]]:
    """What _COLON.finditer(text) gives: nothing where no colon is written, as in most text,
    without a search for "(" after "(" (each match of it holds one)."""
    return _COLON.finditer(text) if ":" in text else ()


def _reverse_matches(text: str, capitals: int = 0) -> Iterator[re.Match[str]]:
    """What _REVERSE.finditer(text) gives, found quicker; with `capitals`, only the matches
    whose acronym has that many capitals or more. The pattern is tried at every capital, but
    a match is its acronym, spaces and a "(": so each search starts at the word before the
    next "(" (a match starting earlier would hold that "(" in its acronym or spaces), and
    stops once past the match that "(" could open. (A match found beyond that "(" may be
    beaten by one the bounded search cut off: the next "(" is searched again.)

    Its acronym is the end of that word, so where the word has fewer capitals, the "(" is
    not searched at: the match skipped ends at the ")" before the next "(" (its long form
    holds no parenthesis), and that next search starts after it either way."""
    pos = 0
    while (paren := text.find("(", pos)) >= 0:
        start = _acronym_before(text, paren)
        match = None
        if start is not None and _capitals(text[start:paren]) >= capitals:
            match = _REVERSE.search(text, max(pos, start), paren + _REVERSE_REACH)
        if match is not None and match.start() < paren:
            if capitals == 0 or _capitals(match.group("acr")) >= capitals:
                yield match
            pos = match.end()
        else:
            pos = paren + 1


def _capitals(text: str) -> int:
    return sum(map(str.isupper, text))


def _acronym_before(text: str, paren: int) -> int | None:
    """Where the characters of an acronym run that ends at the spaces before `paren` start;
    None when no space precedes it. (str.isspace() is what `re` calls \\s.)"""
    end = paren
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if end == paren:
        return None
    start = end
    while start > 0 and text[start - 1] in _ACRONYM_CHARS:
        start -= 1
    return start


class _LongForms:
    """The long forms an acronym at `end` may abbreviate, as (start, long form), nearest first
    so that the shortest wins: from each of the last words before it (after the last stop
    past `begin`), and from words inside them ("Defense" in "Self-Defense"). Each is made only
    when tried: mostly, the acronym abbreviates one of the first few, or is no acronym."""

    def __init__(self, text: str, begin: int, end: int) -> None:
        self._text, self._begin, self._end = text, begin, end

    def __iter__(self) -> Iterator[tuple[int, str]]:
        text, end = self._text, self._end
        for at in self._starts():
            yield at, text[at:end].strip()

    def starting_with(self, initial: str) -> Iterator[tuple[int, str]]:
        """What _starting_with(self, initial) gives, without making the long forms that start
        with another letter, most of them: a long form starts with a word's first character,
        which starts its first _WORD when it is an ASCII letter or digit."""
        text, end = self._text, self._end
        for at in self._starts():
            first = text[at]
            if first not in _ASCII_ALNUM:
                yield from _starting_with([(at, text[at:end].strip())], initial)
            elif first.lower() == initial:
                yield at, text[at:end].strip()

    def _starts(self) -> Iterator[int]:
        text, end = self._text, self._end
        window = _window_start(text, self._begin, end)
        # str.split() splits where `re` sees \s, so these are the window's \S+ tokens; each is
        # found again from the right: nothing but spaces lies between it and the next one.
        start = end
        for word in reversed(text[window:end].split()[-_MAX_WORDS:]):
            start = text.rfind(word, window, start)
            if "-" in word or "/" in word:  # the only tokens with words inside
                inner = [start + m.end() for m in _INNER_WORD.finditer(word)]
                yield from reversed(inner)
            yield start


def _starting_with(candidates: Iterable[tuple[int, str]], initial: str):
    """The (start, long form) candidates whose first _WORD starts with `initial` (lower case).
    Most start with another letter: _abbreviates() would say no at once, but only after
    splitting the candidate into words."""
    for at, long in candidates:
        head = _WORD.search(long)
        if head is not None and head.group()[0].lower() == initial:
            yield at, long


def _window_start(text: str, begin: int, end: int) -> int:
    """Where a long form ending at `end` may start at the earliest: after the last stop
    between `begin` and `end`, else at `begin`. Looked for back from `end`, only as far as the
    nearest stop (each "(" and ")" is one: a long sentence of many "(ACR)" is not scanned
    again for each). A stop is one character, or a full stop and a space, which starts none:
    so the last stop is the one that starts last, which _LAST_STOP finds first."""
    last = _LAST_STOP.match(text, begin, end)
    return begin if last is None else last.end()


def _small_forms_apart(capital: list[str], small: list[str]) -> bool:
    """Whether blanking the `small` forms (starting with a small letter) changes no token, nor
    which `capital` forms are blanked, even where the two overlap and one pattern over all the
    forms is used: none of them holds a capital, so none holds a token, nor reaches into one
    (a token ends in a letter or digit, they start after none, on a small letter); and no
    capital form starts with one of their characters, so none starts inside one of them."""
    if any(char in string.ascii_uppercase for form in small for char in form):
        return False
    theirs = {*"".join(small), "'", "\u2019"}  # as written: either apostrophe
    return not any(form[0] in theirs for form in capital)


def _outside(
    tokens: list[re.Match[str]], spans: list[tuple[int, int]], forms: list[tuple[int, int]]
) -> list[re.Match[str]] | None:
    """`tokens` less those inside one of `spans`; None when one of `forms` overlaps one, or a
    token reaches across the edge of one (each list in order, its items apart)."""
    form_starts = [start for start, _ in forms]
    token_starts = [match.start() for match in tokens]
    inside = set()
    for start, end in spans:
        # The last form, and the tokens, starting before the span ends: the later ones miss it.
        before = bisect_left(form_starts, end) - 1
        if before >= 0 and forms[before][1] > start:
            return None
        number = bisect_left(token_starts, end) - 1
        while number >= 0 and tokens[number].end() > start:
            if tokens[number].start() < start or tokens[number].end() > end:
                return None
            inside.add(number)
            number -= 1
    return [match for number, match in enumerate(tokens) if number not in inside]


def without_known(tokens: set[str], known: set[str]) -> set[str]:
    """Tokens from undefined_acronyms() less those `known` names: what passing `known` in its
    `exclude` would have given (each token is judged alone), for exclusions learnt later."""
    return {token for token in tokens if not _known_token(token, known)}


def _may_be_undefined(token: str, known: set[str]) -> bool:
    """Whether an all-caps token, wherever it stands, may be an undefined acronym: not one
    capital, roman numeral, known name or country code ("US dollars"). Only a surname's
    given name after it (_surname()) still rules it out."""
    if sum(map(str.isupper, token)) < 2 or _ROMAN.fullmatch(token):
        return False
    if _known_token(token, known):
        return False
    return not (len(token) == 2 and token in _alpha2())


def _known_token(token: str, known: set[str]) -> bool:
    stem = token.rstrip("0123456789")  # "FY2018", a footnote glued on: "RAN4"
    return bool({token, token.removesuffix("s"), stem, stem.removesuffix("s")} & known)


@cache
def _alpha2() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


def _alone(text: str, start: int, end: int) -> bool:
    """Whether a name read in capitals stands alone at text[start:end] as titled_names() reads
    it: no capitalised word right after, and before it none but "The", an acronym or a
    possessive ("IMO", "the World Bank’s"), and no country beside it."""
    if _CAPITAL_NEXT.match(text, end):
        return False  # "the Cabinet Office Secretariat"
    before = text[max(0, start - 40) : start]
    if before[-1:] in ("-", "\u2013", "/"):
        return False  # "Japan-U.S. National Security Council"
    words = before.split()
    # A word ending a sentence or a clause ("Japan.", "Japan,") is no part of the name; an
    # abbreviation's point ("Japan-U.S.") ends none.
    if (
        words
        and words[-1][0].isupper()
        and (words[-1][-1].isalpha() or words[-1].count(".") > 1)
        and before[-1:].isspace()
    ):
        word = words[-1]
        if word != "The" and not (possessor(word) or all_capitals(word)):
            return False  # "the European Central Bank"
        if all_capitals(word) and country_called(word):
            return False  # "the UK Cabinet Office"
    return country_beside(text, start, end) is None


_CAPITAL_NEXT = re.compile(r"[ \t\r\n]+[A-Z]")


def _canon(form: str) -> str:
    """The key of a written form: one space between words, straight apostrophes."""
    return " ".join(form.replace("\u2019", "'").split())


def _trie(forms) -> dict:
    """The forms as a character trie; "" marks where a form ends."""
    root: dict = {}
    for form in forms:
        node = root
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}
    return root


def _forms_regex(forms) -> str:
    """The forms, each after no letter or digit. That test sits after each first character
    rather than in front of the whole pattern, so the pattern starts with plain characters
    and `re` skips to where a form can start instead of trying the trie at every position."""
    first = []
    for char, child in _trie(forms).items():
        pattern = _char_pattern(char)  # one character wide: forms start with no space
        first.append(f"{pattern}(?<![A-Za-z0-9]{pattern}){_trie_regex(child, char)}")
    return "(?:" + "|".join(first) + ")"


def _forms_or_token_regex(forms) -> str:
    """As _forms_regex(), but each form's rest in a group, and after a capital where no form
    goes on, the rest of a _CAPS_TOKEN (whose start is the same test as a form's)."""
    trie = _trie(forms)
    first = []
    for char in sorted(set(trie) | set(string.ascii_uppercase)):
        pattern = _char_pattern(char)
        rests = [f"({_trie_regex(trie[char], char)})"] if char in trie else []
        if char in string.ascii_uppercase:
            rests.append(_CAPS_TOKEN_REST)
        rest = rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")"
        first.append(f"{pattern}(?<![A-Za-z0-9]{pattern}){rest}")
    return "(?:" + "|".join(first) + ")"


def _trie_regex(node: dict, last: str) -> str:
    """One regex over the trie's forms, so each position is tried once rather than once per
    form. Longer forms are tried before a form ending here, so the longest form wins (forms
    matching at one position are prefixes of one another: canonical forms differ in some
    character, and no text character matches two different ones)."""
    branches = [
        _char_pattern(char) + _trie_regex(child, char) for char, child in node.items() if char
    ]
    if "" in node:
        branches.append(_form_end(last))
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _char_pattern(char: str) -> str:
    """A character of a written form, letting line breaks, spacing and apostrophes vary."""
    if char == " ":
        return r"\s+"
    return "['\u2019]" if char == "'" else re.escape(char)


def _form_end(last: str) -> str:
    """After a form: a form ending in a letter may carry a glued footnote number ("Open
    RAN4"); one ending in a digit may not ("G2" is not in "G20")."""
    footnote = r"\d{0,2}" if last.isalpha() else ""
    return rf"(?={footnote}(?![A-Za-z0-9]))"


def _acronym_like(part: str) -> bool:
    upper = sum(c.isupper() for c in part)
    return upper >= 1 and (upper == sum(c.isalpha() for c in part) or acronym_shaped(part))


def _surname(text: str, start: int, end: int) -> bool:
    """ "Prime Minister ABE Shinzo", "My name is TAKAO Ryoko": a Japanese surname in capitals
    (syllables of romanised Japanese only) followed by a given name."""
    after = _GIVEN_NAME.match(text, end)  # not text[end:]: that copies the rest of a document
    return bool(after and _KANA.fullmatch(text[start:end].lower()))
