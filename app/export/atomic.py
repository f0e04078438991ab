"""Whole files or nothing: a temporary file beside the target, moved into place when complete.

Shared by the CSV export and the catalogue build. A live writer holds an exclusive lock on its
temporary file; a writer that was killed cannot delete its temporary, so the next writer to
the same target removes temporaries that nobody holds (`remove_stale`).
"""

from __future__ import annotations

import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:  # POSIX; on Windows an open file cannot be deleted, which protects it as well
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


def temporary_name(target: Path, suffix: str) -> tuple[str, str]:
    """(prefix, suffix) of the temporary files for `target`: `.<name>.<random><suffix>`."""
    return f".{target.name}.", suffix


def folder_of(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


@contextmanager
def temporary_for(target: Path, suffix: str, stale: bool = True) -> Iterator[Path]:
    """A new empty file beside `target` (0644: an ordinary file, such as a catalogue or an
    export, that others may be meant to read, not mkstemp's private 0600), locked while the
    block runs and deleted after it (unless the block moved it into place with `os.replace`).
    Stale temporaries of earlier, killed writers to the same target are removed first, unless
    `stale` is False: a writer's further temporaries, made while its first is live (where
    files cannot be locked, its first would look stale)."""
    target = Path(target)
    if stale:
        remove_stale(target, suffix)
    prefix, suffix = temporary_name(target, suffix)
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder_of(target))
    path = Path(name)
    holder = -1
    try:
        os.chmod(path, 0o644)
        if fcntl is not None:
            # A duplicate descriptor holds the lock; the writer opens the path as it likes.
            holder = os.dup(fd)
            lock(holder)
        os.close(fd)
        fd = -1
        yield path
    finally:
        if fd != -1:
            os.close(fd)
        try:
            path.unlink(missing_ok=True)
        finally:
            if holder != -1:
                os.close(holder)


# Replacing a file frees the old one's blocks before the rename returns: 0.2 s for a 786 MB
# catalogue here (ext4). Files this large get a second name first, so that the rename only
# moves names, and a thread deletes that name (and frees the blocks) after.
LARGE_BYTES = 64 << 20


def replace(source: Path, target: Path, suffix: str) -> threading.Thread | None:
    """os.replace(source, target); a large old `target` is deleted by the thread returned (it
    is not a daemon: the process waits for it). Where a second name cannot be made, or the
    thread not started, the old file goes with the rename as usual. The second name is a
    temporary's (`.<name>.<random><suffix>`): if the process is killed before the thread
    deletes it, the next writer to `target` does."""
    retired = None
    try:
        if os.stat(target).st_size >= LARGE_BYTES:
            prefix, suffix = temporary_name(Path(target), suffix)
            retired = folder_of(Path(target)) / f"{prefix}{secrets.token_hex(6)}{suffix}"
            os.link(target, retired)
    except OSError:  # no old file, or no hard links here (FAT, some network shares)
        retired = None
    try:
        os.replace(source, target)
    except BaseException:
        if retired is not None:
            retired.unlink(missing_ok=True)
        raise
    if retired is None:
        return None
    thread = threading.Thread(target=_delete, args=[retired], name="delete old file")
    try:
        thread.start()
    except RuntimeError:  # no more threads: delete it here
        _delete(retired)
        return None
    return thread


def _delete(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass  # left for the next writer's remove_stale


def lock(fd: int) -> bool:
    """Take the exclusive lock on an open file; False if another process holds it."""
    if fcntl is None:  # pragma: no cover - Windows
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def remove_stale(target: Path, suffix: str) -> list[Path]:
    """Delete temporaries for `target` left by killed writers; returns what was removed."""
    prefix, suffix = temporary_name(target, suffix)
    removed = []
    try:
        candidates = [
            p
            for p in folder_of(target).iterdir()
            if p.name.startswith(prefix) and p.name.endswith(suffix) and p.is_file()
        ]
    except OSError:
        return removed
    for path in candidates:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            if lock(fd):  # nobody writes it any more
                path.unlink()
                removed.append(path)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX); a no-op where folders cannot be opened."""
    sync_path(folder, os.O_RDONLY)


def sync_path(path: Path, flags: int) -> None:
    """fsync what `path` names, opened with `flags`; a no-op where it cannot be opened or
    synced (what must be durable is synced again, and checked, by its writer)."""
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
