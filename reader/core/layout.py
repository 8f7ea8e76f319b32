"""How paragraphs are shown (headings, lists, quotes, code, images, inline marks), as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from reader.core.models import BLOCK_KINDS, MARK_KINDS, PLAIN, Block, Mark


def encode(blocks: Sequence[Block]) -> str:
    """The blocks as JSON for the store; '' when every paragraph is a plain one."""
    if all(block == PLAIN for block in blocks):
        return ""
    return json.dumps([_block_json(block) for block in blocks], separators=(",", ":"))


def decode(text: str, count: int) -> tuple[Block, ...]:
    """The blocks of a document with ``count`` paragraphs; () (all plain) if they do not fit."""
    if not text:
        return ()
    try:
        items = json.loads(text)
        blocks = tuple(_block(item) for item in items)
    except (ValueError, TypeError, KeyError):
        return ()
    return blocks if len(blocks) == count else ()


def _block_json(block: Block) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if block.kind != "p":
        item["k"] = block.kind
    if block.level:
        item["l"] = block.level
    if block.ordinal is not None:
        item["n"] = block.ordinal
    if block.src is not None:
        item["s"] = block.src
    if block.marks:
        item["m"] = [
            [m.start, m.end, m.kind, m.href] if m.href else [m.start, m.end, m.kind]
            for m in block.marks
        ]
    return item


def _block(item: dict[str, Any]) -> Block:
    kind = str(item.get("k", "p"))
    marks = tuple(
        Mark(int(m[0]), int(m[1]), str(m[2]), str(m[3]) if len(m) > 3 else None)
        for m in item.get("m", ())
    )
    return Block(
        kind=kind if kind in BLOCK_KINDS else "p",
        level=int(item.get("l", 0)),
        ordinal=None if item.get("n") is None else int(item["n"]),
        src=None if item.get("s") is None else str(item["s"]),
        marks=tuple(m for m in marks if m.kind in MARK_KINDS and 0 <= m.start < m.end),
    )


class BlockBuilder:
    """Collects paragraphs and their blocks while an importer walks a document's structure.

    Text is added in pieces (with the marks open at the time); ``end_block`` closes the current
    paragraph with its kind. Whitespace is collapsed as HTML would, except in code blocks.
    """

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._length = 0
        self._marks: list[Mark] = []

    def add_text(self, text: str, marks: Sequence[tuple[str, str | None]] = ()) -> None:
        """Add inline text; ``marks`` are (kind, href) pairs that apply to all of it."""
        if not text:
            return
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        for kind, href in marks:
            self._marks.append(Mark(start, self._length, kind, href))

    def end_block(
        self, kind: str = "p", *, level: int = 0, ordinal: int | None = None, raw: bool = False
    ) -> None:
        """Close the paragraph being built (nothing happens when it has no text)."""
        text = "".join(self._parts)
        parts, marks = self._parts, self._marks
        self._parts, self._marks, self._length = [], [], 0
        if raw:
            for line in text.split("\n"):
                if line.strip():
                    self._append(line.rstrip(), Block(kind, level, ordinal))
            return
        cleaned, mapped = _collapse(text, marks)
        del parts
        if cleaned:
            self._append(cleaned, Block(kind, level, ordinal, marks=mapped))

    def add_image(self, src: str) -> None:
        """An image block (the paragraph being built is closed first)."""
        self.end_block()
        self._append("", Block("image", src=src))

    def _append(self, text: str, block: Block) -> None:
        self.paragraphs.append(text)
        self.blocks.append(block)


def _collapse(text: str, marks: list[Mark]) -> tuple[str, tuple[Mark, ...]]:
    """Collapse runs of whitespace to one space and trim, moving the marks along."""
    cleaned = " ".join(text.split())
    if not marks:
        return cleaned, ()
    # The new offset of every mark boundary: the collapsed length of the text before it (a
    # trailing space counts, leading ones do not), measured piece by piece in C.
    new_at: dict[int, int] = {}
    position, length, space = 0, 0, True  # space: at the start, or just after a space
    for offset in sorted({m.start for m in marks} | {m.end for m in marks}):
        piece = text[position:offset]
        if piece:
            words = piece.split()
            if not words:
                length += 0 if space else 1
                space = True
            else:
                length += (0 if space or not piece[0].isspace() else 1) + len(" ".join(words))
                space = piece[-1].isspace()
                length += 1 if space else 0
        new_at[offset] = length
        position = offset
    size = len(cleaned)
    merged: dict[tuple[str, str | None], list[tuple[int, int]]] = {}
    for mark in marks:
        start, end = min(new_at[mark.start], size), min(new_at[mark.end], size)
        while start < end and cleaned[start] == " ":
            start += 1
        while end > start and cleaned[end - 1] == " ":
            end -= 1
        if start < end:
            spans = merged.setdefault((mark.kind, mark.href), [])
            last = spans[-1][1] if spans else -2
            if last >= start or (last == start - 1 and cleaned[last] == " "):
                spans[-1] = (spans[-1][0], max(spans[-1][1], end))
            else:
                spans.append((start, end))
    result = [
        Mark(start, end, kind, href)
        for (kind, href), spans in merged.items()
        for start, end in spans
    ]
    result.sort(key=lambda m: (m.start, -m.end))
    return cleaned, tuple(result)
