"""Open the window on a data dir; print as JSON when its first document was painted (gui_bench)."""

import time

START = time.perf_counter()  # first: the interpreter start before it is measured by the parent

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402

from reader.ui.app import application, open_window  # noqa: E402

TIMEOUT_MS = 120_000


def milliseconds() -> float:
    """Milliseconds since the first line of this script ran."""
    return round((time.perf_counter() - START) * 1000, 1)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far."""
    kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kilobytes / 1024, 1)


class PaintWatch(QObject):
    """Calls back after the first paint of ``target``, and after its first showing a document.

    Each call comes from the event loop once the paint event has been handled.
    """

    def __init__(self, target: QObject, is_shown: object, first: object, shown: object) -> None:
        super().__init__()
        self._is_shown = is_shown
        self._first = first
        self._shown = shown
        self._painted = False
        self._done = False
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            if not self._painted:
                self._painted = True
                QTimer.singleShot(0, self._first)
            if self._is_shown():
                self._done = True
                QTimer.singleShot(0, self._shown)
        return False


def main() -> int:
    """Open the window on argv[1] and report the milestones of its start as JSON on stdout."""
    data_dir = Path(sys.argv[1])
    result: dict[str, object] = {"start": START, "imported_ms": milliseconds()}
    app = application()
    result["qapplication_ms"] = milliseconds()
    window = open_window(data_dir, seed=False)
    result["window_built_ms"] = milliseconds()
    labels: list[str] = []
    window.controller.progress.connect(lambda label, _done, _total: labels.append(label))

    def quit_when_done() -> None:
        if "document_ms" in result and "index_checked_ms" in result:
            app.quit()

    def index_checked(busy: bool) -> None:
        if not busy and "index_checked_ms" not in result:
            result["index_checked_ms"] = milliseconds()
            result["index_progress"] = sorted(set(labels))
            quit_when_done()

    def document_shown() -> bool:
        doc = window.reader.document()
        return (
            doc is not None
            and doc.id == window.current_id
            and doc.title in window.reader.browser.toPlainText()
        )

    def first_paint() -> None:
        result["first_paint_ms"] = milliseconds()

    def first_document_painted() -> None:
        result["document_ms"] = milliseconds()
        result["document_rss_mb"] = peak_rss_mb()
        result["rows"] = window.list_model.rowCount()
        quit_when_done()

    window.controller.busy_changed.connect(index_checked)
    paint = PaintWatch(
        window.reader.browser.viewport(), document_shown, first_paint, first_document_painted
    )
    window.show()
    result["shown_ms"] = milliseconds()
    QTimer.singleShot(TIMEOUT_MS, app.quit)
    app.exec()
    del paint
    result["end_rss_mb"] = peak_rss_mb()
    window.controller.shutdown()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
