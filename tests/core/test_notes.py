"""Annotations and bookmarks: saved at once, kept through restarts, kills and text changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from reader.cli import main
from reader.core import exchange
from reader.core.errors import ReaderError
from reader.core.library import Library
from tests.conftest import SEEDS, seed_id

ARTICLE = [
    "Harbour bridge reopens after two years",
    "",
    "The old harbour bridge reopened on Sunday after two years of repairs, with wider "
    "pavements and a new cycle lane on its northern side.",
    "",
    "The city council said the works had cost less than planned, and that the ferry service "
    "added during the closure would stop at the end of the month.",
    "",
    "Residents welcomed the reopening, although some shop owners said the long closure had "
    "cost them customers they might never win back.",
]


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _span(library, doc_id, words):
    text = library.document(doc_id).text
    start = text.index(words)
    return start, start + len(words)


@pytest.fixture
def article(empty_library, tmp_path):
    path = tmp_path / "bridge.txt"
    _write(path, ARTICLE)
    (doc_id,) = empty_library.import_paths([path]).imported
    return empty_library, doc_id, path


def test_create_edit_delete_undo_and_restart(article, data_dir):
    library, doc_id, _ = article
    start, end = _span(library, doc_id, "wider pavements and a new cycle lane")
    note = library.notes.add(
        doc_id,
        start,
        end,
        color="green",
        note="Good news\nfor cyclists",
        tags=["#Transport", "city "],
    )
    assert note.exact == "wider pavements and a new cycle lane"
    assert note.tags == ("transport", "city")
    library.notes.update(note.id, color="blue", note="Edited", tags=["bikes"])
    library.notes.delete(note.id)
    assert library.notes.find(doc_id) == []
    library.notes.restore(note.id)
    library.close()
    with Library.open(data_dir, seed=False) as again:
        (kept,) = again.notes.find(doc_id)
        assert (kept.color, kept.note, kept.tags) == ("blue", "Edited", ("bikes",))
        assert again.notes.find(color="blue") == [kept]
        assert again.notes.find(tag="#Bikes") == [kept]
        assert again.notes.find(text="cycle lane") == [kept]
        assert again.notes.find(text="nothing like it") == []


def test_bad_spans_and_colours_are_refused(article):
    library, doc_id, _ = article
    with pytest.raises(ReaderError, match="not in the document"):
        library.notes.add(doc_id, 10, 5)
    with pytest.raises(ReaderError, match="Unknown colour"):
        library.notes.add(doc_id, 0, 5, color="chartreuse")


def test_an_annotation_survives_a_kill_right_after_it_is_saved(article, data_dir):
    library, doc_id, _ = article
    start, end = _span(library, doc_id, "ferry service")
    library.close()
    code = textwrap.dedent(f"""
        import os, signal, pathlib
        from reader.core.library import Library
        lib = Library(pathlib.Path({str(data_dir)!r}))
        lib.notes.add({doc_id}, {start}, {end}, note="saved before the kill")
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", code], check=False)
    assert proc.returncode == -9
    with Library.open(data_dir, seed=False) as again:
        assert [a.note for a in again.notes.find(doc_id)] == ["saved before the kill"]


def test_reanchoring_after_the_file_changes(article):
    library, doc_id, path = article
    moved = library.notes.add(doc_id, *_span(library, doc_id, "ferry service added"))
    edited = library.notes.add(doc_id, *_span(library, doc_id, "wider pavements and a new cycle"))
    deleted = library.notes.add(doc_id, *_span(library, doc_id, "shop owners said the long"))
    lines = list(ARTICLE)
    lines.insert(2, "A new first paragraph about the weather, which was fine all weekend. ")
    lines.insert(3, "")
    lines[4] = lines[4].replace("wider pavements", "broader pavements")
    lines[-1] = "Residents welcomed the reopening."
    _write(path, lines)

    report = library.import_paths([path])
    assert report.imported == [doc_id]  # the same document, with its new text
    text = library.document(doc_id).text
    by_id = {a.id: a for a in library.notes.find(doc_id)}
    assert text[by_id[moved.id].start : by_id[moved.id].end] == "ferry service added"
    assert (
        "broader pavements and a new cycle"
        in text[by_id[edited.id].start - 5 : by_id[edited.id].end + 5]
    )
    assert by_id[deleted.id].orphan  # kept, with its quote, never silently dropped
    assert by_id[deleted.id].exact == "shop owners said the long"


