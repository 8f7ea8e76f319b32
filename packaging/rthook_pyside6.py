"""Run-time hook of the frozen app, in place of PyInstaller's own for PySide6: tell Qt where
its plugins are, without importing Qt.

PyInstaller's hook imports PySide6.QtCore at start-up to register a qt.conf (80 ms that every
command-line call would pay; Reader imports Qt only for the window). Qt finds its plugins
through QT_PLUGIN_PATH; nothing else of qt.conf matters to Reader (no QML, no translations).
"""

import os
import sys

_QT = ("PySide6",) if sys.platform == "win32" else ("PySide6", "Qt")
os.environ["QT_PLUGIN_PATH"] = os.path.join(sys._MEIPASS, *_QT, "plugins")  # type: ignore[attr-defined]
