"""Turn the bytes of a text file into a string, detecting the encoding from the bytes themselves."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from reader.core.errors import ImportFailed

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# When several encodings decode the bytes about equally well, the more common one wins.
_PREFERRED = (
    "utf_8",
    "gb18030",
    "big5",
    "shift_jis",
    "cp932",
    "euc_jp",
    "euc_kr",
    "cp949",
    "cp1252",
    "latin_1",
    "cp1251",
    "koi8_r",
    "cp1250",
    "iso8859_15",
)
_CHAOS_TOLERANCE = 0.1
# Control characters (Unicode category Cc) other than tab, newlines and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Share of control characters above which a file is treated as binary, not text.
_MAX_CONTROL_SHARE = 0.01
# Superset codecs that decode everything their subsets do (and what real files labelled so contain).
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "ascii": "utf-8", "latin_1": "cp1252"}


def _canonical(encoding: str) -> str:
    name = codecs.lookup(encoding).name.replace("-", "_")
    return _SUPERSETS.get(name, name).replace("_", "-")


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:200_000]
    return len(_CONTROL.findall(sample)) / len(sample)


def _mostly_utf8(data: bytes) -> bool:
    """True for UTF-8 text with a few damaged bytes (as opposed to text in a legacy encoding)."""
    decoded = data.decode("utf-8", errors="replace")
    errors = decoded.count("\ufffd")
    multibyte = sum(1 for ch in decoded if ord(ch) > 0x7F and ch != "\ufffd")
    return errors > 0 and multibyte >= max(3, 2 * errors)


def _looks_like_bomless_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_zeros = sample[0::2].count(0) / len(sample[0::2])
    odd_zeros = sample[1::2].count(0) / len(sample[1::2])
    if odd_zeros > 0.3 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.3 and odd_zeros < 0.05:
        return "utf-16-be"
    return None


def _check_text(text: str, encoding: str) -> tuple[str, str]:
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise ImportFailed("it looks like binary data, not text")
    return text, encoding


def decode(data: bytes) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    Byte-order marks decide first, then strict UTF-8, then statistical detection.
    Raises ImportFailed when the bytes are not text in any encoding Reader knows.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data[len(bom) :].decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise ImportFailed(f"it starts as {encoding} text but is damaged") from exc
    if b"\x00" in data[:65536]:
        utf16 = _looks_like_bomless_utf16(data)
        if utf16 is None:
            raise ImportFailed("it looks like binary data, not text")
        try:
            return _check_text(data.decode(utf16), utf16)
        except UnicodeDecodeError as exc:
            raise ImportFailed("it looks like binary data, not text") from exc
    try:
        return _check_text(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return _check_text(data.decode("utf-8", errors="replace"), "utf-8")
    return _check_text(*_detect(data))


def _detect(data: bytes) -> tuple[str, str]:
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise ImportFailed("its text encoding could not be recognised (is it a text file?)")
    best_chaos = min(match.chaos for match in matches)
    close = [m for m in matches if m.chaos <= best_chaos + _CHAOS_TOLERANCE]

    def rank(match: charset_normalizer.CharsetMatch) -> tuple[int, float]:
        name = codecs.lookup(match.encoding).name.replace("-", "_")
        order = _PREFERRED.index(name) if name in _PREFERRED else len(_PREFERRED)
        return order, match.chaos

    encoding = _canonical(min(close, key=rank).encoding)
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace"), encoding


def decode_as(data: bytes, encoding: str) -> str:
    """Decode with an encoding the user chose; undecodable bytes become U+FFFD."""
    if codecs.lookup(encoding).name not in ("utf-16", "utf-32"):  # those read their own BOM
        for bom, _ in _BOMS:
            if data.startswith(bom):
                data = data[len(bom) :]
                break
    return data.decode(encoding, errors="replace")


def decode_with(data: bytes, encoding: str | None) -> tuple[str, str]:
    """``decode(data)``, or decode as ``encoding`` when the user chose one."""
    if encoding is None:
        return decode(data)
    try:
        name = codecs.lookup(encoding).name
    except LookupError as exc:
        raise ImportFailed(f"Reader does not know the encoding {encoding!r}") from exc
    return _check_text(decode_as(data, name), name)
