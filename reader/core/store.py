"""The SQLite store: the source of truth for documents, reading state and, later, user notes.

One Store (one connection) per thread. Every write is one short transaction; a change to a
document also queues it for the search index in the same transaction, so a crash at any
moment leaves the index either up to date or knowingly behind (never silently stale).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reader.core import layout
from reader.core.errors import DocumentNotFound, LibraryError
from reader.core.models import Document, DocumentSummary, ExtractedDocument, TimelineBucket

# Each entry upgrades the schema by one version; never edit an entry once released.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE originals (
        sha256     TEXT PRIMARY KEY,          -- content address of the kept file (blobs)
        size       INTEGER NOT NULL,
        stored_at  TEXT NOT NULL
    );
    CREATE TABLE documents (
        id              INTEGER PRIMARY KEY,
        original_sha256 TEXT NOT NULL UNIQUE REFERENCES originals(sha256),
        text_sha256     TEXT NOT NULL,        -- of the clean text, to spot re-encoded copies
        title           TEXT NOT NULL,
        pub_date        TEXT,                 -- YYYY-MM-DD, NULL when unknown
        source          TEXT,
        byline          TEXT,
        language        TEXT,
        text            TEXT NOT NULL,        -- paragraphs joined by newlines; code-point offsets
        removed         TEXT NOT NULL DEFAULT '',  -- navigation lines dropped from the body
        tags            TEXT NOT NULL DEFAULT '[]',
        format          TEXT NOT NULL,
        encoding        TEXT,
        imported_from   TEXT NOT NULL,        -- path or URL as the user gave it
        imported_at     TEXT NOT NULL,
        is_read         INTEGER NOT NULL DEFAULT 0,
        read_position   INTEGER NOT NULL DEFAULT 0,
        CHECK (pub_date IS NULL OR pub_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
    );
    CREATE INDEX documents_by_date ON documents(pub_date);
    CREATE INDEX documents_by_text ON documents(text_sha256);
    -- Documents whose index entry must be (re)written or deleted, emptied after each commit
    -- of the search index. No foreign key: a deleted document stays queued for removal.
    CREATE TABLE index_queue (
        doc_id INTEGER PRIMARY KEY,
        seq    INTEGER NOT NULL              -- grows with every change; see mark_indexed()
    );
    """,
    """
    -- Deleting moves a document to the trash (undo brings it back); reads use live_documents.
    ALTER TABLE documents ADD COLUMN deleted_at TEXT;
    CREATE VIEW live_documents AS SELECT * FROM documents WHERE deleted_at IS NULL;
    -- The user's corrections of extracted metadata: applied again after every re-extraction.
    CREATE TABLE user_edits (
        doc_id    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        field     TEXT NOT NULL CHECK (field IN ('title', 'pub_date', 'source', 'byline')),
        value     TEXT,
        edited_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, field)
    );
    """,
    """
    -- The list orders and the timeline as index scans (partial: live documents only).
    CREATE INDEX live_by_date ON documents(pub_date IS NULL, pub_date DESC, id DESC)
        WHERE deleted_at IS NULL;
    CREATE INDEX live_by_title ON documents(title COLLATE NOCASE, id) WHERE deleted_at IS NULL;
    CREATE INDEX live_by_source
        ON documents(source IS NULL, source COLLATE NOCASE, pub_date DESC, id)
        WHERE deleted_at IS NULL;
    CREATE INDEX live_by_month ON documents(substr(pub_date, 1, 7)) WHERE deleted_at IS NULL;
    -- MAX(seq) on every queued change: without it each insert scans the whole queue.
    CREATE INDEX index_queue_by_seq ON index_queue(seq);
    """,
    """
    -- A bookmark marks a document (position NULL) or a place in its clean text.
    CREATE TABLE bookmarks (
        id         INTEGER PRIMARY KEY,
        doc_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        position   INTEGER,
        name       TEXT,
        created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX bookmarks_one_per_document ON bookmarks(doc_id) WHERE position IS NULL;
    -- Highlights and notes, anchored by W3C selectors (quote + context, position, text hash).
    CREATE TABLE annotations (
        id          INTEGER PRIMARY KEY,
        uuid        TEXT NOT NULL UNIQUE,     -- stable identity for export and import
        doc_id      INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        exact       TEXT NOT NULL,
        prefix      TEXT NOT NULL,
        suffix      TEXT NOT NULL,
        start_pos   INTEGER NOT NULL,         -- code points in the clean text
        end_pos     INTEGER NOT NULL,
        text_hash   TEXT NOT NULL,            -- of the clean text the selectors were made on
        orphan      INTEGER NOT NULL DEFAULT 0,  -- could not be placed after the text changed
        color       TEXT NOT NULL DEFAULT 'yellow',
        note        TEXT NOT NULL DEFAULT '',
        tags        TEXT NOT NULL DEFAULT '[]',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        deleted_at  TEXT,                     -- deleted (undo brings it back)
        CHECK (start_pos >= 0 AND end_pos > start_pos)
    );
    CREATE INDEX annotations_by_document ON annotations(doc_id, start_pos);
    """,
    """
    -- One file may hold several articles (an EPUB news issue): documents are (original, part).
    -- SQLite cannot drop a UNIQUE constraint, so the table is rebuilt (foreign keys are off
    -- while this runs, see _migrate), with the layout of each paragraph as a new column.
    DROP VIEW live_documents;
    CREATE TABLE documents_new (
        id              INTEGER PRIMARY KEY,
        original_sha256 TEXT NOT NULL REFERENCES originals(sha256),
        part            TEXT NOT NULL DEFAULT '',  -- which article of the file ('' = all of it)
        text_sha256     TEXT NOT NULL,
        title           TEXT NOT NULL,
        pub_date        TEXT,
        source          TEXT,
        byline          TEXT,
        language        TEXT,
        text            TEXT NOT NULL,
        removed         TEXT NOT NULL DEFAULT '',
        layout          TEXT NOT NULL DEFAULT '',  -- JSON, one block per paragraph; '' = plain
        tags            TEXT NOT NULL DEFAULT '[]',
        format          TEXT NOT NULL,
        encoding        TEXT,
        chosen_encoding TEXT,                 -- the user's choice, kept for re-extractions
        imported_from   TEXT NOT NULL,
        imported_at     TEXT NOT NULL,
        is_read         INTEGER NOT NULL DEFAULT 0,
        read_position   INTEGER NOT NULL DEFAULT 0,
        deleted_at      TEXT,
        UNIQUE (original_sha256, part),
        CHECK (pub_date IS NULL OR pub_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
    );
    INSERT INTO documents_new (id, original_sha256, text_sha256, title, pub_date, source, byline,
        language, text, removed, tags, format, encoding, imported_from, imported_at, is_read,
        read_position, deleted_at)
    SELECT id, original_sha256, text_sha256, title, pub_date, source, byline, language, text,
        removed, tags, format, encoding, imported_from, imported_at, is_read, read_position,
        deleted_at
    FROM documents;
    DROP TABLE documents;
    ALTER TABLE documents_new RENAME TO documents;
    CREATE VIEW live_documents AS SELECT * FROM documents WHERE deleted_at IS NULL;
    CREATE INDEX documents_by_date ON documents(pub_date);
    CREATE INDEX documents_by_text ON documents(text_sha256);
    CREATE INDEX documents_by_origin ON documents(imported_from);
    CREATE INDEX live_by_date ON documents(pub_date IS NULL, pub_date DESC, id DESC)
        WHERE deleted_at IS NULL;
    CREATE INDEX live_by_title ON documents(title COLLATE NOCASE, id) WHERE deleted_at IS NULL;
    CREATE INDEX live_by_source
        ON documents(source IS NULL, source COLLATE NOCASE, pub_date DESC, id)
        WHERE deleted_at IS NULL;
    CREATE INDEX live_by_month ON documents(substr(pub_date, 1, 7)) WHERE deleted_at IS NULL;
    -- Images of a document (a web page saved complete, an EPUB, a downloaded page), kept like
    -- originals (content-addressed in originals/) under the name the page gives them.
    CREATE TABLE images (
        doc_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        ref     TEXT NOT NULL,
        sha256  TEXT NOT NULL,
        mime    TEXT NOT NULL,
        size    INTEGER NOT NULL,
        PRIMARY KEY (doc_id, ref)
    );
    CREATE INDEX images_by_sha ON images(sha256);
    """,
    """
    -- The bytes of kept originals and images by SHA-256, written in the transaction of the rows
    -- that refer to them (a file each under originals/ before: a hundred times slower to write
    -- than a row; those files are still read).
    CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        data   BLOB NOT NULL
    );
    """,
)
# Migrations that rebuild a table others refer to: run with foreign keys off (a DROP TABLE
# with them on would delete every annotation and bookmark through ON DELETE CASCADE).
_REBUILDS = frozenset({4})
EDITABLE_FIELDS = ("title", "pub_date", "source", "byline")
SCHEMA_VERSION = len(MIGRATIONS)

