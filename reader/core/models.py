"""Dataclasses for what the app talks about; core returns these, never sqlite or Whoosh objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Kinds of block a paragraph can be shown as.
BLOCK_KINDS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "quote", "code", "row", "image", "caption"}
)
# Kinds of inline formatting.
MARK_KINDS = frozenset({"em", "strong", "code", "link", "del", "sup", "sub"})


@dataclass(frozen=True, slots=True)
class Mark:
    """Inline formatting of part of a paragraph: code-point offsets within the paragraph."""

    start: int
    end: int
    kind: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """How one paragraph of the clean text is shown.

    An ``image`` block's paragraph is empty; ``src`` names the image as its page did (a relative
    path or a URL), and the library keeps the image's bytes under that name. A ``row`` is a table
    row whose cells are separated by tabs. ``level`` is the nesting depth of list items and
    quotes, ``ordinal`` the number of an item in a numbered list.
    """

    kind: str = "p"
    level: int = 0
    ordinal: int | None = None
    src: str | None = None
    marks: tuple[Mark, ...] = ()


PLAIN = Block()


@dataclass(frozen=True, slots=True)
class ExtractedDocument:
    """What an importer makes of one file, before it is stored."""

    title: str
    paragraphs: tuple[str, ...]
    date: dt.date | None = None
    source: str | None = None
    byline: str | None = None
    language: str | None = None
    format: str = "text"
    encoding: str | None = None
    # Lines dropped from the body as navigation or other stories' headlines; searchable, not shown.
    removed: tuple[str, ...] = ()
    # One per paragraph, or () when every paragraph is plain.
    blocks: tuple[Block, ...] = ()
    # Image bytes by the name image blocks give them (filled by whoever can read them).
    images: Mapping[str, bytes] = field(default_factory=dict)
    # Which part of its file this is, for files that hold several articles ("" for the whole).
    part: str = ""

    @property
    def text(self) -> str:
        """The clean text: paragraphs separated by single newlines (offsets count code points)."""
        return "\n".join(self.paragraphs)

    def layout(self) -> tuple[Block, ...]:
        """One block per paragraph (plain ones where the format said nothing)."""
        return self.blocks or (PLAIN,) * len(self.paragraphs)


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One row of the document list."""

    id: int
    title: str
    date: dt.date | None
    source: str | None
    byline: str | None
    language: str | None
    imported_from: str
    is_read: bool


@dataclass(frozen=True, slots=True)
class Document:
    """A stored document with its clean text."""

    id: int
    title: str
    date: dt.date | None
    source: str | None
    byline: str | None
    language: str | None
    text: str
    format: str
    encoding: str | None
    imported_from: str
    original_sha256: str
    original_size: int
    imported_at: dt.datetime
    is_read: bool
    read_position: int
    removed: str = ""
    tags: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    # Stored images: the name image blocks use -> content address of the kept bytes.
    images: Mapping[str, str] = field(default_factory=dict)
    part: str = ""

    @property
    def paragraphs(self) -> list[str]:
        """The clean text split into paragraphs."""
        return self.text.split("\n") if self.text else []


@dataclass(frozen=True, slots=True)
class Annotation:
    """A highlight (with an optional note and tags) on a passage of a document's clean text."""

    id: int
    uuid: str
    doc_id: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    color: str
    note: str
    tags: tuple[str, ...]
    orphan: bool
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A bookmarked document (position None) or place in it."""

    id: int
    doc_id: int
    position: int | None
    name: str | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: the document, its score and a snippet.

    ``snippet`` is HTML-escaped text in which matched words are wrapped in ``<b>...</b>``.
    """

    id: int
    title: str
    date: dt.date | None
    source: str | None
    snippet: str
    score: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of hits plus what the whole result set looks like."""

    query: str
    total: int
    hits: list[SearchHit]
    suggestion: str | None
    by_year: dict[str, int]
    by_month: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TimelineBucket:
    """Number of documents in one year (month None) or one month; year None means undated."""

    year: int | None
    month: int | None
    count: int

    @property
    def label(self) -> str:
        """'2024', '2024-10' or 'undated'."""
        if self.year is None:
            return "undated"
        if self.month is None:
            return f"{self.year:04d}"
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class ImportFailure:
    """A file (or web address) that was not imported and why."""

    path: Path | str
    reason: str


@dataclass(slots=True)
class ImportReport:
    """What a batch import did, file by file."""

    imported: list[int] = field(default_factory=list)
    duplicates: list[tuple[Path | str, int]] = field(default_factory=list)
    failures: list[ImportFailure] = field(default_factory=list)
    cancelled: bool = False
    index_pending: int = 0

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failures
