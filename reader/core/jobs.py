"""Index work in a child process, so that Whoosh's writer never holds the window's GIL.

Whoosh sorts each batch's postings with one long ``sorted()`` call (hundreds of milliseconds)
that holds the interpreter lock; run in a thread of the GUI process it freezes the window. A
spawned process has its own interpreter. The index stays consistent whatever happens to the
child: the store's queue is only emptied after each commit (see reader.core.index).
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from reader.core.errors import IndexBusyError, ReaderError

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

JOBS = ("sync", "rebuild", "follow")
# "follow": index what an import stores, FOLLOW_BATCH documents at a time, until told to finish.
FOLLOW_BATCH = 8000
_POLL_SECONDS = 0.1
# While an import keeps the CPU busy (it stores FOLLOW_BATCH documents in less than this) the
# index waits for it to end: squeezed in between the import's processes, at the lowest priority,
# it took twice the CPU a document that it takes alone (100,000 articles on two cores: 2.0
# against 1.1 ms), and the import as a whole was no sooner searchable (119-139 s in three runs,
# against 120-134 s in four when indexed after it), while it slowed the listing (1,115-1,279
# documents/s, against 1,424-1,594).
# A slower import, from a slow disk or the network, leaves the CPU free: the index follows it.
_BUSY_IMPORT_SECONDS = 30.0
# Alongside an import the index takes what CPU the import leaves (at 5 it still took a sixth
# of it); it catches up once the import is done.
_FOLLOW_NICENESS = 19
_GRACE_SECONDS = 5.0  # after a cancel, how long the child may take to finish its batch


class ImportPace:
    """Whether an import stores documents slowly enough to be indexed alongside (see
    _BUSY_IMPORT_SECONDS), from the number of documents it has queued, seen now and then."""

    def __init__(self, seconds: float = _BUSY_IMPORT_SECONDS, batch: int = FOLLOW_BATCH) -> None:
        self._seconds = seconds
        self._batch = batch
        self._seen: collections.deque[tuple[float, int]] = collections.deque()

    def slow(self, now: float, queued: int) -> bool:
        """True once the import has queued fewer than a batch in the last ``seconds``."""
        seen = self._seen
        seen.append((now, queued))
        # Keep the newest count that is at least `seconds` old (and all after it).
        while len(seen) > 1 and now - seen[1][0] >= self._seconds:
            seen.popleft()
        since, before = seen[0]
        return now - since >= self._seconds and queued - before < self._batch


def _child(data_dir: str, job: str, conn: Connection) -> None:
    """The child's side: run the job, report progress, stop between batches when asked."""
    from reader.core.library import Library

    cancelled = finishing = False
    indexed = 0  # by earlier syncs of a follow job

    def progress(done: int, total: int) -> None:
        conn.send(("progress", indexed + done, indexed + total))

    def cancel() -> bool:
        nonlocal cancelled, finishing
        try:
            while not cancelled and conn.poll():
                message = conn.recv()
                cancelled = message == "cancel"
                finishing = finishing or message == "finish"
        except (EOFError, OSError):  # the parent is gone: stop after this batch
            cancelled = True
        return cancelled

    if job == "follow" and hasattr(os, "nice"):
        # Alongside an import, the import goes first: documents are listed as soon as stored.
        os.nice(_FOLLOW_NICENESS)
    try:
        with Library(Path(data_dir)) as library:
            if job == "rebuild":
                library.rebuild_index(progress, cancel)
            elif job == "sync":
                library.sync_index(progress, cancel)
            else:
                # Index full batches while the import runs slowly, the rest once it is done.
                pace = ImportPace()
                while not cancel():
                    last = finishing
                    pending = library.store.pending_count()
                    slow = pace.slow(time.monotonic(), indexed + pending)
                    if last or (pending >= FOLLOW_BATCH and slow):
                        indexed += library.sync_index(
                            progress, cancel, min_batch=1 if last else FOLLOW_BATCH
                        )
                        if last:
                            break
                    else:
                        conn.poll(_POLL_SECONDS * 3)
        conn.send(("done",))
    except ReaderError as exc:
        conn.send(("error", str(exc), type(exc).__name__))


def run_index_job(
    data_dir: Path,
    job: str,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    importing: Callable[[], bool] | None = None,
) -> None:
    """Run ``job`` ('sync', 'rebuild' or 'follow') on the library at ``data_dir`` in a child
    process.

    Blocks the calling (worker) thread until the child ends; ``cancel`` is polled, and a
    cancelled child stops after its current batch (or is stopped if it takes too long).
    A 'follow' job indexes while ``importing()`` is true, then what is left, and ends.
    Raises ReaderError with the child's message when the job fails.
    """
    if job not in JOBS:
        raise ValueError(f"unknown index job {job!r}")
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    # Not a daemon: it starts a helper process of its own (index.SegmentHelper). It ends by
    # itself once this process is gone (its pipe closes), and is stopped below otherwise.
    process = context.Process(target=_child, args=(str(data_dir), job, theirs))
    process.start()
    theirs.close()
    error: ReaderError | None = None
    cancel_sent_polls = 0
    finish_sent = job != "follow"
    try:
        while True:
            if not finish_sent and (importing is None or not importing()):
                ours.send("finish")
                finish_sent = True
            if cancel is not None and cancel():
                if cancel_sent_polls == 0:
                    ours.send("cancel")
                cancel_sent_polls += 1
                if cancel_sent_polls * _POLL_SECONDS > _GRACE_SECONDS:
                    break
            if ours.poll(_POLL_SECONDS):
                try:
                    message = ours.recv()
                except EOFError:
                    break
                if message[0] == "progress" and progress is not None:
                    progress(message[1], message[2])
                elif message[0] == "error":
                    busy = message[2] == IndexBusyError.__name__
                    error = IndexBusyError(message[1]) if busy else ReaderError(message[1])
                elif message[0] == "done":
                    break
            elif not process.is_alive():
                break
    finally:
        process.join(timeout=1.0)
        if process.is_alive():
            process.terminate()  # safe: uncommitted batches stay queued in the store
            process.join()
        ours.close()
    if error is not None:
        raise error
    if process.exitcode not in (0, -15) and cancel_sent_polls == 0:
        raise ReaderError(
            f"The indexing process stopped unexpectedly (exit code {process.exitcode})."
        )
