"""Qt item models over the library."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from reader.core.models import DocumentSummary

_Index = QModelIndex | QPersistentModelIndex


class DocumentListModel(QAbstractListModel):
    """The documents of the library, one row each (title, with date and source as tooltip)."""

    DocumentIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, documents: list[DocumentSummary] | None = None) -> None:
        super().__init__()
        self._documents: list[DocumentSummary] = list(documents or [])

    def set_documents(self, documents: list[DocumentSummary]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._documents = list(documents)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._documents)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._documents):
            return None
        doc = self._documents[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return doc.title
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [doc.date.isoformat() if doc.date else "undated", doc.source or ""]
            return " · ".join(p for p in parts if p)
        if role == self.DocumentIdRole:
            return doc.id
        return None
