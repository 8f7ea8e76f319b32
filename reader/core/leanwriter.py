"""A lean Whoosh segment writer: the same index files as Whoosh's own writer, several times faster.

Whoosh's ``SegmentWriter`` analyses every word through a chain of generators and Token objects,
sends every posting through a sorting pool on disk, writes them one at a time, and while doing
so stats a file on disk for every posting of a field that has no length column (``_cached_reader``
caches only hits). This writer keeps Whoosh's segment, deletion, merge and commit machinery and
replaces the three hot paths:

- **analysis**: text without CJK characters (nearly all of it) is cut with one compiled regex
  into raw words, each mapped to its term through a dict (lower-casing and Snowball stemming
  happen once per distinct word, not once per occurrence); text with CJK characters goes
  through the field's real analyzer. The terms, positions and weights are exactly those of
  ``reader.core.analysis`` (tested against Whoosh's own writer, posting by posting).
- **the pool**: postings are grouped in memory by field and term as they come, so a segment is
  written by sorting its distinct terms, not its postings.
- **writing**: each field's terms are written by one function (``_write_terms``) that makes
  the bytes of Whoosh's W3 postings and terms files itself, a block (128 postings) at a time,
  with block statistics computed from the lengths kept in memory: Whoosh's field and postings
  writers cost a dozen calls a term, and most terms of a segment have a single posting.

The spelling fields (the unstemmed words, for suggestions and fuzzy search) get one posting per
word per segment whose weight is the number of documents with the word, where Whoosh writes one
posting per document: ``reader.frequency(field, word)`` still counts documents.

Each segment also gets a doc-ids sidecar (see DocIdsWriter) for docsets' fast reads. Merging is
merge_small's. It relies on private attributes of Whoosh 2.7's W3 codec (pyproject.toml keeps
Whoosh below 2.8).
"""

from __future__ import annotations

import bisect
import concurrent.futures
import operator
import re
import struct
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from hashlib import md5
from itertools import chain, compress, repeat
from pickle import dumps
from typing import Any, Generic, TypeVar

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.filedb.filetables import md5_hash
from whoosh.reading import SegmentReader
from whoosh.system import pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import NO_MERGE, SegmentWriter

from reader.core.analysis import _TOKEN as _MIXED_TOKEN
from reader.core.analysis import CJK_RUN, LatinStemFilter, MixedTokenizer, stem

_FULLWIDTH_CHAR = re.compile("[\uff01-\uff5e]")
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# MixedTokenizer's word pattern, for text that has no CJK character.
_LATIN_WORD = re.compile(r"[^\W_]+")
# ... which in ASCII text are the runs of letters and digits: every other character turned into
# a space, str.split gives them (a fifth of the instructions of indexing went to the regex).
_ASCII_NOT_ALNUM = str.maketrans(
    dict.fromkeys((chr(c) for c in range(128) if not chr(c).isalnum()), " ")
)
_TERM_CACHE_LIMIT = 400_000
_COMPRESS_FROM = 256  # bytes of a postings block
# zlib level of the larger blocks: 1 compresses about as well as Whoosh's 3 on pickled postings
# and faster (reading does not depend on the level).
_COMPRESSION = 1
# zlib window of a block: 8 KB holds a whole block (128 postings), and setting up zlib's default
# 32 KB window and hash tables costs more than compressing a block (zlib.decompress reads any).
_WINDOW_BITS = 13
# Pickle protocol of a block's data: Whoosh's 2 has no opcode for bytes (each encoded value
# becomes a call to _codecs.encode, pickled and unpickled); 4 stores them as they are, and
# loads() gives the same tuple: dumped and loaded 7 times faster, a third smaller.
_BLOCK_PROTOCOL = 4
# Merge policy: MERGE_AT segments of one size tier are merged; LARGE documents or more, never.
MERGE_AT = 8
LARGE = MERGE_AT**3

_T = TypeVar("_T")

# Document ids -> the fields to index for those still in the store.
Reload = Callable[[list[str]], Iterable[dict[str, Any]]]


def _stemmed_term(word: str) -> bytes:
    lower = word.lower()
    return (lower if lower.isdigit() else stem(lower)).encode("utf-8")


