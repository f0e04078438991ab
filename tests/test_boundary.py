"""The headless core (pipeline, query layer, exporter) never imports Qt."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADLESS = ["app/pipeline", "app/query", "app/export", "app/paths.py", "app/resources.py"]


def headless_files(names=HEADLESS):
    for name in names:
        path = ROOT / name
        yield from (sorted(path.rglob("*.py")) if path.is_dir() else [path])


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


QT_PACKAGES = {"PySide6", "PyQt5", "PyQt6", "shiboken6"}


def is_qt(module: str) -> bool:
    return module.split(".")[0] in QT_PACKAGES or module.startswith("app.gui")


def test_no_headless_module_names_qt():
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in headless_files()
        for module in imported_modules(path)
        if is_qt(module)
    ]
    assert offenders == []


def test_importing_the_core_loads_no_qt():
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        # The CLI may start the GUI on request, but importing it must not load Qt.
        for p in headless_files([*HEADLESS, "app/cli.py"])
    )
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules)
    code += "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
