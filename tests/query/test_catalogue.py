"""The query layer over a real catalogue: counts, pages, facets, details and errors."""

import shutil
import sqlite3
import time
from array import array

import pytest

import app.query.catalogue as catalogue_module
from app.query.catalogue import (
    SORT_KEYS,
    WATCHDOG,
    Catalogue,
    CatalogueError,
    QueryInterrupted,
    positions,
)
from app.query.filters import Filters


def test_count_matches_rows(catalogue):
    total = catalogue.count()
    assert total == sum(d["n_entries"] for d in catalogue.documents())
    assert len(list(catalogue.iter_rows())) == total


def test_country_filter_uses_links(catalogue):
    rows = list(catalogue.iter_rows(Filters(countries=("VNM",))))
    assert rows, "Viet Nam is named in every source"
    assert all("VNM" in r["countries"].split("; ") for r in rows)
    assert catalogue.count(Filters(countries=("VNM",))) == len(rows)


def test_filters_combine_and_alternatives_widen(catalogue):
    vnm = catalogue.count(Filters(countries=("VNM",)))
    phl = catalogue.count(Filters(countries=("PHL",)))
    both_alternatives = catalogue.count(Filters(countries=("VNM", "PHL")))
    assert max(vnm, phl) <= both_alternatives <= vnm + phl
    maritime_vnm = catalogue.count(Filters(countries=("VNM",), domains=("maritime",)))
    assert 0 < maritime_vnm <= vnm


def test_search_matches_the_quote(catalogue):
    rows = list(catalogue.iter_rows(Filters(search="piracy")))
    assert rows
    assert all("pira" in r["quote"].lower() for r in rows)  # porter stems piracy/pirates
    assert catalogue.count(Filters(search='"Gulf of Guinea"')) >= 1


def test_facets_honour_the_other_filters(catalogue):
    maritime = Filters(domains=("maritime",))
    facets = {f.id: f.count for f in catalogue.facet("countries", maritime)}
    for code, count in list(facets.items())[:5]:
        assert count == catalogue.count(maritime.with_(countries=(code,)))
    # A dimension's own selection does not narrow its own facet.
    chosen = maritime.with_(countries=("VNM",))
    assert {f.id: f.count for f in catalogue.facet("countries", chosen)} == facets
    assert "JPN" not in facets  # Japan is the donor, kept apart


def test_domain_facet_adds_up(catalogue):
    facets = catalogue.facet("domains")
    no_domain = catalogue.conn.execute(
        "SELECT count(*) FROM entries WHERE domain_id IS NULL"
    ).fetchone()[0]
    assert sum(f.count for f in facets) + no_domain == catalogue.count()


def test_year_filter_includes_ranges(catalogue):
    # "from 2016 to 2018" concerns 2017 too.
    rows = list(catalogue.iter_rows(Filters(year_from=2017, year_to=2017, search="2016")))
    assert any("from 2016 to 2018" in r["quote"] for r in rows)


def test_the_year_range_reads_two_index_entries_not_every_row(catalogue):
    # The window asks for it before it shows: a scan of entry_years took 88-100 ms at 1M.
    low, high = catalogue.conn.execute("SELECT min(year), max(year) FROM entry_years").fetchone()
    rows = catalogue.conn.execute("SELECT count(*) FROM entry_years").fetchone()[0]
    steps = []
    catalogue.conn.set_progress_handler(lambda: steps.append(1), 1)
    try:
        assert catalogue.year_range() == (low, high)
    finally:
        catalogue.conn.set_progress_handler(None, 0)
    assert rows > 500 and len(steps) < 100  # a scan steps through every row


def test_sorting_is_stable_and_whitelisted(catalogue):
    rows = catalogue.rows(sort="domain", limit=50)
    keys = [(r["domain"] or "") for r in rows]
    assert keys == sorted(keys)
    with pytest.raises(ValueError):
        catalogue.rows(sort="quote; DROP TABLE entries")
    desc = catalogue.rows(sort="entry_id", descending=True, limit=3)
    assert desc[0]["id"] == catalogue.count()


def first_figure(catalogue, entry: int):
    return catalogue.conn.execute(
        "SELECT kind, coalesce(currency, unit), value FROM figures WHERE entry_id = ?"
        " ORDER BY id LIMIT 1",
        [entry],
    ).fetchone()


