"""Renders the browser's main states to docs/*.png (offscreen), for the README and review."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.gui.main import application, open_window  # noqa: E402
from app.gui.settings import DEFAULT_FILTERS  # noqa: E402
from app.paths import bundled_catalogue  # noqa: E402

SIZE = (1440, 900)


def settle(ms: int = 50) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shoot(widget, path: Path) -> None:
    settle()
    widget.grab().save(str(path))
    print(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=bundled_catalogue())
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    application()
    with tempfile.TemporaryDirectory() as tmp:
        # Fresh settings: the pictures never depend on (or change) the user's own.
        window = open_window(args.db, Path(tmp) / "browser.ini")
        window.resize(*SIZE)
        window.show()
        shoot(window, args.out / "start.png")

        window.apply_filters(DEFAULT_FILTERS.with_(countries=("VNM",)))
        shoot(window, args.out / "filtered-country.png")

        window.search.setText("maritime")
        window.apply_filters(DEFAULT_FILTERS.with_(countries=("VNM", "PHL"), search="maritime"))
        window.step(1)
        shoot(window, args.out / "detail-highlights.png")

        window.show_document()
        window.viewer.resize(900, 700)
        shoot(window.viewer, args.out / "document-viewer.png")
        window.viewer.close()

        window.ask_export_path = lambda: str(Path(tmp) / "security-cooperation.csv")
        loop = QEventLoop()
        window.export_finished.connect(loop.quit)
        window.export_dialog()
        loop.exec()
        settle(150)
        shoot(window.message, args.out / "export-finished.png")
        window.message.close()
        window.close()
        window.catalogue.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
