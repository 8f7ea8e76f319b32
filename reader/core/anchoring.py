"""Find an annotation's passage again in a document's text, after the text may have changed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Levenshtein, Opcodes

CONTEXT_LENGTH = 32
# A place is accepted only if its quote is at least this similar to the stored one (at most about
# half of it edited) and quote and context together score at least MIN_SCORE (see _score); below
# either the passage is taken as gone, an orphan, rather than put on unrelated text. Measured with
# tests/bench/anchoring_bench.py.
MIN_QUOTE_SIMILARITY = 0.5
MIN_SCORE = 0.65
# rapidfuzz's partial_ratio is bit-parallel up to 64 characters and much slower above.
_PROBE_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Selector:
    """Where a passage was: W3C Web Annotation quote and position selectors, and the text's hash.

    Offsets count code points of the text the selector was made on.
    """

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int
    text_hash: str

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end or self.end - self.start != len(self.exact):
            raise ValueError(
                f"selector span {self.start}..{self.end} does not fit its quote"
                f" of {len(self.exact)} characters"
            )


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a passage is in the current text, how it was found and how well it matches (0..1)."""

    start: int
    end: int
    method: str
    score: float


def text_hash(text: str) -> str:
    """The SHA-256 hex digest of the text (lone surrogates allowed)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def make_selector(text: str, start: int, end: int) -> Selector:
    """The selector of ``text[start:end]``; ValueError unless ``0 <= start < end <= len(text)``."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"passage {start}..{end} is empty or outside a text of {len(text)}")
    return Selector(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_LENGTH) : start],
        suffix=text[end : end + CONTEXT_LENGTH],
        start=start,
        end=end,
        text_hash=text_hash(text),
    )


def anchor(selector: Selector, text: str) -> Anchor | None:
    """Where the selector's passage is in ``text``, or None if it is gone (an orphan).

    The same text (by hash) keeps the stored position ("unchanged"). Otherwise each exact
    occurrence of the quote is a candidate. One with a whole side of its context as recorded is
    taken at once: the best by context, ties to the nearest ("position" if at the stored start,
    else "quote"). Without such, fuzzy candidates join in (the quote aligned with its context,
    "fuzzy"), so that a short quote whose own passage was edited away does not move to the same
    words elsewhere when the context says it was here; the best must then pass
    MIN_QUOTE_SIMILARITY and MIN_SCORE.
    """
    start, end, exact = selector.start, selector.end, selector.exact
    if text[start:end] == exact and selector.text_hash == text_hash(text):
        return Anchor(start, end, "unchanged", 1.0)
    occurrences = list(_find_all(exact, text))
    kept = [i for i in occurrences if _keeps_a_context(selector, text, i)]
    if kept:
        best: _Candidate | None = max(_candidate(selector, text, i, i + len(exact)) for i in kept)
    else:
        best = _best_guess(selector, text, occurrences)
    if best is None:
        return None
    if text[best.start : best.end] == exact:
        return Anchor(best.start, best.end, "position" if best.start == start else "quote", 1.0)
    return Anchor(best.start, best.end, "fuzzy", best.score)


def _best_guess(selector: Selector, text: str, occurrences: list[int]) -> _Candidate | None:
    """The best of the exact occurrences and the fuzzy matches, if it is good enough."""
    exact = selector.exact
    candidates = [
        _candidate(selector, text, i, i + len(exact))
        for i in occurrences
        if _keeps_word_edges(selector, text, i)
    ]
    # A fuzzy span over an exact occurrence only drew the edges differently (taking in an edited
    # context word, say): the exact one stands for that place.
    candidates += [
        fuzzy
        for fuzzy in _fuzzy_candidates(selector, text)
        if not any(c.start < fuzzy.end and fuzzy.start < c.end for c in candidates)
    ]
    best = max(candidates, default=None)
    if best is None or best.similarity < MIN_QUOTE_SIMILARITY or best.score < MIN_SCORE:
        return None
    return best


def _keeps_a_context(selector: Selector, text: str, start: int) -> bool:
    """Whether the prefix or the suffix of the quote found at ``start`` is exactly as recorded.

    That is a run of at least CONTEXT_LENGTH characters matching, beside the quote, or the same
    distance to an end of the text: evidence enough for any quote, however short.
    """
    end = start + len(selector.exact)
    return (
        text[max(0, start - CONTEXT_LENGTH) : start] == selector.prefix
        or text[end : end + CONTEXT_LENGTH] == selector.suffix
    )


class _Candidate(NamedTuple):
    """A place the passage may be; candidates compare by score, then by nearness."""

    score: float
    nearness: int
    start: int
    end: int
    similarity: float


def _candidate(selector: Selector, text: str, start: int, end: int) -> _Candidate:
    """``text[start:end]`` as a place for the selector's passage, scored."""
    similarity = Levenshtein.normalized_similarity(selector.exact, text[start:end])
    score = _score(selector, text, start, end, similarity)
    return _Candidate(score, -abs(start - selector.start), start, end, similarity)


