"""One relay per data directory: an exclusive lock on ``<data>/relay.lock``.

Two relays on one SQLite database would each keep their own writer state (seq heads,
caches; see ``relay.storage.hot``) and hand out the same seqs, and two relays on one blob
directory race on temporary files. The lock is an OS lock (``fcntl.flock`` on POSIX,
``msvcrt.locking`` on Windows) held for the process's lifetime: the OS drops it when the
process exits, however it exits, so a crashed relay never leaves a stale lock behind.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LOCK_NAME = "relay.lock"


class DataDirInUse(RuntimeError):
    """Another relay (process, or relay in this process) is using the data directory."""

    def __init__(self, data_dir: Path, owner: str) -> None:
        who = f"another relay (pid {owner})" if owner else "another relay"
        super().__init__(
            f"data directory {data_dir} is in use by {who}; stop it first or start this "
            "relay with another --data directory"
        )
        self.data_dir = data_dir
        self.owner = owner


class DataDirLock:
    """The exclusive lock of a data directory: ``acquire()`` or ``DataDirInUse``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(fd)
        except OSError:
            owner = _read_owner(fd)
            os.close(fd)
            raise DataDirInUse(self.data_dir, owner) from None
        try:  # who holds it, for the other relay's error message
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        except OSError:
            pass
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                _unlock(fd)
            finally:
                os.close(fd)


def _read_owner(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode(errors="replace").strip()
    except (OSError, AttributeError):  # Windows: the locked byte range is unreadable
        return ""


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
