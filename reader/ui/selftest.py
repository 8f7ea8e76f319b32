"""The window's part of ``reader --self-test``: the main window offscreen, and CJK glyphs."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QLibraryInfo
from PySide6.QtGui import QImage, QRawFont, QTextLayout

from reader.selftest import CJK_LINE, Check, expect
from reader.ui import fonts
from reader.ui.app import application, open_window
from reader.ui.reader_pane import ReaderPane
from reader.ui.window import MainWindow

_PLATFORM_ENV = "QT_QPA_PLATFORM"
_WAIT_SECONDS = 15.0
_MIN_INK = 0.005  # share of the article's pixels that are not background: there is text


def _offscreen_plugin_present() -> bool:
    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)]
    folders += QCoreApplication.libraryPaths()
    return any(any((Path(f) / "platforms").glob("*offscreen*")) for f in folders if f)


def use_offscreen() -> str:
    """Draw offscreen (no display needed, nothing shown) unless a platform was chosen; the
    name of the platform used."""
    if os.environ.get(_PLATFORM_ENV):
        return os.environ[_PLATFORM_ENV]
    if QCoreApplication.instance() is None and _offscreen_plugin_present():
        os.environ[_PLATFORM_ENV] = "offscreen"
        return "offscreen"
    return "default platform"


def _wait(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + _WAIT_SECONDS
    while not condition():
        expect(time.monotonic() < deadline, f"{what} within {_WAIT_SECONDS:.0f} s")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)


def ink(image: QImage) -> float:
    """The share of an image's pixels that differ from its most common grey (its background)."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    counts = Counter(bytes(grey.constBits()))
    total = sum(counts.values())
    background = counts.most_common(1)[0][0]
    near = sum(n for value, n in counts.items() if abs(value - background) <= 8)
    return 1 - near / total if total else 0.0


class WindowChecks:
    """Opens the main window on the self-test's library, looks at it, closes it."""

    def __init__(self, data_dir: Path, document: Callable[[], int | None]) -> None:
        self.data_dir = data_dir
        self.document = document  # the id of the document to show (with CJK text)
        self.window: MainWindow | None = None

    def checks(self) -> list[Check]:
        return [
            ("show the main window", self.show_window),
            ("draw Chinese, Japanese and Korean", self.draw_cjk),
            ("load the bundled CJK font", self.load_font),
            ("close the window", self.close_window),
        ]

    def show_window(self) -> str:
        platform = use_offscreen()
        app = application()
        window = open_window(self.data_dir, seed=False)
        self.window = window
        window.resize(1100, 700)
        window.show()
        _wait(lambda: window.list_model.rowCount() > 0, "the window did not list the documents")
        doc_id = self.document()
        if doc_id is not None:
            window.open_document(doc_id)
        app.processEvents()
        doc = window.controller.document(window.current_id or -1)
        expect(doc is not None, "no document is open")
        assert doc is not None
        shown = window.reader.browser.toPlainText()
        expect(shown.startswith(doc.title), f"the reader pane shows {shown[:60]!r}")
        whole = ink(window.grab().toImage())
        article = ink(window.reader.grab().toImage())
        expect(whole > _MIN_INK and article > _MIN_INK, f"the window is blank ({article:.1%} ink)")
        return f"{platform}, {doc.title[:40]!r}, {article:.0%} ink"

    def draw_cjk(self) -> str:
        pane = self.window.reader if self.window is not None else ReaderPane()
        text = "".join(c for c in CJK_LINE if c.isalpha())
        layout = QTextLayout(text, pane.browser.document().defaultFont())
        layout.beginLayout()
        layout.createLine()
        layout.endLayout()
        runs = layout.glyphRuns()
        glyphs = [glyph for run in runs for glyph in run.glyphIndexes()]
        families = sorted({run.rawFont().familyName() for run in runs})
        expect(len(glyphs) == len(text), f"{len(glyphs)} glyphs for {len(text)} characters")
        missing = sum(glyph == 0 for glyph in glyphs)  # glyph 0: the missing-glyph box
        expect(not missing, f"{missing} of {len(text)} characters drawn as boxes ({families})")
        return ", ".join(families)

    def load_font(self) -> str:
        families = fonts.register_bundled_font()
        expect(fonts.CJK_FAMILY in families, f"{fonts.bundled_font_path()} gave {families}")
        raw = QRawFont(fonts.bundled_font_path(), 16)
        lacking = [c for c in fonts.CJK_SAMPLE if not raw.supportsCharacter(ord(c))]
        expect(not lacking, f"{fonts.CJK_FAMILY} lacks {''.join(lacking)}")
        return fonts.CJK_FAMILY

    def close_window(self) -> str:
        window = self.window
        expect(window is not None, "there is no window to close")
        assert window is not None
        window.close()
        window.controller.shutdown()
        self.window = None
        return ""


def window_checks(data_dir: Path, document: Callable[[], int | None]) -> list[Check]:
    """The checks that need Qt, on the library at ``data_dir``; ``document`` gives the id of
    the document to show."""
    return WindowChecks(data_dir, document).checks()
