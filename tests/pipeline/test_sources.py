"""Source discovery: the manifest, checksums and editions inferred from opening lines."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.paths import bundled_sources
from app.pipeline.sources import SourceError, discover, infer_edition, opening_lines


def test_bundled_manifest_describes_every_file():
    docs = discover(bundled_sources())
    assert [d.id for d in docs] == ["oda-2018", "oda-2021", "dbb-2023"]
    assert all(d.in_manifest and d.checksum.startswith("sha256:") and d.title for d in docs)
    oda2018 = docs[0]
    assert oda2018.url.endswith("02-02-02-03.html")
    assert docs[2].period_year == 2022  # the 2023 Bluebook covers 2022


@pytest.mark.parametrize(
    "opening, expected",
    [
        ("Diplomatic Bluebook 2023\n\nChapter 3", ("Diplomatic Bluebook", 2023)),
        (
            "White Paper on Development Cooperation 2021\nPart II",
            ("White Paper on Development Cooperation", 2021),
        ),
        ("Japan's ODA White Paper 2010\n", ("Japan's ODA White Paper", 2010)),
        ("(3) Assistance for Stability and Security\n", ("", None)),
    ],
)
def test_infer_edition(opening, expected):
    assert infer_edition(opening) == expected


def test_non_utf8_is_refused_with_the_file_name(tmp_path):
    # Bytes that are neither UTF-8, Shift-JIS with kana, nor Windows-1252 (0x81 is unassigned).
    (tmp_path / "bad.txt").write_bytes(b"Diplomatic Bluebook 2023 \x81\x8d\x8f\x90\x9d")
    with pytest.raises(SourceError, match="bad.txt: not UTF-8"):
        discover(tmp_path)


def test_empty_folder_is_refused(tmp_path):
    with pytest.raises(SourceError, match="no .txt documents"):
        discover(tmp_path)


def test_bom_is_dropped(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeffDiplomatic Bluebook 2024\n".encode())
    [doc] = discover(tmp_path)
    assert doc.text.startswith("Diplomatic") and doc.edition_year == 2024


@given(
    text=st.text(alphabet=st.sampled_from("ab \n\r\x0b\x1c\u2028\u0085"), max_size=60),
    count=st.integers(0, 10),
    size=st.integers(1, 8),
)
def test_opening_lines_are_the_first_lines_of_the_whole_text(text, count, size):
    assert opening_lines(text, count, size) == text.splitlines()[:count]
