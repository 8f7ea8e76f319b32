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