def _score(selector: Selector, text: str, start: int, end: int, quote_similarity: float) -> float:
    """How well ``text[start:end]`` and its context match the selector, 0..1.

    The mean similarity of quote, prefix and suffix weighted by their lengths: a long quote is
    evidence on its own, a short one needs its context. Each context is compared with the text
    right next to the span, character by character (Levenshtein), not anywhere nearby: a short
    quote must sit where its context puts it.
    """
    prefix, suffix = selector.prefix, selector.suffix
    before = text[max(0, start - len(prefix)) : start]
    after = text[end : end + len(suffix)]
    weighted = (
        len(selector.exact) * quote_similarity
        + len(prefix) * Levenshtein.normalized_similarity(prefix, before)
        + len(suffix) * Levenshtein.normalized_similarity(suffix, after)
    )
    return weighted / (len(selector.exact) + len(prefix) + len(suffix))


def _find_all(needle: str, text: str) -> Iterator[int]:
    """Where ``needle`` occurs in ``text``, overlapping occurrences too."""
    found = text.find(needle)
    while found >= 0:
        yield found
        found = text.find(needle, found + 1)


def _keeps_word_edges(selector: Selector, text: str, start: int) -> bool:
    """Whether the quote found at ``start`` begins and ends a word where it did.

    A quote that began or ended at a word's edge is not found again inside a longer word ("is" in
    "this"): for short quotes such a match can otherwise borrow most of the real one's context.
    """
    exact, end = selector.exact, start + len(selector.exact)
    starts_inside = _joins(text[start - 1 : start], text[start])
    ends_inside = _joins(text[end - 1], text[end : end + 1])
    return (not starts_inside or _joins(selector.prefix[-1:], exact[0])) and (
        not ends_inside or _joins(exact[-1], selector.suffix[:1])
    )


def _joins(left: str, right: str) -> bool:
    """Whether the two characters (or empty strings) are inside one word."""
    return left.isalnum() and right.isalnum()


def _fuzzy_candidates(selector: Selector, text: str) -> list[_Candidate]:
    """Places where prefix, quote and suffix match approximately, with the edited quote's span.

    The places come from the stored position and from rapidfuzz's best alignments of the
    pattern's head (prefix and start of the quote) and tail (end of the quote and suffix); at each
    the pattern is aligned character by character to find where the edited quote begins and ends.
    """
    pattern = selector.prefix + selector.exact + selector.suffix
    head = pattern[:_PROBE_LENGTH]
    tail = pattern[-_PROBE_LENGTH:]
    origins = {selector.start - len(selector.prefix)}
    found = fuzz.partial_ratio_alignment(head, text)
    if found is not None:
        origins.add(found.dest_start - found.src_start)
    found = fuzz.partial_ratio_alignment(tail, text)
    if found is not None:
        origins.add(found.dest_end + len(tail) - found.src_end - len(pattern))
    spans = {_align(selector, pattern, text, origin) for origin in origins}
    return [_candidate(selector, text, *span) for span in spans if span is not None]


def _align(selector: Selector, pattern: str, text: str, origin: int) -> tuple[int, int] | None:
    """The span the quote maps to when ``pattern`` is aligned to the text near ``origin``.

    The alignment is done twice: Indel (longest common subsequence) finds which part of the window
    the pattern covers, then Levenshtein aligns the pattern with just that part; Levenshtein on the
    whole window would smear the pattern over the slack (a substitution is cheaper than a
    deletion plus an insertion). The span's edges are then moved off blanks and out to the ends of
    words where the quote's own edges were, so a replaced first or last word is covered whole
    however the alignment split it into edits.
    """
    slack = 16 + len(pattern) // 4
    window_start = min(max(0, origin - slack), len(text))
    window = text[window_start : origin + len(pattern) + slack]
    matched = [op for op in Indel.opcodes(pattern, window) if op.tag == "equal"]
    if not matched:
        return None
    window_start += matched[0].dest_start
    window = window[matched[0].dest_start : matched[-1].dest_end]
    opcodes = Levenshtein.opcodes(pattern, window)
    exact, quote_start = selector.exact, len(selector.prefix)
    start = window_start + _map(opcodes, quote_start, at_start=True)
    end = window_start + _map(opcodes, quote_start + len(exact), at_start=False)
    while start < end and text[start].isspace() and not exact[0].isspace():
        start += 1
    while start < end and text[end - 1].isspace() and not exact[-1].isspace():
        end -= 1
    if start >= end:
        return None
    if not _joins(selector.prefix[-1:], exact[0]):
        while _joins(text[start - 1 : start], text[start]):
            start -= 1
    if not _joins(exact[-1], selector.suffix[:1]):
        while _joins(text[end - 1], text[end : end + 1]):
            end += 1
    return start, end


def _map(opcodes: Opcodes, index: int, *, at_start: bool) -> int:
    """Where the seam before ``pattern[index]`` falls in the window.

    Past an insertion right at the seam for the quote's start, before it for the quote's end: text
    inserted between context and quote is left out of the quote.
    """
    for op in opcodes:
        if op.tag == "insert":
            if op.src_start == index:
                return op.dest_end if at_start else op.dest_start
        elif op.src_start <= index < op.src_end:
            return op.dest_start + (index - op.src_start if op.tag != "delete" else 0)
    return opcodes[-1].dest_end if len(opcodes) else 0
