"""The About text names the documents, editions, build date and counts."""

from app.gui.about import about_details, about_html


def test_about_lists_every_document(catalogue):
    text = about_html(catalogue)
    for doc in catalogue.documents():
        assert doc["title"] in text and str(doc["edition_year"]) in text
    assert catalogue.meta()["built_at"] in text


def test_a_catalogue_of_many_documents_names_a_few_and_lists_all_in_the_details(catalogue):
    documents = catalogue.documents()
    assert len(documents) >= 2
    text = about_html(catalogue, listed=1)
    assert documents[0]["title"] in text
    assert all(d["title"] not in text for d in documents[1:] if d["title"] != documents[0]["title"])
    assert f"and {len(documents) - 1:,} more documents" in text
    details = about_details(catalogue, listed=1).splitlines()
    assert len(details) == len(documents)
    assert all(d["title"] in line for d, line in zip(documents, details, strict=True))
    assert about_details(catalogue) == ""  # all named in the box: no details


def test_the_about_box_stays_a_box_with_hundreds_of_documents(qtbot, window, monkeypatch):
    many = [dict(d, title=f"Report {n}") for n, d in enumerate(window.catalogue.documents() * 200)]
    monkeypatch.setattr(window.catalogue, "documents", lambda: many)
    window.show_about()
    qtbot.waitUntil(lambda: window.message is not None and window.message.isVisible())
    assert window.message.sizeHint().height() < 800  # 500 rows in the box: 23,000 px
    assert window.message.detailedText().count("\n") == len(many) - 1
