"""Searching without Whoosh's matcher loop: every match, its score, date order, fast.

Whoosh finds and scores matches by stepping a matcher tree one document at a time through
Python generators (about a microsecond a posting per matcher: 0.3-0.5 s for a common word over
100,000 articles). Here the posting lists of a query's terms are read whole: from the segment's
doc-ids sidecar (plain arrays, see leanwriter.DocIdsWriter) or a posting block (128 documents)
at a time, decoded with C-level ``accumulate``, and combined as sets and score dicts: union and
sums for OR, intersection and sums for AND, difference for NOT, constant scores for date
terms, and phrases checked by position only in the documents that have every word. BM25F is
computed as Whoosh computes it. Any other query shape (prefixes, fuzzy words, open ranges) is
left to Whoosh. Deleted documents are taken out per segment. Totals, timeline counts and
newest-first order come from the matched set and columns read once per segment.

It reads Whoosh 2.7's W3 posting blocks (pyproject.toml keeps Whoosh below 2.8); postings of any
other kind go through Whoosh's matcher. tests/core/test_docsets.py checks it against Whoosh.
"""

from __future__ import annotations

import collections
import heapq
import mmap
import os
import pickle
import struct
import threading
import weakref
from array import array
from collections.abc import Callable, Iterator
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh import query, scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

from reader.core.leanwriter import DOC_IDS_EXT, DOC_IDS_MAGIC


def _segments(searcher: Searcher) -> list[tuple[Any, int]]:
    """(segment reader, first document number) of each segment."""
    reader = searcher.reader()
    if reader.is_atomic():
        return [(reader, 0)]
    return [(sub, offset) for sub, offset in reader.leaf_readers()]


