"""Start the Qt application: the main window on a data dir, or a screenshot of it."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from reader import APP_NAME, __version__
from reader.paths import resource_path
from reader.ui import fonts
from reader.ui.controller import LibraryController
from reader.ui.instance import InstanceServer, OpenItem, OpenRequests, hand_off
from reader.ui.window import MainWindow

SETTINGS_FILE = "settings.ini"
_SCREENSHOT_TIMEOUT_MS = 15000


def application() -> QApplication:
    """The QApplication, created once."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    icon = resource_path("icons", "reader.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    fonts.install(app)
    return app


def settings_for(data_dir: Path) -> QSettings:
    """Window state lives in the data dir, beside the library it belongs to."""
    return QSettings(str(data_dir / SETTINGS_FILE), QSettings.Format.IniFormat)


def open_window(data_dir: Path, *, seed: bool = True) -> MainWindow:
    """Open the library and build the main window (not shown yet)."""
    controller = LibraryController(data_dir, seed=seed)
    window = MainWindow(controller, settings_for(data_dir))
    controller.check_index()
    return window


def run(
    data_dir: Path,
    *,
    seed: bool = True,
    screenshot: Path | None = None,
    query: str | None = None,
    theme: str | None = None,
    files: Sequence[OpenItem] = (),
) -> int:
    """Show the main window until it is closed, or save a screenshot of it and exit.

    ``files`` (paths or web addresses) are imported and the first is opened. When a window
    already runs on ``data_dir``, it gets them (or is just brought to the front) instead, and
    this returns 0 at once; a screenshot always opens a window of its own.
    """
    single = screenshot is None
    if single and hand_off(data_dir, files):
        return 0
    app = application()
    requests = OpenRequests()
    app.installEventFilter(requests)  # macOS: files opened with Reader from the Finder
    server = InstanceServer.start(data_dir, requests.deliver) if single else None
    if single and server is None and hand_off(data_dir, files):
        return 0  # another window started listening meanwhile
    try:
        window = open_window(data_dir, seed=seed)
        if theme:
            window.set_theme(theme)
        window.show()
        requests.set_receiver(window.open_files)
        if files:
            window.open_files(list(files))
        if screenshot is not None:
            return _screenshot(app, window, screenshot, query)
        try:
            return int(app.exec())
        finally:
            window.controller.shutdown()
    finally:
        app.removeEventFilter(requests)
        if server is not None:
            server.close()


def _screenshot(app: QApplication, window: MainWindow, path: Path, query: str | None) -> int:
    """Wait until the window shows what was asked for, save it as PNG, exit."""
    result = {"code": 1}

    def grab() -> None:
        result["code"] = 0 if window.grab().save(str(path), "PNG") else 1
        app.quit()

    if query:
        window.controller.search_finished.connect(lambda _r: QTimer.singleShot(300, grab))
        window.controller.search_failed.connect(lambda _m: QTimer.singleShot(300, grab))
        window.search_bar.set_text(query)
    else:
        QTimer.singleShot(500, grab)
    QTimer.singleShot(_SCREENSHOT_TIMEOUT_MS, app.quit)
    app.exec()
    window.close()
    window.controller.shutdown()
    return result["code"]
