"""An export written in shares by several processes is byte for byte the export one process
writes; a cancel, a failing share or a killed process leave the old file and no temporaries."""

import os

import pytest

import app.export.shares as shares
from app.export.csv_export import ExportCancelled, ExportError, export_csv, export_keys
from app.export.shares import ShareJob, export_entries, share_count, split
from app.query.bitmaps import stamp
from app.query.filters import Filters

OLD = b"old export, open in Excel"


class Dies:
    """Unpickled in a share's process, ends that process at once, as a crash or a kill would."""

    def __reduce__(self):
        return (os._exit, (3,))


def reference(catalogue, filters, sort, descending, path):
    return export_csv(catalogue.iter_cells(export_keys(), filters, sort, descending), path)


def old_target(tmp_path):
    target = tmp_path / "out" / "export.csv"
    target.parent.mkdir()
    target.write_bytes(OLD)
    return target


def test_split_gives_every_row_to_exactly_one_share():
    for rows in (0, 1, 2, 5, 99, 100, 101, 799_980):
        for count in (1, 2, 3, 4):
            runs = split(rows, count)
            assert len(runs) == count
            assert runs[-1][1] is None  # the last runs to the end, whatever the count said
            ends = [offset + limit for offset, limit in runs[:-1]] + [rows]
            covered = [
                row
                for (offset, _), end in zip(runs, ends, strict=True)
                for row in range(offset, end)
            ]
            assert covered == list(range(rows))
            sizes = [end - offset for (offset, _), end in zip(runs, ends, strict=True)]
            assert max(sizes) - min(sizes) <= 1


def test_share_count_is_one_for_few_rows_and_at_most_a_core_each():
    assert share_count(10, cores=8) == 1
    assert share_count(2 * shares.SHARE_LEAST - 1, cores=8) == 1
    assert share_count(2 * shares.SHARE_LEAST, cores=8) == 2
    assert share_count(1_000_000, cores=2) == 2
    assert share_count(1_000_000, cores=1) == 1
    assert share_count(10_000_000, cores=64) == shares.MOST_SHARES


@pytest.mark.parametrize(
    ("filters", "sort", "descending", "count"),
    [
        (Filters(), None, False, 3),
        (Filters(domains=("maritime",)), "years", True, 2),
        (Filters(search="Japan"), "quote", False, 4),
    ],
)
def test_shares_write_the_bytes_one_process_writes(
    catalogue, catalogue_path, tmp_path, filters, sort, descending, count
):
    expected = reference(catalogue, filters, sort, descending, tmp_path / "one.csv")
    assert expected > count  # every share has rows
    seen = []
    written = export_entries(
        catalogue_path, tmp_path / "shares.csv", filters, sort, descending, seen.append, None, count
    )
    assert written == expected
    assert (tmp_path / "shares.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert seen == sorted(seen) and seen[-1] == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.csv", "shares.csv"]


