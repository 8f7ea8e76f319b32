"""One window per data dir: a second launch hands its files over and exits; the running
window imports and opens them. Also the macOS way in, the FileOpen event."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from reader.ui import instance
from reader.ui.app import open_window
from reader.ui.instance import InstanceServer, OpenRequests, hand_off
from reader.ui.window import MainWindow

UNIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="socket files are Unix's")
NOTE = "---\ntitle: {title}\n---\n\nThe ferry leaves at nine from the harbour: {title}.\n"


def write_note(folder: Path, name: str, title: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(NOTE.format(title=title), encoding="utf-8")
    return path


@pytest.fixture
def window(qtbot, data_dir) -> Iterator[MainWindow]:
    """A window on an empty library, receiving what later launches and FileOpen events ask."""
    window = open_window(data_dir, seed=False)
    qtbot.addWidget(window)
    window.show()
    requests = OpenRequests()
    requests.set_receiver(window.open_files)
    QApplication.instance().installEventFilter(requests)
    server = InstanceServer.start(data_dir, requests.deliver)
    assert server is not None
    window.requests = requests  # kept alive with the window
    yield window
    server.close()
    QApplication.instance().removeEventFilter(requests)
    window.close()
    window.controller.shutdown()


def shown_title(window: MainWindow) -> str | None:
    doc = window.controller.document(window.current_id) if window.current_id else None
    return doc.title if doc else None


def test_a_launch_hands_its_file_to_the_running_window(qtbot, window, data_dir, tmp_path):
    path = write_note(tmp_path / "files", "ferry.md", "Handed over")
    assert hand_off(data_dir, [path])
    qtbot.waitUntil(lambda: shown_title(window) == "Handed over", timeout=10000)
    qtbot.waitUntil(lambda: window.list_model.ids() == [window.current_id])


def test_a_file_already_in_the_library_is_opened(qtbot, window, data_dir, tmp_path):
    first = write_note(tmp_path / "files", "one.md", "First note")
    second = write_note(tmp_path / "files", "two.md", "Second note")
    assert hand_off(data_dir, [first, second])
    qtbot.waitUntil(lambda: len(window.list_model.ids()) == 2, timeout=10000)
    qtbot.waitUntil(lambda: shown_title(window) == "First note")
    assert hand_off(data_dir, [second])
    qtbot.waitUntil(lambda: shown_title(window) == "Second note", timeout=10000)
    assert len(window.list_model.ids()) == 2


def test_a_launch_without_files_brings_the_window_to_the_front(
    qtbot, window, data_dir, monkeypatch
):
    raised = []
    monkeypatch.setattr(window, "bring_to_front", lambda: raised.append(True))
    assert hand_off(data_dir, [])
    qtbot.waitUntil(lambda: raised == [True])


def test_the_macos_file_open_event_imports_and_opens(qtbot, window, tmp_path):
    path = write_note(tmp_path / "files", "finder.md", "From the Finder")
    QApplication.sendEvent(QApplication.instance(), QFileOpenEvent(str(path)))
    qtbot.waitUntil(lambda: shown_title(window) == "From the Finder", timeout=10000)


def test_no_hand_off_without_a_window_on_that_data_dir(window, tmp_path):
    assert not hand_off(tmp_path / "another library", [])


def test_a_launch_without_the_key_is_refused(qtbot, window, data_dir, tmp_path):
    (data_dir / instance.KEY_FILE).write_text("0" * 64)  # not the running window's key
    assert not hand_off(data_dir, [write_note(tmp_path, "x.md", "Never")])
    qtbot.wait(300)
    assert window.list_model.ids() == []


@UNIX_ONLY
def test_a_socket_file_left_by_a_crash_does_not_block_start_up(data_dir):
    where = instance.address(data_dir)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(where)
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(where)  # bound, never listening, never removed: what a crash leaves
    dead.close()
    assert os.path.exists(where)
    received = []
    server = InstanceServer.start(data_dir, received.append)
    assert server is not None
    try:
        assert hand_off(data_dir, [])
        assert received == [[]]
    finally:
        server.close()
    assert not os.path.exists(where)


def test_only_one_window_listens_per_data_dir(data_dir):
    first = InstanceServer.start(data_dir, lambda items: None)
    assert first is not None
    try:
        assert InstanceServer.start(data_dir, lambda items: None) is None
    finally:
        first.close()


# --- two real processes ------------------------------------------------------------------


def reader(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def start_window(data_dir: Path) -> subprocess.Popen[bytes]:
    """A Reader window in its own process; returns once it listens for other launches."""
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "--data-dir", str(data_dir), "--no-seed"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not hand_off(data_dir, []):
        assert process.poll() is None, "the window process ended"
        assert time.monotonic() < deadline, "the window did not listen within 30 s"
        time.sleep(0.1)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.kill()  # like a crash: the socket file stays behind
    process.wait(timeout=10)


def test_two_processes_a_second_launch_gives_its_file_and_exits(data_dir, tmp_path):
    files = tmp_path / "files"
    write_note(files, "harbour.md", "Handed between processes")
    running = start_window(data_dir)
    try:
        started = time.monotonic()
        second = reader("--data-dir", str(data_dir), "harbour.md", cwd=files)  # relative path
        took = time.monotonic() - started
        assert second.returncode == 0, second.stderr
        print(f"the second launch handed its file over and exited in {took:.2f} s")

        def opened() -> bool:
            listed = json.loads(reader("--data-dir", str(data_dir), "list", "--json").stdout)
            if not listed:
                return False
            shown = reader("--data-dir", str(data_dir), "show", str(listed[0]["id"]), "--json")
            return json.loads(shown.stdout)["read"]  # opening a document marks it read

        deadline = time.monotonic() + 30
        while not opened():
            assert time.monotonic() < deadline, "the running window did not open the file"
            time.sleep(0.2)
        listed = json.loads(reader("--data-dir", str(data_dir), "list", "--json").stdout)
        assert [doc["title"] for doc in listed] == ["Handed between processes"]
        assert listed[0]["imported_from"] == str(files / "harbour.md")
    finally:
        stop(running)
    # The killed window left its socket file: the next window starts all the same.
    running = start_window(data_dir)
    try:
        assert reader("--data-dir", str(data_dir)).returncode == 0  # hands off, exits
        assert running.poll() is None
    finally:
        stop(running)
        if sys.platform != "win32":
            with contextlib.suppress(FileNotFoundError):
                os.unlink(instance.address(data_dir))
