"""Text files in the encodings people actually have, decoded from the bytes alone."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.encoding import decode
from reader.core.errors import ImportFailed
from reader.core.importers import extract_bytes

CHINESE = (
    "中华人民共和国国务院总理今天在北京会见了来访的外国客人，双方就共同关心的问题交换了意见。" * 3
)
TRADITIONAL = "中華民國的總統今天在臺北會見了來訪的外國客人，雙方就共同關心的問題交換了意見。" * 3
FRENCH = "Le président a rencontré les syndicats à l'Élysée pour une réunion très attendue. " * 3


@pytest.mark.parametrize(
    ("text", "encoding", "expected_encoding"),
    [
        (CHINESE, "utf-8", "utf-8"),
        (CHINESE, "gbk", "gb18030"),
        (CHINESE, "gb18030", "gb18030"),
        (TRADITIONAL, "big5", "big5"),
        (FRENCH, "latin-1", "cp1252"),
        (FRENCH, "cp1252", "cp1252"),
    ],
)
def test_detects_encoding_from_bytes(text, encoding, expected_encoding):
    decoded, found = decode(text.encode(encoding))
    assert decoded == text
    assert found == expected_encoding


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_byte_order_marks(bom, codec):
    decoded, found = decode(bom + CHINESE.encode(codec))
    assert decoded == CHINESE
    assert found == codec


def test_utf16_without_bom():
    assert decode(FRENCH.encode("utf-16-le"))[0] == FRENCH


def test_a_damaged_byte_in_utf8_costs_one_character_not_the_file():
    data = FRENCH.encode("utf-8") + b"\xff" + CHINESE.encode("utf-8")
    decoded, found = decode(data)
    assert found == "utf-8"
    assert decoded == FRENCH + "\ufffd" + CHINESE


def test_binary_is_refused():
    with pytest.raises(ImportFailed, match="binary"):
        decode(bytes(range(256)) * 20)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4000))
def test_any_bytes_give_a_document_or_a_clear_error(data):
    try:
        doc = extract_bytes(data, "dropped.txt")
    except ImportFailed as exc:
        assert str(exc)
    else:
        assert doc.title
        assert isinstance(doc.text, str)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=2000))
def test_any_text_round_trips_through_utf8(text):
    try:
        doc = extract_bytes(text.encode("utf-8"), "note.txt")
    except ImportFailed as exc:
        assert str(exc)
    else:
        assert doc.title.strip()
