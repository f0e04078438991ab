"""Start-up time to the main window, from source and frozen: the median of several runs.

    .venv/bin/python build/startup_time.py [--runs 7]

Each run is a new process started with `--startup-time` (the window opens offscreen, then the
app exits); the time counted is from just before the process is spawned to the window shown
(the app prints the wall-clock time it was shown). Runs follow one another, so the files are in
the OS cache after the first one: "cold" here means a new process, not a cold disk.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOWN = re.compile(r"window shown at ([\d.]+)")


def one_run(command: list[str]) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.time()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    match = SHOWN.search(done.stdout)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return float(match.group(1)) - started


def measure(label: str, command: list[str], runs: int) -> float:
    times = [one_run(command) for _ in range(runs)]
    median = statistics.median(times)
    shown = ", ".join(f"{t:.2f}" for t in times)
    print(f"{label:<12} median {median:.2f} s over {runs} runs ({shown})  [{' '.join(command)}]")
    return median


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    measure("from source", [sys.executable, "-m", "app", "--startup-time"], args.runs)
    frozen = ROOT / "dist" / "catalogue" / ("catalogue.exe" if os.name == "nt" else "catalogue")
    if frozen.is_file():
        measure("frozen", [str(frozen.relative_to(ROOT)), "--startup-time"], args.runs)
    else:
        print(f"frozen: no {frozen.relative_to(ROOT)} (build it with build/build.py)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
