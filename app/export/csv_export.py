"""Writes entries to a spreadsheet-friendly CSV, atomically: whole or not at all."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from app.resources import Column, columns

PROGRESS_EVERY = 1000  # rows between progress calls: often enough for a bar, cheap enough


class ExportError(Exception):
    """The export could not be written; the message says why and what to try."""


class ExportCancelled(Exception):
    """The user cancelled; nothing was written."""


def export_columns() -> tuple[Column, ...]:
    return columns()


def header() -> list[str]:
    return [c.header for c in export_columns()]


def cells(row: dict) -> list:
    return ["" if row.get(c.key) is None else row[c.key] for c in export_columns()]


def write_rows(fh, rows: Iterable[dict], progress=None, cancelled=None) -> int:
    """CSV of the rows to an open text file (newline=''), header first; returns rows written."""
    # Excel reads UTF-8 only with a byte-order mark; CRLF and minimal quoting are what it writes.
    fh.write("\ufeff")
    writer = csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header())
    written = 0
    for row in rows:
        writer.writerow(cells(row))
        written += 1
        if written % PROGRESS_EVERY == 0:
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
    """Write rows to `target` through a temporary file beside it; returns the row count."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ExportError(f"Cannot write in {folder}: {exc.strerror or exc}.") from exc
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes it private; an export is an ordinary file
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            written = write_rows(fh, rows, progress, cancelled)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.replace(tmp, target)
        except PermissionError as exc:
            raise ExportError(
                f"Cannot replace {target}: it is read-only or open in another program "
                "(close it in Excel and try again)."
            ) from exc
        except OSError as exc:
            raise ExportError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    except OSError as exc:
        raise ExportError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return written