class _DocIds:
    """A segment's doc-ids sidecar (see leanwriter.DocIdsWriter), memory-mapped."""

    def __init__(self, path: str) -> None:
        with open(path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            self._directory = self._read_directory()
        except BaseException:
            self._map.close()
            raise

    def _read_directory(self) -> dict[tuple[str, bytes], tuple[int, int]]:
        if self._map[: len(DOC_IDS_MAGIC)] != DOC_IDS_MAGIC:
            raise ValueError("not a doc-ids file")
        (directory_at,) = struct.unpack("<Q", self._map[-8:])
        directory = loads(self._map[directory_at:-8])
        if not isinstance(directory, dict) or any(
            offset + 8 * count > directory_at for offset, count in directory.values()
        ):
            raise ValueError("a damaged doc-ids file")
        return directory

    def get(self, fieldname: str, btext: bytes) -> tuple[array[int], array[float]] | None:
        """(document numbers, weights) of a term, or None if the sidecar does not have it."""
        found = self._directory.get((fieldname, btext))
        if found is None:
            return None
        offset, count = found
        ids, weights = array("I"), array("f")
        ids.frombytes(self._map[offset : offset + 4 * count])
        weights.frombytes(self._map[offset + 4 * count : offset + 8 * count])
        return ids, weights

    def close(self) -> None:
        self._map.close()


_SIDECARS: collections.OrderedDict[str, _DocIds | None] = collections.OrderedDict()
_SIDECARS_KEPT = 64
_SIDECARS_LOCK = threading.Lock()


def _doc_ids(reader: Any, fieldname: str, btext: bytes) -> tuple[Any, Any] | None:
    """The term's (document numbers, weights) from the segment's sidecar, if it has one."""
    segment = getattr(reader, "_segment", None)
    folder = getattr(getattr(reader, "_storage", None), "folder", None)
    if segment is None or folder is None:
        return None
    key = segment.segment_id()
    with _SIDECARS_LOCK:  # searches may run on more than one thread
        if key in _SIDECARS:
            _SIDECARS.move_to_end(key)
            sidecar = _SIDECARS[key]
        else:
            try:
                sidecar = _DocIds(os.path.join(folder, segment.make_filename(DOC_IDS_EXT)))
            except (OSError, ValueError, TypeError, EOFError, pickle.UnpicklingError, struct.error):
                sidecar = None  # written by Whoosh's own writer, or damaged: read the blocks
            _SIDECARS[key] = sidecar
            while len(_SIDECARS) > _SIDECARS_KEPT:
                _, old = _SIDECARS.popitem(last=False)
                if old is not None:
                    old.close()
        return sidecar.get(fieldname, btext) if sidecar is not None else None


def _segment_term_docs(reader: Any, fieldname: str, btext: bytes, field: Any) -> Any:
    """A term's document numbers in one segment (deleted ones included), or None."""
    side = _doc_ids(reader, fieldname, btext)
    if side is not None:
        return side[0]
    try:
        matcher = reader._terms.matcher(fieldname, btext, field.format)
    except TermNotFound:
        return None
    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
        return list(matcher.all_ids())
    return [
        doc for ids, _weights, _values in _blocks(reader, fieldname, btext, matcher) for doc in ids
    ]


def _term_docs(searcher: Searcher, fieldname: str, text: object) -> set[int]:
    schema = searcher.schema
    if fieldname not in schema:
        return set()
    field = schema[fieldname]
    try:
        btext = field.to_bytes(text)
    except ValueError:
        return set()
    found: set[int] = set()
    for reader, offset in _segments(searcher):
        if (fieldname, btext) not in reader:
            continue
        local = _segment_term_docs(reader, fieldname, btext, field)
        if local is None:
            continue
        deleted = reader.deleted_docs_set if reader.has_deletions() else None
        ids = set(local) - deleted if deleted else local
        found.update([i + offset for i in ids] if offset else ids)
    return found


def _blocks(
    reader: Any, fieldname: str, btext: bytes, matcher: Any = None
) -> Iterator[tuple[list[int], list[float], Any]]:
    """(document numbers, weights, encoded values) of each W3 posting block of a term in a
    segment (of one posting per document)."""
    if matcher is None:
        matcher = reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)
    while True:
        matcher._read_data()
        deltas, weights, values = matcher._data
        ids = list(accumulate(deltas))
        if weights is None:  # all 1.0
            weights = [1.0] * len(ids)
        elif not isinstance(weights, tuple):  # all the same
            weights = [weights] * len(ids)
        yield ids, list(weights), values
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)


_POSITIONS: dict[bytes, list[int]] = {}  # most values are one position, shared by many
_POSITIONS_KEPT = 100_000


def _positions(value: bytes) -> list[int]:
    """whoosh.formats.Positions.decode_positions (do not change the list: it is shared)."""
    found = _POSITIONS.get(value)
    if found is None:
        codes = value[_INT_SIZE:]
        if not codes.endswith(b"."):
            codes += b"."
        found = list(accumulate(loads(codes)))
        if len(_POSITIONS) >= _POSITIONS_KEPT:
            _POSITIONS.clear()
        _POSITIONS[value] = found
    return found


