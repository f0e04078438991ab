"""The app's log: one rotating file in the per-user log folder, never next to the program.

The desktop app may run with no console (a bundle started from a file manager), so startup and
any uncaught exception go to this file, where a user or a maintainer can find them.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from app import __version__
from app.paths import is_frozen, user_log_dir

LOG_NAME = "catalogue.log"
log = logging.getLogger("app")  # the package: every app.* module logs through it


def setup_logging(directory: Path | None = None) -> Path | None:
    """Log to `directory` (default: the user's log folder); returns the log file, or None.

    A folder that cannot be created or written leaves the app running without a log file.
    """
    directory = Path(directory) if directory is not None else user_log_dir()
    path = directory / LOG_NAME
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=2, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for old in [h for h in log.handlers if getattr(h, "_catalogue", False)]:
        log.removeHandler(old)
        old.close()
    handler._catalogue = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    if not getattr(sys.excepthook, "_catalogue", False):
        previous_hook = sys.excepthook

        def log_uncaught(kind, value, traceback):
            log.critical("uncaught exception", exc_info=(kind, value, traceback))
            previous_hook(kind, value, traceback)

        log_uncaught._catalogue = True  # type: ignore[attr-defined]
        log_uncaught._previous = previous_hook  # type: ignore[attr-defined]
        sys.excepthook = log_uncaught
    log.info(
        "catalogue %s starting (%s, Python %s, %s)",
        __version__,
        "frozen" if is_frozen() else "from source",
        sys.version.split()[0],
        sys.platform,
    )
    return path


def close_logging() -> None:
    """Undo setup_logging: close the file, let records propagate, restore the hook."""
    for handler in [h for h in log.handlers if getattr(h, "_catalogue", False)]:
        log.removeHandler(handler)
        handler.close()
    log.setLevel(logging.NOTSET)
    log.propagate = True
    if getattr(sys.excepthook, "_catalogue", False):
        sys.excepthook = sys.excepthook._previous  # type: ignore[attr-defined]
