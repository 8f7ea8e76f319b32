"""The bundled CJK font: it loads, the reader pane falls back to it, and a machine without a CJK
font draws Chinese, Japanese and Korean with it instead of boxes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QTextLayout
from PySide6.QtWidgets import QApplication

from reader.ui import fonts
from reader.ui.reader_pane import ReaderPane

CJK_TEXT = "习近平出席巴西总统卢拉举行的欢迎宴会ひらがなカタカナ한국어"


def glyph_runs(text: str, font: QFont) -> list[tuple[str, list[int]]]:
    """(font family, glyph ids) of each run Qt lays ``text`` out in; glyph 0 is the box."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return [(run.rawFont().familyName(), list(run.glyphIndexes())) for run in layout.glyphRuns()]


@pytest.fixture
def registered(qapp) -> Iterator[list[str]]:
    """The bundled font registered in this process (removed again afterwards)."""
    families = fonts.register_bundled_font()
    yield families
    QFontDatabase.removeApplicationFont(fonts._font_id)
    fonts._font_id = -1


def test_the_bundled_font_file_is_there_with_its_licence():
    font = Path(fonts.bundled_font_path())
    assert font.stat().st_size > 1_000_000
    assert (font.parent / "LICENSE-Apache-2.0.txt").is_file()
    assert "Apache License" in (font.parent / "NOTICE.txt").read_text("utf-8")


def test_the_bundled_font_registers(registered):
    assert registered == [fonts.CJK_FAMILY]  # our file, not a system font of that name
    assert fonts.register_bundled_font() == [fonts.CJK_FAMILY]  # once is enough


def test_the_reader_pane_lists_it_last(qapp):
    pane = ReaderPane()
    families = pane.browser.document().defaultFont().families()
    assert families[-1] == fonts.CJK_FAMILY
    assert families[0] != fonts.CJK_FAMILY  # the system's text faces come first


def test_with_it_registered_the_pane_draws_cjk_with_real_glyphs(registered):
    pane = ReaderPane()
    font = pane.browser.document().defaultFont()
    runs = glyph_runs(CJK_TEXT, font)
    glyphs = [glyph for _family, ids in runs for glyph in ids]
    assert len(glyphs) == len(CJK_TEXT)
    assert 0 not in glyphs
    # Ours, listed in the pane's font, comes before a system CJK font (CI has one; this
    # machine may have a Droid Sans Fallback of its own, the name ours had once).
    assert {family for family, _ids in runs} == {fonts.CJK_FAMILY}
    assert fonts.renders_cjk(font)


def test_the_application_font_keeps_its_family_first(qapp):
    font = QFont("Sans Serif", 11)
    extended = fonts.with_cjk_fallback(font)
    assert extended.families() == ["Sans Serif", fonts.CJK_FAMILY]
    assert extended.pointSize() == 11
    assert fonts.with_cjk_fallback(extended).families() == extended.families()


def test_install_leaves_a_system_with_cjk_fonts_alone(qapp, monkeypatch):
    monkeypatch.setattr(fonts, "renders_cjk", lambda font: True)
    before = qapp.font().families()
    assert not fonts.install(qapp)
    assert qapp.font().families() == before


def test_install_adds_the_font_where_cjk_cannot_be_drawn(registered, qapp, monkeypatch):
    monkeypatch.setattr(fonts, "renders_cjk", lambda font: False)
    before = qapp.font()
    try:
        assert fonts.install(qapp)
        families = qapp.font().families()
        assert families[-1] == fonts.CJK_FAMILY
        assert families[:-1] == (before.families() or [before.family()])
    finally:
        QApplication.setFont(before)


def _latin_only_fontconfig(tmp_path: Path, *extra: Path) -> Path | None:
    """A fontconfig set-up that sees one Latin font and no CJK font (a bare desktop), plus the
    folders of ``extra`` font files."""
    if sys.platform != "linux" or shutil.which("fc-match") is None:
        return None
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True, text=True, check=False
    ).stdout
    if not found or not Path(found).is_file():
        return None
    folders = "".join(f"<dir>{path.parent}</dir>" for path in (Path(found), *extra))
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"{folders}<cachedir>{tmp_path / 'cache'}</cachedir>"
        "</fontconfig>"
    )
    return config


def _cjk_in_a_fresh_app(config: Path, monkeypatch) -> list[str]:
    """What a new Reader process with ``config`` for fontconfig prints: the system's CJK fonts,
    the application font's last family, then a line per run the reader pane lays CJK_TEXT in."""
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    script = textwrap.dedent(
        f"""
        from PySide6.QtGui import QFontDatabase
        from reader.ui.app import application
        from reader.ui.reader_pane import ReaderPane
        from reader.ui import fonts
        from tests.ui.test_fonts import glyph_runs
        app = application()
        chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
        print("system CJK fonts:", [f for f in chinese if f != fonts.CJK_FAMILY])
        print("application font:", app.font().families()[-1])
        pane = ReaderPane()
        for family, ids in glyph_runs({CJK_TEXT!r}, pane.browser.document().defaultFont()):
            print(f"run: {{family}}|{{min(ids)}}")
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_a_machine_without_cjk_fonts_draws_cjk_with_the_bundled_font(tmp_path, monkeypatch):
    config = _latin_only_fontconfig(tmp_path)
    if config is None:
        pytest.skip("needs Linux with fontconfig and DejaVu Sans")
    lines = _cjk_in_a_fresh_app(config, monkeypatch)
    assert lines[0] == "system CJK fonts: []"  # a bare desktop indeed
    assert lines[1] == f"application font: {fonts.CJK_FAMILY}"
    runs = [line.removeprefix("run: ").split("|") for line in lines[2:]]
    assert runs and all(family == fonts.CJK_FAMILY for family, _ in runs)
    assert all(int(lowest) > 0 for _, lowest in runs)  # glyph 0 would be the box


DEBIAN_DROID_FULL = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")


def test_debians_droid_fallback_cannot_stand_in_for_the_bundled_font(tmp_path, monkeypatch):
    """fonts-droid-fallback (Ghostscript and ImageMagick pull it in) has the family name the
    bundled font had, without Korean: Qt took glyphs from it, and Korean drew as boxes."""
    if not DEBIAN_DROID_FULL.is_file():
        pytest.skip("needs Debian's fonts-droid-fallback")
    config = _latin_only_fontconfig(tmp_path, DEBIAN_DROID_FULL)
    if config is None:
        pytest.skip("needs Linux with fontconfig and DejaVu Sans")
    lines = _cjk_in_a_fresh_app(config, monkeypatch)
    assert lines[0] == "system CJK fonts: ['Droid Sans Fallback']"
    assert lines[1] == f"application font: {fonts.CJK_FAMILY}"  # it cannot draw Korean
    runs = [line.removeprefix("run: ").split("|") for line in lines[2:]]
    assert runs and all(family == fonts.CJK_FAMILY for family, _ in runs)
    assert all(int(lowest) > 0 for _, lowest in runs)