@pytest.mark.parametrize("descending", [False, True])
def test_figures_sort_as_amounts_by_currency_then_counts_by_unit(catalogue, descending):
    rows = catalogue.rows(sort="figures", descending=descending, limit=catalogue.count())
    firsts = [first_figure(catalogue, r["id"]) for r in rows]
    shown = [f for f in firsts if f is not None]
    assert firsts[: len(shown)] == shown, "entries without a figure come last either way"
    assert not any(r["figures"] for r in rows[len(shown) :])
    groups = [(kind != "money", group) for kind, group, _ in shown]
    assert groups == sorted(groups), "money first, one currency then the next, either way"
    assert {g for g in groups if not g[0]} == {(False, "JPY"), (False, "USD")}
    for group in set(groups):
        values = [v for (k, g, v) in shown if (k != "money", g) == group]
        assert values == sorted(values, reverse=descending), group
    # As text, "approximately JPY 45,000,000,000" sorted after "USD 570,000".
    usd = [r["figures"] for r, f in zip(rows, firsts, strict=True) if f and f[1] == "USD"]
    assert ("USD 570,000" in usd[0]) != descending


@pytest.mark.parametrize("descending", [False, True])
def test_years_sort_in_time_order_whatever_their_wording(catalogue, descending):
    rows = catalogue.rows(sort="years", descending=descending, limit=catalogue.count())
    firsts = [
        catalogue.conn.execute(
            "SELECT year_from FROM year_mentions WHERE entry_id = ? ORDER BY id LIMIT 1",
            [r["id"]],
        ).fetchone()
        for r in rows
    ]
    years = [f[0] for f in firsts if f is not None]
    assert [f[0] for f in firsts[: len(years)]] == years, "entries naming no year come last"
    assert years == sorted(years, reverse=descending)
    assert any(r["years"].startswith(("since", "until")) for r in rows[: len(years)])


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("key", ["countries", "country_names", "regions", "organisations"])
def test_blank_cells_sort_last_either_way(catalogue, key, descending):
    cells = [r[key] for r in catalogue.rows(sort=key, descending=descending, limit=2000)]
    filled = [c for c in cells if c]
    assert 0 < len(filled) < len(cells)
    assert cells == filled + [""] * (len(cells) - len(filled))
    assert filled == sorted(filled, reverse=descending)


def test_paging(catalogue):
    first = catalogue.rows(limit=10)
    second = catalogue.rows(offset=10, limit=10)
    assert [r["id"] for r in first + second] == list(range(1, 21))


def test_entry_detail_has_context_and_notes(catalogue):
    row = next(catalogue.iter_rows(Filters(search='"Note 33"', kinds=("body",))))
    detail = catalogue.entry(row["id"])
    assert detail["quote"] == row["quote"]
    assert any(n["label"] == "33" for n in detail["notes"])
    assert any(c["id"] == row["id"] for c in detail["context"])
    text = catalogue.document_text(detail["document_id"])
    assert text[detail["start"] : detail["end"]] == detail["quote"]
    # The note knows the sentence calling it, and is filed under that sentence's section
    # rather than under the heading that happens to precede the end notes.
    note = catalogue.entry(next(n["id"] for n in detail["notes"] if n["label"] == "33"))
    assert [r["id"] for r in note["referred_by"]] == [row["id"]]
    assert note["referred_by"][0]["section"] == detail["section"] == note["section"]
    assert note["section"].endswith("Measures against Trafficking in Persons")


def test_describe_uses_labels(catalogue):
    words = catalogue.describe(
        Filters(domains=("maritime",), countries=("VNM",), documents=("oda-2021",))
    )
    assert words == "Maritime entries mentioning Viet Nam, ODA White Paper, 2021 edition"


def test_opening_is_read_only(catalogue_path, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(catalogue_path, copy)
    before = copy.read_bytes()
    with Catalogue(copy) as opened:
        opened.count(Filters(search="maritime"))
        with pytest.raises(sqlite3.OperationalError):
            opened.conn.execute("DELETE FROM entries")
    assert copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db"]  # no journal left behind


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "No catalogue at"),
        (b"", "not a catalogue"),
        (b"this is not sqlite at all" * 100, "damaged or not a catalogue"),
    ],
)
def test_bad_catalogues_give_clear_errors(tmp_path, content, message):
    path = tmp_path / "bad.db"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CatalogueError, match=message):
        Catalogue(path)


def test_other_schema_version_is_refused(catalogue_path, tmp_path):
    copy = tmp_path / "old.db"
    shutil.copy(catalogue_path, copy)
    conn = sqlite3.connect(copy)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(CatalogueError, match="schema version 99"):
        Catalogue(copy)


def test_pages_of_one_linked_value_come_from_its_link_table_in_entry_order(catalogue):
    region = catalogue.facet("regions", Filters())[0].id
    organisation = catalogue.facet("organisations", Filters())[0].id
    cases = [
        Filters(countries=("VNM",)),
        Filters(countries=("VNM",), kinds=("body",), year_from=2000, year_to=2030),
        Filters(regions=(region,), has_figure=True),
        Filters(organisations=(organisation,), kinds=("body",)),
    ]
    for filters in cases:
        expected = [r["id"] for r in catalogue.iter_rows(filters)]
        assert expected, filters
        for descending in (False, True):
            ordered = expected[::-1] if descending else expected
            for offset in (0, 3):
                ids = catalogue.page_ids(filters, None, descending, offset, 5)
                assert ids == ordered[offset : offset + 5], (filters, descending, offset)


