"""The library: one data dir holding the store (with the kept originals) and the search index.

This is the API the CLI and the GUI both use. A Library belongs to one thread (it holds an
SQLite connection); a worker thread opens its own Library on the same data dir.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import datetime as dt
import enum
import hashlib
import os
import posixpath
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path
from urllib.parse import urlsplit

from whoosh.searching import Searcher

from reader.core import importers, search
from reader.core.blobs import LegacyOriginals, sha256
from reader.core.errors import (
    DownloadCancelled,
    ImportFailed,
    IndexBusyError,
    IndexNotReady,
    ReaderError,
)
from reader.core.images import ImageLoader, folder_loader, image_type, mapping_loader, with_images
from reader.core.index import UNDATED, SearchIndex, make_schema
from reader.core.models import (
    Document,
    DocumentSummary,
    ExtractedDocument,
    ImportFailure,
    ImportReport,
    SearchResult,
    TimelineBucket,
)
from reader.core.notes import Notes
from reader.core.pool import ExtractionPool, Prepared, Ticket, prepare_file
from reader.core.store import Store, StoredImage, buckets_from_months

DATABASE_NAME = "library.sqlite3"
ORIGINALS_DIR = "originals"  # where libraries before schema 6 kept them (see blobs)
_SEEDED_KEY = "seeded"
# Imports of this many files are indexed alongside, in a child process (see import_paths).
INDEX_ALONGSIDE = 500
# Formats whose text is read in one encoding, which the user may choose instead of the detected
# or declared one (for a web archive: its page's). An EPUB's parts are Unicode: nothing to choose.
TEXT_FORMATS = frozenset({"text", "markdown", "html", "mhtml"})
# An import stores its files in batches of at most this many, or this many seconds of work,
# reading and extracting up to _AHEAD files ahead of the one being stored.
_BATCH_FILES = 256
_BATCH_SECONDS = 0.2
# 32 chunks of the worker processes (pool.CHUNK_FILES): while a batch is stored the workers keep
# busy (at 128 they ran dry, and 100,000 files were listed at 855-887/s instead of 1,048-1,062).
_AHEAD = 512


class _Unset(enum.Enum):
    """Marks an argument that was not given (None means: clear the field)."""

    UNSET = enum.auto()


UNSET = _Unset.UNSET


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Where a batch import stands, after each file."""

    done: int
    total: int
    path: Path | str  # a file, or a web address
    outcome: str  # "imported", "duplicate" or "failed"
    message: str = ""
    doc_id: int | None = None


ProgressCallback = Callable[[ImportProgress], None]
IndexProgress = Callable[[int, int], None]
Cancel = Callable[[], bool]


def source_name(origin: str) -> str:
    """The file name of a path or URL documents were imported from ('' if it has none)."""
    if origin.startswith(("http://", "https://")):
        return posixpath.basename(urlsplit(origin).path)
    return Path(origin).name


def text_digest(text: str) -> str:
    """Hash of a clean text with whitespace normalised, to recognise the same article re-encoded."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def text_encoding(name: str) -> str:
    """Python's name of the text encoding called ``name``; raises ImportFailed for unknown names."""
    try:
        b"a".decode(name, "replace")  # also refuses codecs that are not text encodings (base64)
        return codecs.lookup(name).name
    except (LookupError, ValueError) as exc:
        raise ImportFailed(f"Reader does not know the text encoding {name!r}") from exc


def expand_paths(paths: Iterable[Path | str]) -> Iterator[Path | str]:
    """Files to import: given files and web addresses (str) as they are, folders walked for
    supported, visible files."""
    suffixes = importers.supported_suffixes() - {""}
    for path in paths:
        if isinstance(path, Path) and path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and Path(name).suffix.lower() in suffixes:
                        yield Path(root) / name
        else:
            yield path


