"""The Qt binding itself: guard against versions known to corrupt the interpreter."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_calls_returning_nothing_keep_none_alive():
    # PySide6 6.12.0 dropped one reference to None per such call; the app aborted after a few
    # thousand calls with "Fatal Python error: none_dealloc".
    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(1000):
        obj.setObjectName("x")
    assert sys.getrefcount(None) >= before - 10
