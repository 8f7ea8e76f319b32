"""The main window driven as a user would: read, search, filter, import, edit, restart."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reader.ui.app import open_window
from reader.ui.models import DocumentListModel, TimelineModel
from reader.ui.shortcuts import SHORTCUTS
from tests.conftest import write_articles

NEWEST = "Xi, Kim exchange congratulatory messages over 75th anniversary of diplomatic ties"


@pytest.fixture
def make_window(qtbot, data_dir):
    windows = []

    def make(seed: bool = True):
        window = open_window(data_dir, seed=seed)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.current_id is not None, timeout=10000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        window.controller.shutdown()


def list_titles(window) -> list[str]:
    model = window.list_model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def timeline(window) -> dict[str, int]:
    model = window.timeline_model
    out = {}

    def walk(parent):
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            out[index.data(TimelineModel.PeriodRole) or "all"] = index.data(TimelineModel.CountRole)
            walk(index)

    walk(model.index(-1, 0))
    return out


def search(qtbot, window, text: str):
    with qtbot.waitSignal(window.controller.search_finished, timeout=10000) as blocker:
        window.search_bar.set_text(text)
    return blocker.args[0]


def test_first_run_shows_the_seeds_and_opens_the_newest(make_window):
    window = make_window()
    assert len(list_titles(window)) == 5
    assert list_titles(window)[0] == NEWEST
    assert timeline(window) == {
        "all": 5,
        "2024": 2,
        "2024-01": 1,
        "2024-10": 1,
        "2021": 1,
        "2021-07": 1,
        "2020": 2,
        "2020-10": 2,
    }
    text = window.reader.browser.toPlainText()
    assert NEWEST in text and "BEIJING, Oct. 6 (Xinhua)" in text
    assert "Import your own articles" in window.statusBar().currentMessage()
    assert window.list_header.text() == "5 documents"


def test_search_shows_hits_and_their_timeline(qtbot, make_window):
    window = make_window()
    result = search(qtbot, window, "treaty")
    assert result.total == 1
    assert len(list_titles(window)) == 1
    assert window.list_model.index(0, 0).data(DocumentListModel.SnippetRole)
    assert timeline(window) == {"all": 1, "2021": 1, "2021-07": 1}
    assert window.list_header.text() == "1 found"
    assert window.reader.hit_count() >= 1
    window.search_bar.clear()
    qtbot.waitUntil(lambda: len(list_titles(window)) == 5)


def test_query_errors_and_suggestions_show_under_the_bar(qtbot, make_window):
    window = make_window()
    with qtbot.waitSignal(window.controller.search_failed, timeout=10000):
        window.search_bar.set_text('"unclosed')
    assert "closing quote" in window.search_bar.error_label.text()
    assert window.search_bar.error_label.isVisibleTo(window)
    search(qtbot, window, "frendship")
    assert "friendship" in window.search_bar.suggestion_label.text()
    window.search_bar.suggestion_label.linkActivated.emit("friendship")
    qtbot.waitUntil(lambda: window.controller.query == "friendship")


def test_timeline_filters_and_combines_with_search(qtbot, make_window):
    window = make_window()
    year_2020 = window.timeline_model.index_of("2020")
    window.timeline_view.clicked.emit(year_2020)
    qtbot.waitUntil(lambda: len(list_titles(window)) == 2)
    result = search(qtbot, window, "congratulatory")
    assert {hit.date.year for hit in result.hits} == {2020}
    window.search_bar.clear()
    qtbot.waitUntil(lambda: len(list_titles(window)) == 2)
    window.timeline_view.clicked.emit(window.timeline_model.index_of("2020"))  # again: clears
    qtbot.waitUntil(lambda: len(list_titles(window)) == 5)


def test_zoom_theme_and_sort(qtbot, make_window):
    window = make_window()
    window.commands["zoom_in"].trigger()
    window.commands["zoom_in"].trigger()
    assert window.reader.zoom_level() == 2
    window.commands["zoom_reset"].trigger()
    assert window.reader.zoom_level() == 0
    window.set_theme("dark")
    dark = window.reader.browser.palette().base().color().lightness()
    window.set_theme("light")
    assert window.reader.browser.palette().base().color().lightness() > dark
    window.set_order("title")
    qtbot.waitUntil(lambda: list_titles(window) == sorted(list_titles(window), key=str.casefold))


def test_the_sort_box_orders_search_hits_by_best_match_or_newest_first(qtbot, make_window):
    window = make_window()
    combo = window.sort_combo

    def offered():
        return [combo.itemText(i) for i in range(combo.count())], combo.currentText()

    window.set_order("title")
    assert offered() == (["Newest first", "Title", "Source"], "Title")
    result = search(qtbot, window, "said")
    assert result.total >= 3
    assert offered() == (["Best match", "Newest first"], "Best match")
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    with qtbot.waitSignal(window.controller.search_finished, timeout=10000) as blocker:
        combo.setCurrentIndex(1)
        combo.activated.emit(1)  # as a click on "Newest first" does
    dates = [hit.date for hit in blocker.args[0].hits]
    assert len(dates) == result.total and dates == sorted(dates, reverse=True)
    assert [window.list_model.index(r, 0).data() for r in range(len(dates))] == [
        hit.title for hit in blocker.args[0].hits
    ]
    assert offered() == (["Best match", "Newest first"], "Newest first")
    window.search_bar.clear()  # the list comes back in its own order
    qtbot.waitUntil(lambda: offered() == (["Newest first", "Title", "Source"], "Title"))
    qtbot.waitUntil(lambda: list_titles(window) == sorted(list_titles(window), key=str.casefold))
    window.save_settings()
    assert window.settings.value("search/order") == "date"


def test_import_in_the_background_and_cancel(qtbot, make_window, tmp_path):
    window = make_window()
    write_articles(tmp_path / "few", 3)
    with qtbot.waitSignal(window.controller.import_finished, timeout=30000) as blocker:
        window.controller.import_paths([tmp_path / "few"])
    assert len(blocker.args[0].imported) == 3
    qtbot.waitUntil(lambda: len(list_titles(window)) == 8)
    write_articles(tmp_path / "many", 400, start=100)
    with qtbot.waitSignal(window.controller.import_finished, timeout=60000) as blocker:
        window.controller.import_paths([tmp_path / "many"])
        qtbot.waitUntil(lambda: window.cancel_button.isVisible(), timeout=10000)
        window.cancel_button.click()
    report = blocker.args[0]
    assert report.cancelled
    assert len(report.imported) < 400
    qtbot.waitUntil(lambda: len(list_titles(window)) == 8 + len(report.imported))
    assert not window.cancel_button.isVisible()


def test_a_big_import_is_listed_at_once_and_indexed_alongside(
    qtbot, make_window, tmp_path, monkeypatch
):
    import reader.core.library as library_module

    monkeypatch.setattr(library_module, "INDEX_ALONGSIDE", 20)
    window = make_window()
    write_articles(tmp_path / "many", 60, start=300)
    labels: list[str] = []
    window.controller.progress.connect(lambda label, done, total: labels.append(label))
    with qtbot.waitSignal(window.controller.import_finished, timeout=60000) as blocker:
        window.controller.import_paths([tmp_path / "many"])
    assert len(blocker.args[0].imported) == 60
    assert blocker.args[0].index_pending == 0
    # The index process's count reached the window (during or right after the import).
    assert "Indexing" in labels
    qtbot.waitUntil(lambda: len(list_titles(window)) == 65)
    assert search(qtbot, window, '"article number"').total == 60


def test_editing_a_date_moves_the_document_on_the_timeline(qtbot, make_window):
    window = make_window()
    doc_id = window.current_id
    with qtbot.waitSignal(window.controller.index_updated, timeout=20000):
        window.controller.edit_metadata(
            doc_id, "A corrected title", dt.date(2019, 5, 1), "Xinhua", None
        )
    qtbot.waitUntil(lambda: timeline(window).get("2019-05") == 1)
    assert timeline(window)["2024"] == 1
    assert "A corrected title" in list_titles(window)
    assert search(qtbot, window, "date:2019").total == 1


def test_delete_and_undo(qtbot, make_window):
    window = make_window()
    doc_id = window.current_id
    second = window.list_model.ids()[1]
    window.commands["delete"].trigger()
    qtbot.waitUntil(lambda: len(list_titles(window)) == 4)
    assert window.list_model.row_of(doc_id) == -1
    qtbot.waitUntil(lambda: window.current_id == second)  # the next one opens
    window.commands["undo"].trigger()
    qtbot.waitUntil(lambda: len(list_titles(window)) == 5)
    qtbot.waitUntil(lambda: window.current_id == doc_id)


def test_restart_restores_geometry_document_and_position(qtbot, make_window):
    window = make_window()
    window.resize(701, 503)  # the offscreen screen is 800 x 600
    window._select(window.list_model.ids()[2], open_document=True)
    doc_id = window.current_id
    window.reader.set_reading_position(900)
    position = window.reader.reading_position()
    assert position > 0
    window.close()
    window.controller.shutdown()
    again = make_window()
    assert again.current_id == doc_id
    assert (again.width(), again.height()) == (701, 503)
    # Line-exact: the same line, unless the restored layout wraps a few characters differently.
    qtbot.waitUntil(lambda: abs(again.reader.reading_position() - position) < 120, timeout=5000)


def test_every_action_has_a_shortcut_shown_in_menus(make_window):
    window = make_window()
    assert set(window.commands) == {s.action for s in SHORTCUTS}
    for name, action in window.commands.items():
        assert not action.shortcut().isEmpty(), name
    for widget in (window.list_view, window.timeline_view, window.search_bar.combo):
        assert widget.accessibleName()


def test_models_pass_the_model_tester(qtbot, qtmodeltester, make_window):
    window = make_window()
    qtmodeltester.check(window.list_model)
    qtmodeltester.check(window.timeline_model)
    search(qtbot, window, "kim")  # the list and the timeline in search mode
    qtmodeltester.check(window.list_model)
    qtmodeltester.check(window.timeline_model)


def test_screenshot_from_the_command_line(tmp_path, data_dir):
    picture = tmp_path / "shot.png"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "reader",
            "--data-dir",
            str(data_dir),
            "--screenshot",
            str(picture),
            "--query",
            "treaty",
            "--theme",
            "dark",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert picture.stat().st_size > 10000
    assert Path(picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unread_marker(make_window):
    window = make_window()
    model = window.list_model
    opened = window.current_id
    row = model.row_of(opened)
    assert model.index(row, 0).data(DocumentListModel.ReadRole) is True
    other = model.index(1, 0)
    assert other.data(DocumentListModel.ReadRole) is False
    window.commands["toggle_read"].trigger()
    assert model.index(row, 0).data(DocumentListModel.ReadRole) is False


def test_dropping_files_imports_them(qtbot, make_window, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    window = make_window()
    paths = write_articles(tmp_path / "dropped", 2)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.controller.import_finished, timeout=30000):
        window.dropEvent(event)
    qtbot.waitUntil(lambda: len(list_titles(window)) == 7)


def test_import_failures_are_listed_in_copyable_text(qtbot, make_window, tmp_path):
    from reader.ui.dialogs import ImportSummaryDialog

    window = make_window()
    (tmp_path / "empty.txt").write_bytes(b"")
    with qtbot.waitSignal(window.controller.import_finished, timeout=30000) as blocker:
        window.controller.import_paths([tmp_path / "empty.txt"])
    dialog = ImportSummaryDialog(blocker.args[0], window)
    qtbot.addWidget(dialog)
    assert dialog.details.toPlainText() == f"{tmp_path / 'empty.txt'}: the file is empty"
    assert dialog.details.isReadOnly()


def test_metadata_dialog_checks_the_date(qtbot, make_window):
    from reader.ui.dialogs import MetadataDialog

    window = make_window()
    dialog = MetadataDialog(window.controller.document(window.current_id), window)
    qtbot.addWidget(dialog)
    dialog.date_edit.setText("6 Oct")
    dialog.buttons.accepted.emit()
    assert dialog.result() == 0 and "YYYY-MM-DD" in dialog.problem.text()
    dialog.date_edit.setText("2019-05-01")
    dialog.buttons.accepted.emit()
    assert dialog.result() == 1
    assert dialog.values()[1] == dt.date(2019, 5, 1)


def test_hit_navigation_and_find_in_page(qtbot, make_window):
    window = make_window()
    search(qtbot, window, "kim")
    hits = window.reader.hit_count()
    assert hits > 1
    window.commands["next_hit"].trigger()
    first = window.reader.current_hit()
    window.commands["next_hit"].trigger()
    assert window.reader.current_hit() == (first + 1) % hits
    window.commands["previous_hit"].trigger()
    assert window.reader.current_hit() == first
    window.commands["find_in_page"].trigger()
    assert window.reader.find_edit.isVisibleTo(window)


def test_show_original_and_back(make_window):
    window = make_window()
    window.commands["show_original"].trigger()
    assert window.reader.showing_original()
    assert "News > Latest News >" in window.reader.browser.toPlainText()
    window.commands["show_original"].trigger()
    assert not window.reader.showing_original()


def test_no_two_actions_share_a_key(make_window):
    window = make_window()
    seen: dict[str, str] = {}
    for name, action in window.commands.items():
        for sequence in action.shortcuts():
            key = sequence.toString()
            assert key not in seen, f"{key}: {seen.get(key)} and {name}"
            seen[key] = name
    assert seen["Ctrl+K"] == "focus_search" and seen["Ctrl+F"] == "find_in_page"
