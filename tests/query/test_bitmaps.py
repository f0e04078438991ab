"""The bitmap index counts exactly what the SQL filters select, for any filter."""

import os
import sqlite3
import threading
import time
from collections import OrderedDict
from contextlib import closing
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import app.query.bitmaps as query_bitmaps
from app.paths import bundled_catalogue
from app.pipeline import bitmaps as stored
from app.pipeline.schema import FTS_TOKENIZE
from app.query.bitmaps import DIMENSIONS, BitmapIndex, from_ids, index_for, select
from app.query.catalogue import Catalogue
from app.query.filters import Filters

FACETS = ("countries", "regions", "organisations", "domains", "documents", "kinds", "years")
WORDS = [
    "Japan", "japan", "the", "security", "Security", "countries", "maritime", "cooperation",
    "Afghanistan", "piracy", "coast guard", '"coast guard"', "secur*", "mar*", "Japan the",
    "the Afghanistan", "Japan's", "Japan-U.S.", "a", "zzzz", "", "  ", '"', "NEAR(",
    *(OPERATOR_SEARCHES := [
        "Japan OR piracy", "piracy OR zzzz", "-Japan", "security -Japan", "-piracy -the",
        "NOT maritime", 'Japan OR "coast guard" -the', "mar* OR piracy", "-secur*",
        "the OR zzzz Japan", "-zzzz", "Japan AND NOT security", "piracy OR -Japan OR the",
        "security NOT", "OR security",
    ]),
]  # fmt: skip
SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def with_terms(tmp_path_factory):
    """The bundled sources built with words in 20 entries or more stored as bitmaps, so that
    the small catalogue exercises the frequent-word path of large ones."""
    from app.paths import bundled_sources
    from app.pipeline.build import build_catalogue

    out = tmp_path_factory.mktemp("bitmaps") / "catalogue.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(stored, "FREQUENT_TERM_ENTRIES", 20)
        build_catalogue(bundled_sources(), out)
    return out


@pytest.fixture(scope="module")
def pair(with_terms):
    with Catalogue(with_terms) as fast, Catalogue(with_terms, bitmaps=False) as plain:
        yield fast, plain


@st.composite
def any_filters(draw, labels):
    def some(dimension, extra=()):
        values = sorted(labels[dimension]) + list(extra)
        return tuple(draw(st.lists(st.sampled_from(values), max_size=3)))

    year_from = draw(st.none() | st.integers(1990, 2030))
    year_to = draw(st.none() | st.integers(1990, 2030))
    return Filters(
        countries=some("countries", ["JPN", "XXX"]),
        regions=some("regions"),
        include_region_members=draw(st.booleans()),
        domains=some("domains"),
        documents=some("documents"),
        organisations=some("organisations"),
        kinds=tuple(draw(st.lists(st.sampled_from(["body", "note", "heading", "caption"])))),
        year_from=year_from,
        year_to=year_to,
        has_figure=draw(st.sampled_from([None, True, False])),
        search=draw(st.sampled_from(WORDS)),
    )


def drawn(pair, data) -> tuple[Catalogue, Catalogue, Filters]:
    """(bitmaps, plain SQL, any filters): what each property test starts from."""
    fast, plain = pair
    return fast, plain, data.draw(any_filters(plain.labels()))


def test_terms_are_stored(with_terms):
    conn = sqlite3.connect(with_terms)
    terms = {t for (t,) in conn.execute("SELECT value FROM bitmaps WHERE dimension = 'terms'")}
    conn.close()
    assert {"japan", "secur", "the", "countri"} <= terms


@given(data=st.data())
@SETTINGS
def test_counts_and_facets_equal_sql(pair, data):
    fast, plain, filters = drawn(pair, data)
    assert fast.count(filters) == plain.count(filters)
    dimension = data.draw(st.sampled_from(FACETS))
    assert fast.facet(dimension, filters) == plain.facet(dimension, filters)
    fast.forget()
    plain.forget()


