"""The first window: it opens offscreen and lists the library through a real model."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.ui.app import MainWindow
from reader.ui.models import DocumentListModel


def test_document_list_model_passes_the_model_tester(qtmodeltester, library):
    model = DocumentListModel(library.documents())
    qtmodeltester.check(model)
    assert model.rowCount() == 5


def test_main_window_lists_the_seed_articles(qtbot, library):
    window = MainWindow(library)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    model = window.list_view.model()
    titles = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert (
        titles[0]
        == "Xi, Kim exchange congratulatory messages over 75th anniversary of diplomatic ties"
    )
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "2024-10-06 · Xinhua"
    assert window.list_view.uniformItemSizes()