def _plain_term(word: str) -> bytes:
    return word.lower().encode("utf-8")


class _Terms(Generic[_T]):
    """Raw word -> what it is indexed as (its term, or its spelling), for one kind of field."""

    def __init__(self, make: Callable[[str], _T]) -> None:
        self.cache: dict[str, _T] = {}
        self.make = make

    def fill(self, word: str) -> _T:
        if len(self.cache) >= _TERM_CACHE_LIMIT:
            self.cache.clear()
        term = self.cache[word] = self.make(word)
        return term

    def of(self, words: list[str]) -> list[_T]:
        """What each word is indexed as: looked up at C level, only new words made."""
        cache = self.cache
        found = list(map(cache.get, words))
        if None in found:
            new = set(compress(words, map(operator.is_, found, repeat(None))))
            if len(cache) + len(new) > _TERM_CACHE_LIMIT:
                cache.clear()
                new = set(words)
            make = self.make
            for word in new:
                cache[word] = make(word)
            found = list(map(cache.__getitem__, words))
        return found  # type: ignore[return-value]  # no None left


# (term, frequency, weight, encoded value) of one term of a field in a document
_Posting = tuple[bytes, int, float, bytes]
# Postings of recurring values of the other fields, by (field name, value).
_GENERIC: dict[tuple[str, Any], list[_Posting]] = {}
_GENERIC_LIMIT = 100_000
# Column values of the other fields, by (field name, value).
_COLUMN_VALUES: dict[tuple[str, Any], Any] = {}

_STEMMED = _Terms(_stemmed_term)
_PLAIN = _Terms(_plain_term)
_LOWERED = _Terms(str.lower)
# Positions.encode of a term's positions is pack_uint(count) + dumps(deltas, 2). Most lists are
# short, and setting up a pickler costs more than pickling them: their bytes are put together
# from these tables, which cover positions below len(_ONE_AT) (grown by _cover, up to
# _TABLES_LIMIT). Protocol 2 writes a list of 2 to 1000 items as PROTO 2, EMPTY_LIST, BINPUT 0,
# MARK, the items, APPENDS, STOP (one item: the item then APPEND), an int below 65536 as
# BININT1 or BININT2.
_TABLES_LIMIT = 1 << 16
_ONE_AT: list[bytes] = []  # position -> the encoding of [position]
_INT_CODES: list[bytes] = []  # int -> its pickle opcode and argument
_SHORT = 9  # lists up to this long are put together item by item, longer ones pickled
_LIST_HEADS: list[bytes] = [pack_uint(count) + b"\x80\x02]q\x00(" for count in range(_SHORT + 1)]
_LIST_END = b"e."


def _cover(count: int) -> bool:
    """Whether the tables cover positions below ``count`` (growing them if need be)."""
    have = len(_ONE_AT)
    if count <= have:
        return True
    if count > _TABLES_LIMIT:
        return False
    count = max(count, 2 * have, 1024)
    _INT_CODES.extend(dumps(value, 2)[2:-1] for value in range(have, count))
    _ONE_AT.extend(pack_uint(1) + dumps([pos], 2) for pos in range(have, count))
    return True


def encode_positions(positions: list[int]) -> bytes:
    """``whoosh.formats.Positions.encode`` of a term's positions (ascending, at least one)."""
    count = len(positions)
    if count <= _SHORT and positions[-1] < len(_ONE_AT):
        codes = _INT_CODES
        if count == 1:
            return _ONE_AT[positions[0]]
        if count == 2:
            first, second = positions
            return _LIST_HEADS[2] + codes[first] + codes[second - first] + _LIST_END
        previous = positions[0]
        parts = [_LIST_HEADS[count], codes[previous]]
        for pos in positions[1:]:
            parts.append(codes[pos - previous])
            previous = pos
        parts.append(_LIST_END)
        return b"".join(parts)
    deltas = [positions[0]]
    deltas.extend(map(operator.sub, positions[1:], positions))
    encoded: bytes = pack_uint(count) + dumps(deltas, 2)
    return encoded


