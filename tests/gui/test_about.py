"""The About text names the documents, editions, build date and counts."""

from app.gui.about import about_html


def test_about_lists_every_document(catalogue):
    text = about_html(catalogue)
    for doc in catalogue.documents():
        assert doc["title"] in text and str(doc["edition_year"]) in text
    assert catalogue.meta()["built_at"] in text
