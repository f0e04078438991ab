"""Replacing a file: a large old one is deleted in a thread, and nothing is left behind."""

import os

import pytest

from app.export import atomic


def written(path, data: bytes):
    path.write_bytes(data)
    return path


def test_a_large_old_file_is_deleted_after_the_rename(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "LARGE_BYTES", 4)
    target = written(tmp_path / "catalogue.db", b"old catalogue")
    reader = open(target, "rb")  # as a window may hold the old catalogue open
    try:
        renames = []
        real_replace = os.replace

        def replace(source, destination):
            # By the rename the old file has a second name: the rename frees no blocks.
            renames.append(sorted(p.name for p in tmp_path.iterdir()))
            real_replace(source, destination)

        monkeypatch.setattr(atomic.os, "replace", replace)
        thread = atomic.replace(written(tmp_path / "new.tmp", b"new"), target, ".tmp")
        assert thread is not None
        thread.join()
        assert len(renames[0]) == 3 and renames[0][0].startswith(".catalogue.db.")
        assert renames[0][0].endswith(".tmp")  # a temporary's name: the next writer removes it
        assert target.read_bytes() == b"new"
        assert [p.name for p in tmp_path.iterdir()] == ["catalogue.db"]
        assert reader.read() == b"old catalogue"  # still readable where it was open
    finally:
        reader.close()


def replaces_in_the_rename(folder):
    """Replaces an old catalogue in `folder`, checking that the old file went with the rename:
    no thread, no second name left behind."""
    target = written(folder / "catalogue.db", b"old")
    assert atomic.replace(written(folder / "new.tmp", b"new"), target, ".tmp") is None
    assert [p.name for p in folder.iterdir()] == ["catalogue.db"]
    assert target.read_bytes() == b"new"


def test_a_small_old_file_goes_with_the_rename(tmp_path):
    replaces_in_the_rename(tmp_path)


def test_no_old_file(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "LARGE_BYTES", 0)
    target = tmp_path / "catalogue.db"
    assert atomic.replace(written(tmp_path / "new.tmp", b"new"), target, ".tmp") is None
    assert [p.name for p in tmp_path.iterdir()] == ["catalogue.db"]


def test_without_hard_links_the_old_file_goes_with_the_rename(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "LARGE_BYTES", 0)

    def no_links(*args):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    replaces_in_the_rename(tmp_path)


def test_a_failed_rename_keeps_the_old_file_and_no_second_name(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "LARGE_BYTES", 0)

    def full(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full)
    target = written(tmp_path / "catalogue.db", b"old")
    with pytest.raises(OSError):
        atomic.replace(written(tmp_path / "new.tmp", b"new"), target, ".tmp")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.db", "new.tmp"]
    assert target.read_bytes() == b"old"


def test_a_second_name_left_by_a_killed_process_is_removed_by_the_next_writer(tmp_path):
    target = written(tmp_path / "catalogue.db", b"old")
    os.link(target, tmp_path / ".catalogue.db.0123456789ab.tmp")  # killed before deleting it
    assert [p.name for p in atomic.remove_stale(target, ".tmp")] == [
        ".catalogue.db.0123456789ab.tmp"
    ]
    assert target.read_bytes() == b"old"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_the_temporary_is_an_ordinary_file_not_a_private_one(tmp_path):
    with atomic.temporary_for(tmp_path / "export.csv", ".part") as tmp:
        assert tmp.stat().st_mode & 0o777 == 0o644


def test_a_writers_further_temporaries_leave_ones_that_look_stale_alone(tmp_path):
    target = tmp_path / "export.csv"
    # Unlocked, as a writer's own first temporary looks where files cannot be locked (Windows).
    unlocked = written(tmp_path / ".export.csv.0123456789ab.part", b"rows so far")
    with atomic.temporary_for(target, ".part", stale=False) as part:
        assert unlocked.read_bytes() == b"rows so far"
        assert part != unlocked
    with atomic.temporary_for(target, ".part"):
        assert not unlocked.exists()