def _halfwidth(text: str) -> str:
    """``text.translate(_FULLWIDTH)``: str.translate looks every character of a non-ASCII text
    up in the dict, while the few full-width characters a text has are replaced a pass each."""
    for char in set(_FULLWIDTH_CHAR.findall(text)):
        text = text.replace(char, chr(ord(char) - 0xFEE0))
    return text


def latin_positions(
    text: str, stemmed: bool
) -> tuple[dict[bytes, list[int]], int, list[str], bool]:
    """Term -> positions of a text without CJK characters, the token count, the words, and
    whether they are lowercased already (ASCII text is lowered whole: a word's term does not
    depend on its case, and its spelling is the lowered word)."""
    lowered = text.isascii()
    if lowered:
        words = text.lower().translate(_ASCII_NOT_ALNUM).split()
    else:
        words = _LATIN_WORD.findall(_halfwidth(text))
    positions: dict[bytes, list[int]] = {}
    get = positions.get
    for index, term in enumerate((_STEMMED if stemmed else _PLAIN).of(words)):
        found = get(term)
        if found is None:
            positions[term] = [index]
        else:
            found.append(index)
    return positions, len(words), words, lowered


def mixed_positions(text: str, stemmed: bool) -> tuple[dict[bytes, list[int]], int, set[str]]:
    """Term -> positions of any text (CJK included), the token count and the spelling words:
    the tokens MixedTokenizer gives in index mode (a CJK run's bigrams, then its last character
    at the last bigram's position), stemmed or not, and unstemmed for spelling."""
    text = _halfwidth(text)
    # The CJK tokens and the words, each with their positions, are gathered run by run (the
    # bigrams of a run made at C level); their terms never coincide (a word has no CJK
    # character), so each gets its positions in order from its own list.
    pieces: list[str] = []
    piece_at: list[int] = []
    words: list[str] = []
    word_at: list[int] = []
    pos = 0
    for cjk, word in _MIXED_TOKEN.findall(text):
        if word:
            words.append(word)
            word_at.append(pos)
            pos += 1
        elif len(cjk) == 1:
            pieces.append(cjk)
            piece_at.append(pos)
            pos += 1
        else:
            last = len(cjk) - 1
            pieces += map(operator.add, cjk[:-1], cjk[1:])
            pieces.append(cjk[-1])
            piece_at += range(pos, pos + last)
            piece_at.append(pos + last - 1)
            pos += last
    positions: dict[bytes, list[int]] = {}
    get = positions.get
    for at, term in chain(
        zip(piece_at, map(str.encode, pieces), strict=True),
        zip(word_at, (_STEMMED if stemmed else _PLAIN).of(words), strict=True),
    ):
        found = get(term)
        if found is None:
            positions[term] = [at]
        else:
            found.append(at)
    spelled = set(pieces)
    spelled.update(_LOWERED.of(words))
    return positions, len(pieces) + len(words), spelled


def text_matches(
    text: str, matches: frozenset[bytes], before: int = 0, after: int = 0
) -> tuple[list[tuple[int, int]], list[bytes | None]]:
    """The tokens of a text for highlighting: their character spans and, for those whose term
    is in ``matches``, the term (None for the others). These are the tokens Reader's analyzer
    gives in query mode with ``chars=True``: stemmed words, and CJK runs as bigrams (a lone
    CJK character as itself).

    With ``before``/``after`` > 0 only the tokens from ``before`` characters ahead of a match to
    ``after`` characters past it are given (none when nothing matches): a highlighter that
    looks no further than that around matches gives the same fragments, for a fraction of the
    work on long texts.
    """
    if _FULLWIDTH_CHAR.search(text):
        text = text.translate(_FULLWIDTH)
    get, fill = _STEMMED.cache.get, _STEMMED.fill
    if CJK_RUN.search(text) is None:
        words = _LATIN_WORD.findall(text)
        found: dict[str, bytes] = {}  # raw word -> its term, for the words that match
        for word in set(words):
            term = get(word) or fill(word)
            if term in matches:
                found[word] = term
        if not found:
            return [], []
        spans = list(map(re.Match.span, _LATIN_WORD.finditer(text)))
        terms: list[bytes | None] = list(map(found.get, words))
    else:
        spans, terms = [], []
        for match in _MIXED_TOKEN.finditer(text):
            start, run = match.start(), match.group()
            if match.lastgroup == "cjk":
                if len(run) == 1:
                    pieces = [(start, run)]
                else:
                    pieces = [(start + i, run[i : i + 2]) for i in range(len(run) - 1)]
                for piece_start, piece in pieces:
                    term = piece.encode("utf-8")
                    spans.append((piece_start, piece_start + len(piece)))
                    terms.append(term if term in matches else None)
            else:
                term = get(run) or fill(run)
                spans.append(match.span())
                terms.append(term if term in matches else None)
    hits = list(compress(range(len(terms)), map(operator.is_not, terms, repeat(None))))
    if not hits:
        return [], []
    if before <= 0 and after <= 0:
        return spans, terms
    starts = list(map(operator.itemgetter(0), spans))
    ranges: list[list[int]] = []  # token index ranges [first, last + 1)
    for i in hits:
        first = bisect.bisect_left(starts, spans[i][0] - before)
        last = bisect.bisect_right(starts, spans[i][1] + after)
        if ranges and first <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], last)
        else:
            ranges.append([first, last])
    kept_spans: list[tuple[int, int]] = []
    kept_terms: list[bytes | None] = []
    for first, last in ranges:
        kept_spans += spans[first:last]
        kept_terms += terms[first:last]
    return kept_spans, kept_terms


