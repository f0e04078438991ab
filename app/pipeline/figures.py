"""Finds amounts of money and counted quantities in report text, with exact offsets and owners."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from app.pipeline.model import Figure, Mention
from app.pipeline.quick import has_digit, lowered, matches_at
from app.resources import load_toml

MONTHS = (
    "January February March April May June July August September October November December"
).split()

# A number as printed: "2,653", "15.53", "570,000", "4.5".
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# No letter, digit, separator or sign glued on the left: rejects "G7", "COVID-19", "ALOS-2",
# "2+2", footnote markers such as "Myanmar,10" and "countries11".
NUMBER_START = r"(?<![\w.,+\-–/])"
YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
# How many modifiers may stand between a count's number and its noun ("10 ASEAN countries").
MOST_MODIFIERS = 2
# How many a list of modifiers may hold ("80,000 military, police, and civilian personnel").
MOST_LISTED = 3


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """The word lists of resources/figures.toml (shared with years.py)."""
    return load_toml("figures.toml")


def _norm(words: str) -> str:
    return " ".join(words.split()).lower()


def _alternation(words: Iterable[str]) -> str:
    """Literal alternatives, longest first so "US dollars" wins over "dollars"; any spacing.

    Written as a character trie: `re` tries an alternation one alternative after another at
    every position (case-insensitive ones in full), a trie one character at a time. It tries
    what one alternation longest first would: where two words can match at one position, one
    is the start of the other, and a trie tries going on before ending."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in " ".join(word.split()):
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict) -> str:
    def longest(child: dict) -> int:
        return max((1 + longest(c) for char, c in child.items() if char), default=0)

    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_regex(child)
        for char, child in sorted(node.items(), key=lambda item: -longest(item[1]))
        if char
    ]
    if "" in node:
        branches.append("")  # a word ends here: tried after every longer one
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


@cache
def word_set(path: str) -> frozenset[str]:
    """A word list of the vocabulary by its dotted path ("labels.words"), for `in` tests."""
    return frozenset(_table(path))


def _table(path: str) -> Any:
    found = vocabulary()
    for key in path.split("."):
        found = found[key]
    return found


@lru_cache(maxsize=1024)  # the same few words are printed again and again
def _lookup(path: str, printed: str) -> Any:
    """Case- and spacing-insensitive lookup of a printed word in a vocabulary table, named by
    its dotted path ("scales", "counts.number_words")."""
    table = _table(path)
    folded = {_norm(key): value for key, value in table.items()}
    found = folded.get(_norm(printed))
    if found is not None:
        return found
    # A casing re.IGNORECASE matches but lower() does not fold ("dollarſ", "İn total"): find the
    # word as the pattern found it.
    for key, value in table.items():
        if re.fullmatch(r"\s+".join(map(re.escape, key.split())), printed, re.IGNORECASE):
            return value
    raise KeyError(printed)


# ---------------------------------------------------------------- patterns (all in one place)


