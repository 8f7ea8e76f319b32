"""Painting of list rows (title, date, source, unread dot, snippet) and timeline rows (bars)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reader.ui.models import DocumentListModel, TimelineModel, format_date

_Index = QModelIndex | QPersistentModelIndex
_PAD = 8


def _paint_background(painter: QPainter, option: QStyleOptionViewItem) -> tuple[bool, QColor]:
    """Draw the row's background (selection, hover); returns (selected, text colour)."""
    style = option.widget.style() if option.widget else None
    if style is not None:
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
    return selected, option.palette.color(role)


class DocumentDelegate(QStyledItemDelegate):
    """A document row: unread dot, title; date and source below; the snippet for hits."""

    def _lines(self, index: _Index) -> int:
        return 4 if index.data(DocumentListModel.SnippetRole) is not None else 2

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        height = QFontMetrics(option.font).lineSpacing()
        return QSize(200, self._lines(index) * height + 2 * _PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        selected, text_color = _paint_background(painter, option)
        palette: QPalette = option.palette
        muted = QColor(text_color)
        muted.setAlpha(150)
        rect = option.rect.adjusted(_PAD + 10, _PAD, -_PAD, -_PAD)
        line = QFontMetrics(option.font).lineSpacing()

        unread = index.data(DocumentListModel.ReadRole) is False
        if unread:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(
                palette.color(QPalette.ColorRole.Highlight) if not selected else text_color
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(option.rect.left() + 6, rect.top() + line // 2 - 3, 6, 6)

        title_font = QFont(option.font)
        title_font.setBold(unread)
        painter.setFont(title_font)
        painter.setPen(text_color)
        starred = bool(index.data(DocumentListModel.BookmarkedRole))
        star_width = QFontMetrics(option.font).horizontalAdvance(" ★") if starred else 0
        title = QFontMetrics(title_font).elidedText(
            str(index.data() or ""), Qt.TextElideMode.ElideRight, rect.width() - star_width
        )
        painter.drawText(
            QRect(rect.left(), rect.top(), rect.width(), line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        if starred:
            painter.setFont(option.font)
            painter.setPen(QColor("#e0a800") if not selected else text_color)
            painter.drawText(
                QRect(rect.left(), rect.top(), rect.width(), line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                "★",
            )

        painter.setFont(option.font)
        painter.setPen(muted)
        facts = [format_date(index.data(DocumentListModel.DateRole)) or "Date unknown"]
        if source := index.data(DocumentListModel.SourceRole):
            facts.append(str(source))
        painter.drawText(
            QRect(rect.left(), rect.top() + line, rect.width(), line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(option.font).elidedText(
                " · ".join(facts), Qt.TextElideMode.ElideRight, rect.width()
            ),
        )

        snippet = index.data(DocumentListModel.SnippetRole)
        if snippet is not None:
            doc = QTextDocument()
            doc.setDefaultFont(option.font)
            doc.setDocumentMargin(0)
            doc.setTextWidth(rect.width())
            doc.setDefaultStyleSheet(
                f"body {{ color: {muted.name(QColor.NameFormat.HexArgb)}; }}"
                f" b {{ color: {text_color.name()}; }}"
            )
            doc.setHtml(f"<body>{snippet}</body>")
            painter.translate(rect.left(), rect.top() + 2 * line)
            painter.setClipRect(QRect(0, 0, rect.width(), 2 * line))
            doc.drawContents(painter)
        painter.restore()


class TimelineDelegate(QStyledItemDelegate):
    """A timeline row: label and count, with a bar proportional to the count."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(120, QFontMetrics(option.font).lineSpacing() + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        selected, text_color = _paint_background(painter, option)
        palette = option.palette
        rect = option.rect.adjusted(4, 2, -6, -2)
        count = int(index.data(TimelineModel.CountRole) or 0)
        share = float(index.data(TimelineModel.ShareRole) or 0.0)
        bar_color = QColor(palette.color(QPalette.ColorRole.Highlight))
        bar_color.setAlpha(90 if not selected else 160)
        bar_width = round(rect.width() * 0.45 * share)
        bar = QRect(
            rect.right() - round(rect.width() * 0.45),
            rect.bottom() - 5,
            max(2 if count else 0, bar_width),
            4,
        )
        painter.fillRect(bar, bar_color)
        painter.setPen(text_color)
        painter.drawText(
            rect.adjusted(0, 0, 0, -4),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            str(index.data() or ""),
        )
        muted = QColor(text_color)
        muted.setAlpha(170)
        painter.setPen(muted)
        painter.drawText(
            rect.adjusted(0, 0, 0, -4),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{count:,}",
        )
        painter.restore()
