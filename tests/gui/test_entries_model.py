"""The table model pages through SQL and sorts with the query layer."""

from PySide6.QtCore import Qt

from app.gui.entries_model import MAX_PAGES, PAGE_SIZE, ROW_ID_ROLE, EntriesModel
from app.query.filters import Filters


def test_model_passes_qt_model_checks(qtmodeltester, catalogue):
    model = EntriesModel(catalogue)
    model.set_filters(Filters(kinds=("body",), countries=("VNM",)))
    qtmodeltester.check(model)
    model.set_filters(Filters(search="no-such-word-zzq"))
    qtmodeltester.check(model)


def test_rows_come_a_page_at_a_time(catalogue):
    model = EntriesModel(catalogue)
    assert model.rowCount() == catalogue.count()
    assert len(model._pages) == 0
    last = model.rowCount() - 1
    assert model.index(last, 0).data(ROW_ID_ROLE) == catalogue.rows(offset=last, limit=1)[0]["id"]
    assert list(model._pages) == [last // PAGE_SIZE]
    for row in range(0, model.rowCount(), PAGE_SIZE):
        model.index(row, 0).data()
    assert len(model._pages) <= MAX_PAGES
    assert sum(len(p) for p in model._pages.values()) < catalogue.count() or (
        catalogue.count() <= PAGE_SIZE * MAX_PAGES
    )


def test_display_is_one_line_and_tooltips_hold_the_full_quote(catalogue):
    model = EntriesModel(catalogue)
    quote = model.column_of("quote")
    row = catalogue.rows(limit=1)[0]
    assert model.index(0, quote).data() == " ".join(row["quote"].split())
    assert "\n" not in model.index(0, quote).data()
    assert model.index(0, quote).data(Qt.ItemDataRole.ToolTipRole) == " ".join(row["quote"].split())
    assert model.headerData(quote, Qt.Orientation.Horizontal) == "Quote"
    assert model.index(0, model.column_of("domain")).data() == row["domain_label"]


def test_sort_requeries_in_the_query_layers_order(catalogue):
    model = EntriesModel(catalogue)
    model.sort(model.column_of("country_names"), Qt.SortOrder.DescendingOrder)
    expected = [r["id"] for r in catalogue.rows(sort="country_names", descending=True, limit=30)]
    assert [model.index(r, 0).data(ROW_ID_ROLE) for r in range(30)] == expected
    model.sort(99)  # out of range: ignored
    assert model.sort_key == "country_names"
