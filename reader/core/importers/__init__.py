"""The import registry: sniff a file's content, pick its importer, return one ExtractedDocument.

Every importer raises only :class:`reader.core.errors.ImportFailed`, with a message that says
in plain words why the file could not be imported.
"""

from __future__ import annotations

import functools
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reader.core.errors import ImportFailed
from reader.core.models import ExtractedDocument

# An article is kilobytes; a 10 MB text file is a book or a log, slow to index and to show.
MAX_FILE_BYTES = 10 * 1024 * 1024
# An EPUB is a ZIP of text and images: illustrated books and news issues run to tens of MB.
MAX_EPUB_BYTES = 100 * 1024 * 1024

# Known binary formats by their first bytes, so that the message can name what the file is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (EPUB, Word or similar)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg media file"),
)
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")
_WEB_SUFFIXES = {".html", ".htm", ".xhtml"}


@dataclass(frozen=True, slots=True)
class Importer:
    """One import format: which files it takes and how it turns bytes into a document."""

    name: str
    suffixes: frozenset[str]
    # (bytes, file name, encoding the user chose or None) -> the document
    extract: Callable[[bytes, str, str | None], ExtractedDocument]
    # For files that may hold several articles (an EPUB news issue): all of them, in order.
    extract_many: Callable[[bytes, str, str | None], list[ExtractedDocument]] | None = None


@functools.cache
def _registry() -> tuple[Importer, ...]:
    """The importers, plain text last (made once: the imports cost more than sniffing)."""
    from reader.core.importers import epub, html, markdown, mhtml, text

    return (html.IMPORTER, markdown.IMPORTER, mhtml.IMPORTER, epub.IMPORTER, text.IMPORTER)


def read_file(path: Path) -> bytes:
    """Read a file to import, refusing what cannot be an article before reading it all."""
    limit, what = MAX_FILE_BYTES, "articles"
    if path.suffix.lower() == ".epub":
        limit, what = MAX_EPUB_BYTES, "EPUBs"
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise ImportFailed("it is a folder, not a file")
        size = status.st_size
        if size > limit:
            raise ImportFailed(
                f"it is too large ({size / 1_048_576:.1f} MB; "
                f"Reader imports {what} up to {limit // 1_048_576} MB)"
            )
        with path.open("rb") as handle:
            # As much as its size says (a buffer of the limit is mapped and unmapped for each
            # file); the rest if it grew meanwhile. Size 0: empty, or not a regular file.
            data = handle.read(size + 1 if size else limit + 1)
            if size and len(data) > size:
                data += handle.read(limit - size)
    except FileNotFoundError as exc:
        raise ImportFailed("the file does not exist") from exc
    except PermissionError as exc:
        raise ImportFailed("Reader is not allowed to read it") from exc
    except OSError as exc:
        raise ImportFailed(f"it could not be read ({exc.strerror or exc})") from exc
    if len(data) > limit:
        raise ImportFailed("it is too large (it grew while being read)")
    return data


def sniff(data: bytes, name: str) -> Importer:
    """The importer for these bytes; raises ImportFailed for empty and unsupported content."""
    if not data.strip():
        raise ImportFailed("the file is empty")
    head = data[:1024]
    suffix = Path(name).suffix.lower()
    importers = _registry()
    epub = next(i for i in importers if i.name == "epub")
    if head.startswith(b"PK\x03\x04") and (suffix == ".epub" or _says_epub(data)):
        return epub
    for magic, description in _MAGIC:
        if head.startswith(magic):
            raise ImportFailed(f"it is {description}, which Reader cannot import yet")
    if suffix == ".epub":
        return epub  # it says why this is no EPUB
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix in (".mhtml", ".mht") or (
        b"multipart/related" in lowered and (b"mime-version:" in lowered or b"from:" in lowered)
    ):
        return next(i for i in importers if i.name == "mhtml")
    if suffix in _WEB_SUFFIXES or lowered.startswith(_HTML_MARKERS):
        return importers[0]  # HTML, whatever the name says
    for importer in importers:
        if suffix in importer.suffixes:
            return importer
    return importers[-1]  # anything else that decodes as text is read as plain text


def _says_epub(data: bytes) -> bool:
    """True for a ZIP whose first member is ``mimetype`` holding ``application/epub+zip``."""
    name_length = int.from_bytes(data[26:28], "little")
    extra_length = int.from_bytes(data[28:30], "little")
    start = 30 + name_length + extra_length
    return (
        data[30 : 30 + name_length] == b"mimetype"
        and data[start : start + 20] == b"application/epub+zip"
    )


def extract_all(data: bytes, name: str, encoding: str | None = None) -> list[ExtractedDocument]:
    """The documents in the bytes of a file called ``name`` (one, unless it holds several).

    ``encoding`` overrides what the bytes seem to be in (the user chose it).
    """
    importer = sniff(data, name)
    if importer.extract_many is not None:
        documents = importer.extract_many(data, name, encoding)
        if not documents:
            raise ImportFailed("no article text was found in it")
        return documents
    return [importer.extract(data, name, encoding)]


def extract_bytes(data: bytes, name: str, encoding: str | None = None) -> ExtractedDocument:
    """The (first) document in the bytes of a file called ``name``."""
    return extract_all(data, name, encoding)[0]


def supported_suffixes() -> frozenset[str]:
    """File name endings that a folder import picks up."""
    return frozenset().union(*(importer.suffixes for importer in _registry()))
