"""File ▸ Import from URL…: the address dialog, the download in the background, the result."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication, QKeySequence

from reader.ui.app import open_window
from reader.ui.dialogs import ImportSummaryDialog
from reader.ui.url_dialog import UrlDialog
from reader.ui.window import MainWindow
from tests.ui.test_window import list_titles
from tests.web import PARAGRAPH, Site, web_fixture  # noqa: F401  (the "web" fixture)

TITLE = "Harbour bridge reopens after two years"


@pytest.fixture
def window(qtbot, data_dir: Path) -> Iterator[MainWindow]:
    """The main window on the seed articles, loaded."""
    window = open_window(data_dir, seed=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.current_id is not None, timeout=10000)
    yield window
    window.close()
    window.controller.shutdown()


def import_from(monkeypatch, window, url: str | None) -> None:
    """Choose File ▸ Import from URL… and give ``url`` (None: cancel the dialog)."""
    monkeypatch.setattr("reader.ui.window.ask_url", lambda parent: url)
    window.commands["import_url"].trigger()


def test_the_file_menu_offers_it_after_import_folder(qtbot, window):
    file_menu = window.menuBar().actions()[0].menu()
    labels = [action.text() for action in file_menu.actions()]
    assert labels[labels.index("Import folder…") + 1] == "Import from URL…"
    assert window.commands["import_url"].shortcut() == QKeySequence("Ctrl+Shift+L")


def test_the_dialog_accepts_only_web_addresses(qtbot):
    QGuiApplication.clipboard().setText("not an address")
    dialog = UrlDialog()
    qtbot.addWidget(dialog)
    assert dialog.url_edit.text() == ""
    assert not dialog.import_button.isEnabled()
    dialog.url_edit.setText("example.com/news")
    assert not dialog.import_button.isEnabled()
    assert dialog.problem.text() == "It is not a web address (it should start with https://)."
    dialog.url_edit.setText("ftp://example.com/a.txt")
    assert not dialog.import_button.isEnabled()
    dialog.url_edit.setText("  https://example.com/news/bridge  ")
    assert dialog.import_button.isEnabled()
    assert dialog.problem.text() == ""
    assert dialog.url() == "https://example.com/news/bridge"


def test_the_dialog_fills_in_an_address_from_the_clipboard(qtbot):
    QGuiApplication.clipboard().setText("https://example.com/news/bridge\n")
    dialog = UrlDialog()
    qtbot.addWidget(dialog)
    assert dialog.url() == "https://example.com/news/bridge"
    assert dialog.import_button.isEnabled()
    assert dialog.url_edit.hasSelectedText()  # typing replaces it


def test_an_imported_page_appears_and_opens(qtbot, window, monkeypatch, web: Site):
    with qtbot.waitSignal(window.controller.import_finished, timeout=30000) as blocker:
        import_from(monkeypatch, window, web.url("/redirect"))
    report = blocker.args[0]
    assert len(report.imported) == 1 and not report.failures
    qtbot.waitUntil(lambda: TITLE in list_titles(window), timeout=10000)
    assert window.current_id == report.imported[0]
    assert PARAGRAPH[:40] in window.reader.browser.toPlainText()
    qtbot.waitUntil(lambda: window.list_view.currentIndex().data() == TITLE, timeout=10000)
    doc = window.controller.document(window.current_id)
    assert doc.imported_from == web.url("/article.html")
    assert len(doc.images) == 2
    assert sorted(web.hits) == ["/abs/logo.png", "/article.html", "/img/photo.png", "/redirect"]
    # Importing it again finds it in the library and opens it.
    window.open_document(next(i for i in window.list_model.ids() if i != doc.id))
    assert window.current_id != doc.id
    with qtbot.waitSignal(window.controller.import_finished, timeout=30000) as blocker:
        import_from(monkeypatch, window, web.url("/article.html"))
    assert blocker.args[0].duplicates == [(web.url("/article.html"), doc.id)]
    assert window.current_id == doc.id
    assert web.hits.count("/img/photo.png") == 1  # downloaded once; showing fetches nothing


def test_a_failed_download_is_explained(qtbot, window, monkeypatch, web: Site):
    before = list_titles(window)
    url = web.url("/missing")
    with qtbot.waitSignal(window.controller.import_finished, timeout=30000):
        import_from(monkeypatch, window, url)
    assert window.statusBar().currentMessage() == (
        f"Could not import {url}: the server answered 404 Not Found."
    )
    (summary,) = [d for d in window.findChildren(ImportSummaryDialog) if d.isVisible()]
    assert summary.details.toPlainText() == f"{url}: the server answered 404 Not Found"
    summary.close()
    assert list_titles(window) == before


def test_a_download_can_be_cancelled(qtbot, window, monkeypatch, web: Site):
    before = window.controller.library.document_ids()
    url = web.url("/stall")
    with qtbot.waitSignal(window.controller.import_finished, timeout=30000) as blocker:
        import_from(monkeypatch, window, url)
        qtbot.waitUntil(lambda: "/stall" in web.hits, timeout=10000)
        assert window.progress_label.text() == f"Downloading {url}"
        assert window.cancel_button.isVisible()
        window.cancel_button.click()
    report = blocker.args[0]
    assert report.cancelled and not report.failures and not report.imported
    assert window.controller.library.document_ids() == before
    for dialog in window.findChildren(ImportSummaryDialog):
        dialog.close()


@pytest.mark.parametrize("answer", [None, ""])
def test_cancelling_the_dialog_downloads_nothing(qtbot, window, monkeypatch, web: Site, answer):
    import_from(monkeypatch, window, answer)
    qtbot.wait(200)
    assert web.hits == []
