"""Highlights, notes and bookmarks through the real window."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from tests.ui.test_window import make_window  # noqa: F401 - the fixture


def select(window, words: str) -> None:
    text = window.reader.browser.toPlainText()
    start = text.index(words)
    cursor = QTextCursor(window.reader.browser.document())
    cursor.setPosition(start)
    cursor.setPosition(start + len(words), QTextCursor.MoveMode.KeepAnchor)
    window.reader.browser.setTextCursor(cursor)


def test_highlight_edit_delete_undo_and_restart(qtbot, make_window):  # noqa: F811
    window = make_window()
    doc_id = window.current_id
    select(window, "exchanged congratulatory messages")
    window.commands["highlight"].trigger()
    (note,) = window.controller.annotations(doc_id)
    assert note.exact == "exchanged congratulatory messages"
    assert window.reader._annotations == [(note.start, note.end, "yellow")]
    window.controller.update_annotation(note.id, "green", "Read again", ["korea"])
    window.commands["annotations_panel"].trigger()
    panel = window.annotations_panel.model
    assert panel.rowCount() == 1
    assert "Read again" in panel.index(0, 0).data()
    window.controller.delete_annotation(note.id)
    assert window.controller.annotations(doc_id) == []
    assert panel.rowCount() == 0
    window.commands["undo"].trigger()
    assert [a.note for a in window.controller.annotations(doc_id)] == ["Read again"]
    window.close()
    window.controller.shutdown()
    again = make_window()
    (kept,) = again.controller.annotations(doc_id)
    assert (kept.color, kept.note, kept.tags) == ("green", "Read again", ("korea",))
    assert again.reader._annotations == [(kept.start, kept.end, "green")]


def test_panel_lists_the_library_and_opens_a_passage(qtbot, make_window):  # noqa: F811
    window = make_window()
    first = window.current_id
    select(window, "general secretary of the Workers")
    window.commands["highlight"].trigger()
    other = window.list_model.ids()[3]
    window._select(other, open_document=True)
    window.commands["annotations_panel"].trigger()
    panel = window.annotations_panel
    assert panel.model.rowCount() == 0  # this document has none
    panel.scope.setCurrentIndex(1)  # all documents
    assert panel.model.rowCount() == 1
    panel.annotation_activated.emit(panel.model.index(0, 0).data(panel.model.AnnotationRole))
    assert window.current_id == first
    assert window.reader.current_hit() == 0  # the passage is emphasised


def test_bookmarks_star_filter_and_places(qtbot, make_window):  # noqa: F811
    from reader.ui.models import DocumentListModel

    window = make_window()
    doc_id = window.current_id
    window.commands["bookmark"].trigger()
    assert window.controller.is_bookmarked(doc_id)
    row = window.list_model.row_of(doc_id)
    qtbot.waitUntil(
        lambda: window.list_model.index(row, 0).data(DocumentListModel.BookmarkedRole) is True
    )
    marked = window.timeline_model.index_of("bookmarked")
    qtbot.waitUntil(lambda: window.timeline_model.index_of("bookmarked").isValid())
    marked = window.timeline_model.index_of("bookmarked")
    window.timeline_view.clicked.emit(marked)  # the Bookmarked filter
    qtbot.waitUntil(lambda: window.list_model.ids() == [doc_id])

    other = window.controller.library.document_ids()[2]
    window.controller.bookmark_place(other, 300, "the key passage")
    window.commands["annotations_panel"].trigger()
    panel = window.annotations_panel
    panel.scope.setCurrentIndex(2)  # bookmarks
    assert panel.model.rowCount() == 2
    first = panel.model.index(0, 0)
    assert "the key passage" in first.data()
    panel.bookmark_activated.emit(first.data(panel.model.AnnotationRole))
    assert window.current_id == other
    window.commands["bookmark"].trigger()  # toggles the document bookmark of `other` on
    window.controller.toggle_bookmark(doc_id)
    assert not window.controller.is_bookmarked(doc_id)


def test_export_from_the_window(make_window, tmp_path):  # noqa: F811
    window = make_window()
    select(window, "exchanged congratulatory messages")
    window.commands["highlight"].trigger()
    out = tmp_path / "notes.md"
    assert window.controller.export_annotations(out, [window.current_id], jsonld=False) == 1
    assert "> exchanged congratulatory messages" in out.read_text()
    out = tmp_path / "notes.jsonld"
    assert window.controller.export_annotations(out, None, jsonld=True) == 1
    assert '"TextQuoteSelector"' in out.read_text()


def test_popup_near_the_selection_highlights_in_a_colour(qtbot, make_window):  # noqa: F811
    from PySide6.QtCore import QPoint, Qt

    window = make_window()
    select(window, "exchanged congratulatory messages")
    viewport = window.reader.browser.viewport()
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(200, 200))
    assert window.highlight_popup.isVisible()
    window.highlight_popup.buttons["purple"].click()
    (note,) = window.controller.annotations(window.current_id)
    assert note.color == "purple" and not window.highlight_popup.isVisible()


def test_removing_from_the_panel(qtbot, make_window):  # noqa: F811
    window = make_window()
    doc_id = window.current_id
    window.controller.bookmark_place(doc_id, 100, "here")
    window.commands["annotations_panel"].trigger()
    panel = window.annotations_panel
    panel.scope.setCurrentIndex(2)
    assert panel.model.rowCount() == 1
    panel.remove_requested.emit(panel.model.index(0, 0).data(panel.model.AnnotationRole))
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0)


def test_a_highlight_survives_killing_the_window_process(tmp_path, data_dir):
    import subprocess
    import sys
    import textwrap

    from reader.core.library import Library

    script = tmp_path / "kill.py"
    script.write_text(
        textwrap.dedent(f"""
        import os, signal, pathlib
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QTimer
        from reader.ui.app import application, open_window

        def main():
            app = application()
            window = open_window(pathlib.Path({str(data_dir)!r}))
            window.show()

            def annotate():
                text = window.reader.document().text
                start = text.index("exchanged congratulatory")
                window.controller.message.connect(
                    lambda message: os.kill(os.getpid(), signal.SIGKILL)  # at "saved"
                )
                window.controller.add_annotation(window.current_id, start, start + 24, "pink",
                                                 "written just before the kill")

            QTimer.singleShot(1500, annotate)
            app.exec()

        if __name__ == "__main__":
            main()
    """)
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=60)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    with Library.open(data_dir, seed=False) as library:
        (note,) = library.notes.find()
        assert (note.color, note.note) == ("pink", "written just before the kill")
