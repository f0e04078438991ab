"""Starting the browser: a readable error and exit code 2 when the catalogue is unusable."""

from PySide6.QtWidgets import QMessageBox

from app.gui import main


def test_missing_catalogue_says_what_to_do_and_exits_2(qtbot, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    code = main.run(tmp_path / "nowhere.db", tmp_path / "settings.ini")
    assert code == 2
    assert len(shown) == 1 and "nowhere.db" in shown[0] and "catalogue build" in shown[0]


def test_damaged_catalogue_says_so(qtbot, tmp_path, monkeypatch):
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"this is not sqlite" * 100)
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    assert main.run(damaged, tmp_path / "settings.ini") == 2
    assert "damaged" in shown[0]


def test_run_opens_the_window_and_returns_the_event_loops_code(
    qtbot, catalogue_path, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QApplication

    from app.gui.main_window import MainWindow

    def main_windows():
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]

    monkeypatch.setattr(QApplication, "exec", lambda *args: 0)  # the user quits at once
    earlier = main_windows()  # closed by earlier tests, and not yet deleted
    assert main.run(catalogue_path, tmp_path / "settings.ini") == 0
    windows = [w for w in main_windows() if w not in earlier]
    assert len(windows) == 1 and windows[0].isVisible()
    assert not QApplication.windowIcon().isNull()
    windows[0].close()
    assert (tmp_path / "settings.ini").exists()  # closing saved the window's state


def test_what_the_first_window_holds_is_left_out_of_full_collections(make_window):
    # Its widgets, modules and vocabularies live as long as the process: a full collection
    # walking them all found nothing and stalled a repaint (14 ms at 1M entries).
    import gc

    window = make_window()
    assert main._frozen and gc.get_freeze_count() > 0
    frozen = gc.get_freeze_count()
    make_window()
    assert gc.get_freeze_count() == frozen  # once a process, not once a window
    assert window.isVisible()