def _phrase_scores(searcher: Searcher, q: query.Phrase) -> dict[int, float] | None:
    """Documents with the phrase's words at consecutive positions, each with the sum of its
    words' scores (how Whoosh scores a phrase; 0.0 where the field cannot be scored); None
    when this is not a plain phrase on a W3 index."""
    schema = searcher.schema
    if q.slop != 1 or q.fieldname not in schema or len(q.words) < 2:
        return None
    field = schema[q.fieldname]
    if not field.format.supports("positions"):
        return None
    btexts = [field.to_bytes(word) for word in q.words]
    if any((q.fieldname, b) not in searcher.reader() for b in btexts):
        return {}
    scorers = [_Bm25.make(searcher, q.fieldname, b) for b in btexts]
    found: dict[int, float] = {}
    for (reader, offset), lengths in zip(
        _segments(searcher), _length_bytes(searcher, q.fieldname), strict=True
    ):
        if any((q.fieldname, b) not in reader for b in btexts):
            continue
        postings: list[dict[int, tuple[float, bytes]]] = []
        for btext in btexts:
            by_doc: dict[int, tuple[float, bytes]] = {}
            for ids, weights, values in _blocks(reader, q.fieldname, btext):
                if not isinstance(values, tuple) or len(values) != len(ids):
                    return None  # not the W3 layout this reads
                by_doc.update(zip(ids, zip(weights, values, strict=True), strict=True))
            postings.append(by_doc)
        candidates = set(postings[0]).intersection(*postings[1:])
        if reader.has_deletions():
            candidates -= reader.deleted_docs_set
        if len(postings) == 2:  # the common case, without the general loop's overhead
            first, second = postings
            score_first, score_second = scorers
            for doc in candidates:
                tf1, value1 = first[doc]
                tf2, value2 = second[doc]
                after = _positions(value2)
                if set(_positions(value1)).isdisjoint([pos - 1 for pos in after]):
                    continue
                code = lengths[doc] if lengths else 0
                found[doc + offset] = (score_first(tf1, code) if score_first else 0.0) + (
                    score_second(tf2, code) if score_second else 0.0
                )
            continue
        for doc in candidates:
            entries = [by_doc[doc] for by_doc in postings]
            starts = set(_positions(entries[0][1]))
            for index, (_tf, value) in enumerate(entries[1:], start=1):
                starts &= {pos - index for pos in _positions(value)}
                if not starts:
                    break
            if starts:
                code = lengths[doc] if lengths else 0
                found[doc + offset] = sum(
                    scorer(tf, code) if scorer is not None else 0.0
                    for scorer, (tf, _value) in zip(scorers, entries, strict=True)
                )
    return found


def matching_docs(searcher: Searcher, q: query.Query) -> set[int]:
    """The document numbers of every (live) document ``q`` matches, as Whoosh would find them."""
    if isinstance(q, query.Term):
        return _term_docs(searcher, q.fieldname, q.text)
    if isinstance(q, query.Phrase):
        phrase = _phrase_scores(searcher, q)
        if phrase is not None:
            return set(phrase)
    if isinstance(q, query.ConstantScoreQuery):
        return matching_docs(searcher, q.child)
    if isinstance(q, query.Or) and not isinstance(q, query.DisjunctionMax):
        found: set[int] = set()
        for child in q.subqueries:
            found |= matching_docs(searcher, child)
        return found
    if isinstance(q, query.And):
        positives = [c for c in q.subqueries if not isinstance(c, query.Not)]
        negatives = [c.query for c in q.subqueries if isinstance(c, query.Not)]
        if positives:
            sets = sorted((matching_docs(searcher, c) for c in positives), key=len)
            result = sets[0].intersection(*sets[1:])
            for negative in negatives:
                if not result:
                    break
                result -= matching_docs(searcher, negative)
            return result
    if isinstance(q, query.AndNot):
        return matching_docs(searcher, q.a) - matching_docs(searcher, q.b)
    if isinstance(q, query.AndMaybe):
        return matching_docs(searcher, q.a)
    if q is query.NullQuery or isinstance(q, type(query.NullQuery)):
        return set()
    return set(searcher.docs_for_query(q))


# (segment id, column) -> its values: a segment's columns never change (deletions aside, which
# matching_docs takes care of), so a searcher opened after a commit reads only new segments.
_SEGMENT_COLUMNS: dict[tuple[str, str], list[Any]] = {}
_SEGMENT_COLUMNS_KEPT = 256
# Searcher -> column -> values by document number.
_COLUMNS: weakref.WeakKeyDictionary[Searcher, dict[str, list[Any]]] = weakref.WeakKeyDictionary()


