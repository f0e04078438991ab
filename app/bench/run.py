"""The benchmark command: generates the load, measures each size and prints the tables."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.bench.generate import generate, load_sample, parse_size, size_name
from app.paths import bundled_catalogue, bundled_sources
from app.pipeline.schema import SCHEMA_VERSION

# metric -> (unit, target, how to compare); targets are the issue's, at 1M entries.
SCENARIOS = ("country", "domain", "combination", "search common word", "search rare word")
TARGET_PAINT_MS = 50
TARGET_SETTLED_MS = 150
TARGET_BLOCK_MS = 50
SORTED_WHERE = "(in a worker above 50k matches)"  # EntriesModel.SORT_HERE_MAX


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 0.95)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        ram = f"{pages / 2**30:.1f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def current(db: Path) -> bool:
    """True if `db` exists with this app's schema (one left by an older version is remade)."""
    if not db.exists():
        return False
    conn = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


# The GUI benchmark's process, started from a one-line program rather than `-m app.bench.gui`:
# the export's share processes import the main module again, and this one imports Qt (60 MB
# more in each), where the app's own entry points (`catalogue`, `python -m app`) import little.
GUI_CHILD = "import sys; from app.bench.gui import main; sys.exit(main(sys.argv[1:]))"


def child(args: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", GUI_CHILD, *args], env=env, capture_output=True, text=True
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"the GUI benchmark failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc


def cold_starts(db: Path, runs: int) -> list[float]:
    """Seconds from launching a fresh interpreter to the first painted rows (warm disk cache)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    times = []
    for _ in range(runs + 1):
        with tempfile.TemporaryDirectory(prefix="bench-settings-") as settings:
            times.append(cold_start(db, Path(settings) / "browser.ini", env))
    return times[1:]  # the first run warms the disk cache


def cold_start(db: Path, settings: Path, env: dict) -> float:
    """Seconds from launching the window with `settings` to its first painted rows."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.bench.gui", "--cold-start", str(db), str(settings)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.wait()
    if "painted" not in line:
        raise RuntimeError(f"cold start of {db} failed")
    return elapsed


def fts_rebuild(db: Path, runs: int) -> list[float]:
    times = []
    conn = sqlite3.connect(db)
    try:
        for _ in range(runs):
            started = time.perf_counter()
            conn.execute("INSERT INTO entries_fts(entries_fts) VALUES ('rebuild')")
            conn.commit()
            times.append(time.perf_counter() - started)
    finally:
        conn.close()
    return times


def build_throughput(sources: Path, out: Path, runs: int = 1) -> tuple[list[float], int]:
    """(MB/s of each of `runs` full builds of `sources`, entries built)."""
    from app.pipeline.build import build_catalogue

    size = sum(p.stat().st_size for p in sources.glob("*.txt"))
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        build_catalogue(sources, out)
        rates.append(size / 1e6 / (time.perf_counter() - started))
    entries = sqlite3.connect(out).execute("SELECT count(*) FROM entries").fetchone()[0]
    return rates, entries


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "rows/s":
        return f"{value / 1000:.0f}k rows/s"
    if unit == "MB/s":
        return f"{value:.2f} MB/s"
    return f"{value:.1f} ms"


def size_table(name: str, n: int, data: dict) -> list[str]:
    lines = [
        f"### {name} entries ({n:,})",
        "",
        "| measurement | median | p95 | longest UI block | target (1M) |",
        "|---|---|---|---|---|",
    ]

    def row(label, values, unit, block=None, target=""):
        med, p95 = summary(values)
        blk = f"{max(block):.0f} ms" if block else ""
        lines.append(f"| {label} | {fmt(med, unit)} | {fmt(p95, unit)} | {blk} | {target} |")

    row("cold start to first painted rows", data["cold"], "s", target="≤ 1.0 s")
    gui = data["gui"]
    for scenario in SCENARIOS:
        values = gui[scenario]
        row(
            f"first page after filter: {scenario}",
            [v[0] for v in values],
            "ms",
            [v[2] for v in values],
            f"p95 ≤ {TARGET_PAINT_MS} ms",
        )
        row(
            f"facet counts and total: {scenario}",
            [v[1] for v in values],
            "ms",
            None,
            f"p95 ≤ {TARGET_SETTLED_MS} ms, blocks ≤ {TARGET_BLOCK_MS} ms",
        )
    blocks = f"blocks ≤ {TARGET_BLOCK_MS} ms"

    def timed(key: str, target: str = blocks, label: str | None = None) -> None:
        values = gui[key]
        row(label or key, [v[0] for v in values], "ms", [v[2] for v in values], target)

    timed("total count (query layer, all body text)", "(in a worker)")
    timed("scroll to the last row")
    timed("drag the scrollbar to the middle")
    timed("detail pane update", "")
    for key in [k for k in gui if k.startswith("sort by ")]:
        timed(key, label=f"{key}: window answers")
        row(f"{key}: rows in the new order", [v[1] for v in gui[key]], "ms", None, SORTED_WHERE)
    timed("drag the scrollbar to the middle, sorted")
    if gui.get("csv export"):
        values = gui["csv export"]
        row(
            "CSV export (background)",
            [v[0] for v in values],
            "rows/s",
            [v[2] for v in values],
            "≥ 100k rows/s",
        )
    row("peak memory (RSS, after all of the above)", gui["peak memory MB"], "MB", None, "≤ 300 MB")
    if gui.get("export processes MB"):
        row("peak memory of the export's processes", gui["export processes MB"], "MB")
        row(
            "peak memory, window and export's processes together",
            gui["window and export processes MB"],
            "MB",
        )
    row("rebuild the full-text index", data["fts"], "s")
    lines.append("")
    return lines


def reference_loop_ms(repeats: int = 5) -> float:
    """The best of `repeats` timings of a fixed pure-Python loop (the squares of a million
    integers summed): the same machine type runs it from about 50 to 95 ms from day to day,
    and the build's figures move with it."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        best = min(best, time.perf_counter() - started)
    return best * 1000


def cpu_ticks(stat: Path = Path("/proc/stat")) -> tuple[int, int] | None:
    """(all CPU time, time stolen by the hypervisor) in ticks since boot, from /proc/stat;
    None where there is no such file (not Linux)."""
    try:
        fields = stat.read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    # cpu user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is
    # already counted in user.
    if fields[:1] != ["cpu"] or len(fields) < 9:
        return None
    ticks = [int(f) for f in fields[1:9]]
    return sum(ticks), ticks[7]


def stolen_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share of the machine's CPU time that the hypervisor gave to other machines between
    two cpu_ticks(), or None where that is not known."""
    if before is None or after is None or after[0] <= before[0]:
        return None
    return (after[1] - before[1]) / (after[0] - before[0])


def stolen_line(share: float | None) -> list[str]:
    """On a shared virtual machine the same code runs slower while others take its CPU time:
    figures compare only at similar shares, so each table says it."""
    if share is None:
        return []
    return [f"CPU time stolen by the hypervisor during these runs: {share:.0%}", ""]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.bench",
        description="Measure the catalogue at scale: generates synthetic catalogues (and a "
        "source corpus) in --out, then prints medians and p95 for each size.",
    )
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated: 10k,100k,1m")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each measurement")
    parser.add_argument("--export-runs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench"), help="generated files")
    parser.add_argument(
        "--build-mb", type=float, default=100, help="source corpus size for the build (0: skip)"
    )
    parser.add_argument("--build-runs", type=int, default=3, help="builds of each corpus")
    parser.add_argument("--regenerate", action="store_true", help="rewrite existing catalogues")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args(argv)

    command = "python -m app.bench " + " ".join(
        shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)
    )
    description, loop_ms = machine(), reference_loop_ms()
    header = [
        f"Command: `{command.strip()}`",
        f"Machine: {description}",
        f"Speed today: {loop_ms:.0f} ms for a reference Python loop (lower is faster)",
        "",
    ]
    print("\n".join(header), flush=True)
    raw: dict = {
        "command": command,
        "machine": description,
        "reference_loop_ms": loop_ms,
        "sizes": {},
    }
    sample = None
    out: list[str] = []
    for name in args.sizes.split(","):
        n = parse_size(name)
        db = args.out / f"catalogue-{size_name(n)}.db"
        if args.regenerate or not current(db):
            sample = sample or load_sample(bundled_catalogue())
            print(f"generating {db} ...", flush=True)
            generate(sample, db, n, progress=lambda _: None)
        ticks = cpu_ticks()
        data = {"fts": fts_rebuild(db, max(1, args.runs // 3))}
        data["cold"] = cold_starts(db, args.runs)
        result = child([str(db), str(args.runs), str(args.export_runs)])
        data["gui"] = json.loads(result.stdout.strip().splitlines()[-1])
        data["stolen"] = stolen_share(ticks, cpu_ticks())
        raw["sizes"][size_name(n)] = data
        table = size_table(size_name(n), n, data) + stolen_line(data["stolen"])
        out += table
        print("\n".join(table), flush=True)
    if args.build_mb:
        from app.bench.corpus import write_corpus

        sources = args.out / f"sources-{args.build_mb:g}mb"
        if args.regenerate or not any(sources.glob("*.txt")):
            write_corpus(bundled_sources(), sources, args.build_mb)
        ticks = cpu_ticks()
        rates, entries = build_throughput(
            sources, args.out / "built-from-corpus.db", args.build_runs
        )
        bundled, _ = build_throughput(
            bundled_sources(), args.out / "built-from-bundled.db", max(3, args.build_runs)
        )
        stolen = stolen_share(ticks, cpu_ticks())
        raw["build"] = {
            "mb_per_s": rates,
            "entries": entries,
            "bundled_mb_per_s": bundled,
            "stolen": stolen,
        }
        lines = [
            f"### Build from {args.build_mb:g} MB of source text ({entries:,} entries)",
            "",
            "| measurement | median | best | target |",
            "|---|---|---|---|",
            f"| build throughput, {args.build_mb:g} MB corpus ({len(rates)} runs) "
            f"| {statistics.median(rates):.2f} MB/s | {max(rates):.2f} MB/s | ≥ 5 MB/s |",
            f"| build throughput, bundled sources ({len(bundled)} runs) "
            f"| {statistics.median(bundled):.2f} MB/s | {max(bundled):.2f} MB/s | |",
            "",
            *stolen_line(stolen),
        ]
        out += lines
        print("\n".join(lines), flush=True)
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1))
    return 0
