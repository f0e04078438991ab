"""Starts the desktop browser: `run(db_path)` returns the process exit code."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app.gui.settings import open_settings
from app.paths import resources_dir
from app.query.catalogue import DAMAGE, Catalogue, CatalogueError, damaged

CANNOT_OPEN = 2


# How long a thread may keep the interpreter while another waits for it (Python's default is
# 5 ms). Counting threads do Python work (the bitmap index); a window thread waiting up to 5 ms
# for each of them in turn stalled 30 ms after a filter change at 1M entries.
SWITCH_INTERVAL_S = 0.0005


def application() -> QApplication:
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Security Cooperation Catalogue")
    app.setOrganizationName("security-cooperation-catalogue")
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    return QIcon(str(resources_dir() / "icon.svg"))


def open_window(db_path: Path, settings_path: Path | None = None):
    """The main window over `db_path`; raises CatalogueError when it cannot be read."""
    from app.gui.main_window import MainWindow

    catalogue = Catalogue(Path(db_path), bitmaps=False)  # counts by bitmap run in workers
    window = MainWindow(catalogue, open_settings(settings_path))
    window.setWindowIcon(app_icon())
    freeze_startup_objects()
    return window


_frozen = False


def freeze_startup_objects() -> None:
    """Once a process: what exists when the first window is made (modules, Qt's wrappers, the
    window's widgets and the catalogue's vocabularies) lives until the end, so it is moved out
    of the garbage collector's walks (gc.freeze). A full collection walked it all and found
    nothing: at 1M entries one took 14 ms in the middle of a repaint, and the window's longest
    block after a filter change went over 50 ms."""
    global _frozen
    if not _frozen:
        gc.freeze()
        _frozen = True


def cannot_open(message: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Critical, "Cannot open the catalogue", message)
    # Each message says what to do about its file; this is the way round it.
    box.setInformativeText("Or start the browser with another catalogue: catalogue --db PATH")
    return box


def run(db_path: Path, settings_path: Path | None = None) -> int:
    app = application()
    try:
        window = open_window(db_path, settings_path)
    except CatalogueError as exc:
        cannot_open(str(exc)).exec()
        return CANNOT_OPEN
    previous_hook = sys.excepthook
    sys.excepthook = damage_hook(Path(db_path), previous_hook)
    window.show()
    try:
        code = app.exec()
    finally:
        sys.excepthook = previous_hook
    window.catalogue.close()
    return code


def damage_hook(db_path: Path, previous):
    """An exception hook that turns damage found while browsing (a page the startup check
    did not read) into a dialog instead of a traceback; other errors go to `previous`."""

    def hook(kind, value, traceback):
        if not issubclass(kind, DAMAGE):
            previous(kind, value, traceback)
            return
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "The catalogue is damaged",
            str(damaged(db_path, value)),
        )
        box.setInformativeText(
            "Close the browser and rebuild the catalogue with `catalogue build`, or start it "
            "with another catalogue (catalogue --db PATH)."
        )
        box.exec()

    return hook
