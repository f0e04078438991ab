"""Writes a large CSV export in shares, a process each: making CSV text is Python work that one
interpreter does on one core, so a million rows are split between the cores."""

from __future__ import annotations

import multiprocessing
import os
from array import array
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.export import atomic
from app.export.csv_export import (
    PART_SUFFIX,
    WRITE_BUFFER,
    ExportCancelled,
    ExportError,
    export_csv,
    export_keys,
    write_atomically,
    write_rows,
)
from app.query.bitmaps import stamp
from app.query.catalogue import EVERYTHING, Catalogue, QueryInterrupted
from app.query.filters import Filters

# One process writes about 120k rows a second here, and starting another takes about 0.3 s:
# below this many rows a share saves less than it costs.
SHARE_LEAST = 50_000
MOST_SHARES = 4  # the parts are joined in one thread at the end: more would not pay
SHARE_NICENESS = 10  # added to the caller's: see _start_share()
POLL_S = 0.05  # how often progress and a cancel are passed on while the shares run
APPEND_STEP = 32 << 20  # bytes joined between two looks for a cancel: tens of ms
CHANGED = "The catalogue changed while it was being exported (was it rebuilt?): export again."


@dataclass(frozen=True)
class ShareJob:
    """What every share reads: the catalogue (and which build of it), the filters and the
    order, or the entries chosen (`ids`: their ids packed as array("q") bytes, in order)."""

    db_path: Path
    stamp: tuple
    filters: Filters
    sort: str | None
    descending: bool
    ids: bytes | None = None

    def cells(self, catalogue: Catalogue, offset: int = 0, limit: int | None = None):
        """The rows of this job from `offset` on (`limit` of them, or all), as export cells."""
        if self.ids is None:
            return catalogue.iter_cells(
                export_keys(), self.filters, self.sort, self.descending, offset, limit
            )
        ids = array("q")
        end = None if limit is None else (offset + limit) * ids.itemsize
        ids.frombytes(self.ids[offset * ids.itemsize : end])
        return catalogue.iter_cells_of(export_keys(), ids)


class SharesNotStarted(Exception):
    """The shares' processes, or what they share, could not be made (no /dev/shm, no more
    processes): export_entries writes the export in its own process instead."""


