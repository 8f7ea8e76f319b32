"""The annotations panel: the open document's highlights in text order, or the library's."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from reader.core.models import Annotation, Bookmark
from reader.core.notes import COLORS
from reader.ui.reader_pane import HIGHLIGHT_COLOURS

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class AnnotationListModel(QAbstractListModel):
    """Annotations, one row each: the quote, the note and tags; orphans say so."""

    AnnotationRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self) -> None:
        super().__init__()
        self._items: list[Annotation] | list[Bookmark] = []
        self._titles: dict[int, str] = {}

    def set_items(
        self, items: list[Annotation] | list[Bookmark], titles: dict[int, str] | None = None
    ) -> None:
        """Replace the rows (``titles`` adds each document's title, for the library view)."""
        self.beginResetModel()
        self._items = items.copy()
        self._titles = dict(titles or {})
        self.endResetModel()

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if isinstance(item, Bookmark):
            return self._bookmark_data(item, role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            quote = " ".join(item.exact.split())
            quote = quote if len(quote) <= 160 else quote[:157] + "…"
            lines = [f"“{quote}”"]
            if item.orphan:
                lines.append("(no longer in the text)")
            if item.note:
                lines.append(item.note)
            if item.tags:
                lines.append(" ".join(f"#{tag}" for tag in item.tags))
            if item.doc_id in self._titles:
                lines.append(f"— {self._titles[item.doc_id]}")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.DecorationRole:
            colour = QColor(HIGHLIGHT_COLOURS[item.color])
            colour.setAlpha(255)
            return colour
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.note or item.exact
        if role == self.AnnotationRole:
            return item
        return None

    def _bookmark_data(self, item: Bookmark, role: int) -> object:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            title = self._titles.get(item.doc_id, "")
            if item.position is None:
                return f"★ {title}"
            return f"★ {item.name or 'A place'}\n— {title}"
        if role == self.AnnotationRole:
            return item
        return None


class AnnotationsPanel(QDockWidget):
    """A dock listing annotations with filters; activating one asks to show it."""

    annotation_activated = Signal(object)  # Annotation
    bookmark_activated = Signal(object)  # Bookmark
    remove_requested = Signal(object)  # Annotation or Bookmark
    filters_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Annotations", parent)
        self.setObjectName("annotationsPanel")
        self.scope = QComboBox()
        self.scope.addItem("This document", "document")
        self.scope.addItem("All documents", "library")
        self.scope.addItem("Bookmarks", "bookmarks")
        self.scope.setAccessibleName("Which annotations")
        self.color_filter = QComboBox()
        self.color_filter.addItem("All colours", None)
        for color in COLORS:
            self.color_filter.addItem(color.capitalize(), color)
        self.color_filter.setAccessibleName("Colour filter")
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Filter by text, note or #tag")
        self.text_filter.setAccessibleName("Annotation filter")
        self.text_filter.setClearButtonEnabled(True)
        self.model = AnnotationListModel()
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        self.view.setAccessibleName("Annotations")
        filters = QHBoxLayout()
        filters.addWidget(self.scope)
        filters.addWidget(self.color_filter)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.text_filter)
        layout.addWidget(self.view)
        self.setWidget(body)
        self.scope.currentIndexChanged.connect(self.filters_changed)
        self.color_filter.currentIndexChanged.connect(self.filters_changed)
        self.text_filter.textChanged.connect(self.filters_changed)
        self.view.activated.connect(self._on_view_activated)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_view_context_menu)
        self.view.clicked.connect(self._on_view_activated)

    def bookmarks_scope(self) -> bool:
        """True when the panel lists bookmarks."""
        return bool(self.scope.currentData() == "bookmarks")

    def library_scope(self) -> bool:
        """True when the panel shows the whole library's annotations."""
        return bool(self.scope.currentData() == "library")

    def filters(self) -> tuple[str | None, str | None, str | None]:
        """(colour, tag, text) to filter by."""
        text = self.text_filter.text().strip()
        tag = text[1:] if text.startswith("#") and " " not in text else None
        return self.color_filter.currentData(), tag, None if tag else (text or None)

    def _on_view_context_menu(self, point: QPoint) -> None:
        item = self.view.indexAt(point).data(AnnotationListModel.AnnotationRole)
        if item is None:
            return
        menu = QMenu(self.view)
        label = "Remove bookmark" if isinstance(item, Bookmark) else "Delete highlight"
        menu.addAction(label, lambda: self.remove_requested.emit(item))
        menu.exec(self.view.viewport().mapToGlobal(point))

    def _on_view_activated(self, index: QModelIndex) -> None:
        item = index.data(AnnotationListModel.AnnotationRole)
        if isinstance(item, Bookmark):
            self.bookmark_activated.emit(item)
        elif item is not None:
            self.annotation_activated.emit(item)
