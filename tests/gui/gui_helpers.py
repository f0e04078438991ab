"""What a user's hands do (click a value in a list, a link in a text browser) and sees painted."""

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QTextCursor


def click_value(qtbot, facet_list, value: str) -> None:
    # As a user waits for the list: on a busy machine its counts come from the background.
    qtbot.waitUntil(lambda: facet_list.index_of(value).isValid(), timeout=5000)
    index = facet_list.index_of(value)
    facet_list.view.scrollTo(index)
    rect = facet_list.view.visualRect(index)
    qtbot.mouseClick(facet_list.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def link_position(browser, href: str) -> QPoint:
    """Where the link to `href` is drawn in the browser's viewport (scrolled into view)."""
    document = browser.document()
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position() + 1)
                browser.setTextCursor(cursor)
                browser.ensureCursorVisible()
                return browser.cursorRect(cursor).center()
            fragments += 1
        block = block.next()
    raise AssertionError(f"no link to {href}")


def click_link(qtbot, browser, href: str) -> None:
    pos = link_position(browser, href)
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=pos)


class PaintLog(QObject):
    """Appends `label()` to `order` each time `widget` is painted."""

    def __init__(self, widget, order: list, label=lambda: "paint"):
        super().__init__(widget)
        self.order, self.label = order, label
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            self.order.append(self.label())
        return False
