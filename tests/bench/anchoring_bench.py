"""Benchmark re-anchoring annotations after edits of several kinds: time, hits, orphans, errors."""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from corpus import article

from reader.core.anchoring import Anchor, Selector, anchor, make_selector

DOCUMENT_WORDS = 5000
_WORD = re.compile(r"\S+")
_PUNCTUATION = ".,;:!?\"'"
# Quote lengths in words and how often each is drawn: single words to whole paragraphs.
_LENGTHS = ((1, 1, 10), (2, 4, 25), (5, 15, 40), (16, 40, 20), (0, 0, 5))
LENGTH_BUCKETS = ("1 word", "2-4 words", "5-15 words", "16+ words")
# The edits whose outcome depends on the quote's length (the others find the exact quote).
BY_LENGTH = ("change words in quote", "change words in context", "delete passage")


@dataclass(frozen=True, slots=True)
class Document:
    """A generated document: its clean text (paragraphs joined by newlines), their spans and its
    words (without punctuation; edits draw replacement words from them, as frequent as they are).
    """

    text: str
    paragraphs: tuple[tuple[int, int], ...]
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Case:
    """One annotation on a document, with the paragraph it lies in."""

    document: Document
    start: int
    end: int
    paragraph: int

    @property
    def words(self) -> int:
        """How many words the quote has."""
        return len(self.document.text[self.start : self.end].split())


@dataclass(frozen=True, slots=True)
class Edited:
    """An edited text and the spans an anchor may rightly land on (none: it should be orphaned)."""

    text: str
    expected: tuple[tuple[int, int], ...]


@dataclass(slots=True)
class Tally:
    """What the anchors of one edit kind (or one quote length) did."""

    millis: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    methods: Counter[str] = field(default_factory=Counter)


def make_document(rng: random.Random, first_article: int) -> tuple[Document, int]:
    """A document of about DOCUMENT_WORDS words from the bodies of consecutive English articles."""
    paragraphs: list[str] = []
    words = 0
    number = first_article
    while words < DOCUMENT_WORDS:
        item = article(number)
        number += 1
        if item.language != "en":
            continue
        for block in item.text.split("\n\n"):
            paragraph = " ".join(block.split())
            if paragraph.count(" ") >= 15:
                paragraphs.append(paragraph)
                words += paragraph.count(" ") + 1
    text = "\n".join(paragraphs)
    spans: list[tuple[int, int]] = []
    offset = 0
    for paragraph in paragraphs:
        spans.append((offset, offset + len(paragraph)))
        offset += len(paragraph) + 1
    words = tuple(word.strip(_PUNCTUATION) for word in text.split())
    return Document(text, tuple(spans), tuple(word for word in words if word)), number


def make_case(rng: random.Random, document: Document) -> Case:
    """A word-aligned annotation inside one paragraph, of a length drawn from _LENGTHS."""
    index = rng.randrange(len(document.paragraphs))
    first, last = document.paragraphs[index]
    words = list(_WORD.finditer(document.text, first, last))
    low, high, _ = rng.choices(_LENGTHS, weights=[w for *_, w in _LENGTHS])[0]
    if low == 0:
        return Case(document, first, last, index)
    count = min(rng.randint(low, high), len(words))
    begin = rng.randrange(len(words) - count + 1)
    return Case(document, words[begin].start(), words[begin + count - 1].end(), index)


def _replace_words(
    document: Document, spans: list[tuple[int, int]], rng: random.Random
) -> tuple[str, list[int]]:
    """``text`` with the words at ``spans`` (sorted) replaced by others, punctuation kept.

    Also how much longer each replacement made the text.
    """
    text = document.text
    pieces: list[str] = []
    growth: list[int] = []
    position = 0
    for start, end in spans:
        old = text[start:end]
        core = old.rstrip(_PUNCTUATION)
        new = core
        while new.lower() == core.lower():
            new = rng.choice(document.words)
        pieces += [text[position:start], new + old[len(core) :]]
        growth.append(len(new) - len(core))
        position = end
    return "".join(pieces) + text[position:], growth


