"""CSV export: the documented columns, spreadsheet-friendly bytes, atomic writes."""

import csv
import io
import shutil
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.export.csv_export import (
    ExportCancelled,
    ExportError,
    export_csv,
    export_keys,
    header,
    write_rows,
)
from app.export.neutralise import neutralise
from app.query.filters import Filters

COLUMNS = [
    "entry_id",
    "document",
    "edition_year",
    "section",
    "kind",
    "domain",
    "countries",
    "country_names",
    "regions",
    "organisations",
    "figures",
    "years",
    "quote",
    "source_file",
    "start",
    "end",
]


def read_back(path):
    # As a spreadsheet would: BOM-aware UTF-8, universal newlines inside csv.
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_header_is_the_documented_columns():
    assert header() == COLUMNS


def test_round_trip(catalogue, tmp_path):
    filters = Filters(countries=("VNM",))
    rows = list(catalogue.iter_rows(filters))
    out = tmp_path / "vnm.csv"
    assert export_csv(catalogue.iter_rows(filters), out) == len(rows)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") >= len(rows) + 1
    back = read_back(out)
    assert back[0] == COLUMNS
    assert len(back) == len(rows) + 1
    for row, cells in zip(rows, back[1:], strict=True):
        record = dict(zip(COLUMNS, cells, strict=True))
        assert record["quote"] == row["quote"]
        assert record["entry_id"] == row["entry_id"]
        assert int(record["start"]) == row["start"] and int(record["end"]) == row["end"]
        assert "VNM" in record["countries"].split("; ")
        assert record["country_names"].count("; ") == record["countries"].count("; ")


def test_quotes_with_commas_quotes_and_line_breaks_survive(tmp_path):
    row = {c: "" for c in COLUMNS}
    row.update(quote='He said, "yes"\nand left', entry_id="x-1", start=0, end=5)
    out = tmp_path / "tricky.csv"
    export_csv([row], out)
    back = read_back(out)
    assert back[1][COLUMNS.index("quote")] == 'He said, "yes"\nand left'


def test_quote_equals_source_slice_in_export(catalogue, tmp_path):
    out = tmp_path / "all.csv"
    export_csv(catalogue.iter_rows(), out)
    texts = {d["source_file"]: catalogue.document_text(d["id"]) for d in catalogue.documents()}
    for cells in read_back(out)[1:]:
        record = dict(zip(COLUMNS, cells, strict=True))
        text = texts[record["source_file"]]
        assert text[int(record["start"]) : int(record["end"])] == record["quote"]


def test_cancel_leaves_old_file_and_no_temporary(catalogue, tmp_path):
    out = tmp_path / "keep.csv"
    out.write_bytes(b"old content")
    many = (row for _ in range(5) for row in catalogue.iter_rows())
    with pytest.raises(ExportCancelled):
        export_csv(many, out, cancelled=lambda: True)
    assert out.read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.csv"]


def test_failure_mid_way_leaves_no_partial_file(tmp_path):
    def rows():
        yield {c: "a" for c in COLUMNS}
        raise OSError(28, "No space left on device")

    out = tmp_path / "full.csv"
    with pytest.raises(ExportError, match="No space left"):
        export_csv(rows(), out)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ExportError, match="Cannot write"):
        export_csv([], tmp_path / "missing-folder" / "x.csv")


def test_csv_is_written_as_text(catalogue, tmp_path):
    out = tmp_path / "small.csv"
    export_csv(catalogue.iter_rows(Filters(search="piracy")), out)
    text = out.read_bytes().decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == COLUMNS


CELL = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from(["a,b", 'say "hi"', "two\nlines", "cr\r", " =1", "'=1", "-5", "", "\t@x"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELL, min_size=len(COLUMNS), max_size=len(COLUMNS)), max_size=5))
def test_fast_writer_writes_what_csv_writer_writes(rows):
    # The exporter's own encoder must give csv.writer's bytes for neutralised cells.
    expected = io.StringIO(newline="")
    expected.write("\ufeff")
    writer = csv.writer(expected, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header())
    writer.writerows([[neutralise(v) for v in row] for row in rows])
    got = io.StringIO(newline="")
    assert write_rows(got, [tuple(row) for row in rows]) == len(rows)
    assert got.getvalue() == expected.getvalue()
    dicts = io.StringIO(newline="")
    write_rows(dicts, [dict(zip(COLUMNS, row, strict=True)) for row in rows])
    assert dicts.getvalue() == expected.getvalue()


def test_iter_cells_exports_the_same_bytes_as_iter_rows(catalogue, tmp_path):
    filters = Filters(domains=("maritime",))
    export_csv(catalogue.iter_rows(filters, "country_names", True), tmp_path / "rows.csv")
    export_csv(
        catalogue.iter_cells(export_keys(), filters, "country_names", True), tmp_path / "cells.csv"
    )
    assert (tmp_path / "rows.csv").read_bytes() == (tmp_path / "cells.csv").read_bytes()


def test_a_later_share_has_neither_byte_order_mark_nor_header():
    rows = [(1, "a"), (2, "b, c")]
    whole, first, later = io.StringIO(newline=""), io.StringIO(newline=""), io.StringIO(newline="")
    write_rows(whole, rows)
    write_rows(first, rows[:1])
    assert write_rows(later, rows[1:], first=False) == 1
    assert first.getvalue() + later.getvalue() == whole.getvalue()
    assert later.getvalue() == '2,"b, c"\r\n'


def test_a_read_only_file_is_not_replaced(catalogue, tmp_path):
    # POSIX lets whoever may write the folder rename over it: the export must not.
    out = tmp_path / "kept.csv"
    out.write_bytes(b"old content")
    out.chmod(0o444)
    with pytest.raises(ExportError, match="read-only"):
        export_csv(catalogue.iter_rows(), out)
    assert out.read_bytes() == b"old content"
    assert stat.S_IMODE(out.stat().st_mode) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.csv"]


def test_a_database_is_not_replaced(catalogue, catalogue_path, tmp_path):
    # The catalogue itself, chosen by a slip in the file dialog, was replaced by a CSV.
    target = tmp_path / "catalogue.db"
    shutil.copy(catalogue_path, target)
    before = target.read_bytes()
    with pytest.raises(ExportError, match="database"):
        export_csv(catalogue.iter_rows(), target)
    assert target.read_bytes() == before


def test_a_replaced_file_keeps_its_permissions(catalogue, tmp_path):
    out = tmp_path / "private.csv"
    out.write_bytes(b"old content")
    out.chmod(0o600)
    export_csv(catalogue.iter_rows(), out)
    assert read_back(out)[0] == header()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
