"""Reading themes of the reader pane: light, sepia, dark, and system (light or dark, as the OS)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette


@dataclass(frozen=True, slots=True)
class Theme:
    """The colours of one reading theme, as ``#rrggbb`` strings."""

    name: str
    background: str
    text: str
    secondary: str  # the meta line under the title
    link: str
    hit: str  # search hits
    current_hit: str
    find_match: str  # matches of the find bar
    current_find_match: str


LIGHT = Theme(
    name="light",
    background="#ffffff",
    text="#1f1f1f",
    secondary="#6b6b6b",
    link="#1a5fb4",
    hit="#fff3a3",
    current_hit="#ffb347",
    find_match="#c8e6ff",
    current_find_match="#6cb6ff",
)
SEPIA = Theme(
    name="sepia",
    background="#f4ecd8",
    text="#433422",
    secondary="#7a6a55",
    link="#8a4b14",
    hit="#f0d77a",
    current_hit="#e8a04c",
    find_match="#c9dcc0",
    current_find_match="#8fbf7a",
)
DARK = Theme(
    name="dark",
    background="#1e1f22",
    text="#dcdcdc",
    secondary="#9a9a9a",
    link="#8ab4f8",
    hit="#5c4d12",
    current_hit="#a8621c",
    find_match="#1f4a6e",
    current_find_match="#2f77b5",
)

SYSTEM = "system"
THEMES: dict[str, Theme] = {theme.name: theme for theme in (LIGHT, SEPIA, DARK)}
THEME_NAMES: tuple[str, ...] = (SYSTEM, *THEMES)


def system_is_dark() -> bool:
    """True when the desktop asks for a dark colour scheme (or, before Qt says, looks dark)."""
    if QGuiApplication.instance() is None:
        return False
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme != Qt.ColorScheme.Unknown:
        return scheme == Qt.ColorScheme.Dark
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def resolve(name: str) -> Theme:
    """The theme called ``name`` (one of THEME_NAMES); ``system`` gives light or dark.

    Raises ValueError for an unknown name.
    """
    if name == SYSTEM:
        return DARK if system_is_dark() else LIGHT
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(
            f"unknown theme {name!r}; choose one of {', '.join(THEME_NAMES)}"
        ) from None