def insert_paragraph_before(case: Case, rng: random.Random, filler: str) -> Edited:
    """A new paragraph (from another article) at a paragraph break before the passage."""
    at = case.document.paragraphs[rng.randrange(case.paragraph + 1)][0]
    text = case.document.text
    added = filler + "\n"
    return Edited(
        text[:at] + added + text[at:], ((case.start + len(added), case.end + len(added)),)
    )


def edit_quote(case: Case, rng: random.Random, filler: str) -> Edited:
    """One to three words inside the quote changed (at most a third of them, at least one)."""
    text = case.document.text
    words = [m.span() for m in _WORD.finditer(text, case.start, case.end)]
    count = min(rng.randint(1, 3), max(1, len(words) // 3))
    chosen = sorted(rng.sample(words, count))
    new, growth = _replace_words(case.document, chosen, rng)
    return Edited(new, ((case.start, case.end + sum(growth)),))


def edit_context(case: Case, rng: random.Random, filler: str) -> Edited:
    """One to three words changed in the 32 characters before or after the quote, not in it."""
    text = case.document.text
    near = [
        m.span()
        for m in _WORD.finditer(text, max(0, case.start - 32), case.end + 32)
        if m.end() < case.start or m.start() > case.end
    ]
    if not near:
        return Edited(text, ((case.start, case.end),))
    chosen = sorted(rng.sample(near, min(rng.randint(1, 3), len(near))))
    new, growth = _replace_words(case.document, chosen, rng)
    shift = sum(grown for span, grown in zip(chosen, growth, strict=True) if span[1] <= case.start)
    return Edited(new, ((case.start + shift, case.end + shift),))


def delete_passage(case: Case, rng: random.Random, filler: str) -> Edited:
    """The sentences holding the quote deleted (the whole paragraph if they are all of it)."""
    text = case.document.text
    first, last = case.document.paragraphs[case.paragraph]
    start = text.rfind(". ", first, case.start)
    start = first if start < 0 else start + 2
    end = text.find(". ", case.end, last)
    end = last if end < 0 else end + 2
    if start == first and end >= last:
        end = min(last + 1, len(text))
    return Edited(text[:start] + text[end:], ())


def duplicate_paragraph(case: Case, rng: random.Random, filler: str) -> Edited:
    """A copy of the passage's paragraph put before it: either copy is right."""
    text = case.document.text
    first, last = case.document.paragraphs[case.paragraph]
    copy = text[first:last] + "\n"
    shifted = (case.start + len(copy), case.end + len(copy))
    return Edited(text[:first] + copy + text[first:], ((case.start, case.end), shifted))


def reflow_whitespace(case: Case, rng: random.Random, filler: str) -> Edited:
    """Paragraphs wrapped at 72 columns with newlines, and some spaces doubled."""
    text = case.document.text
    pieces: list[str] = []
    moved: list[int] = []
    length = column = 0
    for char in text:
        moved.append(length)
        if char == " ":
            char = "\n" if column > 72 else "  " if rng.random() < 0.05 else " "
        column = 0 if char in "\n" else column + len(char)
        pieces.append(char)
        length += len(char)
    return Edited("".join(pieces), ((moved[case.start], moved[case.end - 1] + 1),))


def unchanged(case: Case, rng: random.Random, filler: str) -> Edited:
    """The same text: the hash matches."""
    return Edited(case.document.text, ((case.start, case.end),))


EDITS: dict[str, Callable[[Case, random.Random, str], Edited]] = {
    "unchanged": unchanged,
    "insert paragraph before": insert_paragraph_before,
    "change words in quote": edit_quote,
    "change words in context": edit_context,
    "delete passage": delete_passage,
    "duplicate paragraph": duplicate_paragraph,
    "reflow whitespace": reflow_whitespace,
}


def judge(found: Anchor | None, edited: Edited) -> str:
    """exact, near (overlaps the right span, edges off), orphan, or wrong (elsewhere, or kept)."""
    if found is None:
        return "orphan" if not edited.expected else "orphaned (missed)"
    span = (found.start, found.end)
    if span in edited.expected:
        return "exact"
    if any(found.start < end and start < found.end for start, end in edited.expected):
        return "near"
    return "wrong"


def _bucket(words: int) -> str:
    return LENGTH_BUCKETS[0 if words == 1 else 1 if words <= 4 else 2 if words <= 15 else 3]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(
    annotations: int, per_document: int, seed: int
) -> tuple[dict[str, Tally], dict[str, Tally]]:
    """Anchor every annotation after every kind of edit; tallies by edit kind and quote length."""
    rng = random.Random(seed)
    by_kind = {kind: Tally() for kind in EDITS}
    by_length = {f"{kind}: {bucket}": Tally() for kind in BY_LENGTH for bucket in LENGTH_BUCKETS}
    next_article = seed * 100_000
    chars: list[int] = []
    made = 0
    while made < annotations:
        document, next_article = make_document(rng, next_article)
        chars.append(len(document.text))
        for _ in range(min(per_document, annotations - made)):
            case = make_case(rng, document)
            selector = make_selector(document.text, case.start, case.end)
            filler = " ".join(
                article(10_000_000 + made).text.split("\n\n")[-1].split()[: rng.randint(20, 120)]
            )
            for kind, edit in EDITS.items():
                edited = edit(case, rng, filler)
                found, millis = _timed_anchor(selector, edited.text)
                outcome = judge(found, edited)
                tallies = [by_kind[kind]]
                if kind in BY_LENGTH:
                    tallies.append(by_length[f"{kind}: {_bucket(case.words)}"])
                for tally in tallies:
                    tally.millis.append(millis)
                    tally.outcomes[outcome] += 1
                    tally.methods[found.method if found else "-"] += 1
            made += 1
    print(
        f"{annotations} annotations on {len(chars)} documents of {min(chars)}-{max(chars)}"
        f" characters (mean {statistics.mean(chars):.0f}), seed {seed}"
    )
    return by_kind, by_length


def _timed_anchor(selector: Selector, text: str) -> tuple[Anchor | None, float]:
    began = time.perf_counter()
    found = anchor(selector, text)
    return found, (time.perf_counter() - began) * 1000


def report(title: str, tallies: dict[str, Tally]) -> None:
    """One table row per tally: timing, outcomes and how the anchors were found."""
    outcomes = ("exact", "near", "orphan", "orphaned (missed)", "wrong")
    print(f"\n{title:<37}{'n':>6}{'mean ms':>9}{'p95 ms':>8}{'max ms':>8}", end="")
    print("".join(f"{name:>{max(8, len(name) + 2)}}" for name in outcomes), "  methods")
    for name, tally in tallies.items():
        if not tally.millis:
            continue
        print(
            f"{name:<37}{len(tally.millis):>6}{statistics.mean(tally.millis):>9.3f}"
            f"{_percentile(tally.millis, 0.95):>8.3f}{max(tally.millis):>8.2f}",
            end="",
        )
        print("".join(f"{tally.outcomes[o]:>{max(8, len(o) + 2)}}" for o in outcomes), end="  ")
        print(", ".join(f"{m} {n}" for m, n in tally.methods.most_common()))


def main(argv: list[str] | None = None) -> int:
    """Command line: generate documents and annotations, edit, re-anchor, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=1000, help="annotations (default 1000)")
    parser.add_argument("--per-document", type=int, default=20, help="annotations per document")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(
        f"Python {platform.python_version()}, rapidfuzz {importlib.metadata.version('rapidfuzz')},"
        f" {platform.machine()}"
    )
    by_kind, by_length = run(args.n, args.per_document, args.seed)
    report("edit", by_kind)
    report("edit: quote length", by_length)
    return 0


if __name__ == "__main__":
    sys.exit(main())