VNM = Filters(countries=("VNM",))
ORDER_CASES = [
    Filters(),
    Filters(kinds=("body",)),
    Filters(countries=("VNM",)),
    Filters(search="japan", kinds=("body",)),
    Filters(domains=("maritime",), year_from=2000, year_to=2030),
]


def test_ordered_ids_are_the_sql_order_of_every_sort(catalogue):
    for filters in ORDER_CASES:
        for sort in SORT_KEYS:
            for descending in (False, True):
                expected = [r["id"] for r in catalogue.iter_rows(filters, sort, descending)]
                got = catalogue.ordered_ids(filters, sort, descending)
                assert list(got) == expected, (filters, sort, descending)


def test_ordered_ids_by_document_follow_the_editions_not_the_entry_numbers(
    catalogue_path, tmp_path
):
    # The walk through the documents must give SQL's order even where entry numbers do not:
    # the oldest edition is made the newest here, so its entries, numbered first, sort last.
    copy = tmp_path / "renumbered.db"
    shutil.copy(catalogue_path, copy)
    with sqlite3.connect(copy) as conn:
        first = conn.execute("SELECT id FROM documents ORDER BY edition_year, id").fetchone()[0]
        for table, key in (("documents", "id"), ("entries", "document_id")):
            conn.execute(f"UPDATE {table} SET edition_year = 2099 WHERE {key} = ?", [first])
    conn.close()
    with Catalogue(copy, bitmaps=False) as renumbered:
        ids = renumbered.ordered_ids(Filters(), "document")
        assert ids[0] != 1
        # Filtered on the entries' own columns (one query a document) and through a subquery
        # (one query, dealt out by document).
        for filters in (Filters(), Filters(countries=("VNM",)), Filters(search="japan")):
            for descending in (False, True):
                expected = [r["id"] for r in renumbered.iter_rows(filters, "document", descending)]
                got = renumbered.ordered_ids(filters, "document", descending)
                assert list(got) == expected, (filters, descending)


def test_ordered_ids_stop_when_cancelled(catalogue):
    asked = []

    def cancelled():
        asked.append(1)
        return True

    for sort, filters in (("quote", Filters()), ("document", Filters()), ("document", VNM)):
        asked.clear()
        with pytest.raises(QueryInterrupted):
            catalogue.ordered_ids(filters, sort, cancelled=cancelled)
        assert len(asked) == 1  # before any statement ran


def test_positions_say_where_each_id_went():
    ids = array("q", [7, 3, 9, 1])
    where = positions(ids)
    assert [where[i] for i in (7, 3, 9, 1)] == [0, 1, 2, 3]
    assert [where[i] for i in (0, 2, 4, 5, 6, 8)] == [-1] * 6
    assert len(positions(array("q"))) == 0
    with pytest.raises(QueryInterrupted):
        positions(ids, cancelled=lambda: True)


def statements(catalogue, action) -> list[str]:
    """The SQL statements `action` runs on the catalogue's connection."""
    ran: list[str] = []
    catalogue.conn.set_trace_callback(ran.append)
    try:
        action()
    finally:
        catalogue.conn.set_trace_callback(None)
    return ran


def test_document_order_under_a_subquery_lists_the_matches_once(catalogue):
    # One statement per document would run the country's subquery again for each (12 s at 1M).
    ran = statements(catalogue, lambda: catalogue.ordered_ids(VNM, "document"))
    assert len([s for s in ran if "FROM entries e" in s]) == 1
    ran = statements(catalogue, lambda: catalogue.ordered_ids(Filters(), "document"))
    assert len([s for s in ran if "FROM entries e" in s]) == len(catalogue.documents())


def test_a_cancelled_sort_runs_no_statement(catalogue):
    for sort, filters in (("quote", Filters()), ("document", Filters()), ("document", VNM)):
        ran = statements(
            catalogue,
            lambda s=sort, f=filters: pytest.raises(
                QueryInterrupted, catalogue.ordered_ids, f, s, False, lambda: True
            ),
        )
        assert not [s for s in ran if "entries e" in s], (sort, filters)


def test_iter_cells_reads_any_run_of_the_rows_in_their_order(catalogue):
    filters = Filters(domains=("maritime",))
    whole = list(catalogue.iter_cells(["id", "quote"], filters, "quote", True))
    assert len(whole) > 12
    for offset, limit in [(0, 5), (5, 7), (len(whole) - 3, 10), (len(whole), 4), (3, None)]:
        run = list(catalogue.iter_cells(["id", "quote"], filters, "quote", True, offset, limit))
        assert run == whole[offset : None if limit is None else offset + limit]


