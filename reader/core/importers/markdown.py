"""Markdown notes and articles: front matter for metadata, the body with its structure kept."""

from __future__ import annotations

import functools
import html
import re
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from reader.core.dates import parse_structured_date
from reader.core.encoding import decode_with
from reader.core.errors import ImportFailed
from reader.core.extract import extract_article, normalize
from reader.core.importers import Importer
from reader.core.layout import BlockBuilder
from reader.core.models import Block, ExtractedDocument, Mark

_YAML_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\n(?P<body>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL
)
_TOML_FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\n(?P<body>.*?)\n\+\+\+[ \t]*(?:\n|\Z)", re.DOTALL)
_YAML_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w -]*?)\s*:(?:\s+(?P<value>.*))?$")
_YAML_ITEM = re.compile(r"^\s*-\s+(?P<value>.*)$")
_YAML_NAME = re.compile(r"^\s+name\s*:\s+(?P<value>.*)$")
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'\s*(?:#.*)?$")
_DOUBLE_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$')

_TITLE_KEYS = ("title",)
_DATE_KEYS = ("date", "published", "pubdate", "created")
_AUTHOR_KEYS = ("author", "authors", "byline")
_SOURCE_KEYS = ("source", "site", "publisher", "outlet")

# Deeper nesting than this (quotes in lists in quotes..., links in emphasis...) is left out:
# markdown-it skips it, and the recursion it would need is what a hostile file uses to crash a
# parser. Inline syntax nests little, and "[[[[..." costs time in proportion to its limit.
_MAX_BLOCK_NESTING = 32
_MAX_INLINE_NESTING = 10
# A paragraph this long is not prose; its inline syntax is not looked at (that could be slow).
_MAX_INLINE_CHARS = 200_000
# Parsing time allowed. A megabyte of ordinary Markdown parses in one to three seconds; input
# made to be slow (every character the start of a link, a line per heading) takes up to ten
# times as long, and is stopped here rather than keep an import busy for minutes.
_SECONDS_BASE = 10.0
_SECONDS_PER_MB = 8.0

_MARKS = {"em_open": "em", "strong_open": "strong", "s_open": "del"}
_HTML_MARKS = {
    "b": "strong",
    "strong": "strong",
    "i": "em",
    "em": "em",
    "code": "code",
    "del": "del",
    "s": "del",
    "strike": "del",
    "sup": "sup",
    "sub": "sub",
}
# Raw HTML whose content is not text to read.
_HIDDEN_HTML = frozenset({"script", "style", "template", "noscript", "svg", "iframe", "object"})
# Raw HTML elements that start a new paragraph.
_BLOCK_HTML = frozenset(
    "address article aside blockquote details dd div dl dt figcaption figure footer h1 h2 h3 h4"
    " h5 h6 header hr li main nav ol p pre section summary table td th tr ul".split()
)
_HTML_TAG = re.compile(r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)")
_HTML_HREF = re.compile(r"""\shref\s*=\s*(?:"(?P<q>[^"]*)"|'(?P<s>[^']*)'|(?P<u>[^\s>]+))""", re.I)
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):")
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_IMAGE_SCHEMES = frozenset({"http", "https"})


class _TooSlow(Exception):
    """Parsing went past its time budget."""


def _safe_ref(url: str, schemes: frozenset[str]) -> str | None:
    """``url`` if it is relative or uses one of ``schemes`` (never javascript:, data:...)."""
    url = url.strip()
    if not url:
        return None
    first = re.split(r"[/?#]", url, maxsplit=1)[0]
    if ":" not in first:
        return url
    match = _SCHEME.match(url)
    return url if match and match.group("scheme").lower() in schemes else None


def _html_href(tag: str) -> str | None:
    """The safe target of a raw ``<a href=...>`` tag."""
    match = _HTML_HREF.search(tag)
    if not match:
        return None
    return _safe_ref(
        html.unescape(match.group("q") or match.group("s") or match.group("u") or ""), _LINK_SCHEMES
    )


# --- Front matter --------------------------------------------------------------------------


def _scalar(value: str) -> str:
    """A YAML scalar as text: quotes and trailing comments removed."""
    value = value.strip()
    if match := _SINGLE_QUOTED.match(value):
        return match.group(1).replace("''", "'")
    if match := _DOUBLE_QUOTED.match(value):
        return re.sub(r"\\(.)", r"\1", match.group(1))
    return re.sub(r"\s+#.*$", "", value).strip()


