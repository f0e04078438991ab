"""The planner's statistics a build counts equal those ANALYZE reads from the finished file."""

import shutil
import sqlite3

import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from app.pipeline import schema, statistics
from app.pipeline.rows import INSERT_COLUMNS, INSERTS, ROW_TABLES


def analysed(path) -> set[tuple]:
    conn = sqlite3.connect(path)
    try:
        conn.execute("DELETE FROM sqlite_stat1")
        conn.execute("ANALYZE")
        conn.commit()
        return set(conn.execute("SELECT * FROM sqlite_stat1"))
    finally:
        conn.close()


def test_a_build_writes_what_analyze_would(catalogue_path, tmp_path):
    conn = sqlite3.connect(catalogue_path)
    try:
        built = set(conn.execute("SELECT * FROM sqlite_stat1"))
    finally:
        conn.close()
    copy = tmp_path / "copy.db"
    shutil.copy(catalogue_path, copy)
    # meta is written after the statistics, as before any were counted.
    expected = {row for row in analysed(copy) if row[0] != "meta"}
    assert built == expected
    assert {table for table, _, _ in built} >= set(ROW_TABLES)


def test_every_row_table_is_counted():
    # A table left out would be read by ANALYZE again, and the build would not say.
    assert set(statistics.plans()) == set(ROW_TABLES)


def test_averages_round_as_sqlite_does():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a)")
    conn.execute("CREATE INDEX i ON t (a)")
    for rows in range(1, 31):
        for distinct in range(1, rows + 1):
            conn.execute("DELETE FROM t")
            conn.executemany("INSERT INTO t VALUES (?)", [(n % distinct,) for n in range(rows)])
            conn.execute("ANALYZE t")
            (stat,) = conn.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'i'").fetchone()
            assert stat == f"{rows} {statistics._average(rows, distinct)}", (rows, distinct)


VALUES = {
    "kind": st.sampled_from(["body", "note", "heading"]),
    "domain_id": st.sampled_from(["maritime", "peace", None]),
    "has_figure": st.sampled_from([0, 1]),
    "edition_year": st.sampled_from([2018, 2021, None]),
}
ENTRY = st.fixed_dictionaries(
    {
        **VALUES,
        "section": st.integers(0, 3),  # 0: none; else the document's first, second, third
        "countries": st.lists(st.sampled_from(["JPN", "USA", "KEN", "VNM"]), unique=True),
        "years": st.lists(st.integers(2015, 2020), unique=True),
        "mentions": st.integers(0, 3),
        "note": st.booleans(),
    }
)


def document_rows(entries: list[dict], document: str, first_id: int, first_section: int):
    """Rows of one document, by table, shaped as rows.document_rows() makes them."""
    tables: dict[str, list[dict]] = {table: [] for table in ROW_TABLES}
    tables["sections"] = [{"id": first_section + n, "document_id": document} for n in range(3)]
    notes = [first_id + n for n, e in enumerate(entries) if e["note"]]
    for number, entry in enumerate(entries):
        rowid = first_id + number
        shared = {k: entry[k] for k in ("kind", "domain_id", "has_figure")}
        shared["document_id"] = document
        section = first_section + entry["section"] - 1 if entry["section"] else None
        tables["entries"].append(
            {"id": rowid, **shared, "edition_year": entry["edition_year"], "section_id": section}
        )
        for code in entry["countries"]:
            role = "donor" if code == "JPN" else "partner"
            tables["entry_countries"].append(
                {"entry_id": rowid, "country_code": code, "role": role, **shared}
            )
        for year in entry["years"]:
            tables["entry_years"].append({"entry_id": rowid, "year": year, "kind": "mentioned"})
        for _ in range(entry["mentions"]):
            tables["mentions"].append({"entry_id": rowid, "dimension": "country"})
        if notes and rowid not in notes:
            tables["note_links"].append({"entry_id": rowid, "note_entry_id": notes[0]})
    return [
        (table, [tuple(row.get(c) for c in INSERT_COLUMNS[table]) for row in rows])
        for table, rows in tables.items()
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(ENTRY, max_size=12), min_size=1, max_size=4))
def test_counted_statistics_equal_analyzes(documents):
    db = sqlite_utils.Database(memory=True)
    schema.create_tables(db)
    for table, columns in schema.INDEXES:
        db[table].create_index(columns, find_unique_name=True)
    counted: dict = {}
    first_id = first_section = 1
    for number, entries in enumerate(documents):
        rows = document_rows(entries, f"doc-{number}", first_id, first_section)
        for table, table_rows in rows:
            db.conn.executemany(INSERTS[table], table_rows)
        statistics.add(counted, statistics.count_document(rows))
        first_id += len(entries)
        first_section += 3
    made, left = statistics.stat_rows(db.conn, counted)
    assert not set(left) & set(ROW_TABLES)
    db.execute("ANALYZE")
    real = set(db.conn.execute("SELECT * FROM sqlite_stat1"))
    assert set(made) == {row for row in real if row[0] in ROW_TABLES}
