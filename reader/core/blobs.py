"""Content-addressed copies of imported files, so the library never depends on the user's files."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from reader.core.errors import ImportFailed


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def saving() -> Iterator[None]:
    """Turn a failure to keep a copy of a file (disk full, permissions) into ImportFailed."""
    try:
        yield
    except OSError as exc:
        raise ImportFailed(f"the copy of it could not be saved ({exc.strerror or exc})") from exc


def _load_syncfs() -> Callable[[int], int] | None:
    """Linux's syncfs(2): one call makes everything written to a file system durable."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    return function


_SYNCFS = _load_syncfs()


def can_sync_together() -> bool:
    """True where a batch of files can be made durable at once (see BlobStore.sync_written)."""
    return _SYNCFS is not None


class BlobStore:
    """Files named by their SHA-256 under ``root/ab/abcdef...``; written atomically.

    Each file is synced to disk as it is written, unless ``sync_later``: then the caller makes
    a batch of them durable with one sync_written() (a journal commit per file is most of the
    cost of keeping an article), before anything refers to them.
    """

    def __init__(self, root: Path, *, sync_later: bool = False) -> None:
        self.root = root
        self.sync_later = sync_later and can_sync_together()
        root.mkdir(parents=True, exist_ok=True)

    def sync_written(self) -> None:
        """Make every file written so far under the root durable (raises OSError)."""
        if _SYNCFS is None:
            return  # put_new synced each file
        fd = os.open(self.root, os.O_RDONLY)
        try:
            if _SYNCFS(fd) != 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code))
        finally:
            os.close(fd)

    def path(self, digest: str) -> Path:
        """Where the blob with this digest lives."""
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Keep ``data``; returns its digest. A blob that already exists is not rewritten."""
        return self.put_new(data)[0]

    def put_new(self, data: bytes) -> tuple[str, bool]:
        """Keep ``data``: (its digest, True if this call wrote the file)."""
        digest = sha256(data)
        target = self.path(digest)
        try:
            if os.stat(target).st_size == len(data):
                return digest, False
        except (FileNotFoundError, NotADirectoryError):
            pass
        # A name of its own (no mkstemp: it tries random names through Python, ~0.3 ms).
        tmp = str(target.parent / f".tmp-{digest[:16]}-{os.getpid()}-{threading.get_ident()}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(tmp, flags, 0o600)
        except FileExistsError:  # left by a killed process that had the same id
            os.unlink(tmp)
            fd = os.open(tmp, flags, 0o600)
        except FileNotFoundError:  # its fan-out folder is new (or was just emptied and removed)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, flags, 0o600)
        try:
            try:
                view = memoryview(data)
                while view:  # (a file object would cost three more system calls a file)
                    view = view[os.write(fd, view) :]
                if not self.sync_later:
                    os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest, True

    def discard(self, digest: str) -> None:
        """Delete a blob (one this process just wrote and nothing refers to)."""
        path = self.path(digest)
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # its fan-out folder too, if that is now empty
            path.parent.rmdir()

    def get(self, digest: str) -> bytes:
        """The bytes of a kept file."""
        return self.path(digest).read_bytes()

    def remove_strays(self, keep: set[str], older_than: float = 3600.0) -> int:
        """Delete leftovers of interrupted imports: temp files and blobs no document refers to.

        Only files older than ``older_than`` seconds go, so an import running in another
        process (blob written, database row not yet committed) is never disturbed.
        """
        removed = 0
        cutoff = time.time() - older_than
        for path in self.root.glob("*/*"):
            stray = path.name.startswith(".tmp-") or path.name not in keep
            if stray and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
