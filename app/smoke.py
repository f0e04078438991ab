"""`catalogue --smoke`: does this copy of the app work? (from source and in the bundle alike)

Opens the main window offscreen on the catalogue, filters by a country typed as a user would,
searches, exports the table to CSV in a temporary folder through the window's own export (the
Ctrl+E path), and checks that the table, the query layer and the CSV agree. One line on stdout
and exit 0 when everything agrees; one line "smoke FAILED: ..." on stderr and exit 1 otherwise.
Settings and log go to a temporary folder: the user's own are never touched.

`catalogue --startup-time` opens the window as the app does and prints how long it took from
process start to the window shown (build/startup_time.py takes the median of several runs).
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

from app.paths import LOG_DIR_ENV, is_frozen

SMOKE_COUNTRY = "Vietnam"  # as a user types it; pycountry's name is "Viet Nam"
SMOKE_COUNTRY_CODE = "VNM"
SMOKE_SEARCH = "maritime"
TIMEOUT_S = 60.0


class SmokeFailure(Exception):
    """A check failed; the message says which."""


def process_age() -> float | None:
    """Seconds since this process started (the bootloader included), where the OS says."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def say(line: str, error: bool = False) -> None:
    """Print a line where there is a console (a windowed bundle on Windows has none)."""
    stream = sys.stderr if error else sys.stdout
    if stream is not None:
        print(line, file=stream, flush=True)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def wait_until(app, condition, what: str, timeout: float = TIMEOUT_S) -> None:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SmokeFailure(f"{what} (waited {timeout:.0f} s)")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)


# The offscreen platform has no window manager to pass size hints to, and says so: harmless.
OFFSCREEN_NOISE = ("does not support propagateSizeHints", "does not support raise")


QT_WARNINGS: list[str] = []  # Qt's warnings during the run: a bundle missing a part warns


