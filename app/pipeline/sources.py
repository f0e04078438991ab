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


def decode(path: Path, data: bytes) -> str:
    """UTF-8 text as received; a byte-order mark is dropped so offsets start at the text."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from exc


def infer_edition(text: str) -> tuple[str, int | None]:
    """Title and edition year from the opening lines, where they say so."""
    opening = "\n".join(text.splitlines()[:8])
    for pattern in TITLE_PATTERNS:
        match = pattern.search(opening)
        if match:
            return match.group("title").strip(), int(match.group("year"))
    return "", None


def load_manifest(folder: Path) -> list[dict]:
    manifest = folder / MANIFEST_NAME
    if not manifest.exists():
        return []
    try:
        with open(manifest, "rb") as fh:
            entries = tomllib.load(fh).get("document", [])
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{manifest.name}: not valid TOML ({exc})") from exc
    for number, entry in enumerate(entries, 1):
        if "file" not in entry:
            raise SourceError(f"{manifest.name}: document {number} has no 'file'")
    return entries


def from_manifest(folder: Path, entry: dict) -> SourceDocument:
    path = folder / entry["file"]
    if not path.is_file():
        raise SourceError(f"{entry['file']}: listed in {MANIFEST_NAME} but missing")
    data = path.read_bytes()
    checksum = sha256(data)
    expected = entry.get("checksum")
    if expected and expected != checksum:
        raise SourceError(
            f"{path.name}: checksum does not match {MANIFEST_NAME} "
            f"(expected {expected}, file has {checksum})"
        )
    text = decode(path, data)
    return SourceDocument(
        id=entry.get("id") or slug(path.stem),
        path=path,
        text=text,
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
    )


def from_file_alone(path: Path) -> SourceDocument:
    data = path.read_bytes()
    text = decode(path, data)
    title, year = infer_edition(text)
    warnings = [f"{path.name}: not in {MANIFEST_NAME}; catalogued with inferred metadata"]
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
    """Every document of a build: manifest entries first, then unlisted .txt files by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceError(f"{folder}: no such folder of sources")
    entries = load_manifest(folder)
    listed = {entry["file"] for entry in entries}
    documents = [from_manifest(folder, entry) for entry in entries]
    for path in sorted(folder.glob("*.txt")):
        if path.name not in listed:
            documents.append(from_file_alone(path))
    if not documents:
        raise SourceError(f"{folder}: no .txt documents to catalogue")
    seen: dict[str, Path] = {}
    for doc in documents:
        if doc.id in seen:
            raise SourceError(
                f"{doc.path.name}: document id '{doc.id}' is also {seen[doc.id].name}"
            )
        seen[doc.id] = doc.path
    return documents
