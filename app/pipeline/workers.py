"""Runs a build step on every document, in worker processes when the corpus is large enough."""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import multiprocessing.pool
import os
import platform
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from app.pipeline.sources import BuildError

log = logging.getLogger(__name__)

# Below this much text a build takes about a second, less than starting and feeding workers
# is worth; the bundled sources and the tests stay in one process.
PARALLEL_MIN_CHARS = 4_000_000

WORKER_NICENESS = 10  # added to the parent's: see _yield_to_parent()
WATCH_SECONDS = 0.5  # while waiting for a result, how often to check that the workers live
# glibc's mallopt() settings (malloc.h), and what a worker keeps of the memory it frees: see
# _keep_freed_memory().
M_TRIM_THRESHOLD, M_TOP_PAD = -1, -2
KEEP_FREED_BYTES = 512 << 20
GROW_BYTES = 64 << 20


class WorkerDied(BuildError):
    """A worker process ended before its work was done: the build stops instead of waiting."""


_step: Callable[[int], Any] | None = None  # what forked workers run, inherited from the parent
freed_memory_kept = False  # in a worker: whether _keep_freed_memory() took


def processes_for(texts: list[str]) -> int:
    """How many processes to analyse these documents with: one per available core, one
    document each at least, and only where workers can be forked (they inherit the corpus
    and the organisation index instead of receiving them)."""
    return processes_for_work(sum(map(len, texts)), PARALLEL_MIN_CHARS, len(texts))


def processes_for_work(work: int, least: int, tasks: int) -> int:
    """How many processes to share `work` (in any unit) among, split in `tasks`: one per
    available core and task, where workers can be forked and there is at least `least`."""
    if work < least or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, tasks))


@contextmanager
def in_order(step: Callable[[int], Any], count: int, processes: int) -> Iterator[Iterator[Any]]:
    """step(0), step(1) … step(count - 1), in that order, computed `processes` at a time.

    Each step must depend only on its number and on what existed when this was entered (the
    workers are forked then), so that the results are those of one process. Leaving the
    block early (a cancelled build) stops the workers."""
    if processes <= 1 or count <= 1:
        yield map(step, range(count))
        return
    global _step
    previous, _step = _step, step
    try:
        with _Pool(processes, _start_worker, context=multiprocessing.get_context("fork")) as pool:
            yield _drained(pool, pool.imap(_run, range(count)))
    finally:
        _step = previous


class _Pool(multiprocessing.pool.Pool):
    """A pool whose thread that receives results keeps what stopped it, a result that cannot be
    unpickled here (for the build's error and the log), rather than dying with a traceback of
    the pool's internals."""

    unreadable: BaseException | None = None

    def _setup_queues(self) -> None:
        super()._setup_queues()
        receive = self._quick_get

        def get():
            try:
                return receive()
            except (OSError, EOFError):
                raise
            except Exception as exc:
                self.unreadable = exc
                log.error("a worker's result could not be read back", exc_info=exc)
                raise EOFError from exc  # the receiving thread's quiet way out

        self._quick_get = get

    def terminate(self) -> None:
        if not self._result_handler.is_alive():
            # What the cache waits for will never come (terminate() asserts so): a build
            # stopped early, after a result could not be read back, raises its own error.
            self._cache.clear()
        super().terminate()


def _drained(pool: _Pool, results) -> Iterator[Any]:
    """`results`, then the pool closed: its workers and its threads are gone before anything
    else is forked (a fork copies a thread's locks, not the thread). A worker that dies (out
    of memory, a signal) takes its task with it, and the pool would wait for that forever; so
    would it for every result after one that cannot be unpickled here, which ends the pool's
    thread that receives them."""
    started = list(pool._pool)  # the pool replaces a dead worker: watch the first ones
    receiver = pool._result_handler
    while True:
        try:
            result = results.next(timeout=WATCH_SECONDS)
        except StopIteration:
            break
        except multiprocessing.TimeoutError:
            if dead := [worker.exitcode for worker in started if worker.exitcode is not None]:
                raise WorkerDied(
                    f"a worker process stopped (exit code {dead[0]}: killed, perhaps out of"
                    " memory); the old catalogue is unchanged"
                ) from None
            if not receiver.is_alive():
                why = pool.unreadable
                because = f" ({type(why).__name__}: {why})" if why is not None else ""
                raise WorkerDied(
                    f"a worker's result could not be read back{because}; the old catalogue is"
                    " unchanged"
                ) from why
            continue
        yield result
    pool.close()
    pool.join()


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection inside: analysis makes millions of objects but no reference
    cycles, so the collector would walk ever more objects (in forked workers, copying the
    parent's memory as it goes) and free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _start_worker() -> None:
    global freed_memory_kept
    _yield_to_parent()
    freed_memory_kept = _keep_freed_memory()


def _yield_to_parent() -> None:
    """Workers run at a lower priority than the parent, which takes in (and writes) what they
    make: with every core busy, the parent keeps up rather than being left with a backlog to
    write alone once the workers are done."""
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)


def _keep_freed_memory() -> bool:
    """Where the C library is glibc, a worker keeps the memory it frees and grows its heap in
    large steps: each document's rows take a few MB that are freed once sent, and glibc would
    hand them back to the system and fault in new zeroed pages for the next document (a 100 MB
    build: 385k page faults, a second of system time; with this, 118k). Workers end with
    their build, so what they keep is theirs only while it runs. True if set."""
    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_TRIM_THRESHOLD, KEEP_FREED_BYTES) and mallopt(M_TOP_PAD, GROW_BYTES))


def _run(number: int) -> Any:
    assert _step is not None, "a worker runs only steps forked from in_order()"
    return _step(number)
