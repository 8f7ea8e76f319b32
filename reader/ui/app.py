"""Start the Qt application (a first window: the document list; the full window comes next)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QListView, QMainWindow, QVBoxLayout, QWidget

from reader import APP_NAME, __version__
from reader.core.library import Library
from reader.ui.models import DocumentListModel


class MainWindow(QMainWindow):
    """The main window: for now the list of documents in the library."""

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(900, 600)
        self.model = DocumentListModel(library.documents())
        self.list_view = QListView()
        self.list_view.setUniformItemSizes(True)
        self.list_view.setModel(self.model)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(QLabel(f"{self.model.rowCount()} documents in {library.data_dir}"))
        layout.addWidget(self.list_view)
        self.setCentralWidget(central)


def run(data_dir: Path, *, seed: bool = True) -> int:
    """Open the library and show the main window until it is closed."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    with Library.open(data_dir, seed=seed) as library:
        window = MainWindow(library)
        window.show()
        return int(app.exec())