def quiet_offscreen_noise() -> None:
    """Let Qt's messages through to stderr, except the offscreen platform's known noise;
    remember the warnings."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind, _context, message: str) -> None:
        if any(noise in message for noise in OFFSCREEN_NOISE):
            return
        if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            QT_WARNINGS.append(message)
        if sys.stderr is not None:
            print(message, file=sys.stderr, flush=True)

    qInstallMessageHandler(handler)


def shown_window(db_path: Path, settings_path: Path):
    """(app, window) with the main window opened as `catalogue` opens it, and exposed."""
    from app.gui.main import application, open_window

    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        quiet_offscreen_noise()
    app = application()
    window = open_window(db_path, settings_path)
    window.show()
    wait_until(
        app,
        lambda: window.windowHandle() is not None and window.windowHandle().isExposed(),
        "the main window was never shown",
    )
    return app, window


def table_agrees(app, window, expected: int, what: str) -> int:
    """The table's entry count once it equals the query layer's `expected` (counts may come
    from a background thread); fails when it never does or when nothing matches."""
    check(expected > 0, f"{what}: the catalogue has no matching entries")
    try:
        wait_until(app, lambda: window.model.total() == expected, what, timeout=10)
    except SmokeFailure:
        raise SmokeFailure(
            f"{what}: the table shows {window.model.total()}, the catalogue counts {expected}"
        ) from None
    return expected


def check_collation() -> None:
    """Qt sorts names (the file dialog's) with ICU's collation data, which the bundle trims."""
    from PySide6.QtCore import QCollator, QLocale

    for locale, words in (("en_GB", ["apple", "Banana", "cherry"]), ("ja_JP", ["あ", "か", "さ"])):
        collator = QCollator(QLocale(locale))
        ordered = sorted(reversed(words), key=collator.sortKey)
        check(ordered == words, f"{locale} collation sorts {words} as {ordered}")


def csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def smoke(db_path: Path, tmp: Path) -> str:
    """Runs every check; returns the summary line or raises SmokeFailure."""
    started = time.perf_counter()
    from app.logs import close_logging, setup_logging

    log_path = setup_logging(tmp / "logs")
    check(log_path is not None and log_path.is_file(), f"cannot write the log in {tmp}")

    # Country names come from pycountry's data files: they must be in the bundle.
    from app.pipeline.places import country_name, resolve_country

    code = resolve_country(SMOKE_COUNTRY)
    check(
        code == SMOKE_COUNTRY_CODE,
        f"{SMOKE_COUNTRY!r} resolves to {code!r}, not {SMOKE_COUNTRY_CODE} (pycountry data?)",
    )
    name = country_name(code)

    from app.export.csv_export import header
    from app.export.shares import export_entries
    from app.gui.main import app_icon
    from app.query.catalogue import Catalogue

    app, window = shown_window(db_path, tmp / "settings" / "browser.ini")
    shown_after = process_age()
    try:
        # The icon is SVG: it renders only with Qt's svg image format plugin.
        check(not app_icon().pixmap(32, 32).isNull(), "the SVG icon does not render")
        check_collation()
        with Catalogue(db_path) as catalogue:  # a connection of its own to check against
            t = time.perf_counter()
            window.add_filter("countries", code)
            check(window.filters.countries == (code,), f"the country filter is {window.filters}")
            expected = catalogue.count(window.filters)
            by_country = table_agrees(app, window, expected, "country filter")
            wait_until(
                app,
                lambda: name in window.status.text(),
                f"{name!r} never appeared in the status bar ({window.status.text()!r})",
            )
            filter_ms = (time.perf_counter() - t) * 1000

            t = time.perf_counter()
            window.search.setText(SMOKE_SEARCH)
            window.search.returnPressed.emit()  # Enter in the search box
            check(window.filters.search == SMOKE_SEARCH, f"the search is {window.filters}")
            expected = catalogue.count(window.filters)
            searched = table_agrees(app, window, expected, "search")
            search_ms = (time.perf_counter() - t) * 1000

            t = time.perf_counter()
            target = tmp / "export" / "smoke.csv"
            target.parent.mkdir()
            outcomes: list[str] = []
            window.export_finished.connect(outcomes.append)
            window.export_to(target)  # what Ctrl+E does once a file is chosen
            wait_until(app, lambda: outcomes, "the export never finished")
            message = window.message.text() if window.message is not None else ""
            check(outcomes == ["done"], f"export {outcomes[0]}: {message}")
            export_ms = (time.perf_counter() - t) * 1000
            rows = csv_rows(target)
            check(bool(rows) and rows[0] == header(), f"the CSV header is {rows[:1]}")
            written = len(rows) - 1
            check(
                written == searched == expected,
                f"the CSV has {written} rows, the table {searched}, the catalogue {expected}",
            )
            # Large exports are written by several processes (app.export.shares), which a
            # packaged app must be able to start: the same export, by two of them.
            t = time.perf_counter()
            shared = target.with_name("shares.csv")
            export_entries(db_path, shared, window.filters, *window.model.shown_order(), shares=2)
            check(
                shared.read_bytes() == target.read_bytes(),
                "the export written by two processes differs from the window's",
            )
            shares_ms = (time.perf_counter() - t) * 1000
        check(not QT_WARNINGS, f"Qt warned: {' | '.join(QT_WARNINGS)}")
    finally:
        if window.message is not None:
            window.message.close()
        window.close()
        window.catalogue.close()
        app.processEvents()
        close_logging()
    total = time.perf_counter() - started
    window_text = f"{shown_after:.2f} s after start" if shown_after is not None else "shown"
    return (
        f"smoke ok ({'frozen' if is_frozen() else 'from source'}): window {window_text}; "
        f"{SMOKE_COUNTRY} ({code}) {by_country} entries in {filter_ms:.0f} ms; "
        f"+ search {SMOKE_SEARCH!r} {searched} in {search_ms:.0f} ms; "
        f"CSV {written} rows = catalogue count {expected} in {export_ms:.0f} ms, "
        f"the same by two processes in {shares_ms:.0f} ms; "
        f"checks {total:.2f} s"
    )


def run_smoke(db_path: Path) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        with tempfile.TemporaryDirectory(
            prefix="catalogue-smoke-", ignore_cleanup_errors=True
        ) as tmp:
            os.environ[LOG_DIR_ENV] = str(Path(tmp) / "logs")
            summary = smoke(Path(db_path), Path(tmp))
    except SmokeFailure as exc:
        say(f"smoke FAILED: {exc}", error=True)
        return 1
    except Exception as exc:  # noqa: BLE001 - any failure is a failed smoke check, said in one line
        say(f"smoke FAILED: {type(exc).__name__}: {exc}", error=True)
        return 1
    say(summary)
    return 0


def run_startup_time(db_path: Path) -> int:
    """Open the window (offscreen unless QT_QPA_PLATFORM says otherwise), print the time."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="catalogue-start-", ignore_cleanup_errors=True) as tmp:
        app, window = shown_window(Path(db_path), Path(tmp) / "browser.ini")
        shown_at, age = time.time(), process_age()
        window.close()
        window.catalogue.close()
        app.processEvents()
    age_text = f"{age:.3f}" if age is not None else "?"
    say(f"startup: window shown at {shown_at:.3f} (epoch), {age_text} s after process start")
    return 0
