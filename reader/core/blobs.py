"""Content-addressed copies of imported files, so the library never depends on the user's files."""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Iterator
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


class BlobStore:
    """Files named by their SHA-256 under ``root/ab/abcdef...``; written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

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
        if target.exists() and target.stat().st_size == len(data):
            return digest, False
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
        # A name of its own (no mkstemp: it tries random names through Python, ~0.3 ms).
        tmp = str(target.parent / f".tmp-{digest[:16]}-{os.getpid()}-{threading.get_ident()}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(tmp, flags, 0o600)
        except FileExistsError:  # left by a killed process that had the same id
            os.unlink(tmp)
            fd = os.open(tmp, flags, 0o600)
        except FileNotFoundError:  # the empty folder was just discarded by another import
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, flags, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
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