def _flow_list(value: str) -> list[str] | None:
    """``[A, "B"]`` as a list; None for anything else."""
    value = value.strip()
    if not (value.startswith("[") and value.endswith("]")):
        return None
    return [s for part in value[1:-1].split(",") if (s := _scalar(part))]


def _yaml_fields(body: str) -> dict[str, str]:
    """The simple fields of YAML front matter: ``key: value``, lists, ``name:`` of a mapping.

    Not a YAML parser: what it does not understand it leaves out, and it never runs anything.
    """
    fields: dict[str, str] = {}
    lines = body.split("\n")
    for i, line in enumerate(lines):
        match = _YAML_KEY.match(line)
        if not match:
            continue
        key = match.group("key").strip().lower()
        value = (match.group("value") or "").strip()
        if value in ("", "|", ">", "|-", ">-"):
            nested: list[str] = []
            for following in lines[i + 1 :]:
                if following and not following[0].isspace() and not following.startswith("-"):
                    break
                if item := _YAML_ITEM.match(following):
                    nested.append(_scalar(item.group("value")))
                elif name := _YAML_NAME.match(following):
                    nested.append(_scalar(name.group("value")))
                elif value and following.strip():
                    nested.append(following.strip())
            text = ", ".join(n for n in nested if n) if not value else " ".join(nested)
        else:
            items = _flow_list(value)
            text = ", ".join(items) if items is not None else _scalar(value)
        if text and key not in fields:
            fields[key] = text
    return fields


def _toml_fields(body: str) -> dict[str, str]:
    """The top-level text, date and list-of-text fields of TOML front matter."""
    try:
        data = tomllib.loads(body)
    except tomllib.TOMLDecodeError:
        return {}
    fields: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if isinstance(v, str | int | float))
        elif isinstance(value, dict):
            value = value.get("name", "")
        if isinstance(value, str | int | float) or hasattr(value, "isoformat"):
            text = str(value).strip()
            if text:
                fields[key.lower()] = text
    return fields


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """The front matter's fields and the Markdown after it."""
    if match := _YAML_FRONT_MATTER.match(text):
        fields = _yaml_fields(match.group("body"))
    elif match := _TOML_FRONT_MATTER.match(text):
        fields = _toml_fields(match.group("body"))
    else:
        return {}, text
    if not fields:  # "---" lines around ordinary text: a rule and a heading, not metadata
        return {}, text
    return fields, text[match.end() :]


# --- Parsing -------------------------------------------------------------------------------


class _Parser(MarkdownIt):
    """CommonMark with tables and strikethrough, nesting capped, parsing time bounded."""

    def __init__(self, max_nesting: int) -> None:
        super().__init__("commonmark", {"maxNesting": max_nesting})
        self.enable(["table", "strikethrough"])
        # Also called for every line of a paragraph, list or quote being continued.
        self.block.ruler.before(
            "table",
            "deadline",
            _check_deadline,
            {"alt": ["paragraph", "reference", "blockquote", "list"]},
        )
        self.core.ruler.at("inline", _bounded_inline)

    def validateLink(self, url: str) -> bool:
        # Every link is parsed as one; unsafe targets lose their href, keeping the link text.
        return True


