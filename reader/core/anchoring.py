"""Find an annotation's passage again in a document's text, after the text may have changed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein, Opcodes

CONTEXT_LENGTH = 32
# Fuzzy matches are accepted only above both thresholds (see anchor()); below them the passage is
# taken as gone and the annotation becomes an orphan rather than landing on unrelated text.
MIN_QUOTE_SIMILARITY = 0.5
MIN_SCORE = 0.75
# rapidfuzz's partial_ratio is bit-parallel up to 64 characters and much slower above.
_PROBE_LENGTH = 64
_CONTEXT_SLACK = 8


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

    Tried in turn: the same text (by hash) keeps the stored position; the stored position if the
    quote is still there; an exact occurrence of the quote, the one with the best matching context
    (ties: the nearest to the stored position); else the best fuzzy match of context and quote.
    An exact quote counts only with enough evidence (its length and context, see ``_score``), so a
    short quote whose passage was deleted is not moved onto the same words elsewhere.
    """
    start, end, exact = selector.start, selector.end, selector.exact
    if text[start:end] == exact:
        if selector.text_hash == text_hash(text):
            return Anchor(start, end, "unchanged", 1.0)
        if _score(selector, text, start, end, 1.0) >= MIN_SCORE:
            return Anchor(start, end, "position", 1.0)
    found = _exact_quote(selector, text)
    if found is not None:
        return found
    return _fuzzy(selector, text)


def _score(selector: Selector, text: str, start: int, end: int, quote_similarity: float) -> float:
    """How well ``text[start:end]`` and its context match the selector, 0..1.

    The mean similarity of quote, prefix and suffix weighted by their lengths: a long quote is
    evidence on its own, a short one needs its context.
    """
    prefix, suffix = selector.prefix, selector.suffix
    weighted = (
        len(selector.exact) * quote_similarity
        + len(prefix) * _context_similarity(prefix, text, start, before=True)
        + len(suffix) * _context_similarity(suffix, text, end, before=False)
    )
    return weighted / (len(selector.exact) + len(prefix) + len(suffix))


def _context_similarity(context: str, text: str, at: int, *, before: bool) -> float:
    """How closely the text just before (or after) ``at`` matches ``context``, 0..1.

    The best of the windows a few characters shorter or longer than the context, so that a word
    replaced by a longer one costs its own edit and not also the shift of everything past it.
    """
    if not context:
        return 1.0
    lengths = range(max(1, len(context) - _CONTEXT_SLACK), len(context) + _CONTEXT_SLACK + 1)
    if before:
        windows = [text[max(0, at - n) : at] for n in lengths]
    else:
        windows = [text[at : at + n] for n in lengths]
    return 1 - min(Levenshtein.distance(context, window) for window in windows) / len(context)


def _exact_quote(selector: Selector, text: str) -> Anchor | None:
    """The occurrence of the quote with the best context, if that context is good enough."""
    exact = selector.exact
    occurrences: list[int] = []
    found = text.find(exact)
    while found >= 0:
        occurrences.append(found)
        found = text.find(exact, found + 1)
    if not occurrences:
        return None
    score, _, start = max(
        (_score(selector, text, i, i + len(exact), 1.0), -abs(i - selector.start), i)
        for i in occurrences
    )
    if score < MIN_SCORE:
        return None
    return Anchor(start, start + len(exact), "quote", 1.0)


def _fuzzy(selector: Selector, text: str) -> Anchor | None:
    """The best approximate match of prefix, quote and suffix, if it is good enough.

    Candidate places come from the stored position and from rapidfuzz's best alignments of the
    pattern's head (prefix and start of the quote) and tail (end of the quote and suffix); each is
    then aligned character by character to find where the edited quote begins and ends.
    """
    pattern = selector.prefix + selector.exact + selector.suffix
    head = pattern[:_PROBE_LENGTH]
    tail = pattern[-_PROBE_LENGTH:]
    origins = {selector.start - len(selector.prefix)}
    found = fuzz.partial_ratio_alignment(head, text)
    origins.add(found.dest_start - found.src_start)
    found = fuzz.partial_ratio_alignment(tail, text)
    origins.add(found.dest_end + len(tail) - found.src_end - len(pattern))
    best: tuple[float, int, int, int, float] | None = None
    for origin in origins:
        span = _align(selector, pattern, text, origin)
        if span is None:
            continue
        start, end = span
        similarity = Levenshtein.normalized_similarity(selector.exact, text[start:end])
        if similarity < MIN_QUOTE_SIMILARITY:
            continue
        candidate = (
            _score(selector, text, start, end, similarity),
            -abs(start - selector.start),
            start,
            end,
            similarity,
        )
        if best is None or candidate > best:
            best = candidate
    if best is None or best[0] < MIN_SCORE:
        return None
    return Anchor(best[2], best[3], "fuzzy", round(best[0], 4))


def _align(selector: Selector, pattern: str, text: str, origin: int) -> tuple[int, int] | None:
    """The span the quote maps to when ``pattern`` is aligned to the text near ``origin``."""
    slack = 16 + len(pattern) // 4
    window_start = min(max(0, origin - slack), len(text))
    window = text[window_start : origin + len(pattern) + slack]
    opcodes = Levenshtein.opcodes(pattern, window)
    quote_start = len(selector.prefix)
    quote_end = quote_start + len(selector.exact)
    start = window_start + _map(opcodes, quote_start, into_insert=bool(selector.prefix), first=True)
    end = window_start + _map(opcodes, quote_end, into_insert=bool(selector.suffix), first=False)
    # The edit may have left blanks at the edges of the passage that the quote did not have.
    while start < end and text[start].isspace() and not selector.exact[0].isspace():
        start += 1
    while start < end and text[end - 1].isspace() and not selector.exact[-1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _map(opcodes: Opcodes, index: int, *, into_insert: bool, first: bool) -> int:
    """Where the gap before ``pattern[index]`` falls in the window.

    Text inserted exactly at the gap belongs to the quote (it sits between context and quote) when
    ``into_insert``: then the gap maps before the insertion at the start (``first``) and after it
    at the end. Without context on that side the insertion is the window's slack, not the quote's.
    """
    for op in opcodes:
        if op.tag == "insert":
            if op.src_start == index:
                return op.dest_start if into_insert == first else op.dest_end
        elif op.src_start <= index < op.src_end:
            return op.dest_start + (index - op.src_start if op.tag != "delete" else 0)
    return opcodes[-1].dest_end if len(opcodes) else 0
