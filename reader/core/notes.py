"""Bookmarks and annotations in the store: created, edited, deleted (undoably) and re-anchored.

Every change is one transaction, committed before the function returns: when the window says
"saved", a crash cannot take it back. Annotations are never deleted by Reader itself: when their
passage cannot be found in a changed text they become orphans, kept with their quote and note.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid as uuid_module
from collections.abc import Iterable

from reader.core.anchoring import Selector, anchor, make_selector, text_hash
from reader.core.errors import ReaderError
from reader.core.models import Annotation, Bookmark
from reader.core.store import Store, queue_for_index

COLORS = ("yellow", "green", "blue", "pink", "purple")
_COLUMNS = (
    "id, uuid, doc_id, start_pos, end_pos, exact, prefix, suffix, color, note, tags, orphan,"
    " created_at, updated_at"
)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _clean_tags(tags: Iterable[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        tag = " ".join(tag.strip().lstrip("#").split()).lower()
        if tag and tag not in out:
            out.append(tag)
    return out


def _annotation(row: sqlite3.Row) -> Annotation:
    return Annotation(
        id=row["id"],
        uuid=row["uuid"],
        doc_id=row["doc_id"],
        start=row["start_pos"],
        end=row["end_pos"],
        exact=row["exact"],
        prefix=row["prefix"],
        suffix=row["suffix"],
        color=row["color"],
        note=row["note"],
        tags=tuple(json.loads(row["tags"])),
        orphan=bool(row["orphan"]),
        created_at=dt.datetime.fromisoformat(row["created_at"]),
        updated_at=dt.datetime.fromisoformat(row["updated_at"]),
    )


def _queue_owner(db: sqlite3.Connection, annotation_id: int) -> None:
    """Queue the document of an annotation for the index (its notes are searchable)."""
    row = db.execute("SELECT doc_id FROM annotations WHERE id = ?", (annotation_id,)).fetchone()
    if row is not None:
        queue_for_index(db, [int(row[0])])


def _check_color(color: str) -> str:
    if color not in COLORS:
        raise ReaderError(f"Unknown colour {color!r}: use one of {', '.join(COLORS)}.")
    return color


class Notes:
    """Annotations and bookmarks of one library (uses the library's Store connection)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- annotations --------------------------------------------------------------------------

    def add(
        self,
        doc_id: int,
        start: int,
        end: int,
        *,
        color: str = "yellow",
        note: str = "",
        tags: Iterable[str] = (),
        uuid: str | None = None,
        created_at: str | None = None,
    ) -> Annotation:
        """Highlight text[start:end] of a document (code-point offsets of its clean text)."""
        text = self.store.get(doc_id).text
        try:
            selector = make_selector(text, start, end)
        except ValueError as exc:
            raise ReaderError(f"That passage is not in the document ({exc}).") from exc
        now = _now()
        with self.store.transaction() as db:
            cursor = db.execute(
                "INSERT INTO annotations(uuid, doc_id, exact, prefix, suffix, start_pos, end_pos,"
                " text_hash, color, note, tags, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    uuid or str(uuid_module.uuid4()),
                    doc_id,
                    selector.exact,
                    selector.prefix,
                    selector.suffix,
                    selector.start,
                    selector.end,
                    selector.text_hash,
                    _check_color(color),
                    note,
                    json.dumps(_clean_tags(tags)),
                    created_at or now,
                    now,
                ),
            )
            queue_for_index(db, [doc_id])
        return self.get(int(cursor.lastrowid or 0))

    def get(self, annotation_id: int) -> Annotation:
        """One annotation (deleted ones too, for undo)."""
        rows = self.store.rows(f"SELECT {_COLUMNS} FROM annotations WHERE id = ?", (annotation_id,))
        if not rows:
            raise ReaderError(f"There is no annotation {annotation_id}.")
        return _annotation(rows[0])

    def update(
        self,
        annotation_id: int,
        *,
        color: str | None = None,
        note: str | None = None,
        tags: Iterable[str] | None = None,
    ) -> Annotation:
        """Change an annotation's colour, note or tags."""
        changes: dict[str, str] = {}
        if color is not None:
            changes["color"] = _check_color(color)
        if note is not None:
            changes["note"] = note
        if tags is not None:
            changes["tags"] = json.dumps(_clean_tags(tags))
        if changes:
            sets = ", ".join(f"{field} = ?" for field in changes)
            with self.store.transaction() as db:
                db.execute(
                    f"UPDATE annotations SET {sets}, updated_at = ? WHERE id = ?",
                    (*changes.values(), _now(), annotation_id),
                )
                _queue_owner(db, annotation_id)
        return self.get(annotation_id)

    def delete(self, annotation_id: int) -> None:
        """Delete an annotation; ``restore`` undoes it."""
        with self.store.transaction() as db:
            db.execute(
                "UPDATE annotations SET deleted_at = ? WHERE id = ?", (_now(), annotation_id)
            )
            _queue_owner(db, annotation_id)

    def restore(self, annotation_id: int) -> None:
        """Undo a deletion."""
        with self.store.transaction() as db:
            db.execute("UPDATE annotations SET deleted_at = NULL WHERE id = ?", (annotation_id,))
            _queue_owner(db, annotation_id)

    def find(
        self,
        doc_id: int | None = None,
        *,
        color: str | None = None,
        tag: str | None = None,
        text: str | None = None,
    ) -> list[Annotation]:
        """Live annotations in text order (of one document, or of the library by document)."""
        where = ["a.deleted_at IS NULL", "d.deleted_at IS NULL"]
        args: list[object] = []
        if doc_id is not None:
            where.append("a.doc_id = ?")
            args.append(doc_id)
        if color is not None:
            where.append("a.color = ?")
            args.append(color)
        if tag is not None:
            where.append("EXISTS (SELECT 1 FROM json_each(a.tags) WHERE value = ?)")
            args.append(tag.strip().lstrip("#").lower())
        if text:
            where.append("(a.exact LIKE ? OR a.note LIKE ?)")
            args.extend([f"%{text}%"] * 2)
        columns = ", ".join(f"a.{c.strip()}" for c in _COLUMNS.split(","))
        rows = self.store.rows(
            f"SELECT {columns} FROM annotations a JOIN documents d ON d.id = a.doc_id"
            f" WHERE {' AND '.join(where)} ORDER BY a.doc_id, a.orphan, a.start_pos, a.id",
            tuple(args),
        )
        return [_annotation(row) for row in rows]

    def by_uuid(self, uuid: str) -> Annotation | None:
        """The annotation with this identity, if any (deleted ones too)."""
        rows = self.store.rows(f"SELECT {_COLUMNS} FROM annotations WHERE uuid = ?", (uuid,))
        return _annotation(rows[0]) if rows else None

    def reanchor(self, doc_id: int) -> tuple[int, int]:
        """Place a document's annotations again after its text changed; (placed, orphaned)."""
        text = self.store.get(doc_id).text
        new_hash = text_hash(text)
        rows = self.store.rows(
            "SELECT id, exact, prefix, suffix, start_pos, end_pos, text_hash, orphan"
            " FROM annotations"
            " WHERE doc_id = ?",
            (doc_id,),
        )
        placed = orphaned = 0
        with self.store.transaction() as db:
            for row in rows:
                if row["text_hash"] == new_hash and not row["orphan"]:
                    continue  # an orphan is tried again: the text it was made on may be back
                selector = Selector(
                    row["exact"],
                    row["prefix"],
                    row["suffix"],
                    row["start_pos"],
                    row["end_pos"],
                    row["text_hash"],
                )
                found = anchor(selector, text)
                if found is None:
                    db.execute("UPDATE annotations SET orphan = 1 WHERE id = ?", (row["id"],))
                    orphaned += 1
                    continue
                new = make_selector(text, found.start, found.end)
                db.execute(
                    "UPDATE annotations SET exact = ?, prefix = ?, suffix = ?, start_pos = ?,"
                    " end_pos = ?, text_hash = ?, orphan = 0 WHERE id = ?",
                    (new.exact, new.prefix, new.suffix, new.start, new.end, new_hash, row["id"]),
                )
                placed += 1
            queue_for_index(db, [doc_id])
        return placed, orphaned

    # -- bookmarks ----------------------------------------------------------------------------

    def bookmark(
        self, doc_id: int, position: int | None = None, name: str | None = None
    ) -> Bookmark:
        """Bookmark a document, or a place in it (a code-point offset)."""
        self.store.get(doc_id)
        with self.store.transaction() as db:
            if position is None:
                existing = db.execute(
                    "SELECT id FROM bookmarks WHERE doc_id = ? AND position IS NULL", (doc_id,)
                ).fetchone()
                if existing is not None:
                    return self._bookmark(int(existing[0]))
            cursor = db.execute(
                "INSERT INTO bookmarks(doc_id, position, name, created_at) VALUES (?, ?, ?, ?)",
                (doc_id, position, (name or "").strip() or None, _now()),
            )
        return self._bookmark(int(cursor.lastrowid or 0))

    def _bookmark(self, bookmark_id: int) -> Bookmark:
        rows = self.store.rows(
            "SELECT id, doc_id, position, name, created_at FROM bookmarks WHERE id = ?",
            (bookmark_id,),
        )
        if not rows:
            raise ReaderError(f"There is no bookmark {bookmark_id}.")
        row = rows[0]
        return Bookmark(
            row["id"],
            row["doc_id"],
            row["position"],
            row["name"],
            dt.datetime.fromisoformat(row["created_at"]),
        )

    def bookmarks(self) -> list[Bookmark]:
        """Bookmarks of live documents, newest first."""
        rows = self.store.rows(
            "SELECT b.id FROM bookmarks b JOIN documents d ON d.id = b.doc_id"
            " WHERE d.deleted_at IS NULL ORDER BY b.created_at DESC, b.id DESC",
            (),
        )
        return [self._bookmark(int(row[0])) for row in rows]

    def remove_bookmark(self, bookmark_id: int) -> None:
        """Remove a bookmark."""
        with self.store.transaction() as db:
            db.execute("DELETE FROM bookmarks WHERE id = ?", (bookmark_id,))

    def bookmarked_ids(self) -> set[int]:
        """Ids of bookmarked documents not in the trash (for the list's star and filter)."""
        rows = self.store.rows(
            "SELECT DISTINCT b.doc_id FROM bookmarks b JOIN live_documents d ON d.id = b.doc_id"
        )
        return {int(row[0]) for row in rows}
