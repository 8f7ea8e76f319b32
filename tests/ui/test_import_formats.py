"""Every format imports from the window: by File ▸ Import files… and by dropping it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

from reader.ui.app import open_window
from tests.core.test_epub import build_epub, xhtml
from tests.core.test_html import PNG, STRUCTURED, _mhtml
from tests.ui.test_window import list_titles
from tests.web import PARAGRAPH, Site, web_fixture  # noqa: F401  (the "web" fixture)

TEXT = f"Ferry timetable changes\n\nBy Ann Lee\n\n{PARAGRAPH}\n\n{PARAGRAPH}\n"
MARKDOWN = f"---\ntitle: Notes on ferries\ndate: 2023-04-02\n---\n\n## Routes\n\n{PARAGRAPH}\n"


@pytest.fixture
def make_window(qtbot, data_dir):
    """Opens empty library windows; they are closed at the end of the test."""
    windows = []

    def make(seed: bool = False):
        window = open_window(data_dir, seed=seed)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        window.controller.shutdown()


def write_formats(folder: Path) -> dict[str, Path]:
    """One file of each format Reader imports, with the title each should get."""
    folder.mkdir(parents=True)
    (folder / "bridges_files").mkdir()
    (folder / "bridges_files" / "bridge.png").write_bytes(PNG)
    files = {
        "Ferry timetable changes": folder / "ferry.txt",
        "Notes on ferries": folder / "notes.md",
        "Notes on bridges": folder / "bridges.html",
        "Archived bridges": folder / "archived.mhtml",
        "A Book of Harbours": folder / "harbours.epub",
    }
    files["Ferry timetable changes"].write_text(TEXT, encoding="utf-8")
    files["Notes on ferries"].write_text(MARKDOWN, encoding="utf-8")
    files["Notes on bridges"].write_text(
        STRUCTURED.replace("page_files/", "bridges_files/"), encoding="utf-8"
    )
    files["Archived bridges"].write_bytes(
        _mhtml(STRUCTURED.replace("Notes on bridges", "Archived bridges"), PNG)
    )
    files["A Book of Harbours"].write_bytes(
        build_epub(
            {"one.xhtml": xhtml(f"<h1>Harbours</h1><p>{PARAGRAPH}</p>")},
            metadata="<dc:title>A Book of Harbours</dc:title><dc:creator>Ann Lee</dc:creator>",
        )
    )
    return files


def drop(window, urls: list[QUrl]) -> None:
    mime = QMimeData()
    mime.setUrls(urls)
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)


def test_each_format_imports_from_the_file_menu(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(seed=False)
    files = write_formats(tmp_path / "articles")
    chosen = [str(path) for path in files.values()]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: (chosen, ""))
    with qtbot.waitSignal(window.controller.import_finished, timeout=60000) as blocker:
        window.commands["import_files"].trigger()
    report = blocker.args[0]
    assert report.failures == [] and len(report.imported) == len(files)
    qtbot.waitUntil(lambda: sorted(list_titles(window)) == sorted(files), timeout=10000)
    library = window.controller.library
    by_title = {library.document(i).title: library.document(i) for i in report.imported}
    assert by_title["Notes on bridges"].images  # the saved page's picture came along
    assert by_title["Archived bridges"].images
    assert by_title["A Book of Harbours"].format == "epub"
    assert any(b.kind == "h2" for b in by_title["Notes on ferries"].blocks)


@pytest.mark.parametrize("name", ["ferry.txt", "notes.md", "bridges.html", "archived.mhtml"])
def test_a_dropped_file_of_each_format_imports(qtbot, make_window, tmp_path, name):
    window = make_window(seed=False)
    files = {path.name: title for title, path in write_formats(tmp_path / "articles").items()}
    with qtbot.waitSignal(window.controller.import_finished, timeout=60000) as blocker:
        drop(window, [QUrl.fromLocalFile(str(tmp_path / "articles" / name))])
    assert blocker.args[0].failures == []
    qtbot.waitUntil(lambda: list_titles(window) == [files[name]], timeout=10000)


def test_a_dropped_folder_imports_every_format_and_reports_the_bad_file(
    qtbot, make_window, tmp_path
):
    window = make_window(seed=False)
    files = write_formats(tmp_path / "articles")
    (tmp_path / "articles" / "broken.epub").write_bytes(
        files["A Book of Harbours"].read_bytes()[:200]
    )
    with qtbot.waitSignal(window.controller.import_finished, timeout=60000) as blocker:
        drop(window, [QUrl.fromLocalFile(str(tmp_path / "articles"))])
    report = blocker.args[0]
    assert [failure.path.name for failure in report.failures] == ["broken.epub"]
    qtbot.waitUntil(lambda: sorted(list_titles(window)) == sorted(files), timeout=10000)


def test_a_link_dropped_from_a_browser_is_downloaded_once(qtbot, make_window, web: Site):
    window = make_window(seed=False)
    with qtbot.waitSignal(window.controller.import_finished, timeout=60000) as blocker:
        drop(window, [QUrl(web.url("/article.html"))])
    assert blocker.args[0].failures == [] and len(blocker.args[0].imported) == 1
    qtbot.waitUntil(lambda: len(list_titles(window)) == 1, timeout=10000)
    assert web.hits.count("/article.html") == 1
