"""Counts and facet counts in a background thread with its own connection; newer requests win."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.query.catalogue import Catalogue, QueryInterrupted
from app.query.filters import Filters

log = logging.getLogger(__name__)


class CountWorker(QObject):
    """One thread, started on the first request. A request replaces any older one still waiting
    and interrupts the query running for it, so a newer filter never waits behind an older one.
    Results arrive as signals, queued to the thread that owns the receivers."""

    total_ready = Signal(int, int)  # generation, count
    facet_ready = Signal(int, str, object)  # generation, dimension, list[Facet]

    def __init__(self, db_path: Path, parent=None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self._cond = threading.Condition()
        self._job: tuple[int, str, Filters, tuple[str, ...]] | None = None
        self._generation = 0
        self._closing = False
        self._thread: threading.Thread | None = None

    def count(self, filters: Filters) -> int:
        return self._request("total", filters, ())

    def facets(self, filters: Filters, dimensions) -> int:
        return self._request("facets", filters, tuple(dimensions))

    def cancel(self) -> None:
        with self._cond:
            self._generation += 1
            self._job = None

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._job = None
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _request(self, kind: str, filters: Filters, dimensions) -> int:
        with self._cond:
            self._generation += 1
            self._job = (self._generation, kind, filters, dimensions)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="counts", daemon=True)
                self._thread.start()
            self._cond.notify()
            return self._generation

    def _stale(self, generation: int) -> bool:
        return self._closing or self._generation != generation

    def _run(self) -> None:
        try:
            catalogue = Catalogue(self.db_path)  # sqlite connections stay in their thread
        except Exception:  # noqa: BLE001 - counts are a convenience; the window keeps working
            log.exception("cannot open %s for counting", self.db_path)
            return
        try:
            while True:
                with self._cond:
                    while self._job is None and not self._closing:
                        self._cond.wait()
                    if self._closing:
                        return
                    generation, kind, filters, dimensions = self._job
                    self._job = None
                try:
                    with catalogue.limited(cancelled=lambda g=generation: self._stale(g)):
                        if kind == "total":
                            total = catalogue.count(filters)
                            if not self._stale(generation):
                                self.total_ready.emit(generation, total)
                            continue
                        for dimension in dimensions:
                            found = catalogue.facet(dimension, filters)
                            if self._stale(generation):
                                break
                            self.facet_ready.emit(generation, dimension, found)
                except QueryInterrupted:
                    continue
                except Exception:  # noqa: BLE001
                    log.exception("counting failed")
        finally:
            catalogue.close()
