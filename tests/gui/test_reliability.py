"""The desktop app on bad catalogues, damage found while browsing, and exports that fail."""

import os
import shutil
import sqlite3

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QMessageBox

from app.export.csv_export import export_csv
from app.gui import main


def set_version(path, version):
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "damage, words",
    [
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.write_bytes(p.read_bytes()[:50_000]), "is truncated"),
        (lambda p: set_version(p, 7), "newer version of this app"),
    ],
    ids=["zero bytes", "truncated", "newer schema"],
)
def test_bad_catalogue_shows_what_is_wrong_and_what_to_do(
    qtbot, catalogue_path, tmp_path, monkeypatch, damage, words
):
    path = tmp_path / "ünïcödé カタログ.db"
    shutil.copy(catalogue_path, path)
    damage(path)
    before = path.read_bytes()
    shown = []
    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: shown.append((box.text(), box.informativeText())) or 0
    )
    assert main.run(path, tmp_path / "settings.ini") == main.CANNOT_OPEN
    [(text, advice)] = shown
    assert words in text and "catalogue build" in text + advice
    assert "catalogue build" not in advice  # said once, in the message about this file
    assert path.read_bytes() == before


def test_damage_met_while_browsing_is_a_dialog_not_a_traceback(qtbot, tmp_path, monkeypatch):
    shown, passed_on = [], []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    hook = main.damage_hook(tmp_path / "c.db", lambda *exc: passed_on.append(exc[0]))
    hook(sqlite3.DatabaseError, sqlite3.DatabaseError("database disk image is malformed"), None)
    assert len(shown) == 1 and "malformed" in shown[0] and "c.db" in shown[0]
    hook(ValueError, ValueError("other"), None)
    assert passed_on == [ValueError]


def test_export_over_a_file_open_in_excel_keeps_it_and_retries_the_same_selection(
    qtbot, window, catalogue, tmp_path, monkeypatch
):
    selection = window.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (2, 5):
        selection.select(window.model.index(row, 0), flags)
    ids = window.selected_ids()
    target = tmp_path / "open-in-excel.csv"
    target.write_bytes(b"the user's old export")
    real_replace = os.replace

    def locked(src, dst):
        if str(dst) == str(target):
            raise PermissionError(13, "The process cannot access the file")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", locked)
    window.ask_export_path = lambda: str(target)
    with qtbot.waitSignal(window.export_finished, timeout=10000) as outcome:
        window.export_dialog(selected_only=True)
    assert outcome.args == ["failed"]
    assert target.read_bytes() == b"the user's old export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [target.name]
    qtbot.waitUntil(lambda: window.message is not None and window.message.isVisible())
    assert "open in another program" in window.message.text()
    monkeypatch.setattr(os, "replace", real_replace)  # the user closed Excel
    with qtbot.waitSignal(window.export_finished, timeout=10000) as outcome:
        window.message.button(QMessageBox.StandardButton.Retry).click()
    assert outcome.args == ["done"]
    reference = tmp_path / "reference.csv"
    export_csv([r for r in catalogue.iter_rows(window.filters) if r["id"] in ids], reference)
    assert target.read_bytes() == reference.read_bytes()
    assert window.selected_ids() == ids  # the selection is intact
