"""Search words are painted highlighted in the quote column."""

from PySide6.QtGui import QColor

from app.gui.settings import DEFAULT_FILTERS


def test_search_words_are_painted_in_the_table(qtbot, window):
    # The quote column in view: a new window fits the test platform's 800 x 600 screen.
    window.resize(1360, 860)
    window.search.setText("Japan")
    window._search_now()
    window.table.clearSelection()
    window.table.setCurrentIndex(window.model.index(0, 0))
    window.table.clearSelection()
    assert window.filters == DEFAULT_FILTERS.with_(search="Japan")
    column = window.model.column_of("quote")
    rect = window.table.visualRect(window.model.index(2, column))
    image = window.table.viewport().grab(rect).toImage()
    colours = {
        image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())
    }
    assert QColor("#ffe58a").name() in colours
