"""The detail pane: the quote in its paragraph, highlights, links, notes and citation."""

from gui_helpers import click_link
from PySide6.QtWidgets import QApplication

from app.gui.detail_pane import DetailPane, citation, section_headings
from app.gui.highlight import MARK_STYLE, PLACE_STYLE
from app.query.filters import Filters


def an_entry(catalogue, **filters):
    return catalogue.rows(Filters(kinds=("body",), **filters), limit=1)[0]


def test_quote_in_its_paragraph_with_search_and_countries_highlighted(qtbot, catalogue):
    pane = DetailPane(catalogue)
    qtbot.addWidget(pane)
    row = an_entry(catalogue, countries=("VNM",), search="Viet")
    filters = Filters(countries=("VNM",), search="maritime")
    html = pane.page_html(catalogue.entry(row["id"]), filters)
    assert PLACE_STYLE in html  # the filtered country, marked where the quote names it
    entry = catalogue.entry(row["id"])
    if len(entry["context"]) > 1:
        assert "color:#8a8a8a" in html  # neighbouring sentences, dimmed
    pane.show_entry(row["id"], Filters(search=row["quote"].split()[0]))
    assert MARK_STYLE.replace(" ", "") in pane.browser.toHtml().replace(" ", "") or (
        "#ffe58a" in pane.browser.toHtml()
    )
    assert " ".join(row["quote"].split())[:60] in " ".join(pane.browser.toPlainText().split())
    assert entry["document"] in pane.browser.toPlainText()


def test_links_ask_for_filters(qtbot, catalogue):
    pane = DetailPane(catalogue)
    qtbot.addWidget(pane)
    pane.show()
    row = an_entry(catalogue, countries=("PHL",))
    pane.show_entry(row["id"], Filters())
    with qtbot.waitSignal(pane.filter_requested) as signal:
        click_link(qtbot, pane.browser, "filter:countries:PHL")
    assert signal.args == ["countries", "PHL"]


def test_footnotes_are_shown(qtbot, catalogue):
    noted = catalogue.conn.execute("SELECT entry_id FROM note_links LIMIT 1").fetchone()
    assert noted is not None  # the seed reports call notes
    pane = DetailPane(catalogue)
    qtbot.addWidget(pane)
    pane.show_entry(noted[0], Filters())
    note = catalogue.entry(noted[0])["notes"][0]
    assert " ".join(note["quote"].split())[:50] in " ".join(pane.browser.toPlainText().split())


def test_a_note_shows_its_number_and_the_sentences_calling_it(qtbot, catalogue):
    caller_id, note_id = catalogue.conn.execute(
        "SELECT l.entry_id, l.note_entry_id FROM note_links l JOIN entries n"
        " ON n.id = l.note_entry_id WHERE n.kind = 'note' AND n.label = '33'"
    ).fetchone()
    pane = DetailPane(catalogue)
    qtbot.addWidget(pane)
    pane.show_entry(note_id, Filters())
    shown = " ".join(pane.browser.toPlainText().split())
    caller = catalogue.entry(caller_id)
    assert shown.startswith(f"{caller['short_title'] or caller['document']}")
    assert f"Note 33 {' '.join(catalogue.entry(note_id)['quote'].split())[:40]}" in shown
    # The caller's section is the note's, which the crumb already names.
    assert f"Referred to in {caller['entry_id']} {' '.join(caller['quote'].split())}" in shown
    other = {**catalogue.entry(note_id), "section": "Elsewhere"}
    assert f"<b>{caller['entry_id']}</b> <span" in pane.page_html(other, Filters())


def test_the_quote_keeps_its_spaces_and_tabs(qtbot, catalogue):
    pane = DetailPane(catalogue)
    qtbot.addWidget(pane)
    row = an_entry(catalogue)
    entry = {**catalogue.entry(row["id"]), "quote": "Japan  gave\tmore.", "context": []}
    pane.browser.setHtml(pane.page_html(entry, Filters()))
    assert "Japan  gave\tmore." in pane.browser.toPlainText()
    # A hard-wrapped source's line breaks are where it wrapped, not breaks in the sentence.
    entry["quote"] = "Japan gave\nmore to\r\nthe region."
    pane.browser.setHtml(pane.page_html(entry, Filters()))
    assert "Japan gave more to the region." in pane.browser.toPlainText()


def test_a_glossary_entry_shows_its_term(qtbot, catalogue):
    term_id, term = catalogue.conn.execute(
        "SELECT id, label FROM entries WHERE kind = 'glossary' LIMIT 1"
    ).fetchone()
    pane = DetailPane(catalogue)
    qtbot.addWidget(pane)
    pane.show_entry(term_id, Filters())
    quote = " ".join(catalogue.entry(term_id)["quote"].split())
    assert f"{term} {quote[:40]}" in " ".join(pane.browser.toPlainText().split())


def test_copy_citation_and_escaping(qtbot, catalogue):
    pane = DetailPane(catalogue)
    qtbot.addWidget(pane)
    assert not pane.copy_button.isEnabled()  # nothing selected yet
    row = an_entry(catalogue)
    pane.show_entry(row["id"], Filters())
    pane.copy_button.click()
    text = QApplication.clipboard().text()
    assert text == citation(catalogue.entry(row["id"]))
    assert text.startswith(f"{row['document']}, {row['edition_year']} edition")
    assert text.endswith(f"“{' '.join(row['quote'].split())}”") and "\n" not in text
    entry = {**catalogue.entry(row["id"]), "quote": "<b>bold</b> & co", "context": []}
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in pane.page_html(entry, Filters())


def test_a_heading_that_only_names_the_document_is_not_repeated(qtbot, catalogue):
    # The Bluebook opens with its title as a heading: the crumb read "Diplomatic Bluebook ›
    # 2023 edition › Diplomatic Bluebook 2023 › Chapter 3 › …".
    (entry_id,) = catalogue.conn.execute(
        "SELECT e.id FROM entries e JOIN documents d ON d.id = e.document_id"
        " WHERE e.section LIKE d.title || ' › %' LIMIT 1"
    ).fetchone()
    entry = catalogue.entry(entry_id)
    pane = DetailPane(catalogue)
    qtbot.addWidget(pane)
    pane.show_entry(entry_id, Filters())
    crumb = pane.browser.toPlainText().splitlines()[0]
    assert entry["document"] not in crumb
    assert crumb.startswith(f"{entry['short_title']} › {entry['edition_year']} edition › ")
    assert crumb.endswith(entry["section"].split(" › ")[-1])
    assert citation(entry).count(entry["document"]) == 1


def test_section_headings_keep_headings_that_say_more_than_the_title():
    entry = {
        "document": "Diplomatic Bluebook 2023",
        "short_title": "Diplomatic Bluebook",
        "edition_year": 2023,
        "section": "Diplomatic  Bluebook 2023 › Diplomatic Bluebook 2023: Overview › Chapter 3",
    }
    assert section_headings(entry) == ["Diplomatic Bluebook 2023: Overview", "Chapter 3"]
    assert section_headings({**entry, "section": "diplomatic bluebook"}) == []
    assert section_headings({**entry, "section": None}) == []
