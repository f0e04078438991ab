"""Times the real main window offscreen: first paint, counts, scrolling, sorting, detail, export,
memory."""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer  # noqa: E402

from app.gui.settings import DEFAULT_FILTERS  # noqa: E402

COMMON_WORD = "Japan"  # in about half of all entries
RARE_WORD = "Afghanistan"  # in about one entry in a thousand
SETTLE_TIMEOUT_S = 60
# Columns shown by default, the slowest of them to sort at 1M (Document: 4 s a page before the
# sort moved to the background) and the longest text.
SORTED_BY = ("document", "countries", "quote")


def scenarios(top_country: str) -> dict[str, object]:
    base = DEFAULT_FILTERS
    return {
        "country": base.with_(countries=(top_country,)),
        "domain": base.with_(domains=("maritime",)),
        "combination": base.with_(
            countries=(top_country,), domains=("maritime",), year_from=2000, year_to=2030
        ),
        "search common word": base.with_(search=COMMON_WORD),
        "search rare word": base.with_(search=RARE_WORD),
    }


class Heartbeat:
    """A 5 ms timer; the longest gap between its ticks is how long the event loop was blocked."""

    def __init__(self):
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.last = 0
        self.longest = 0

    def start(self) -> None:
        self.clock.start()
        self.last, self.longest = 0, 0
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def stop(self) -> float:
        """The longest gap in ms, including the one still open."""
        self.timer.stop()
        self._tick()
        return float(self.longest)


def rss_mb(pid: int | str = "self", field: str = "VmRSS") -> float:
    """A process's resident memory now, or its peak with `field` "VmHWM" (Linux /proc; 0
    where it cannot be read)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started its program. Not ru_maxrss: Linux
    carries that over from the parent at fork and exec, so a benchmark that had just generated
    the 1M catalogue (393 MB) reported the window's peak as 393 MB instead of 200."""
    return rss_mb(field="VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def command_line(pid: int | str = "self") -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def children_rss_mb() -> float:
    """The resident memory of this process's children now, added up: the export's share
    processes and multiprocessing's resource tracker (which outlives the export), that
    ru_maxrss cannot tell (a spawned child inherits the parent's peak). A child
    still running this process's program is between its fork and its exec, sharing this
    process's pages: not counted (it showed as a second copy of the window, 194 MB)."""
    pids = []
    for children in Path("/proc/self/task").glob("*/children"):
        try:
            pids += children.read_text().split()
        except OSError:
            pass
    own = command_line()
    return sum(rss_mb(pid) for pid in pids if command_line(pid) != own)


class MemorySampler:
    """Every 20 ms: the largest sum of this process's and its children's resident memory, and
    the largest of the children's alone."""

    def __init__(self):
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self.sample)
        self.children = self.together = 0.0

    def sample(self) -> None:
        children = children_rss_mb()
        self.children = max(self.children, children)
        self.together = max(self.together, children + rss_mb())


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def settled(window) -> bool:
    """True once the total and every facet count are final (always, for synchronous code)."""
    for owner in (window.model, window.panel):
        pending = getattr(owner, "pending", None)
        if pending is not None and pending():
            return False
    return True


def wait_settled(window) -> None:
    deadline = time.perf_counter() + SETTLE_TIMEOUT_S
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(1)
    poll.timeout.connect(
        lambda: (settled(window) or time.perf_counter() > deadline) and loop.quit()
    )
    if settled(window):
        return
    poll.start()
    loop.exec()
    poll.stop()


def paint(window) -> None:
    """Paint the table now, as the screen would: the view asks data() for the visible rows.
    A real repaint, not a grab() into a pixmap: that rendered the rows a second time, besides
    the window's own repaint in the next turn of the event loop, which the user never waits for
    (it added 10-15 ms to every "longest UI block" before 2026-11-23)."""
    window.table.viewport().repaint()


def timed_change(window, hb: Heartbeat, action) -> tuple[float, float, float]:
    """(first paint ms, settled ms, longest UI block ms) around `action`. The first paint is
    that of the first rows: a search whose page did not fit the window's budget paints
    "Searching…" first, and its rows once the count brings them."""
    pump(20)  # let the heartbeat tick before the change
    hb.start()
    pump(12)
    started = time.perf_counter()
    action()
    paint(window)
    if window.model.searching():
        while window.model.searching() and time.perf_counter() - started < SETTLE_TIMEOUT_S:
            pump(1)
        paint(window)
    painted = time.perf_counter()
    wait_settled(window)
    done = time.perf_counter()
    pump(10)
    return (painted - started) * 1e3, (done - started) * 1e3, hb.stop()


def measure(db: Path, runs: int, export_runs: int) -> dict:
    """The window's figures on `db`; its settings and exports go to a folder removed after."""
    from app.gui.main import application, open_window

    app = application()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        window = open_window(db, Path(scratch) / "browser.ini")
        return measure_window(app, window, runs, export_runs, Path(scratch))


