"""The whole source document, scrolled to an entry and highlighted; steps through the table."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from app.gui.highlight import search_html
from app.query.catalogue import Catalogue

ENTRY_STYLE = "background-color:#dcebff;"
ANCHOR = "entry"


def document_html(text: str, start: int, end: int, search: str) -> str:
    """The document as paragraphs, the entry's span highlighted and anchored."""
    before, quote, after = text[:start], text[start:end], text[end:]
    marked = (
        f'<a name="{ANCHOR}"></a><span style="{ENTRY_STYLE}">{search_html(quote, search)}</span>'
    )
    body = html.escape(before) + marked + html.escape(after)
    paragraphs = body.split("\n")
    return "".join(f"<p>{p}</p>" if p.strip() else "" for p in paragraphs)


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
        self.browser.document().setDefaultStyleSheet("p { margin-bottom: 6px; }")
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

    def show_entry(self, rowid: int, search: str = "", has_previous=True, has_next=True) -> None:
        entry = self.catalogue.entry(rowid)
        self.entry = entry
        text = self.catalogue.document_text(entry["document_id"])
        self.setWindowTitle(f"{entry['document']} — {entry['entry_id']}")
        self.title.setText(
            f"<b>{html.escape(entry['document'])}</b>, {entry['edition_year']} edition"
            f"<br><span style='color:#555'>{html.escape(entry.get('section') or '')}</span>"
        )
        self.browser.setHtml(document_html(text, entry["start"], entry["end"], search))
        self.browser.scrollToAnchor(ANCHOR)
        # Again once the dialog is laid out: before its first show the page has no height yet.
        QTimer.singleShot(0, lambda: self.browser.scrollToAnchor(ANCHOR))
        self.previous_button.setEnabled(has_previous)
        self.next_button.setEnabled(has_next)