def _per_segment(reader: Any, name: str, load: Callable[[Any], list[Any]]) -> list[Any]:
    """``load(reader)`` for a segment, cached by segment id: a segment's files never change."""
    segment = getattr(reader, "_segment", None)
    if segment is None:
        return load(reader)
    key = (segment.segment_id(), name)
    cached = _SEGMENT_COLUMNS.get(key)
    if cached is None:
        if len(_SEGMENT_COLUMNS) >= _SEGMENT_COLUMNS_KEPT:
            _SEGMENT_COLUMNS.clear()
        cached = _SEGMENT_COLUMNS[key] = load(reader)
    return cached


def column(searcher: Searcher, name: str) -> list[Any]:
    """The raw values of a column for every document number of the searcher (cached)."""
    columns = _COLUMNS.setdefault(searcher, {})
    values = columns.get(name)
    if values is None:

        def load(reader: Any) -> list[Any]:
            # A segment without the column (no document had a value) gives its default.
            count = reader.doc_count_all()
            return list(reader.column_reader(name, translate=False)) if count else []

        values = columns[name] = []
        for reader, _ in _segments(searcher):
            values.extend(_per_segment(reader, name, load))
    return values


def newest(searcher: Searcher, docs: set[int], limit: int) -> list[tuple[int, float]]:
    """The ``limit`` first of ``docs`` newest first, as (document number, Whoosh's sort key):
    what ``sortedby=FieldFacet("date", reverse=True)`` gives (ties in document order; the
    column's "no date" value is the largest, so undated documents come first, as they always
    have), without stepping through the documents one by one."""
    keys = column(searcher, "date")
    if limit <= 0 or not docs:
        return []
    threshold = keys[heapq.nlargest(limit, docs, key=keys.__getitem__)[-1]]
    candidates = sorted(d for d in docs if keys[d] >= threshold)
    candidates.sort(key=keys.__getitem__, reverse=True)  # stable: ties stay in document order
    return [(d, float(-keys[d])) for d in candidates[:limit]]


# -- relevance ----------------------------------------------------------------------------------


def _length_bytes(searcher: Searcher, fieldname: str) -> list[list[int]]:
    """Per segment: the field's length byte of each document ([] without a length column)."""
    lenfield = f"_{fieldname}_len"

    def load(reader: Any) -> list[int]:
        perdoc = getattr(reader, "_perdoc", None)
        if perdoc is None or not perdoc.has_column(lenfield):
            return []
        return [int(code) for code in perdoc.column_reader(lenfield, LENGTHS_COLUMN)]

    return [_per_segment(reader, lenfield, load) for reader, _ in _segments(searcher)]


class _Bm25:
    """Whoosh's BM25F score of one term in a document, from its weight (term frequency times
    the field's boost) and the document's length byte; each pair computed once."""

    def __init__(self, searcher: Searcher, fieldname: str, btext: bytes) -> None:
        weighting = searcher.weighting
        self.idf = searcher.idf(fieldname, btext)
        self.avgfl = searcher.avg_field_length(fieldname) or 1
        self.b = weighting._field_B.get(fieldname, weighting.B)
        self.k1 = weighting.K1
        self.table: dict[tuple[float, int], float] = {}

    @staticmethod
    def usable(searcher: Searcher, field: Any) -> bool:
        return isinstance(searcher.weighting, scoring.BM25F) and bool(field.scorable)

    @classmethod
    def make(cls, searcher: Searcher, fieldname: str, btext: bytes) -> _Bm25 | None:
        field = searcher.schema[fieldname]
        return cls(searcher, fieldname, btext) if cls.usable(searcher, field) else None

    def __call__(self, tf: float, code: int) -> float:
        found = self.table.get((tf, code))
        if found is None:
            length = byte_to_length(code) if code else None
            found = scoring.bm25(self.idf, tf, length, self.avgfl, self.b, self.k1)
            self.table[(tf, code)] = found
        return found


