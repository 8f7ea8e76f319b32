"""Saved web pages: the article's text and metadata, extracted with trafilatura.

Nothing is fetched: the page is parsed from the bytes the user gave. Scripts, styles, forms and
remote resources never reach the stored text (trafilatura returns text, not markup).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from reader.core.encoding import decode, decode_with
from reader.core.errors import ImportFailed
from reader.core.importers import Importer
from reader.core.importers.htmlmeta import page_metadata
from reader.core.importers.tei import blocks_from_tree
from reader.core.language import detect_language
from reader.core.layout import BlockBuilder
from reader.core.models import Block, ExtractedDocument

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def _decode_page(data: bytes) -> tuple[str, str]:
    """The page as text: valid UTF-8 wins over a lying declaration; else declared, else detected."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _DECLARED.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        name = {"gb2312": "gb18030", "gbk": "gb18030"}.get(name, name)
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)


def extract(data: bytes, name: str, encoding: str | None = None) -> ExtractedDocument:
    """Import a saved web page (.html, .htm, .xhtml)."""
    html, encoding = decode_with(data, encoding) if encoding else _decode_page(data)
    return extract_page(html, name, encoding)


def extract_page(html: str, name: str, encoding: str | None) -> ExtractedDocument:
    """The article of a decoded web page: its structure, images by their ``src``, metadata."""
    import trafilatura  # imported on first use: it costs ~0.3 s at start-up

    try:
        page = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=True,
            include_links=True,
            include_formatting=True,
        )
    except Exception as exc:  # a broken page must become a clear message, whatever broke
        raise ImportFailed(f"the web page could not be read ({exc.__class__.__name__})") from exc
    if page is None or isinstance(page, dict) or page.body is None:
        raise ImportFailed("no article text was found in this web page")
    built = blocks_from_tree(page.body)
    if not any(char.isalnum() for text in built.paragraphs for char in text):
        raise ImportFailed("no article text was found in this web page")
    meta = page_metadata(html, page.as_dict())
    document = _as_extracted(built, meta.title or Path(name).stem)
    return replace(
        document,
        date=meta.date,
        byline=meta.author,
        source=meta.site,
        language=meta.language or detect_language(document.text),
        format="html",
        encoding=encoding,
    )


def _as_extracted(built: BlockBuilder, title: str) -> ExtractedDocument:
    """The article as trafilatura found it, without the heading that repeats its title and
    without what follows the last paragraph of prose when that is a feed of other stories."""
    key = " ".join(title.split()).casefold()
    pairs = list(zip(built.paragraphs, built.blocks, strict=True))
    end = _article_end(pairs)
    keep = [
        i
        for i, (text, block) in enumerate(pairs[:end])
        if not (block.kind in ("h1", "h2", "p") and text.casefold() == key and i < 3)
    ]
    removed = tuple(text for text, _ in pairs[end:] if text)
    return ExtractedDocument(
        title=title,
        paragraphs=tuple(built.paragraphs[i] for i in keep),
        blocks=tuple(built.blocks[i] for i in keep),
        removed=removed,
    )


def _linked(text: str, block: Block) -> bool:
    """True when the paragraph is (nearly) all link text: a headline of another story."""
    linked = sum(m.end - m.start for m in block.marks if m.kind == "link")
    return linked >= 0.8 * len(text) > 0


def _is_prose(text: str, block: Block) -> bool:
    cjk = sum(1 for c in text if "\u3400" <= c <= "\u9fff")
    long_enough = len(text) >= 60 or cjk >= 25
    return (
        block.kind in ("p", "quote", "li")
        and long_enough
        and not _linked(text, block)
        and text.rstrip()[-1:] in _SENTENCE_END
    )


def _article_end(pairs: list[tuple[str, Block]]) -> int:
    """Where the article ends: after its last prose paragraph, if what follows is a link feed.

    Trailing blocks are cut only when links make up a good part of them (other stories'
    headlines, "related" lists), so that short closing lines of the article itself stay.
    """
    last = max((i for i, (text, block) in enumerate(pairs) if _is_prose(text, block)), default=-1)
    if last < 0:
        return len(pairs)
    tail = [(text, block) for text, block in pairs[last + 1 :] if text]
    if len(tail) >= 3 and sum(_linked(text, block) for text, block in tail) >= 0.25 * len(tail):
        return last + 1
    return len(pairs)


_SENTENCE_END = frozenset(".!?。！？」』”\"')…")


IMPORTER = Importer("html", frozenset({".html", ".htm", ".xhtml"}), extract)