class _IndexFollower:
    """An index child process ('follow' job) that indexes while this thread imports."""

    def __init__(
        self, data_dir: Path, progress: IndexProgress | None, cancel: Cancel | None
    ) -> None:
        from reader.core.jobs import run_index_job

        self._importing = threading.Event()
        self._importing.set()
        self._stopped = threading.Event()
        self._error: ReaderError | None = None

        def stop() -> bool:
            return self._stopped.is_set() or (cancel is not None and cancel())

        def run() -> None:
            try:
                run_index_job(data_dir, "follow", progress, stop, self._importing.is_set)
            except ReaderError as exc:
                self._error = exc

        self._thread = threading.Thread(target=run, name="index-follower", daemon=True)
        self._thread.start()

    def finish(self, stop: bool = False) -> None:
        """Tell the child the import is over and wait until it has indexed the rest (with
        ``stop``: until it has finished its current batch; the rest stays queued).

        Another process holding the index is not an error: the documents stay queued."""
        if stop:
            self._stopped.set()
        self._importing.clear()
        self._thread.join()
        if self._error is not None and not isinstance(self._error, IndexBusyError):
            raise self._error


@dataclass(slots=True)
class _Pending:
    """A file of an import, from when it is handed out until it is reported."""

    number: int
    path: Path | str
    ticket: Ticket | None = None  # prepared by a worker process
    prepared: Prepared | None = None
    failure: str | None = None
    results: list[tuple[int, bool]] = _field(default_factory=list)
    batched: float = 0.0  # when it joined a batch to store


