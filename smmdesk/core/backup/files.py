"""Writing files so that nothing is ever half there: a temporary name, fsync, rename.

    with atomic_file(target) as partial:     # partial: a Path next to target
        write(partial)
    # target now holds the whole file, or (on any error or a kill) is what it was before

A disk that refuses a write (full, file too large, read-only, not ours) raises StorageError
with one sentence; the partial file is removed. A kill leaves at most a ``*.part`` file,
which ``remove_stale_parts`` clears later.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from smmdesk.core.errors import StorageError
from smmdesk.core.i18n import _

PART_SUFFIX = ".part"
# errors that mean "this disk will not take the file", not a bug
DISK_ERRNOS = frozenset(
    code
    for code in (
        errno.ENOSPC,
        errno.EFBIG,
        errno.EROFS,
        errno.EACCES,
        errno.EPERM,
        getattr(errno, "EDQUOT", None),
    )
    if code is not None
)
STALE_AFTER_S = 3600.0


@contextmanager
def atomic_file(target: Path) -> Iterator[Path]:
    """Yield a partial path next to ``target``; on success fsync it, rename it to
    ``target`` and fsync the folder. On failure remove it (a disk error -> StorageError)."""
    target = Path(target)
    partial = target.with_name(f".{target.name}.{os.getpid()}{PART_SUFFIX}")
    try:
        make_folder(target.parent)
        yield partial
        os.chmod(partial, 0o600)  # order history is nobody else's business
        fsync_file(partial)
        os.replace(partial, target)
        fsync_folder(target.parent)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if is_disk_error(exc):
            raise disk_error(exc, target) from None
        raise


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise disk_error(exc, folder) from None


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no folder handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def is_disk_error(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in DISK_ERRNOS
    if isinstance(exc, sqlite3.OperationalError):  # SQLite's words for ENOSPC / EFBIG
        text = str(exc).lower()
        return "disk is full" in text or "disk i/o error" in text or "readonly" in text
    return False


def disk_error(exc: BaseException, where: Path) -> StorageError:
    """One known error for every way a disk refuses a write."""
    code = exc.errno if isinstance(exc, OSError) else None
    if code in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1)) or (
        isinstance(exc, sqlite3.OperationalError) and "full" in str(exc).lower()
    ):
        # Translators: {path} is the file or folder smmdesk was writing.
        message = _(
            "smmdesk could not write {path} because the disk is full (or the file would be "
            "larger than this disk allows). Nothing was changed. Free some space or choose "
            "another folder (Settings, or --folder), then try again."
        )
    elif "i/o error" in str(exc).lower():
        # Translators: {path} is the file or folder smmdesk was writing.
        message = _(
            "smmdesk could not write {path} because the disk refused to write it (it may be "
            "full, or failing). Nothing was changed. Free some space or choose another folder "
            "(Settings, or --folder), then try again."
        )
    elif code == errno.EROFS or "readonly" in str(exc).lower():
        # Translators: {path} is the file or folder smmdesk was writing.
        message = _(
            "smmdesk could not write {path} because the disk is read-only. Nothing was "
            "changed. Free some space or choose another folder (Settings, or --folder), then "
            "try again."
        )
    elif code in (errno.EACCES, errno.EPERM):
        # Translators: {path} is the file or folder smmdesk was writing.
        message = _(
            "smmdesk could not write {path} because smmdesk may not write there. Nothing was "
            "changed. Free some space or choose another folder (Settings, or --folder), then "
            "try again."
        )
    else:
        # Translators: {path} is the file or folder smmdesk was writing; {reason} is the
        # system's own words for the error.
        message = _(
            "smmdesk could not write {path} because {reason}. Nothing was changed. Free some "
            "space or choose another folder (Settings, or --folder), then try again."
        )
    reason = str(getattr(exc, "strerror", None) or exc)
    return StorageError(message.format(path=where, reason=reason))


def remove_stale_parts(folder: Path, *, older_than_s: float = STALE_AFTER_S) -> int:
    """Delete ``*.part`` files a killed run left in ``folder``; how many went."""
    removed = 0
    limit = time.time() - older_than_s
    try:
        candidates = [*folder.glob(f".*{PART_SUFFIX}"), *folder.glob(f".*{PART_SUFFIX}-journal")]
    except OSError:
        return 0
    for path in candidates:
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
