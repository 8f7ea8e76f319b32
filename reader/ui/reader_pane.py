"""The reader pane: one article in a QTextBrowser, with themes, zoom, highlights and a find bar."""

from __future__ import annotations

import html
import itertools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QObject,
    QPoint,
    QPointF,
    QSignalBlocker,
    QSizeF,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontInfo,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QPalette,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStyle,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.models import PLAIN, Block, Document, Mark
from reader.ui.fonts import CJK_FAMILY
from reader.ui.models import format_date
from reader.ui.textmap import TextMap, display_text
from reader.ui.theme import SYSTEM, Theme, resolve

Span = tuple[int, int]

MEASURE = 70  # characters per line of the article
ZOOM_MIN = -5
ZOOM_MAX = 10
_ZOOM_FACTOR = 1.1  # font size ratio between two zoom steps
_READING_SCALE = 1.25  # body text size relative to the desktop's UI font
_POSITION_DELAY_MS = 500
# Find matches drawn around the current one (more than a screenful); drawing all of them would
# slow every repaint, and the count label still tells how many there are.
_DRAWN_MATCHES = 500
# What an average line of prose is made of, to turn the measure into pixels.
_SAMPLE = "The quick brown fox jumps over the lazy dog, and then it rests for a while. "
# Good text faces where they exist; Qt falls back through the serif style hint, and takes the
# glyphs a face lacks (CJK, say) from a system font that has them, else from the bundled CJK
# font (last: registered only on a system without one, see reader.ui.fonts).
_SERIF_FAMILIES = [
    "Charter",
    "Georgia",
    "Iowan Old Style",
    "Palatino Linotype",
    "Source Serif 4",
    "Noto Serif",
    "Liberation Serif",
    "DejaVu Serif",
    "Times New Roman",
    CJK_FAMILY,
]
_LOCAL_SCHEMES = frozenset({"", "file", "qrc", "data"})
_LOCAL_HOSTS = frozenset({"", "localhost"})
# A paragraph with no text still needs its block, or every later position would shift.
_EMPTY_PARAGRAPH = '<p style="-qt-paragraph-type:empty"></p>'


def meta_line(doc: Document) -> str:
    """'date · source · byline'; a missing source or byline is left out."""
    parts = [format_date(doc.date, full=True) or "Date unknown", doc.source, doc.byline]
    return " · ".join(part for part in parts if part)


def _escape(text: str) -> str:
    """``text`` as HTML text: escaped, and made safe for QTextDocument (see display_text)."""
    return html.escape(display_text(text), quote=False)


def article_html(doc: Document) -> str:
    """The article as HTML: the title, the meta line, then one block per paragraph of text.

    Each paragraph becomes exactly one text block (headings, list items, quotes, code lines,
    table rows, images), so that offsets in the text map onto the document. Every piece of
    text is escaped, so nothing in the article is ever read as markup; images come only from
    the library (``reader-image:`` addresses), links only as http, https or mailto.
    """
    title = " ".join(doc.title.split()) or "Untitled"
    parts = [
        f"<h1>{_escape(title)}</h1>",
        f'<p class="meta">{_escape(" ".join(meta_line(doc).split()))}</p>',
    ]
    open_list: tuple[str, int] | None = None
    for text, block in zip(doc.paragraphs, _layout(doc), strict=True):
        if block.kind == "li":
            tag = "ol" if block.ordinal is not None else "ul"
            if open_list != (tag, block.level):
                if open_list is not None:
                    parts.append(f"</{open_list[0]}>")
                start = f' start="{block.ordinal}"' if block.ordinal is not None else ""
                parts.append(f'<{tag}{start} style="-qt-list-indent: {block.level + 1};">')
                open_list = (tag, block.level)
            parts.append(f"<li>{_inline(text, block.marks)}</li>")
            continue
        if open_list is not None:
            parts.append(f"</{open_list[0]}>")
            open_list = None
        if block.kind != "code" and parts[-1].startswith("<pre>"):
            parts[-1] = parts[-1].replace("<pre>", '<pre class="last">', 1)
        parts.append(_block_html(text, block, doc.images))
    if open_list is not None:
        parts.append(f"</{open_list[0]}>")
    return "".join(parts)