def _term_scores(searcher: Searcher, fieldname: str, text: object) -> dict[int, float] | None:
    """BM25F score of each live document with the term, as Whoosh's Term matcher scores it."""
    schema = searcher.schema
    if fieldname not in schema:
        return {}
    field = schema[fieldname]
    try:
        btext = field.to_bytes(text)
    except ValueError:
        return {}
    if not _Bm25.usable(searcher, field):
        return None
    segments = [
        (reader, offset, lengths)
        for (reader, offset), lengths in zip(
            _segments(searcher), _length_bytes(searcher, fieldname), strict=True
        )
        if (fieldname, btext) in reader
    ]
    if not segments:
        return {}
    scorer = _Bm25(searcher, fieldname, btext)
    get, fill = scorer.table.get, scorer
    scores: dict[int, float] = {}
    for reader, offset, lengths in segments:
        matcher = reader._terms.matcher(fieldname, btext, field.format)
        if not isinstance(matcher, W3LeafMatcher) or matcher._byteids or not lengths:
            return None
        deleted = reader.deleted_docs_set if reader.has_deletions() else ()
        side = _doc_ids(reader, fieldname, btext)
        blocks = [side] if side is not None else _blocks(reader, fieldname, btext, matcher)
        for ids, weights, *_values in blocks:
            for doc, tf in zip(ids, weights, strict=True):
                if doc in deleted:
                    continue
                key = (tf, lengths[doc])
                scores[doc + offset] = get(key) or fill(*key)
    return scores


def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
    return scores if boost == 1.0 else {d: s * boost for d, s in scores.items()}


def scores(searcher: Searcher, q: query.Query) -> dict[int, float] | None:
    """Every document the query matches with its score (the keys are what matching_docs
    gives), as Whoosh scores them: sums over OR and AND, constant scores, phrases scored by
    their words. None for a query shape this leaves to Whoosh."""
    if isinstance(q, query.Term):
        found = _term_scores(searcher, q.fieldname, q.text)
        return None if found is None else _boosted(found, q.boost)
    if isinstance(q, query.ConstantScoreQuery):
        return {d: q.score for d in matching_docs(searcher, q.child)}
    if isinstance(q, query.Or) and not isinstance(q, query.DisjunctionMax):
        if q.minmatch or q.scale:
            return None
        total: dict[int, float] = {}
        for child in q.subqueries:
            part = scores(searcher, child)
            if part is None:
                return None
            for doc, value in part.items():
                total[doc] = total.get(doc, 0.0) + value
        return _boosted(total, q.boost)
    if isinstance(q, query.And):
        positives = [c for c in q.subqueries if not isinstance(c, query.Not)]
        if not positives:
            return None
        parts = []
        for child in positives:
            part = scores(searcher, child)
            if part is None:
                return None
            parts.append(part)
        keys = set(parts[0]).intersection(*parts[1:])
        for negative in (c.query for c in q.subqueries if isinstance(c, query.Not)):
            keys -= matching_docs(searcher, negative)
        if len(parts) == 2:  # sum() adds from 0.0: the same floats as a + b
            first, second = parts
            return _boosted({d: first[d] + second[d] for d in keys}, q.boost)
        return _boosted({d: sum(part[d] for part in parts) for d in keys}, q.boost)
    if isinstance(q, query.Phrase):
        schema = searcher.schema
        if q.fieldname in schema and not _Bm25.usable(searcher, schema[q.fieldname]):
            return None
        phrase = _phrase_scores(searcher, q)
        return None if phrase is None else _boosted(phrase, q.boost)
    return None


def best(scored: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """The ``limit`` highest scores, ties in document order (Whoosh's order)."""
    if limit <= 0 or not scored:
        return []
    threshold = heapq.nlargest(limit, scored.values())[-1]
    candidates = [(doc, value) for doc, value in scored.items() if value >= threshold]
    candidates.sort(key=lambda item: (-item[1], item[0]))
    return candidates[:limit]