@given(data=st.data())
@SETTINGS
def test_a_regions_count_is_what_choosing_it_gives(pair, data):
    # With "include member countries", the counts were those of the regions named alone
    # (ASEAN: 20, where choosing it gave 54).
    fast, plain, filters = drawn(pair, data)
    for catalogue in (fast, plain):
        for facet in catalogue.facet("regions", filters):
            chosen = filters.with_(regions=(facet.id,))
            assert catalogue.count(chosen) == facet.count, (facet, chosen)
        catalogue.forget()


def test_member_countries_count_as_partners_not_japan(pair):
    _, plain = pair
    quad = Filters(regions=("quad",), include_region_members=True)
    named = {r["id"] for r in plain.iter_rows(quad.with_(include_region_members=False))}
    partners = {
        r["id"]
        for r in plain.iter_rows(Filters(countries=("USA", "AUS", "IND")))
        if set(r["countries"].split("; ")) & {"USA", "AUS", "IND"}
    }
    found = {r["id"] for r in plain.iter_rows(quad)}
    assert found == named | partners
    # Japan, the donor, named in most entries, is a member of the Quad: it matched over half.
    assert len(found) < plain.count(Filters(countries=("JPN",))) / 2
    facet = {f.id: f.count for f in plain.facet("regions", quad.with_(regions=()))}
    assert facet["quad"] == len(found) and facet["asean"] > plain.count(Filters(regions=("asean",)))


@given(data=st.data())
@SETTINGS
def test_mask_holds_exactly_the_filtered_entries(pair, data):
    fast, plain, filters = drawn(pair, data)
    mask = fast.bitmaps.mask(fast.conn, filters)
    assert mask == from_ids(r["id"] for r in plain.iter_rows(filters))


def test_the_facets_of_the_examples(pair):
    fast, plain = pair
    for filters in [
        Filters(kinds=("body",), search="Japan"),
        Filters(kinds=("body",), countries=("VNM",), domains=("maritime",), year_from=2015),
        Filters(regions=("asean",), include_region_members=True, has_figure=True),
    ]:
        found = {dimension: fast.facet(dimension, filters) for dimension in FACETS}
        assert found == {dimension: plain.facet(dimension, filters) for dimension in FACETS}
        assert found["kinds"] and found["years"] and found["documents"]  # something compared


@pytest.mark.parametrize("search", OPERATOR_SEARCHES)
def test_alternatives_and_words_left_out_equal_sql(pair, search):
    fast, plain = pair
    filters = Filters(search=search)
    found = {r["id"] for r in plain.iter_rows(filters)}
    assert fast.bitmaps.mask(fast.conn, filters) == from_ids(found)
    assert fast.count(filters) == plain.count(filters) == len(found)
    everything = {r["id"] for r in plain.iter_rows(Filters())}
    if search.startswith("-") and " " not in search:  # all but the entries with the word
        kept = search[1:]
        assert found == everything - {r["id"] for r in plain.iter_rows(Filters(search=kept))}
    fast.forget()


def test_a_frequent_word_is_not_fetched_from_the_full_text_index(with_terms):
    statements = []
    with Catalogue(with_terms) as catalogue:
        catalogue.conn.set_trace_callback(statements.append)
        catalogue.bitmaps._searches.clear()
        assert catalogue.count(Filters(kinds=("body",), search="Security Japan")) > 20
        assert catalogue.count(Filters(kinds=("body",), search="Djibouti")) > 0
    fetched = [s for s in statements if "entries_fts MATCH" in s]
    assert len(fetched) == 1 and "Djibouti" in fetched[0]  # only the rare word (7 entries)


def test_stems_come_from_the_index_tokenizer(catalogue):
    index = catalogue.bitmaps
    assert index.stem(catalogue.conn, "Countries") == "countri"
    assert index.stem(catalogue.conn, "thé") == "the"  # diacritics removed, as indexed
    assert index.stem(catalogue.conn, "Japan") == "japan"


def test_connections_to_one_file_share_its_bitmaps(catalogue_path):
    with Catalogue(catalogue_path) as one, Catalogue(catalogue_path) as two:
        assert one.bitmaps is two.bitmaps


