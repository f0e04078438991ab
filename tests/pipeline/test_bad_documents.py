"""Hostile source documents: each is read where it can be, else refused in one line that names
the file, with exit code 2 and the old catalogue left byte-identical (docs/reliability.md)."""

import shutil
import sqlite3

import pytest

from app.cli import main
from app.pipeline.build import build_catalogue
from app.pipeline.sources import discover

GOOD = (
    "Diplomatic Bluebook 2024\n\n"
    "(1) Maritime Security\n\n"
    "Japan provided patrol vessels to Viet Nam in 2023. "
    "Japan supported the Philippine Coast Guard through JICA.\n\n"
    "(2) Cyber Security\n\n"
    "Japan held a cyber dialogue with Indonesia. It trained 120 officials.\n"
)
JAPANESE = "外交青書 2024\n\n(1) 海上安全保障\n\n日本はベトナムに巡視船を供与した。\n"
OLD = b"the old catalogue, which must survive"


def entries(path):
    conn = sqlite3.connect(path)
    try:
        texts = dict(conn.execute("SELECT id, text FROM documents"))
        rows = conn.execute('SELECT document_id, start, "end", quote FROM entries').fetchall()
        return texts, rows
    finally:
        conn.close()


def build_cli(sources, out, capsys):
    code = main(["build", "--sources", str(sources), "--out", str(out), "--quiet"])
    return code, capsys.readouterr().err