def _amount(tag: str) -> str:
    """One amount with its currency, either "$120 million" or "61.3 million US dollars"."""
    voc = vocabulary()
    prefix = _alternation(voc["currency_prefixes"])
    suffix = _alternation(voc["currency_suffixes"])
    scale = _alternation(voc["scales"])
    return (
        rf"(?:(?P<pre{tag}>{prefix})\s?{NUMBER_START}(?P<numa{tag}>{NUMBER})"
        rf"(?:\s+(?i:(?P<scalea{tag}>{scale})))?"
        rf"|{NUMBER_START}(?P<numb{tag}>{NUMBER})(?:\s+(?i:(?P<scaleb{tag}>{scale})))?"
        rf"\s+(?i:(?P<suf{tag}>{suffix})))(?!\w)"
    )


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    voc = vocabulary()
    qualifier = rf"(?i:{_alternation(voc['qualifiers'])})"
    qualifiers = rf"(?:(?<![\w.,]){qualifier}\s+)*"
    counts = voc["counts"]
    number_word = _alternation(counts["number_words"])
    # "11 Seven African countries" (a note label, then a count) must not read as 11 countries.
    modifier = (
        rf"(?!(?i:{number_word})\b)"
        rf"(?:(?i:{_alternation(counts['modifiers'])})|[A-Z][A-Za-z]*(?:-[A-Za-z]+)*)"
    )
    listed = rf"(?:{_alternation(counts['modifiers'])})"
    money = (
        rf"(?<![\w.,])(?P<quals>{qualifiers}){_amount('')}"
        # An equivalent in another currency: "$120 million (approximately ¥14 billion)".
        rf"(?:\s*\(\s*(?P<altquals>{qualifiers}){_amount('_alt')}\s*\))?"
    )
    count = (
        rf"(?<![\w.,])(?P<quals>{qualifiers})"
        rf"(?:{NUMBER_START}(?P<num>{NUMBER})|(?<![\w\-])(?P<word>(?i:{number_word})))"
        rf"(?:\s+(?i:(?P<scale>{_alternation(voc['scales'])})))?"
        rf"(?:(?:\s+{modifier}){{0,{MOST_MODIFIERS}}}?"
        # A list of the listed modifiers as written, in small letters: "military and civilian",
        # "military, police, and civilian"; a comma only in a list of three. (A capitalised
        # word may start a clause or a title: "2,000 police and Japanese experts conducted".)
        rf"|\s+{listed}(?:(?:,\s+{listed}){{1,{MOST_LISTED - 2}}},?)?\s+(?:and|or)\s+{listed})"
        rf"\s+(?P<noun>(?i:{_alternation(counts['nouns'])}))(?![A-Za-z\-])"
    )
    return {
        "money": re.compile(money),
        "count": re.compile(count),
        "qualifier": re.compile(qualifier),
        "verb": re.compile(rf"\b(?i:{_alternation(voc['owners']['verbs'])})\b"),
        "relative": re.compile(r"\b(?:which|who|whose)\b"),
        "japan": re.compile(r"(?<![-–])\b(?:the\s+Government\s+of\s+)?Japan(?:'s|’s)?\b(?![-–])"),
        # A sentence ends at . ! ? (closing quotes allowed) before a capital, or at a line end.
        "sentence_end": re.compile(r"[.!?][”\"’)]*\s+(?=[“\"(]?[A-Z])|\n"),
        "abbreviation": re.compile(
            r"(?:^|[\s(])(?:[A-Z]|[A-Z]\.[A-Z]|e\.g|i\.e|No|Mr|Ms|Dr|St|vs)$"
        ),
        # Actor lists: "Yemen, Kenya and Tanzania".
        "list_joiner": re.compile(r"\s*,?\s*(?:and|or)\s+(?:the\s+)?"),
        "list_comma": re.compile(r"\s*,\s*(?:the\s+)?"),
        "list_continues": re.compile(r"\s*(?:,|and\b|or\b)"),
        "antecedent_gap": re.compile(r"\s*,?\s*"),
        "clause_break": re.compile(r"[,;:()]"),
        "time_phrase": re.compile(
            rf"\b(?i:in|since|from|until|by|as of|during|on|at)\s+(?:(?:{'|'.join(MONTHS)})\s+)?"
            r"(?:\d{1,2},?\s+)?(?:FY\s?)?\d{4}\b"
        ),
    }


# ---------------------------------------------------------------- public API


