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
import mmap
import os
import pickle
import struct
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, chain
from pickle import loads
from typing import Any, NamedTuple

import numpy as np
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

    def get(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """(document numbers, weights) of a term, or None if the sidecar does not have it."""
        found = self._directory.get((fieldname, btext))
        if found is None:
            return None
        offset, count = found
        # Copies (slices of the map): an array viewing the map would keep it from closing.
        ids = np.frombuffer(self._map[offset : offset + 4 * count], dtype=np.uint32)
        weights = np.frombuffer(self._map[offset + 4 * count : offset + 8 * count], np.float32)
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


def _segment_term(reader: Any, fieldname: str, btext: bytes, field: Any) -> Any:
    """A term's (document numbers, weights) in one segment, deleted documents included, as
    arrays; None if the segment does not have it; "whoosh" for postings of another layout."""
    if (fieldname, btext) not in reader:
        return None
    side = _doc_ids(reader, fieldname, btext)
    if side is not None:
        return side
    try:
        matcher = reader._terms.matcher(fieldname, btext, field.format)
    except TermNotFound:
        return None
    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
        return "whoosh"
    ids: list[int] = []
    weights: list[float] = []
    for block_ids, block_weights, _values in _blocks(reader, fieldname, btext, matcher):
        ids += block_ids
        weights += block_weights
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)


# -- match sets: a bool per document number of the searcher -------------------------------------


class _Searched(NamedTuple):
    """What every query over a searcher needs: its segments, size, and the live documents."""

    segments: list[tuple[Any, int]]
    size: int
    live: np.ndarray | None  # None: nothing deleted


_SEARCHED: weakref.WeakKeyDictionary[Searcher, _Searched] = weakref.WeakKeyDictionary()


def _searched(searcher: Searcher) -> _Searched:
    found = _SEARCHED.get(searcher)
    if found is None:
        segments = _segments(searcher)
        size = searcher.reader().doc_count_all()
        live: np.ndarray | None = None
        for reader, offset in segments:
            if reader.has_deletions():
                if live is None:
                    live = np.ones(size, dtype=bool)
                deleted = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
                live[deleted + offset] = False
        found = _SEARCHED[searcher] = _Searched(segments, size, live)
    return found


def _none(searcher: Searcher) -> np.ndarray:
    return np.zeros(_searched(searcher).size, dtype=bool)


def _from_docs(searcher: Searcher, docs: Iterable[int]) -> np.ndarray:
    mask = _none(searcher)
    mask[np.fromiter(docs, dtype=np.int64)] = True
    return mask


def docs_of(mask: np.ndarray) -> set[int]:
    """The document numbers a match set holds."""
    return set(np.flatnonzero(mask).tolist())


def _term_mask(searcher: Searcher, fieldname: str, text: object) -> np.ndarray:
    schema = searcher.schema
    if fieldname not in schema:
        return _none(searcher)
    field = schema[fieldname]
    try:
        btext = field.to_bytes(text)
    except ValueError:
        return _none(searcher)
    searched = _searched(searcher)
    mask = np.zeros(searched.size, dtype=bool)
    for reader, offset in searched.segments:
        found = _segment_term(reader, fieldname, btext, field)
        if found is None:
            continue
        if isinstance(found, str):  # another posting layout: Whoosh reads it
            matcher = reader._terms.matcher(fieldname, btext, field.format)
            ids = np.fromiter(matcher.all_ids(), dtype=np.int64)
        else:
            ids = found[0]
        mask[ids.astype(np.int64) + offset] = True
    if searched.live is not None:
        mask &= searched.live
    return mask


def matching(searcher: Searcher, q: query.Query) -> np.ndarray:
    """Every (live) document ``q`` matches, as Whoosh would find them: a bool per document."""
    if isinstance(q, query.Term):
        return _term_mask(searcher, q.fieldname, q.text)
    if isinstance(q, query.Phrase):
        phrase = _phrase_scored(searcher, q)
        if phrase is not None:
            return phrase.mask
    if isinstance(q, query.ConstantScoreQuery):
        return matching(searcher, q.child)
    if isinstance(q, query.Or) and not isinstance(q, query.DisjunctionMax):
        found = _none(searcher)
        for child in q.subqueries:
            found |= matching(searcher, child)
        return found
    if isinstance(q, query.And):
        positives = [c for c in q.subqueries if not isinstance(c, query.Not)]
        negatives = [c.query for c in q.subqueries if isinstance(c, query.Not)]
        if positives:
            result = matching(searcher, positives[0])
            for child in positives[1:]:
                result &= matching(searcher, child)
            for negative in negatives:
                result &= ~matching(searcher, negative)
            return result
    if isinstance(q, query.AndNot):
        kept: np.ndarray = matching(searcher, q.a) & ~matching(searcher, q.b)
        return kept
    if isinstance(q, query.AndMaybe):
        return matching(searcher, q.a)
    if q is query.NullQuery or isinstance(q, type(query.NullQuery)):
        return _none(searcher)
    return _from_docs(searcher, searcher.docs_for_query(q))