_SUMMARY_COLUMNS = "id, title, pub_date, source, byline, language, imported_from, is_read"
_ORDERS = {
    "date": "pub_date IS NULL, pub_date DESC, id DESC",
    "title": "title COLLATE NOCASE, id",
    "source": "source IS NULL, source COLLATE NOCASE, pub_date DESC, id",
    "imported": "id DESC",
}


@dataclass(frozen=True, slots=True)
class StoredImage:
    """An image kept for a document: its blob, type and size in bytes."""

    sha256: str
    mime: str
    size: int


@dataclass(frozen=True, slots=True)
class IndexRow:
    """What the search index needs of one document."""

    id: int
    title: str
    date: dt.date | None
    source: str | None
    byline: str | None
    text: str
    removed: str
    tags: tuple[str, ...]
    notes: str = ""  # highlighted passages and notes of the document's annotations


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _summary(row: sqlite3.Row) -> DocumentSummary:
    return DocumentSummary(
        id=row["id"],
        title=row["title"],
        date=_date(row["pub_date"]),
        source=row["source"],
        byline=row["byline"],
        language=row["language"],
        imported_from=row["imported_from"],
        is_read=bool(row["is_read"]),
    )


class Store:
    """The library database at ``path`` (created and migrated on open)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise LibraryError(f"Cannot open the library database {path}: {exc}") from exc
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        # Statement journals (a savepoint's copy of the pages it changes: one per imported
        # file) in memory: in a temporary file, each savepoint created, wrote and deleted one,
        # a hundred system calls a document.
        self._db.execute("PRAGMA temp_store = MEMORY")
        # 16 MB of pages (SQLite's default is 2 MB): a batch of imported files changes more.
        self._db.execute("PRAGMA cache_size = -16000")
        self._migrate()

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all of it is committed, or none of it. Inside another one, a
        savepoint: all of it stays part of the outer transaction, or none of it."""
        if self._db.in_transaction:
            self._db.execute("SAVEPOINT nested")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK TO nested")
                self._db.execute("RELEASE nested")
                raise
            self._db.execute("RELEASE nested")
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> None:
        version: int = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise LibraryError(
                f"The library at {self.path.parent} was written by a newer Reader "
                f"(schema {version}, this one knows {SCHEMA_VERSION}); please update Reader."
            )
        for number in range(version, SCHEMA_VERSION):
            rebuild = number in _REBUILDS
            if rebuild:
                self._db.execute("PRAGMA foreign_keys = OFF")  # no effect inside a transaction
            try:
                with self.transaction() as db:
                    for statement in _statements(MIGRATIONS[number]):
                        db.execute(statement)
                    if number == 0:
                        db.execute(
                            "INSERT INTO meta(key, value) VALUES ('library_id', ?)",
                            (uuid.uuid4().hex,),
                        )
                    if rebuild and db.execute("PRAGMA foreign_key_check").fetchone():
                        raise LibraryError(
                            f"The library at {self.path.parent} could not be upgraded "
                            "(its references do not add up); it was left as it was."
                        )
                    db.execute(f"PRAGMA user_version = {number + 1}")
            finally:
                if rebuild:
                    self._db.execute("PRAGMA foreign_keys = ON")

    # -- library-wide facts -------------------------------------------------------------------

    @property
    def library_id(self) -> str:
        """A random id of this library, so that an index can tell it belongs to it."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'library_id'").fetchone()
        return str(row[0])

    def get_meta(self, key: str) -> str | None:
        """A value from the meta table."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a value in the meta table."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def rows(self, sql: str, args: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        """Run a read query (for the modules that keep their own tables in this database)."""
        return self._db.execute(sql, args).fetchall()

    def count(self) -> int:
        """Number of documents."""
        return int(self._db.execute("SELECT COUNT(*) FROM live_documents").fetchone()[0])

    # -- documents ----------------------------------------------------------------------------

    def find_duplicate(self, original_sha256: str, text_sha256: str | None = None) -> int | None:
        """The id of a document with the same original bytes (or the same clean text)."""
        row = self._db.execute(
            "SELECT id FROM documents WHERE original_sha256 = ? OR text_sha256 = ? LIMIT 1",
            (original_sha256, text_sha256 or ""),
        ).fetchone()
        return None if row is None else int(row[0])

    def add_document(
        self,
        doc: ExtractedDocument,
        *,
        original_sha256: str,
        original_size: int,
        text_sha256: str,
        imported_from: str,
        images: Mapping[str, StoredImage] | None = None,
    ) -> int:
        """Insert a document (and its original's record) and queue it for indexing.

        ``images`` are the document's images, already kept as blobs, by the name its blocks use.
        """
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO originals(sha256, size, stored_at) VALUES (?, ?, ?)",
                (original_sha256, original_size, now),
            )
            cursor = db.execute(
                f"INSERT INTO documents({_EXTRACTED_COLUMNS}, original_sha256, part,"
                " imported_from, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *_extracted_values(doc, text_sha256),
                    original_sha256,
                    doc.part,
                    imported_from,
                    now,
                ),
            )
            doc_id = int(cursor.lastrowid or 0)
            _set_images(db, doc_id, images or {})
            queue_for_index(db, [doc_id])
        return doc_id

    def get(self, doc_id: int) -> Document:
        """The document with this id; raises DocumentNotFound."""
        row = self._db.execute(
            "SELECT d.*, o.size FROM live_documents d"
            " JOIN originals o ON o.sha256 = d.original_sha256 WHERE d.id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            raise DocumentNotFound(f"There is no document with id {doc_id}.")
        return Document(
            id=row["id"],
            title=row["title"],
            date=_date(row["pub_date"]),
            source=row["source"],
            byline=row["byline"],
            language=row["language"],
            text=row["text"],
            format=row["format"],
            encoding=row["encoding"],
            imported_from=row["imported_from"],
            original_sha256=row["original_sha256"],
            original_size=row["size"],
            imported_at=dt.datetime.fromisoformat(row["imported_at"]),
            is_read=bool(row["is_read"]),
            read_position=row["read_position"],
            removed=row["removed"],
            tags=tuple(json.loads(row["tags"])),
            blocks=layout.decode(row["layout"], row["text"].count("\n") + 1),
            images={ref: image.sha256 for ref, image in self.images(doc_id).items()},
            part=row["part"],
        )

    def summaries(
        self, order: str = "date", ids: Sequence[int] | None = None
    ) -> list[DocumentSummary]:
        """Document list rows in the given order ('date', 'title', 'source', 'imported')."""
        if order not in _ORDERS:
            raise ValueError(f"unknown order {order!r}")
        if ids is None:
            rows = self._db.execute(
                f"SELECT {_SUMMARY_COLUMNS} FROM live_documents ORDER BY {_ORDERS[order]}"
            ).fetchall()
            return [_summary(row) for row in rows]
        by_id = {s.id: s for s in self._summaries_by_id(ids)}
        return [by_id[i] for i in ids if i in by_id]

    def _summaries_by_id(self, ids: Sequence[int]) -> Iterator[DocumentSummary]:
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT {_SUMMARY_COLUMNS} FROM live_documents WHERE id IN ({marks})", chunk
            )
            yield from (_summary(row) for row in rows)

    def texts(self, ids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
        """(clean text, removed lines, annotation passages and notes) of documents, for snippets."""
        out: dict[int, tuple[str, str, str]] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT id, text, removed, {_NOTES_SQL} FROM live_documents d"
                f" WHERE id IN ({marks})",
                chunk,
            )
            out.update((row[0], (row[1], row[2], row[3] or "")) for row in rows)
        return out

    def document_ids(self, order: str = "date", period: str | None = None) -> list[int]:
        """Ids of the live documents in list order, optionally of one period.

        ``period`` is '2020', '2020-10', 'undated' or 'bookmarked'.
        """
        if order not in _ORDERS:
            raise ValueError(f"unknown order {order!r}")
        where, args = _period_filter(period)
        rows = self._db.execute(
            f"SELECT id FROM live_documents {where} ORDER BY {_ORDERS[order]}", args
        )
        return [int(row[0]) for row in rows]

    def edit_metadata(self, doc_id: int, changes: dict[str, str | None]) -> None:
        """Apply the user's corrections (field -> value) and remember them as the user's."""
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self.transaction() as db:
            for field, value in changes.items():
                db.execute(f"UPDATE documents SET {field} = ? WHERE id = ?", (value, doc_id))
                db.execute(
                    "INSERT INTO user_edits(doc_id, field, value, edited_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(doc_id, field) DO UPDATE SET value = excluded.value,"
                    " edited_at = excluded.edited_at",
                    (doc_id, field, value, now),
                )
            queue_for_index(db, [doc_id])

    def user_edits(self, doc_id: int) -> dict[str, str | None]:
        """The fields the user corrected, with their values."""
        rows = self._db.execute("SELECT field, value FROM user_edits WHERE doc_id = ?", (doc_id,))
        return {row[0]: row[1] for row in rows}

    def replace_extraction(
        self,
        doc_id: int,
        doc: ExtractedDocument,
        text_sha256: str,
        original: tuple[str, int] | None = None,
        images: Mapping[str, StoredImage] | None = None,
    ) -> None:
        """Store a new extraction (of a new original: (sha256, size)); user edits stay on top.

        ``images`` replace the document's images when given; else those it had are kept.
        """
        with self.transaction() as db:
            if images is not None:
                replaced = db.execute(
                    "SELECT sha256 FROM images WHERE doc_id = ?", (doc_id,)
                ).fetchall()
                db.execute("DELETE FROM images WHERE doc_id = ?", (doc_id,))
                _set_images(db, doc_id, images)
                _drop_unused_images(db, {row[0] for row in replaced})
            if original is not None:
                db.execute(
                    "INSERT OR IGNORE INTO originals(sha256, size, stored_at) VALUES (?, ?, ?)",
                    (*original, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
                )
                db.execute(
                    "UPDATE documents SET original_sha256 = ? WHERE id = ?", (original[0], doc_id)
                )
            db.execute(
                f"UPDATE documents SET ({_EXTRACTED_COLUMNS}) = ({', '.join('?' * 11)})"
                " WHERE id = ?",
                (*_extracted_values(doc, text_sha256), doc_id),
            )
            for field, value in db.execute(
                "SELECT field, value FROM user_edits WHERE doc_id = ?", (doc_id,)
            ).fetchall():
                db.execute(f"UPDATE documents SET {field} = ? WHERE id = ?", (value, doc_id))
            queue_for_index(db, [doc_id])

    def trash(self, ids: Sequence[int]) -> None:
        """Move documents to the trash: gone from lists and search, back with restore()."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self.transaction() as db:
            db.executemany(
                "UPDATE documents SET deleted_at = ? WHERE id = ?", [(now, i) for i in ids]
            )
            queue_for_index(db, ids)

    def restore(self, ids: Sequence[int]) -> None:
        """Bring documents back from the trash."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE documents SET deleted_at = NULL WHERE id = ?", [(i,) for i in ids]
            )
            queue_for_index(db, ids)

    def imported_from(self, source: str, part: str = "") -> int | None:
        """The live document last imported from this path or URL (this part of it), if any."""
        row = self._db.execute(
            "SELECT id FROM live_documents WHERE imported_from = ? AND part = ?"
            " ORDER BY id DESC LIMIT 1",
            (source, part),
        ).fetchone()
        return None if row is None else int(row[0])

    def is_trashed(self, doc_id: int) -> bool:
        """True for a document in the trash."""
        row = self._db.execute(
            "SELECT deleted_at FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return row is not None and row[0] is not None

    def set_read(self, doc_id: int, is_read: bool) -> None:
        """Mark a document read or unread."""
        with self.transaction() as db:
            db.execute("UPDATE documents SET is_read = ? WHERE id = ?", (int(is_read), doc_id))

    def set_read_position(self, doc_id: int, position: int) -> None:
        """Remember where the user is in a document (a character offset in its clean text)."""
        with self.transaction() as db:
            db.execute("UPDATE documents SET read_position = ? WHERE id = ?", (position, doc_id))

    # -- timeline -----------------------------------------------------------------------------

    def timeline(self, ids: Iterable[int] | None = None) -> list[TimelineBucket]:
        """Documents per year and per month (newest first), then undated; optionally of ``ids``."""
        if ids is None:
            rows = self._db.execute(
                "SELECT substr(pub_date, 1, 7) AS ym, COUNT(*) FROM live_documents GROUP BY ym"
            ).fetchall()
            months = {row[0]: int(row[1]) for row in rows}
        else:
            months = {}
            for chunk in _chunks(list(ids), 500):
                marks = ",".join("?" * len(chunk))
                for row in self._db.execute(
                    f"SELECT substr(pub_date, 1, 7), COUNT(*) FROM live_documents"
                    f" WHERE id IN ({marks}) GROUP BY 1",
                    chunk,
                ):
                    months[row[0]] = months.get(row[0], 0) + int(row[1])
        return buckets_from_months(months)

    # -- the index queue ----------------------------------------------------------------------

    def pending_index(self, limit: int = 1000) -> list[tuple[int, int]]:
        """(document id, change number) of documents whose index entry is out of date."""
        rows = self._db.execute(
            "SELECT doc_id, seq FROM index_queue ORDER BY doc_id LIMIT ?", (limit,)
        )
        return [(int(row[0]), int(row[1])) for row in rows]

    def pending_count(self) -> int:
        """Number of documents waiting for the index."""
        return int(self._db.execute("SELECT COUNT(*) FROM index_queue").fetchone()[0])

    def mark_indexed(self, entries: Sequence[tuple[int, int]]) -> None:
        """Drop (id, change number) entries once the index has committed them.

        An entry whose document changed again meanwhile has a higher number and stays queued.
        """
        with self.transaction() as db:
            db.executemany("DELETE FROM index_queue WHERE doc_id = ? AND seq <= ?", entries)

    def queue_all_for_index(self) -> None:
        """Queue every document, for a full rebuild of the index."""
        with self.transaction() as db:
            queue_for_index(db, None)

    def all_ids(self) -> list[int]:
        """Every document id, ascending."""
        return [
            int(row[0]) for row in self._db.execute("SELECT id FROM live_documents ORDER BY id")
        ]

    def index_rows(self, ids: Sequence[int]) -> dict[int, IndexRow]:
        """What the index needs of these documents; ids that no longer exist are absent."""
        out: dict[int, IndexRow] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(
                f"SELECT id, title, pub_date, source, byline, text, removed, tags, {_NOTES_SQL},"
                f" {_NOTE_TAGS_SQL} FROM live_documents d WHERE id IN ({marks})",
                chunk,
            ):
                note_tags = json.loads(row["note_tags"] or "[]")
                out[row["id"]] = IndexRow(
                    id=row["id"],
                    title=row["title"],
                    date=_date(row["pub_date"]),
                    source=row["source"],
                    byline=row["byline"],
                    text=row["text"],
                    removed=row["removed"],
                    tags=tuple(dict.fromkeys([*json.loads(row["tags"]), *note_tags])),
                    notes=row["notes"] or "",
                )
        return out

    def keep_blob(self, sha256: str, data: bytes) -> None:
        """Keep the bytes of an original or image (once; in the caller's transaction, if any)."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO blobs(sha256, data) VALUES (?, ?)", (sha256, data))

    def blob(self, sha256: str) -> bytes | None:
        """The kept bytes with this digest, if the database has them."""
        row = self._db.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else bytes(row[0])

    def original_hashes(self) -> set[str]:
        """Hashes of every kept blob: original files and the images of documents."""
        return {
            str(row[0])
            for row in self._db.execute(
                "SELECT sha256 FROM originals UNION SELECT sha256 FROM images"
            )
        }

    def chosen_encoding(self, doc_id: int) -> str | None:
        """The encoding the user chose for a document's original, if they did."""
        row = self._db.execute(
            "SELECT chosen_encoding FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return None if row is None else row[0]

    def set_chosen_encoding(self, doc_id: int, encoding: str | None) -> None:
        """Remember (None: forget) the encoding the user chose for a document."""
        with self.transaction() as db:
            db.execute("UPDATE documents SET chosen_encoding = ? WHERE id = ?", (encoding, doc_id))

    def find_text_duplicate(self, text_sha256: str) -> int | None:
        """The id of a document with the same clean text (and title)."""
        row = self._db.execute(
            "SELECT id FROM documents WHERE text_sha256 = ? LIMIT 1", (text_sha256,)
        ).fetchone()
        return None if row is None else int(row[0])

    def images(self, doc_id: int) -> dict[str, StoredImage]:
        """A document's kept images by the name its blocks use."""
        return {
            row["ref"]: StoredImage(row["sha256"], row["mime"], row["size"])
            for row in self._db.execute(
                "SELECT ref, sha256, mime, size FROM images WHERE doc_id = ?", (doc_id,)
            )
        }


# A document's annotations for the index: each passage with its note, and their tags.
_NOTES_SQL = (
    "(SELECT group_concat(a.exact || char(10) || a.note, char(10)) FROM annotations a"
    " WHERE a.doc_id = d.id AND a.deleted_at IS NULL) AS notes"
)
_NOTE_TAGS_SQL = (
    "(SELECT json_group_array(j.value) FROM annotations a, json_each(a.tags) j"
    " WHERE a.doc_id = d.id AND a.deleted_at IS NULL) AS note_tags"
)

_EXTRACTED_COLUMNS = (
    "title, pub_date, source, byline, language, text, removed, layout, format, encoding,"
    " text_sha256"
)


def _extracted_values(doc: ExtractedDocument, text_sha256: str) -> tuple[object, ...]:
    """Values for _EXTRACTED_COLUMNS: what extraction decides about a document."""
    return (
        doc.title,
        doc.date.isoformat() if doc.date else None,
        doc.source,
        doc.byline,
        doc.language,
        doc.text,
        "\n".join(doc.removed),
        layout.encode(doc.layout()),
        doc.format,
        doc.encoding,
        text_sha256,
    )


def _drop_unused_images(db: sqlite3.Connection, hashes: set[str]) -> None:
    """Delete the bytes of images no document shows any more (originals are always kept)."""
    db.executemany(
        "DELETE FROM blobs WHERE sha256 = ?"
        " AND NOT EXISTS (SELECT 1 FROM images WHERE images.sha256 = blobs.sha256)"
        " AND NOT EXISTS (SELECT 1 FROM originals WHERE originals.sha256 = blobs.sha256)",
        [(digest,) for digest in hashes],
    )


def _set_images(db: sqlite3.Connection, doc_id: int, images: Mapping[str, StoredImage]) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO images(doc_id, ref, sha256, mime, size) VALUES (?, ?, ?, ?, ?)",
        [(doc_id, ref, image.sha256, image.mime, image.size) for ref, image in images.items()],
    )


def _period_filter(period: str | None) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause for a timeline period: '2020', '2020-10', 'undated' or None (all)."""
    if not period:
        return "", ()
    if period == "undated":
        return "WHERE pub_date IS NULL", ()
    if period == "bookmarked":
        return "WHERE id IN (SELECT doc_id FROM bookmarks)", ()
    if len(period) in (4, 7) and period[:4].isdigit():
        return "WHERE pub_date LIKE ?", (period + "-%",)
    raise ValueError(f"unknown period {period!r}")


def _statements(script: str) -> Iterator[str]:
    """Split an SQL script into statements (executescript() would commit on its own)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""
    if buffer.strip():
        raise ValueError("incomplete SQL statement in a migration")


def queue_for_index(db: sqlite3.Connection, ids: Sequence[int] | None) -> None:
    """Queue documents (all when ``ids`` is None) for the index, inside the caller's transaction."""
    seq = int(db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM index_queue").fetchone()[0])
    upsert = " ON CONFLICT(doc_id) DO UPDATE SET seq = excluded.seq"
    if ids is None:
        db.execute(
            "INSERT INTO index_queue(doc_id, seq)"
            f" SELECT id, ? FROM live_documents WHERE 1{upsert}",
            (seq,),
        )
    else:
        db.executemany(
            f"INSERT INTO index_queue(doc_id, seq) VALUES (?, ?){upsert}", [(i, seq) for i in ids]
        )


def buckets_from_months(months: dict[str | None, int]) -> list[TimelineBucket]:
    """Year and month buckets from counts keyed by 'YYYY-MM' (None for undated)."""
    years: dict[int, int] = {}
    for ym, count in months.items():
        if ym:
            years[int(ym[:4])] = years.get(int(ym[:4]), 0) + count
    buckets: list[TimelineBucket] = []
    for year in sorted(years, reverse=True):
        buckets.append(TimelineBucket(year, None, years[year]))
        for ym in sorted((k for k in months if k and int(k[:4]) == year), reverse=True):
            buckets.append(TimelineBucket(year, int(ym[5:7]), months[ym]))
    if months.get(None):
        buckets.append(TimelineBucket(None, None, months[None]))
    return buckets


def _chunks(items: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