def find_figures(text: str, base: int = 0, actors: Sequence[Mention] = ()) -> list[Figure]:
    """Money amounts and counts in ``text``; offsets are ``base`` + index into ``text``.

    Money: a currency sign or word ("$", "¥", "€", "US dollars", "yen", "euros", "USD" ...)
    around a number with an optional scale word; value in units, ISO 4217 currency, stacked
    qualifiers kept in the text and the one nearest the number normalised ("a total of over
    500 million" -> "over"). A parenthesised equivalent becomes ``alt_value``/``alt_currency``.

    Counts: a number (digits, or "two".."fifty" spelled out) followed by a counted noun from
    resources/figures.toml, with up to two modifiers between ("10 ASEAN countries",
    "20 engineering personnel"). Not counts: durations ("17 years"), percentages, years,
    dates, ordinals, labels ("Falcon 200", "resolution 2375", "Note 33"), numbers glued to
    letters or signs ("G7", "COVID-19", "2+2"), and spelled-out numbers after a determiner
    ("the two countries").

    Owner (money only), decided inside the figure's sentence:
      1. the pivot is the last giving verb (provided, contributed, invests ...) before the
         figure, or the figure itself when there is none;
      2. if a relative pronoun (which/who/whose) stands between sentence start and pivot, the
         clause's subject is its antecedent: the actor ending just before it, else None;
      3. otherwise the owner is the nearest actor before the pivot that is the subject side:
         actors inside a prepositional phrase ("with the UNDP", "to UNODC", "With a view to
         ... Somalia,"), actors coordinated with such an actor ("in Yemen, Kenya and
         Tanzania") and compound modifiers ("Japan-ASEAN Summit") are skipped.
    ``actors`` are absolute-offset Mentions (countries with alpha-3 ids, organisations); when
    none are given, "Japan" / "Japan's" / "the Government of Japan" are detected as "JPN".
    """
    # A quick test first: money needs a digit and a currency. Most sentences have neither and
    # skip the costly pattern.
    digit = has_digit(text)
    folded = lowered(text)
    may_pay = digit and _may_mention(text, folded, "currencies")
    counts = _count_matches(text, folded, digit)
    if not (may_pay or counts):
        return []
    if may_pay and not actors:
        actors = [
            Mention("JPN", base + m.start(), base + m.end(), m.group(), "donor")
            for m in _patterns()["japan"].finditer(text)
        ]
    starts: list[int] = []  # sentence starts, found only when there is money to own
    figures = []
    for match in _money_matches(text, folded) if may_pay else ():
        starts = starts or _sentence_starts(text)
        figures.append(_money(match, base, _owner(text, base, starts, match.start(), actors)))
    taken = [(f.start - base, f.end - base) for f in figures]
    for match in counts:
        figure = _count(text, match, base)
        if figure is not None and not _overlaps(match.span(), taken):
            figures.append(figure)
    return sorted(figures, key=lambda f: f.start)


def _money_matches(text: str, folded: str | None) -> list[re.Match[str]]:
    """What the money pattern's finditer finds, found sooner: that pattern starts with a
    lookbehind, so `re` tries it at every position of the text; but a money match starts
    where a qualifier, a currency sign or word before the number, or a digit does, after no
    letter, digit, full stop or comma. _money_starts finds those places, in the lower-cased
    text `folded` when it has no odd letters (see _count_matches)."""
    # The space put first stands for the start of the text (see _count_matches).
    if folded is None:
        befores = _money_starts(None).finditer(" " + text)
    else:
        befores = _money_starts(folded.isascii()).finditer(" " + folded)
    return matches_at(_patterns()["money"], text, (before.start() for before in befores))


@cache
def _money_starts(is_ascii: bool | None) -> re.Pattern[str]:
    r"""A character that may stand before money (the money pattern wants none of \w . , there)
    followed by what money may start with. One character wide: no match hides another, and
    starting with a class, `re` skips straight to the spaces and signs.

    In text with odd letters (`is_ascii` None), the money pattern's own parts, so that odd
    letters and Unicode digits are what the money pattern makes of them. Otherwise, in
    lower-cased text, as _count_starts: qualifiers and currency signs and words lower-cased
    (lower case holds what the pattern's words match, in any case, as the count's), ASCII
    classes, and in ASCII text [0-9] for \d."""
    voc = vocabulary()
    if is_ascii is None:
        qualifier = rf"(?i:{_alternation(voc['qualifiers'])})"
        prefix = _alternation(voc["currency_prefixes"])
        return re.compile(rf"[^\w.,](?=\d|{prefix}|{qualifier})")
    words = [word.lower() for word in (*voc["currency_prefixes"], *voc["qualifiers"])]
    digit = "[0-9]" if is_ascii else r"\d"
    return re.compile(rf"[^0-9a-z_.,](?={digit}|{_alternation(words)})")


def _count_matches(text: str, folded: str | None, digit: bool) -> list[re.Match[str]]:
    """What the count pattern's finditer finds, found sooner: that pattern is tried at every
    position of the text, but a count starts only where a number or a qualifier does, and
    _count_starts finds those few places quickly in the lower-cased text."""
    if folded is None:  # odd letters: only case-insensitive patterns can tell
        if not (digit or _may_mention(text, None, "number_words")):
            return []
        if not _may_mention(text, None, "nouns"):
            return []
        return list(_patterns()["count"].finditer(text))
    # The space put first stands for the start of the text, where a count may start too; the
    # character it matches is then the one before each place a count may start.
    spaced = " " + folded
    # Most text has no number followed by a noun: one search tells so sooner than
    # _count_starts. (Only text with a digit may have a number written in digits.)
    if not _numbers_before_nouns(digit).search(spaced):
        return []
    befores = _count_starts(folded.isascii()).finditer(spaced)
    return matches_at(_patterns()["count"], text, (before.start() for before in befores))


