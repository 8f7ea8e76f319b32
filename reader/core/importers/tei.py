"""Trafilatura's article tree (its XML: head, p, list, quote, code, table, graphic) as blocks."""

from __future__ import annotations

from typing import Any

from reader.core.layout import BlockBuilder

# Deeper nesting than this is flattened: real articles never come close, hostile pages might.
_MAX_DEPTH = 40
_INLINE_MARKS = {"#b": "strong", "#i": "em", "#u": "em", "#t": "code", "#sup": "sup", "#sub": "sub"}
_LINK_SCHEMES = ("http://", "https://", "mailto:")

Marks = tuple[tuple[str, str | None], ...]


def blocks_from_tree(body: Any, base: BlockBuilder | None = None) -> BlockBuilder:
    """Walk trafilatura's ``body`` element into paragraphs and blocks."""
    builder = base or BlockBuilder()
    _Walker(builder).blocks(body, "p", 0)
    builder.end_block()
    return builder


def _safe_href(href: str | None) -> str | None:
    if href and href.strip().lower().startswith(_LINK_SCHEMES):
        return href.strip()
    return None


class _Walker:
    def __init__(self, builder: BlockBuilder) -> None:
        self.out = builder

    def blocks(self, element: Any, kind: str, level: int, depth: int = 0) -> None:
        """The block-level children of ``element``; loose text goes into ``kind`` paragraphs."""
        if element.text:
            self.out.add_text(element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if depth >= _MAX_DEPTH:
                self.inline(child, (), depth)
            elif tag == "head":
                self.out.end_block(kind, level=level)
                self.inline_children(child, (), depth)
                rend = str(child.get("rend") or "h2")
                self.out.end_block(rend if rend in _HEADINGS else "h2")
            elif tag == "p":
                self.out.end_block(kind, level=level)
                self.inline_children(child, (), depth, kind, level)
                self.out.end_block(kind, level=level)
            elif tag == "list":
                self.out.end_block(kind, level=level)
                self.list(child, level if kind == "li" else 0, depth)
            elif tag == "quote" and len(child) == 0 and "\n" in (child.text or "").strip():
                # Trafilatura turns <pre> without <code> into a quote: lines that keep their breaks.
                self.out.end_block(kind, level=level)
                self.out.add_text(child.text or "")
                self.out.end_block("code", raw=True)
            elif tag == "quote":
                self.out.end_block(kind, level=level)
                self.blocks(child, "quote", level + 1 if kind == "quote" else 0, depth + 1)
                self.out.end_block("quote", level=level + 1 if kind == "quote" else 0)
            elif tag == "code" and self._is_block_code(child):
                self.out.end_block(kind, level=level)
                self.out.add_text("".join(child.itertext()))
                self.out.end_block("code", raw=True)
            elif tag == "table":
                self.out.end_block(kind, level=level)
                self.table(child)
            elif tag == "graphic":
                self.image(child, kind, level)
            elif tag == "lb":
                self.out.end_block(kind, level=level)
            else:
                self.inline(child, (), depth, kind, level)
            if child.tail:
                self.out.add_text(child.tail)

    def image(self, element: Any, kind: str, level: int) -> None:
        """An image block, closing the paragraph around it (inline data and scripts: none)."""
        src = (element.get("src") or "").strip()
        if src and not src.lower().startswith(("data:", "javascript:")):
            self.out.end_block(kind, level=level)
            self.out.add_image(src)

    def list(self, element: Any, level: int, depth: int) -> None:
        ordered = str(element.get("rend") or "").lower() == "ol"
        number = 0
        for child in element:
            if child.tag != "item":
                continue
            number += 1
            ordinal = number if ordered else None
            if child.text:
                self.out.add_text(child.text)
            for grandchild in child:
                if grandchild.tag == "list" and depth < _MAX_DEPTH:
                    self.out.end_block("li", level=level, ordinal=ordinal)
                    ordinal = None  # the rest of the item continues unnumbered
                    self.list(grandchild, level + 1, depth + 1)
                elif grandchild.tag in ("p", "lb"):
                    self.out.end_block("li", level=level, ordinal=ordinal)
                    ordinal = None
                    if grandchild.tag == "p":
                        self.inline_children(grandchild, (), depth + 1, "li", level)
                        self.out.end_block("li", level=level)
                else:
                    self.inline(grandchild, (), depth + 1, "li", level)
                if grandchild.tail:
                    self.out.add_text(grandchild.tail)
            self.out.end_block("li", level=level, ordinal=ordinal)

    def table(self, element: Any) -> None:
        for row in element.iter("row"):
            cells = [" ".join("".join(cell.itertext()).split()) for cell in row.iter("cell")]
            if any(cells):
                self.out.add_text("\t".join(cells))
                self.out.end_block("row", raw=True)

    def inline_children(
        self, element: Any, marks: Marks, depth: int, kind: str = "p", level: int = 0
    ) -> None:
        if element.text:
            self.out.add_text(element.text, marks)
        for child in element:
            self.inline(child, marks, depth + 1, kind, level)
            if child.tail:
                self.out.add_text(child.tail, marks)

    def inline(
        self, element: Any, marks: Marks, depth: int, kind: str = "p", level: int = 0
    ) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "lb":
            self.out.end_block(kind, level=level)
            return
        if tag == "graphic":
            self.image(element, kind, level)
            return
        extra: Marks = ()
        if tag == "hi":
            mark = _INLINE_MARKS.get(str(element.get("rend") or ""))
            extra = ((mark, None),) if mark else ()
        elif tag == "ref":
            href = _safe_href(element.get("target"))
            extra = (("link", href),) if href else ()
        elif tag == "code":
            extra = (("code", None),)
        elif tag == "del":
            extra = (("del", None),)
        if depth >= _MAX_DEPTH:
            self.out.add_text("".join(element.itertext()), marks + extra)
            return
        self.inline_children(element, marks + extra, depth, kind, level)

    @staticmethod
    def _is_block_code(element: Any) -> bool:
        text = "".join(element.itertext())
        return "\n" in text.strip() or (
            element.getparent() is not None and (element.getparent().tag == "body")
        )


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
