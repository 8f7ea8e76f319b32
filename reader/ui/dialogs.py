"""Dialogs: correct a document's metadata, an import's summary, the keyboard shortcuts."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.models import Annotation, Document, ImportReport
from reader.core.notes import COLORS
from reader.ui.shortcuts import SHORTCUTS, key_sequences


class MetadataDialog(QDialog):
    """Title, date, source and byline of one document, for the user to correct."""

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit document details")
        self.title_edit = QLineEdit(doc.title)
        self.date_edit = QLineEdit(doc.date.isoformat() if doc.date else "")
        self.date_edit.setPlaceholderText("YYYY-MM-DD, or empty if unknown")
        self.source_edit = QLineEdit(doc.source or "")
        self.byline_edit = QLineEdit(doc.byline or "")
        for edit, name in (
            (self.title_edit, "Title"),
            (self.date_edit, "Date"),
            (self.source_edit, "Source"),
            (self.byline_edit, "Byline"),
        ):
            edit.setAccessibleName(name)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c0392b;")
        self.problem.hide()
        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Date:", self.date_edit)
        form.addRow("&Source:", self.source_edit)
        form.addRow("&Byline:", self.byline_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def values(self) -> tuple[str, dt.date | None, str | None, str | None]:
        """(title, date, source, byline) as entered; raises ValueError for a bad date."""
        text = self.date_edit.text().strip()
        date = dt.date.fromisoformat(text) if text else None
        return (
            self.title_edit.text().strip(),
            date,
            self.source_edit.text().strip() or None,
            self.byline_edit.text().strip() or None,
        )

    def _on_buttons_accepted(self) -> None:
        try:
            title, _date, _source, _byline = self.values()
        except ValueError:
            self._complain(
                "Write the date as YYYY-MM-DD (for example 2024-10-06), or leave it "
                "empty if it is unknown."
            )
            self.date_edit.setFocus()
            return
        if not title:
            self._complain("A document needs a title.")
            self.title_edit.setFocus()
            return
        self.accept()

    def _complain(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()


class ImportSummaryDialog(QDialog):
    """What an import did, with the failures in copyable text."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import finished")
        parts = [f"{len(report.imported)} imported"]
        if report.duplicates:
            parts.append(f"{len(report.duplicates)} already in the library")
        if report.failures:
            parts.append(f"{len(report.failures)} could not be imported")
        headline = ", ".join(parts) + (" (cancelled)." if report.cancelled else ".")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(headline))
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Files that could not be imported")
        self.details.setPlainText(
            "\n".join(f"{failure.path}: {failure.reason}" for failure in report.failures)
        )
        self.details.setVisible(bool(report.failures))
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(640, 360 if report.failures else 120)


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut, from the one table in shortcuts.py."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(len(SHORTCUTS), 3)
        table.setHorizontalHeaderLabels(["Group", "Action", "Keys"])
        table.setAccessibleName("Keyboard shortcuts")
        for row, shortcut in enumerate(SHORTCUTS):
            keys = ", ".join(
                s.toString(QKeySequence.SequenceFormat.NativeText) for s in key_sequences(shortcut)
            )
            for column, text in enumerate((shortcut.group, shortcut.label.rstrip("…"), keys)):
                table.setItem(row, column, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 520)


class NoteDialog(QDialog):
    """Colour, note and tags of a highlight; Delete removes it (undoable)."""

    def __init__(self, annotation: Annotation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Highlight")
        self.deleted = False
        quote = QLabel(f"“{annotation.exact[:300]}”")
        quote.setWordWrap(True)
        self.color_combo = QComboBox()
        self.color_combo.setAccessibleName("Colour")
        for color in COLORS:
            self.color_combo.addItem(color.capitalize(), color)
        self.color_combo.setCurrentIndex(COLORS.index(annotation.color))
        self.note_edit = QPlainTextEdit(annotation.note)
        self.note_edit.setAccessibleName("Note")
        self.note_edit.setPlaceholderText("Your note (optional)")
        self.tags_edit = QLineEdit(", ".join(annotation.tags))
        self.tags_edit.setAccessibleName("Tags")
        self.tags_edit.setPlaceholderText("tags, separated by commas")
        form = QFormLayout()
        form.addRow("&Colour:", self.color_combo)
        form.addRow("&Note:", self.note_edit)
        form.addRow("&Tags:", self.tags_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        delete = buttons.addButton("Delete highlight", QDialogButtonBox.ButtonRole.DestructiveRole)
        delete.clicked.connect(self._on_delete_clicked)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(quote)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, 360)
        self.note_edit.setFocus()

    def values(self) -> tuple[str, str, list[str]]:
        """(colour, note, tags) as entered."""
        tags = [t.strip() for t in self.tags_edit.text().split(",") if t.strip()]
        return str(self.color_combo.currentData()), self.note_edit.toPlainText().strip(), tags

    def _on_delete_clicked(self) -> None:
        self.deleted = True
        self.accept()
