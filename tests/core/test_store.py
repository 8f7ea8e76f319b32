"""The SQLite store: schema versions, pragmas and transactions."""

from __future__ import annotations

import sqlite3

import pytest

from reader.core.errors import LibraryError
from reader.core.models import ExtractedDocument
from reader.core.store import SCHEMA_VERSION, Store


def test_new_store_is_at_the_current_schema_with_wal_and_foreign_keys(tmp_path):
    with Store(tmp_path / "db.sqlite3") as store:
        db = store._db
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        library_id = store.library_id
    with Store(tmp_path / "db.sqlite3") as store:
        assert store.library_id == library_id  # reopening does not migrate again


def test_a_library_from_a_newer_reader_is_refused_untouched(tmp_path):
    path = tmp_path / "db.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(LibraryError, match="newer Reader"):
        Store(path)


def test_a_document_needs_its_original(tmp_path):
    with (
        Store(tmp_path / "db.sqlite3") as store,
        pytest.raises(sqlite3.IntegrityError),
        store.transaction() as db,
    ):
        db.execute(
            "INSERT INTO documents(original_sha256, text_sha256, title, text, format,"
            " imported_from, imported_at) VALUES ('nope', 't', 'T', '', 'text', 'x', 'now')"
        )


def test_a_failed_transaction_writes_nothing(tmp_path):
    with Store(tmp_path / "db.sqlite3") as store:
        doc = ExtractedDocument(title="T", paragraphs=("Body.",))
        store.add_document(
            doc, original_sha256="a", original_size=1, text_sha256="t", imported_from="x"
        )
        with pytest.raises(sqlite3.IntegrityError):  # same original twice
            store.add_document(
                doc, original_sha256="a", original_size=1, text_sha256="u", imported_from="y"
            )
        assert store.count() == 1
        assert store.pending_count() == 1


def test_index_queue_keeps_entries_changed_after_they_were_read(tmp_path):
    with Store(tmp_path / "db.sqlite3") as store:
        doc = ExtractedDocument(title="T", paragraphs=("Body.",))
        doc_id = store.add_document(
            doc, original_sha256="a", original_size=1, text_sha256="t", imported_from="x"
        )
        read = store.pending_index()
        store.queue_all_for_index()  # the document changes while the indexer works
        store.mark_indexed(read)
        assert [entry[0] for entry in store.pending_index()] == [doc_id]
        store.mark_indexed(store.pending_index())
        assert store.pending_count() == 0


def test_upgrading_an_older_library_keeps_documents_notes_and_bookmarks(tmp_path):
    from reader.core.store import MIGRATIONS, _statements

    path = tmp_path / "library.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    for number in range(4):  # the library as Reader wrote it before documents had parts
        for statement in _statements(MIGRATIONS[number]):
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {number + 1}")
    db.execute("INSERT INTO meta VALUES ('library_id', 'old')")
    db.execute("INSERT INTO originals VALUES ('abc', 3, '2026-01-01')")
    db.execute(
        "INSERT INTO documents(id, original_sha256, text_sha256, title, text, format,"
        " imported_from, imported_at) VALUES (7, 'abc', 't', 'Old', 'Some text', 'text',"
        " '/a.txt', '2026-01-01T00:00:00')"
    )
    db.execute(
        "INSERT INTO annotations(uuid, doc_id, exact, prefix, suffix, start_pos, end_pos,"
        " text_hash, created_at, updated_at) VALUES ('u', 7, 'Some', '', ' text', 0, 4, 't',"
        " '2026-01-01', '2026-01-01')"
    )
    db.execute("INSERT INTO bookmarks(doc_id, created_at) VALUES (7, '2026-01-01')")
    db.close()

    with Store(path) as store:
        doc = store.get(7)
        assert (doc.title, doc.text, doc.part, doc.blocks) == ("Old", "Some text", "", ())
        assert store.rows("SELECT count(*) FROM annotations")[0][0] == 1
        assert store.rows("SELECT count(*) FROM bookmarks")[0][0] == 1
        assert store.rows("PRAGMA foreign_key_check") == []
        assert store.rows("PRAGMA user_version")[0][0] == SCHEMA_VERSION
        assert store.rows("PRAGMA foreign_keys")[0][0] == 1
