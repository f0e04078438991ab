"""CSV export in a background thread with its own catalogue connection, cancellable."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from app.export.csv_export import ExportCancelled, ExportError
from app.export.shares import export_entries
from app.query.catalogue import CatalogueError
from app.query.filters import Filters

log = logging.getLogger(__name__)

# The window's progress bar is told at most this often. Each report is handled in the window's
# thread, which then takes the interpreter from the export thread: reported every 1,000 rows
# (about 120 times a second), the export of 800k rows at 1M made 88-121k rows/s, and 105-131k
# unreported (measured when this thread wrote every export; large ones are now written by
# share processes, and this thread only passes their progress on).
PROGRESS_INTERVAL_S = 0.1


class ExportWorker(QObject):
    """Writes the filtered entries, or the given ids in their order (a selection), to
    `target` (export_entries)."""

    progress = Signal(int)
    done = Signal(int)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self,
        db_path: Path,
        target: Path,
        filters: Filters,
        sort: str | None,
        descending: bool,
        ids: Sequence[int] | None = None,
    ):
        super().__init__()
        self.db_path, self.target = Path(db_path), Path(target)
        self.filters, self.sort, self.descending, self.ids = filters, sort, descending, ids
        self._stop = threading.Event()
        self._reported = float("-inf")  # when progress was last passed on

    def cancel(self) -> None:
        self._stop.set()

    def _report(self, written: int) -> None:
        """Pass progress on to the window, at most every PROGRESS_INTERVAL_S."""
        now = time.monotonic()
        if now - self._reported >= PROGRESS_INTERVAL_S:
            self._reported = now
            self.progress.emit(written)

    @Slot()
    def run(self) -> None:
        try:
            # Large exports are written by other processes (export_entries), which leaves
            # this thread, and so the window's, the interpreter almost to themselves.
            written = export_entries(
                self.db_path,
                self.target,
                self.filters,
                self.sort,
                self.descending,
                self._report,
                self._stop.is_set,
                ids=self.ids,  # a selection's, in the table's order
            )
        except ExportCancelled:
            self.cancelled.emit()
        except (ExportError, CatalogueError) as exc:
            self.failed.emit(str(exc))
        except OSError as exc:
            self.failed.emit(f"Cannot write {self.target}: {exc.strerror or exc}.")
        except Exception as exc:  # noqa: BLE001 - the thread must end with a signal, whatever it was
            # Without a signal the thread would never quit: the window would refuse every
            # later export and hang when closed (it waits for this thread).
            log.exception("export to %s failed", self.target)
            self.failed.emit(
                f"The export stopped on an unexpected error ({type(exc).__name__}: {exc}); "
                f"{self.target.name} was not written. The log has the details."
            )
        else:
            self.done.emit(written)


class ExportTask(QObject):
    """Owns the thread; `finished` fires once the thread has stopped, whatever happened."""

    finished = Signal()

    def __init__(self, worker: ExportWorker, parent=None):
        super().__init__(parent)
        self.worker = worker
        self.thread = QThread(self)
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.run)
        for signal in (worker.done, worker.failed, worker.cancelled):
            # Direct: the thread quits itself. Queued to the window's thread (the QThread
            # object's), the quit never came while the window waited for the thread in its
            # closeEvent, and closing the window during an export hung it for good.
            signal.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.thread.finished.connect(self.finished)

    def start(self) -> None:
        self.thread.start()

    def wait(self) -> None:
        self.thread.wait()
