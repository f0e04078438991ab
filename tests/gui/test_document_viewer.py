"""The document viewer shows the whole source with the entry highlighted."""

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QColor, QTextCursor, QTextDocument

from app.gui.document_viewer import ENTRY_COLOR, PARAGRAPH_STYLE, DocumentViewer, Paragraphs
from app.gui.highlight import MARK_COLOR
from app.query.filters import Filters

LINE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"))


def shown(paragraphs: Paragraphs) -> QTextDocument:
    document = QTextDocument()
    document.setDefaultStyleSheet(PARAGRAPH_STYLE)
    document.setHtml(paragraphs.html())
    return document


def between(document, first: int, last: int) -> str:
    cursor = QTextCursor(document)
    cursor.setPosition(first)
    cursor.setPosition(last, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText().replace("\u2029", "\n")


@given(st.lists(LINE, min_size=1, max_size=6), st.data())
def test_a_span_of_the_text_is_the_same_span_in_the_viewer(lines, data):
    # Blank lines, spaces as written, markup, characters outside the BMP (two UTF-16 units).
    text = "\n".join(lines)
    paragraphs = Paragraphs(text)
    document = shown(paragraphs)
    number = data.draw(st.sampled_from(range(len(lines))))
    if not lines[number].strip():
        return
    line_start = sum(len(line) + 1 for line in lines[:number])
    first = data.draw(st.integers(0, len(lines[number])))
    last = data.draw(st.integers(first, len(lines[number])))
    start, end = line_start + first, line_start + last
    where = paragraphs.position
    assert between(document, where(start), where(end)) == text[start:end]


def test_paragraphs_are_the_lines_with_text_and_escaped():
    paragraphs = Paragraphs("a <b>\n\n  \n  two  spaces\nafter")
    assert paragraphs.lines == ["a <b>", "  two  spaces", "after"]
    assert "&lt;b&gt;" in paragraphs.html() and paragraphs.html().count("<p>") == 3
    assert shown(paragraphs).toPlainText() == "a <b>\n  two  spaces\nafter"


def background_at(viewer, position: int):
    cursor = QTextCursor(viewer.browser.document())
    cursor.setPosition(position + 1)  # the format of the character before the cursor
    return cursor.charFormat().background().color()


def test_viewer_shows_the_entry_in_the_whole_document(qtbot, catalogue):
    row = catalogue.rows(Filters(kinds=("body",)), offset=40, limit=1)[0]
    viewer = DocumentViewer(catalogue)
    qtbot.addWidget(viewer)
    viewer.show()
    viewer.show_entry(row["id"], "", has_previous=True, has_next=False)
    text = viewer.browser.toPlainText()
    assert row["quote"][:60] in text
    assert len(text) > 5 * len(row["quote"])  # the whole document, not one entry
    assert between(viewer.browser.document(), *viewer._marked) == row["quote"]
    assert background_at(viewer, viewer._marked[0]) == QColor(ENTRY_COLOR)
    assert not viewer.next_button.isEnabled() and viewer.previous_button.isEnabled()
    assert viewer.browser.verticalScrollBar().value() > 0  # scrolled down to the entry
    with qtbot.waitSignal(viewer.step_requested) as signal:
        viewer.previous_button.click()
    assert signal.args == [-1]


def laid_out(document: QTextDocument) -> tuple[int, int]:
    """(blocks laid out, blocks)."""
    block, laid = document.begin(), 0
    while block.isValid():
        laid += block.layout().lineCount() > 0
        block = block.next()
    return laid, document.blockCount()


def test_the_whole_document_is_laid_out_and_can_be_scrolled_to_its_end(qtbot, catalogue):
    # Marked while Qt was still laying the document out in steps, the Bluebook had 29 of its
    # 196 paragraphs laid out: blank pages below, and the rest out of the scroll bar's reach.
    documents = catalogue.conn.execute(
        "SELECT id FROM documents ORDER BY length(text) DESC LIMIT 1"
    ).fetchone()
    row = catalogue.rows(Filters(documents=documents, kinds=("body",)), limit=1)[0]
    viewer = DocumentViewer(catalogue)
    qtbot.addWidget(viewer)
    viewer.show()
    viewer.show_entry(row["id"], "")
    qtbot.wait(200)  # the steps Qt would still take while idle
    document = viewer.browser.document()
    laid, blocks = laid_out(document)
    assert blocks > 100 and laid == blocks
    bar = viewer.browser.verticalScrollBar()
    bar.setValue(bar.maximum())
    last = document.lastBlock()
    assert viewer.browser.cursorRect(QTextCursor(last)).top() < viewer.browser.viewport().height()


def test_a_step_in_the_same_document_moves_the_marks_only(qtbot, catalogue, monkeypatch):
    # Setting the document again took 50-64 ms a step in a 421k-character document.
    rows = catalogue.rows(Filters(kinds=("body",), search="piracy"), limit=3)
    assert len({r["document_id"] for r in rows[:2]}) == 1
    viewer = DocumentViewer(catalogue)
    qtbot.addWidget(viewer)
    viewer.show()
    viewer.show_entry(rows[0]["id"], "piracy")
    first = viewer._marked
    set_html = []
    monkeypatch.setattr(viewer.browser, "setHtml", set_html.append)
    viewer.show_entry(rows[1]["id"], "piracy")
    assert set_html == []
    document = viewer.browser.document()
    assert between(document, *viewer._marked) == rows[1]["quote"]
    assert background_at(viewer, viewer._marked[0]) == QColor(ENTRY_COLOR)
    assert background_at(viewer, first[0]) != QColor(ENTRY_COLOR)  # the last one's is off
    word = rows[1]["quote"].lower().index("piracy")
    mark = viewer._paragraphs.position(rows[1]["start"] + word)
    assert background_at(viewer, mark) == QColor(MARK_COLOR)
    start = viewer._marked[0]
    top = viewer.browser.cursorRect(viewer._cursor(start, start)).top()
    assert 0 <= top <= 3 * viewer.browser.fontMetrics().height()  # scrolled to the new entry


def test_the_heading_line_does_not_repeat_the_documents_title(qtbot, catalogue):
    (entry_id,) = catalogue.conn.execute(
        "SELECT e.id FROM entries e JOIN documents d ON d.id = e.document_id"
        " WHERE e.section LIKE d.title || ' › %' LIMIT 1"
    ).fetchone()
    viewer = DocumentViewer(catalogue)
    qtbot.addWidget(viewer)
    viewer.show_entry(entry_id)
    entry = catalogue.entry(entry_id)
    heading = QTextDocument()
    heading.setHtml(viewer.title.text())
    assert heading.toPlainText().count(entry["document"]) == 1  # the title line's, only
    assert heading.toPlainText().endswith(entry["section"].split(" › ")[-1])
