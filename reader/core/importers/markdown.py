"""Markdown notes and articles: front matter for metadata, the text without Markdown syntax."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from reader.core.dates import parse_structured_date
from reader.core.encoding import decode_with
from reader.core.errors import ImportFailed
from reader.core.extract import extract_article, normalize
from reader.core.importers import Importer
from reader.core.models import ExtractedDocument

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?:[^)]*)\)|\[(?P<ref>[^\]]+)\]\[[^\]]*\]")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~)(?=\S)(?P<inner>.+?)(?<=\S)\1")
_CODE_SPAN = re.compile(r"`+(?P<inner>[^`]+)`+")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")

_TITLE_KEYS = ("title",)
_DATE_KEYS = ("date", "published", "pubdate", "created")
_AUTHOR_KEYS = ("author", "authors", "byline")
_SOURCE_KEYS = ("source", "site", "publisher", "outlet")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields: dict[str, str] = {}
    for line in match.group("body").split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "\t", "-")):
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, text[match.end() :]


def _inline(text: str) -> str:
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: m.group("text") or m.group("ref"), text)
    text = _CODE_SPAN.sub(lambda m: m.group("inner"), text)
    for _ in range(3):  # nested emphasis: ***bold italic***
        text = _EMPHASIS.sub(lambda m: m.group("inner"), text)
    text = _HTML_TAG.sub("", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", text)
    return " ".join(text.split())


def _blocks(body: str) -> tuple[list[str], str | None]:
    """Paragraphs (with Markdown syntax removed) and the first level-1 heading, if any."""
    paragraphs: list[str] = []
    heading: str | None = None
    current: list[str] = []
    in_code = False

    def flush() -> None:
        if current:
            paragraphs.append(_inline(" ".join(part.strip() for part in current)))
            current.clear()

    for line in body.split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            flush()
            in_code = not in_code
            continue
        if in_code:
            if stripped:
                paragraphs.append(line.rstrip())
            continue
        if match := _HEADING.match(stripped):
            flush()
            text = _inline(match.group("text"))
            if heading is None and len(match.group("level")) == 1:
                heading = text
            paragraphs.append(text)
        elif _SETEXT.match(stripped) and len(current) == 1:
            text = _inline(current.pop())
            if heading is None and stripped.startswith("="):
                heading = text
            paragraphs.append(text)
        elif not stripped or _LINK_DEFINITION.match(line) or re.fullmatch(r"[-*_ ]{3,}", stripped):
            flush()
        elif _LIST_ITEM.match(line) or stripped.startswith(">"):
            flush()
            current.append(_LIST_ITEM.sub("", stripped.lstrip("> ")))
            if _LIST_ITEM.match(line):
                flush()
        else:
            current.append(stripped)
    flush()
    return [p for p in paragraphs if p], heading


def extract(data: bytes, name: str, encoding: str | None = None) -> ExtractedDocument:
    """Import a Markdown file."""
    text, encoding = decode_with(data, encoding)
    fields, body = _front_matter(normalize(text))
    paragraphs, heading = _blocks(body)
    if not paragraphs and not fields.get("title"):
        raise ImportFailed("the file has no text")
    title = next((fields[k] for k in _TITLE_KEYS if fields.get(k)), None) or heading
    document = extract_article(
        body, paragraphs=paragraphs, title=title, fallback_title=Path(name).stem, authored=True
    )
    date = next(
        (d for k in _DATE_KEYS if fields.get(k) and (d := parse_structured_date(fields[k]))),
        None,
    )
    byline = next((fields[k] for k in _AUTHOR_KEYS if fields.get(k)), None)
    source = next((fields[k] for k in _SOURCE_KEYS if fields.get(k)), None)
    return replace(
        document,
        date=date or document.date,
        byline=byline or document.byline,
        source=source or document.source,
        format="markdown",
        encoding=encoding,
    )


IMPORTER = Importer("markdown", frozenset({".md", ".markdown", ".mdown", ".mkd"}), extract)
