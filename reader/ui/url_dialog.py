"""The dialog that asks for the address of a web page to import."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import ImportFailed
from reader.core.fetch import check_url, is_web_url


class UrlDialog(QDialog):
    """One line for an http(s) address; Import is enabled once the address looks right.

    An address on the clipboard is filled in, ready to confirm.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import from URL")
        explanation = QLabel(
            "Reader downloads the page and its pictures once, now. "
            "Reading it later needs no connection."
        )
        explanation.setWordWrap(True)
        self.url_edit = QLineEdit()
        self.url_edit.setAccessibleName("Web address")
        self.url_edit.setPlaceholderText("https://…")
        self.problem = QLabel()
        self.problem.setAccessibleName("What is wrong with the address")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button.setText("&Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.url_edit.textChanged.connect(self._on_url_edit_text_changed)
        label = QLabel("&Address of the page:")
        label.setBuddy(self.url_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.url_edit)
        layout.addWidget(self.problem)
        layout.addWidget(explanation)
        layout.addWidget(self.buttons)
        clipboard = QGuiApplication.clipboard().text().strip()
        self.url_edit.setText(clipboard if is_web_url(clipboard) else "")
        self._on_url_edit_text_changed(self.url_edit.text())
        self.url_edit.selectAll()
        self.url_edit.setFocus()
        self.resize(560, self.sizeHint().height())

    @property
    def import_button(self) -> QPushButton:
        """The button that starts the import."""
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def url(self) -> str:
        """The address as entered, without surrounding spaces."""
        return self.url_edit.text().strip()

    def _on_url_edit_text_changed(self, text: str) -> None:
        problem = ""
        if text.strip():
            try:
                check_url(text)
            except ImportFailed as exc:
                problem = str(exc)[:1].upper() + str(exc)[1:] + "."
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.import_button.setEnabled(bool(text.strip()) and not problem)


def ask_url(parent: QWidget | None = None) -> str | None:
    """Ask for a web page's address; None if the user cancelled."""
    dialog = UrlDialog(parent)
    return dialog.url() if dialog.exec() else None
