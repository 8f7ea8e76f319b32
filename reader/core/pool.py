"""A big import's files read, extracted and kept in worker processes, so it runs on every core."""

from __future__ import annotations

import concurrent.futures
import hashlib
import multiprocessing
import os
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from reader.core import importers
from reader.core.blobs import BlobStore, saving
from reader.core.images import folder_loader, with_images
from reader.core.models import ExtractedDocument
from reader.core.store import Store

# Worker processes: one more than the cores (each waits on the disk for a while per file, when
# its original is synced), at most this many: past that, storing the documents is the limit.
MAX_WORKERS = 4


@dataclass(frozen=True, slots=True)
class Prepared:
    """A file ready to be stored: its original is on disk (unless the library has it)."""

    digest: str  # SHA-256 of its bytes
    size: int
    documents: list[ExtractedDocument] | None  # None: the library had the file when it was read
    created: bool = False  # its original was written for this import
    unsynced: bool = False  # ... and not yet synced to disk (see BlobStore.sync_later)


def prepare_file(path: Path, store: Store, blobs: BlobStore) -> Prepared:
    """Read a file, extract its documents (with the images a saved page keeps beside it) and keep
    its original; raises ImportFailed (and then keeps nothing)."""
    data = importers.read_file(path)
    digest = hashlib.sha256(data).hexdigest()
    if store.find_duplicate(digest) is not None:
        return Prepared(digest, len(data), None)
    load = folder_loader(path)
    documents = [with_images(doc, load) for doc in importers.extract_all(data, path.name)]
    with saving():
        created = blobs.put_new(data)[1]
    return Prepared(digest, len(data), documents, created, created and blobs.sync_later)


_worker: tuple[Store, BlobStore] | None = None


def _start_worker(database: Path, originals: Path) -> None:
    global _worker
    # The library syncs each stored batch's originals at once, before its rows are committed.
    _worker = Store(database), BlobStore(originals, sync_later=True)


def _prepare_in_worker(path: Path) -> Prepared:
    assert _worker is not None
    return prepare_file(path, *_worker)


class ExtractionPool:
    """Worker processes (spawned: the GUI process has threads) that prepare files."""

    def __init__(self, database: Path, originals: Path) -> None:
        count = max(1, min(MAX_WORKERS, (os.cpu_count() or 1) + 1))
        self._executor = concurrent.futures.ProcessPoolExecutor(
            count,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(database, originals),
        )

    def submit(self, path: Path) -> concurrent.futures.Future[Prepared] | None:
        """None once a worker has died (a file crashed a parser): prepare the file here."""
        try:
            return self._executor.submit(_prepare_in_worker, path)
        except BrokenProcessPool:
            return None

    def close(self) -> None:
        """Stop the workers once their current file is done; files not yet started are dropped."""
        self._executor.shutdown(wait=True, cancel_futures=True)
