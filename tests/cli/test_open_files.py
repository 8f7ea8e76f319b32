"""``reader FILE...``: the window opens, imports the files and opens the first; commands stay
commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import cli
from reader.ui.app import open_window
from tests.core.test_epub import build_epub, xhtml

NOTE = "---\ntitle: {title}\n---\n\nThe ferry leaves at nine from the harbour: {title}.\n"


def write_note(folder: Path, name: str, title: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(NOTE.format(title=title), encoding="utf-8")
    return path


@pytest.fixture
def window_run(monkeypatch):
    """Stands in for the window: records what ``reader.ui.app.run`` was asked."""
    calls = []

    def run(data_dir, **options):
        calls.append({"data_dir": data_dir, **options})
        return 0

    monkeypatch.setattr("reader.ui.app.run", run)
    return calls


def test_files_on_the_command_line_go_to_the_window(window_run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_note(tmp_path, "notes.md", "Notes")
    code = cli.main(
        ["--data-dir", "lib", "notes.md", "--theme", "dark", "https://example.org/a", "b.txt"]
    )
    assert code == 0
    (call,) = window_run
    assert call["files"] == [Path("notes.md"), "https://example.org/a", Path("b.txt")]
    assert call["theme"] == "dark"
    assert call["data_dir"] == tmp_path / "lib"
    assert call["screenshot"] is None


def test_no_files_opens_the_window_as_before(window_run):
    assert cli.main([]) == 0
    assert window_run[0]["files"] == []


@pytest.mark.parametrize(
    ("argv", "files"),
    [
        (["import", "notes.md"], False),
        (["--data-dir", "d", "list"], False),
        (["--no-seed", "search", "treaty"], False),
        (["--data-dir", "import.md", "timeline"], False),
        (["frobnicate"], False),  # a mistyped command: argparse says "invalid choice"
        ([], False),
        (["--version"], False),
        (["-h"], False),
        (["notes.md"], True),
        (["./list"], True),  # a file called like a command, named as a path
        (["--theme", "sepia", "a/b"], True),
        (["https://example.org/news"], True),
        (["--screenshot", "out.png", "notes.md"], True),
    ],
)
def test_files_or_a_command(argv, files):
    assert cli._wants_files(argv) is files


def test_an_existing_file_without_a_suffix_is_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README").write_text("hello")
    assert cli._wants_files(["README"])
    assert not cli._wants_files(["reindex"])


def test_every_command_is_still_a_command():
    for command in cli._COMMANDS:
        assert not cli._wants_files([command])
    names = {"import", "list", "show", "search", "timeline", "reindex", "reextract"}
    assert names | {"annotations", "backup", "restore"} == cli._COMMANDS


def test_version_and_help_print_once(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.count("reader ") == 1


# --- the window's side --------------------------------------------------------------------


@pytest.fixture
def window(qtbot, data_dir):
    window = open_window(data_dir, seed=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.current_id is not None, timeout=10000)
    yield window
    window.close()
    window.controller.shutdown()


def shown_title(window) -> str | None:
    doc = window.controller.document(window.current_id) if window.current_id else None
    return doc.title if doc else None


def test_the_window_imports_and_opens_a_file(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_note(tmp_path, "ferry.md", "Ferry notes")
    window.open_files([Path("ferry.md")])  # relative: to the directory Reader started in
    qtbot.waitUntil(lambda: shown_title(window) == "Ferry notes", timeout=10000)
    # Selected in the list too, once it has reloaded.
    qtbot.waitUntil(lambda: window.list_view.currentIndex().data() == "Ferry notes")


def test_a_file_in_the_library_already_is_opened(qtbot, window, tmp_path):
    seed = window.controller.library.documents()[-1]
    window.open_files([Path(seed.imported_from)])
    qtbot.waitUntil(lambda: window.current_id == seed.id, timeout=10000)


def test_a_folder_opens_its_first_document(qtbot, window, tmp_path):
    write_note(tmp_path / "box", "a.md", "Alpha note")
    write_note(tmp_path / "box", "b.md", "Beta note")
    window.open_files([tmp_path / "box"])
    qtbot.waitUntil(lambda: shown_title(window) == "Alpha note", timeout=10000)


def test_an_epub_opens(qtbot, window, tmp_path):
    book = tmp_path / "book.epub"
    chapter = xhtml("<h1>One</h1><p>The ferry leaves at nine from the harbour every day.</p>")
    book.write_bytes(build_epub({"one.xhtml": chapter}, metadata="<dc:title>Ferry Book</dc:title>"))
    window.open_files([book])
    qtbot.waitUntil(lambda: shown_title(window) == "Ferry Book", timeout=10000)


def test_a_file_that_cannot_be_imported_opens_nothing_and_says_why(qtbot, window, tmp_path):
    before = window.current_id
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    with qtbot.waitSignal(window.controller.import_finished, timeout=10000):
        window.open_files([bad])
    assert window.current_id == before
    assert window._to_open == []  # the request is done with
    assert "1 failed" in window.statusBar().currentMessage()
