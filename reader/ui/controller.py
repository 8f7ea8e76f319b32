"""The controller: the window's only way to the library; it turns results into signals.

Quick reads and small writes (a document's text, read state, a metadata correction) happen on
the GUI thread's own Library, in milliseconds. Searches run on a search thread; imports and
index writes on a writer thread. Widgets never touch the store.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from reader.core import exchange
from reader.core.encoding import decode_with
from reader.core.errors import ImportFailed, ReaderError
from reader.core.library import UNSET, Library, _Unset
from reader.core.models import (
    Annotation,
    Bookmark,
    Document,
    DocumentSummary,
    ImportReport,
    SearchResult,
    TimelineBucket,
)
from reader.core.store import buckets_from_months
from reader.ui.workers import QueryWorker, WriterWorker, start_thread

SEARCH_LIMIT = 200


class LibraryController(QObject):
    """Owns the GUI thread's Library and the background workers."""

    library_changed = Signal()  # documents added, removed or re-dated: reload list and timeline
    list_loaded = Signal(list, list, list)  # ids in list order, TimelineBuckets, bookmarked ids
    document_changed = Signal(int)  # one document's metadata or read state changed
    annotations_changed = Signal(int)  # a document's highlights or notes changed
    search_finished = Signal(object)  # SearchResult of the current query
    search_failed = Signal(str)
    search_cleared = Signal()
    progress = Signal(str, int, int)  # what, done, total
    busy_changed = Signal(bool)
    import_finished = Signal(object)  # ImportReport
    index_updated = Signal()
    message = Signal(str)  # for the status bar

    _search_requested = Signal(int, str, str, object, int)
    _load_requested = Signal(int, str, object)
    _import_requested = Signal(list)
    _sync_requested = Signal()
    _check_requested = Signal()

    def __init__(self, data_dir: Path, *, seed: bool = True) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.library = Library.open(data_dir, seed=seed, check_index=False)
        self._query_worker = QueryWorker(data_dir)
        self._writer = WriterWorker(data_dir)
        self._threads: list[QThread] = [
            start_thread(self._query_worker, "reader-search"),
            start_thread(self._writer, "reader-writer"),
        ]
        self._request = 0
        self._load = 0
        self.query = ""
        self.order = "date"
        self.search_order = "relevance"  # of search hits: or "date", newest first
        self.period: str | None = None
        self.busy = False
        self._undo: list[tuple[str, list[int]]] = []  # what Ctrl+Z brings back
        self._closed = False
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._search_requested.connect(self._query_worker.search)
        self._load_requested.connect(self._query_worker.load_list)
        self._query_worker.list_loaded.connect(self._on_query_worker_list_loaded)
        self._query_worker.search_finished.connect(self._on_query_worker_search_finished)
        self._query_worker.search_failed.connect(self._on_query_worker_search_failed)
        self._import_requested.connect(self._writer.import_paths)
        self._sync_requested.connect(self._writer.sync_index)
        self._check_requested.connect(self._writer.check_index)
        self._writer.progress.connect(self.progress)
        self._writer.documents_added.connect(self._on_writer_documents_added)
        self._writer.import_finished.connect(self._on_writer_import_finished)
        self._writer.index_updated.connect(self._on_writer_index_updated)
        self._writer.job_failed.connect(self.message)
        self._writer.busy_changed.connect(self._on_writer_busy_changed)

    def shutdown(self) -> None:
        """Stop the workers and close the libraries (when the window closes)."""
        self._closed = True
        self._writer.stop_event.set()
        for thread in self._threads:
            thread.quit()
            thread.wait()
        self._threads.clear()
        self.library.close()

    # -- reading ------------------------------------------------------------------------------

    def request_list(self) -> None:
        """Load the list (chosen order and period) and the timeline in the background."""
        self._load += 1
        self._query_worker.latest_load = self._load
        self._load_requested.emit(self._load, self.order, self.period)

    @Slot(int, list, list, list)
    def _on_query_worker_list_loaded(
        self, request: int, ids: list[int], buckets: list[TimelineBucket], bookmarked: list[int]
    ) -> None:
        if self._closed:
            return  # a queued signal that arrived after shutdown
        if request == self._load:
            self.list_loaded.emit(ids, buckets, bookmarked)

    def summaries(self, ids: list[int]) -> list[DocumentSummary]:
        """List rows for these ids."""
        return self.library.summaries(ids)

    def document(self, doc_id: int) -> Document | None:
        """A document, or None if it is gone."""
        try:
            return self.library.document(doc_id)
        except ReaderError:
            return None

    def image(self, sha256: str) -> bytes | None:
        """The bytes of a document's kept image (None if it went missing from the data dir)."""
        try:
            return self.library.image(sha256)
        except OSError:
            return None

    def original_text(self, doc_id: int) -> str:
        """The imported file as text, decoded as it was for import (or as the user chose)."""
        data = self.library.original(doc_id)
        for encoding in (self.library.chosen_encoding(doc_id), None):
            try:
                return decode_with(data, encoding)[0]
            except ImportFailed:
                continue
        return data.decode("utf-8", errors="replace")

    def chosen_encoding(self, doc_id: int) -> str | None:
        """The encoding the user chose for a document (None: detected, or no such document)."""
        try:
            return self.library.chosen_encoding(doc_id)
        except ReaderError:
            return None

    def encoding_choosable(self, doc_id: int) -> bool:
        """True if the document's text encoding can be chosen (text files, not EPUB)."""
        try:
            return self.library.encoding_choosable(doc_id)
        except ReaderError:
            return False

    def match_spans(self, doc_id: int) -> list[tuple[int, int]]:
        """Where the current search matches in a document (empty without a search)."""
        if not self.query:
            return []
        try:
            return self.library.match_spans(self.query, doc_id)
        except ReaderError:
            return []

    # -- searching ----------------------------------------------------------------------------

    def search(self, query: str) -> None:
        """Search in the background (an empty query leaves search mode)."""
        self.query = query.strip()
        self._request += 1
        self._query_worker.latest_request = self._request
        if not self.query:
            self.search_cleared.emit()
            return
        # Searches filter by dates; "bookmarked" filters the library list only.
        within = self.period if self.period != "bookmarked" else None
        self._search_requested.emit(
            self._request, self.query, self.search_order, within, SEARCH_LIMIT
        )

    def set_period(self, period: str | None) -> None:
        """Filter by a timeline period (None: all): reloads the list or re-runs the search."""
        self.period = period
        if self.query:
            self.search(self.query)
        else:
            self.request_list()

    @Slot(int, object)
    def _on_query_worker_search_finished(self, request: int, result: SearchResult) -> None:
        if self._closed:
            return  # a queued signal that arrived after shutdown
        if request == self._request:
            self.search_finished.emit(result)

    @Slot(int, str)
    def _on_query_worker_search_failed(self, request: int, message: str) -> None:
        if self._closed:
            return  # a queued signal that arrived after shutdown
        if request == self._request:
            self.search_failed.emit(message)

    def search_timeline(self, result: SearchResult) -> list[TimelineBucket]:
        """The timeline of a search's hits (all of them, not only those listed)."""
        months: dict[str | None, int] = {
            (key if key != "undated" else None): count for key, count in result.by_month.items()
        }
        return buckets_from_months(months)

    # -- changing -----------------------------------------------------------------------------

    def set_read(self, doc_id: int, is_read: bool) -> None:
        """Mark a document read or unread."""
        self.library.set_read(doc_id, is_read)
        self.document_changed.emit(doc_id)

    def save_position(self, doc_id: int, position: int) -> None:
        """Remember the reading position in a document."""
        self.library.store.set_read_position(doc_id, position)

    def edit_metadata(
        self,
        doc_id: int,
        title: str,
        date: dt.date | None,
        source: str | None,
        byline: str | None,
    ) -> None:
        """Save the user's corrections; list, timeline and index follow."""
        self.library.edit_metadata(doc_id, title=title, date=date, source=source, byline=byline)
        self.document_changed.emit(doc_id)
        self.library_changed.emit()
        self._sync_requested.emit()

    # -- annotations and bookmarks ------------------------------------------------------------

    def annotations(
        self,
        doc_id: int | None = None,
        *,
        color: str | None = None,
        tag: str | None = None,
        text: str | None = None,
    ) -> list[Annotation]:
        """Annotations of a document (or of the library), in text order, filtered."""
        return self.library.notes.find(doc_id, color=color, tag=tag, text=text or None)

    def titles(self, doc_ids: set[int]) -> dict[int, str]:
        """Titles of documents, for lists that mention them."""
        return {s.id: s.title for s in self.library.summaries(sorted(doc_ids))}

    def add_annotation(
        self,
        doc_id: int,
        start: int,
        end: int,
        color: str,
        note: str = "",
        tags: list[str] | None = None,
    ) -> Annotation:
        """Highlight a passage; committed before this returns."""
        annotation = self.library.notes.add(
            doc_id, start, end, color=color, note=note, tags=tags or []
        )
        self.annotations_changed.emit(doc_id)
        self._sync_requested.emit()  # highlighted words and notes are searchable
        self.message.emit("Highlight saved.")
        return annotation

    def update_annotation(self, annotation_id: int, color: str, note: str, tags: list[str]) -> None:
        """Change an annotation's colour, note and tags."""
        annotation = self.library.notes.update(annotation_id, color=color, note=note, tags=tags)
        self.annotations_changed.emit(annotation.doc_id)
        self._sync_requested.emit()
        self.message.emit("Note saved.")

    def delete_annotation(self, annotation_id: int) -> None:
        """Delete an annotation (Ctrl+Z brings it back)."""
        annotation = self.library.notes.get(annotation_id)
        self.library.notes.delete(annotation_id)
        self._undo.append(("annotation", [annotation_id]))
        self.annotations_changed.emit(annotation.doc_id)
        self._sync_requested.emit()
        self.message.emit("Highlight deleted. Undo with Ctrl+Z.")

    def export_annotations(self, path: Path, doc_ids: list[int] | None, *, jsonld: bool) -> int:
        """Write annotations as JSON-LD or Markdown; returns how many."""
        if jsonld:
            data = exchange.export_jsonld(self.library, doc_ids)
            path.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
            return int(data["total"])
        path.write_text(exchange.export_markdown(self.library, doc_ids), "utf-8")
        notes = self.library.notes.find()
        return len([a for a in notes if doc_ids is None or a.doc_id in doc_ids])

    def toggle_bookmark(self, doc_id: int) -> bool:
        """Bookmark a document, or remove its bookmark; returns whether it is bookmarked now."""
        notes = self.library.notes
        existing = [b for b in notes.bookmarks() if b.doc_id == doc_id and b.position is None]
        if existing:
            notes.remove_bookmark(existing[0].id)
        else:
            notes.bookmark(doc_id)
        self.document_changed.emit(doc_id)
        self.library_changed.emit()  # the star and the Bookmarked count
        return not existing

    def bookmark_place(self, doc_id: int, position: int, name: str | None) -> None:
        """Bookmark a place in a document."""
        self.library.notes.bookmark(doc_id, position, name)
        self.library_changed.emit()
        self.message.emit("Place bookmarked.")

    def remove_bookmark(self, bookmark_id: int) -> None:
        """Remove a bookmark."""
        self.library.notes.remove_bookmark(bookmark_id)
        self.library_changed.emit()

    def bookmarks(self) -> list[Bookmark]:
        """All bookmarks, newest first."""
        return self.library.notes.bookmarks()

    def is_bookmarked(self, doc_id: int) -> bool:
        """True for a bookmarked document."""
        return doc_id in self.library.notes.bookmarked_ids()

    def reextract(self, doc_id: int, encoding: str | _Unset | None = UNSET) -> None:
        """Extract a document again from its original; annotations are re-anchored.

        ``encoding`` reads the original in that encoding from now on (None: detect it again).
        An article is kilobytes: this takes milliseconds, like a metadata correction.
        """
        try:
            self.library.reextract(doc_id, encoding)
        except ReaderError as exc:
            self.message.emit(str(exc))
            return
        self.document_changed.emit(doc_id)
        self.annotations_changed.emit(doc_id)
        self.library_changed.emit()
        self._sync_requested.emit()
        if encoding is UNSET:
            self.message.emit("Extracted again; your corrections and annotations are kept.")
            return
        doc = self.library.document(doc_id)
        how = f"as {doc.encoding}" if encoding else f"in the encoding detected ({doc.encoding})"
        orphans = sum(a.orphan for a in self.library.notes.find(doc_id))
        lost = f" {orphans} highlight(s) no longer in the text are kept aside." if orphans else ""
        self.message.emit(f"Read again {how}; your corrections and annotations are kept.{lost}")

    def delete(self, ids: list[int]) -> None:
        """Move documents to the trash (undo_delete brings them back)."""
        if not ids:
            return
        self.library.delete(ids)
        self._undo.append(("documents", ids))
        self.library_changed.emit()
        self._sync_requested.emit()
        count = len(ids)
        self.message.emit(f"Deleted {count} document{'s' * (count != 1)}. Undo with Ctrl+Z.")

    def undo_delete(self) -> list[int]:
        """Undo the last deletion (documents or an annotation); returns restored document ids."""
        if not self._undo:
            return []
        kind, ids = self._undo.pop()
        self.message.emit("Deletion undone.")
        if kind == "annotation":
            self.library.notes.restore(ids[0])
            self.annotations_changed.emit(self.library.notes.get(ids[0]).doc_id)
            self._sync_requested.emit()
            return []
        self.library.restore(ids)
        self.library_changed.emit()
        self._sync_requested.emit()
        return ids

    def import_paths(self, paths: list[Path | str]) -> None:
        """Import files and folders (and web addresses, as str) in the background."""
        self._import_requested.emit(paths)

    def import_url(self, url: str) -> None:
        """Download a web page and its images once and import them, in the background."""
        self._import_requested.emit([url])

    def cancel(self) -> None:
        """Cancel the running import."""
        self._writer.cancel_event.set()

    def check_index(self) -> None:
        """Check the index in the background (at start)."""
        self._check_requested.emit()

    @Slot(list)
    def _on_writer_documents_added(self, _ids: list[int]) -> None:
        if self._closed:
            return  # a queued signal that arrived after shutdown
        self.library_changed.emit()

    @Slot(object)
    def _on_writer_import_finished(self, report: ImportReport) -> None:
        if self._closed:
            return  # a queued signal that arrived after shutdown
        self.library_changed.emit()
        self.import_finished.emit(report)

    @Slot()
    def _on_writer_index_updated(self) -> None:
        if self._closed:
            return  # a queued signal that arrived after shutdown
        self.index_updated.emit()
        if self.query:
            self.search(self.query)

    @Slot(bool)
    def _on_writer_busy_changed(self, busy: bool) -> None:
        if self._closed:
            return  # a queued signal that arrived after shutdown
        self.busy = busy
        self.busy_changed.emit(busy)
