"""The whole source document, scrolled to an entry and highlighted; steps through the table."""

from __future__ import annotations

import html
from bisect import bisect_right

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from app.gui.detail_pane import section_headings
from app.gui.highlight import MARK_COLOR, spans_for
from app.pipeline.schema import PATH_SEPARATOR
from app.query.catalogue import Catalogue

ENTRY_COLOR = "#dcebff"
# Each line of the text a paragraph, its spaces as written: the viewer's positions then follow
# the text's (Paragraphs.position), and an entry is marked without laying the document out again.
PARAGRAPH_STYLE = "p { margin-bottom: 6px; white-space: pre-wrap; }"


def utf16_length(text: str) -> int:
    """The length of `text` in a QTextDocument, which counts UTF-16 units."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


class Paragraphs:
    """A document's lines that hold text, one paragraph each as the viewer shows them, and where
    a position of the text falls in the viewer's document."""

    def __init__(self, text: str):
        self.lines: list[str] = []
        self.starts: list[int] = []  # where each line starts in the text
        self.positions: list[int] = []  # ... and in the viewer's document
        at = position = 0
        for line in text.split("\n"):
            if line.strip():
                self.lines.append(line)
                self.starts.append(at)
                self.positions.append(position)
                position += utf16_length(line) + 1  # and the paragraph's end
            at += len(line) + 1

    def html(self) -> str:
        return "".join(f"<p>{html.escape(line)}</p>" for line in self.lines)

    def position(self, offset: int) -> int:
        """Where the text's `offset` is in the viewer's document (in a blank line or a line's
        break: the end of the paragraph before)."""
        number = bisect_right(self.starts, offset) - 1
        if number < 0:
            return 0
        line = self.lines[number]
        within = min(offset - self.starts[number], len(line))
        return self.positions[number] + utf16_length(line[:within])


class DocumentViewer(QDialog):
    """Emits `step_requested(-1 | +1)`; the window moves the table and calls show_entry."""

    step_requested = Signal(int)

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.entry: dict | None = None
        self.setWindowTitle("Document")
        self.resize(860, 720)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.document().setDefaultStyleSheet(PARAGRAPH_STYLE)
        font = self.browser.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        self.browser.setFont(font)
        self.previous_button = QPushButton("◀ Previous entry")
        self.next_button = QPushButton("Next entry ▶")
        self.previous_button.setShortcut(QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_Left))
        self.next_button.setShortcut(QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_Right))
        self.previous_button.setToolTip("The previous entry of the table (Alt+Left)")
        self.next_button.setToolTip("The next entry of the table (Alt+Right)")
        self.previous_button.clicked.connect(lambda: self.step_requested.emit(-1))
        self.next_button.clicked.connect(lambda: self.step_requested.emit(1))
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        self._document_id: str | None = None
        self._paragraphs: Paragraphs | None = None
        self._marked: tuple[int, int] | None = None  # the entry's span in the browser

    def show_entry(self, rowid: int, search: str = "", has_previous=True, has_next=True) -> None:
        entry = self.catalogue.entry(rowid)
        self.entry = entry
        self.setWindowTitle(f"{entry['document']} — {entry['entry_id']}")
        headings = section_headings(entry)
        self.title.setText(
            f"<b>{html.escape(entry['document'])}</b>, {entry['edition_year']} edition"
            f"<br><span style='color:#555'>{html.escape(PATH_SEPARATOR.join(headings))}</span>"
        )
        if entry["document_id"] != self._document_id:
            # Set once a document: Next and Previous in it only move the marks (4 ms), where
            # each step set the whole document (50-64 ms).
            self._paragraphs = Paragraphs(self.catalogue.document_text(entry["document_id"]))
            self.browser.setHtml(self._paragraphs.html())
            document = self.browser.document()
            document.setUndoRedoEnabled(False)  # marks are no edits to undo
            # Laid out to its end now. Qt lays a long document out in steps while idle, and an
            # edit before the last step (the marks below) ends them: the rest stayed blank and
            # out of the scroll bar's reach (the Bluebook: 29 of its 196 paragraphs). The bundled
            # Bluebook takes 11-14 ms; a 421k-character report 53-87 ms, once.
            document.documentLayout().blockBoundingRect(document.lastBlock())
            self._document_id = entry["document_id"]
            self._marked = None
        self._mark(entry["start"], entry["end"], entry["quote"], search)
        self._scroll_to_entry()
        # Again once the dialog is laid out: before its first show the page has no height yet.
        QTimer.singleShot(0, self._scroll_to_entry)
        self.previous_button.setEnabled(has_previous)
        self.next_button.setEnabled(has_next)

    def _mark(self, start: int, end: int, quote: str, search: str) -> None:
        """The entry's background, and the search's words in it; the last entry's taken off."""
        assert self._paragraphs is not None
        where = self._paragraphs.position
        if self._marked is not None:
            self._cursor(*self._marked).setCharFormat(QTextCharFormat())
        self._marked = (where(start), where(end))
        self._cursor(*self._marked).mergeCharFormat(background(ENTRY_COLOR))
        for first, last, _ in spans_for(quote, search):
            self._cursor(where(start + first), where(start + last)).mergeCharFormat(
                background(MARK_COLOR)
            )

    def _cursor(self, first: int, last: int) -> QTextCursor:
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(first)
        cursor.setPosition(last, QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _scroll_to_entry(self) -> None:
        """The entry's first line at the top, below a line of what comes before."""
        if self._marked is None:
            return
        top = self.browser.cursorRect(self._cursor(self._marked[0], self._marked[0])).top()
        bar = self.browser.verticalScrollBar()
        bar.setValue(bar.value() + top - self.browser.fontMetrics().height())


def background(color: str) -> QTextCharFormat:
    marked = QTextCharFormat()
    marked.setBackground(QColor(color))
    return marked
