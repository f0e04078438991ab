"""Counts, facet counts and sort orders in a background thread with its own connection; newer
requests win."""

from __future__ import annotations

import functools
import itertools
import logging
import os
import sqlite3
import sys
import threading
from array import array
from collections import deque
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from app.gui.when_idle import WhenIdle
from app.query.bitmaps import yield_now
from app.query.catalogue import Catalogue, QueryInterrupted, positions
from app.query.filters import Filters

log = logging.getLogger(__name__)
# Counting threads run at a lower priority (Linux: per-thread nice) so that on a machine with
# few cores the window's thread still gets a core at once to page and paint.
WORKER_NICENESS = 10
# Request numbers are unique across workers, so that a receiver fed by several can tell.
GENERATIONS = itertools.count(1)
# Counting threads wait at their yield points while the window's thread handles a change or what
# they sent it (a result, and the repaints it asks for): bitmap counting holds the interpreter,
# and each of the window's calls into Python waited for it. At most this long each time.
WINDOW_WAIT_MAX_S = 0.1
window_idle = threading.Event()
window_idle.set()


def wait_for_window() -> None:
    """A counting thread's yield point: wait (without the interpreter) while the window's thread
    is busy with what the counting sent it, then hand it the interpreter if it waits."""
    if not window_idle.wait(WINDOW_WAIT_MAX_S):
        window_idle.set()  # busy this long with something else: counting goes on
    yield_now()


def hold_for_repaint() -> None:
    """The window is about to repaint: counting threads wait at their yield points until
    release_after_repaint(). The repaint calls into Python for every cell it draws, and each
    call waited for a counting thread to hand over the interpreter."""
    window_idle.clear()


def release_after_repaint() -> None:
    window_idle.set()


def interrupted(exc: BaseException) -> bool:
    """Whether `exc` is a query stopped by Connection.interrupt() (or a search waited for that
    a replaced request gave up), not a failure."""
    return isinstance(exc, sqlite3.OperationalError) and "interrupt" in str(exc)


