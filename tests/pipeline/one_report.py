"""A corpus of one report, read as a build reads it: its records, for tests of what it says."""

from __future__ import annotations

from pathlib import Path

from app.pipeline.corpus import Corpus, read_corpus
from app.pipeline.extract import EntryRecord
from app.pipeline.sources import discover


def corpus_of(folder: Path, text: str) -> Corpus:
    """`text`, written as the only report in `folder`, read in one process."""
    (folder / "report.txt").write_text(text, encoding="utf-8")
    return read_corpus(discover(folder), lambda *_: None, lambda: False, 1)


def records_of(folder: Path, text: str) -> list[EntryRecord]:
    """The records of `text`, written as the only report in `folder`, one per piece."""
    return corpus_of(folder, text).extract(0)