def share_count(rows: int, cores: int | None = None) -> int:
    """How many processes should write `rows` rows: at most one a core, and one for few rows."""
    cores = cores or os.cpu_count() or 1
    return max(1, min(MOST_SHARES, cores, rows // SHARE_LEAST))


def split(rows: int, shares: int) -> list[tuple[int, int | None]]:
    """(offset, limit) of each share: consecutive runs of the rows, as even as can be. The last
    runs to the end (limit None): should the count fall short of the rows, none is left out."""
    bounds = [rows * number // shares for number in range(shares)] + [None]
    return [
        (low, None if high is None else high - low)
        for low, high in zip(bounds, bounds[1:], strict=False)
    ]


def export_entries(
    db_path: Path,
    target: Path,
    filters: Filters = EVERYTHING,
    sort: str | None = None,
    descending: bool = False,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    shares: int | None = None,
    ids: Sequence[int] | None = None,
) -> int:
    """The entries `filters` selects, in that order (or the entries `ids`, in theirs: a
    selection), written to `target` as export_csv writes them (the same bytes, as
    atomically), by `shares` processes (by default share_count's); returns the rows written.
    `progress` and `cancelled` are called in this thread.

    The processes are spawned: each imports the main module again, as multiprocessing does,
    so a script that calls this must keep its own work under `if __name__ == "__main__"`.
    Where they cannot be started (or die), the export is written in this process, unless
    `shares` was given."""
    db_path = Path(db_path)
    chosen = None if ids is None else array("q", ids).tobytes()
    with Catalogue(db_path) as catalogue:
        total = catalogue.count(filters) if ids is None else len(ids)
        asked = shares is not None
        shares = min(shares, max(total, 1)) if asked else share_count(total)
        job = ShareJob(db_path, stamp(catalogue.conn), filters, sort, descending, chosen)
        if shares > 1:
            runs = split(total, shares)
            try:
                return write_atomically(
                    target, lambda tmp: _write_shares(job, runs, target, tmp, progress, cancelled)
                )
            except (BrokenProcessPool, SharesNotStarted) as exc:
                # A process that could not start (or was killed): unless processes were asked
                # for, the export is written here instead, more slowly but written.
                if asked:
                    raise ExportError(
                        "The export's processes could not be started, or stopped unexpectedly;"
                        " nothing was written."
                    ) from exc
        with cancellable(catalogue, cancelled):
            return export_csv(job.cells(catalogue), target, progress, cancelled)


@contextmanager
def cancellable(catalogue: Catalogue, cancelled: Callable[[], bool] | None):
    """Queries inside stop once `cancelled()` is true, as ExportCancelled: an export's query
    sorts every row before its first, and a cancel must not wait for that."""
    if cancelled is None:
        yield
        return
    try:
        with catalogue.limited(cancelled=cancelled):
            yield
    except QueryInterrupted:
        raise ExportCancelled() from None


def shared_state(context, shares: int):
    """(rows written so far by each share, the event that stops them all)."""
    return context.Array("q", shares, lock=False), context.Event()


def _write_shares(
    job: ShareJob,
    runs: list[tuple[int, int | None]],
    target: Path,
    tmp: Path,
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> int:
    """Each run written by a process of its own, the first into `tmp`, the others into
    temporaries beside it that are then appended to it in order; `tmp` is synced."""
    # Spawned, not forked: the window's process has threads (Qt's, the counting ones), and a
    # forked child could inherit a lock one of them held.
    context = multiprocessing.get_context("spawn")
    with ExitStack() as stack:
        paths = [tmp] + [
            stack.enter_context(atomic.temporary_for(target, PART_SUFFIX, stale=False))
            for _ in runs[1:]
        ]
        try:
            counts, stop = shared_state(context, len(runs))
            # Entered after the parts, so left before them: the processes are gone before
            # their files are deleted.
            pool = stack.enter_context(
                ProcessPoolExecutor(
                    len(runs), mp_context=context, initializer=_start_share, initargs=(counts, stop)
                )
            )
            futures = [
                pool.submit(_write_share, job, number, offset, limit, str(path))
                for number, ((offset, limit), path) in enumerate(zip(runs, paths, strict=True))
            ]
        except OSError as exc:
            raise SharesNotStarted(str(exc)) from exc
        try:
            written = _wait(futures, counts, progress, cancelled)
        finally:
            stop.set()  # whatever ended the wait, the other shares stop at once
        if progress:
            progress(written)
        _join(tmp, paths[1:], cancelled)
    return written


def _join(tmp: Path, parts: list[Path], cancelled: Callable[[], bool] | None) -> None:
    """Append the parts to `tmp` in order and sync it; a cancel is still heard in between."""
    fd = os.open(tmp, os.O_WRONLY)
    try:
        os.lseek(fd, 0, os.SEEK_END)
        for path in parts:
            if cancelled and cancelled():
                raise ExportCancelled()
            part = os.open(path, os.O_RDONLY)
            try:
                _append(part, fd, cancelled)
            finally:
                os.close(part)
        if cancelled and cancelled():
            raise ExportCancelled()
        os.fsync(fd)
    finally:
        os.close(fd)


def _wait(
    futures: list[Future],
    counts,
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> int:
    """The rows the shares wrote, once all are done; the first failure (other than a share
    stopped because of it) is raised as soon as it happens, a cancel as soon as it is asked."""
    pending = set(futures)
    while pending:
        if cancelled and cancelled():
            raise ExportCancelled()
        done, pending = wait(pending, timeout=POLL_S, return_when=FIRST_EXCEPTION)
        failures = [f.exception() for f in done if f.exception() is not None]
        if failures:
            failures.sort(key=lambda exc: isinstance(exc, ExportCancelled))
            raise failures[0]
        if progress and pending:
            progress(sum(counts))
    return sum(f.result() for f in futures)


def _append(part: int, out: int, cancelled: Callable[[], bool] | None = None) -> None:
    """Copy `part` from its position on to `out` at its position (file descriptors, neither
    opened to append, which copy_file_range refuses): in the kernel where it can, APPEND_STEP
    bytes at a time, a cancel heard in between."""
    try:
        while os.copy_file_range(part, out, APPEND_STEP):
            if cancelled and cancelled():
                raise ExportCancelled()
        return
    except (AttributeError, OSError):  # not here (not Linux), or not between these files
        pass
    while chunk := os.read(part, 1 << 22):
        while chunk:
            chunk = chunk[os.write(out, chunk) :]
        if cancelled and cancelled():
            raise ExportCancelled()


# Set in each share's process by _start_share: shared objects reach a spawned process only
# when it starts, not with each task.
_counts = None
_stop = None


def _start_share(counts, stop) -> None:
    global _counts, _stop
    _counts, _stop = counts, stop
    # The shares keep every core busy: at a lower priority, they leave the window's thread
    # the core it needs the moment it needs one.
    if hasattr(os, "nice"):
        os.nice(SHARE_NICENESS)


def _write_share(job: ShareJob, number: int, offset: int, limit: int | None, path: str) -> int:
    """In a share's process: its run of the rows, as CSV lines, into `path`."""
    with Catalogue(job.db_path, bitmaps=False) as catalogue:
        if stamp(catalogue.conn) != job.stamp:
            raise ExportError(CHANGED)
        if _stop.is_set():
            raise ExportCancelled()
        with cancellable(catalogue, _stop.is_set):
            rows = job.cells(catalogue, offset, limit)
            with open(path, "w", encoding="utf-8", newline="", buffering=WRITE_BUFFER) as fh:
                return write_rows(fh, rows, _progress(number), _stop.is_set, first=number == 0)


def _progress(number: int) -> Callable[[int], None]:
    def report(written: int) -> None:
        _counts[number] = written

    return report
