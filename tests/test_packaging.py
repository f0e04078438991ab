"""The packaging recipe: where the app looks when frozen, and what the bundle leaves out."""

import ast
import re
import struct
import sys
from pathlib import Path

import pytest

from app import paths

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build" / "catalogue.spec"


def spec_constant(name: str):
    """A literal assigned at the top of the spec (the spec runs only inside PyInstaller)."""
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not in {SPEC}")


def app_sources():
    return sorted((ROOT / "app").rglob("*.py"))


def test_frozen_app_finds_resources_and_catalogue_in_the_bundle(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert paths.app_root() == tmp_path
    assert paths.resources_dir() == tmp_path / "resources"
    assert paths.bundled_catalogue() == tmp_path / "data" / "catalogue.db"
    assert paths.is_frozen()


def test_from_source_the_checkout_holds_resources_and_catalogue():
    assert paths.app_root() == ROOT
    assert (paths.resources_dir() / "icon.svg").is_file()
    assert paths.bundled_catalogue().is_file()
    assert not paths.is_frozen()


def test_log_goes_to_the_per_user_folder_never_next_to_the_program(monkeypatch):
    monkeypatch.delenv(paths.LOG_DIR_ENV, raising=False)
    folder = paths.user_log_dir()
    assert "security-cooperation-catalogue" in str(folder)
    assert not folder.is_relative_to(paths.app_root())
    monkeypatch.setenv(paths.LOG_DIR_ENV, "/somewhere/else")
    assert paths.user_log_dir() == Path("/somewhere/else")


def test_logging_writes_the_start_to_its_file(tmp_path):
    import logging

    from app.logs import close_logging, setup_logging

    log_file = setup_logging(tmp_path / "logs")
    try:
        logging.getLogger("app.somewhere").warning("a warning from a module")
    finally:
        close_logging()
    text = log_file.read_text(encoding="utf-8")
    assert "starting (from source" in text and "a warning from a module" in text


def test_logging_without_a_writable_folder_still_runs(tmp_path):
    from app.logs import setup_logging

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert setup_logging(blocker / "logs") is None


def test_the_bundle_keeps_every_qt_module_the_app_imports():
    imported = set()
    for path in app_sources():
        imported |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert imported <= spec_constant("QT_USED"), "add it to QT_USED in build/catalogue.spec"


def test_the_bundle_keeps_the_pycountry_data_the_app_reads():
    # build/hooks/hook-pycountry.py bundles only the ISO 3166 country databases.
    used = set()
    for path in app_sources():
        used |= set(re.findall(r"pycountry\.(\w+)", path.read_text(encoding="utf-8")))
    assert used <= {"countries", "historic_countries", "db"}, used


@pytest.fixture()
def icu_data(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "build"))
    import icu_data

    return icu_data


def test_icu_trim_keeps_collation_and_core_tables_only(icu_data):
    keeps = icu_data.wanted
    assert keeps("icudt73l/coll/root.res") and keeps("icudt73l/coll/ja.res")
    assert keeps("icudt73l/ucadata.icu") or keeps("icudt73l/coll/ucadata.icu")
    assert keeps("icudt73l/root.res") and keeps("icudt73l/nfkc.nrm")
    assert not keeps("icudt73l/ibm-943_P15A-2003.cnv")
    assert not keeps("icudt73l/brkitr/cjdict.dict")
    assert not keeps("icudt73l/zone/ja.res") and not keeps("icudt73l/unit/en.res")


def test_icu_common_data_round_trips(icu_data):
    header = struct.pack("<H", 32) + b"\xda\x27" + b"\0" * 8 + b"CmnD" + b"\0" * 16
    kept = [("icudt73l/a.res", b"A" * 16), ("icudt73l/coll/root.res", b"R" * 40)]
    data = icu_data.common_data(header, kept)
    assert [
        (name, body[: len(raw)])
        for (name, body), (_, raw) in zip(icu_data.items(data), kept, strict=True)
    ] == kept
    assert all(len(body) % 16 == 0 for _, body in icu_data.items(data)[:-1])
