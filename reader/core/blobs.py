"""The bytes of imported files and their images, kept so the library never depends on the user's
files.

They live in the library database (``Store.keep_blob``), written in the transaction of the rows
that refer to them: a document and its original are committed together or not at all. Libraries
from before schema 6 kept them as files named by their SHA-256 under ``originals/ab/abcdef...``;
those are still read from there (LegacyOriginals), and a backup still carries them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


class LegacyOriginals:
    """The originals folder of a library from before schema 6, read only."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, digest: str) -> Path:
        """Where the file with this digest is, if it is one of the old library's."""
        return self.root / digest[:2] / digest

    def get(self, digest: str) -> bytes:
        """The bytes of a kept file (FileNotFoundError if there is none)."""
        return self.path(digest).read_bytes()