def image_offsets(doc: Document) -> list[int]:
    """Offsets in the text before which the article shows an image."""
    offsets = []
    offset = 0
    for text, block in zip(doc.paragraphs, _layout(doc), strict=True):
        if block.kind == "image" and block.src in doc.images:
            offsets.append(offset)
        offset += len(text) + 1
    return offsets


def _layout(doc: Document) -> tuple[Block, ...]:
    return doc.blocks or (PLAIN,) * len(doc.paragraphs)


def _block_html(text: str, block: Block, images: Mapping[str, str]) -> str:
    kind = block.kind
    if kind == "image":
        digest = images.get(block.src or "")
        if digest is None:
            return _EMPTY_PARAGRAPH
        return f'<p class="image"><img src="{IMAGE_SCHEME}:{digest}"></p>'
    if not text:
        return _EMPTY_PARAGRAPH
    inline = _inline(text, block.marks)
    if kind in _HEADING_TAGS:
        tag = _HEADING_TAGS[kind]
        return f"<{tag}>{inline}</{tag}>"
    if kind == "code":
        return f"<pre>{inline}</pre>"
    if kind in ("quote", "row", "caption"):
        indent = f' style="margin-left: {2 * block.level}em;"' if block.level else ""
        return f'<p class="{kind}"{indent}>{inline}</p>'
    return f"<p>{inline}</p>"


def _inline(text: str, marks: tuple[Mark, ...]) -> str:
    """Escaped text with its marks as tags; overlapping marks are split so tags always nest."""
    if not marks:
        return _escape(text)
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    pieces = []
    for start, end in itertools.pairwise(cuts):
        if start >= len(text):
            break
        piece = _escape(text[start:end])
        for mark in marks:
            if mark.start <= start and end <= mark.end:
                piece = _wrap(piece, mark)
        pieces.append(piece)
    return "".join(pieces)


def _wrap(html_text: str, mark: Mark) -> str:
    if mark.kind == "link":
        if not mark.href or not mark.href.lower().startswith(_LINK_SCHEMES):
            return html_text
        return f'<a href="{html.escape(mark.href, quote=True)}">{html_text}</a>'
    tag = _MARK_TAGS.get(mark.kind)
    return f"<{tag}>{html_text}</{tag}>" if tag else html_text


IMAGE_SCHEME = "reader-image"
_HEADING_TAGS = {"h1": "h2", "h2": "h3", "h3": "h4", "h4": "h5", "h5": "h6", "h6": "h6"}
_MARK_TAGS = {
    "em": "i",
    "strong": "b",
    "code": "code",
    "del": "s",
    "sup": "sup",
    "sub": "sub",
}
_LINK_SCHEMES = ("http://", "https://", "mailto:")


def _stylesheet(theme: Theme, em: int) -> str:
    """The document style sheet; lengths in pixels of the current body font size ``em``."""
    gap = round(em * 0.9)
    return (
        f"h1 {{ font-size: x-large; margin-top: 0; margin-bottom: {gap // 2}px; }}"
        f"p {{ white-space: pre-wrap; line-height: 150%; margin-top: 0; margin-bottom: {gap}px; }}"
        f"p.meta {{ color: {theme.secondary}; margin-bottom: {2 * gap}px; }}"
        f"a {{ color: {theme.link}; }}"
        f"h2, h3, h4, h5, h6 {{ margin-top: {gap * 3 // 2}px; margin-bottom: {gap // 2}px; }}"
        f"li {{ line-height: 150%; margin-bottom: {gap // 3}px; }}"
        f"pre {{ margin-top: 0; margin-bottom: 0; }}"
        f"pre.last {{ margin-bottom: {gap}px; }}"
        f"p.quote {{ color: {theme.secondary}; margin-left: 2em; font-style: italic; }}"
        f"p.row {{ white-space: pre-wrap; margin-bottom: {gap // 3}px; }}"
        f"p.caption {{ color: {theme.secondary}; }}"
        f"p.image {{ line-height: 100%; margin-bottom: {gap}px; }}"
    )