def _check_deadline(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if time.monotonic() > state.env["deadline"]:
        raise _TooSlow
    return False


def _bounded_inline(state: StateCore) -> None:
    """markdown-it's inline step, with the time budget checked and giant paragraphs left as text."""
    for token in state.tokens:
        if token.type != "inline":
            continue
        if time.monotonic() > state.env["deadline"]:
            raise _TooSlow
        token.children = []
        if len(token.content) > _MAX_INLINE_CHARS:
            token.children.append(Token("text", "", 0, content=token.content))
        else:
            inline = _parser(_MAX_INLINE_NESTING)
            inline.inline.parse(token.content, inline, state.env, token.children)


@functools.cache
def _parser(max_nesting: int) -> _Parser:
    return _Parser(max_nesting)


# --- From tokens to paragraphs and blocks ----------------------------------------------------


@dataclass(slots=True)
class _Container:
    """An open list item or block quote."""

    kind: str  # "li" or "quote"
    level: int
    ordinal: int | None = None
    used: bool = False  # a list item's first paragraph is the item; later ones are plain


class _HtmlText(HTMLParser):
    """The text of a raw HTML block: tags stripped, scripts and styles dropped."""

    def __init__(self, walker: _Walker) -> None:
        super().__init__(convert_charrefs=True)
        self._walker = walker
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_HTML:
            self._hidden += 1
        elif tag in _BLOCK_HTML:
            self._walker.end_block()
        elif tag == "br":
            self._walker.text(" ")
        elif tag == "img" and not self._hidden:
            self._walker.image(dict(attrs).get("src") or "")
            self._walker.end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_HTML:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_HTML:
            self._walker.end_block()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._walker.text(data)


@dataclass(slots=True)
class _Walker:
    """Turns markdown-it's flat token stream into paragraphs and blocks (no recursion)."""

    deadline: float
    out: BlockBuilder = field(default_factory=BlockBuilder)
    containers: list[_Container] = field(default_factory=list)
    lists: list[int | None] = field(default_factory=list)  # next number, None for bullets
    images: list[str] = field(default_factory=list)  # images met in the paragraph being built
    cells: list[tuple[str, tuple[Mark, ...]]] | None = None  # the table row being built
    cell: BlockBuilder | None = None
    hidden: int = 0  # inside inline <script> or <style>

    def run(self, tokens: Sequence[Token]) -> None:
        for number, token in enumerate(tokens):
            if number % 4096 == 0 and time.monotonic() > self.deadline:
                raise _TooSlow
            kind = token.type
            if kind == "inline":
                self.inline(token.children or [])
            elif kind == "heading_close":
                self.end_block(token.tag)
            elif kind == "paragraph_close":
                self.end_block()
            elif kind in ("fence", "code_block"):
                self.end_block()
                self.out.add_text(token.content)
                self.out.end_block("code", raw=True)
                self._use()
            elif kind == "html_block":
                parser = _HtmlText(self)
                parser.feed(token.content)
                parser.close()
                self.end_block()
            elif kind == "bullet_list_open":
                self.lists.append(None)
            elif kind == "ordered_list_open":
                start = token.attrGet("start")
                self.lists.append(int(start) if isinstance(start, int | str) else 1)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                ordinal = self.lists[-1] if self.lists else None
                if ordinal is not None:
                    self.lists[-1] = ordinal + 1
                self.containers.append(_Container("li", len(self.lists) - 1, ordinal))
            elif kind == "blockquote_open":
                level = sum(1 for c in self.containers if c.kind == "quote")
                self.containers.append(_Container("quote", level))
            elif kind in ("list_item_close", "blockquote_close"):
                self.containers.pop()
            elif kind == "tr_open":
                self.cells = []
            elif kind in ("th_open", "td_open"):
                self.cell = BlockBuilder()
            elif kind in ("th_close", "td_close"):
                self._end_cell()
            elif kind == "tr_close":
                self._end_row()

    def text(self, text: str, marks: Sequence[tuple[str, str | None]] = ()) -> None:
        (self.cell or self.out).add_text(text, marks)

    def image(self, src: str) -> None:
        ref = _safe_ref(src, _IMAGE_SCHEMES)
        if ref is not None:
            self.images.append(ref)

    def inline(self, children: Sequence[Token]) -> None:
        marks: list[tuple[str, str | None] | None] = []
        html_marks: list[tuple[str, str | None]] = []
        for token in children:
            kind = token.type
            active = [m for m in marks if m is not None] + html_marks
            if kind == "html_inline":
                self._html_inline(token.content, html_marks)
            elif self.hidden:
                continue
            elif kind == "text":
                self.text(token.content, active)
            elif kind == "code_inline":
                self.text(token.content, [*active, ("code", None)])
            elif kind in ("softbreak", "hardbreak"):
                self.text(" ")
            elif kind == "image":
                self.image(str(token.attrGet("src") or ""))
            elif kind == "link_open":
                href = _safe_ref(str(token.attrGet("href") or ""), _LINK_SCHEMES)
                marks.append(("link", href) if href else None)
            elif kind in _MARKS:
                marks.append((_MARKS[kind], None))
            elif kind.endswith("_close") and marks:
                marks.pop()

    def _html_inline(self, tag: str, html_marks: list[tuple[str, str | None]]) -> None:
        match = _HTML_TAG.match(tag)
        if not match:
            return  # a comment, a processing instruction...
        name, closing = match.group("name").lower(), bool(match.group("close"))
        if name in _HIDDEN_HTML and not tag.rstrip().endswith("/>"):
            self.hidden = max(0, self.hidden + (-1 if closing else 1))
        elif self.hidden:
            return
        elif name == "br":
            self.text(" ")
        elif name in _HTML_MARKS or name == "a":
            kind = _HTML_MARKS.get(name, "link")
            if not closing:
                href = _html_href(tag) if kind == "link" else None
                if kind != "link" or href:
                    html_marks.append((kind, href))
                return
            for i in range(len(html_marks) - 1, -1, -1):
                if html_marks[i][0] == kind:
                    del html_marks[i]
                    break

    def end_block(self, kind: str = "p") -> None:
        """Close the paragraph being built as ``kind`` ("p" takes its container's kind)."""
        level, ordinal = 0, None
        if kind == "p" and self.containers:
            item = self.containers[-1]
            if item.kind == "li" and not item.used:
                kind, level, ordinal = "li", item.level, item.ordinal
            else:
                quote = next((c for c in reversed(self.containers) if c.kind == "quote"), None)
                if quote is not None:
                    kind, level = "quote", quote.level
        before = len(self.out.paragraphs)
        self.out.end_block(kind, level=level, ordinal=ordinal)
        if len(self.out.paragraphs) > before:
            self._use()
        self._add_images()

    def _add_images(self) -> None:
        """The images met inline, as blocks after the paragraph or row that showed them."""
        for src in self.images:
            self.out.add_image(src)
        self.images.clear()

    def _use(self) -> None:
        if self.containers:
            self.containers[-1].used = True

    def _end_cell(self) -> None:
        if self.cell is None or self.cells is None:
            return
        self.cell.end_block()
        text, marks = "", tuple[Mark, ...]()
        if self.cell.paragraphs:
            text, marks = self.cell.paragraphs[0], self.cell.blocks[0].marks
        self.cells.append((text, marks))
        self.cell = None

    def _end_row(self) -> None:
        if not self.cells or not any(text for text, _ in self.cells):
            self.cells = None
            return
        row_marks: list[Mark] = []
        at = 0
        for text, marks in self.cells:
            row_marks.extend(replace(m, start=m.start + at, end=m.end + at) for m in marks)
            at += len(text) + 1
        # Table rows are assembled here: cells are separated by tabs, which the builder
        # would collapse into spaces.
        self.out.paragraphs.append("\t".join(text for text, _ in self.cells))
        self.out.blocks.append(Block("row", marks=tuple(row_marks)))
        self.cells = None
        self._add_images()


def _structure(body: str) -> tuple[list[str], list[Block]]:
    """The paragraphs and blocks of a Markdown body, within a time budget."""
    seconds = _SECONDS_BASE + _SECONDS_PER_MB * len(body) / 1_048_576
    deadline = time.monotonic() + seconds
    walker = _Walker(deadline=deadline)
    try:
        walker.run(_parser(_MAX_BLOCK_NESTING).parse(body, {"deadline": deadline}))
    except _TooSlow as exc:
        raise ImportFailed(
            f"its Markdown took too long to read (over {seconds:.0f} s): it is not an article"
        ) from exc
    except RecursionError as exc:
        raise ImportFailed("its Markdown is nested too deeply to read") from exc
    except Exception as exc:  # a parser bug must become a clear message, whatever broke
        raise ImportFailed(f"its Markdown could not be read ({exc.__class__.__name__})") from exc
    walker.end_block()
    return walker.out.paragraphs, walker.out.blocks


# --- The importer ----------------------------------------------------------------------------


def extract(data: bytes, name: str, encoding: str | None = None) -> ExtractedDocument:
    """Import a Markdown file."""
    text, encoding = decode_with(data, encoding)
    fields, body = _front_matter(normalize(text))
    paragraphs, blocks = _structure(body)
    if not any(paragraphs):
        raise ImportFailed("the file has no text")
    heading = next((p for p, b in zip(paragraphs, blocks, strict=True) if b.kind == "h1"), None)
    title = next((fields[k] for k in _TITLE_KEYS if fields.get(k)), None) or heading
    document = extract_article(
        body,
        paragraphs=paragraphs,
        title=title,
        fallback_title=Path(name).stem,
        authored=True,
        layout=blocks,
        keep_structure=True,
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