# ASCII whitespace (\s), then every non-ASCII character: more than \s, but tested in a table
# rather than in the Unicode database.
_SPACE_OR_MORE = r"[\t-\r\x1c-\x1f \x80-\U0010ffff]"


@cache
def _numbers_before_nouns(digits: bool) -> re.Pattern[str]:
    r"""In lower-cased text without odd letters, what every count holds: a number word, or
    with `digits` also a number in digits (a digit, or digits, commas and points, ending in
    a digit), then space, at most _words_before_noun() words of a-z and hyphens, each
    perhaps ending in a comma (a scale, modifiers, a list's "and"), space and the first word
    of a noun. Most sentences with a number have no noun after it ("in 2016 the
    Government"): this tells so sooner than _count_starts.

    Lower case holds the count pattern's case-insensitive words, and its capitalised
    modifiers, as words of a-z and hyphens. Before the number the count pattern wants none
    of \w . , - and lower case then none of 0-9 a-z _ . , -. Classes of ASCII characters,
    tested in a table rather than in the Unicode database, stand for \w and \s.

    In a count, space comes after the number and after each word, and a-z after the space:
    so each run of digits and signs, of letters, or of space is as long as it can be, and
    the search need not try shorter ones (possessive quantifiers, ++ and *+)."""
    counts = vocabulary()["counts"]
    number = _alternation(counts["number_words"])
    if digits:
        number = rf"(?:\d[\d.,]*+(?<=\d)|{number})"
    nouns = _alternation({noun.split()[0].lower() for noun in counts["nouns"]})
    return re.compile(
        rf"[^0-9a-z_.,\-]{number}"
        rf"(?:{_SPACE_OR_MORE}++[a-z][a-z\-]*+,?+){{0,{_words_before_noun()}}}?"
        rf"{_SPACE_OR_MORE}++{nouns}"
    )


def _words_before_noun() -> int:
    """How many words the count pattern lets stand between a number and its noun: a scale,
    then the modifiers ("coast guard" is two words), or a list of them and its "and"."""
    voc = vocabulary()
    scale = max(len(word.split()) for word in voc["scales"])
    modifier = max(len(word.split()) for word in voc["counts"]["modifiers"])
    return scale + max(MOST_MODIFIERS * modifier, MOST_LISTED * modifier + 1)


@cache
def _count_starts(is_ascii: bool) -> re.Pattern[str]:
    r"""In lower-cased text, a character that may stand before a count (the count pattern wants
    none of \w . , there) followed by what a count may start with: a digit, a qualifier or a
    number word. Lower case keeps offsets, and where no letter is odd it holds what the count
    pattern's case-insensitive parts match. One character wide, no match hides another; and
    starting with a character class, the pattern skips straight to the spaces and signs.
    Classes of ASCII characters are tested in a table rather than in the Unicode database:
    the one before a count holds every character but 0-9 a-z _ . , (lower case has no A-Z),
    so also non-ASCII letters and digits, where the count pattern then finds nothing. In
    ASCII text [0-9] is \d."""
    voc = vocabulary()
    words = [word.lower() for word in (*voc["qualifiers"], *voc["counts"]["number_words"])]
    digit = "[0-9]" if is_ascii else r"\d"
    return re.compile(rf"[^0-9a-z_.,](?={digit}|{_alternation(words)})")


def _may_mention(text: str, folded: str | None, words: str) -> bool:
    """False when `text` holds no entry of a vocabulary list (currencies, number_words, nouns),
    so that no pattern using the list can match: an entry is written only where each of its
    words is. Substring tests of the lower-cased text are far quicker than a case-insensitive
    regex, which only text with odd letters needs."""
    single, several, pattern = _needed_words(words)
    if folded is None:
        return bool(pattern.search(text))
    if any(map(folded.__contains__, single)):
        return True
    # Currencies have no entry of several words: most text then needs no generator made.
    return bool(several) and any(all(map(folded.__contains__, entry)) for entry in several)


