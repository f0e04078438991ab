"""The benchmark says how fast the machine was and how much CPU time the hypervisor took."""

from app.bench.run import cpu_ticks, reference_loop_ms, stolen_line, stolen_share

STAT = """cpu  13976 29484 4383 25747 704 0 67 5988 0 0
cpu0 6988 14742 2191 12873 352 0 33 2994 0 0
intr 1 2 3
"""


def test_ticks_are_read_from_the_first_line(tmp_path):
    stat = tmp_path / "stat"
    stat.write_text(STAT)
    assert cpu_ticks(stat) == (13976 + 29484 + 4383 + 25747 + 704 + 0 + 67 + 5988, 5988)


def test_no_figures_where_the_file_is_missing_or_unlike_linux(tmp_path):
    assert cpu_ticks(tmp_path / "missing") is None
    old = tmp_path / "old"
    old.write_text("cpu  1 2 3 4 5 6 7\n")  # kernels before 2.6.11: no steal column
    assert cpu_ticks(old) is None
    assert stolen_share(None, (10, 1)) is None
    assert stolen_line(None) == []


def test_the_share_is_of_the_time_between_the_two_readings():
    assert stolen_share((1000, 100), (1400, 200)) == 0.25
    assert stolen_share((1000, 100), (1000, 100)) is None  # no time passed
    assert stolen_line(0.25) == ["CPU time stolen by the hypervisor during these runs: 25%", ""]


def test_this_machine_is_read_if_it_is_linux():
    ticks = cpu_ticks()
    if ticks is not None:
        total, stolen = ticks
        assert 0 <= stolen <= total


def test_the_reference_loop_is_timed():
    assert 0 < reference_loop_ms(repeats=1) < 60_000
