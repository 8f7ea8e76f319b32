"""Images that travel with an article: checked, bounded, and read only from where it is safe."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reader.core.models import ExtractedDocument

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGES_BYTES = 40 * 1024 * 1024  # all images of one document together
MAX_IMAGES = 300

# Raster formats QTextDocument shows through Qt's image readers. SVG is left out: it is a
# document format of its own (scripts, external references), and not needed for articles.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)

ImageLoader = Callable[[str], bytes | None]


def image_type(data: bytes) -> str | None:
    """The MIME type of an image Reader can show, from its first bytes; None for anything else."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for signature, mime in _SIGNATURES:
        if data.startswith(signature):
            return mime
    return None


def image_refs(doc: ExtractedDocument) -> list[str]:
    """The names of the images a document shows, in order, each once."""
    return list(dict.fromkeys(b.src for b in doc.blocks if b.kind == "image" and b.src))


def with_images(doc: ExtractedDocument, load: ImageLoader | None) -> ExtractedDocument:
    """``doc`` with the bytes of its images that ``load`` (or the importer) could give.

    Images that cannot be had, are not images, or exceed the limits are left out, and so are
    their blocks: the reader never shows a broken image or fetches one.
    """
    refs = image_refs(doc)
    if not refs:
        return doc
    found: dict[str, bytes] = {}
    total = 0
    for ref in refs[:MAX_IMAGES]:
        data = doc.images.get(ref)
        if data is None and load is not None:
            data = load(ref)
        if data is None or len(data) > MAX_IMAGE_BYTES or image_type(data) is None:
            continue
        if total + len(data) > MAX_IMAGES_BYTES:
            break
        found[ref] = data
        total += len(data)
    keep = [
        i
        for i, block in enumerate(doc.blocks)
        if block.kind != "image" or (block.src is not None and block.src in found)
    ]
    if len(keep) == len(doc.blocks):
        return replace(doc, images=found)
    return replace(
        doc,
        paragraphs=tuple(doc.paragraphs[i] for i in keep),
        blocks=tuple(doc.blocks[i] for i in keep),
        images=found,
    )


def folder_loader(page: Path) -> ImageLoader:
    """Read images a saved page names by relative path, from its folder and below only.

    A page saved "complete" keeps its images in ``<name>_files/`` beside it. Absolute paths,
    ``..`` and links that lead out of the page's folder are refused, so a hostile page cannot
    make Reader copy other files of the user's into the library.
    """
    roots: list[Path] = []  # the page's folder, resolved when the first image is asked for

    def load(ref: str) -> bytes | None:
        parts = urlsplit(ref)
        if parts.scheme not in ("", "file") or parts.netloc not in ("", "localhost"):
            return None
        relative = unquote(parts.path)
        if parts.scheme == "file" or relative.startswith("/") or "\\" in relative:
            return None
        normal = posixpath.normpath(relative)
        if normal.startswith("..") or normal in (".", ""):
            return None
        try:
            if not roots:  # (most pages have no image: resolving costs four system calls)
                roots.append(page.parent.resolve())
            root = roots[0]
            target = (root / normal).resolve()
            if not target.is_relative_to(root) or not target.is_file():
                return None
            if target.stat().st_size > MAX_IMAGE_BYTES:
                return None
            with target.open("rb") as handle:
                return handle.read(MAX_IMAGE_BYTES + 1)
        except OSError:
            return None

    return load


def mapping_loader(images: Mapping[str, bytes]) -> ImageLoader:
    """Images already at hand (kept in the library, or parts of a web archive)."""
    return images.get
