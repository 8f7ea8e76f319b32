"""A big import's files read and extracted in worker processes, so it runs on every core."""

from __future__ import annotations

import concurrent.futures
import hashlib
import multiprocessing
import os
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.core import importers
from reader.core.errors import ImportFailed
from reader.core.images import folder_loader, with_images
from reader.core.models import ExtractedDocument
from reader.core.store import Store

# Worker processes: one a core (a third on two cores made the import slower), at most this
# many: past that, storing the documents is the limit.
MAX_WORKERS = 4


@dataclass(frozen=True, slots=True)
class Prepared:
    """A file ready to be stored: its bytes (kept with its documents) and what they hold."""

    digest: str  # SHA-256 of its bytes
    documents: list[ExtractedDocument] | None  # None: the library had the file when it was read
    data: bytes = b""  # the file (when documents is not None)


def prepare_file(path: Path, store: Store) -> Prepared:
    """Read a file and extract its documents (with the images a saved page keeps beside it);
    raises ImportFailed."""
    data = importers.read_file(path)
    digest = hashlib.sha256(data).hexdigest()
    if store.find_duplicate(digest) is not None:
        return Prepared(digest, None)
    load = folder_loader(path)
    documents = [with_images(doc, load) for doc in importers.extract_all(data, path.name)]
    return Prepared(digest, documents, data)


_worker: Store | None = None

# Files handed to a worker at a time: a task costs about 0.2 ms of pickling and waking
# processes up on each side, as much as reading and storing a small article.
CHUNK_FILES = 16


def _start_worker(database: Path) -> None:
    global _worker
    _worker = Store(database)


def _prepare_in_worker(paths: list[Path]) -> list[Prepared | ImportFailed]:
    assert _worker is not None
    outcomes: list[Prepared | ImportFailed] = []
    for path in paths:
        try:
            outcomes.append(prepare_file(path, _worker))
        except ImportFailed as exc:
            outcomes.append(exc)
    return outcomes


class Ticket:
    """One file handed to the pool: its prepared result once a worker is done with it."""

    def __init__(self, pool: ExtractionPool) -> None:
        self._pool = pool
        self._future: concurrent.futures.Future[list[Prepared | ImportFailed]] | None = None
        self._index = 0
        self._state = "waiting"  # until its chunk is handed out: "sent", "dropped" or "broken"

    def _sent(self, future: concurrent.futures.Future[Any] | None, index: int) -> None:
        self._future, self._index = future, index
        self._state = "sent" if future is not None else "broken"

    def result(self) -> Prepared:
        """The prepared file; raises ImportFailed for a file that cannot be imported, and
        BrokenProcessPool once a worker has died (a file crashed a parser): then prepare the
        file in this process."""
        if self._state == "waiting":
            self._pool.flush()
        if self._future is None:
            raise BrokenProcessPool("the file was not prepared")
        outcome = self._future.result()[self._index]
        if isinstance(outcome, ImportFailed):
            raise outcome
        return outcome

    def cancel(self) -> None:
        """Do not prepare the file if that has not started (a chunk goes only as a whole)."""
        if self._state == "waiting":
            self._pool.drop(self)
        elif self._future is not None:
            self._future.cancel()

    def abandoned(self) -> bool:
        """True if the file was never prepared (cancelled, or never handed out)."""
        if self._state in ("dropped", "broken"):
            return True
        return self._future is not None and self._future.cancelled()


class ExtractionPool:
    """Worker processes (spawned: the GUI process has threads) that prepare files, handed out
    CHUNK_FILES at a time."""

    def __init__(self, database: Path) -> None:
        count = max(1, min(MAX_WORKERS, os.cpu_count() or 1))
        self._executor = concurrent.futures.ProcessPoolExecutor(
            count,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(database,),
        )
        self._paths: list[Path] = []
        self._tickets: list[Ticket] = []

    def submit(self, path: Path) -> Ticket:
        """Queue a file; it goes to a worker with the next full chunk (or when awaited)."""
        ticket = Ticket(self)
        self._paths.append(path)
        self._tickets.append(ticket)
        if len(self._paths) >= CHUNK_FILES:
            self.flush()
        return ticket

    def flush(self) -> None:
        """Hand the files queued so far to a worker."""
        if not self._paths:
            return
        future: concurrent.futures.Future[Any] | None
        try:
            future = self._executor.submit(_prepare_in_worker, self._paths)
        except BrokenProcessPool:
            future = None
        for index, ticket in enumerate(self._tickets):
            ticket._sent(future, index)
        self._paths, self._tickets = [], []

    def drop(self, ticket: Ticket) -> None:
        """Take a queued file back before it is handed out."""
        index = self._tickets.index(ticket)
        del self._paths[index], self._tickets[index]
        ticket._state = "dropped"

    def close(self) -> None:
        """Stop the workers once their current chunk is done; what is not yet started is
        dropped."""
        for ticket in list(self._tickets):
            self.drop(ticket)
        self._executor.shutdown(wait=True, cancel_futures=True)