def measure_window(app, window, runs: int, export_runs: int, scratch: Path) -> dict:
    """measure() in an open window; exports are written to `scratch`."""
    window.resize(1360, 860)
    window.show()
    pump(50)
    wait_settled(window)
    # A second, as a user takes to reach for the first filter: the window reads the bitmap
    # index meanwhile (MainWindow.warm_timer); cold start is measured on its own.
    pump(1000)
    # The benchmark's own first viewport() call from Python makes PySide6 create 44 enum classes
    # (10-15 ms); the app never calls it, so that cost stays out of the first timed change.
    window.table.viewport()
    hb = Heartbeat()
    results: dict[str, list] = {}

    def record(name: str, values) -> None:
        results.setdefault(name, []).append(values)

    top = window.catalogue.facet("countries", DEFAULT_FILTERS)[0].id
    for _ in range(runs):
        for name, filters in scenarios(top).items():
            timed_change(window, hb, lambda: window.apply_filters(DEFAULT_FILTERS))
            # The window and its background threads keep the counts, facets and searches they
            # have seen: forget them all, so that each run counts its filter again.
            window.forget_counts()
            record(name, timed_change(window, hb, lambda f=filters: window.apply_filters(f)))
    window.apply_filters(DEFAULT_FILTERS)
    wait_settled(window)
    for _ in range(runs):
        window.table.scrollToTop()
        paint(window)
        pump(10)
        record("scroll to the last row", timed_change(window, hb, window.table.scrollToBottom))
        bar = window.table.verticalScrollBar()
        bar.setValue(0)
        paint(window)
        pump(10)
        record(
            "drag the scrollbar to the middle",
            timed_change(window, hb, lambda b=bar: b.setValue(b.maximum() // 2)),
        )
    window.table.scrollToTop()
    for number in range(runs):
        row = 3 + number * 7

        def select(r=row):
            window.table.setCurrentIndex(window.model.index(r, 1))
            window.detail.grab()

        record("detail pane update", timed_change(window, hb, select))
    head = window.table.horizontalHeader()
    for _ in range(runs):
        for key in SORTED_BY:
            column = window.model.column_of(key)
            head.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # back to entry order
            window.table.scrollToTop()
            wait_settled(window)
            record(
                f"sort by {window.model.columns[column].title}",
                timed_change(
                    window,
                    hb,
                    lambda c=column: head.setSortIndicator(c, Qt.SortOrder.AscendingOrder),
                ),
            )
        bar = window.table.verticalScrollBar()
        record(
            "drag the scrollbar to the middle, sorted",
            timed_change(window, hb, lambda b=bar: b.setValue(b.maximum() // 2)),
        )
    head.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    window.table.scrollToTop()
    wait_settled(window)
    count_times = []
    for _ in range(runs):
        window.catalogue.forget()
        started = time.perf_counter()
        window.catalogue.count(DEFAULT_FILTERS)
        count_times.append((time.perf_counter() - started) * 1e3)
    results["total count (query layer, all body text)"] = [(t, t, 0.0) for t in count_times]
    out_dir = scratch
    memory = MemorySampler()
    memory.timer.start()
    for number in range(export_runs):
        target = out_dir / f"export-{number}.csv"
        loop = QEventLoop()
        window.export_finished.connect(loop.quit)
        pump(20)
        hb.start()
        started = time.perf_counter()
        window.export_to(target)
        loop.exec()
        seconds = time.perf_counter() - started
        block = hb.stop()
        window.export_finished.disconnect(loop.quit)
        if window.message is not None:
            window.message.close()
        rows = window.model.total()
        results.setdefault("csv export", []).append((rows / seconds, seconds, block))
        target.unlink(missing_ok=True)
    memory.timer.stop()
    results["peak memory MB"] = [peak_rss_mb()]
    if export_runs and Path("/proc/self/task").is_dir():  # not measured where /proc is not
        results["export processes MB"] = [memory.children]
        results["window and export processes MB"] = [memory.together]
    window.close()
    window.catalogue.close()
    app.processEvents()
    return results


def cold_start(db: Path, settings: Path) -> None:
    """Open the window and paint its first rows, then say so and exit (the parent times it,
    and removes `settings`)."""
    from app.gui.main import application, open_window

    application()
    window = open_window(db, settings)
    window.resize(1360, 860)
    window.show()
    paint(window)
    print("painted", flush=True)
    os._exit(0)  # the parent has its figure; skip tear-down


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[0] == "--cold-start":
        cold_start(Path(argv[1]), Path(argv[2]))
        return 0
    db, runs, export_runs = Path(argv[0]), int(argv[1]), int(argv[2])
    print(json.dumps(measure(db, runs, export_runs)), flush=True)
    os._exit(0)  # PySide6 can crash while finalising; the figures are out


if __name__ == "__main__":
    raise SystemExit(main())
