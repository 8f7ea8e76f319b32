"""Background workers: searches on one thread, imports and index writes on another.

Each worker opens its own Library in its own thread (SQLite connections belong to a thread).
The GUI thread talks to them only through queued signals; cancelling sets a threading.Event.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from reader.core import library as library_module
from reader.core.errors import ReaderError
from reader.core.jobs import run_index_job
from reader.core.library import ImportProgress, Library
from reader.core.models import ImportReport

# How often the list is told about newly imported documents while an import runs.
_ANNOUNCE_SECONDS = 1.0
# Fewer queued documents than this are indexed in the worker thread (a child process costs
# about half a second to start); more go to a child process, whose Whoosh writer cannot hold
# the window's interpreter lock.
_IN_PROCESS_LIMIT = 50


class QueryWorker(QObject):
    """Runs searches and list queries; of several waiting requests only the newest is answered."""

    search_finished = Signal(int, object)  # request number, SearchResult
    search_failed = Signal(int, str)  # request number, message for the user
    list_loaded = Signal(int, list, list, list)  # request, ids in order, buckets, bookmarked ids

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self._data_dir = data_dir
        self._library: Library | None = None
        self.latest_request = 0  # written by the GUI thread; an int assignment is atomic
        self.latest_load = 0

    def _open(self) -> Library:
        if self._library is None:
            self._library = Library(self._data_dir)
        return self._library

    @Slot(int, str, object)
    def load_list(self, request: int, order: str, period: object) -> None:
        """The library's ids in list order (of a period) and its timeline."""
        if request < self.latest_load:
            return
        library = self._open()
        ids = library.document_ids(order, period if isinstance(period, str) else None)
        bookmarked = sorted(library.notes.bookmarked_ids())
        self.list_loaded.emit(request, ids, library.timeline(), bookmarked)

    @Slot(int, str, str, object, int)
    def search(self, request: int, text: str, order: str, within: object, limit: int) -> None:
        """Search, unless a newer request has been made meanwhile."""
        if request < self.latest_request:
            return
        try:
            result = self._open().search(
                text, order=order, within=within if isinstance(within, str) else None, limit=limit
            )
        except ReaderError as exc:
            self.search_failed.emit(request, str(exc))
            return
        except Exception as exc:
            self.search_failed.emit(request, f"The search failed: {exc}")
            return
        self.search_finished.emit(request, result)

    @Slot()
    def close(self) -> None:
        """Release the worker's library (called in its thread before it stops)."""
        if self._library is not None:
            self._library.close()
            self._library = None


class WriterWorker(QObject):
    """Imports files and writes the search index, one job at a time."""

    progress = Signal(str, int, int)  # what is happening, done, total
    documents_added = Signal(list)  # ids stored since the last signal
    import_finished = Signal(object)  # ImportReport
    index_updated = Signal()  # the index committed changes: searches see them now
    job_failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self._data_dir = data_dir
        self._library: Library | None = None
        self.cancel_event = threading.Event()  # the user cancelled the import
        self.stop_event = threading.Event()  # the window is closing: stop as soon as possible

    def _open(self) -> Library:
        if self._library is None:
            self._library = Library(self._data_dir)
        return self._library

    def _cancelled(self) -> bool:
        return self.cancel_event.is_set() or self.stop_event.is_set()

    @Slot(list)
    def import_paths(self, paths: list[Path | str]) -> None:
        """Import files, folders and web addresses (str), announcing documents as they arrive,
        then index them."""
        self.cancel_event.clear()
        self.busy_changed.emit(True)
        fresh: list[int] = []
        last_announce = time.monotonic()
        searchable = 0  # documents the index process has committed meanwhile
        stored_all = False
        imported = 0

        def on_progress(step: ImportProgress) -> None:
            nonlocal last_announce, stored_all, imported
            name = step.path.name if isinstance(step.path, Path) else step.path
            label = f"Importing {name}"
            if searchable:
                label += f" · {searchable:,} searchable"
            self.progress.emit(label, step.done, step.total)
            if step.outcome == "imported" and step.doc_id is not None:
                fresh.append(step.doc_id)
                imported += 1
            stored_all = step.done == step.total
            if stored_all and step.total >= library_module.INDEX_ALONGSIDE:
                # The index process goes on with what it has not indexed yet.
                self.progress.emit("Indexing", searchable, imported)
            if fresh and time.monotonic() - last_announce >= _ANNOUNCE_SECONDS:
                self.documents_added.emit(list(fresh))
                fresh.clear()
                last_announce = time.monotonic()

        def on_indexed(done: int, total: int) -> None:
            # Called from the index process's reader thread, while the import goes on.
            nonlocal searchable
            searchable = done
            if stored_all:
                self.progress.emit("Indexing", done, total)
            self.index_updated.emit()

        urls = [path for path in paths if isinstance(path, str)]
        if urls:  # a download says nothing until it is done: tell what is going on
            self.progress.emit(f"Downloading {urls[0]}", 0, len(paths))
        try:
            library = self._open()
            report = library.import_paths(
                paths,
                progress=on_progress,
                cancel=self._cancelled,
                sync_index=False,
                index_progress=on_indexed,
            )
            if fresh:
                self.documents_added.emit(fresh)
            self._sync(library)
            report.index_pending = library.store.pending_count()
        except ReaderError as exc:
            self.job_failed.emit(str(exc))
            report = ImportReport(cancelled=self._cancelled())
        finally:
            self.busy_changed.emit(False)
        self.import_finished.emit(report)

    @Slot()
    def sync_index(self) -> None:
        """Bring the index up to date with the store (after edits, deletes...)."""
        self.busy_changed.emit(True)
        try:
            self._sync(self._open())
        except ReaderError as exc:
            self.job_failed.emit(str(exc))
        finally:
            self.busy_changed.emit(False)

    @Slot()
    def check_index(self) -> None:
        """At start: rebuild a missing or stale index, or catch up with queued changes."""
        self.busy_changed.emit(True)
        try:
            library = self._open()
            if library.index_problem() is not None:
                run_index_job(
                    self._data_dir,
                    "rebuild",
                    self._index_progress("Rebuilding the search index"),
                    self.stop_event.is_set,
                )
                self.index_updated.emit()
            else:
                self._sync(library)
        except ReaderError as exc:
            self.job_failed.emit(str(exc))
        finally:
            self.busy_changed.emit(False)

    def _index_progress(self, label: str) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            self.progress.emit(label, done, total)
            self.index_updated.emit()

        return report

    def _sync(self, library: Library) -> None:
        # Documents left unindexed when the window closes stay queued for the next start.
        pending = library.store.pending_count()
        if not pending:
            return
        progress = self._index_progress("Indexing")
        if pending < _IN_PROCESS_LIMIT:
            library.sync_index(progress, self.stop_event.is_set)
        else:
            run_index_job(self._data_dir, "sync", progress, self.stop_event.is_set)
        self.index_updated.emit()

    @Slot()
    def close(self) -> None:
        """Release the worker's library (called in its thread before it stops)."""
        if self._library is not None:
            self._library.close()
            self._library = None


def start_thread(worker: QueryWorker | WriterWorker, name: str) -> QThread:
    """Move ``worker`` to a new running thread; it closes its library as the thread ends."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    # Direct: runs in the ending thread itself, which owns the worker's SQLite connection.
    thread.finished.connect(worker.close, Qt.ConnectionType.DirectConnection)
    thread.start()
    return thread
