"""The reader pane: what it shows, zoom, themes, reading position, highlights and find in page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QFontInfo,
    QGuiApplication,
    QPalette,
    QTextCursor,
    QTextDocument,
)

from reader.ui.models import format_date
from reader.ui.reader_pane import MEASURE, ZOOM_MAX, ZOOM_MIN, ReaderPane
from reader.ui.textmap import TextMap
from reader.ui.theme import DARK, LIGHT, THEME_NAMES, resolve
from tests.conftest import seed_id
from tests.ui.test_textmap import EMOJI, RARE_HAN, make_document, rendered_text

WORDS = "harbour railway budget election festival museum drought vaccine orchestra glacier".split()


def long_text(paragraphs: int = 120) -> str:
    """Paragraphs of 40 to 100 words each, every one starting with its number."""
    return "\n".join(
        f"P{n} " + " ".join(WORDS[(n * 3 + i) % len(WORDS)] for i in range(40 + n * 7 % 60))
        for n in range(paragraphs)
    )


def paragraph_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


@pytest.fixture
def pane(qtbot) -> ReaderPane:
    widget = ReaderPane()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def text_map(pane: ReaderPane) -> TextMap:
    doc = pane.document()
    assert doc is not None
    return TextMap.at_end(doc.text, pane.browser.document().characterCount())


def selections(pane: ReaderPane, colour: str) -> list[str]:
    """The text under each extra selection drawn in ``colour``."""
    return [
        selection.cursor.selectedText()
        for selection in pane.browser.extraSelections()
        if selection.format.background().color().name() == colour
    ]


def is_in_view(pane: ReaderPane, offset: int) -> bool:
    cursor = QTextCursor(pane.browser.document())
    cursor.setPosition(text_map(pane).position(offset))
    return pane.browser.viewport().rect().contains(pane.browser.cursorRect(cursor))


# What is shown


def test_shows_the_title_the_meta_line_and_the_paragraphs(pane, library):
    doc = library.document(seed_id(library, "000"))
    pane.show_document(doc)
    lines = pane.browser.toPlainText().split("\n")
    assert lines[0] == doc.title
    assert doc.date == dt.date(2024, 10, 6)
    assert lines[1] == "6 October 2024 · Xinhua"
    assert lines[2:] == [p.replace("\u00a0", " ") for p in doc.paragraphs]
    assert not pane.showing_original()


def test_the_meta_line_says_when_the_date_is_unknown(pane):
    doc = dataclasses.replace(
        make_document("Text."), date=None, source="The Paper", byline="By A. Writer"
    )
    pane.show_document(doc)
    assert pane.browser.toPlainText().split("\n")[1] == "Date unknown · The Paper · By A. Writer"
    assert format_date(dt.date(2020, 1, 2), full=True) == "2 January 2020"
    assert format_date(dt.date(2020, 1, 2)) == "2 Jan 2020"


def test_markup_in_the_text_is_shown_literally(pane):
    text = "<b>not bold</b> &amp; <script>alert(1)</script>\n<img src='http://example.com/x.png'>"
    pane.show_document(make_document(text, title="<i>Title</i>"))
    assert pane.browser.toPlainText() == "<i>Title</i>\n6 October 2024 · Xinhua\n" + text
    assert "<img" not in pane.browser.toHtml()


def test_cjk_text_is_drawn_with_real_glyphs(pane):
    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        pytest.skip("no CJK font installed (Debian: fonts-wqy-microhei)")
    pane.show_document(make_document("习近平出席巴西总统卢拉举行的欢迎宴会"))
    block = pane.browser.document().lastBlock()
    runs = block.layout().lineAt(0).glyphRuns()
    glyphs = [glyph for run in runs for glyph in run.glyphIndexes()]
    assert len(glyphs) == len(block.text())
    assert 0 not in glyphs  # glyph 0 is the missing-glyph box


def test_the_original_file_is_shown_literally_in_monospace(pane, library):
    doc = library.document(seed_id(library, "000"))
    pane.show_document(doc)
    pane.set_reading_position(len(doc.text) // 2)
    place = pane.reading_position()
    pane.show_original("<b>raw</b> &amp;\r\nsecond\tline\n")
    assert pane.showing_original()
    assert pane.browser.toPlainText() == "<b>raw</b> &amp;\nsecond\tline\n"
    shown = pane.browser.document().defaultFont()
    system_fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    assert shown.family() == system_fixed.family()
    # Fixed pitch for real wherever the system has such a face (.ci/run installs DejaVu Sans
    # Mono; a machine whose only "Mono" is a CJK face has none, and Qt says so).
    if QFontInfo(system_fixed).fixedPitch():
        assert QFontInfo(shown).fixedPitch()
    assert pane.reading_position() == place
    pane.show_document(doc)
    assert not pane.showing_original()
    assert pane.browser.toPlainText().startswith(doc.title)
    assert pane.reading_position() == place
    assert not QFontInfo(pane.browser.document().defaultFont()).fixedPitch()


def test_clear_shows_nothing(pane, library):
    pane.show_document(library.document(seed_id(library, "001")))
    pane.clear()
    assert pane.document() is None
    assert pane.browser.toPlainText() == ""
    assert pane.reading_position() == 0


def test_widgets_have_accessible_names(pane):
    widgets = [
        pane.browser,
        pane.find_bar,
        pane.find_edit,
        pane.find_next_button,
        pane.find_previous_button,
        pane.find_count_label,
        pane.find_close_button,
    ]
    assert all(widget.accessibleName() for widget in widgets)


# Privacy


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/tracker.png",
        "https://example.com/style.css",
        "ftp://example.com/x.png",
        "gopher://example.com/x",
        "file://fileserver/share/x.png",  # on Windows, a UNC path: a network fetch
        "//fileserver/share/x.png",
    ],
)
def test_remote_resources_are_never_loaded(pane, url):
    loaded = pane.browser.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(url))
    assert not loaded


def test_local_resources_still_load(pane, tmp_path: Path):
    path = tmp_path / "note.txt"
    path.write_bytes(b"local bytes")
    loaded = pane.browser.loadResource(
        QTextDocument.ResourceType.ImageResource, QUrl.fromLocalFile(str(path))
    )
    assert bytes(loaded) == b"local bytes"


def test_clicking_a_link_reports_it_and_goes_nowhere(pane, qtbot):
    pane.browser.setHtml('<p>See <a href="https://example.com/page">the page</a>.</p>')
    cursor = QTextCursor(pane.browser.document())
    cursor.setPosition(8)
    point = pane.browser.cursorRect(cursor).center()
    with qtbot.waitSignal(pane.link_activated, timeout=2000) as signal:
        qtbot.mouseClick(pane.browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert signal.args == [QUrl("https://example.com/page")]
    assert pane.browser.source().isEmpty()
    assert pane.browser.toPlainText() == "See the page."


# Zoom


def test_zoom_changes_the_font_size_within_bounds(pane, library):
    pane.show_document(library.document(seed_id(library, "000")))
    default = pane.browser.font().pointSizeF()
    pane.zoom_in()
    assert pane.zoom_level() == 1
    assert pane.browser.font().pointSizeF() > default
    pane.reset_zoom()
    assert pane.browser.font().pointSizeF() == default
    pane.zoom_out()
    assert pane.browser.font().pointSizeF() < default
    for _ in range(30):
        pane.zoom_in()
    assert pane.zoom_level() == ZOOM_MAX
    for _ in range(30):
        pane.zoom_out()
    assert pane.zoom_level() == ZOOM_MIN
    pane.set_zoom_level(99)
    assert pane.zoom_level() == ZOOM_MAX
    pane.reset_zoom()
    assert pane.zoom_level() == 0
    assert pane.browser.font().pointSizeF() == default


@pytest.mark.parametrize("zoom", [-2, 0, 4])
def test_lines_keep_a_comfortable_measure_at_any_zoom(pane, zoom):
    pane.resize(2400, 800)
    pane.set_zoom_level(zoom)
    pane.show_document(make_document(long_text(3)))
    layout = pane.browser.document().lastBlock().layout()
    lengths = [layout.lineAt(i).textLength() for i in range(layout.lineCount() - 1)]
    assert lengths
    assert all(MEASURE * 0.75 <= length <= MEASURE * 1.15 for length in lengths)


# Themes


def background(pane: ReaderPane) -> str:
    return pane.browser.viewport().grab().toImage().pixelColor(QPoint(3, 3)).name()


def test_each_theme_has_its_own_background(pane, library):
    pane.show_document(library.document(seed_id(library, "000")))
    seen = set()
    for name in ("light", "sepia", "dark"):
        pane.set_theme(name)
        assert background(pane) == resolve(name).background
        seen.add(background(pane))
    assert len(seen) == 3
    pane.set_theme("system")
    assert pane.theme() in (LIGHT, DARK)
    assert "system" in THEME_NAMES


def test_system_theme_follows_a_dark_desktop(qapp):
    if QGuiApplication.styleHints().colorScheme() != Qt.ColorScheme.Unknown:
        pytest.skip("the platform states a colour scheme; the palette is not consulted")
    light_palette = qapp.palette()
    qapp.setPalette(QPalette(QColor("#202124")))
    try:
        assert resolve("system") == DARK
    finally:
        qapp.setPalette(light_palette)
    assert resolve("system") == LIGHT


def test_an_unknown_theme_is_refused(pane):
    with pytest.raises(ValueError, match="unknown theme"):
        pane.set_theme("neon")


def test_switching_theme_keeps_the_place(pane):
    doc = make_document(long_text())
    pane.show_document(doc)
    pane.set_reading_position(len(doc.text) // 2)
    place = pane.reading_position()
    pane.set_theme("dark")
    pane.set_theme("sepia")
    assert pane.reading_position() == place


# Reading position


@pytest.mark.parametrize("fraction", [0.1, 0.37, 0.5, 0.8])
def test_reading_position_round_trip(pane, fraction):
    doc = make_document(long_text())
    pane.show_document(doc)
    assert pane.reading_position() == 0
    target = int(len(doc.text) * fraction)
    pane.set_reading_position(target)
    place = pane.reading_position()
    assert paragraph_start(doc.text, target) <= place <= target
    assert is_in_view(pane, target)
    pane.set_reading_position(0)
    assert pane.reading_position() == 0
    pane.set_reading_position(place)
    assert pane.reading_position() == place


def test_reading_position_far_into_an_article_not_laid_out_yet(pane):
    doc = make_document(long_text(1500))  # long enough for Qt to lay it out lazily
    pane.show_document(doc)
    target = doc.text.index("P1400 ")
    pane.set_reading_position(target)
    assert pane.reading_position() == target


def test_reading_position_counts_code_points_after_emoji(pane):
    doc = make_document(("Emoji " + EMOJI * 30 + " " + RARE_HAN * 20 + "\n") * 80 + long_text())
    pane.show_document(doc)
    target = doc.text.index("P50 ")
    pane.set_reading_position(target)
    assert pane.reading_position() == target


def test_resizing_keeps_the_place(pane):
    doc = make_document(long_text())
    pane.show_document(doc)
    pane.set_reading_position(len(doc.text) // 2)
    place = pane.reading_position()
    pane.resize(500, 600)
    assert paragraph_start(doc.text, place) <= pane.reading_position() <= place
    assert is_in_view(pane, place)


def test_scrolling_reports_the_position_once_it_stops(pane, qtbot):
    doc = make_document(long_text())
    pane.show_document(doc)
    with qtbot.assertNotEmitted(pane.position_changed, wait=700):
        pane.set_reading_position(len(doc.text) // 3)
    bar = pane.browser.verticalScrollBar()
    with qtbot.waitSignal(pane.position_changed, timeout=3000) as signal:
        bar.setValue(bar.value() + 400)
        bar.setValue(bar.value() + 400)
    assert signal.args == [pane.reading_position()]
    assert signal.args[0] > len(doc.text) // 3


# Search hits


def test_highlights_cover_the_spans_of_the_text(pane):
    doc = make_document(f"Plain words then {EMOJI} emoji {RARE_HAN}字 and\n中文 {EMOJI}{EMOJI} end")
    pane.show_document(doc)
    spans = [(0, 5), (17, 18), (19, 24), (25, 27), (doc.text.index("中"), len(doc.text))]
    pane.set_highlights(spans)
    theme = pane.theme()
    assert selections(pane, theme.hit) == [doc.text[start:end] for start, end in spans]
    assert pane.browser.toPlainText().split("\n")[2:] == doc.paragraphs  # the text is untouched
    assert pane.hit_count() == 5
    assert pane.current_hit() == -1


def test_highlights_outside_the_text_are_dropped_and_cleared_with_a_new_document(pane, library):
    pane.show_document(make_document("short text"))
    pane.set_highlights([(6, 99), (50, 60), (-3, 5), (4, 4)])
    assert selections(pane, pane.theme().hit) == ["short", "text"]
    pane.show_document(library.document(seed_id(library, "001")))
    assert pane.hit_count() == 0
    assert pane.browser.extraSelections() == []


def test_next_and_previous_hit_wrap_around(pane):
    doc = make_document(long_text())
    pane.show_document(doc)
    starts = [match.start() for match in re.finditer(r"P(?:10|60|110) ", doc.text)]
    pane.set_highlights([(start, start + 3) for start in starts])
    assert [pane.next_hit() for _ in range(3)] == [True, True, True]
    assert pane.current_hit() == 2
    assert is_in_view(pane, starts[2])
    assert selections(pane, pane.theme().current_hit) == ["P11"]
    pane.next_hit()
    assert pane.current_hit() == 0
    assert is_in_view(pane, starts[0])
    pane.previous_hit()
    assert pane.current_hit() == 2
    pane.set_highlights([])
    assert not pane.next_hit()
    assert not pane.previous_hit()
    assert pane.current_hit() == -1


# Find in page


def test_find_bar_finds_counts_and_closes(pane, qtbot, library):
    doc = library.document(seed_id(library, "000"))
    pane.show_document(doc)
    pane.set_highlights([(0, 7)])
    assert pane.find_bar.isHidden()
    pane.show_find_bar()
    assert not pane.find_bar.isHidden()
    assert pane.find_edit.hasFocus()
    qtbot.keyClicks(pane.find_edit, "XI ")
    count = len(re.findall("xi ", doc.text, re.IGNORECASE))
    assert count > 2
    assert pane.match_count() == count
    assert pane.find_count_label.text() == f"1 of {count}"
    theme = pane.theme()
    matches = selections(pane, theme.find_match)
    assert len(matches) == count
    assert all(match.lower() == "xi " for match in matches)
    assert selections(pane, theme.hit) == [doc.text[0:7]]  # search hits stay visible
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_Return)
    assert pane.find_count_label.text() == f"2 of {count}"
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert pane.find_count_label.text() == f"{count} of {count}"
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_Escape)
    assert pane.find_bar.isHidden()
    assert pane.browser.hasFocus()
    assert selections(pane, theme.find_match) == []
    assert selections(pane, theme.hit) == [doc.text[0:7]]
    assert pane.browser.textCursor().selectedText().lower() == "xi "


def test_find_bar_starts_with_the_selection_and_says_when_nothing_matches(pane, qtbot):
    doc = make_document(f"Alpha beta {EMOJI} gamma beta\nBETA delta")
    pane.show_document(doc)
    cursor = QTextCursor(pane.browser.document())
    cursor.setPosition(text_map(pane).position(6))
    cursor.setPosition(text_map(pane).position(10), QTextCursor.MoveMode.KeepAnchor)
    pane.browser.setTextCursor(cursor)
    pane.show_find_bar()
    assert pane.find_edit.text() == "beta"
    assert pane.find_count_label.text() == "1 of 3"
    assert selections(pane, pane.theme().current_find_match) == ["beta"]
    assert pane.find_next()
    assert selections(pane, pane.theme().current_find_match) == ["beta"]
    assert pane.find_next()
    assert selections(pane, pane.theme().current_find_match) == ["BETA"]
    pane.find_edit.setText("epsilon")
    assert pane.find_count_label.text() == "No matches"
    assert not pane.find_next()
    assert pane.browser.extraSelections() == []


def test_find_searches_the_original_file_while_it_is_shown(pane):
    pane.show_document(make_document("article words"))
    pane.show_original("raw header\nraw words, raw text")
    pane.show_find_bar()
    pane.find_edit.setText("raw")
    assert pane.match_count() == 3
    assert selections(pane, pane.theme().find_match) == ["raw"] * 3


def test_the_view_follows_the_current_match(pane):
    doc = make_document(long_text())
    pane.show_document(doc)
    pane.show_find_bar()
    pane.find_edit.setText("P90 ")
    assert pane.match_count() == 1
    assert is_in_view(pane, doc.text.index("P90 "))


# Structure and images


def structured_document(image: bytes) -> tuple:
    from reader.core.models import Block, Mark

    paragraphs = [
        "Intro with bold words and a link.",
        "Section",
        "",
        "First item",
        "Second item",
        "line one",
        "line two",
        "Year\tEvent",
        "After the image there is this closing sentence.",
    ]
    blocks = (
        Block(marks=(Mark(11, 15, "strong"), Mark(28, 32, "link", "https://example.org"))),
        Block("h2"),
        Block("image", src="pics/a.png"),
        Block("li"),
        Block("li", ordinal=2),
        Block("code"),
        Block("code"),
        Block("row"),
        Block(marks=(Mark(0, 5, "link", "javascript:alert(1)"),)),
    )
    doc = dataclasses.replace(
        make_document("\n".join(paragraphs)),
        blocks=blocks,
        images={"pics/a.png": "f" * 64},
    )
    return doc, {"f" * 64: image}


def png(width: int, height: int) -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QImage

    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def test_structure_is_shown_and_offsets_still_map_past_an_image(qtbot, pane):
    doc, blobs = structured_document(png(3000, 400))
    pane.browser.image_loader = blobs.get
    pane.show_document(doc)
    html = pane.browser.toHtml()
    assert '<a href="https://example.org"' in html and "javascript" not in html
    assert "font-weight:700" in html.replace(" ", "")  # the bold words
    mapping = TextMap.at_end(
        doc.text, pane.browser.document().characterCount(), [doc.text.index("\n\n") + 1]
    )
    # Every paragraph's text sits exactly where the map says, before and after the image.
    offset = 0
    for paragraph in doc.paragraphs:
        start, end = mapping.span(offset, offset + len(paragraph))
        assert rendered_text(pane, start, end) == paragraph
        offset += len(paragraph) + 1
    # The image is in the document, shown no wider than the text column, whatever its width.
    at = mapping.position(doc.text.index("\n\n") + 1) - 1

    def shown_width() -> float:
        fragment = next(iter(pane.browser.document().findBlock(at))).fragment()
        assert fragment.charFormat().isImageFormat()
        return fragment.charFormat().toImageFormat().width()

    assert 0 < shown_width() == pane.browser.column_width()
    pane.resize(500, 600)
    qtbot.waitUntil(lambda: shown_width() == pane.browser.column_width())
    assert pane.browser.horizontalScrollBar().maximum() == 0
    # Highlights after the image fall on the right words.
    closing = doc.text.index("closing")
    pane.set_highlights([(closing, closing + len("closing"))])
    assert selections(pane, pane.theme().hit) == ["closing"]
    pane.set_annotations([(closing, closing + len("closing"), "yellow")])
    pane.browser.selectAll()
    assert pane.selected_span() == (0, len(doc.text))


def test_an_image_missing_from_the_data_dir_does_not_shift_highlights(pane):
    doc, _blobs = structured_document(b"")
    pane.browser.image_loader = lambda digest: None
    pane.show_document(doc)
    closing = doc.text.index("closing")
    pane.set_highlights([(closing, closing + len("closing"))])
    assert selections(pane, pane.theme().hit) == ["closing"]
