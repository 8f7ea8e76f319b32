"""The text analyzer of the search index: English words stemmed, CJK runs as character bigrams.

The Whoosh schema pickles these classes by module path, so they must stay importable as
``reader.core.analysis.MixedTokenizer`` and ``reader.core.analysis.LatinStemFilter``; renaming or
moving them means bumping ``reader.core.index.INDEX_VERSION`` so that old indexes get rebuilt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Analyzer, Filter, Token, Tokenizer
from whoosh.lang import stemmer_for_language

_CJK_CLASS = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
CJK_RUN = re.compile(f"[{_CJK_CLASS}]+")
# Apostrophes split words (l'Élysée -> l, élysée; people's -> people, s); a query containing
# one becomes a phrase, so "people's" still finds exactly that.
_TOKEN = re.compile(rf"(?P<cjk>[{_CJK_CLASS}]+)|(?P<word>(?:(?![{_CJK_CLASS}])[^\W_])+)")
# Full-width ASCII (common in CJK text) maps one-to-one onto ASCII, keeping every offset.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}

_english_stem = stemmer_for_language("en")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The Snowball (Porter2) English stem of a lower-case word: running -> run."""
    result: str = _english_stem(word)
    return result


def is_cjk_token(text: str) -> bool:
    """True for a token that came from a CJK run (a bigram or a single character)."""
    return CJK_RUN.fullmatch(text) is not None


class MixedTokenizer(Tokenizer):  # type: ignore[misc]
    """Splits Latin (and other alphabetic) words, and cuts CJK runs into overlapping bigrams.

    A CJK run of n characters gives its n-1 bigrams at consecutive positions, so a query of
    several CJK characters becomes a phrase of bigrams; when indexing, the run's last character
    is also emitted alone (at the last bigram's position), so that every character starts some
    token and a one-character query can be answered with a prefix query.
    """

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MixedTokenizer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            token.pos = start_pos
            token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in _TOKEN.finditer(value.translate(_FULLWIDTH)):
            start = match.start()
            text = match.group()
            if match.lastgroup == "cjk":
                pieces: list[tuple[str, int, int]] = (
                    [(text, start, pos)]
                    if len(text) == 1
                    else [(text[i : i + 2], start + i, pos + i) for i in range(len(text) - 1)]
                )
                if len(text) > 1 and mode != "query":
                    pieces.append((text[-1], start + len(text) - 1, pos + len(text) - 2))
                for piece, piece_start, piece_pos in pieces:
                    token.text = piece
                    token.boost = 1.0
                    token.stopped = False
                    if keeporiginal:
                        token.original = piece
                    token.pos = piece_pos
                    token.startchar = start_char + piece_start
                    token.endchar = token.startchar + len(piece)
                    yield token
                pos += max(1, len(text) - 1)
            else:
                token.text = text.lower()
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                token.pos = pos
                token.startchar = start_char + start
                token.endchar = start_char + match.end()
                yield token
                pos += 1


class LatinStemFilter(Filter):  # type: ignore[misc]
    """Stems alphabetic words with Snowball English; leaves CJK tokens and numbers alone."""

    is_morph = True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LatinStemFilter)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            text = token.text
            if not token.stopped and not is_cjk_token(text) and not text.isdigit():
                token.text = stem(text)
            yield token


def text_analyzer() -> Analyzer:
    """The analyzer of title, body and other free-text fields."""
    return MixedTokenizer() | LatinStemFilter()


def name_analyzer() -> Analyzer:
    """The analyzer of names (source, byline): words and CJK bigrams, no stemming."""
    return MixedTokenizer()