@pytest.fixture()
def folder(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "good.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out" / "catalogue.db"
    out.parent.mkdir()
    out.write_bytes(OLD)
    return sources, out


REFUSED = {
    "empty": (b"", "empty.txt: empty file"),
    "whitespace only": (b" \r\n\t\n", "empty.txt: empty file"),
    "bom only": (b"\xef\xbb\xbf", "empty.txt: empty file"),
    "binary with NUL": (bytes(range(256)) * 4, "binary.txt: a binary file (it holds NUL"),
    "binary controls": (b"\x01\x02\x03\x04abc" * 100, "binary.txt: a binary file"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary.txt: a binary file"),
    "not any encoding": (b"Diplomatic Bluebook 2023 \x81\x8d\x8f\x90\x9d", "bad.txt: not UTF-8"),
}


@pytest.mark.parametrize("content, message", REFUSED.values(), ids=list(REFUSED))
def test_unreadable_documents_are_refused_in_one_line(folder, capsys, content, message):
    sources, out = folder
    name = message.split(":")[0]
    (sources / name).write_bytes(content)
    code, err = build_cli(sources, out, capsys)
    assert code == 2
    assert err.startswith(f"catalogue: {message}") and err.count("\n") == 1
    assert "Traceback" not in err
    assert out.read_bytes() == OLD
    assert sorted(p.name for p in out.parent.iterdir()) == ["catalogue.db"]


def test_too_large_a_document_is_refused_before_reading_it(folder, capsys, monkeypatch):
    from app.pipeline import sources as sources_module

    monkeypatch.setattr(sources_module, "MAX_BYTES", 1000)
    folder_, out = folder
    (folder_ / "huge.txt").write_text("Japan. " * 200, encoding="utf-8")
    code, err = build_cli(folder_, out, capsys)
    assert code == 2 and err.startswith("catalogue: huge.txt: too large (")
    assert "split it into chapters" in err and out.read_bytes() == OLD


def test_the_same_document_twice_is_refused(folder, capsys):
    sources, out = folder
    shutil.copy(sources / "good.txt", sources / "copy of good.txt")
    code, err = build_cli(sources, out, capsys)
    assert code == 2
    assert err == (
        "catalogue: good.txt: the same document as copy of good.txt (identical bytes); "
        "remove one copy\n"
    )
    assert out.read_bytes() == OLD


@pytest.mark.parametrize(
    "manifest, message",
    [
        ('[[document]]\nfile = "missing.txt"\n', "missing.txt: listed in sources.toml but missing"),
        (
            '[[document]]\nfile = "good.txt"\nchecksum = "sha256:00"\n',
            "good.txt: checksum does not match sources.toml",
        ),
        ('[[document]]\nfile = "../good.txt"\n', "'file' must name a file in this folder"),
        ("[[document]]\nfile = 'good.txt'\nedition_year = 'soon'\n", "is not a year"),
        ("document = 3\n", "must be a list"),
        ("[[document\n", "sources.toml: not valid TOML"),
        (b"\xff\xfe[[document]]".decode("latin-1"), "sources.toml: not"),
    ],
)
def test_bad_manifest_entries_are_refused(folder, capsys, manifest, message):
    sources, out = folder
    (sources / "sources.toml").write_text(manifest, encoding="latin-1")
    code, err = build_cli(sources, out, capsys)
    assert code == 2 and message in err and err.count("\n") == 1
    assert out.read_bytes() == OLD


ENCODED = {
    "cp1252": (GOOD.replace("Viet Nam", "Viet Nam (café, “quoted”)").encode("cp1252"), "cp1252"),
    "shift-jis": (JAPANESE.encode("shift_jis"), "shift-jis"),
    "utf-8 bom": (b"\xef\xbb\xbf" + GOOD.encode(), "utf-8"),
    "utf-16 bom": (GOOD.encode("utf-16"), "utf-16"),
    "crlf": (GOOD.replace("\n", "\r\n").encode(), "utf-8"),
    "cr only": (GOOD.replace("\n", "\r").encode(), "utf-8"),
}


@pytest.mark.parametrize("data, encoding", ENCODED.values(), ids=list(ENCODED))
def test_other_encodings_and_line_ends_are_read_and_quotes_stay_exact(tmp_path, data, encoding):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "doc.txt").write_bytes(data)
    [doc] = discover(sources)
    assert "\r" not in doc.text and not doc.text.startswith("\ufeff")
    if encoding in ("cp1252", "shift-jis"):
        assert any("not UTF-8; read as" in w for w in doc.warnings)
    out = tmp_path / "c.db"
    build_catalogue(sources, out)
    texts, rows = entries(out)
    [text] = texts.values()
    assert text == doc.text  # the stored text is the normalised one the offsets refer to
    assert rows and all(texts[d][s:e] == q for d, s, e, q in rows)
    if encoding == "cp1252":
        assert "café, “quoted”" in text
    if encoding == "shift-jis":
        assert "巡視船" in text


def test_one_enormous_line(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    line = " ".join(GOOD.split()) + " "
    (sources / "line.txt").write_text(line * 2000, encoding="utf-8")  # 0.4 MB, no line break
    out = tmp_path / "c.db"
    build_catalogue(sources, out)
    texts, rows = entries(out)
    assert rows and all(texts[d][s:e] == q for d, s, e, q in rows)


def test_a_document_without_headings_is_catalogued_with_a_warning(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "plain.txt").write_text(
        "Japan provided patrol boats to Sri Lanka. Japan trained coast guards.\n", encoding="utf-8"
    )
    report = build_catalogue(sources, tmp_path / "c.db")
    assert report.total >= 1
    assert any("plain.txt: no headings found" in w for w in report.warnings)


def test_fifty_megabytes_of_text_is_refused_at_once(folder, capsys):
    # A 50 MB document builds in about 200 s with 1.6 GB of memory (docs/reliability.md), so
    # documents over 20 MB are refused before they are read; the bundled ones are 0.1 MB.
    sources, out = folder
    with open(sources / "huge.txt", "w", encoding="utf-8") as fh:
        for _ in range(50):
            fh.write(("Japan provided patrol vessels to Viet Nam. " * 24 + "\n") * 1000)
    code, err = build_cli(sources, out, capsys)
    assert code == 2
    assert err.startswith("catalogue: huge.txt: too large (") and "the limit is 20 MB" in err
    assert out.read_bytes() == OLD
