"""Facet counts and bitmaps added up per document equal those read from the finished tables."""

import sqlite3

import sqlite_utils
from hypothesis import given
from hypothesis import strategies as st

from app.pipeline.bitmaps import ENTRY_SOURCES, LINK_SOURCES, dimension_rows, encode
from app.pipeline.schema import FACET_COUNTS, facet_count_rows
from app.pipeline.tally import CatalogueTally, DocumentTally


def stored(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_build_stores_what_the_tables_hold(catalogue_path):
    # The build adds its documents' tallies up; the tables, read back, must say the same.
    db = sqlite_utils.Database(catalogue_path)
    try:
        facets, bitmaps = facet_count_rows(db), dimension_rows(db)
    finally:
        db.close()
    assert len(stored(catalogue_path, "SELECT DISTINCT document_id FROM entries")) > 1
    assert sorted(stored(catalogue_path, "SELECT * FROM facet_counts"), key=repr) == sorted(
        facets, key=repr
    )
    built = stored(catalogue_path, "SELECT * FROM bitmaps WHERE dimension != 'terms'")
    assert sorted(built) == sorted(bitmaps)
    assert {d for d, *_ in built} == {*LINK_SOURCES, *ENTRY_SOURCES}
    assert {d for d, *_ in facets} == set(FACET_COUNTS)
    # A domain-less entry is counted under NULL, as SQL's GROUP BY counts it.
    assert any(v is None for d, _, v, _ in facets if d == "domains") == bool(
        stored(catalogue_path, "SELECT 1 FROM entries WHERE domain_id IS NULL LIMIT 1")
    )


@given(
    ids=st.lists(st.integers(1, 400), min_size=1, unique=True).map(sorted),
    cuts=st.lists(st.integers(1, 400), max_size=6).map(lambda c: sorted(set(c))),
)
def test_documents_bitmaps_join_into_the_catalogues(ids, cuts):
    # Documents hold runs of entry ids; their bitmaps may share a byte or leave a gap.
    tally = CatalogueTally()
    for low, high in zip([0, *cuts], [*cuts, 401], strict=True):
        part = [i for i in ids if low <= i < high]
        if part:
            tally.add(DocumentTally(bitmaps={("years", 2020): encode(part)}))
    first, bits = encode(ids)
    assert tally.bitmap_rows() == [("years", "2020", first, bits)]
