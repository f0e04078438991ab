"""Builds the desktop bundle: dist/catalogue/ (one folder), then checks and measures it.

    .venv/bin/pip install -q -e '.[package]' && .venv/bin/python build/build.py

Runs PyInstaller on build/catalogue.spec (work files in build/work/, ignored by git), checks
that every Qt library a bundled binary loads is in the bundle (the spec leaves unused Qt out),
and prints the bundle's size with its largest files. Exits non-zero when the build fails, a Qt
library is missing, or the bundle is over budget (100 MB on Linux).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build" / "catalogue.spec"
NAME = "catalogue"
BUDGET_MB = 100  # on Linux


def disk_bytes(path: Path) -> int:
    """Bytes on disk, as `du` counts them (allocated blocks where the OS says)."""
    st = path.lstat()
    blocks = getattr(st, "st_blocks", None)
    return blocks * 512 if blocks is not None else st.st_size


def files_of(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]


def bundle_size(folder: Path) -> int:
    return sum(disk_bytes(p) for p in folder.rglob("*")) + disk_bytes(folder)


def missing_qt_libraries(folder: Path) -> list[str]:
    """'binary needs library' for each Qt/PySide library a bundled binary loads but lacks."""
    from PyInstaller.depend import bindepend

    names = {p.name for p in folder.rglob("*") if p.exists()}  # no dangling links
    problems = []
    for path in files_of(folder):
        if not (path.suffix in {".so", ".dll", ".dylib", ".pyd"} or ".so." in path.name):
            continue
        try:
            imports = bindepend.get_imports(str(path))
        except Exception:  # noqa: BLE001 - not a binary PyInstaller can read
            continue
        for name, _resolved in imports:
            base = Path(name).name
            if base.startswith(("libQt6", "Qt6", "libpyside6", "libshiboken6", "pyside6")):
                if base not in names:
                    problems.append(f"{path.relative_to(folder)} needs {base}")
    return sorted(set(problems))


def report(folder: Path, top: int = 12) -> int:
    total = bundle_size(folder)
    print(f"\n{folder.relative_to(ROOT)}: {total / 1e6:.1f} MB on disk")
    internal = folder / "_internal"
    groups: dict[str, int] = {}
    for path in files_of(folder):
        rel = path.relative_to(internal if path.is_relative_to(internal) else folder)
        group = "/".join(rel.parts[:3]) if rel.parts[0] == "PySide6" else rel.parts[0]
        groups[group] = groups.get(group, 0) + disk_bytes(path)
    print("largest parts:")
    for group, size in sorted(groups.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {size / 1e6:7.1f} MB  {group}")
    print("largest files:")
    biggest = sorted(files_of(folder), key=disk_bytes, reverse=True)[:top]
    for path in biggest:
        print(f"  {disk_bytes(path) / 1e6:7.1f} MB  {path.relative_to(folder)}")
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--report-only", action="store_true", help="measure an existing dist/catalogue"
    )
    args = parser.parse_args(argv)
    folder = ROOT / "dist" / NAME
    if not args.report_only:
        import PyInstaller.__main__

        PyInstaller.__main__.run(
            [
                "--noconfirm",
                "--clean",
                "--log-level=WARN",
                "--distpath",
                str(ROOT / "dist"),
                "--workpath",
                str(ROOT / "build" / "work"),
                str(SPEC),
            ]
        )
    exe = folder / (NAME + (".exe" if os.name == "nt" else ""))
    if not exe.is_file():
        print(f"build: no {exe.relative_to(ROOT)}", file=sys.stderr)
        return 1
    missing = missing_qt_libraries(folder)
    if missing:
        print("build: Qt libraries left out but needed:\n  " + "\n  ".join(missing))
        return 1
    total = report(folder)
    print(f"\nlaunch: {exe.relative_to(ROOT)}   (check it: {exe.relative_to(ROOT)} --smoke)")
    if sys.platform.startswith("linux") and total > BUDGET_MB * 1_000_000:
        print(f"build: {total / 1e6:.1f} MB is over the {BUDGET_MB} MB budget", file=sys.stderr)
        print("(no gcc or nm? ICU's data stays whole: bash build/system-deps.sh)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