@pytest.mark.parametrize("count", [1, 3])
def test_a_selection_is_written_in_its_order_by_one_process_or_several(
    catalogue, catalogue_path, tmp_path, count
):
    # A selection's ids come in the table's order, here Quote descending, with gaps.
    every = [r["id"] for r in catalogue.iter_rows(Filters(), "quote", True)]
    ids = every[1:200:3] + every[400:450]
    picked = set(ids)
    export_csv([r for r in catalogue.iter_rows(Filters(), "quote", True) if r["id"] in picked],
               tmp_path / "one.csv")  # fmt: skip
    # The filters and the order asked are not the selection's: the ids decide.
    written = export_entries(
        catalogue_path, tmp_path / "selected.csv", Filters(search="Japan"), None, False,
        None, None, count, ids=ids,
    )  # fmt: skip
    assert written == len(ids)
    assert (tmp_path / "selected.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


def test_a_cancel_stops_the_shares_and_keeps_the_old_file(catalogue_path, tmp_path):
    target = old_target(tmp_path)
    with pytest.raises(ExportCancelled):
        export_entries(catalogue_path, target, cancelled=lambda: True, shares=2)
    assert target.read_bytes() == OLD
    assert list(target.parent.iterdir()) == [target]


def test_a_share_that_reads_another_build_fails_the_export_in_words(
    catalogue, catalogue_path, tmp_path
):
    # As if the catalogue were rebuilt between the count and the shares' reading it.
    job = ShareJob(catalogue_path, ("another build", 0, 0), Filters(), None, False)
    target = old_target(tmp_path)
    with pytest.raises(ExportError, match="changed while it was being exported"):
        shares.write_atomically(
            target,
            lambda tmp: shares._write_shares(job, split(50, 2), target, tmp, None, None),
        )
    assert target.read_bytes() == OLD
    assert list(target.parent.iterdir()) == [target]
    assert stamp(catalogue.conn) != job.stamp


def dying_jobs(monkeypatch):
    # What the pool sends each process for its share now ends that process as it arrives.
    monkeypatch.setattr(shares, "_write_share", Dies())


def test_a_killed_share_process_is_an_error_when_processes_were_asked_for(
    catalogue_path, tmp_path, monkeypatch
):
    dying_jobs(monkeypatch)
    target = old_target(tmp_path)
    with pytest.raises(ExportError, match="could not be started, or stopped unexpectedly"):
        export_entries(catalogue_path, target, shares=2)
    assert target.read_bytes() == OLD
    assert list(target.parent.iterdir()) == [target]


def test_when_share_processes_die_the_export_is_written_in_this_one(
    catalogue, catalogue_path, tmp_path, monkeypatch
):
    dying_jobs(monkeypatch)
    monkeypatch.setattr(shares, "share_count", lambda rows, cores=None: 2)
    target = old_target(tmp_path)
    expected = reference(catalogue, Filters(), None, False, tmp_path / "one.csv")
    assert export_entries(catalogue_path, target) == expected
    assert target.read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert list(target.parent.iterdir()) == [target]


def test_a_share_stops_at_its_next_rows_once_told_to(
    catalogue, catalogue_path, tmp_path, monkeypatch
):
    import threading

    import app.export.csv_export as csv_export

    monkeypatch.setattr(csv_export, "PROGRESS_EVERY", 5)
    stop, counts = threading.Event(), [0, 0]
    monkeypatch.setattr(shares, "_stop", stop)
    monkeypatch.setattr(shares, "_counts", counts)
    job = ShareJob(catalogue_path, stamp(catalogue.conn), Filters(), None, False)
    part = tmp_path / "part"
    assert shares._write_share(job, 1, 10, 20, str(part)) == 20
    assert counts == [0, 20]
    stop.set()
    with pytest.raises(ExportCancelled):
        shares._write_share(job, 1, 10, 20, str(part))
    assert counts == [0, 20]


def test_processes_that_cannot_start_leave_the_export_to_this_one(
    catalogue, catalogue_path, tmp_path, monkeypatch
):
    def no_shared_memory(context, count):
        raise OSError(38, "Function not implemented")  # as where there is no /dev/shm

    monkeypatch.setattr(shares, "shared_state", no_shared_memory)
    target = old_target(tmp_path)
    with pytest.raises(ExportError, match="could not be started"):
        export_entries(catalogue_path, target, shares=2)
    assert target.read_bytes() == OLD
    monkeypatch.setattr(shares, "share_count", lambda rows, cores=None: 2)
    expected = reference(catalogue, Filters(), None, False, tmp_path / "one.csv")
    assert export_entries(catalogue_path, target) == expected
    assert target.read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert list(target.parent.iterdir()) == [target]


def test_the_stop_reaches_the_share_processes(catalogue_path, tmp_path, monkeypatch):
    real = shares.shared_state

    def stopped_already(context, count):
        counts, stop = real(context, count)
        stop.set()
        return counts, stop

    monkeypatch.setattr(shares, "shared_state", stopped_already)
    target = old_target(tmp_path)
    # Nobody cancels in this process: only the processes, told to stop, can end it so.
    with pytest.raises(ExportCancelled):
        export_entries(catalogue_path, target, shares=2)
    assert target.read_bytes() == OLD
    assert list(target.parent.iterdir()) == [target]


def test_a_count_short_of_the_rows_leaves_none_out(
    catalogue, catalogue_path, tmp_path, monkeypatch
):
    from app.query.catalogue import Catalogue

    real = Catalogue.count
    monkeypatch.setattr(Catalogue, "count", lambda self, filters: real(self, filters) - 5)
    expected = reference(catalogue, Filters(), None, False, tmp_path / "one.csv")
    assert export_entries(catalogue_path, tmp_path / "shares.csv", shares=2) == expected
    assert (tmp_path / "shares.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


def test_a_cancel_once_every_row_is_written_keeps_the_old_file(catalogue, catalogue_path, tmp_path):
    expected = catalogue.count(Filters())
    target = old_target(tmp_path)
    told = []
    with pytest.raises(ExportCancelled):
        export_entries(
            catalogue_path,
            target,
            progress=told.append,
            cancelled=lambda: bool(told) and told[-1] == expected,
            shares=2,
        )
    assert told[-1] == expected
    assert target.read_bytes() == OLD
    assert list(target.parent.iterdir()) == [target]


def test_a_cancel_is_heard_while_the_parts_are_joined(tmp_path):
    first, part = tmp_path / "first", tmp_path / "part"
    first.write_bytes(b"head")
    part.write_bytes(b"rows")
    with pytest.raises(ExportCancelled):
        shares._join(first, [part], lambda: True)
    assert first.read_bytes() == b"head"


@pytest.mark.parametrize("in_kernel", [True, False])
def test_a_cancel_is_heard_inside_a_large_part(tmp_path, monkeypatch, in_kernel):
    if not in_kernel:

        def refused(*args):
            raise OSError(18, "Invalid cross-device link")

        monkeypatch.setattr(os, "copy_file_range", refused, raising=False)
    monkeypatch.setattr(shares, "APPEND_STEP", 1000)
    first, part = tmp_path / "first", tmp_path / "part"
    first.write_bytes(b"")
    part.write_bytes(b"x" * (10 << 20))
    looks = []
    with pytest.raises(ExportCancelled):
        shares._join(first, [part], lambda: looks.append(1) or len(looks) > 1)
    assert 0 < first.stat().st_size < part.stat().st_size


@pytest.mark.parametrize(("search", "rows"), [("zzznotawordzzz", 0), ("Sahel", 1)])
def test_no_rows_or_one_asked_of_two_processes(catalogue, catalogue_path, tmp_path, search, rows):
    filters = Filters(search=search)
    expected = reference(catalogue, filters, None, False, tmp_path / "one.csv")
    assert expected == rows
    assert export_entries(catalogue_path, tmp_path / "two.csv", filters, shares=2) == expected
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


@pytest.mark.parametrize("in_kernel", [True, False])
def test_parts_are_joined_in_order_with_or_without_copy_file_range(
    tmp_path, monkeypatch, in_kernel
):
    if not in_kernel:

        def refused(*args):
            raise OSError(18, "Invalid cross-device link")

        monkeypatch.setattr(os, "copy_file_range", refused, raising=False)
    first, parts = tmp_path / "first", [tmp_path / "a", tmp_path / "b", tmp_path / "c"]
    first.write_bytes(b"head\r\n")
    for number, part in enumerate(parts):
        part.write_bytes(f"part {number}\r\n".encode() * (3000 * number))
    shares._join(first, parts, None)
    assert first.read_bytes() == b"head\r\n" + b"".join(p.read_bytes() for p in parts)


class StopsOnSecondLook:
    """A stop that is not set when a share starts, and is by the time SQLite checks."""

    def __init__(self):
        self.looks = 0

    def is_set(self):
        self.looks += 1
        return self.looks > 1


def test_a_share_is_stopped_inside_its_query(catalogue, catalogue_path, tmp_path, monkeypatch):
    monkeypatch.setattr(shares, "_stop", StopsOnSecondLook())
    monkeypatch.setattr(shares, "_counts", [0])
    job = ShareJob(catalogue_path, stamp(catalogue.conn), Filters(), "quote", False)
    with pytest.raises(ExportCancelled):
        shares._write_share(job, 0, 0, None, str(tmp_path / "part"))
    assert shares._counts == [0]
    assert shares._stop.looks == 2


def test_one_process_stops_its_query_on_a_cancel(catalogue, catalogue_path, tmp_path):
    # Fewer rows than the writer's checks are apart: only the query (sorted) can see it.
    assert catalogue.count(Filters()) < 1000
    target = old_target(tmp_path)
    with pytest.raises(ExportCancelled):
        export_entries(catalogue_path, target, sort="quote", cancelled=lambda: True)
    assert target.read_bytes() == OLD
    assert list(target.parent.iterdir()) == [target]
