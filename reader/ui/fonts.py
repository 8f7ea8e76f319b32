"""The bundled CJK font: registered at start-up on machines that have no font for CJK text."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication
from PySide6.QtGui import QFontDatabase as Fonts

from reader.paths import resource_path

# Droid Sans Fallback (Apache-2.0, resources/fonts/NOTICE.txt): Chinese, Japanese kana and
# Korean Hangul in 3.4 MB. Its "Full" sibling has Han extension A but no Hangul syllables, and
# Linux distributions install it under the family name "Droid Sans Fallback": ours is renamed,
# so that Qt cannot take the system's file for it (Korean drew as boxes).
FONT_FILE = ("fonts", "ReaderCJKFallback.ttf")
CJK_FAMILY = "Reader CJK Fallback"
# One character of each script: Han, Hiragana, Katakana, Hangul.
CJK_SAMPLE = "中かカ한"

_font_id = -1  # QFontDatabase's id of the bundled font once registered


def bundled_font_path() -> str:
    """Where the bundled CJK font file is in this copy of Reader."""
    return str(resource_path(*FONT_FILE))


def register_bundled_font() -> list[str]:
    """Add the bundled font to the application's fonts; returns its families (empty: failed).

    Needs a QGuiApplication. Registering it again returns the same families.
    """
    global _font_id
    if _font_id < 0 or not Fonts.applicationFontFamilies(_font_id):
        _font_id = Fonts.addApplicationFont(bundled_font_path())
    return Fonts.applicationFontFamilies(_font_id) if _font_id >= 0 else []


def renders_cjk(font: QFont) -> bool:
    """True if ``font`` (with the fallbacks Qt takes glyphs from) draws every CJK_SAMPLE script."""
    metrics = QFontMetrics(font)
    return all(metrics.inFontUcs4(ord(char)) for char in CJK_SAMPLE)


def with_cjk_fallback(font: QFont) -> QFont:
    """``font`` with the bundled family added last, so that its own families still come first."""
    families = font.families() or [font.family()]
    if CJK_FAMILY in families:
        return font
    extended = QFont(font)
    extended.setFamilies([*families, CJK_FAMILY])
    return extended


def install(app: QGuiApplication) -> bool:
    """At start-up: when the system cannot draw CJK text, register the bundled font and make it
    the application font's last fallback (the reader pane lists it last too). Returns whether
    it was installed.

    A system CJK font is left to do the work where there is one: it knows the user's language
    (Japanese and Chinese draw some of the same characters differently), the bundled one does not.
    """
    if renders_cjk(app.font()) or not register_bundled_font():
        return False
    app.setFont(with_cjk_fallback(app.font()))
    return True