def test_jsonld_round_trip_without_loss_or_duplicates(library, tmp_path, data_dir):
    doc_id = seed_id(library, "001")
    span = _span(library, doc_id, "China-DPRK Friendship Year")
    library.notes.add(doc_id, *span, color="pink", note="The headline", tags=["korea", "2024"])
    data = exchange.export_jsonld(library)
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    (item,) = data["first"]["items"]
    assert {s["type"] for s in item["target"]["selector"]} == {
        "TextQuoteSelector",
        "TextPositionSelector",
    }
    assert exchange.import_jsonld(library, data) == (0, 1, [])  # already there

    with Library.open(tmp_path / "other", seed=False) as other:
        other.import_paths(SEEDS)
        assert exchange.import_jsonld(other, json.loads(json.dumps(data)))[:2] == (1, 0)
        assert exchange.import_jsonld(other, data)[:2] == (0, 1)
        (copy,) = other.notes.find()
        (original,) = library.notes.find()
        assert (copy.uuid, copy.exact, copy.note, copy.tags, copy.color, copy.start) == (
            original.uuid,
            original.exact,
            original.note,
            original.tags,
            original.color,
            original.start,
        )


def test_markdown_export(library):
    doc_id = seed_id(library, "004")
    library.notes.add(
        doc_id, *_span(library, doc_id, "Treaty of Friendship"), note="Signed 1961", tags=["treaty"]
    )
    text = exchange.export_markdown(library)
    assert "## On the 60th anniversary of the signing" in text
    assert "Xinhua News Agency · 2021-07-19" in text
    assert "> Treaty of Friendship" in text
    assert "Signed 1961" in text and "#treaty" in text


def test_bookmarks(library):
    doc_id = seed_id(library, "002")
    whole = library.notes.bookmark(doc_id)
    assert library.notes.bookmark(doc_id) == whole  # one per document
    place = library.notes.bookmark(doc_id, 120, "the key paragraph")
    assert [b.id for b in library.notes.bookmarks()] == [place.id, whole.id]
    assert library.notes.bookmarked_ids() == {doc_id}
    library.delete([doc_id])
    assert library.notes.bookmarks() == []
    library.restore([doc_id])
    library.notes.remove_bookmark(place.id)
    assert library.notes.bookmarks() == [whole]


def test_backup_and_restore_give_the_same_library(library, tmp_path):
    doc_id = seed_id(library, "003")
    library.edit_metadata(doc_id, source="NewsX")
    library.notes.add(doc_id, *_span(library, doc_id, "Pyongyang"), note="capital")
    library.notes.bookmark(doc_id, 50)
    library.set_read(doc_id)
    archive = tmp_path / "library.zip"
    exchange.backup(library, archive)
    target = tmp_path / "restored"
    exchange.restore(archive, target)
    with Library.open(target, seed=False) as restored:
        assert restored.documents() == library.documents()
        assert restored.document(doc_id).source == "NewsX"
        assert [(a.uuid, a.note) for a in restored.notes.find()] == [
            (a.uuid, a.note) for a in library.notes.find()
        ]
        assert restored.notes.bookmarks() == library.notes.bookmarks()
        assert restored.original(doc_id) == library.original(doc_id)
        assert restored.search("treaty").total == 1
    with pytest.raises(ReaderError, match="not empty"):
        exchange.restore(archive, target)


def test_cli_annotations_backup_restore(capsys, library, tmp_path, data_dir):
    doc_id = seed_id(library, "000")
    library.notes.add(doc_id, *_span(library, doc_id, "diplomatic ties"), note="75 years")
    exported = tmp_path / "notes.jsonld"
    assert main(["annotations", "export", "--format", "jsonld", "-o", str(exported)]) == 0
    assert main(["annotations", "import", str(exported)]) == 0
    assert "Added 0 annotation(s), 1 already in the library." in capsys.readouterr().out
    assert main(["annotations", "export"]) == 0
    assert "> diplomatic ties" in capsys.readouterr().out
    archive = tmp_path / "backup.zip"
    assert main(["backup", str(archive)]) == 0
    target = tmp_path / "fresh"
    assert main(["--data-dir", str(target), "restore", str(archive)]) == 0
    assert "Restored 5 documents (1 annotations)" in capsys.readouterr().out
    assert main(["--data-dir", str(target), "restore", str(archive)]) == 1
    assert os.listdir(target)


def test_highlighted_passages_notes_and_tags_are_searchable(library):
    doc_id = seed_id(library, "002")
    span = _span(library, doc_id, "grand cause of socialism")
    note = library.notes.add(
        doc_id, *span, note="Compare with the Kyrgyz example", tags=["ideology"]
    )
    library.sync_index()
    assert [h.id for h in library.search("note:kyrgyz").hits] == [doc_id]
    assert [h.id for h in library.search("tag:ideology").hits] == [doc_id]
    hit = library.search("kyrgyz").hits[0]
    assert hit.id == doc_id and hit.snippet.startswith("✎")  # the annotation is shown
    library.notes.delete(note.id)
    library.sync_index()
    assert library.search("note:kyrgyz").total == 0
