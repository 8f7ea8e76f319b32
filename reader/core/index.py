"""The Whoosh full-text index: derived from the store, versioned, rebuildable at any time.

All writes (queue processing and rebuilds) go through one cross-process lock file, so two
Reader processes never write at once; the second waits, then says clearly that it is busy.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import gc
import json
import multiprocessing
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher
from whoosh.util.filelock import FileLock
from whoosh.writing import IndexWriter

from reader.core.analysis import name_analyzer, text_analyzer
from reader.core.errors import IndexBusyError
from reader.core.leanwriter import LARGE, LeanWriter
from reader.core.store import IndexRow, Store

# Bump when the schema or the analyzer changes: a new folder is built and the old one dropped.
INDEX_VERSION = 3  # 2: annotation passages and notes (field "notes"); 3: lean segments + doc-ids
UNDATED = "undated"
_META_FILE = "reader-index.json"
_BATCH = 8000  # documents per commit (and per new segment: see leanwriter.LARGE)
# A batch of at least this many is split in two, the second half indexed by a helper process
# into a segment of its own (each half a segment that is never merged: see leanwriter.LARGE).
_SPLIT_FROM = 2 * LARGE

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


def make_schema() -> Schema:
    """The index schema; text fields use the mixed English/CJK analyzer."""
    text = text_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=text, field_boost=2.5, multitoken_query="phrase", spelling=True),
        body=TEXT(analyzer=text, multitoken_query="phrase", spelling=True),
        removed=TEXT(analyzer=text, field_boost=0.2, multitoken_query="phrase"),
        notes=TEXT(analyzer=text, multitoken_query="phrase"),
        source=TEXT(analyzer=names, multitoken_query="phrase"),
        byline=TEXT(analyzer=names, multitoken_query="phrase"),
        tags=KEYWORD(lowercase=True, commas=True, scorable=True),
        date=DATETIME(sortable=True),
        year=ID(sortable=True),
        month=ID(sortable=True),
    )


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a batch is indexed: the writer's pool holds hundreds
    of thousands of lists, which every full collection walks (about a seventh of the time);
    what the batch leaves in cycles is collected once it is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fields(row: IndexRow) -> dict[str, object]:
    date = row.date
    return {
        "id": str(row.id),
        "title": row.title,
        "body": row.text,
        "removed": row.removed,
        "notes": row.notes,
        "source": row.source or "",
        "byline": row.byline or "",
        "tags": ",".join(row.tags),
        "date": dt.datetime(date.year, date.month, date.day) if date else None,
        "year": f"{date.year:04d}" if date else UNDATED,
        "month": f"{date.year:04d}-{date.month:02d}" if date else UNDATED,
    }


class SearchIndex:
    """The index folder ``index-v<N>`` under the data dir."""

    def __init__(self, data_dir: Path, lock_timeout: float = 30.0) -> None:
        self.data_dir = data_dir
        self.path = data_dir / f"index-v{INDEX_VERSION}"
        self._building = data_dir / f"index-v{INDEX_VERSION}.new"
        self._lock_path = data_dir / "index.lock"
        self.lock_timeout = lock_timeout
        self._helper: SegmentHelper | None = None  # kept from one batch (and sync) to the next
        # (index folder, segment id) -> the document ids in that segment: segments never
        # change, so each is read once; deletions are not subtracted (see _indexed).
        self._segment_ids: dict[tuple[str, str], frozenset[int]] = {}

    def close(self) -> None:
        """Stop the helper process of big batches, if one was started."""
        if self._helper is not None:
            self._helper.close()
            self._helper = None

    # -- locking ------------------------------------------------------------------------------

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold the index's cross-process write lock, waiting up to ``lock_timeout`` seconds."""
        lock = FileLock(str(self._lock_path))
        deadline = time.monotonic() + self.lock_timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise IndexBusyError(
                    "The search index is being updated by another Reader window or command; "
                    "try again when it has finished."
                )
            time.sleep(0.1)
        try:
            yield
        finally:
            lock.release()

    # -- state --------------------------------------------------------------------------------

    def problem(self, library_id: str) -> str | None:
        """Why the index cannot be used as it is (missing, foreign, damaged), or None."""
        if not whoosh_index.exists_in(str(self.path)):
            return "the search index is missing"
        try:
            meta = json.loads((self.path / _META_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return "the search index has no record of its library"
        if meta.get("library_id") != library_id:
            return "the search index belongs to another library"
        try:
            whoosh_index.open_dir(str(self.path)).doc_count()
        except Exception as exc:
            return f"the search index is damaged ({exc.__class__.__name__})"
        return None

    def exists(self) -> bool:
        """True once an index has been built."""
        return bool(whoosh_index.exists_in(str(self.path)))

    def build_id(self) -> str | None:
        """Changes whenever the index is rebuilt (a searcher of an older build must be reopened)."""
        try:
            meta = json.loads((self.path / _META_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        build = meta.get("build")
        return str(build) if build else None

    def open_searcher(self) -> Searcher:
        """A searcher over the current index (a snapshot: call ``refresh()`` after commits)."""
        return whoosh_index.open_dir(str(self.path)).searcher()

    def doc_count(self) -> int:
        """Documents in the index."""
        return int(whoosh_index.open_dir(str(self.path)).doc_count())

    def _remove_leftovers(self) -> None:
        """Delete half-built indexes and indexes of older versions (call with the lock held)."""
        for path in self.data_dir.glob("index-v*"):
            if path.is_dir() and path != self.path:
                shutil.rmtree(path, ignore_errors=True)

    # -- writing ------------------------------------------------------------------------------

    def _writer(self, path: Path, store: Store) -> IndexWriter:
        ix = whoosh_index.open_dir(str(path))

        def reload(ids: list[str]) -> Iterator[dict[str, object]]:
            rows = store.index_rows([int(i) for i in ids])
            for doc_id in sorted(rows):
                yield _fields(rows[doc_id])

        # Non-compound segments: compound files cost memory and time on every searcher open.
        return LeanWriter(ix, reload=reload, compound=False)

    def sync(
        self,
        store: Store,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
        *,
        min_batch: int = 1,
    ) -> int:
        """Write queued document changes to the index, in committed batches; returns how many.

        With ``min_batch``, stops when fewer documents than that are waiting (an import that
        is still running will queue more: a few large segments are faster to search).
        """
        with self.write_lock():
            self._remove_leftovers()
            return self._drain(store, self.path, progress, cancel, min_batch)[0]

    def _drain(
        self,
        store: Store,
        path: Path,
        progress: Progress | None,
        cancel: Cancel | None,
        min_batch: int = 1,
    ) -> tuple[int, bool]:
        """Index queued documents batch by batch; (how many, False if cancelled)."""
        total = store.pending_count()
        helpers = self._helper_for(total)
        done = 0
        while True:
            if cancel is not None and cancel():
                return done, False
            entries = store.pending_index(_BATCH)
            if not entries or len(entries) < min(min_batch, _BATCH):
                break
            ids = [doc_id for doc_id, _ in entries]
            mine, helped = ids, None
            if helpers is not None and len(ids) >= _SPLIT_FROM:
                # The helper starts on the second half while this process does the first.
                mine = ids[: len(ids) // 2]
                helped = helpers.submit(store.path, path, ids[len(mine) :])
            with gc_paused():
                self._write_batch(store, path, ids, mine, helped)
            store.mark_indexed(entries)
            done += len(entries)
            if progress is not None:
                progress(done, max(total, done))
        return done, True

    def _write_batch(
        self,
        store: Store,
        path: Path,
        ids: list[int],
        mine: list[int],
        helped: concurrent.futures.Future[list[Any]] | None,
    ) -> None:
        """Index these documents (``mine``, and the helper's segment of the rest) in one commit."""
        writer = self._writer(path, store)
        try:
            # Delete what is indexed of these documents; add those still in the store.
            for doc_id in self._indexed(path, writer, ids):
                writer.delete_by_term("id", str(doc_id))
            rows = store.index_rows(mine)
            for doc_id in mine:
                row = rows.get(doc_id)
                if row is not None:
                    writer.add_document(**_fields(row))
            writer.helper_segments = helped
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def _indexed(self, path: Path, writer: LeanWriter, ids: list[int]) -> list[int]:
        """Those of ``ids`` that have a document in the writer's segments (deleted ones too:
        deleting them again does nothing). A term lookup per id and segment took seconds at
        100,000 documents; a segment's ids are read once, in one pass over its lexicon."""
        found: set[int] = set()
        live: set[tuple[str, str]] = set()
        for segment in writer.segments:
            key = (str(path), segment.segment_id())
            live.add(key)
            known = self._segment_ids.get(key)
            if known is None:
                reader = SegmentReader(writer.storage, writer.schema, segment)
                try:
                    known = frozenset(int(term) for term in reader.lexicon("id"))
                finally:
                    reader.close()
                self._segment_ids[key] = known
            found |= known.intersection(ids)
        for key in self._segment_ids.keys() - live:  # merged away
            del self._segment_ids[key]
        return [doc_id for doc_id in ids if doc_id in found]

    def _helper_for(self, pending: int) -> SegmentHelper | None:
        """A helper for this many queued documents, if they are enough and there is a core for
        it (started once, then kept until close())."""
        if pending < _SPLIT_FROM or (os.cpu_count() or 1) < 2:
            return None
        if self._helper is None:
            self._helper = SegmentHelper()
        return self._helper

    def rebuild(
        self, store: Store, progress: Progress | None = None, cancel: Cancel | None = None
    ) -> bool:
        """Build a fresh index from the store beside the old one, then swap them.

        Searches keep using the old index until the swap. Returns False when cancelled
        (the old index is left as it was, and nothing is lost: the queue still holds the work).
        """
        with self.write_lock():
            self._remove_leftovers()
            self._building.mkdir(parents=True)
            whoosh_index.create_in(str(self._building), make_schema())
            store.queue_all_for_index()
            if not self._drain(store, self._building, progress, cancel)[1]:
                shutil.rmtree(self._building, ignore_errors=True)
                store.queue_all_for_index()  # what the discarded build took off the queue
                return False
            # Documents queued meanwhile (an import running alongside) stay queued for a sync.
            (self._building / _META_FILE).write_text(
                json.dumps(
                    {
                        "library_id": store.library_id,
                        "version": INDEX_VERSION,
                        "build": uuid.uuid4().hex,
                    }
                ),
                "utf-8",
            )
            retired = self.data_dir / f"index-v{INDEX_VERSION}.old"
            shutil.rmtree(retired, ignore_errors=True)
            if self.path.exists():
                self.path.rename(retired)
            self._building.rename(self.path)
            shutil.rmtree(retired, ignore_errors=True)
        return True


def _build_segment(database: Path, index_dir: Path, ids: list[int]) -> list[Any]:
    """In a helper process: write these documents to a new segment of the index (not yet in
    its table of contents: the writer that holds the lock adds it when it commits)."""
    with Store(database) as store:
        rows = store.index_rows(ids)
    writer = LeanWriter(whoosh_index.open_dir(str(index_dir)), _lk=False, compound=False)
    try:
        with gc_paused():
            for doc_id in ids:
                row = rows.get(doc_id)
                if row is not None:
                    writer.add_document(**_fields(row))
            if not writer.docnum:
                writer._close_segment()
                return []
            return [writer._finalize_segment()]
    finally:
        writer._release()


class SegmentHelper:
    """A helper process that indexes half of each big batch (see _SPLIT_FROM)."""

    def __init__(self) -> None:
        self._executor = concurrent.futures.ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn")
        )

    def close(self) -> None:
        """Stop the process (after its current segment)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def submit(
        self, database: Path, index_dir: Path, ids: list[int]
    ) -> concurrent.futures.Future[list[Any]]:
        return self._executor.submit(_build_segment, database, index_dir, ids)
