"""Which smmdesk processes working on a data folder are still alive.

Every Desk holds a ``ProcessMark``: a file under ``running/`` in the data folder, locked
(exclusively, by the operating system) for as long as the process lives. The OS drops the
lock the moment the process ends, however it ends (``kill -9``, a crash, a power cut), so
another process can tell at once that an order a dead process left "sending" will never be
settled by it: ``alive(folder, token)`` tries the lock, and gets it only when the owner is gone.

POSIX uses ``flock`` (a lock per open file: a second open of the same file in the same
process conflicts too), Windows ``msvcrt.locking`` on the first byte.
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
import weakref
from pathlib import Path
from typing import IO

FOLDER = "running"


def _lock(handle: IO[bytes]) -> bool:
    """Take the exclusive lock without waiting; False when another holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class ProcessMark:
    """This process's mark on ``folder`` (``token`` names it in the orders it sends)."""

    def __init__(self, folder: Path):
        self.token = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.path = Path(folder) / FOLDER / f"{self.token}.lock"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+b")  # noqa: SIM115 - held open until close()
        if not _lock(handle):  # a fresh unique file: nobody else can hold it
            handle.close()
            raise RuntimeError(f"could not lock {self.path}")
        # let go when closed, or when the mark is dropped without a close
        self._release = weakref.finalize(self, _release, handle, self.path)

    def close(self) -> None:
        """Let go of the mark (a process that dies lets go by itself)."""
        self._release()


def _release(handle: IO[bytes], path: Path) -> None:
    _unlock(handle)
    handle.close()
    with contextlib.suppress(OSError):
        path.unlink()


def alive(folder: Path, token: str) -> bool:
    """Whether the process that made mark ``token`` on ``folder`` is still running."""
    path = Path(folder) / FOLDER / f"{token}.lock"
    try:
        handle = open(path, "r+b")  # noqa: SIM115 - closed below
    except OSError:
        return False  # its mark is gone: it ended
    try:
        if not _lock(handle):
            return True
        _unlock(handle)
    finally:
        handle.close()
    with contextlib.suppress(OSError):
        path.unlink()  # the owner is gone: tidy its mark away
    return False