def lower_priority() -> None:
    """Make the calling thread yield the CPU to the window's thread, where the OS allows it."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere a thread id is no process id to setpriority: leave it be
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
    except OSError:  # refused (a sandbox): counts still run, at normal priority
        pass


class CountWorker(QObject):
    """One thread, started on the first request. A request replaces any older one still waiting
    and interrupts the query running for it, so a newer filter never waits behind an older one.
    Results arrive as signals, queued to the thread that owns the receivers.

    The running query is stopped with `Connection.interrupt()` from the requesting thread, not
    by a progress handler: a Python callback every few thousand SQLite steps takes the GIL from
    the window's thread hundreds of times a second while a slow count runs.

    A request starts once the requesting thread's event loop is idle (WhenIdle): the window
    first finishes the change and paints it, without a counting thread taking the interpreter
    from it (bitmap counting is Python work that holds the GIL)."""

    total_ready = Signal(int, int)  # generation, count
    total_failed = Signal(int)  # generation: the count failed (logged), or cannot be made
    facet_ready = Signal(int, str, object)  # generation, dimension, list[Facet]
    # generation, (the matching ids in order as array('q') bytes, their positions by id (see
    # catalogue.positions), the rows of the pages asked for by page number), or None if the
    # sort failed
    order_ready = Signal(int, object)
    # Emitted after results, queued to the window's thread behind them: see wait_for_window().
    _sent = Signal()

    def __init__(self, db_path: Path, parent=None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self._cond = threading.Condition()
        self._job: tuple[int, str, Filters, object] | None = None
        self._generation = 0
        self._closing = False
        self._thread: threading.Thread | None = None
        self._conn: sqlite3.Connection | None = None  # the worker's, while a query runs
        self._running = 0  # the generation of the running query, 0 if none
        self._held = False  # a job waits for the window's event loop to be idle
        self._when_idle = WhenIdle(self._window_is_idle, self)
        self._sent.connect(self._when_idle.post)
        self._forget = False  # drop the connection's counts before the next job
        self._broken = False  # the catalogue could not be opened: every request fails

    def count(self, filters: Filters, again: bool = False) -> int:
        """Count the entries `filters` selects; `again`: even if this worker knows the count
        (with the bitmap index, that makes the filter's search again, for pages to read)."""
        return self._request("total", filters, again)

    def order(
        self,
        filters: Filters,
        sort: str | None,
        descending: bool,
        pages: Callable[[array, array], dict[int, array]] | None = None,
    ) -> int:
        """List every matching id in `sort` order (Catalogue.ordered_ids), and read the rows of
        the pages that `pages(ids, positions)` names (page number -> its ids): the ones the
        window shows first, which its own thread would otherwise read from a cold cache."""
        return self._request("order", filters, (sort, descending, pages))

    def facets(self, filters: Filters, dimensions) -> int:
        """Count the facets of `dimensions`: a sequence, or a deque shared with other workers,
        each of which takes the next dimension left when it is free."""
        if not isinstance(dimensions, deque):
            dimensions = deque(dimensions)
        return self._request("facets", filters, dimensions)

    def warm(self) -> None:
        """Start the thread without a request: idle, it reads the bitmap index (tens of ms at
        1M entries, with its first queries), which the first count would otherwise wait for."""
        with self._cond:
            self._start()

    def forget(self) -> None:
        """Drop what this worker's connection keeps (Catalogue.forget) before its next request:
        the benchmark times every run's counts from nothing."""
        with self._cond:
            self._forget = True

    def cancel(self) -> None:
        with self._cond:
            self._generation = next(GENERATIONS)
            self._job = None
            self._interrupt()

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._job = None
            self._interrupt()
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _request(self, kind: str, filters: Filters, argument) -> int:
        with self._cond:
            self._generation = next(GENERATIONS)
            if self._broken:  # said once the requester has the generation
                QTimer.singleShot(
                    0, self, functools.partial(self._report_failure, kind, self._generation)
                )
                return self._generation
            self._job = (self._generation, kind, filters, argument)
            self._held = True
            window_idle.clear()  # what still counts for older requests waits too
            self._when_idle.post()  # (again, if held: after this change is painted too)
            self._start()
            self._interrupt()
            self._cond.notify()
            return self._generation

    def _start(self) -> None:
        """Start the thread if it is not running (called holding the lock)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="counts", daemon=True)
            self._thread.start()

    def _send(self, *results) -> None:
        """Emit results (signal, *arguments) from the counting thread; counting then waits at its
        yield points until the window's thread has handled them and repainted."""
        window_idle.clear()
        try:
            for signal, *arguments in results:
                signal.emit(*arguments)
            self._sent.emit()
        except RuntimeError:  # the worker was deleted meanwhile: nobody is waiting for these
            window_idle.set()

    def _send_facets(self, generation: int, counted: list) -> None:
        if counted and not self._stale(generation):
            self._send(*[(self.facet_ready, generation, *result) for result in counted])

    def _window_is_idle(self) -> None:
        """The window has painted what it changed or was sent: a held job starts, and counting
        goes on past its yield points."""
        window_idle.set()
        with self._cond:
            self._held = False
            self._cond.notify()

    def _interrupt(self) -> None:
        """Stop the running query if it is for an older request (called holding the lock)."""
        if self._running and self._conn is not None and self._stale(self._running):
            self._conn.interrupt()

    def _warm(self, catalogue: Catalogue) -> None:
        """Load the bitmap index one dimension at a time, stopping for any request."""
        try:
            catalogue.bitmaps.warm(catalogue.conn, lambda: self._job is None and not self._closing)
        except Exception:  # noqa: BLE001 - counts then load what they need themselves
            log.exception("cannot read the bitmap index of %s", self.db_path)
            catalogue.bitmaps = None

    def _stale(self, generation: int) -> bool:
        return self._closing or self._generation != generation

    def _failed(self, kind: str, generation: int) -> None:
        """Log the exception being handled; a failed sort or total is reported, so that the
        window does not say "sorting…" or wait for its rows for ever (a failed facet leaves
        its list as it is)."""
        log.exception("counting failed" if kind != "order" else "sorting failed")
        if not self._stale(generation):
            self._report_failure(kind, generation)

    def _report_failure(self, kind: str, generation: int) -> None:
        if kind == "order":
            self.order_ready.emit(generation, None)
        elif kind == "total":
            self.total_failed.emit(generation)

    def _run(self) -> None:
        lower_priority()
        try:
            catalogue = Catalogue(self.db_path)  # sqlite connections stay in their thread
            catalogue.pause = wait_for_window
        except Exception:  # noqa: BLE001 - counts are a convenience; the window keeps working
            log.exception("cannot open %s for counting", self.db_path)
            with self._cond:
                self._broken = True
                job, self._job = self._job, None
            if job is not None and not self._stale(job[0]):
                self._report_failure(job[1], job[0])
            return
        try:
            while True:
                with self._cond:
                    while (self._job is None or self._held) and not self._closing:
                        idle = self._job is None
                        if (
                            idle
                            and catalogue.bitmaps is not None
                            and not catalogue.bitmaps.loaded()
                        ):
                            break  # idle: read the bitmap index now, not at the next count
                        self._cond.wait()
                    if self._closing:
                        return
                    warm = self._job is None
                    forget, self._forget = self._forget, False
                    if not warm:
                        job = self._job
                        generation, kind, filters, argument = job
                        self._job = None
                        self._conn, self._running = catalogue.conn, generation
                if forget:
                    # Not the shared searches: the window dropped those when it asked, and
                    # since then another thread may have made one for the request at hand.
                    catalogue.forget(searches=False)
                if not warm:
                    catalogue.stale = functools.partial(self._stale, generation)
                if warm:
                    # Outside the lock: the window's requests, cancels and close never wait
                    # for the index to load, and a request stops the loading between dimensions.
                    self._warm(catalogue)
                    continue
                try:
                    if kind == "total":
                        total = catalogue.count(filters, remembered=not argument)
                        if not self._stale(generation):
                            self._send((self.total_ready, generation, total))
                        continue
                    if kind == "order":
                        sort, descending, pages = argument
                        stale = functools.partial(self._stale, generation)
                        ids = catalogue.ordered_ids(filters, sort, descending, stale)
                        where = positions(ids, stale)
                        rows = {}
                        for number, page in (pages(ids, where) if pages else {}).items():
                            if stale():
                                break
                            rows[number] = catalogue.rows_of(page)
                        if not self._stale(generation):
                            self._send((self.order_ready, generation, (ids.tobytes(), where, rows)))
                        continue
                    # Sent together once counted: each list repainted as its facet came took
                    # the interpreter from the counting of the next, and it from the repaint.
                    counted = []
                    while not self._stale(generation):
                        wait_for_window()
                        try:
                            dimension = argument.popleft()  # atomic: shared with others
                        except IndexError:
                            break
                        try:
                            counted.append((dimension, catalogue.facet(dimension, filters)))
                        except Exception as exc:
                            if interrupted(exc):
                                # Run again, it counts them then (those counted: kept, at once).
                                argument.appendleft(dimension)
                                argument.extendleft(d for d, _ in reversed(counted))
                            else:
                                self._send_facets(generation, counted)  # the rest stay pending
                            raise
                    self._send_facets(generation, counted)
                except sqlite3.OperationalError as exc:
                    if not interrupted(exc):
                        self._failed(kind, generation)
                        continue
                    with self._cond:  # an interrupt meant for the query before: run it again
                        if not self._stale(generation) and self._job is None:
                            self._job = job
                except QueryInterrupted:  # a sort given up for a newer request
                    pass
                except Exception:  # noqa: BLE001
                    self._failed(kind, generation)
                finally:
                    with self._cond:
                        self._running = 0
        finally:
            with self._cond:
                self._conn = None
            catalogue.close()
