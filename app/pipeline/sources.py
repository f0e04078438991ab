"""Finds the source documents of a build: the manifest's entries and any other .txt report."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_NAME = "sources.toml"

# Opening lines that name an edition, in the two series we know and in others like them.
TITLE_PATTERNS = (
    re.compile(r"\b(?P<title>Diplomatic Bluebook)\s+(?P<year>(?:19|20)\d{2})\b"),
    re.compile(
        r"\b(?P<title>White Paper on Development Cooperation|Japan'?s ODA White Paper|"
        r"ODA White Paper|Development Cooperation White Paper)\s+(?P<year>(?:19|20)\d{2})\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?P<title>(?:[A-Z][\w'’-]+ ){1,6}(?:White Paper|Bluebook|Report))\s+"
        r"(?P<year>(?:19|20)\d{2})\b"
    ),
)


class SourceError(Exception):
    """A source document or the manifest cannot be used; the message names the file."""


class BuildError(Exception):
    """The catalogue could not be written (disk full, read-only folder ...); the message names
    the file, and the old catalogue is unchanged. (Here, not in build.py, so that the command
    line can catch it without importing the whole pipeline.)"""


@dataclass
class SourceDocument:
    id: str
    path: Path
    text: str
    title: str
    short_title: str
    publisher: str
    edition_year: int | None
    period: str
    chapter: str
    language: str
    url: str
    checksum: str
    in_manifest: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def period_year(self) -> int | None:
        """The last year the document's period covers: where an open range ends."""
        years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", self.period)]
        return max(years) if years else self.edition_year


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


# Bytes that never occur in text: C0 controls but tab, line feed, vertical tab, form feed and
# carriage return, and DEL. NUL anywhere, or more than this share of the others, means binary.
CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D} | {0x7F}
MAX_CONTROL_SHARE = 0.01
# Full-width hiragana and katakana: Shift-JIS bytes that decode to some of them are Japanese;
# cp1252 text mistaken for Shift-JIS decodes to kanji and half-width katakana instead.
KANA = re.compile(r"[\u3040-\u30ff]")
# A build reads every document into memory several times over; far larger files are not
# report chapters (the largest bundled one is 0.1 MB) and would take minutes.
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-16", "shift-jis" (cp932) or "cp1252"
    notes: tuple[str, ...] = ()  # what was changed: byte-order mark, line ends


def decode(path: Path, data: bytes) -> str:
    """The text of a document's bytes, as the catalogue stores it (see `decode_text`)."""
    return decode_text(path, data).text


def decode_text(path: Path, data: bytes) -> Decoded:
    """Text from bytes, or a SourceError "<file>: <problem>".

    UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark are read as
    such; other bytes are Shift-JIS (cp932) when they decode cleanly and hold kana, else
    cp1252 when they decode; anything else is refused. The byte-order mark is dropped and
    CRLF and CR line ends become LF, so the stored text is what every offset refers to.
    """
    name = path.name
    if len(data) > MAX_BYTES:
        raise SourceError(
            f"{name}: too large ({len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB): split it into chapters"
        )
    notes: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SourceError(f"{name}: not UTF-16 text despite its byte-order mark") from exc
    else:
        if not data.strip(b" \t\r\n\x0b\x0c\xef\xbb\xbf"):
            raise SourceError(f"{name}: empty file, no text to catalogue")
        if b"\x00" in data:
            raise SourceError(f"{name}: a binary file (it holds NUL bytes), not text")
        controls = len(data) - len(data.translate(None, bytes(sorted(CONTROL_BYTES))))
        if controls > MAX_CONTROL_SHARE * len(data):
            raise SourceError(
                f"{name}: a binary file ({controls:,} control bytes in {len(data):,}), not text"
            )
        encoding, text = guess_encoding(name, data)
    if text.startswith("\ufeff"):
        text = text[1:]
        notes.append("byte-order mark dropped")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append("CRLF/CR line ends read as LF")
    if not text or text.isspace():  # as `not text.strip()`, without copying the text
        raise SourceError(f"{name}: empty file, no text to catalogue")
    return Decoded(text, encoding, tuple(notes))


def guess_encoding(name: str, data: bytes) -> tuple[str, str]:
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp932")
        if KANA.search(text):
            return "shift-jis", text
    except UnicodeDecodeError:
        pass
    try:
        return "cp1252", data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    raise SourceError(
        f"{name}: not UTF-8 text ({utf8_error.reason} at byte {utf8_error.start}), nor "
        "Shift-JIS or Windows-1252: save it as UTF-8"
    )