def matching_docs(searcher: Searcher, q: query.Query) -> set[int]:
    """The document numbers of every (live) document ``q`` matches."""
    return docs_of(matching(searcher, q))


# -- columns ------------------------------------------------------------------------------------

# (segment id, column) -> its values: a segment's columns never change (deletions aside, which
# the match sets take care of), so a searcher opened after a commit reads only new segments.
_SEGMENT_COLUMNS: dict[tuple[str, str], np.ndarray] = {}
_SEGMENT_COLUMNS_KEPT = 256
# Searcher -> column -> values by document number.
_COLUMNS: weakref.WeakKeyDictionary[Searcher, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()


def _per_segment(reader: Any, name: str, load: Callable[[Any], np.ndarray]) -> np.ndarray:
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


def _column(
    searcher: Searcher, name: str, load: Callable[[Any], np.ndarray], dtype: type
) -> np.ndarray:
    """A column's values for every document number of the searcher (cached)."""
    columns = _COLUMNS.setdefault(searcher, {})
    values = columns.get(name)
    if values is None:
        parts = [_per_segment(reader, name, load) for reader, _ in _segments(searcher)]
        values = columns[name] = np.concatenate(parts) if parts else np.zeros(0, dtype)
    return values


def _raw(reader: Any, name: str) -> list[Any]:
    # A segment without the column (no document had a value) gives its default.
    return list(reader.column_reader(name, translate=False)) if reader.doc_count_all() else []


def _date_keys(searcher: Searcher) -> np.ndarray:
    """The date column's sort keys (unsigned; "no date" is the largest)."""
    return _column(
        searcher, "date", lambda r: np.array(_raw(r, "date"), dtype=np.uint64), np.uint64
    )


# Month values (b"2020-10", b"undated") numbered in the order first seen, for every segment.
_MONTHS: dict[Any, int] = {}
_MONTH_NAMES: list[str] = []
_MONTHS_LOCK = threading.Lock()


def _month_numbers(reader: Any) -> np.ndarray:
    values = _raw(reader, "month")
    with _MONTHS_LOCK:  # searches may run on more than one thread
        for value in set(values) - _MONTHS.keys():
            _MONTHS[value] = -1 if value is None else len(_MONTH_NAMES)
            if value is not None:
                _MONTH_NAMES.append(
                    value.decode("utf-8") if isinstance(value, bytes) else str(value)
                )
        return np.array([_MONTHS[value] for value in values], dtype=np.int32)


def month_counts(searcher: Searcher, mask: np.ndarray) -> dict[str, int]:
    """Matches per month ('2020-10' or 'undated'), from the month column."""
    numbers = _column(searcher, "month", _month_numbers, np.int32)[mask]
    counts = np.bincount(numbers[numbers >= 0])
    with _MONTHS_LOCK:
        return {_MONTH_NAMES[i]: int(counts[i]) for i in np.flatnonzero(counts).tolist()}


def newest(searcher: Searcher, mask: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` first matches newest first, as (document number, Whoosh's sort key): what
    ``sortedby=FieldFacet("date", reverse=True)`` gives (ties in document order; the column's
    "no date" value is the largest, so undated documents come first, as they always have)."""
    if limit <= 0:
        return []
    docs = np.flatnonzero(mask)
    keys = _date_keys(searcher)[docs]
    if len(docs) > limit:
        threshold = np.partition(keys, len(keys) - limit)[len(keys) - limit]
        docs, keys = docs[keys >= threshold], keys[keys >= threshold]
    # Ascending by key, ties by descending document, reversed: newest first, ties in order.
    order = np.lexsort((-docs, keys))[::-1][:limit]
    pairs = zip(docs[order].tolist(), keys[order].tolist(), strict=True)
    return [(doc, float(-key)) for doc, key in pairs]


# -- relevance ----------------------------------------------------------------------------------

_LENGTHS = np.array([byte_to_length(code) for code in range(256)], dtype=np.float64)


def _length_bytes(searcher: Searcher, fieldname: str) -> list[np.ndarray | None]:
    """Per segment: the field's length byte of each document (None without a length column)."""
    lenfield = f"_{fieldname}_len"

    def load(reader: Any) -> np.ndarray:
        perdoc = getattr(reader, "_perdoc", None)
        if perdoc is None or not perdoc.has_column(lenfield):
            return np.zeros(0, dtype=np.uint8)
        codes = perdoc.column_reader(lenfield, LENGTHS_COLUMN)
        return np.fromiter(codes, dtype=np.uint8, count=reader.doc_count_all())

    lengths = [_per_segment(reader, lenfield, load) for reader, _ in _segments(searcher)]
    return [codes if len(codes) else None for codes in lengths]


class _Bm25:
    """Whoosh's BM25F score of one term in documents, from their weights (term frequency times
    the field's boost) and length bytes: ``scoring.bm25`` computed on arrays, operation by
    operation in its order (the same floats)."""

    def __init__(self, searcher: Searcher, fieldname: str, btext: bytes) -> None:
        weighting = searcher.weighting
        self.idf = searcher.idf(fieldname, btext)
        self.avgfl = searcher.avg_field_length(fieldname) or 1
        self.b = weighting._field_B.get(fieldname, weighting.B)
        self.k1 = weighting.K1

    @staticmethod
    def usable(searcher: Searcher, field: Any) -> bool:
        return isinstance(searcher.weighting, scoring.BM25F) and bool(field.scorable)

    @classmethod
    def make(cls, searcher: Searcher, fieldname: str, btext: bytes) -> _Bm25 | None:
        field = searcher.schema[fieldname]
        return cls(searcher, fieldname, btext) if cls.usable(searcher, field) else None

    def __call__(self, tf: np.ndarray, codes: np.ndarray) -> np.ndarray:
        # scoring.bm25: idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
        idf, avgfl, b, k1 = self.idf, self.avgfl, self.b, self.k1
        fl = _LENGTHS[codes]
        tf = tf.astype(np.float64)
        result: np.ndarray = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
        return result


class Scored(NamedTuple):
    """A query's matches (a bool per document number) and their scores (0.0 elsewhere)."""

    values: np.ndarray
    mask: np.ndarray


def _term_scored(searcher: Searcher, fieldname: str, text: object) -> Scored | None:
    """BM25F score of each live document with the term, as Whoosh's Term matcher scores it."""
    schema = searcher.schema
    if fieldname not in schema:
        return _nothing(searcher)
    field = schema[fieldname]
    try:
        btext = field.to_bytes(text)
    except ValueError:
        return _nothing(searcher)
    if not _Bm25.usable(searcher, field):
        return None
    searched = _searched(searcher)
    scorer: _Bm25 | None = None
    values = np.zeros(searched.size, dtype=np.float64)
    mask = np.zeros(searched.size, dtype=bool)
    for (reader, offset), lengths in zip(
        searched.segments, _length_bytes(searcher, fieldname), strict=True
    ):
        found = _segment_term(reader, fieldname, btext, field)
        if found is None:
            continue
        if isinstance(found, str) or lengths is None:
            return None
        if scorer is None:
            scorer = _Bm25(searcher, fieldname, btext)
        ids, weights = found
        ids = ids.astype(np.int64)
        values[ids + offset] = scorer(weights, lengths[ids])
        mask[ids + offset] = True
    if searched.live is not None:
        mask &= searched.live
        values[~searched.live] = 0.0
    return Scored(values, mask)


def _nothing(searcher: Searcher) -> Scored:
    size = _searched(searcher).size
    return Scored(np.zeros(size, dtype=np.float64), np.zeros(size, dtype=bool))


def _consecutive(spots: list[list[bytes]]) -> np.ndarray:
    """For each document (the n-th value of each word's list), whether its words have
    positions p, p + 1, p + 2...: every word's positions, shifted back by the word's place in
    the phrase, as (document, start) keys, intersected word by word."""
    count = len(spots[0])
    starts: np.ndarray | None = None
    for index, values in enumerate(spots):
        decoded = [_POSITIONS.get(value) or _positions(value) for value in values]
        sizes = np.fromiter(map(len, decoded), dtype=np.int64, count=count)
        flat = np.fromiter(chain.from_iterable(decoded), dtype=np.int64, count=int(sizes.sum()))
        # A start can be negative (a later word at position 0): shifted up, keys stay apart.
        keys = (np.repeat(np.arange(count, dtype=np.int64), sizes) << 32) + (
            flat - index + len(spots)
        )
        # Keys come sorted (documents in order, positions ascending) and distinct.
        if starts is None:
            starts = keys
        else:
            place = np.minimum(np.searchsorted(keys, starts), len(keys) - 1)
            starts = starts[keys[place] == starts] if len(keys) else keys
        if not len(starts):
            break
    chosen = np.zeros(count, dtype=bool)
    if starts is not None:
        chosen[starts >> 32] = True
    return chosen


def _phrase_scored(searcher: Searcher, q: query.Phrase) -> Scored | None:
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
        return _nothing(searcher)
    scorers = [_Bm25.make(searcher, q.fieldname, b) for b in btexts]
    searched = _searched(searcher)
    result = _nothing(searcher)
    for (reader, offset), lengths in zip(
        searched.segments, _length_bytes(searcher, q.fieldname), strict=True
    ):
        if any((q.fieldname, b) not in reader for b in btexts):
            continue
        postings: list[tuple[np.ndarray, np.ndarray, list[bytes]]] = []
        for btext in btexts:
            ids: list[int] = []
            weights: list[float] = []
            encoded: list[bytes] = []
            for block_ids, block_weights, values in _blocks(reader, q.fieldname, btext):
                if not isinstance(values, tuple) or len(values) != len(block_ids):
                    return None  # not the W3 layout this reads
                ids += block_ids
                weights += block_weights
                encoded += values
            postings.append((np.array(ids, dtype=np.int64), np.array(weights), encoded))
        # The documents with every word, and where each word's postings have them.
        docs = postings[0][0]
        at = [np.arange(len(docs))]
        for word_docs, _weights, _encoded in postings[1:]:
            docs, mine, theirs = np.intersect1d(
                docs, word_docs, assume_unique=True, return_indices=True
            )
            at = [where[mine] for where in at]
            at.append(theirs)
        if searched.live is not None:
            alive = searched.live[docs + offset]
            docs, at = docs[alive], [where[alive] for where in at]
        chosen = _consecutive(
            [
                [encoded[i] for i in where.tolist()]
                for (_, _, encoded), where in zip(postings, at, strict=True)
            ]
        )
        docs = docs[chosen]
        at = [where[chosen] for where in at]
        score: np.ndarray | float = 0.0
        for scorer, (_ids, tfs, _encoded), where in zip(scorers, postings, at, strict=True):
            if scorer is not None and lengths is not None:
                part = scorer(tfs[where], lengths[docs])
            else:
                part = np.zeros(len(docs))
            score = part if isinstance(score, float) else score + part
        result.values[docs + offset] = score
        result.mask[docs + offset] = True
    return result


def _boosted(scored: Scored, boost: float) -> Scored:
    return scored if boost == 1.0 else Scored(scored.values * boost, scored.mask)


def scored(searcher: Searcher, q: query.Query) -> Scored | None:
    """Every document the query matches with its score (the mask is what ``matching`` gives),
    as Whoosh scores them: sums over OR and AND, constant scores, phrases scored by their
    words. None for a query shape this leaves to Whoosh."""
    if isinstance(q, query.Term):
        found = _term_scored(searcher, q.fieldname, q.text)
        return None if found is None else _boosted(found, q.boost)
    if isinstance(q, query.ConstantScoreQuery):
        mask = matching(searcher, q.child)
        return Scored(np.where(mask, q.score, 0.0), mask)
    if isinstance(q, query.Or) and not isinstance(q, query.DisjunctionMax):
        if q.minmatch or q.scale:
            return None
        total = _nothing(searcher)
        for child in q.subqueries:
            part = scored(searcher, child)
            if part is None:
                return None
            # A document in only some children gets 0.0 added for the others: its own score.
            total = Scored(total.values + part.values, total.mask | part.mask)
        return _boosted(total, q.boost)
    if isinstance(q, query.And):
        positives = [c for c in q.subqueries if not isinstance(c, query.Not)]
        if not positives:
            return None
        parts = []
        for child in positives:
            part = scored(searcher, child)
            if part is None:
                return None
            parts.append(part)
        mask = parts[0].mask.copy()
        values = parts[0].values
        for part in parts[1:]:
            mask &= part.mask
            values = values + part.values
        for negative in (c.query for c in q.subqueries if isinstance(c, query.Not)):
            mask &= ~matching(searcher, negative)
        return _boosted(Scored(np.where(mask, values, 0.0), mask), q.boost)
    if isinstance(q, query.Phrase):
        schema = searcher.schema
        if q.fieldname in schema and not _Bm25.usable(searcher, schema[q.fieldname]):
            return None
        phrase = _phrase_scored(searcher, q)
        return None if phrase is None else _boosted(phrase, q.boost)
    return None


def scores(searcher: Searcher, q: query.Query) -> dict[int, float] | None:
    """``scored`` as a dict of document number -> score."""
    found = scored(searcher, q)
    if found is None:
        return None
    docs = np.flatnonzero(found.mask)
    return dict(zip(docs.tolist(), found.values[docs].tolist(), strict=True))


def best(found: Scored, mask: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` highest scores among the documents of ``mask``, ties in document order
    (Whoosh's order)."""
    if limit <= 0:
        return []
    docs = np.flatnonzero(mask)
    values = found.values[docs]
    if len(docs) > limit:
        threshold = np.partition(values, len(values) - limit)[len(values) - limit]
        docs, values = docs[values >= threshold], values[values >= threshold]
    order = np.lexsort((docs, -values))[:limit]
    return list(zip(docs[order].tolist(), values[order].tolist(), strict=True))