@cache
def _needed_words(words: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], re.Pattern]:
    """The words of each entry of a list (any whitespace may come between them), lower-cased:
    one-word entries, then the others; an entry is left out where another's words are all in
    its own ("dollars" is in "US dollars", "$" in "US$"). Then a case-insensitive regex finding
    the first word of any entry."""
    voc = vocabulary()
    entries = {
        "currencies": [*voc["currency_prefixes"], *voc["currency_suffixes"]],
        "number_words": voc["counts"]["number_words"],
        "nouns": voc["counts"]["nouns"],
    }[words]
    split = sorted({tuple(entry.lower().split()) for entry in entries})

    def covers(other: tuple[str, ...], entry: tuple[str, ...]) -> bool:
        return all(any(word in mine for mine in entry) for word in other)

    needed = [e for e in split if not any(o != e and covers(o, e) for o in split)]
    firsts = sorted({entry.split()[0].lower() for entry in entries})
    return (
        tuple(e[0] for e in needed if len(e) == 1),
        tuple(e for e in needed if len(e) > 1),
        re.compile("|".join(re.escape(w) for w in firsts), re.IGNORECASE),
    )


def format_figure(f: Figure) -> str:
    """Short human form for exports: "approximately USD 6,000,000,000", "2,653 personnel"."""
    qualifier = f"{f.qualifier} " if f.qualifier else ""
    if f.kind == "count":
        return f"{qualifier}{_format_number(f.value)} {f.unit}"
    shown = f"{qualifier}{f.currency} {_format_number(f.value)}"
    if f.alt_value is not None:
        shown += f" (≈ {f.alt_currency} {_format_number(f.alt_value)})"
    return shown


# ---------------------------------------------------------------- money and counts


def _money(match: re.Match[str], base: int, owner: str | None) -> Figure:
    value, currency = _amount_value(match, "")
    alt_value = alt_currency = None
    if match.group("numa_alt") or match.group("numb_alt"):
        alt_value, alt_currency = _amount_value(match, "_alt")
    return Figure(
        kind="money",
        value=value,
        text=match.group(),
        start=base + match.start(),
        end=base + match.end(),
        currency=currency,
        qualifier=_qualifier(match.group("quals")),
        alt_value=alt_value,
        alt_currency=alt_currency,
        owner=owner,
    )


def _amount_value(match: re.Match[str], tag: str) -> tuple[float, str]:
    if match.group(f"pre{tag}"):
        number, scale = match.group(f"numa{tag}"), match.group(f"scalea{tag}")
        currency = _lookup("currency_prefixes", match.group(f"pre{tag}"))
    else:
        number, scale = match.group(f"numb{tag}"), match.group(f"scaleb{tag}")
        currency = _lookup("currency_suffixes", match.group(f"suf{tag}"))
    return _scaled(number, scale), currency


def _scaled(number: str, scale: str | None) -> float:
    # Decimal keeps "15.53 million" exactly 15530000.0 instead of 15530000.000000002.
    multiplier = _lookup("scales", scale) if scale else 1
    return float(Decimal(number.replace(",", "")) * multiplier)


def _count(text: str, match: re.Match[str], base: int) -> Figure | None:
    number, word = match.group("num"), match.group("word")
    before = _previous_word(text, match.start())
    if _is_label(text, match.start(), before):
        return None
    if number and YEAR_LIKE.fullmatch(number) and not match.group("quals"):
        return None  # "since 2018 ASEAN countries": a bare year, not 2018 countries
    if word and before.lower() in word_set("labels.determiners"):
        return None  # "the two countries" refers back, it does not count
    if word:
        value = float(_lookup("counts.number_words", word))
    else:
        value = _scaled(number, match.group("scale"))
    return Figure(
        kind="count",
        value=value,
        text=match.group(),
        start=base + match.start(),
        end=base + match.end(),
        qualifier=_qualifier(match.group("quals")),
        unit=_norm(match.group("noun")),
    )


def _is_label(text: str, index: int, before: str) -> bool:
    """True for "page 50", "Note 33", "December 9" and names such as "Falcon 200"."""
    word = before.lower()
    if word in word_set("labels.words") or before in MONTHS:
        return True
    # A capitalised word right before the number, not opening a sentence, names a thing.
    if before[:1].isupper() and before.isalpha():
        word_start = index - len(before) - 1
        preceding = text[:word_start].rstrip()
        return bool(preceding) and preceding[-1] not in ".!?:;\n"
    return False


def _qualifier(printed: str) -> str | None:
    found = _patterns()["qualifier"].findall(printed or "")
    # The qualifier nearest the number bounds it: "a total of over 500 million" is "over".
    return _lookup("qualifiers", found[-1]) if found else None


