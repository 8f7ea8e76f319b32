"""Every keyboard shortcut of the window, in one table (shown by Help > Keyboard shortcuts)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence

Key = QKeySequence.StandardKey


@dataclass(frozen=True, slots=True)
class Shortcut:
    """An action's name, its keys and where it shows in the shortcuts window."""

    action: str
    label: str
    keys: tuple[QKeySequence | Key | str, ...]
    group: str


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("import_files", "Import files…", (Key.Open,), "Library"),
    Shortcut("import_folder", "Import folder…", ("Ctrl+Shift+O",), "Library"),
    # Ctrl+L, the browsers' address bar, goes to the document list here.
    Shortcut("import_url", "Import from URL…", ("Ctrl+Shift+L",), "Library"),
    Shortcut("export_notes", "Export annotations…", ("Ctrl+Shift+E",), "Library"),
    Shortcut("quit", "Quit", (Key.Quit, "Ctrl+Q"), "Library"),
    # Ctrl+F is the standard Find, which searches the open article; Ctrl+Shift+F is the usual
    # "find in all files", here: search the library.
    Shortcut("focus_search", "Search the library", ("Ctrl+K", "Ctrl+Shift+F"), "Search"),
    Shortcut("next_hit", "Next search hit in the article", (Key.FindNext, "F3"), "Search"),
    Shortcut(
        "previous_hit",
        "Previous search hit in the article",
        (Key.FindPrevious, "Shift+F3"),
        "Search",
    ),
    Shortcut("find_in_page", "Find in this article", (Key.Find,), "Search"),
    Shortcut("next_document", "Next document", ("Ctrl+Down",), "Reading"),
    Shortcut("previous_document", "Previous document", ("Ctrl+Up",), "Reading"),
    Shortcut("focus_list", "Go to the document list", ("Ctrl+L",), "Reading"),
    Shortcut("focus_timeline", "Go to the timeline", ("Ctrl+T",), "Reading"),
    Shortcut("focus_reader", "Go to the article", ("Ctrl+R",), "Reading"),
    Shortcut("toggle_read", "Mark read / unread", ("Ctrl+U",), "Reading"),
    Shortcut("show_original", "Show the original file", ("Ctrl+Shift+U",), "Reading"),
    Shortcut("zoom_in", "Larger text", (Key.ZoomIn, "Ctrl+="), "View"),
    Shortcut("zoom_out", "Smaller text", (Key.ZoomOut, "Ctrl+-"), "View"),
    Shortcut("zoom_reset", "Default text size", ("Ctrl+0",), "View"),
    Shortcut("highlight", "Highlight the selection", ("Ctrl+H",), "Annotate"),
    Shortcut("annotate", "Highlight with a note…", ("Ctrl+Shift+H",), "Annotate"),
    Shortcut("bookmark", "Bookmark this document", ("Ctrl+D",), "Annotate"),
    Shortcut("bookmark_place", "Bookmark this place…", ("Ctrl+Shift+D",), "Annotate"),
    Shortcut("annotations_panel", "Annotations panel", ("Ctrl+Shift+A",), "Annotate"),
    Shortcut("reextract", "Extract the article again", ("Ctrl+Shift+R",), "Edit"),
    Shortcut("edit_metadata", "Edit title, date, source…", ("Ctrl+E",), "Edit"),
    Shortcut("delete", "Delete document", (Key.Delete,), "Edit"),
    Shortcut("undo", "Undo delete", (Key.Undo,), "Edit"),
    Shortcut("shortcuts", "Keyboard shortcuts", ("Ctrl+/", "F1"), "Help"),
)


def key_sequences(shortcut: Shortcut) -> list[QKeySequence]:
    """The shortcut's keys as key sequences (standard keys expanded for this platform)."""
    sequences: list[QKeySequence] = []
    for key in shortcut.keys:
        if isinstance(key, Key):
            sequences.extend(QKeySequence.keyBindings(key))
        else:
            sequences.append(QKeySequence(key))
    unique: list[QKeySequence] = []
    for sequence in sequences:
        if not sequence.isEmpty() and sequence not in unique:
            unique.append(sequence)
    return unique


def by_action() -> dict[str, Shortcut]:
    """The table keyed by action name."""
    return {shortcut.action: shortcut for shortcut in SHORTCUTS}