def read_source(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc


def decoding_warnings(path: Path, decoded: Decoded) -> list[str]:
    if decoded.encoding in ("utf-8", "utf-16"):
        return []
    label = {"shift-jis": "Shift-JIS", "cp1252": "Windows-1252"}[decoded.encoding]
    return [f"{path.name}: not UTF-8; read as {label}"]


def infer_edition(text: str) -> tuple[str, int | None]:
    """Title and edition year from the opening lines, where they say so."""
    opening = "\n".join(opening_lines(text, 8))
    for pattern in TITLE_PATTERNS:
        match = pattern.search(opening)
        if match:
            return match.group("title").strip(), int(match.group("year"))
    return "", None


def opening_lines(text: str, count: int, size: int = 4096) -> list[str]:
    """text.splitlines()[:count], splitting only as much of the text as holds them (from
    `size` characters on)."""
    while True:
        lines = text[:size].splitlines()
        # Once a line after them has begun, the first `count` are whole.
        if len(lines) > count or size >= len(text):
            return lines[:count]
        size *= 4


STRING_FIELDS = ("file", "id", "title", "short_title", "publisher", "chapter", "language", "url")


def load_manifest(folder: Path) -> list[dict]:
    manifest = folder / MANIFEST_NAME
    if not manifest.exists():
        return []
    try:
        with open(manifest, "rb") as fh:
            entries = tomllib.load(fh).get("document", [])
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{manifest.name}: not valid TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"{manifest.name}: not UTF-8 text") from exc
    except OSError as exc:
        raise SourceError(f"{manifest.name}: cannot be read ({exc.strerror or exc})") from exc
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise SourceError(f"{manifest.name}: 'document' must be a list of [[document]] tables")
    for number, entry in enumerate(entries, 1):
        if "file" not in entry:
            raise SourceError(f"{manifest.name}: document {number} has no 'file'")
        for key in STRING_FIELDS:
            if key in entry and not isinstance(entry[key], str):
                raise SourceError(f"{manifest.name}: document {number}: '{key}' must be text")
        year = entry.get("edition_year")
        if year is not None and (not isinstance(year, int) or not 1900 <= year <= 2100):
            raise SourceError(f"{manifest.name}: document {number}: 'edition_year' is not a year")
        name = entry["file"]
        if not name or Path(name).name != name or name in (".", ".."):
            raise SourceError(
                f"{manifest.name}: document {number}: 'file' must name a file in this folder"
            )
    return entries


def from_manifest(folder: Path, entry: dict) -> SourceDocument:
    path = folder / entry["file"]
    if not path.is_file():
        raise SourceError(f"{entry['file']}: listed in {MANIFEST_NAME} but missing")
    data = read_source(path)
    checksum = sha256(data)
    expected = entry.get("checksum")
    if expected and expected != checksum:
        raise SourceError(
            f"{path.name}: checksum does not match {MANIFEST_NAME} "
            f"(expected {expected}, file has {checksum})"
        )
    decoded = decode_text(path, data)
    return SourceDocument(
        id=entry.get("id") or slug(path.stem),
        path=path,
        text=decoded.text,
        title=entry.get("title", ""),
        short_title=entry.get("short_title", entry.get("title", "")),
        publisher=entry.get("publisher", ""),
        edition_year=entry.get("edition_year"),
        period=str(entry.get("period", entry.get("edition_year", ""))),
        chapter=entry.get("chapter", ""),
        language=entry.get("language", "en"),
        url=entry.get("url", ""),
        checksum=checksum,
        in_manifest=True,
        warnings=decoding_warnings(path, decoded),
    )


def from_file_alone(path: Path) -> SourceDocument:
    data = read_source(path)
    decoded = decode_text(path, data)
    text = decoded.text
    title, year = infer_edition(text)
    warnings = [f"{path.name}: not in {MANIFEST_NAME}; catalogued with inferred metadata"]
    warnings += decoding_warnings(path, decoded)
    if not title:
        warnings.append(f"{path.name}: no title or edition found in its opening lines")
    return SourceDocument(
        id=slug(path.stem),
        path=path,
        text=text,
        title=title or path.stem,
        short_title=title or path.stem,
        publisher="",
        edition_year=year,
        period=str(year) if year else "",
        chapter="",
        language="en",
        url="",
        checksum=sha256(data),
        in_manifest=False,
        warnings=warnings,
    )


def discover(folder: Path) -> list[SourceDocument]:
    """Every document of a build: manifest entries first, then unlisted .txt files by name.

    The same content under two names is refused: its entries would be catalogued twice."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceError(f"{folder}: no such folder of sources")
    entries = load_manifest(folder)
    listed = {entry["file"] for entry in entries}
    duplicate = next((f for f in listed if [e["file"] for e in entries].count(f) > 1), None)
    if duplicate:
        raise SourceError(f"{duplicate}: listed twice in {MANIFEST_NAME}")
    documents = [from_manifest(folder, entry) for entry in entries]
    for path in sorted(folder.glob("*.txt")):
        if path.name not in listed and path.is_file():
            documents.append(from_file_alone(path))
    if not documents:
        raise SourceError(f"{folder}: no .txt documents to catalogue")
    seen: dict[str, Path] = {}
    contents: dict[str, Path] = {}
    for doc in documents:
        if doc.id in seen:
            raise SourceError(
                f"{doc.path.name}: document id '{doc.id}' is also {seen[doc.id].name}"
            )
        seen[doc.id] = doc.path
        if doc.checksum in contents:
            raise SourceError(
                f"{doc.path.name}: the same document as {contents[doc.checksum].name} "
                "(identical bytes); remove one copy"
            )
        contents[doc.checksum] = doc.path
    return documents