def _format_number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _previous_word(text: str, index: int) -> str:
    r"""What the "previous_word" pattern, ([^\s(“"']+)\s+$, finds in the 40 characters before
    `index`: the word before the spaces that end them, from after its last quote or "(".
    String methods find it in a fraction of the time the pattern takes, tried at each
    position. (str.rstrip() and str.split() take for spaces what \s does.)"""
    before = text[max(0, index - 40) : index]
    words = before.rstrip()
    if len(words) == len(before) or not words:
        return ""  # no space before `index`, or nothing but spaces
    word = words.rsplit(None, 1)[-1]
    for opening in _OPENINGS:
        if opening in word:
            word = word.rpartition(opening)[2]
    return word


_OPENINGS = ("(", "“", '"', "'")  # what the word before a number does not start with


# ---------------------------------------------------------------- owners


def _sentence_starts(text: str) -> list[int]:
    patterns = _patterns()
    starts = [0]
    for match in patterns["sentence_end"].finditer(text):
        # "U.S. Government", "e.g. Japan": a full stop after an abbreviation ends nothing.
        if match.group().startswith(".") and patterns["abbreviation"].search(
            text[max(0, match.start() - 5) : match.start()]
        ):
            continue
        starts.append(match.end())
    return starts


def _owner(
    text: str, base: int, starts: list[int], index: int, actors: Sequence[Mention]
) -> str | None:
    sentence_start = starts[bisect.bisect_right(starts, index) - 1]
    verbs = list(_patterns()["verb"].finditer(text, sentence_start, index))
    pivot = verbs[-1].start() if verbs else index
    relatives = list(_patterns()["relative"].finditer(text, sentence_start, pivot))
    inside = sorted(
        (a for a in actors if sentence_start <= a.start - base and a.end - base <= pivot),
        key=lambda a: a.start,
    )
    if relatives:
        # "the Fund, which invests ...": the subject is whatever the pronoun stands for.
        pronoun = relatives[-1].start()
        for actor in inside:
            if _patterns()["antecedent_gap"].fullmatch(text[actor.end - base : pronoun]):
                return actor.id
        return None
    subjects = _subject_side(text, base, sentence_start, inside)
    if not subjects:
        return None
    # "Japan has supported … the Centre (DRTC) by contributing $15.53 million": a gerund gives
    # no subject of its own, so the money is the main clause's subject's.
    if verbs and verbs[-1].group(0).lower().endswith("ing"):
        if _previous_word(text, pivot).lower() == "by":
            return subjects[0].id
    return subjects[-1].id


def _subject_side(
    text: str, base: int, sentence_start: int, actors: list[Mention]
) -> list[Mention]:
    """Actors that can be a subject: not in a prepositional phrase, not a compound modifier."""
    prepositions = word_set("owners.prepositions")
    kept: list[Mention] = []
    previous: Mention | None = None
    previous_skipped = False
    for actor in actors:
        start, end = actor.start - base, actor.end - base
        if previous and _coordinated(text, previous.end - base, start, end):
            skipped = previous_skipped  # "in Yemen, Kenya and Tanzania": same phrase, same role
        else:
            phrase = _patterns()["clause_break"].split(text[sentence_start:start])[-1]
            # "In 2022 Japan provided": a preposition governing a date governs nothing else.
            phrase = _patterns()["time_phrase"].sub(" ", phrase)
            skipped = any(w.lower() in prepositions for w in phrase.split())
        if _hyphenated(text, start, end):
            skipped = True  # "Japan-ASEAN Summit": a modifier, not an actor
        if not skipped:
            kept.append(actor)
        previous, previous_skipped = actor, skipped
    return kept


def _hyphenated(text: str, start: int, end: int) -> bool:
    return text[end : end + 1] in ("-", "–") or text[start - 1 : start] in ("-", "–")


def _coordinated(text: str, previous_end: int, start: int, end: int) -> bool:
    """True when an actor continues a list begun by the previous one ("Yemen, Kenya and ...").

    A bare comma only joins list members in the middle of a list: in "Somalia, Japan has"
    the comma closes an introductory phrase instead.
    """
    patterns = _patterns()
    between = text[previous_end:start]
    if patterns["list_joiner"].fullmatch(between):
        return True
    return bool(
        patterns["list_comma"].fullmatch(between) and patterns["list_continues"].match(text, end)
    )
