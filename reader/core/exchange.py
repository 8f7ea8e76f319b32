"""Annotations out and in (Markdown, W3C Web Annotation JSON-LD) and whole-library backups."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reader import __version__
from reader.core.errors import ReaderError
from reader.core.library import DATABASE_NAME, ORIGINALS_DIR, Library
from reader.core.models import Annotation, Document

JSONLD_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
BACKUP_MANIFEST = "reader-backup.json"
BACKUP_FORMAT = 1


def _grouped(
    library: Library, doc_ids: Sequence[int] | None
) -> list[tuple[Document, list[Annotation]]]:
    annotations = library.notes.find()
    if doc_ids is not None:
        wanted = set(doc_ids)
        annotations = [a for a in annotations if a.doc_id in wanted]
    groups: dict[int, list[Annotation]] = {}
    for annotation in annotations:
        groups.setdefault(annotation.doc_id, []).append(annotation)
    return [(library.document(doc_id), items) for doc_id, items in groups.items()]


def export_markdown(library: Library, doc_ids: Sequence[int] | None = None) -> str:
    """Annotations as Markdown: per document its title, source and date, then each quote."""
    lines = [f"# Annotations exported from Reader on {dt.date.today().isoformat()}", ""]
    for doc, items in _grouped(library, doc_ids):
        lines += [f"## {doc.title}", ""]
        facts = [doc.source or "", doc.date.isoformat() if doc.date else "date unknown"]
        lines += [" · ".join(f for f in facts if f), ""]
        for annotation in items:
            quote = annotation.exact.replace("\n", "\n> ")
            lines.append(f"> {quote}")
            lines.append("")
            if annotation.orphan:
                lines += ["*(this passage is no longer in the document's text)*", ""]
            if annotation.note:
                lines += [annotation.note, ""]
            tags = " ".join(f"#{tag.replace(' ', '-')}" for tag in annotation.tags)
            lines += [f"{annotation.color}{'  ' + tags if tags else ''}", ""]
    return "\n".join(lines).rstrip() + "\n"


def _item(doc: Document, annotation: Annotation) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    if annotation.note:
        body.append(
            {
                "type": "TextualBody",
                "value": annotation.note,
                "format": "text/plain",
                "purpose": "commenting",
            }
        )
    body += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in annotation.tags]
    return {
        "id": f"urn:uuid:{annotation.uuid}",
        "type": "Annotation",
        "motivation": "commenting" if annotation.note else "highlighting",
        "created": annotation.created_at.isoformat(),
        "modified": annotation.updated_at.isoformat(),
        "body": body,
        "target": {
            "source": f"urn:sha256:{doc.original_sha256}",
            "styleClass": annotation.color,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": annotation.exact,
                    "prefix": annotation.prefix,
                    "suffix": annotation.suffix,
                },
                {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end},
            ],
        },
    }


def export_jsonld(library: Library, doc_ids: Sequence[int] | None = None) -> dict[str, Any]:
    """Annotations as a W3C Web Annotation collection (JSON-LD)."""
    items = [_item(doc, a) for doc, group in _grouped(library, doc_ids) for a in group]
    return {
        "@context": JSONLD_CONTEXT,
        "type": "AnnotationCollection",
        "generator": f"Reader {__version__}",
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "total": len(items),
        "first": {"type": "AnnotationPage", "items": items},
    }


def _selectors(target: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    selectors = target.get("selector", [])
    if isinstance(selectors, dict):
        selectors = [selectors]
    by_type = {s.get("type"): s for s in selectors if isinstance(s, dict)}
    quote = by_type.get("TextQuoteSelector")
    if quote is None or not quote.get("exact"):
        raise ReaderError("an annotation has no TextQuoteSelector")
    return quote, by_type.get("TextPositionSelector", {})


def import_jsonld(library: Library, data: dict[str, Any]) -> tuple[int, int, list[str]]:
    """Add the annotations of a JSON-LD collection; returns (added, already there, problems)."""
    from reader.core.anchoring import Selector, anchor

    page = data.get("first", data)
    items = page.get("items", data.get("items", [])) if isinstance(page, dict) else []
    if not isinstance(items, list):
        raise ReaderError("This file is not a Web Annotation collection (no items).")
    added = existing = 0
    problems: list[str] = []
    documents = {
        str(row[0]): int(row[1])
        for row in library.store.rows("SELECT original_sha256, id FROM live_documents")
    }
    for item in items:
        try:
            uuid = str(item["id"]).removeprefix("urn:uuid:")
            if library.notes.by_uuid(uuid) is not None:
                existing += 1
                continue
            target = item["target"]
            doc_id = documents.get(str(target.get("source", "")).removeprefix("urn:sha256:"))
            if doc_id is None:
                problems.append(f"{uuid}: its document is not in this library")
                continue
            quote, position = _selectors(target)
            text = library.document(doc_id).text
            selector = Selector(
                quote["exact"],
                quote.get("prefix", ""),
                quote.get("suffix", ""),
                int(position.get("start", 0)),
                int(position.get("end", 0)),
                "",
            )
            found = anchor(selector, text)
            if found is None:
                problems.append(f"{uuid}: its passage is not in the document's text")
                continue
            bodies = item.get("body", [])
            bodies = [bodies] if isinstance(bodies, dict) else bodies
            note = "\n".join(b.get("value", "") for b in bodies if b.get("purpose") == "commenting")
            tags = [b.get("value", "") for b in bodies if b.get("purpose") == "tagging"]
            library.notes.add(
                doc_id,
                found.start,
                found.end,
                color=target.get("styleClass", "yellow"),
                note=note,
                tags=tags,
                uuid=uuid,
                created_at=item.get("created"),
            )
            added += 1
        except (KeyError, TypeError, ValueError, ReaderError) as exc:
            problems.append(f"{item.get('id', '?') if isinstance(item, dict) else '?'}: {exc}")
    return added, existing, problems


def backup(library: Library, path: Path) -> dict[str, Any]:
    """Write the whole library (database snapshot and kept originals) into one zip file."""
    manifest = {
        "format": BACKUP_FORMAT,
        "generator": f"Reader {__version__}",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "library_id": library.store.library_id,
        "documents": library.store.count(),
        "annotations": len(library.notes.find()),
        "bookmarks": len(library.notes.bookmarks()),
    }
    with tempfile.TemporaryDirectory() as scratch:
        snapshot = Path(scratch) / DATABASE_NAME
        # SQLite's online backup: a consistent copy even while the library is in use.
        with sqlite3.connect(library.store.path) as source, sqlite3.connect(snapshot) as target:
            source.backup(target)
        partial = path.with_name(path.name + ".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(BACKUP_MANIFEST, json.dumps(manifest, indent=2))
            archive.write(snapshot, DATABASE_NAME)
            for sha in sorted(library.store.original_hashes()):
                blob = library.legacy_originals.path(sha)  # a library from before schema 6
                if blob.exists():
                    archive.write(blob, f"{ORIGINALS_DIR}/{sha[:2]}/{sha}")
        partial.replace(path)
    return manifest


def restore(path: Path, data_dir: Path) -> dict[str, Any]:
    """Restore a backup into an empty data dir; the search index is rebuilt when it opens."""
    if data_dir.exists() and any(data_dir.iterdir()):
        raise ReaderError(f"{data_dir} is not empty: restore into a new, empty data folder.")
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ReaderError(f"{path} is not a Reader backup ({exc}).") from exc
    with archive:
        try:
            manifest = json.loads(archive.read(BACKUP_MANIFEST))
        except (KeyError, ValueError) as exc:
            raise ReaderError(f"{path} is not a Reader backup (no manifest).") from exc
        if manifest.get("format") != BACKUP_FORMAT:
            raise ReaderError(f"{path} was written by another Reader version.")
        names = archive.namelist()
        allowed = [n for n in names if n == DATABASE_NAME or n.startswith(f"{ORIGINALS_DIR}/")]
        if any(".." in Path(n).parts or Path(n).is_absolute() for n in allowed):
            raise ReaderError(f"{path} contains paths outside the data folder.")
        data_dir.mkdir(parents=True, exist_ok=True)
        for name in allowed:
            archive.extract(name, data_dir)
    return dict(manifest)