def test_the_rows_of_a_selection_come_in_its_order_past_sqlites_limit(catalogue):
    # Some SQLite builds take 999 values a statement, most 32,766; a selection can be larger.
    catalogue.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 100)
    ids = [r["id"] for r in catalogue.iter_rows(Filters())][:1200:3][::-1]  # 400, reversed
    rows = list(catalogue.iter_rows_of(ids))
    assert [r["id"] for r in rows] == ids
    assert rows[:5] == [catalogue.rows_of([i])[0] for i in ids[:5]]
    assert list(catalogue.iter_rows_of([])) == []
    keys = ["entry_id", "quote", "countries"]
    cells = {c[0]: c for c in catalogue.iter_cells(keys)}
    assert list(catalogue.iter_cells_of(keys, ids)) == [cells[r["entry_id"]] for r in rows]


# A statement of many steps that a progress handler would stop at once, if it were called.
LONG_QUERY = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*)"
LONG_QUERY += " FROM (SELECT i FROM n LIMIT 300000000)"


def test_a_budget_stops_a_query_that_no_progress_handler_reaches(catalogue, monkeypatch):
    # FTS5 merges a prefix's terms ("t*") in one step of SQLite's machine, where no progress
    # handler is called (0.2-0.6 s at 1M entries): the budget interrupts the connection.
    monkeypatch.setattr(catalogue_module, "PROGRESS_STEPS", 2**31 - 1)
    started = time.perf_counter()
    with pytest.raises(QueryInterrupted), catalogue.limited(0.05):
        catalogue.conn.execute(LONG_QUERY).fetchone()
    assert time.perf_counter() - started < 5  # the whole query takes a minute or so


def test_a_budget_spent_after_its_block_stops_nothing_later(catalogue):
    with catalogue.limited(0.05):
        assert catalogue.conn.execute("SELECT 1").fetchone()[0] == 1
    time.sleep(0.1)  # past the deadline: a late interrupt would stop the next statement
    assert catalogue.conn.execute("SELECT count(*) FROM entries").fetchone()[0] > 0
    token = WATCHDOG.arm(catalogue.conn, 0.01)
    WATCHDOG.disarm(token)
    time.sleep(0.05)
    assert catalogue.count(Filters(search="security")) > 0


def test_known_facets_are_answered_without_a_query(catalogue):
    filters = Filters(kinds=("body",), domains=("maritime",))
    assert catalogue.known_facet("countries", filters) is None
    counted = catalogue.facet("countries", filters)
    statements = []
    catalogue.conn.set_trace_callback(statements.append)
    try:
        # the facet's own dimension is left out: other countries chosen reuse it
        assert catalogue.known_facet("countries", filters.with_(countries=("VNM",))) == counted
        assert catalogue.known_facet("regions", filters) is None
    finally:
        catalogue.conn.set_trace_callback(None)
    assert statements == []


def test_a_deadline_on_a_connection_closed_meanwhile_leaves_the_others_theirs(
    catalogue_path, catalogue, monkeypatch
):
    other = Catalogue(catalogue_path, bitmaps=False)
    WATCHDOG.arm(other.conn, 0.01)
    other.close()  # its interrupt then fails: the watchdog thread must live on
    time.sleep(0.05)
    monkeypatch.setattr(catalogue_module, "PROGRESS_STEPS", 2**31 - 1)
    started = time.perf_counter()
    with pytest.raises(QueryInterrupted), catalogue.limited(0.05):
        catalogue.conn.execute(LONG_QUERY).fetchone()
    assert time.perf_counter() - started < 5


def test_values_are_found_by_id_or_name_in_any_case(catalogue):
    assert catalogue.value_ids("organisations", "japan coast guard") == ["jcg"]
    assert catalogue.value_ids("organisations", " JCG ") == ["jcg"]
    assert catalogue.value_ids("domains", "MARITIME") == ["maritime"]
    assert catalogue.value_ids("regions", "Gulf of Guinea") == ["gulf-of-guinea"]
    assert catalogue.value_ids("documents", "ODA White Paper") == ["oda-2018", "oda-2021"]
    assert catalogue.value_ids("domains", "maritme") == []
    assert catalogue.close_values("domains", "maritme") == ["maritime"]


def test_each_value_lists_every_way_it_is_written(catalogue):
    names = catalogue.names_of("organisations")
    assert {"jcg", "japan coast guard"} <= set(names["jcg"])
    assert set(names) == set(catalogue.labels()["organisations"])


def test_words_are_stemmed_as_the_full_text_index_stores_them(catalogue):
    assert catalogue.stem("Cooperation") == catalogue.stem("cooperate") == "cooper"
    assert catalogue.stem("vessels") == "vessel"
    assert catalogue.stem("") == catalogue.stem("two words") == ""
