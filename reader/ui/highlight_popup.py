"""The small popup near a text selection: one button per highlight colour, and one for a note."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from reader.core.notes import COLORS
from reader.ui.reader_pane import HIGHLIGHT_COLOURS


class HighlightPopup(QFrame):
    """Colour buttons floating over the article next to the selection."""

    color_chosen = Signal(str)
    note_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setAccessibleName("Highlight the selection")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 3, 4, 3)
        layout.setSpacing(3)
        self.buttons: dict[str, QToolButton] = {}
        for color in COLORS:
            button = QToolButton()
            button.setAccessibleName(f"Highlight {color}")
            button.setToolTip(f"Highlight in {color}")
            button.setFixedSize(22, 22)
            button.setStyleSheet(
                f"QToolButton {{ background: {HIGHLIGHT_COLOURS[color]}; border-radius: 11px;"
                " border: 1px solid palette(mid); }"
            )
            button.clicked.connect(lambda _checked=False, c=color: self._choose(c))
            layout.addWidget(button)
            self.buttons[color] = button
        self.note_button = QToolButton()
        self.note_button.setText("✎")
        self.note_button.setToolTip("Highlight with a note (Ctrl+Shift+H)")
        self.note_button.setAccessibleName("Highlight with a note")
        self.note_button.clicked.connect(self._on_note_clicked)
        layout.addWidget(self.note_button)
        self.hide()

    def show_at(self, point: QPoint) -> None:
        """Show just above ``point`` (parent coordinates), kept inside the parent."""
        self.adjustSize()
        parent = self.parentWidget()
        room = parent.width() if parent is not None else self.width()
        x = min(max(0, point.x() - self.width() // 2), max(0, room - self.width()))
        y = max(0, point.y() - self.height() - 8)
        self.move(x, y)
        self.show()
        self.raise_()

    def _choose(self, color: str) -> None:
        self.hide()
        self.color_chosen.emit(color)

    def _on_note_clicked(self) -> None:
        self.hide()
        self.note_requested.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
        else:
            super().keyPressEvent(event)
