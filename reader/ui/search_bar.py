"""The search bar: type to search (debounced), recent searches, inline errors, did-you-mean."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

DEBOUNCE_MS = 250
MAX_RECENT = 15


class SearchBar(QWidget):
    """An editable combo box of recent searches, with a line for errors and suggestions."""

    query_changed = Signal(str)  # debounced; "" when cleared

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.edit = QLineEdit()
        self.combo.setLineEdit(self.edit)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMaxCount(MAX_RECENT)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.combo.setAccessibleName("Search the library")
        self.combo.setToolTip(
            'Words, "phrases", OR, -word, title: source: author:, date:2020, prefix*, fuzzy~'
        )
        edit = self.edit
        edit.setPlaceholderText("Search the library  (Ctrl+K)")
        edit.setClearButtonEnabled(True)
        edit.installEventFilter(self)
        self.error_label = QLabel()
        self.error_label.setObjectName("searchError")
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.setAccessibleName("Search problem")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.suggestion_label = QLabel()
        self.suggestion_label.setAccessibleName("Did you mean")
        self.suggestion_label.setTextFormat(Qt.TextFormat.RichText)
        self.suggestion_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._last_emitted: str | None = None

        notes = QHBoxLayout()
        notes.setContentsMargins(4, 0, 4, 0)
        notes.addWidget(self.error_label)
        notes.addWidget(self.suggestion_label)
        notes.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.combo)
        layout.addLayout(notes)
        self._connect_signals()
        self.show_error(None)
        self.show_suggestion(None)

    def _connect_signals(self) -> None:
        self.edit.textEdited.connect(self._on_edit_text_edited)
        self.edit.returnPressed.connect(self._on_edit_return_pressed)
        self.combo.activated.connect(self._on_combo_activated)
        self._timer.timeout.connect(self._emit_now)
        self.suggestion_label.linkActivated.connect(self._on_suggestion_link_activated)

    # -- state --------------------------------------------------------------------------------

    def text(self) -> str:
        """The query as typed."""
        return self.combo.currentText().strip()

    def set_text(self, text: str) -> None:
        """Put a query in the bar and search for it at once."""
        self.combo.setEditText(text)
        self._emit_now()

    def clear(self) -> None:
        """Empty the bar and leave search mode."""
        self.combo.setEditText("")
        self._emit_now()

    def focus(self) -> None:
        """Focus the bar with its text selected."""
        self.combo.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def recent(self) -> list[str]:
        """Recent searches, newest first."""
        return [self.combo.itemText(i) for i in range(self.combo.count())]

    def set_recent(self, queries: list[str]) -> None:
        """Restore recent searches."""
        text = self.combo.currentText()
        self.combo.clear()
        self.combo.addItems(queries[:MAX_RECENT])
        self.combo.setEditText(text)

    def remember(self, query: str) -> None:
        """Add a search that found something to the recent list."""
        if not query:
            return
        text = self.combo.currentText()
        existing = self.combo.findText(query, Qt.MatchFlag.MatchFixedString)
        if existing >= 0:
            self.combo.removeItem(existing)
        self.combo.insertItem(0, query)
        self.combo.setEditText(text)

    def show_error(self, message: str | None) -> None:
        """Show a query problem under the bar (None hides it)."""
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))

    def show_suggestion(self, suggestion: str | None) -> None:
        """Offer a corrected query as a link (None hides it)."""
        if suggestion:
            escaped = html.escape(suggestion)
            self.suggestion_label.setText(f'Did you mean <a href="{escaped}">{escaped}</a>?')
        self.suggestion_label.setVisible(bool(suggestion))

    # -- events -------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.combo.currentText()
        ):
            self.clear()
            return True
        return super().eventFilter(watched, event)

    def _on_edit_text_edited(self, _text: str) -> None:
        self._timer.start()

    def _on_edit_return_pressed(self) -> None:
        self._emit_now()

    def _on_combo_activated(self, _index: int) -> None:
        self._emit_now()

    def _on_suggestion_link_activated(self, link: str) -> None:
        self.set_text(link)

    def _emit_now(self) -> None:
        self._timer.stop()
        text = self.text()
        if text != self._last_emitted:
            self._last_emitted = text
            self.query_changed.emit(text)
