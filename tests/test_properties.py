"""Property-based tests (hypothesis) over the pipeline and the exporter."""

import csv
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.export.csv_export import export_csv, header
from app.export.neutralise import NUMBER, TRIGGERS, restore
from app.pipeline.build import analyse, build_catalogue
from app.pipeline.sources import SourceError, discover

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CHARS = st.characters(blacklist_categories=("Cs",))
# Lines that look like a report (headings, notes, captions, sentences) mixed with anything.
LINE = st.one_of(
    st.text(CHARS, max_size=120),
    st.sampled_from(
        [
            "(1) Maritime Security",
            "Chapter 3 Japan's Foreign Policy",
            "■ Cyber Security",
            "Note 3: Official Security Assistance (OSA).",
            "Japan provided patrol vessels to Viet Nam in 2023 (USD 5 million).",
            "＜Column＞ Stories from the Field",
            "Glossary",
            "*ODA",
            "(Photo: JICA)",
            "",
            "\r",
            "\u2028",
            "\x0c",
        ]
    ),
)
DOCUMENT = st.lists(LINE, max_size=40).map("\n".join)


def read_back(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


@SETTINGS
@given(text=DOCUMENT)
def test_any_text_is_read_or_refused_and_every_quote_is_its_slice(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.txt"
        path.write_bytes(text.encode("utf-8"))
        try:
            [doc] = discover(Path(folder))
        except SourceError as exc:
            assert str(exc).startswith("doc.txt: ")
            return
        results, _ = analyse([doc], lambda *a: None, lambda: False)
        for record in results[0].records:
            assert doc.text[record.piece.start : record.piece.end] == record.quote
            for found in (*record.countries, *record.figures, *record.years):
                assert doc.text[found.start : found.end] == found.text


@settings(max_examples=40, deadline=None)
@given(text=DOCUMENT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_any_text_builds_a_catalogue_or_is_refused_in_one_line(text, encoding):
    import sqlite3

    with tempfile.TemporaryDirectory() as folder:
        sources = Path(folder) / "sources"
        sources.mkdir()
        (sources / "doc.txt").write_bytes(text.replace("\r", "\n").encode(encoding))
        out = Path(folder) / "c.db"
        try:
            build_catalogue(sources, out)
        except SourceError as exc:
            assert str(exc).startswith("doc.txt: ") and "\n" not in str(exc)
            event("refused")
            return
        event("built")
        conn = sqlite3.connect(out)
        try:
            texts = dict(conn.execute("SELECT id, text FROM documents"))
            for d, s, e, q in conn.execute('SELECT document_id, start, "end", quote FROM entries'):
                assert texts[d][s:e] == q
        finally:
            conn.close()


CELL = st.one_of(
    st.text(CHARS, max_size=60),
    st.sampled_from(["=1+1", " -5", "-5", "1.5", "＋A1", "\t@x", "'=x", "''+y", "-"]),
    st.builds(lambda c, t: c + t, st.sampled_from(sorted(TRIGGERS) + [" ", "'"]), st.text()),
)


def starts_a_formula(cell: str) -> bool:
    stripped = cell.lstrip()
    first = cell[:1] in TRIGGERS or stripped[:1] in TRIGGERS
    return first and NUMBER.fullmatch(cell.strip()) is None


@SETTINGS
@given(rows=st.lists(st.fixed_dictionaries({c: CELL for c in header()}), max_size=8))
def test_export_then_read_back_gives_the_rows_and_no_formula(rows):
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "x.csv"
        assert export_csv(rows, out) == len(rows)
        back = read_back(out)
    assert back[0] == header()
    assert len(back) == len(rows) + 1
    for row, cells in zip(rows, back[1:], strict=True):
        for column, cell in zip(header(), cells, strict=True):
            assert not starts_a_formula(cell), (column, cell)
            assert restore(cell) == row[column]
