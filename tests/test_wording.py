"""Counts read as English."""

from app.wording import counted


def test_one_is_singular_and_every_other_number_plural():
    # The status bar, the export message and the CLI said "1 entries".
    assert counted(1, "entry") == "1 entry"
    assert counted(0, "entry") == "0 entries"
    assert counted(2500, "entry") == "2,500 entries"
    assert counted(1, "row") == "1 row"
    assert counted(3, "row") == "3 rows"
    assert counted(1, "more document") == "1 more document"
