"""GUI fixtures: windows over the session's fresh catalogue, settings in a tmp folder."""

import pytest

# The offscreen platform has no window manager to pass size hints or raise windows to, and
# says so; harmless.
OFFSCREEN_NOISE = ("does not support propagateSizeHints", "does not support raise")


def pytest_collection_modifyitems(items):
    # Qt warnings fail GUI tests, as Python warnings do (pyproject: filterwarnings = error).
    for item in items:
        if "tests/gui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def no_real_settings(monkeypatch):
    """A test that forgot to inject a settings path must not touch the user's real file."""

    def refuse():
        raise AssertionError("a test tried to use the real settings file")

    monkeypatch.setattr("app.gui.settings.default_settings_path", refuse)


@pytest.fixture(autouse=True)
def pages_in_time(monkeypatch):
    """A first page read at once, however slow the machine: the tests check what the window
    shows, and a table waiting for its count on a busy CI machine would fail them for
    nothing. Tests of that wait set the budget to 0 themselves (after this fixture)."""
    monkeypatch.setattr("app.gui.entries_model.PAGE_BUDGET_S", 5.0)


@pytest.fixture(autouse=True)
def facets_in_time(monkeypatch):
    """Facets counted at once, however busy the machine: the window gives them 4 ms before
    counting them in the background, and a test checking a list right after show_filters()
    failed whenever another process held the CPU. Tests of the background counts set the
    budget to 0 themselves (after this fixture)."""
    monkeypatch.setattr("app.gui.filter_panel.FACET_BUDGET_S", 5.0)


@pytest.fixture()
def settings_path(tmp_path):
    return tmp_path / "config" / "browser.ini"


@pytest.fixture()
def make_window(qtbot, catalogue_path, settings_path):
    """Opens main windows as `catalogue` would; each is closed (saving state) at the end."""
    from app.gui.main import open_window

    opened = []

    def make(path=settings_path):
        window = open_window(catalogue_path, path)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        opened.append(window)
        return window

    yield make
    for window in opened:
        if window.export_task is not None:  # closing would ask whether to stop it
            window.export_task.worker.cancel()
            window.export_task.wait()
            window._export_cleanup()
        window.close()
        window.catalogue.close()


@pytest.fixture()
def window(make_window):
    return make_window()


@pytest.fixture()
def sorts_in_background(monkeypatch):
    """As at 1M entries: no sort is quick enough to run in the window's thread."""
    monkeypatch.setattr("app.gui.entries_model.SORT_HERE_MAX", -1)
