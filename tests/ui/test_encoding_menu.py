"""Edit ▸ Text Encoding: reading a mis-decoded document again in the encoding the user picks."""

from __future__ import annotations

import codecs

from reader.core.library import Library
from reader.ui.app import open_window
from reader.ui.window import ENCODINGS
from tests.ui.test_window import make_window  # noqa: F401 - the fixture

BEIJING = "北京新闻\n\n市政府今天发布了新的交通规定，从下个月开始实施。\n\nThe ferry ran on time.\n"


def add_misread_article(data_dir, tmp_path, encoding: str = "big5") -> int:
    """A GBK article read in the wrong encoding, with a highlight on words in every reading."""
    path = tmp_path / "beijing.txt"
    path.write_bytes(BEIJING.encode("gbk"))
    with Library.open(data_dir, seed=False) as library:
        ((doc_id, _),) = library.import_file(path)
        library.reextract(doc_id, encoding=encoding)
        text = library.document(doc_id).text
        start = text.index("ferry ran")
        library.notes.add(doc_id, start, start + len("ferry ran"), note="boat")
    return doc_id


def checked(window) -> str:
    return window.encoding_group.checkedAction().text()


def test_choosing_gbk_fixes_the_text_and_keeps_the_highlight(make_window, data_dir, tmp_path):  # noqa: F811
    doc_id = add_misread_article(data_dir, tmp_path)
    window = make_window(seed=False)
    assert window.current_id == doc_id
    assert "北京新闻" not in window.reader.browser.toPlainText()
    assert checked(window) == "Traditional Chinese (Big5)"
    assert window.encoding_menu.menuAction().isEnabled()
    window.commands["annotations_panel"].trigger()

    window.encoding_actions["gb18030"].trigger()

    text = window.reader.browser.toPlainText()
    assert "北京新闻" in text and "市政府今天发布了新的交通规定" in text
    assert window.windowTitle().startswith("北京新闻")
    assert checked(window) == "Simplified Chinese (GBK/GB18030)"
    panel = window.annotations_panel.model
    assert panel.rowCount() == 1
    assert "“ferry ran”" in panel.index(0, 0).data() and "boat" in panel.index(0, 0).data()
    (note,) = window.controller.annotations(doc_id)
    assert window.reader._annotations == [(note.start, note.end, "yellow")]
    assert window.statusBar().currentMessage().startswith("Read again as gb18030;")
    assert window.list_model.index(0, 0).data() == "北京新闻"

    window.close()
    window.controller.shutdown()
    again = make_window(seed=False)
    assert checked(again) == "Simplified Chinese (GBK/GB18030)"  # the choice is remembered

    again.encoding_actions[None].trigger()
    assert checked(again) == "Detect automatically (gb18030)"
    assert "北京新闻" in again.reader.browser.toPlainText()


def test_the_submenu_sits_under_extract_again(make_window, data_dir, tmp_path):  # noqa: F811
    add_misread_article(data_dir, tmp_path)
    window = make_window(seed=False)
    (edit,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Edit"]
    texts = [a.text() for a in edit.actions()]
    assert texts[texts.index("Extract the article again") + 1] == "Text &Encoding"
    labels = [a.text() for a in window.encoding_menu.actions() if a.isVisible()]
    assert labels[0] == "Detect automatically" and labels[1] == ""  # then a separator
    assert labels[2:] == [label for _, label in ENCODINGS]
    assert all(codecs.lookup(name).name == name for name, _ in ENCODINGS)


def test_an_encoding_chosen_elsewhere_shows_checked(make_window, data_dir, tmp_path):  # noqa: F811
    add_misread_article(data_dir, tmp_path, encoding="cp437")
    window = make_window(seed=False)
    assert checked(window) == "cp437"
    assert window.other_encoding_action.isVisible()


def test_disabled_without_a_document_or_for_a_format_without_encoding(qtbot, data_dir, tmp_path):
    window = open_window(data_dir, seed=False)
    qtbot.addWidget(window)
    try:
        assert window.current_id is None
        assert not window.encoding_menu.menuAction().isEnabled()
        assert not window.encoding_actions["gb18030"].isEnabled()
    finally:
        window.close()
        window.controller.shutdown()

    doc_id = add_misread_article(data_dir, tmp_path)
    with Library.open(data_dir, seed=False) as library, library.store.transaction() as db:
        # As an EPUB importer stores its documents.
        db.execute("UPDATE documents SET format = 'epub' WHERE id = ?", (doc_id,))
    window = open_window(data_dir, seed=False)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.current_id == doc_id, timeout=10000)
        assert not window.encoding_menu.menuAction().isEnabled()
        window.encoding_actions["gb18030"].trigger()  # disabled: nothing happens
        assert "北京新闻" not in window.reader.browser.toPlainText()
    finally:
        window.close()
        window.controller.shutdown()
