"""A web page's metadata (title, date, author, site, language) from what the page carries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reader.core.dates import parse_structured_date

_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What the page says about itself; None where it says nothing usable."""

    title: str | None = None
    date: dt.date | None = None
    author: str | None = None
    site: str | None = None
    language: str | None = None


def page_metadata(html: str, fields: Mapping[str, Any]) -> PageMetadata:
    """The page's metadata: ``fields`` is what trafilatura's bare_extraction found in ``html``."""
    date = fields.get("date")
    return PageMetadata(
        title=fields.get("title") or _title_tag(html) or None,
        date=parse_structured_date(str(date)) if date else None,
        author=fields.get("author") or None,
        site=fields.get("sitename") or None,
        language=str(fields.get("language") or "").split("-")[0] or None,
    )


def _title_tag(html: str) -> str:
    match = _TITLE_TAG.search(html[:200_000])
    return " ".join(match.group(1).split()) if match else ""