def test_the_window_style_catalogue_never_reads_bitmaps(catalogue_path):
    with Catalogue(catalogue_path, bitmaps=False) as plain:
        assert plain.bitmaps is None
        assert plain.count(Filters(search="Japan")) > 0


# Small ranges give dense sets, which encode() packs another way than sparse ones.
@given(st.sets(st.integers(0, 300), min_size=1) | st.sets(st.integers(0, 5000), min_size=1))
def test_encoded_bitmaps_decode_to_their_entries(ids):
    first, raw = stored.encode(ids)
    assert raw[0] and raw[-1]  # no empty bytes at either end
    shift, bits = stored.decode(first, raw)
    assert bits << shift == sum(1 << i for i in ids)


def test_terms_that_stem_to_others_are_read_from_the_vocabulary(with_terms):
    conn = sqlite3.connect(with_terms)
    terms = [term for term, _ in stored._frequent(conn, 20)]
    own = stored._own_stems(conn, FTS_TOKENIZE, terms)
    assert 0 < len(own) < len(terms)
    by_match = stored._term_entries(conn, terms, own)
    by_vocabulary = stored._term_entries(conn, terms, own=set())
    conn.close()
    assert by_match == by_vocabulary and len(by_match) > 100


def test_the_vocabulary_read_in_ranges_is_the_whole(with_terms):
    # What worker processes read, a range each, in order, is what one reading of the whole
    # gives, including words that are a split themselves or start with one.
    with closing(sqlite3.connect(with_terms)) as conn:
        whole = stored._range_rows(conn, FTS_TOKENIZE, 20)
        words = [term for _, term, *_ in whole]
        splits = (words[3], words[3] + "a", "m", words[-1])
        ranges = list(zip((None, *splits), (*splits, None), strict=True))
        parts = [
            row
            for low, high in ranges
            for row in stored._range_rows(conn, FTS_TOKENIZE, 20, low, high)
        ]
        counts = dict(stored._frequent(conn, 20))
        one = stored._frequent(conn, 20, words[3], words[4])  # from inclusive, to exclusive
    assert parts == whole and len(whole) > 100
    assert one == [(words[3], counts[words[3]])]


def test_worker_processes_read_the_terms_this_process_reads(with_terms, tmp_path):
    def read(db, processes_from: int) -> list[tuple]:
        analysed = []
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(stored, "PARALLEL_MIN_TERM_ENTRIES", processes_from)
            # As a build does meanwhile: it must not wait for the readers, nor they for it.
            made = stored.term_rows(
                db, FTS_TOKENIZE, 20, meanwhile=lambda: analysed.append(db.execute("ANALYZE"))
            )
        db.conn.commit()
        db.close()
        assert analysed
        return made

    def on_file(processes_from: int) -> list[tuple]:
        copy = tmp_path / f"copy-{processes_from}.db"
        copy.write_bytes(with_terms.read_bytes())
        return read(sqlite_utils.Database(copy), processes_from)

    def in_memory() -> list[tuple]:  # no file for other processes to read: read here
        memory = sqlite3.connect(":memory:")
        with closing(sqlite3.connect(with_terms)) as source:
            source.backup(memory)
        return read(sqlite_utils.Database(memory), processes_from=0)

    alone = on_file(processes_from=10**12)
    assert len(alone) > 100
    assert on_file(processes_from=0) == alone
    assert in_memory() == alone
    stored_rows = (
        sqlite3.connect(with_terms)
        .execute("SELECT * FROM bitmaps WHERE dimension = 'terms' ORDER BY value")
        .fetchall()
    )
    assert sorted(alone) == stored_rows


