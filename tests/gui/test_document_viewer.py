"""The document viewer shows the whole source with the entry highlighted."""

from app.gui.document_viewer import ANCHOR, DocumentViewer, document_html
from app.query.filters import Filters


def test_document_html_marks_and_escapes():
    html = document_html("a <b>\nquote here\nafter", 7, 17, "quote")
    assert f'<a name="{ANCHOR}"></a>' in html
    assert "&lt;b&gt;" in html and html.count("<p>") == 3


def test_viewer_shows_the_entry_in_the_whole_document(qtbot, catalogue):
    row = catalogue.rows(Filters(kinds=("body",)), offset=40, limit=1)[0]
    viewer = DocumentViewer(catalogue)
    qtbot.addWidget(viewer)
    viewer.show()
    viewer.show_entry(row["id"], "", has_previous=True, has_next=False)
    text = viewer.browser.toPlainText()
    assert " ".join(row["quote"].split())[:60] in " ".join(text.split())
    assert len(text) > 5 * len(row["quote"])  # the whole document, not one entry
    assert not viewer.next_button.isEnabled() and viewer.previous_button.isEnabled()
    assert viewer.browser.verticalScrollBar().value() > 0  # scrolled down to the entry
    with qtbot.waitSignal(viewer.step_requested) as signal:
        viewer.previous_button.click()
    assert signal.args == [-1]
