"""Paints the quote column on one line, elided, with the search words highlighted."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.gui.highlight import search_html


class QuoteDelegate(QStyledItemDelegate):
    """Rich text in one line: the plain text is elided first, then marked, so marks never break."""

    def __init__(self, parent=None, stem=None):
        super().__init__(parent)
        self.search = ""
        self.stem = stem  # word -> its stem in the full-text index (Catalogue.stem)

    def paint(self, painter, option, index):
        if not self.search.strip():  # nothing to mark: Qt's own painting, options read once
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        if not text:
            super().paint(painter, option, index)
            return
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = opt.rect.adjusted(4, 0, -4, 0)
        elided = opt.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        doc = QTextDocument()
        doc.setDefaultFont(opt.font)
        doc.setDocumentMargin(0)
        selected = opt.state & QStyle.StateFlag.State_Selected
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        # The text colour goes in the document: PySide6 6.12 miscounts references to None on
        # every read or write of PaintContext.palette, and the app aborts after a few thousand
        # painted cells.
        doc.setDefaultStyleSheet(f"body {{ color: {opt.palette.color(role).name()}; }}")
        doc.setHtml(search_html(elided, self.search, self.stem))
        painter.save()
        painter.translate(rect.left(), rect.top() + (rect.height() - doc.size().height()) / 2)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = QRectF(0, 0, rect.width(), rect.height())
        doc.documentLayout().draw(painter, context)
        painter.restore()
