"""One writer at a time, and no lock file left behind once a command ends.

On POSIX the lock is ``flock`` on ``FILE.lock``. The holder removes the file before it lets go;
a process that was waiting may then hold the lock of a file that is gone, so after locking it
checks that the path still names the file it locked, and tries again if not. A killed process
leaves its lock file, but no lock (the kernel drops it), so the next writer goes ahead and
removes the file when it ends. Elsewhere filelock's own lock is used (on Windows it removes the
file on release).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


class LockTimeout(Exception):
    """Another process held the lock for the whole timeout."""


@contextmanager
def hold(path: Path, timeout: float, poll: float = 0.05) -> Iterator[None]:
    """Hold the lock file ``path`` while the block runs; wait at most ``timeout`` seconds."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        with _filelock(path, timeout):
            yield
        return
    deadline = time.monotonic() + timeout
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise LockTimeout(str(path)) from None
            time.sleep(poll)
            continue
        if _still_named(path, fd):
            break
        os.close(fd)  # the holder before us removed the file we locked: lock the new one
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            os.unlink(path)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _still_named(path: Path, fd: int) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (mine.st_dev, mine.st_ino)


@contextmanager
def _filelock(path: Path, timeout: float) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock = FileLock(str(path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockTimeout(str(path)) from None
    try:
        yield
    finally:
        lock.release()
