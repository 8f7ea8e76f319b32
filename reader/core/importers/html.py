"""Saved web pages: the article's text and metadata, extracted with trafilatura.

Nothing is fetched: the page is parsed from the bytes the user gave. Scripts, styles, forms and
remote resources never reach the stored text (trafilatura returns text, not markup).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from reader.core.encoding import decode, decode_with
from reader.core.errors import ImportFailed
from reader.core.extract import extract_article
from reader.core.importers import Importer
from reader.core.importers.htmlmeta import page_metadata
from reader.core.language import detect_language
from reader.core.models import ExtractedDocument

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
    import trafilatura  # imported on first use: it costs ~0.3 s at start-up

    html, encoding = decode_with(data, encoding) if encoding else _decode_page(data)
    try:
        page = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
        )
    except Exception as exc:  # a broken page must become a clear message, whatever broke
        raise ImportFailed(f"the web page could not be read ({exc.__class__.__name__})") from exc
    fields: dict[str, Any] = {}
    if isinstance(page, dict):
        fields = page
    elif page is not None:
        fields = page.as_dict()
    body = str(fields.get("text") or "").strip()
    if not body:
        raise ImportFailed("no article text was found in this web page")
    paragraphs = [" ".join(line.split()) for line in body.split("\n") if line.strip()]
    meta = page_metadata(html, fields)
    document = extract_article(
        body, paragraphs=paragraphs, title=meta.title, fallback_title=Path(name).stem, authored=True
    )
    return replace(
        document,
        date=meta.date or document.date,
        byline=meta.author or document.byline,
        source=meta.site or document.source,
        language=meta.language or detect_language(body),
        format="html",
        encoding=encoding,
    )


IMPORTER = Importer("html", frozenset({".html", ".htm", ".xhtml"}), extract)
