"""`reader reextract --encoding`: read a document's text in another encoding from the shell."""

from __future__ import annotations

import json

import pytest

from reader.core.library import Library
from reader.paths import data_dir
from tests.cli.test_cli import run

# Short Big5 text that detection takes for GB18030.
TAIPEI = (
    "Taipei 晴 notes\n\nThe weather in Taipei today was calm: 新聞.\n\nThe ferry ran on time.\n"
)


@pytest.fixture
def doc_id(capsys, tmp_path) -> int:
    path = tmp_path / "taipei.txt"
    path.write_bytes(TAIPEI.encode("big5"))
    code, out, _ = run(capsys, "--no-seed", "import", "--json", str(path))
    assert code == 0
    (imported,) = json.loads(out)["imported"]
    with Library.open(data_dir(), seed=False) as library:
        text = library.document(imported).text
        start = text.index("ferry")
        library.notes.add(imported, start, start + len("ferry"), note="boat")
    return int(imported)


def show(capsys, doc_id: int) -> dict:
    code, out, _ = run(capsys, "show", "--json", str(doc_id))
    assert code == 0
    return json.loads(out)


def test_reextract_as_big5_then_auto(capsys, doc_id):
    assert "新聞" not in " ".join(show(capsys, doc_id)["paragraphs"])

    code, out, _ = run(capsys, "reextract", str(doc_id), "--encoding", "big5")
    assert code == 0
    assert out == "Extracted 1 document(s) again as big5; corrections and annotations kept.\n"
    doc = show(capsys, doc_id)
    assert doc["title"] == "Taipei 晴 notes" and doc["encoding"] == "big5"
    code, out, _ = run(capsys, "search", "新聞")
    assert f"{doc_id}  undated  Taipei 晴 notes" in out

    code, out, _ = run(capsys, "show", str(doc_id))
    assert "Encoding: big5 (chosen)\n" in out
    run(capsys, "reextract")  # all documents, the choice stays
    assert show(capsys, doc_id)["encoding"] == "big5"

    code, out, _ = run(capsys, "reextract", str(doc_id), "--encoding", "auto")
    assert code == 0
    assert "again with their encoding detected;" in out
    assert show(capsys, doc_id)["encoding"] == "gb18030"
    code, out, _ = run(capsys, "show", str(doc_id))
    assert "Encoding: gb18030\n" in out

    with Library.open(data_dir(), seed=False) as library:
        (note,) = library.notes.find(doc_id)
    assert (note.exact, note.note, note.orphan) == ("ferry", "boat", False)


def test_an_unknown_encoding_is_a_clear_error(capsys, doc_id):
    before = show(capsys, doc_id)
    code, out, err = run(capsys, "reextract", str(doc_id), "--encoding", "klingon")
    assert code == 1
    assert err == "reader: Reader does not know the text encoding 'klingon'\n"
    assert out == ""
    assert show(capsys, doc_id) == before


def test_encoding_needs_ids(capsys, doc_id):
    code, _, err = run(capsys, "reextract", "--encoding", "gbk")
    assert code == 1
    assert "--encoding needs the ids" in err
    assert show(capsys, doc_id)["encoding"] == "gb18030"


def test_a_missing_document_fails_alone(capsys, doc_id):
    code, out, _ = run(capsys, "reextract", str(doc_id), "999", "--encoding", "big5")
    assert code == 1
    assert "  #999: There is no document with id 999.\n" in out
    assert "Extracted 1 document(s) again as big5" in out
    assert show(capsys, doc_id)["title"] == "Taipei 晴 notes"