def _body_font(point_size: float) -> QFont:
    font = QFont()
    font.setFamilies(_SERIF_FAMILIES)
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(point_size)
    return font


def _mono_font(point_size: float) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(point_size)
    return font


def _reading_point_size(zoom: int) -> float:
    ui_size = QGuiApplication.font().pointSizeF()
    base = (ui_size if ui_size > 0 else 10.0) * _READING_SCALE
    return round(base * _ZOOM_FACTOR**zoom * 2) / 2


def _stepped(index: int, step: int, count: int) -> int:
    """The index after moving ``step`` from ``index`` (-1: none yet), wrapping around."""
    if index < 0:
        return 0 if step > 0 else count - 1
    return (index + step) % count


class _ArticleView(QTextBrowser):
    """The pane's text browser: fetches nothing remote and keeps the reader's place on resize."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setUndoRedoEnabled(False)
        # Characters per line, or None to use the full width.
        self.measure: int | None = MEASURE
        # Gives the bytes of a kept image by its content address (set by the window).
        self.image_loader: Callable[[str], bytes | None] | None = None
        # Document positions of the images shown, and the column width they were fitted to.
        self.image_positions: list[int] = []
        self._fitted_width = -1

    def loadResource(self, resource_type: int, name: QUrl | str) -> Any:
        """Load local resources only; a remote one (or a file on another host) is empty.

        Images of the article come from the library, scaled down to the column's width.
        """
        url = QUrl(name)
        if url.scheme() == IMAGE_SCHEME:
            data = self.image_loader(url.path()) if self.image_loader is not None else None
            image = QImage.fromData(data) if data else QImage()
            return QByteArray() if image.isNull() else image
        if url.scheme().lower() in _LOCAL_SCHEMES and url.host().lower() in _LOCAL_HOSTS:
            return super().loadResource(resource_type, url)
        # Not None: for a null answer QTextDocument would try to open the URL as a file itself.
        return QByteArray()

    def resizeEvent(self, event: QResizeEvent) -> None:
        top = self.top_position()
        super().resizeEvent(event)
        self.update_margins()
        if self.image_positions and self.column_width() != self._fitted_width:
            self.fit_images()
        self.scroll_to_top(top)

    def fit_images(self) -> None:
        """Show each image at its own size, or scaled down to the column when it is wider."""
        column = self.column_width()
        self._fitted_width = column
        document = self.document()
        for position in self.image_positions:
            cursor = QTextCursor(document)
            cursor.setPosition(position)
            cursor.setPosition(position + 1, QTextCursor.MoveMode.KeepAnchor)
            format_ = cursor.charFormat()
            if not format_.isImageFormat():
                continue
            image_format = format_.toImageFormat()
            image = document.resource(
                QTextDocument.ResourceType.ImageResource, QUrl(image_format.name())
            )
            if not isinstance(image, QImage) or image.isNull():
                continue
            width = float(min(image.width(), max(column, 1)))
            image_format.setWidth(width)
            image_format.setHeight(width * image.height() / max(image.width(), 1))
            cursor.setCharFormat(image_format)

    def _side_margin(self) -> float:
        font = self.document().defaultFont()
        side = 2.0 * QFontInfo(font).pixelSize()
        if self.measure is not None:
            column = QFontMetricsF(font).horizontalAdvance(_SAMPLE) / len(_SAMPLE) * self.measure
            side = max(side, (self.viewport().width() - column) / 2)
        return float(round(side))

    def column_width(self) -> int:
        """The width of the text column, in pixels."""
        return int(self.viewport().width() - 2 * self._side_margin())

    def update_margins(self) -> None:
        """Centre a column of ``measure`` characters at the current font, with room around it."""
        document = self.document()
        em = QFontInfo(document.defaultFont()).pixelSize()
        side = self._side_margin()
        frame = document.rootFrame()
        format_ = frame.frameFormat()
        wanted = (side, side, 1.5 * em, 3.0 * em)
        current = (
            format_.leftMargin(),
            format_.rightMargin(),
            format_.topMargin(),
            format_.bottomMargin(),
        )
        if current == wanted:
            return
        format_.setLeftMargin(wanted[0])
        format_.setRightMargin(wanted[1])
        format_.setTopMargin(wanted[2])
        format_.setBottomMargin(wanted[3])
        frame.setFrameFormat(format_)

    def top_position(self) -> int:
        """The document position of the first character of the first line in view.

        A line counts as in view when at least half of it is; 0 when scrolled to the top.
        """
        y = self.verticalScrollBar().value()
        if y <= 0:
            return 0
        document = self.document()
        layout = document.documentLayout()
        x = document.rootFrame().frameFormat().leftMargin() + 1
        block = document.findBlock(
            max(layout.hitTest(QPointF(x, y), Qt.HitTestAccuracy.FuzzyHit), 0)
        )
        while block.isValid():
            layout.blockBoundingRect(block)  # lays the document out down to this block
            text_layout = block.layout()
            top = text_layout.position().y()
            for number in range(text_layout.lineCount()):
                line = text_layout.lineAt(number)
                if top + line.y() + line.height() / 2 >= y:
                    return block.position() + line.textStart()
            block = block.next()
        return document.characterCount() - 1

    def line_top(self, position: int) -> float:
        """The y (in document coordinates) of the top of the line holding ``position``."""
        document = self.document()
        block = document.findBlock(position)
        document.documentLayout().blockBoundingRect(block)
        text_layout = block.layout()
        line = text_layout.lineForTextPosition(position - block.position())
        return text_layout.position().y() + (line.y() if line.isValid() else 0.0)

    def scroll_to_top(self, position: int) -> None:
        """Scroll so the line holding ``position`` is the first in view (0: the very top)."""
        self._scroll_to(0.0 if position <= 0 else self.line_top(position))

    def reveal(self, position: int) -> None:
        """Scroll the line holding ``position`` into view, a third of the way down, if needed."""
        top = self.line_top(position)
        bar = self.verticalScrollBar()
        height = self.viewport().height()
        if not bar.value() <= top <= bar.value() + height * 0.75:
            self._scroll_to(top - height / 3)

    def _scroll_to(self, y: float) -> None:
        bar = self.verticalScrollBar()
        value = max(round(y), 0)
        if value > bar.maximum():
            # A long document is laid out lazily and the scroll range grows only as that goes
            # on. line_top() has just laid it out this far: have QTextEdit take the new size
            # now (it reads the size from the layout, not from the signal) rather than clamp.
            self.document().documentLayout().documentSizeChanged.emit(QSizeF())
        bar.setValue(value)


# Highlight colours, translucent so that they work on light, sepia and dark pages alike.
HIGHLIGHT_COLOURS = {
    "yellow": "#99ffd43b",
    "green": "#8869db7c",
    "blue": "#8874c0fc",
    "pink": "#88f783ac",
    "purple": "#88b197fc",
}


class ReaderPane(QWidget):
    """Shows one document, or its original file, with zoom, themes, hits and find in page.

    Offsets in and out are code points of the shown document's text (``Document.text``).
    """

    link_activated = Signal(QUrl)
    position_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = _ArticleView(self)
        self.find_bar = QWidget(self)
        self.find_edit = QLineEdit(self.find_bar)
        self.find_previous_button = QToolButton(self.find_bar)
        self.find_next_button = QToolButton(self.find_bar)
        self.find_count_label = QLabel(self.find_bar)
        self.find_close_button = QToolButton(self.find_bar)
        self._document: Document | None = None
        self._original = False
        # What is shown, as searched and mapped: the article's text or the original file's.
        self._text = ""
        self._map = TextMap("")
        self._article_position = 0  # where the article was left while the original is shown
        self._theme_name = SYSTEM
        self._theme = resolve(SYSTEM)
        self._zoom = 0
        self._hits: list[Span] = []
        self._annotations: list[tuple[int, int, str]] = []  # start, end, colour name
        self._current_hit = -1
        self._matches: list[Span] = []
        self._current_match = -1
        self._reported_position = 0
        self._position_timer = QTimer(self)
        self._position_timer.setSingleShot(True)
        self._position_timer.setInterval(_POSITION_DELAY_MS)
        self._build()
        self._apply_palette()
        self._apply_font()
        self._connect_signals()

    def _build(self) -> None:
        self.browser.setAccessibleName("Article")
        self.find_bar.setAccessibleName("Find in article")
        self.find_edit.setAccessibleName("Find text")
        self.find_edit.setPlaceholderText("Find in article")
        self.find_edit.setClearButtonEnabled(True)
        buttons = (
            (self.find_previous_button, "Previous match (Shift+Enter)"),
            (self.find_next_button, "Next match (Enter)"),
            (self.find_close_button, "Close find bar (Escape)"),
        )
        for button, tip in buttons:
            button.setAccessibleName(tip.split(" (")[0])
            button.setToolTip(tip)
            button.setAutoRaise(True)
        self.find_previous_button.setArrowType(Qt.ArrowType.UpArrow)
        self.find_next_button.setArrowType(Qt.ArrowType.DownArrow)
        self.find_close_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton)
        )
        self.find_count_label.setAccessibleName("Matches")
        bar_layout = QHBoxLayout(self.find_bar)
        bar_layout.setContentsMargins(6, 3, 6, 3)
        bar_layout.addWidget(self.find_edit, 1)
        bar_layout.addWidget(self.find_previous_button)
        bar_layout.addWidget(self.find_next_button)
        bar_layout.addWidget(self.find_count_label)
        bar_layout.addWidget(self.find_close_button)
        self.find_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.find_bar)
        self.setFocusProxy(self.browser)

    def _connect_signals(self) -> None:
        self.browser.anchorClicked.connect(self.link_activated)
        self.browser.verticalScrollBar().valueChanged.connect(self._on_scroll_bar_value_changed)
        self._position_timer.timeout.connect(self._on_position_timer_timeout)
        self.find_edit.textChanged.connect(self._on_find_edit_text_changed)
        self.find_next_button.clicked.connect(self.find_next)
        self.find_previous_button.clicked.connect(self.find_previous)
        self.find_close_button.clicked.connect(self.hide_find_bar)
        for widget in (
            self.find_edit,
            self.find_next_button,
            self.find_previous_button,
            self.find_close_button,
        ):
            widget.installEventFilter(self)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme_changed)

    # Documents

    def document(self) -> Document | None:
        """The document shown (also while its original file is), or None."""
        return self._document

    def show_document(self, doc: Document) -> None:
        """Show ``doc``'s article at the top; the same document shown again keeps its place.

        Search hits are cleared unless it is the same document with the same text.
        """
        self._drop_pending_position()
        same = (
            self._document is not None
            and self._document.id == doc.id
            and self._document.text == doc.text
        )
        position = 0
        if same:
            position = self._article_position if self._original else self.reading_position()
        else:
            self._hits, self._current_hit = [], -1
            self._annotations = []
        self._document = doc
        self._original = False
        self._text = doc.text
        self._current_match = -1
        self.browser.measure = MEASURE
        self._apply_font()
        self._render(doc)
        self._scroll_to_offset(position)
        self._refind()

    def show_original(self, text: str) -> None:
        """Show the original file's text as it is: monospace, nothing read as markup."""
        self._drop_pending_position()
        if not self._original:
            self._article_position = self.reading_position()
        self._original = True
        self._text = display_text(text.replace("\r\n", "\n").replace("\r", "\n"))
        self._current_match = -1
        self.browser.measure = None
        self.browser.setPlainText(self._text)
        self.browser.image_positions = []
        self._map = TextMap(self._text)
        self._apply_font()
        self.browser.update_margins()
        self._update_selections()
        self._refind()

    def showing_original(self) -> bool:
        """True while the original file is shown instead of the article."""
        return self._original

    def clear(self) -> None:
        """Show nothing (the document was closed or deleted)."""
        self._drop_pending_position()
        self._document = None
        self._original = False
        self._text = ""
        self._map = TextMap("")
        self._hits, self._current_hit = [], -1
        self._current_match = -1
        self.browser.image_positions = []
        self.browser.clear()
        self._refind()

    def _render(self, doc: Document) -> None:
        document = self.browser.document()
        document.setDefaultStyleSheet(
            _stylesheet(self._theme, QFontInfo(self.browser.font()).pixelSize())
        )
        self.browser.setHtml(article_html(doc))
        offsets = image_offsets(doc)
        self._map = TextMap.at_end(doc.text, document.characterCount(), offsets)
        self.browser.update_margins()
        # An image stands just before the offset it is recorded at.
        self.browser.image_positions = [self._map.position(offset) - 1 for offset in offsets]
        self.browser.fit_images()
        self._update_selections()

    @contextmanager
    def _keeping_place(self) -> Iterator[None]:
        """Keep the first line in view where it is while the content is laid out anew."""
        top = self.browser.top_position()
        yield
        self.browser.scroll_to_top(top)

    # Reading position

    def reading_position(self) -> int:
        """The offset of the first character in view (0 while the heading is in view)."""
        if self._document is None:
            return 0
        if self._original:
            return self._article_position
        return self._map.offset(self.browser.top_position())

    def set_reading_position(self, offset: int) -> None:
        """Scroll so the line holding ``offset`` is the first in view."""
        if self._document is None:
            return
        if self._original:
            self._article_position = min(max(offset, 0), len(self._document.text))
            return
        self._scroll_to_offset(offset)

    def _scroll_to_offset(self, offset: int) -> None:
        self.browser.scroll_to_top(self._map.position(offset) if offset > 0 else 0)
        self._reported_position = self.reading_position()

    def _on_scroll_bar_value_changed(self) -> None:
        if self._document is not None and not self._original:
            self._position_timer.start()

    def _on_position_timer_timeout(self) -> None:
        self._report_position()

    def _report_position(self) -> None:
        position = self.reading_position()
        if position != self._reported_position:
            self._reported_position = position
            self.position_changed.emit(position)

    def _drop_pending_position(self) -> None:
        """Forget a scroll not yet reported: it belongs to what is about to be replaced.

        Whoever replaces the document asks ``reading_position()`` first if it wants to keep it.
        """
        self._position_timer.stop()

    # Zoom

    def zoom_level(self) -> int:
        """Zoom steps from the default size (ZOOM_MIN to ZOOM_MAX)."""
        return self._zoom

    def set_zoom_level(self, level: int) -> None:
        """Zoom to ``level`` steps from the default size, within ZOOM_MIN..ZOOM_MAX."""
        level = min(max(level, ZOOM_MIN), ZOOM_MAX)
        if level == self._zoom:
            return
        self._zoom = level
        with self._keeping_place():
            self._apply_font()
            if self._original:
                self.browser.update_margins()
            elif self._document is not None:
                self._render(self._document)  # paragraph spacing is in pixels of the font size

    def zoom_in(self) -> None:
        """One step larger (up to ZOOM_MAX)."""
        self.set_zoom_level(self._zoom + 1)

    def zoom_out(self) -> None:
        """One step smaller (down to ZOOM_MIN)."""
        self.set_zoom_level(self._zoom - 1)

    def reset_zoom(self) -> None:
        """Back to the default size."""
        self.set_zoom_level(0)

    def _apply_font(self) -> None:
        size = _reading_point_size(self._zoom)
        self.browser.setFont(_body_font(size))
        # The widget font is the article's; the original file gets its own, set on the document.
        font = _mono_font(size * 0.9) if self._original else self.browser.font()
        self.browser.document().setDefaultFont(font)

    # Themes

    def theme(self) -> Theme:
        """The theme in use (for ``system``, the light or dark one it stands for)."""
        return self._theme

    def set_theme(self, name: str) -> None:
        """Use the theme called ``name`` (see theme.THEME_NAMES); ValueError if there is none."""
        theme = resolve(name)
        self._theme_name = name
        if theme == self._theme:
            return
        self._theme = theme
        with self._keeping_place():
            self._apply_palette()
            if self._document is not None and not self._original:
                self._render(self._document)
            else:
                self._update_selections()

    def _apply_palette(self) -> None:
        palette = self.browser.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor(self._theme.background))
        palette.setColor(QPalette.ColorRole.Text, QColor(self._theme.text))
        palette.setColor(QPalette.ColorRole.Link, QColor(self._theme.link))
        palette.setColor(QPalette.ColorRole.LinkVisited, QColor(self._theme.link))
        self.browser.setPalette(palette)

    def _on_color_scheme_changed(self) -> None:
        if self._theme_name == SYSTEM:
            self.set_theme(SYSTEM)

    # Annotations

    def set_annotations(self, spans: list[tuple[int, int, str]]) -> None:
        """Draw the document's highlights: (start, end, colour name) in article offsets."""
        self._annotations = [s for s in spans if s[2] in HIGHLIGHT_COLOURS and s[0] < s[1]]
        self._update_selections()

    def selected_span(self) -> Span | None:
        """The selected passage of the article as offsets, or None."""
        cursor = self.browser.textCursor()
        if self._document is None or self._original or not cursor.hasSelection():
            return None
        start = self._map.offset(cursor.selectionStart())
        end = self._map.offset(cursor.selectionEnd())
        return (start, end) if start < end else None

    def offset_at(self, point: QPoint) -> int | None:
        """The article offset under a point of the browser's viewport, or None."""
        if self._document is None or self._original:
            return None
        return self._map.offset(self.browser.cursorForPosition(point).position())

    # Search hits

    def set_highlights(self, spans: list[Span]) -> None:
        """Highlight the search hits ``spans`` (offsets into the article); none is current."""
        length = len(self._document.text) if self._document is not None else 0
        clamped = {(max(start, 0), min(end, length)) for start, end in spans}
        self._hits = sorted(span for span in clamped if span[0] < span[1])
        self._current_hit = -1
        self._update_selections()

    def hit_count(self) -> int:
        """How many search hits are highlighted."""
        return len(self._hits)

    def current_hit(self) -> int:
        """The index of the current search hit, or -1."""
        return self._current_hit

    def next_hit(self) -> bool:
        """Move to the next search hit (wrapping around); False when there is none to go to."""
        return self._step_hit(1)

    def previous_hit(self) -> bool:
        """Move to the previous search hit (wrapping around); False when there is none."""
        return self._step_hit(-1)

    def _step_hit(self, step: int) -> bool:
        # Hits are offsets into the article: there is nothing to move to in the original file.
        if not self._hits or self._original:
            return False
        self._current_hit = _stepped(self._current_hit, step, len(self._hits))
        self._update_selections()
        self.browser.reveal(self._map.position(self._hits[self._current_hit][0]))
        return True

    # Find in page

    def show_find_bar(self) -> None:
        """Show the find bar and focus it, filled with the selected text if there is one."""
        selected = self.browser.textCursor().selectedText()
        text = selected if selected and "\u2029" not in selected else self.find_edit.text()
        self.find_bar.show()
        with QSignalBlocker(self.find_edit):
            self.find_edit.setText(text)
        self._refind()
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def hide_find_bar(self) -> None:
        """Hide the find bar, select the current match in the text and give the text focus."""
        if self._current_match >= 0:
            start, end = self._map.span(*self._matches[self._current_match])
            cursor = QTextCursor(self.browser.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            self.browser.setTextCursor(cursor)
        self.find_bar.hide()
        self._matches, self._current_match = [], -1
        self._update_selections()
        self.browser.setFocus()

    def find_next(self) -> bool:
        """Move to the next match of the find bar (wrapping around); False when there is none."""
        return self._step_match(1)

    def find_previous(self) -> bool:
        """Move to the previous match of the find bar (wrapping around); False if none."""
        return self._step_match(-1)

    def match_count(self) -> int:
        """How many matches the find bar has in what is shown."""
        return len(self._matches)

    def _step_match(self, step: int) -> bool:
        if not self._matches:
            return False
        self._current_match = _stepped(self._current_match, step, len(self._matches))
        self._show_current_match()
        return True

    def _on_find_edit_text_changed(self) -> None:
        self._refind()

    def _refind(self) -> None:
        """Find the find bar's text in what is shown, from the current match or the view."""
        needle = self.find_edit.text()
        if self.find_bar.isHidden() or not needle:
            self._matches, self._current_match = [], -1
            self._update_find_label()
            self._update_selections()
            return
        if self._current_match >= 0:
            start = self._matches[self._current_match][0]
        else:
            start = self._map.offset(self.browser.top_position())
        pattern = re.compile(re.escape(needle), re.IGNORECASE)
        self._matches = [match.span() for match in pattern.finditer(self._text)]
        if not self._matches:
            self._current_match = -1
            self._update_find_label()
            self._update_selections()
            return
        self._current_match = bisect_left(self._matches, (start, start)) % len(self._matches)
        self._show_current_match()

    def _show_current_match(self) -> None:
        self._update_find_label()
        self._update_selections()
        self.browser.reveal(self._map.position(self._matches[self._current_match][0]))

    def _update_find_label(self) -> None:
        if self._matches:
            label = f"{self._current_match + 1} of {len(self._matches)}"
        else:
            label = "No matches" if self.find_edit.text() else ""
        self.find_count_label.setText(label)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keys of the find bar: Enter next match, Shift+Enter previous match, Escape close."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.hide_find_bar()
                return True
            if watched is self.find_edit and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.find_previous()
                else:
                    self.find_next()
                return True
        return super().eventFilter(watched, event)

    # Extra selections

    def _update_selections(self) -> None:
        """Draw the search hits and find matches over the text, which itself stays untouched."""
        theme = self._theme
        selections: list[QTextEdit.ExtraSelection] = []
        if not self._original:
            for start, end, colour in self._annotations:
                selections += self._selections([(start, end)], HIGHLIGHT_COLOURS[colour])
            selections += self._selections(self._hits, theme.hit)
            if self._current_hit >= 0:
                selections += self._selections([self._hits[self._current_hit]], theme.current_hit)
        first = max(0, self._current_match - _DRAWN_MATCHES // 2)
        selections += self._selections(
            self._matches[first : first + _DRAWN_MATCHES], theme.find_match
        )
        if self._current_match >= 0:
            current = self._matches[self._current_match]
            selections += self._selections([current], theme.current_find_match)
        self.browser.setExtraSelections(selections)

    def _selections(self, spans: list[Span], colour: str) -> list[QTextEdit.ExtraSelection]:
        char_format = QTextCharFormat()
        char_format.setBackground(QColor(colour))
        document = self.browser.document()
        selections = []
        for span in spans:
            start, end = self._map.span(*span)
            cursor = QTextCursor(document)
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = char_format
            selections.append(selection)
        return selections