def _quantized(length: int) -> int:
    """A field length as Whoosh's length column gives it back (one byte, approximate)."""
    code = length_to_byte(length)
    return int(byte_to_length(code)) if code else 0


def _fast_analyzer(field: Any) -> bool | None:
    """True/False (stemmed or not) for Reader's text analyzers, None for anything else."""
    items = getattr(field.analyzer, "items", None)
    if not items or not isinstance(items[0], MixedTokenizer):
        return None
    if len(items) == 1:
        return False
    if len(items) == 2 and isinstance(items[1], LatinStemFilter):
        return True
    return None


class LeanWriter(SegmentWriter):  # type: ignore[misc]
    """A SegmentWriter whose add_document and segment flush are fast (see the module doc)."""

    def __init__(self, ix: Any, reload: Reload | None = None, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self._reload = reload
        # field -> term bytes -> [doc number, weight, encoded value, doc number, ...] (flat:
        # a tuple per posting would double the memory), in document order
        self._posts: dict[str, dict[bytes, list[Any]]] = {}
        self._lengths: dict[str, dict[int, int]] = {}  # field -> doc number -> quantized length
        self._spelling: dict[str, Counter[str]] = {}
        self._kinds: dict[str, bool | None] = {
            name: _fast_analyzer(field) if field.indexed and field.analyzer else None
            for name, field in self.schema.items()
        }
        # Segments written meanwhile by a helper process (see index._build_segment), waited for
        # once this writer's own segment is written, and committed with it.
        self.helper_segments: concurrent.futures.Future[list[Any]] | None = None

    def _post(self, fieldname: str, term: bytes, docnum: int, weight: float, value: bytes) -> None:
        terms = self._posts.get(fieldname)
        if terms is None:
            terms = self._posts[fieldname] = {}
        found = terms.get(term)
        if found is None:
            terms[term] = [docnum, weight, value]
        else:
            found.extend((docnum, weight, value))

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        schema = self.schema
        perdoc = self.perdocwriter
        docnum = self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = self._index_field(name, field, value, docnum) if field.indexed else 0
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, self._column_value(name, field, value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _index_field(self, name: str, field: Any, value: Any, docnum: int) -> int:
        """Pool the postings of one field of one document; its length (0 if not scorable)."""
        kind = self._kinds.get(name)
        length = 0
        spelled: set[str] | None = None
        if kind is not None and isinstance(value, str):
            if value.isascii() or CJK_RUN.search(value) is None:
                positions, length, words, lowered = latin_positions(value, kind)
                if field.separate_spelling():
                    spelled = set(words) if lowered else set(_LOWERED.of(list(set(words))))
            else:
                positions, length, spelled = mixed_positions(value, kind)
            boost = field.format.field_boost
            terms = self._posts.get(name)
            if terms is None:
                terms = self._posts[name] = {}
            get = terms.get
            if _cover(length):
                one = _ONE_AT
                for term, found in positions.items():
                    entry = get(term)
                    if entry is None:
                        terms[term] = [docnum, len(found) * boost, encode_positions(found)]
                    elif len(found) == 1:  # most (term, document) pairs
                        entry += docnum, boost, one[found[0]]
                    else:
                        entry += docnum, len(found) * boost, encode_positions(found)
            else:  # a text too long for the tables
                for term, found in positions.items():
                    posting = (docnum, len(found) * boost, encode_positions(found))
                    entry = get(term)
                    if entry is None:
                        terms[term] = list(posting)
                    else:
                        entry += posting
        else:
            postings = self._generic_postings(name, field, value)
            if postings:
                terms = self._posts.get(name)
                if terms is None:  # made at the first posting (a field with none has no terms)
                    terms = self._posts[name] = {}
                for term, freq, weight, encoded in postings:
                    length += freq
                    entry = terms.get(term)
                    if entry is None:
                        terms[term] = [docnum, weight, encoded]
                    else:
                        entry += docnum, weight, encoded
        if field.separate_spelling():
            if spelled is None:
                spelled = set(field.spellable_words(value))
            counter = self._spelling.get(name)
            if counter is None:
                counter = self._spelling[name] = Counter()
            counter.update(spelled)
        if not field.scorable:
            return 0
        lengths = self._lengths.get(name)
        if lengths is None:
            lengths = self._lengths[name] = {}
        lengths[docnum] = _quantized(length)
        return length

    def _generic_postings(self, name: str, field: Any, value: Any) -> list[_Posting]:
        """Whoosh's own postings of a field that is not Reader text; those of the values that
        recur (dates, months, sources, bylines: not the unique ids) come from a cache."""
        if field.unique:
            return list(field.index(value))
        key = (name, value)
        found = _GENERIC.get(key)
        if found is None:
            if len(_GENERIC) >= _GENERIC_LIMIT:
                _GENERIC.clear()
            found = _GENERIC[key] = list(field.index(value))
        return found

    def _column_value(self, name: str, field: Any, value: Any) -> Any:
        """``field.to_column_value(value)``, cached for the values that recur (a DATETIME's
        costs a dozen Python calls, an import statement among them)."""
        if field.unique:
            return field.to_column_value(value)
        key = (name, value)
        found = _COLUMN_VALUES.get(key, _COLUMN_VALUES)
        if found is _COLUMN_VALUES:
            if len(_COLUMN_VALUES) >= _GENERIC_LIMIT:
                _COLUMN_VALUES.clear()
            found = _COLUMN_VALUES[key] = field.to_column_value(value)
        return found

    # -- merging ------------------------------------------------------------------------------

    def add_reader(self, reader: Any) -> None:
        raise NotImplementedError("LeanWriter merges by indexing the documents again")

    def commit(self, mergetype: Any = None, optimize: bool = False, merge: bool = True) -> None:
        """Commit, merging small segments (by indexing their documents again, see merge_small)."""
        try:
            super().commit(mergetype=self.merge_small if merge else NO_MERGE)
        finally:
            self._release()

    def cancel(self) -> None:
        try:
            super().cancel()
        finally:
            self._release()

    def _commit_toc(self, segments: list[Any]) -> None:
        extra: list[Any] = []
        if self.helper_segments is not None:
            try:
                extra = self.helper_segments.result()
            except BaseException:
                # Nothing is committed; unlisted segment files go at the next commit.
                self._finish()
                raise
        super()._commit_toc([*segments, *extra])

    def _release(self) -> None:
        # Drop what refers to the caller's store (a thread's SQLite connection) and the pool,
        # so nothing of them waits for the garbage collector on another thread.
        self._reload = None
        self._posts.clear()
        self._lengths.clear()
        self._spelling.clear()

    def merge_small(self, writer: Any, segments: list[Any]) -> list[Any]:
        """Whoosh merge policy: segments of similar size are merged once MERGE_AT of them exist.

        Sizes go in tiers of powers of MERGE_AT (1-7, 8-63, 64-511 documents with 8); a segment
        of LARGE documents or more is never merged. A merge indexes the live documents of the
        merged segments again from the store (``reload``), which costs what adding them costs:
        about a millisecond a document, where Whoosh's own merge copies every posting through
        its pool. Each document is indexed again at most once per tier.
        """
        if self._reload is None:
            return segments
        tiers: dict[int, list[Any]] = {}
        for segment in segments:
            count = segment.doc_count_all()
            if count < LARGE:
                tier = 0
                while count >= MERGE_AT ** (tier + 1):
                    tier += 1
                tiers.setdefault(tier, []).append(segment)
        merged = [seg for group in tiers.values() if len(group) >= MERGE_AT for seg in group]
        if not merged:
            return segments
        ids: list[str] = []
        for segment in merged:
            reader = SegmentReader(self.storage, self.schema, segment)
            try:
                ids.extend(str(fields["id"]) for _, fields in reader.iter_docs())
            finally:
                reader.close()
        for fields in self._reload(ids):
            self.add_document(**fields)
        return [segment for segment in segments if segment not in merged]

    # -- writing the segment ------------------------------------------------------------------

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        for name, counter in self._spelling.items():
            spellfield = self.schema[name].spelling_fieldname(name)
            for word, docs in counter.items():
                self._post(spellfield, word.encode("utf-8"), 0, docs, pack_uint(docs))
        self._spelling.clear()
        writer = self.fieldwriter
        sidecar = DocIdsWriter(self.newsegment.create_file(self.storage, DOC_IDS_EXT))
        for fieldname in sorted(self._posts):
            fieldobj = self.schema[fieldname]
            terms = self._posts[fieldname]
            lengths = self._lengths.get(fieldname)
            writer.start_field(fieldname, fieldobj)
            _write_terms(writer, fieldobj, terms, lengths, sidecar, fieldname)
            writer.finish_field()
        writer.close()
        sidecar.close()
        self._posts.clear()


# The doc-ids sidecar of a segment: for each term with at least DOC_IDS_FROM postings, its
# document numbers (uint32) and weights (float32, as in the postings) as plain arrays, so that
# finding and scoring every match needs no posting block (with its positions) unpickled.
# Derived like the rest of the index; a segment without one is read through its blocks.
DOC_IDS_EXT = ".rids"
DOC_IDS_FROM = 256
DOC_IDS_MAGIC = b"RDI1"


class DocIdsWriter:
    """Writes a segment's doc-ids sidecar: arrays, then a pickled directory, then its offset."""

    def __init__(self, file: Any) -> None:
        self._file = file
        self._file.write(DOC_IDS_MAGIC)
        self._offset = len(DOC_IDS_MAGIC)
        self._directory: dict[tuple[str, bytes], tuple[int, int]] = {}

    def add(self, fieldname: str, term: bytes, ids: list[int], weights: list[float]) -> None:
        data = array("I", ids).tobytes() + array("f", weights).tobytes()
        self._directory[(fieldname, term)] = (self._offset, len(ids))
        self._file.write(data)
        self._offset += len(data)

    def close(self) -> None:
        self._file.write(dumps(self._directory, 4))
        self._file.write(struct.pack("<Q", self._offset))
        self._file.close()


_TERMINFO = struct.Struct("!BfIBBfII")  # W3TermInfo's fixed part
_KEY_VALUE_LENGTHS = struct.Struct("!ii")  # before each key and value of a hash file
_BLOCK_LENGTH = struct.Struct("!i")
_OFFSET_LENGTH = struct.Struct("!qi")  # a term's extent in the postings file


def _key_hash(key: bytes) -> int:
    """``whoosh.filedb.filetables.md5_hash`` (the low 32 bits of the MD5 digest)."""
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")


def _write_terms(
    writer: Any,
    fieldobj: Any,
    terms: dict[bytes, list[Any]],
    lengths: dict[int, int] | None,
    sidecar: DocIdsWriter,
    fieldname: str,
) -> None:
    """Write a field's terms (each a flat [doc number, weight, value, ...] list) to the postings
    and terms files of ``writer`` (a started W3FieldWriter): the bytes Whoosh's W3 field and
    postings writers write, term after term, in one function with no per-posting calls.

    Their differences, which Whoosh 2.7 reads as its own: each block is pickled with protocol 4,
    left uncompressed when it is small (each block says whether it is), and compressed at level
    1 with a small window otherwise. Compressing a block of a few bytes costs more than it saves
    (zlib sets up a stream per call, for most of the terms of a segment); Whoosh meant to skip
    blocks under 20 bytes but overwrites that decision.
    """
    postfile = writer._postfile
    tindex = writer._tindex
    if tindex.hashfn is not md5_hash:
        raise RuntimeError("unexpected Whoosh terms file")  # pyproject keeps Whoosh at 2.7
    buckets = tindex.buckets
    positions = tindex.index
    prefix = pack_ushort(writer._fieldid)
    fixed = fieldobj.format.fixed_value_size()
    limit = writer._codec._blocklimit
    offset = postfile.tell()
    position = tindex.dbfile.tell()
    lastkey = tindex.lastkey  # the terms of all fields are in order, field after field
    for term in sorted(terms):
        flat = terms[term]
        ids, weights, values = flat[0::3], flat[1::3], flat[2::3]
        count = len(ids)
        if count >= DOC_IDS_FROM:
            sidecar.add(fieldname, term, ids, weights)
        # W3TermInfo's statistics, gathered block by block as its add_block does
        total = 0.0
        top = 0.0
        shortest: int | None = None
        longest = 0
        parts = [WHOOSH3_HEADER_MAGIC]
        for start in range(0, count, limit):
            end = start + limit
            if count > limit:
                chunk, chunk_weights = ids[start:end], weights[start:end]
                chunk_values = values[start:end]
            else:
                chunk, chunk_weights, chunk_values = ids, weights, values
            stored = array("f", chunk_weights)  # the weights as the block stores them
            size = len(chunk)
            heaviest = max(0, max(chunk_weights))
            if lengths is not None:
                present = list(map(lengths.__getitem__, chunk))
                low: int | None = min(present)
                high = max(present)
                if shortest is None or low < shortest:  # type: ignore[operator]
                    shortest = low
                if high > longest:
                    longest = high
            else:
                low, high = None, 0
            total += sum(stored)
            if heaviest > top:
                top = heaviest
            if stored.count(1.0) == size:
                mini_weights: float | tuple[float, ...] | None = None
            elif stored.count(stored[0]) == size:
                mini_weights = float(stored[0])
            else:
                mini_weights = tuple(stored)
            if not all(chunk_values):
                chunk_values = [v for v in chunk_values if v]
            if fixed is None or fixed < 0:
                mini_values: tuple[bytes, ...] | bytes | None = tuple(chunk_values)
            elif fixed == 0:
                mini_values = None
            else:
                mini_values = b"".join(chunk_values)
            mini_ids = (chunk[0], *map(operator.sub, chunk[1:], chunk))
            databytes = dumps((mini_ids, mini_weights, mini_values), _BLOCK_PROTOCOL)
            comp = _COMPRESSION if len(databytes) >= _COMPRESS_FROM else 0
            if comp:
                databytes = zlib.compress(databytes, comp, _WINDOW_BITS)
            info = (size, chunk[-1], heaviest, comp, length_to_byte(low), length_to_byte(high))
            infobytes = dumps(info, 2)
            blocklength = len(infobytes) + len(databytes)
            parts.append(_BLOCK_LENGTH.pack(-blocklength if end >= count else blocklength))
            parts.append(infobytes)
            parts.append(databytes)
        data = b"".join(parts)
        postfile.write(data)
        terminfo = _TERMINFO.pack(
            0,
            total,
            count,
            0 if shortest is None else length_to_byte(shortest),
            length_to_byte(longest),
            top,
            ids[0],
            ids[-1],
        ) + _OFFSET_LENGTH.pack(offset, len(data))
        offset += len(data)
        # OrderedHashWriter.add
        key = prefix + term
        if key <= lastkey:
            raise ValueError(f"Keys must increase: {lastkey!r}..{key!r}")
        lastkey = key
        positions.append(position)
        tindex.dbfile.write(_KEY_VALUE_LENGTHS.pack(len(key), len(terminfo)) + key + terminfo)
        found = _key_hash(key)
        buckets[found & 255].append((found, position))
        position += 8 + len(key) + len(terminfo)
    tindex.lastkey = lastkey
