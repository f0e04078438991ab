"""Writes entries to a spreadsheet-friendly CSV, atomically: whole or not at all."""

from __future__ import annotations

import csv
import errno
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path

from app.export import atomic
from app.export.neutralise import RISKY_FIRST, neutralise
from app.pipeline.schema import holds_database
from app.resources import Column, columns

PROGRESS_EVERY = 1000  # rows between progress calls: often enough for a bar, cheap enough
DISK_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
PART_SUFFIX = ".part"  # temporary files: .<target name>.<random>.part beside the target
WRITE_BUFFER = 1 << 20  # bytes: fewer, larger writes


class ExportError(Exception):
    """The export could not be written; the message says why and what to try."""


class ExportCancelled(Exception):
    """The user cancelled; nothing was written."""


def export_columns() -> tuple[Column, ...]:
    return columns()


def header() -> list[str]:
    return [c.header for c in export_columns()]


def raw_cells(row: dict) -> list:
    """A row's values in column order, as the catalogue holds them."""
    return ["" if row.get(c.key) is None else row[c.key] for c in export_columns()]


def export_keys() -> list[str]:
    """The row keys of the columns, in order (Catalogue.iter_cells reads exactly these)."""
    return [c.key for c in export_columns()]


def cells(row: dict) -> list:
    """A row's cells in column order, text that a spreadsheet would run as a formula
    neutralised (see app.export.neutralise)."""
    return [neutralise(value) for value in raw_cells(row)]


def csv_field(value) -> str:
    """One cell as csv.writer writes it (QUOTE_MINIMAL, CRLF), neutralised; the same bytes,
    twice as quick: C string methods on whole cells instead of the csv module's per-character
    loop. Text looks at neutralise only when its first character could start a formula."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)  # ints (as csv.writer writes them); numbers are never neutralised
    if value and (value[0] in RISKY_FIRST or value[0].isspace()):
        value = neutralise(value)
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def write_rows(fh, rows: Iterable, progress=None, cancelled=None, first: bool = True) -> int:
    """CSV of the rows to an open text file (newline=''), header first; returns rows written.

    A row is a dict (as Catalogue.iter_rows gives) or a sequence of raw cells in column order
    (as Catalogue.iter_cells(export_keys()) gives, much more quickly); None is empty.
    `first`=False leaves out the byte-order mark and the header: a later share of a file."""
    if first:
        # Excel reads UTF-8 only with a byte-order mark; CRLF and minimal quoting are what it
        # writes.
        fh.write("\ufeff")
        csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow(header())
    written = 0
    rows = iter(rows)
    while chunk := list(islice(rows, PROGRESS_EVERY)):
        fh.write(
            "".join(
                [
                    ",".join([csv_field(v) for v in (raw_cells(r) if isinstance(r, dict) else r)])
                    + "\r\n"
                    for r in chunk
                ]
            )
        )
        written += len(chunk)
        if len(chunk) == PROGRESS_EVERY:
            if cancelled and cancelled():
                raise ExportCancelled()
            if progress:
                progress(written)
    if progress:
        progress(written)
    return written


def export_csv(
    rows: Iterable[dict],
    target: Path,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write rows to `target` through a temporary file beside it; returns the row count.

    The target is replaced only when the whole file is written and flushed to disk; on any
    failure or cancellation the old file is untouched and the temporary file is gone."""

    def write(tmp: Path) -> int:
        with open(tmp, "w", encoding="utf-8", newline="", buffering=WRITE_BUFFER) as fh:
            written = write_rows(fh, rows, progress, cancelled)
            fh.flush()
            os.fsync(fh.fileno())
        return written

    return write_atomically(target, write)


def write_atomically(target: Path, write: Callable[[Path], int]) -> int:
    """`write(tmp)` fills a temporary file beside `target` (and syncs it to disk); the
    temporary then replaces `target`. Returns what `write` returns, the rows written. Every
    failure is an ExportError that says what to do, and leaves the old file as it was."""
    target = Path(target)
    folder = atomic.folder_of(target)
    mode = replaceable(target)
    try:
        with atomic.temporary_for(target, PART_SUFFIX) as tmp:
            written = write(tmp)
            if mode is not None:
                os.chmod(tmp, mode)  # a file replaced keeps who may read it (0600 stays private)
            try:
                os.replace(tmp, target)
            except PermissionError as exc:
                raise ExportError(
                    f"Cannot replace {target}: it is read-only or open in another program "
                    "(close it in Excel and try again)."
                ) from exc
            except OSError as exc:
                raise ExportError(f"Cannot write {target}: {describe(exc)}.") from exc
            atomic.sync_folder(folder)
    except sqlite3.Error as exc:
        if "interrupted" in str(exc):  # a cancel stopped the query (Catalogue.limited)
            raise ExportCancelled() from exc
        raise ExportError(
            f"Cannot read the catalogue ({exc}); {target.name} was not written."
        ) from exc
    except FileNotFoundError as exc:
        if not folder.is_dir():
            raise ExportError(f"Cannot write in {folder}: no such folder.") from exc
        raise ExportError(f"Cannot write {target}: {describe(exc)}.") from exc
    except PermissionError as exc:
        raise ExportError(
            f"Cannot write in {folder}: permission denied (choose another folder)."
        ) from exc
    except OSError as exc:
        raise ExportError(f"Cannot write {target}: {describe(exc)}.") from exc
    return written


def replaceable(target: Path) -> int | None:
    """The permissions of the file at `target` that an export may replace (None: no file), or
    an ExportError before anything is written. A file marked read-only is not replaced, though
    POSIX lets whoever may write its folder rename over it; nor is a database, such as the
    catalogue itself chosen by a slip in the file dialog."""
    try:
        status = os.stat(target)
    except OSError:
        return None  # a new file (or one that cannot be read: writing it says why)
    if not stat.S_ISREG(status.st_mode):
        return None  # a folder or a device: replacing it fails, and says so
    if not status.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise ExportError(
            f"Cannot replace {target}: it is read-only (choose another name, or make it"
            " writable and try again)."
        )
    if holds_database(target):
        raise ExportError(
            f"Will not replace {target}: it is a database, not a CSV file (choose another name)."
        )
    return stat.S_IMODE(status.st_mode)


def describe(exc: OSError) -> str:
    if exc.errno in DISK_FULL:
        return f"{exc.strerror or exc} (free some space or choose another disk, and try again)"
    return exc.strerror or str(exc)
