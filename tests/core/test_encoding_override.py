"""Reading a document again in an encoding the user chose: text fixed, their work kept."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from reader.core.errors import DocumentNotFound, ImportFailed
from reader.core.library import Library

# Short Big5 text that detection takes for GB18030 (one CJK character is too little to tell).
TAIPEI = (
    "Taipei 晴 notes\n\nThe weather in Taipei today was calm: 新聞.\n\nThe ferry ran on time.\n"
)
BEIJING = "北京新闻\n\n市政府今天发布了新的交通规定，从下个月开始实施。\n\nThe ferry ran on time.\n"


def add_file(library: Library, tmp_path, name: str, text: str, encoding: str) -> int:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    ((doc_id, _),) = library.import_file(path)
    return doc_id


def highlight(library: Library, doc_id: int, words: str):
    text = library.document(doc_id).text
    start = text.index(words)
    return library.notes.add(doc_id, start, start + len(words), note="keep me")


def test_choosing_the_right_encoding_fixes_a_misdetected_file(empty_library, tmp_path):
    library = empty_library
    doc_id = add_file(library, tmp_path, "taipei.txt", TAIPEI, "big5")
    wrong = library.document(doc_id)
    assert "新聞" not in wrong.text and wrong.encoding == "gb18030"  # detection got it wrong
    kept = highlight(library, doc_id, "ferry ran on time")
    garbled = wrong.text.split("\n")[0].split(": ")[1].rstrip(".")
    lost = highlight(library, doc_id, garbled)
    library.edit_metadata(doc_id, date=dt.date(2021, 5, 4))
    assert library.chosen_encoding(doc_id) is None

    library.reextract(doc_id, encoding="big5")
    library.sync_index()

    doc = library.document(doc_id)
    assert doc.title == "Taipei 晴 notes"
    assert "The weather in Taipei today was calm: 新聞." in doc.text
    assert doc.encoding == "big5" and library.chosen_encoding(doc_id) == "big5"
    assert doc.date == dt.date(2021, 5, 4)  # the correction stays
    notes = {a.id: a for a in library.notes.find(doc_id)}
    assert notes[kept.id].exact == "ferry ran on time" and not notes[kept.id].orphan
    assert doc.text[notes[kept.id].start : notes[kept.id].end] == "ferry ran on time"
    assert notes[kept.id].note == "keep me"
    assert notes[lost.id].orphan  # mojibake that is no longer in the text: kept, not placed
    assert [h.id for h in library.search("新聞").hits] == [doc_id]


def test_a_plain_reextract_keeps_the_chosen_encoding(empty_library, tmp_path):
    library = empty_library
    doc_id = add_file(library, tmp_path, "taipei.txt", TAIPEI, "big5")
    library.reextract(doc_id, encoding="Big5")
    library.reextract(doc_id)
    doc = library.document(doc_id)
    assert doc.encoding == "big5" and "新聞" in doc.text
    assert library.chosen_encoding(doc_id) == "big5"  # remembered under the codec's own name


def test_an_encoding_named_elsewhere_reads_back_under_pythons_name(empty_library, tmp_path):
    library = empty_library
    doc_id = add_file(library, tmp_path, "beijing.txt", BEIJING, "gbk")
    library.store.set_chosen_encoding(doc_id, "GB2312")  # as a web server's charset is kept
    assert library.chosen_encoding(doc_id) == "gb2312"
    library.store.set_chosen_encoding(doc_id, "x-made-up")
    assert library.chosen_encoding(doc_id) == "x-made-up"


def test_detect_again_forgets_the_choice(empty_library, tmp_path):
    library = empty_library
    doc_id = add_file(library, tmp_path, "beijing.txt", BEIJING, "gbk")
    library.reextract(doc_id, encoding="cp1252")
    assert "北京" not in library.document(doc_id).title
    library.reextract(doc_id, encoding=None)
    doc = library.document(doc_id)
    assert doc.title == "北京新闻" and doc.encoding == "gb18030"
    assert library.chosen_encoding(doc_id) is None


def test_a_wrong_choice_then_the_right_one(empty_library, tmp_path):
    library = empty_library
    doc_id = add_file(library, tmp_path, "beijing.txt", BEIJING, "gbk")
    library.edit_metadata(doc_id, source="Beijing Daily")
    chinese = highlight(library, doc_id, "新的交通规定")
    english = highlight(library, doc_id, "ferry ran on time")

    library.reextract(doc_id, encoding="big5")
    notes = {a.id: a for a in library.notes.find(doc_id)}
    assert notes[chinese.id].orphan and not notes[english.id].orphan  # kept, not lost
    assert "新的交通规定" not in library.document(doc_id).text

    library.reextract(doc_id, encoding="gbk")
    doc = library.document(doc_id)
    assert doc.title == "北京新闻" and doc.source == "Beijing Daily"
    assert doc.encoding == "gbk" and library.chosen_encoding(doc_id) == "gbk"
    notes = {a.id: a for a in library.notes.find(doc_id)}
    assert doc.text[notes[english.id].start : notes[english.id].end] == "ferry ran on time"
    assert {a.note for a in notes.values()} == {"keep me"}


def test_a_highlight_orphaned_by_a_wrong_choice_comes_back_with_the_right_one(
    empty_library, tmp_path
):
    library = empty_library
    doc_id = add_file(library, tmp_path, "beijing.txt", BEIJING, "gbk")
    chinese = highlight(library, doc_id, "新的交通规定")
    library.reextract(doc_id, encoding="big5")
    library.reextract(doc_id, encoding="gbk")
    (note,) = library.notes.find(doc_id)
    assert note.id == chinese.id and not note.orphan
    assert library.document(doc_id).text[note.start : note.end] == "新的交通规定"


def test_an_html_page_can_be_read_in_another_encoding(empty_library, tmp_path):
    library = empty_library
    page = (
        "<html><head><title>北京新闻</title></head><body><article><h1>北京新闻</h1>"
        + "".join(
            f"<p>市政府今天发布了第{n}条新的交通规定，从下个月开始实施。</p>" for n in range(5)
        )
        + "</article></body></html>"
    )
    doc_id = add_file(library, tmp_path, "page.html", page, "gbk")
    library.reextract(doc_id, encoding="cp1252")
    assert "北京" not in library.document(doc_id).text
    library.reextract(doc_id, encoding="gb18030")
    doc = library.document(doc_id)
    assert doc.title == "北京新闻" and "新的交通规定" in doc.text
    assert doc.format == "html" and doc.encoding == "gb18030"


def test_a_web_archive_without_a_charset_can_be_read_as_gbk(empty_library, tmp_path):
    library = empty_library
    page = (
        "<html><head><title>北京新闻</title></head><body><article><h1>北京新闻</h1>"
        + "".join(
            f"<p>市政府今天发布了第{n}条新的交通规定，从下个月开始实施。</p>" for n in range(5)
        )
        + "</article></body></html>"
    ).encode("gbk")
    archive = (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----B"\r\n\r\n'
        b"------B\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Location: https://news.example/beijing.html\r\n\r\n"
        + base64.encodebytes(page)
        + b"\r\n------B--\r\n"
    )
    path = tmp_path / "beijing.mhtml"
    path.write_bytes(archive)
    ((doc_id, _),) = library.import_file(path)
    assert "北京" not in library.document(doc_id).text  # no charset: read as UTF-8
    library.reextract(doc_id, encoding="gbk")
    doc = library.document(doc_id)
    assert doc.format == "mhtml" and doc.title == "北京新闻" and "新的交通规定" in doc.text


@pytest.mark.parametrize("name", ["no-such-encoding", "rot13", "base64", ""])
def test_an_unknown_encoding_is_refused_and_changes_nothing(empty_library, tmp_path, name):
    library = empty_library
    doc_id = add_file(library, tmp_path, "beijing.txt", BEIJING, "gbk")
    library.reextract(doc_id, encoding="gbk")
    before = library.document(doc_id)
    with pytest.raises(ImportFailed, match="encoding"):
        library.reextract(doc_id, encoding=name)
    assert library.document(doc_id) == before
    assert library.chosen_encoding(doc_id) == "gbk"


def test_a_format_without_a_text_encoding_is_refused(empty_library, tmp_path):
    library = empty_library
    doc_id = add_file(library, tmp_path, "beijing.txt", BEIJING, "gbk")
    # As an EPUB importer stores its documents (no EPUB file is needed to check the rule).
    with library.store.transaction() as db:
        db.execute("UPDATE documents SET format = 'epub' WHERE id = ?", (doc_id,))
    assert not library.encoding_choosable(doc_id)
    before = library.document(doc_id)
    with pytest.raises(ImportFailed, match="EPUB documents have no text encoding to choose"):
        library.reextract(doc_id, encoding="big5")
    assert library.document(doc_id) == before
    assert library.chosen_encoding(doc_id) is None


def test_text_markdown_and_html_have_a_choosable_encoding(empty_library, tmp_path):
    library = empty_library
    for name in ("a.txt", "b.md", "c.html"):  # and web archives (above)
        doc_id = add_file(library, tmp_path, name, f"<p>{name} {BEIJING}</p>", "gbk")
        assert library.encoding_choosable(doc_id)


def test_an_undecodable_choice_says_which_encoding_failed(empty_library, tmp_path):
    library = empty_library
    doc_id = add_file(library, tmp_path, "beijing.txt", BEIJING, "gbk")
    before = library.document(doc_id)
    with pytest.raises(ImportFailed, match="read as cp037, it looks like binary data"):
        library.reextract(doc_id, encoding="cp037")  # EBCDIC
    assert library.document(doc_id) == before and library.chosen_encoding(doc_id) is None


def test_a_missing_document(empty_library):
    with pytest.raises(DocumentNotFound):
        empty_library.reextract(42, encoding="gbk")
    with pytest.raises(DocumentNotFound):
        empty_library.chosen_encoding(42)