class Library:
    """An open library at ``data_dir``; use :meth:`open` to get one ready to use."""

    def __init__(self, data_dir: Path, *, lock_timeout: float = 30.0) -> None:
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(data_dir / DATABASE_NAME)
        self.legacy_originals = LegacyOriginals(data_dir / ORIGINALS_DIR)
        self.index = SearchIndex(data_dir, lock_timeout=lock_timeout)
        self.notes = Notes(self.store)
        self._searcher: Searcher | None = None
        self._searcher_build: str | None = None

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        seed: bool = True,
        lock_timeout: float = 30.0,
        index_progress: IndexProgress | None = None,
        check_index: bool = True,
    ) -> Library:
        """Open (or create) the library, import the seeds into a new one, check the index.

        The window passes ``check_index=False`` and checks the index in the background.
        """
        library = cls(data_dir, lock_timeout=lock_timeout)
        try:
            if seed:
                library.seed_if_new()
            if check_index:
                library.ensure_index(index_progress)
        except BaseException:
            library.close()
            raise
        return library

    def close(self) -> None:
        """Release the searcher and the database connection."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self.index.close()
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- first run ----------------------------------------------------------------------------

    def seed_if_new(self) -> ImportReport | None:
        """Import the bundled sample articles, once, into a library that has never had any."""
        if self.store.get_meta(_SEEDED_KEY) is not None or self.store.count():
            return None
        from reader.paths import seeds_dir

        report = self.import_paths([seeds_dir()], sync_index=False)
        self.store.set_meta(_SEEDED_KEY, "1")
        return report

    # -- importing ----------------------------------------------------------------------------

    def import_file(self, path: Path) -> list[tuple[int, bool]]:
        """Import one file; see import_data. Images a saved page keeps beside it come along."""
        data = importers.read_file(path)
        return self.import_data(data, path.name, str(path.absolute()), folder_loader(path))

    def import_data(
        self,
        data: bytes,
        name: str,
        origin: str,
        load: ImageLoader | None = None,
        *,
        encoding: str | None = None,
    ) -> list[tuple[int, bool]]:
        """Import the bytes of a file called ``name``, found at ``origin`` (a path or URL).

        Returns (document id, True if it was already in the library) for each article in it;
        ``load`` reads the images it names. ``encoding`` reads the text in that encoding (a web
        server's charset), also when extracted again. Raises ImportFailed; on failure nothing of
        the file is left in the library.
        """
        digest = hashlib.sha256(data).hexdigest()
        existing = self.store.find_duplicate(digest)
        if existing is not None:
            return [self._revive(existing)]
        extracted = [with_images(doc, load) for doc in importers.extract_all(data, name, encoding)]
        with self.store.transaction():  # the original with its documents, or nothing
            return self._add_documents(extracted, digest, data, origin, encoding)

    def _add_documents(
        self,
        extracted: list[ExtractedDocument],
        digest: str,
        data: bytes,
        origin: str,
        encoding: str | None,
    ) -> list[tuple[int, bool]]:
        """Add a file's documents, and keep its original if one is new (in a transaction)."""
        results: list[tuple[int, bool]] = []
        kept = False
        for doc in extracted:
            text_hash = text_digest(doc.title + "\n" + doc.text)
            existing = self.store.find_text_duplicate(text_hash)
            if existing is not None:
                results.append(self._revive(existing))
                continue
            if not kept:
                self.store.keep_blob(digest, data)
                kept = True
            self._add_extracted(doc, len(data), digest, text_hash, origin, encoding, results)
        return results

    def _add_extracted(
        self,
        doc: ExtractedDocument,
        size: int,
        digest: str,
        text_hash: str,
        origin: str,
        encoding: str | None,
        results: list[tuple[int, bool]],
    ) -> None:
        images = self._keep_images(doc)
        previous = self.store.imported_from(origin, doc.part)
        if previous is not None:
            # The file changed since it was imported: same document, new text; the user's
            # corrections stay and the annotations are anchored again.
            self.store.replace_extraction(previous, doc, text_hash, (digest, size), images=images)
            self.notes.reanchor(previous)
            if encoding is not None:
                self.store.set_chosen_encoding(previous, encoding)
            results.append((previous, False))
            return
        doc_id = self.store.add_document(
            doc,
            original_sha256=digest,
            original_size=size,
            text_sha256=text_hash,
            imported_from=origin,
            images=images,
        )
        if encoding is not None:
            self.store.set_chosen_encoding(doc_id, encoding)
        results.append((doc_id, False))

    def import_url(self, url: str, cancel: Cancel | None = None) -> list[tuple[int, bool]]:
        """Download a web page and its images once, then import it like a file (import_data).

        The address after redirects is the origin: importing it again once the page changed
        updates the document. Raises ImportFailed (DownloadCancelled when cancelled).
        """
        from reader.core import fetch  # urllib and ssl: 60 ms, only when a page is fetched

        download = fetch.fetch_page(url, cancel=cancel)
        return self.import_data(
            download.data,
            fetch.document_name(download),
            download.url,
            fetch.page_loader(download.url, cancel=cancel),
            encoding=fetch.charset_hint(download),
        )

    def _keep_images(self, doc: ExtractedDocument) -> dict[str, StoredImage]:
        """Keep a document's images (in the transaction that writes its rows)."""
        stored: dict[str, StoredImage] = {}
        for ref, data in doc.images.items():
            mime = image_type(data)
            if mime is not None:
                digest = sha256(data)
                self.store.keep_blob(digest, data)
                stored[ref] = StoredImage(digest, mime, len(data))
        return stored

    def _blob(self, digest: str) -> bytes:
        """The bytes of a kept original or image (FileNotFoundError if it is not kept)."""
        data = self.store.blob(digest)
        return self.legacy_originals.get(digest) if data is None else data

    def _revive(self, doc_id: int) -> tuple[int, bool]:
        """A file already in the library: bring it back if it was in the trash."""
        if self.store.is_trashed(doc_id):
            self.store.restore([doc_id])
            return doc_id, False
        return doc_id, True

    def import_paths(
        self,
        paths: Iterable[Path | str],
        progress: ProgressCallback | None = None,
        cancel: Cancel | None = None,
        *,
        sync_index: bool = True,
        index_progress: IndexProgress | None = None,
    ) -> ImportReport:
        """Import files, folders and web addresses (str); a failed one is reported and the rest
        still import.

        With ``sync_index`` the imported documents are searchable on return. Documents are in
        the list as soon as they are stored; from INDEX_ALONGSIDE files on, a child process
        indexes them while the import goes on (then even without ``sync_index``).
        """
        files = list(expand_paths(paths))
        report = ImportReport()
        follower = (
            _IndexFollower(self.data_dir, index_progress, cancel)
            if len(files) >= INDEX_ALONGSIDE
            else None
        )
        try:
            self._import_files(files, report, progress, cancel)
        except BaseException:  # Ctrl+C, a full disk...: do not index the rest first
            if follower is not None:
                follower.finish(stop=True)
            raise
        if follower is not None:
            follower.finish()
        if follower is None and sync_index and report.imported:
            # Busy: another process indexes; the documents stay queued and are not lost.
            with contextlib.suppress(IndexBusyError):
                self.sync_index(index_progress)
        report.index_pending = self.store.pending_count()
        return report

    def _import_files(
        self,
        files: list[Path | str],
        report: ImportReport,
        progress: ProgressCallback | None,
        cancel: Cancel | None,
    ) -> None:
        """Import files in batches, each stored in one transaction (each file in a savepoint of
        it), then reported. From INDEX_ALONGSIDE files on, worker processes read and extract
        files, up to _AHEAD files ahead of the one being stored."""
        pool = ExtractionPool(self.store.path) if len(files) >= INDEX_ALONGSIDE else None
        ahead: collections.deque[_Pending] = collections.deque()
        batch: list[_Pending] = []
        try:
            for number, path in enumerate(files, start=1):
                if cancel is not None and cancel():
                    report.cancelled = True
                if report.cancelled:
                    break
                pending = _Pending(number, path)
                if pool is not None and isinstance(path, Path):
                    pending.ticket = pool.submit(path)
                ahead.append(pending)
                while len(ahead) > (_AHEAD if pool is not None else 0):
                    self._take(ahead.popleft(), batch, report, progress, len(files), cancel)
            while ahead:
                if cancel is not None and cancel():
                    report.cancelled = True
                if report.cancelled:
                    break
                self._take(ahead.popleft(), batch, report, progress, len(files), cancel)
            self._store_batch(batch, report, progress, len(files))
        finally:
            for pending in ahead:
                if pending.ticket is not None:
                    pending.ticket.cancel()
            if pool is not None:
                pool.close()  # waits for the files being prepared (workers write nothing)

    def _take(
        self,
        pending: _Pending,
        batch: list[_Pending],
        report: ImportReport,
        progress: ProgressCallback | None,
        total: int,
        cancel: Cancel | None,
    ) -> None:
        """Wait until a file is prepared and add it to the batch; store the batch when due."""
        if isinstance(pending.path, str):  # a web address: downloaded and imported in turn
            self._store_batch(batch, report, progress, total)
            try:
                pending.results = self.import_url(pending.path, cancel)
            except DownloadCancelled:
                report.cancelled = True
                return
            except ImportFailed as exc:
                pending.failure = str(exc)
            self._report(pending, report, progress, total)
            return
        try:
            pending.prepared = self._prepared(pending.ticket, pending.path)
        except ImportFailed as exc:
            pending.failure = str(exc)
        pending.batched = time.monotonic()
        batch.append(pending)
        if len(batch) >= _BATCH_FILES or pending.batched - batch[0].batched >= _BATCH_SECONDS:
            self._store_batch(batch, report, progress, total)

    def _prepared(self, ticket: Ticket | None, path: Path) -> Prepared:
        if ticket is not None:
            try:
                return ticket.result()
            except BrokenProcessPool:
                pass  # a worker died (a file crashed a parser): the rest are prepared here
        return prepare_file(path, self.store)

    def _store_batch(
        self,
        batch: list[_Pending],
        report: ImportReport,
        progress: ProgressCallback | None,
        total: int,
    ) -> None:
        """Store a batch's files in one transaction, then report them (and empty the batch)."""
        if not batch:
            return
        with self.store.transaction():
            for pending in batch:
                if pending.failure is None:
                    self._store_one(pending)
        done = list(batch)
        batch.clear()
        for pending in done:
            pending.prepared = None  # its bytes and text are stored: not kept in memory too
            self._report(pending, report, progress, total)

    def _store_one(self, pending: _Pending) -> None:
        try:
            with self.store.transaction():  # a savepoint: a file is all in or all out
                pending.results = self._store_prepared(pending)
        except ImportFailed as exc:
            pending.failure = str(exc)

    def _store_prepared(self, pending: _Pending) -> list[tuple[int, bool]]:
        prepared = pending.prepared
        assert prepared is not None and isinstance(pending.path, Path)
        existing = self.store.find_duplicate(prepared.digest)
        if existing is not None:
            return [self._revive(existing)]
        if prepared.documents is None:  # in the library when read, no longer: import it now
            return self.import_file(pending.path)
        origin = str(pending.path.absolute())
        return self._add_documents(prepared.documents, prepared.digest, prepared.data, origin, None)

    def _report(
        self,
        pending: _Pending,
        report: ImportReport,
        progress: ProgressCallback | None,
        total: int,
    ) -> None:
        doc_id: int | None = None
        if pending.failure is not None:
            report.failures.append(ImportFailure(pending.path, pending.failure))
            outcome, message = "failed", pending.failure
        else:
            doc_id = pending.results[0][0]
            new = [number for number, duplicate in pending.results if not duplicate]
            if not new:
                report.duplicates.append((pending.path, doc_id))
                outcome, message = "duplicate", f"already in the library as #{doc_id}"
            else:
                report.imported.extend(new)
                outcome = "imported"
                message = f"{len(new)} articles" if len(new) > 1 else ""
        if progress is not None:
            progress(ImportProgress(pending.number, total, pending.path, outcome, message, doc_id))

    # -- the index ----------------------------------------------------------------------------

    def index_problem(self) -> str | None:
        """Why the search index needs a rebuild, or None when it can be used."""
        problem = self.index.problem(self.store.library_id)
        if problem is not None:
            return problem
        if self.store.pending_count() == 0:
            indexed = self.index.doc_count()
            stored = self.store.count()
            if indexed != stored:
                return f"the search index has {indexed} documents, the library {stored}"
        return None

    def ensure_index(self, progress: IndexProgress | None = None) -> None:
        """Make the index consistent with the store: rebuild it if unusable, else catch up."""
        if self.index_problem() is not None:
            self.rebuild_index(progress)
        elif self.store.pending_count():
            self.sync_index(progress)
            if self.index_problem() is not None:
                self.rebuild_index(progress)

    def sync_index(
        self,
        progress: IndexProgress | None = None,
        cancel: Cancel | None = None,
        *,
        min_batch: int = 1,
    ) -> int:
        """Index what is queued; raises IndexBusyError if another process holds the index.

        A library whose index was never built (or was deleted) gets it built from the store.
        ``min_batch``: stop once fewer documents than that wait (see SearchIndex.sync).
        """
        if not self.index.exists():
            self.rebuild_index(progress, cancel)
            return self.store.count()
        return self.index.sync(self.store, progress, cancel, min_batch=min_batch)

    def rebuild_index(
        self, progress: IndexProgress | None = None, cancel: Cancel | None = None
    ) -> bool:
        """Rebuild the whole index from the store; False if cancelled."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        return self.index.rebuild(self.store, progress, cancel)

    def _current_searcher(self) -> Searcher:
        if not self.index.exists():
            raise IndexNotReady(
                "The search index is being built; results will appear when it is ready."
            )
        build = self.index.build_id()
        stale = self._searcher is not None and (
            build != self._searcher_build or not self._searcher.up_to_date()
        )
        if stale and self._searcher is not None:
            # Not Searcher.refresh(): it reuses segment readers and misses documents deleted
            # from an existing segment (an updated document would be found twice, or still
            # found after an annotation is deleted). Opening afresh costs about a millisecond.
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self.index.open_searcher()
            self._searcher_build = build
        return self._searcher

    # -- reading ------------------------------------------------------------------------------

    def documents(self, order: str = "date") -> list[DocumentSummary]:
        """Every document, for the list ('date', 'title', 'source' or 'imported' order)."""
        return self.store.summaries(order)

    def document(self, doc_id: int) -> Document:
        """One document with its clean text."""
        return self.store.get(doc_id)

    def original(self, doc_id: int) -> bytes:
        """The file's bytes exactly as imported."""
        return self._blob(self.store.get(doc_id).original_sha256)

    def document_ids(self, order: str = "date", period: str | None = None) -> list[int]:
        """Ids in list order, optionally of one timeline period ('2020', '2020-10', 'undated')."""
        return self.store.document_ids(order, period)

    def summaries(self, ids: list[int]) -> list[DocumentSummary]:
        """List rows of these documents, in the given order."""
        return self.store.summaries(ids=ids)

    # -- changing -----------------------------------------------------------------------------

    def edit_metadata(
        self,
        doc_id: int,
        *,
        title: str | None = None,
        date: dt.date | _Unset | None = UNSET,
        source: str | _Unset | None = UNSET,
        byline: str | _Unset | None = UNSET,
    ) -> None:
        """Correct a document's metadata; the corrections survive re-extraction and re-import.

        Only the fields passed are changed; None clears date, source or byline. The index
        follows when it is next synced (``sync_index``).
        """
        self.store.get(doc_id)
        changes: dict[str, str | None] = {}
        if title is not None:
            title = " ".join(title.split())
            if not title:
                raise ReaderError("A document needs a title.")
            changes["title"] = title
        if not isinstance(date, _Unset):
            changes["pub_date"] = date.isoformat() if date else None
        for field, value in (("source", source), ("byline", byline)):
            if not isinstance(value, _Unset):
                changes[field] = " ".join(value.split()) or None if value else None
        if changes:
            self.store.edit_metadata(doc_id, changes)

    def delete(self, ids: list[int]) -> None:
        """Move documents to the trash; ``restore`` undoes it. The index follows on sync."""
        self.store.trash(ids)

    def restore(self, ids: list[int]) -> None:
        """Bring documents back from the trash."""
        self.store.restore(ids)

    def reextract(self, doc_id: int, encoding: str | _Unset | None = UNSET) -> None:
        """Run extraction again on the kept original; the user's corrections are kept.

        ``encoding`` reads the original in that encoding from now on (None: detect it again);
        left out, the encoding the user chose before (if any) still applies. Raises
        ImportFailed for an unknown encoding, or a format that has none to choose (EPUB).
        """
        doc = self.store.get(doc_id)
        if isinstance(encoding, str):
            encoding = text_encoding(encoding)
            if doc.format not in TEXT_FORMATS:
                raise ImportFailed(
                    f"{doc.format.upper()} documents have no text encoding to choose"
                )
        chosen = self.store.chosen_encoding(doc_id) if encoding is UNSET else encoding
        data = self._blob(doc.original_sha256)
        name = source_name(doc.imported_from)
        try:
            documents = importers.extract_all(data, name, chosen)
        except ImportFailed as exc:
            if chosen is None:
                raise
            raise ImportFailed(f"read as {chosen}, {exc}") from exc
        extracted = next((d for d in documents if d.part == doc.part), documents[0])
        kept = {ref: self._blob(image.sha256) for ref, image in self.store.images(doc_id).items()}
        extracted = with_images(extracted, mapping_loader(kept))
        with self.store.transaction():  # its images, text, encoding and annotations together
            self.store.replace_extraction(
                doc_id,
                extracted,
                text_digest(extracted.title + "\n" + extracted.text),
                images=self._keep_images(extracted),
            )
            if encoding is not UNSET:
                self.store.set_chosen_encoding(doc_id, encoding)
            self.notes.reanchor(doc_id)

    def chosen_encoding(self, doc_id: int) -> str | None:
        """The encoding chosen to read a document in, Python's name for it (None: detected)."""
        self.store.get(doc_id)
        chosen = self.store.chosen_encoding(doc_id)
        try:
            return text_encoding(chosen) if chosen else None
        except ImportFailed:
            return chosen  # as a web server named it, unknown to Python

    def encoding_choosable(self, doc_id: int) -> bool:
        """True if the document was read from text whose encoding the user may choose."""
        return self.store.get(doc_id).format in TEXT_FORMATS

    def image(self, sha256: str) -> bytes:
        """The bytes of a kept image (Document.images gives their addresses)."""
        return self._blob(sha256)

    def match_spans(self, query: str, doc_id: int) -> list[tuple[int, int]]:
        """Where a search's words occur in a document's clean text (code-point spans)."""
        return search.match_spans(self._current_searcher(), query, self.store.get(doc_id).text)

    def search(
        self, text: str, *, limit: int = 20, order: str = "relevance", within: str | None = None
    ) -> SearchResult:
        """Full-text search; raises QueryError for a query that cannot be understood."""
        if not self.index.exists():
            search.parse(text, make_schema())  # a malformed query is reported as such
        return search.run(
            self._current_searcher(), self.store, text, limit=limit, order=order, within=within
        )

    def timeline(self, query: str | None = None) -> list[TimelineBucket]:
        """Documents per year and month, newest first, then undated; of a search's hits if given."""
        if not query:
            return self.store.timeline()
        by_month = self.search(query, limit=1).by_month
        return buckets_from_months({(k if k != UNDATED else None): n for k, n in by_month.items()})

    def set_read(self, doc_id: int, is_read: bool = True) -> None:
        """Mark a document read or unread."""
        self.store.get(doc_id)
        self.store.set_read(doc_id, is_read)
