"""Offsets in an article's text and positions in the document the reader pane renders agree."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor

from reader.core.models import Document
from reader.ui.reader_pane import ReaderPane
from reader.ui.textmap import TextMap, display_text, utf16_length

EMOJI = "\U0001f600"  # 😀, outside the BMP
RARE_HAN = "\U00020000"  # 𠀀, CJK Extension B, outside the BMP


def make_document(text: str, title: str = "A title") -> Document:
    return Document(
        id=1,
        title=title,
        date=dt.date(2024, 10, 6),
        source="Xinhua",
        byline=None,
        language=None,
        text=text,
        format="text",
        encoding="utf-8",
        imported_from="test.txt",
        original_sha256="0" * 64,
        original_size=len(text),
        imported_at=dt.datetime(2024, 10, 7, 12, 0),
        is_read=False,
        read_position=0,
    )


def rendered_text(pane: ReaderPane, start: int, end: int) -> str:
    """The text the pane's document holds between two positions, with "\\n" for block breaks."""
    cursor = QTextCursor(pane.browser.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText().replace("\u2029", "\n")


@pytest.fixture
def pane(qtbot) -> ReaderPane:
    widget = ReaderPane()
    qtbot.addWidget(widget)
    return widget


def test_characters_outside_the_bmp_take_two_positions():
    text = f"a{EMOJI}b\n{RARE_HAN}c"
    assert utf16_length(text) == len(text) + 2
    mapping = TextMap(text, base=10)
    assert [mapping.position(offset) for offset in range(len(text) + 1)] == [
        10,  # a
        11,  # 😀 (two units)
        13,  # b
        14,  # the paragraph break
        15,  # 𠀀 (two units)
        17,  # c
        18,  # the end
    ]
    assert mapping.end == 18


def test_every_offset_survives_a_round_trip():
    text = f"{EMOJI}{EMOJI}x\n\n中文{RARE_HAN}\nend{EMOJI}"
    mapping = TextMap(text, base=3)
    for offset in range(len(text) + 1):
        assert mapping.offset(mapping.position(offset)) == offset


def test_a_position_inside_a_surrogate_pair_means_that_character():
    mapping = TextMap(f"ab{EMOJI}c")
    assert mapping.position(2) == 2
    assert mapping.offset(3) == 2  # between the two halves of 😀
    assert mapping.offset(4) == 3


def test_positions_outside_the_text_are_clamped():
    mapping = TextMap(f"{EMOJI}abc", base=20)
    assert mapping.offset(0) == 0  # in the heading before the text
    assert mapping.offset(19) == 0
    assert mapping.offset(1000) == 4
    assert mapping.position(-5) == 20
    assert mapping.position(99) == mapping.end == 25


def test_at_end_finds_where_the_text_starts():
    text = f"one{EMOJI}\ntwo"
    # A heading of 5 positions and its block break, the text, and the final block break.
    mapping = TextMap.at_end(text, 6 + utf16_length(text) + 1)
    assert mapping.base == 6


def test_display_text_keeps_every_length():
    text = "tab\there\x00\x0b\x0c\r\u2028\u2029\ufdd0\ufffc\ud800" + EMOJI + "\nnext"
    shown = display_text(text)
    assert len(shown) == len(text)
    assert utf16_length(shown) == utf16_length(text)
    assert shown == "tab\there      \ufffd\ufffd\ufffd" + EMOJI + "\nnext"


def test_mapped_positions_hold_the_same_text_in_the_rendered_document(pane):
    paragraphs = [
        f"Before {EMOJI} after the emoji, {RARE_HAN}字 and more.",
        "",
        "  two  spaces,\ta tab, <b>markup</b> &amp; non\u00a0breaking",
        f"{EMOJI}",
        "中文段落，没有空格。",
        "",
    ]
    doc = make_document("\n".join(paragraphs), title=f"Title {EMOJI} with an emoji")
    pane.show_document(doc)
    mapping = TextMap.at_end(doc.text, pane.browser.document().characterCount())
    assert rendered_text(pane, mapping.position(0), mapping.end) == doc.text
    starts = [0]
    for paragraph in paragraphs:
        starts.append(starts[-1] + len(paragraph) + 1)
    spans = [(start, start + len(p)) for start, p in zip(starts, paragraphs, strict=False)]
    spans += [(0, 8), (7, 9), (8, 30), (9, 12), (22, 24), (starts[2] - 1, starts[3] + 1)]
    spans += [(starts[3], starts[3] + 1), (starts[4] + 2, len(doc.text))]
    for start, end in spans:
        assert rendered_text(pane, *mapping.span(start, end)) == doc.text[start:end]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=5), st.data())
def test_any_text_renders_position_for_position(pane, paragraphs, data):
    doc = make_document("\n".join(paragraphs))
    pane.show_document(doc)
    mapping = TextMap.at_end(doc.text, pane.browser.document().characterCount())
    assert rendered_text(pane, mapping.position(0), mapping.end) == display_text(doc.text)
    start = data.draw(st.integers(0, len(doc.text)))
    end = data.draw(st.integers(start, len(doc.text)))
    assert rendered_text(pane, *mapping.span(start, end)) == display_text(doc.text[start:end])
