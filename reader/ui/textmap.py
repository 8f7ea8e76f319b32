"""Convert between code-point offsets in a text and positions in the QTextDocument showing it."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

# Characters QTextDocument would treat as structure (block and line breaks, frame markers,
# embedded objects) or could not hold (lone surrogates), so they never reach it as they are.
_AS_SPACE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_AS_REPLACEMENT = re.compile("[\ud800-\udfff\ufdd0\ufdd1\ufffc]")
# Characters outside the Basic Multilingual Plane take two UTF-16 code units.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def display_text(text: str) -> str:
    """``text`` made safe to hand to QTextDocument, character for character.

    Newlines are kept (they are the paragraph breaks); control and separator characters become
    spaces and lone surrogates, frame markers and object characters become U+FFFD. Both the
    length in code points and the length in UTF-16 units stay the same, so offsets still hold.
    """
    return _AS_REPLACEMENT.sub("\ufffd", _AS_SPACE.sub(" ", text))


def utf16_length(text: str) -> int:
    """How many UTF-16 code units (QString characters) ``text`` takes."""
    return len(text) + sum(1 for _ in _ASTRAL.finditer(text))


class TextMap:
    """Maps offsets in ``text`` to positions in a QTextDocument and back.

    ``text`` holds paragraphs separated by ``"\\n"``; the document holds the same paragraphs as
    consecutive blocks starting at position ``base`` (blocks before it, such as a heading, are
    not part of the text). A block break takes one position, as ``"\\n"`` takes one offset;
    a character outside the BMP takes two positions and one offset; an embedded object (an
    image) takes one position and no offset: ``objects`` are the offsets they stand before.
    """

    __slots__ = ("_extra_owner", "_extra_units", "base", "length")

    def __init__(self, text: str, base: int = 0, objects: Iterable[int] = ()) -> None:
        self.base = base
        self.length = len(text)
        # Every position that has no offset of its own, as (offset it comes before, owner):
        # the second half of an astral character belongs to that character, an object to the
        # offset after it.
        inserted = sorted(
            [(match.start() + 1, match.start()) for match in _ASTRAL.finditer(text)]
            + [(offset, offset) for offset in objects]
        )
        self._extra_units = [before + i for i, (before, _) in enumerate(inserted)]
        self._extra_owner = [owner for _, owner in inserted]

    @classmethod
    def at_end(cls, text: str, character_count: int, objects: Iterable[int] = ()) -> TextMap:
        """The map for a document whose last blocks hold ``text`` (and ``objects``).

        ``character_count`` is ``QTextDocument.characterCount()``, which counts the document's
        final block break too.
        """
        objects = list(objects)
        return cls(text, character_count - 1 - utf16_length(text) - len(objects), objects)

    @property
    def end(self) -> int:
        """The document position just after the text."""
        return self.base + self.length + len(self._extra_units)

    def position(self, offset: int) -> int:
        """The document position of code-point ``offset`` (clamped to the text)."""
        offset = min(max(offset, 0), self.length)
        # Extra units inserted before or at this offset: units before ``offset + i``.
        low, high = 0, len(self._extra_units)
        while low < high:
            middle = (low + high) // 2
            if self._extra_units[middle] - middle <= offset:
                low = middle + 1
            else:
                high = middle
        return self.base + offset + low

    def offset(self, position: int) -> int:
        """The code-point offset at document ``position`` (clamped to the text).

        A position before ``base`` gives 0; a position between the two halves of a surrogate
        pair gives the offset of that character, the position of an object the offset after it.
        """
        units = min(max(position - self.base, 0), self.end - self.base)
        before = bisect_left(self._extra_units, units)
        if before < len(self._extra_units) and self._extra_units[before] == units:
            return self._extra_owner[before]
        return units - before

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The document positions of the code-point span ``start:end``."""
        return self.position(start), self.position(end)