def test_a_catalogue_rebuilt_under_the_same_name_gets_its_own_bitmaps(with_terms, tmp_path):
    path = tmp_path / "catalogue.db"
    path.write_bytes(with_terms.read_bytes())
    with Catalogue(path) as old:
        old.count(Filters(kinds=("body",), search="Japan"))  # loads some of its bitmaps
        replacement = tmp_path / "new.db"
        replacement.write_bytes(Path(bundled_catalogue()).read_bytes())
        os.replace(replacement, path)  # as a build replaces it, the old one still open
        with Catalogue(path) as new:
            assert new.bitmaps is not old.bitmaps
            assert new.count(Filters(search="Japan")) == plain_count(path, Filters(search="Japan"))


def plain_count(path, filters):
    with Catalogue(path, bitmaps=False) as plain:
        return plain.count(filters)


def test_a_document_without_edition_year_keeps_its_facet(catalogue_path, tmp_path):
    path = tmp_path / "no-year.db"
    path.write_bytes(catalogue_path.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute("UPDATE documents SET edition_year = NULL WHERE id = 'dbb-2023'")
    conn.commit()
    conn.close()
    filters = Filters(kinds=("body",), search="Japan")
    with Catalogue(path) as fast, Catalogue(path, bitmaps=False) as plain:
        found = fast.facet("documents", filters)
        assert found == plain.facet("documents", filters)
        assert ("dbb-2023", "Diplomatic Bluebook") in [(f.id, f.label) for f in found]


def test_an_interrupted_stem_stays_an_interruption(catalogue, monkeypatch):
    import app.query.bitmaps as query_bitmaps

    def interrupted(conn, tokenize, words):
        raise sqlite3.OperationalError("interrupted")

    catalogue.bitmaps.stem(catalogue.conn, "Japan")  # makes the scratch tables
    monkeypatch.setattr(query_bitmaps, "tokens", interrupted)
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        catalogue.bitmaps.stem(catalogue.conn, "an-unseen-word")


def test_forgetting_drops_the_searches_kept_as_bitmaps(pair, monkeypatch):
    fast, _ = pair
    run = []
    real = fast.conn

    class Watched:  # the full-text queries a search makes
        def execute(self, sql, *args):
            if "MATCH" in sql:
                run.append(sql)
            return real.execute(sql, *args)

    monkeypatch.setattr(fast, "conn", Watched())
    filters = Filters(search='"maritime security"')
    first = fast.count(filters)
    fast._counts.clear()  # the count alone: the search's bitmap is kept
    assert fast.count(filters) == first and len(run) == 1
    fast.forget()
    assert fast.count(filters) == first and len(run) == 2


def test_the_window_forgetting_drops_the_searches_it_pages_from(pair):
    # The benchmark times every run from nothing: a search the counting threads kept made the
    # window's next first page of it a cache hit.
    fast, plain = pair
    shared = index_for(fast.path, fast.conn)
    shared.warm(fast.conn)
    filters = Filters(search="secur*")
    shared.mask(fast.conn, filters)  # as a count in the background
    assert plain._ready_mask(filters) is not None
    plain.forget()
    assert plain._ready_mask(filters) is None


# Ids up to 100,000 span several of select()'s blocks (4,096 bytes: 32,768 entries).
@given(
    st.sets(st.integers(0, 100_000), max_size=300) | st.sets(st.integers(0, 2_000)),
    st.integers(0, 400),
    st.integers(0, 250),
    st.booleans(),
    st.sampled_from([(4096, 4096), (1, 4096), (1, 3), (2**31, 1)]),  # (many, block bytes)
)
def test_select_gives_the_page_of_the_ids_a_mask_holds(ids, offset, limit, descending, sizes):
    mask = sum(1 << i for i in ids)
    ordered = sorted(ids, reverse=descending)
    with pytest.MonkeyPatch.context() as mp:  # a byte at a time, or many in C, over blocks
        mp.setattr(query_bitmaps, "SELECT_MANY", sizes[0])
        mp.setattr(query_bitmaps, "SELECT_BLOCK", sizes[1])
        assert select(mask, offset, limit, descending) == ordered[offset : offset + limit]


@given(data=st.data())
@SETTINGS
def test_pages_in_entry_order_come_from_the_bitmaps_once_in_memory(pair, data):
    fast, plain = pair
    # The file's shared index, as the window's counting threads load it (the registry keeps
    # two files' indexes: other tests' files may have pushed fast's out of it).
    shared = index_for(fast.path, fast.conn)
    shared.warm(fast.conn)
    filters = data.draw(any_filters(plain.labels()))
    shared.mask(fast.conn, filters)  # as a count in the background does: its search is kept
    descending = data.draw(st.booleans())
    every = [r["id"] for r in plain.iter_rows(filters, None, descending)]
    offset = data.draw(st.integers(0, len(every) + 5))
    limit = data.draw(st.integers(0, 60))
    # The window's own connection (no bitmaps of its own) reads what the others loaded.
    assert plain._ready_mask(filters) is not None
    assert (
        plain.page_ids(filters, None, descending, offset, limit) == every[offset : offset + limit]
    )
    plain.forget()


def test_pages_are_read_from_sql_until_the_bitmaps_are_in_memory(catalogue_path, tmp_path):
    copy = tmp_path / "copy.db"
    copy.write_bytes(catalogue_path.read_bytes())  # a file no connection has loaded
    with Catalogue(copy, bitmaps=False) as plain:
        filters = Filters(year_from=2019)
        assert plain._ready_mask(filters) is None
        expected = [r["id"] for r in plain.iter_rows(filters)][5:25]
        assert plain.page_ids(filters, None, False, 5, 20) == expected


def test_the_window_reads_nothing_the_shared_index_lacks(catalogue_path, tmp_path):
    # Found by a review: the window's thread must never load what the counting threads have
    # not (a dimension, a search, the regions' members): it pages from SQL meanwhile.
    copy = tmp_path / "copy.db"
    copy.write_bytes(catalogue_path.read_bytes())
    with Catalogue(copy) as worker, Catalogue(copy, bitmaps=False) as window:
        statements = []
        window.conn.set_trace_callback(statements.append)
        worker.bitmaps.dimension(worker.conn, "kinds")  # warming stopped after one dimension
        assert window._ready_mask(Filters(kinds=("body",), year_from=2019)) is None
        assert window._ready_mask(Filters(kinds=("body",))) is not None  # all it reads is in
        worker.bitmaps.warm(worker.conn)
        assert window._ready_mask(Filters(search="japan")) is None  # not counted yet
        worker.bitmaps._members = None  # the dimensions in, the members not yet
        region = worker.conn.execute("SELECT region_id FROM region_members").fetchone()[0]
        assert window._ready_mask(Filters(regions=(region,), include_region_members=True)) is None
        assert window._ready_mask(Filters(kinds=("body",))) is not None
        read = [s for s in statements if "bitmaps" in s or "MATCH" in s or "region_members" in s]
        assert read == []


def test_a_search_dropped_by_another_thread_meanwhile_is_still_answered(pair):
    fast, _ = pair
    shared = index_for(fast.path, fast.conn)
    expected = shared.search(fast.conn, "japan")

    class DroppedOnceRead(OrderedDict):
        def get(self, key, default=None):  # another thread keeps a newer search right after
            found = super().get(key, default)
            self.pop(key, None)
            return found

    shared._searches = DroppedOnceRead(shared._searches)
    try:
        assert shared.search(fast.conn, "japan") == expected  # no KeyError (a failed count)
    finally:
        shared._searches = OrderedDict()


@given(st.lists(st.integers(0, 5000), max_size=60), st.integers(1, 9))
def test_ids_made_into_a_bitmap_in_batches_give_the_whole_of_it(ids, batch):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(query_bitmaps, "FROM_IDS_BATCH", batch)
        assert from_ids(iter(ids)) == sum(1 << i for i in set(ids))


def searched_by_sql(path: Path, text: str) -> int:
    with Catalogue(path, bitmaps=False) as plain:
        return from_ids(r["id"] for r in plain.iter_rows(Filters(search=text)))


def searching_threads(path: Path, index: BitmapIndex, text: str, stops: list) -> tuple[list, list]:
    """Run index.search(text, stop) in a thread for each of `stops`, each thread with its own
    connection, one after the other has started; (results, errors) once all are done."""
    results, errors = [], []

    def search(stop) -> None:
        with closing(sqlite3.connect(path, check_same_thread=False)) as conn:
            try:
                results.append(index.search(conn, text, stop))
            except sqlite3.OperationalError as exc:
                errors.append(str(exc))

    threads = [threading.Thread(target=search, args=[stop]) for stop in stops]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_threads_wanting_one_search_wait_for_the_one_making_it(with_terms, monkeypatch):
    index = BitmapIndex()
    made = []
    real = index._search

    def slow(conn, key, parts):
        made.append(key)
        time.sleep(0.3)  # the others ask meanwhile
        return real(conn, key, parts)

    monkeypatch.setattr(index, "_search", slow)
    results, errors = searching_threads(with_terms, index, "secur*", [None, None, None])
    assert errors == [] and len(made) == 1
    expected = searched_by_sql(with_terms, "secur*")
    assert results == [expected] * 3


def test_a_search_whose_maker_stopped_is_made_by_a_waiter_still_wanting_it(with_terms, monkeypatch):
    # Found by a review: waiters raised an interruption, and an export waiting in its own
    # thread for a counting thread's search failed when the user changed the filter.
    index = BitmapIndex()
    made = []
    real = index._search
    replaced = threading.Event()  # the request of one waiter, replaced as the maker stops

    def stopped_first(conn, key, parts):
        made.append(key)
        if len(made) == 1:
            time.sleep(0.3)  # the others ask meanwhile
            replaced.set()
            raise sqlite3.OperationalError("interrupted")  # its own request was replaced
        time.sleep(0.1)
        return real(conn, key, parts)

    monkeypatch.setattr(index, "_search", stopped_first)
    results, errors = searching_threads(
        with_terms, index, "secur*", [None, replaced.is_set, None, lambda: True]
    )
    # The maker's own error; the waiter replaced meanwhile and the one replaced from the
    # start gave up; the one still wanting it made it once.
    assert sorted(errors) == [
        "interrupted",
        "interrupted while waiting for a search",
        "interrupted: the search waited for stopped",
    ]
    expected = searched_by_sql(with_terms, "secur*")
    assert results == [expected]
    assert len(made) == 2
    assert index._searching == {}  # nothing left for a later search to wait for


@given(data=st.data())
@SETTINGS
def test_a_mask_is_ready_once_what_it_reads_is_in_memory(pair, data):
    fast, plain, filters = drawn(pair, data)
    expected = fast.bitmaps.mask(fast.conn, filters)
    index = BitmapIndex()
    loaded = data.draw(st.sets(st.sampled_from(DIMENSIONS)))
    for name in loaded:
        index.dimension(fast.conn, name)
    members = data.draw(st.booleans())
    if members:
        index.members(fast.conn, ())
    searched = data.draw(st.booleans())
    if searched:
        index.search(fast.conn, filters.search)
    ready = index.mask_if_ready(filters)  # it has no connection to read anything with
    assert ready is None or ready == expected
    if loaded == set(DIMENSIONS) and members and searched:
        assert ready == expected


def test_a_facet_pauses_where_its_caller_says_and_counts_the_same(catalogue, monkeypatch):
    # A background worker waits there while the window's thread takes in what it sent.
    filters = Filters(kinds=("body",), domains=("maritime",))  # (kinds alone: built counts)
    expected = catalogue.bitmaps.facet(catalogue.conn, "countries", filters)
    monkeypatch.setattr(query_bitmaps, "YIELD_SECONDS", 0.0)
    paused = []
    catalogue.pause = lambda: paused.append(1)
    catalogue.forget()
    assert catalogue.facet("countries", filters)  # through Catalogue, as the workers count
    assert paused
    paused.clear()
    counted = catalogue.bitmaps.facet(catalogue.conn, "countries", filters, pause=catalogue.pause)
    assert counted == expected and len(paused) >= len(expected)
