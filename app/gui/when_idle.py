"""Runs a callback once the window's event loop has nothing left to do: a change is painted."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

# Should the event loop never run out of work, the callback runs after this long all the same.
IDLE_WAIT_MAX_MS = 250


class WhenIdle(QObject):
    """post() calls `callback` once the event loop has handled everything pending, as a 0 ms
    QTimer does: the repaints a change asked for, and the layouts and repaints those lead to
    (a 0 ms QTimer.singleShot() runs before them). Posts made before it runs call it once,
    after the work pending at the last of them: a held key's changes come faster than counts."""

    def __init__(self, callback: Callable[[], object], parent=None):
        super().__init__(parent)
        self._callback = callback
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(0)
        self._idle.timeout.connect(self._run)
        self._limit = QTimer(self)
        self._limit.setSingleShot(True)
        self._limit.setInterval(IDLE_WAIT_MAX_MS)
        self._limit.timeout.connect(self._run)

    def post(self) -> None:
        self._idle.start()  # (re)started: idle after this change's work too
        if not self._limit.isActive():
            self._limit.start()

    def cancel(self) -> None:
        self._idle.stop()
        self._limit.stop()

    def _run(self) -> None:
        self.cancel()
        self._callback()
