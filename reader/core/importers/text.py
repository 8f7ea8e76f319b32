"""Plain-text articles: decode the bytes, then extract metadata and the clean body."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reader.core.encoding import decode_with
from reader.core.errors import ImportFailed
from reader.core.extract import extract_article
from reader.core.importers import Importer
from reader.core.models import ExtractedDocument


def extract(data: bytes, name: str, encoding: str | None = None) -> ExtractedDocument:
    """Import a plain-text file."""
    text, encoding = decode_with(data, encoding)
    if not text.strip():
        raise ImportFailed("the file is empty")
    document = extract_article(text, fallback_title=Path(name).stem)
    return replace(document, format="text", encoding=encoding)


IMPORTER = Importer("text", frozenset({".txt", ".text", ""}), extract)
