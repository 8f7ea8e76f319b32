"""The main window: search bar, timeline, document list, reader pane, status bar."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QHelpEvent,
    QMouseEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QToolTip,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reader import APP_NAME
from reader.core.importers import supported_suffixes
from reader.core.models import Annotation, Bookmark, ImportReport, SearchResult, TimelineBucket
from reader.core.notes import COLORS
from reader.ui.annotations_panel import AnnotationsPanel
from reader.ui.controller import LibraryController
from reader.ui.delegates import DocumentDelegate, TimelineDelegate
from reader.ui.dialogs import ImportSummaryDialog, MetadataDialog, NoteDialog, ShortcutsDialog
from reader.ui.highlight_popup import HighlightPopup
from reader.ui.models import DocumentListModel, TimelineModel
from reader.ui.reader_pane import ReaderPane
from reader.ui.search_bar import SearchBar
from reader.ui.shortcuts import by_action, key_sequences
from reader.ui.url_dialog import ask_url

SORT_ORDERS = (("date", "Newest first"), ("title", "Title"), ("source", "Source"))
# While a search is active the sort box orders its hits instead.
SEARCH_ORDERS = (("relevance", "Best match"), ("date", "Newest first"))
THEMES = (("system", "Follow the system"), ("light", "Light"), ("sepia", "Sepia"), ("dark", "Dark"))
# Edit ▸ Text Encoding: Python's codec names, labelled as browsers label them. Like browsers
# (the WHATWG Encoding Standard), the legacy names read as the superset real files are in.
ENCODINGS = (
    ("utf-8", "Unicode (UTF-8)"),
    ("utf-16", "Unicode (UTF-16)"),
    ("cp1252", "Western (windows-1252)"),
    ("iso8859-15", "Western (ISO-8859-15)"),
    ("cp1250", "Central European (windows-1250)"),
    ("iso8859-2", "Central European (ISO-8859-2)"),
    ("cp1251", "Cyrillic (windows-1251)"),
    ("koi8-r", "Cyrillic (KOI8-R)"),
    ("koi8-u", "Cyrillic (KOI8-U)"),
    ("iso8859-7", "Greek (ISO-8859-7)"),
    ("cp1254", "Turkish (windows-1254)"),
    ("cp1255", "Hebrew (windows-1255)"),
    ("cp1256", "Arabic (windows-1256)"),
    ("cp874", "Thai (windows-874)"),
    ("cp1258", "Vietnamese (windows-1258)"),
    ("gb18030", "Simplified Chinese (GBK/GB18030)"),
    ("big5", "Traditional Chinese (Big5)"),
    ("cp932", "Japanese (Shift_JIS)"),
    ("euc_jp", "Japanese (EUC-JP)"),
    ("iso2022_jp", "Japanese (ISO-2022-JP)"),
    ("cp949", "Korean (EUC-KR)"),
)
FIRST_RUN_HINT = (
    "Import your own articles with File ▸ Import files… or by dropping files and folders here."
)


class MainWindow(QMainWindow):
    """Reader's main window."""

    def __init__(self, controller: LibraryController, settings: QSettings) -> None:
        super().__init__()
        self.controller = controller
        self.settings = settings
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.current_id: int | None = None
        self._restoring_selection = False
        self._shown = False
        self._loaded = False
        self._last_result: SearchResult | None = None
        self._to_open: list[list[str]] = []  # files each open_files() asked for, until imported

        self.search_bar = SearchBar()
        self.timeline_model = TimelineModel()
        self.timeline_view = QTreeView()
        self.timeline_view.setModel(self.timeline_model)
        self.timeline_view.setItemDelegate(TimelineDelegate(self.timeline_view))
        self.timeline_view.setHeaderHidden(True)
        self.timeline_view.setUniformRowHeights(True)
        self.timeline_view.setAccessibleName("Timeline")
        self.timeline_view.setMinimumWidth(150)

        self.list_model = DocumentListModel(controller.summaries)
        self.list_view = QListView()
        self.list_view.setModel(self.list_model)
        self.list_view.setItemDelegate(DocumentDelegate(self.list_view))
        self.list_view.setUniformItemSizes(True)
        # Lay out 100,000 rows in batches: a full layout asks the Python model for its row
        # count twice per row (0.3 s) and would freeze the window after every reload.
        self.list_view.setLayoutMode(QListView.LayoutMode.Batched)
        self.list_view.setBatchSize(500)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list_view.setAccessibleName("Documents")
        self.list_header = QLabel()
        self.list_header.setAccessibleName("Number of documents")
        self.sort_combo = QComboBox()
        self.sort_combo.setAccessibleName("Sort documents by")
        self._combo_orders: tuple[tuple[str, str], ...] = ()
        self._fill_sort_combo(SORT_ORDERS)

        self.reader = ReaderPane()
        self.reader.browser.image_loader = self.controller.image
        self.annotations_panel = AnnotationsPanel(self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.annotations_panel)
        self.annotations_panel.hide()
        self._last_color = "yellow"
        self.reader.browser.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.reader.browser.viewport().installEventFilter(self)
        self.highlight_popup = HighlightPopup(self.reader.browser.viewport())

        list_panel = QWidget()
        list_layout = QVBoxLayout(list_panel)
        list_layout.setContentsMargins(0, 0, 0, 0)
        header_row = QHBoxLayout()
        header_row.addWidget(self.list_header, 1)
        header_row.addWidget(self.sort_combo)
        list_layout.addLayout(header_row)
        list_layout.addWidget(self.list_view)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.timeline_view)
        self.splitter.addWidget(list_panel)
        self.splitter.addWidget(self.reader)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([170, 330, 700])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.search_bar)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.progress_label = QLabel()
        self.progress_label.setAccessibleName("What is happening")
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setAccessibleName("Progress")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel import")
        self.statusBar().addPermanentWidget(self.progress_label)
        self.statusBar().addPermanentWidget(self.progress_bar)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self._set_busy(False)

        self.commands: dict[str, QAction] = {}
        self._build_actions()
        self._build_menus()
        self._connect_signals()
        self._restore_settings()
        self.reload()

    # -- construction -------------------------------------------------------------------------

    def _build_actions(self) -> None:
        handlers: dict[str, Callable[[], object]] = {
            "import_files": self.import_files,
            "import_folder": self.import_folder,
            "import_url": self.import_url,
            "export_notes": self.export_annotations,
            "quit": self.close,
            "focus_search": self.search_bar.focus,
            "next_hit": self.reader.next_hit,
            "previous_hit": self.reader.previous_hit,
            "find_in_page": self.reader.show_find_bar,
            "next_document": lambda: self._step_document(1),
            "previous_document": lambda: self._step_document(-1),
            "focus_list": self.list_view.setFocus,
            "focus_timeline": self.timeline_view.setFocus,
            "focus_reader": self.reader.setFocus,
            "toggle_read": self.toggle_read,
            "show_original": self.toggle_original,
            "zoom_in": self.reader.zoom_in,
            "zoom_out": self.reader.zoom_out,
            "zoom_reset": self.reader.reset_zoom,
            "highlight": lambda: self.highlight_selection(self._last_color),
            "annotate": lambda: self.highlight_selection(self._last_color, with_note=True),
            "bookmark": self.toggle_bookmark,
            "bookmark_place": self.bookmark_place,
            "annotations_panel": self.toggle_annotations_panel,
            "edit_metadata": self.edit_metadata,
            "reextract": self.reextract,
            "delete": self.delete_selected,
            "undo": self.undo_delete,
            "shortcuts": self.show_shortcuts,
        }
        for name, shortcut in by_action().items():
            action = QAction(shortcut.label, self)
            action.setShortcuts(key_sequences(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            handler = handlers[name]
            action.triggered.connect(lambda _checked=False, h=handler: h())
            self.addAction(action)
            self.commands[name] = action
        self.commands["toggle_read"].setText("Mark unread")
        self.commands["show_original"].setCheckable(True)
        self.theme_actions: dict[str, QAction] = {}
        for key, label in THEMES:
            action = QAction(label, self, checkable=True)
            action.triggered.connect(lambda _checked=False, k=key: self.set_theme(k))
            self.theme_actions[key] = action
        self.sort_actions: dict[str, QAction] = {}
        for key, label in SORT_ORDERS:
            action = QAction(label, self, checkable=True)
            action.triggered.connect(lambda _checked=False, k=key: self.set_order(k))
            self.sort_actions[key] = action
        self.encoding_group = QActionGroup(self)  # exclusive: one encoding is in use
        self.encoding_actions: dict[str | None, QAction] = {}
        for encoding, label in ((None, "Detect automatically"), *ENCODINGS):
            action = QAction(label, self.encoding_group, checkable=True)
            action.triggered.connect(lambda _checked=False, e=encoding: self.choose_encoding(e))
            self.encoding_actions[encoding] = action
        # An encoding chosen on the command line that the menu does not list.
        self.other_encoding_action = QAction(self.encoding_group, checkable=True)
        self.other_encoding_action.triggered.connect(
            lambda: self.choose_encoding(self.other_encoding_action.text())
        )

    def _build_menus(self) -> None:
        bar = self.menuBar()
        menus: dict[str, list[str | None]] = {
            "&File": [
                "import_files",
                "import_folder",
                "import_url",
                None,
                "export_notes",
                None,
                "quit",
            ],
            "&Edit": [
                "undo",
                None,
                "highlight",
                "annotate",
                "bookmark",
                "bookmark_place",
                None,
                "edit_metadata",
                "reextract",
                "delete",
                None,
                "focus_search",
                "find_in_page",
            ],
            "&View": [
                "zoom_in",
                "zoom_out",
                "zoom_reset",
                None,
                "show_original",
                "toggle_read",
                "annotations_panel",
            ],
            "&Go": [
                "next_document",
                "previous_document",
                None,
                "next_hit",
                "previous_hit",
                None,
                "focus_list",
                "focus_timeline",
                "focus_reader",
            ],
            "&Help": ["shortcuts"],
        }
        for title, names in menus.items():
            menu = bar.addMenu(title)
            for name in names:
                if name is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.commands[name])
                if name == "reextract":
                    menu.addMenu(self._encoding_menu())
            if title == "&Edit":
                menu.aboutToShow.connect(self._update_encoding_menu)
            if title == "&View":
                menu.addSeparator()
                sort_menu = menu.addMenu("&Sort by")
                for action in self.sort_actions.values():
                    sort_menu.addAction(action)
                theme_menu = menu.addMenu("&Theme")
                for action in self.theme_actions.values():
                    theme_menu.addAction(action)

    def _encoding_menu(self) -> QMenu:
        self.encoding_menu = QMenu("Text &Encoding", self)
        actions = list(self.encoding_actions.values())
        self.encoding_menu.addAction(actions[0])
        self.encoding_menu.addSeparator()
        self.encoding_menu.addActions([*actions[1:], self.other_encoding_action])
        self._update_encoding_menu()
        return self.encoding_menu

    def _connect_signals(self) -> None:
        self.search_bar.query_changed.connect(self._on_search_bar_query_changed)
        self.sort_combo.activated.connect(self._on_sort_combo_activated)
        self.timeline_view.clicked.connect(self._on_timeline_clicked)
        self.timeline_view.activated.connect(self._on_timeline_clicked)
        self.list_view.selectionModel().currentChanged.connect(self._on_list_current_changed)
        self.reader.position_changed.connect(self._on_reader_position_changed)
        self.reader.link_activated.connect(self._on_reader_link_activated)
        self.cancel_button.clicked.connect(self.controller.cancel)
        self.reader.browser.customContextMenuRequested.connect(self._on_reader_context_menu)
        self.annotations_panel.annotation_activated.connect(self._on_panel_annotation_activated)
        self.annotations_panel.bookmark_activated.connect(self._on_panel_bookmark_activated)
        self.annotations_panel.remove_requested.connect(self._on_panel_remove_requested)
        self.highlight_popup.color_chosen.connect(self.highlight_selection)
        self.highlight_popup.note_requested.connect(self.commands["annotate"].trigger)
        self.reader.browser.selectionChanged.connect(self._on_reader_selection_changed)
        self.annotations_panel.filters_changed.connect(self._refresh_annotations)
        c = self.controller
        c.library_changed.connect(self._on_controller_library_changed)
        c.list_loaded.connect(self._on_controller_list_loaded)
        c.document_changed.connect(self._on_controller_document_changed)
        c.search_finished.connect(self._on_controller_search_finished)
        c.search_failed.connect(self._on_controller_search_failed)
        c.search_cleared.connect(self._on_controller_search_cleared)
        c.progress.connect(self._on_controller_progress)
        c.busy_changed.connect(self._set_busy)
        c.import_finished.connect(self._on_controller_import_finished)
        c.message.connect(self._on_controller_message)
        c.annotations_changed.connect(self._on_controller_annotations_changed)

    # -- settings -----------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)  # docks: the annotations panel shown or not
        splitter = s.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        order = str(s.value("list/order", "date"))
        self.controller.order = order if order in dict(SORT_ORDERS) else "date"
        order = str(s.value("search/order", "relevance"))
        self.controller.search_order = order if order in dict(SEARCH_ORDERS) else "relevance"
        self._fill_sort_combo(self._combo_orders)
        for key, action in self.sort_actions.items():
            action.setChecked(key == self.controller.order)
        self.set_theme(str(s.value("reader/theme", "system")))
        self.reader.set_zoom_level(int(str(s.value("reader/zoom", 0))))
        recent = s.value("search/recent", [])
        self.search_bar.set_recent([str(q) for q in recent] if isinstance(recent, list) else [])
        open_id = s.value("reader/document")
        self._pending_open = int(open_id) if open_id not in (None, "") else None

    def save_settings(self) -> None:
        """Write geometry, splitter, sort, theme, zoom, recent searches and the open document."""
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("window/state", self.saveState())
        s.setValue("list/order", self.controller.order)
        s.setValue("search/order", self.controller.search_order)
        s.setValue("reader/theme", self._theme)
        s.setValue("reader/zoom", self.reader.zoom_level())
        s.setValue("search/recent", self.search_bar.recent())
        s.setValue("reader/document", self.current_id if self.current_id is not None else "")
        s.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown and self.current_id is not None:
            # The article had no size before the window was shown: scroll once laid out.
            doc = self.controller.document(self.current_id)
            if doc is not None:
                QTimer.singleShot(0, lambda: self.reader.set_reading_position(doc.read_position))
        self._shown = True

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_position()
        self.save_settings()
        super().closeEvent(event)

    # -- contents -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Reload the list and timeline from the library, in the background."""
        self.controller.request_list()

    def _on_controller_list_loaded(
        self, ids: list[int], buckets: list[TimelineBucket], bookmarked: list[int]
    ) -> None:
        self.list_model.set_bookmarked(bookmarked)
        if not self.list_model.is_search():
            self.list_model.set_ids(ids)
            self._update_list_header()
            self._show_after_load()
        if self._last_result is None:
            self.timeline_model.set_buckets(buckets, len(bookmarked))
        self._select_period(self.controller.period)

    def _show_after_load(self) -> None:
        """After a load: keep the open document, or open the one asked for, or the first."""
        first_load = not self._loaded
        self._loaded = True
        target = self._pending_open if self._pending_open is not None else self.current_id
        self._pending_open = None
        if target is None or self.list_model.row_of(target) < 0:
            target = self.list_model.ids()[0] if self.list_model.rowCount() else None
        if target is not None:
            self._select(target, open_document=target != self.current_id)
        if (
            first_load
            and self.controller.library.store.get_meta("seeded")
            and (self.list_model.rowCount() <= 5)
        ):
            self.statusBar().showMessage(FIRST_RUN_HINT)

    def _update_list_header(self) -> None:
        rows = self.list_model.rowCount()
        if self.list_model.is_search() and self._last_result is not None:
            total = self._last_result.total
            which = "newest" if self.controller.search_order == "date" else "best"
            shown = f" (showing the {which} {rows})" if total > rows else ""
            self.list_header.setText(f"{total:,} found{shown}")
        else:
            self.list_header.setText(f"{rows:,} document{'s' * (rows != 1)}")

    def _select(self, doc_id: int | None, *, open_document: bool) -> None:
        row = self.list_model.row_of(doc_id) if doc_id is not None else -1
        if row < 0:
            return
        index = self.list_model.index(row, 0)
        self._restoring_selection = not open_document
        self.list_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self._restoring_selection = False
        self.list_view.scrollTo(index)
        if open_document:
            self.open_document(doc_id)  # type: ignore[arg-type]

    def _select_period(self, period: str | None) -> None:
        index = self.timeline_model.index_of(period)
        if index.isValid():
            self.timeline_view.setCurrentIndex(index)
            self.timeline_view.expand(index.parent() if index.parent().isValid() else index)

    def open_document(self, doc_id: int) -> None:
        """Show a document in the reader pane, at its reading position, and mark it read."""
        self._save_position()
        doc = self.controller.document(doc_id)
        if doc is None:
            return
        self.current_id = doc_id
        self.commands["show_original"].setChecked(False)
        self.reader.show_document(doc)
        self._update_encoding_menu()
        self.reader.set_highlights(self.controller.match_spans(doc_id))
        self._refresh_annotations()
        self.reader.set_reading_position(doc.read_position)
        if not doc.is_read:
            self.controller.set_read(doc_id, True)
        self.commands["toggle_read"].setText("Mark unread")
        self.setWindowTitle(f"{doc.title} — {APP_NAME}")

    def _save_position(self) -> None:
        if self.current_id is not None and not self.reader.showing_original():
            self.controller.save_position(self.current_id, self.reader.reading_position())

    def _step_document(self, step: int) -> None:
        row = self.list_view.currentIndex().row() + step
        if 0 <= row < self.list_model.rowCount():
            self.list_view.setCurrentIndex(self.list_model.index(row, 0))

    # -- actions ------------------------------------------------------------------------------

    def set_theme(self, name: str) -> None:
        """Switch the reading theme ('system', 'light', 'sepia', 'dark')."""
        self._theme = name if name in dict(THEMES) else "system"
        self.reader.set_theme(self._theme)
        for key, action in self.theme_actions.items():
            action.setChecked(key == self._theme)

    def set_order(self, order: str) -> None:
        """Sort the list by 'date', 'title' or 'source'."""
        self.controller.order = order
        self._fill_sort_combo(self._combo_orders)
        for key, action in self.sort_actions.items():
            action.setChecked(key == order)
        self.reload()

    def set_search_order(self, order: str) -> None:
        """Order search hits by 'relevance' or 'date' (newest first); searches again."""
        self.controller.search_order = order
        self._fill_sort_combo(self._combo_orders)
        if self.controller.query:
            self.controller.search(self.controller.query)

    def _fill_sort_combo(self, orders: tuple[tuple[str, str], ...]) -> None:
        """Offer the list's orders or, while searching, the hits' ones; select the one in use."""
        searching = orders == SEARCH_ORDERS
        if orders != self._combo_orders:
            self._combo_orders = orders
            self.sort_combo.clear()
            for key, label in orders:
                self.sort_combo.addItem(label, key)
            self.sort_combo.setAccessibleName(f"Sort {'hits' if searching else 'documents'} by")
        current = self.controller.search_order if searching else self.controller.order
        self.sort_combo.setCurrentIndex(self.sort_combo.findData(current))

    def toggle_read(self) -> None:
        """Mark the open document unread (or read again)."""
        if self.current_id is None:
            return
        doc = self.controller.document(self.current_id)
        if doc is not None:
            self.controller.set_read(doc.id, not doc.is_read)
            self.commands["toggle_read"].setText("Mark read" if doc.is_read else "Mark unread")

    def toggle_original(self) -> None:
        """Show the file as imported, or the article again."""
        if self.current_id is None:
            return
        if self.reader.showing_original():
            self.open_document(self.current_id)
        else:
            self._save_position()
            self.reader.show_original(self.controller.original_text(self.current_id))
            self.commands["show_original"].setChecked(True)

    def import_files(self) -> None:
        """Ask for files to import."""
        patterns = " ".join(f"*{suffix}" for suffix in sorted(supported_suffixes()) if suffix)
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Import articles",
            str(Path.home()),
            f"Articles ({patterns});;All files (*)",
        )
        if files:
            self.controller.import_paths([Path(f) for f in files])

    def import_url(self) -> None:
        """Ask for a web page's address, then download and import it (it opens when done)."""
        url = ask_url(self)
        if url:
            self.controller.import_url(url)

    def open_files(self, items: list[Path | str]) -> None:
        """Come to the front; import files, folders and web addresses (as if dropped) and open
        the first one's document, new or already in the library (``reader FILE``, a second
        launch, a file opened with Reader from the system)."""
        self.bring_to_front()
        if not items:
            return
        items = [item.absolute() if isinstance(item, Path) else item for item in items]
        paths = [str(item) for item in items if isinstance(item, Path)]
        if paths:  # a web page's import opens it anyway (_web_page_imported)
            self._to_open.append(paths)
        self.controller.import_paths(items)

    def bring_to_front(self) -> None:
        """Show the window, restored if minimised, on top of the others and with the focus."""
        state = self.windowState() & ~Qt.WindowState.WindowMinimized
        self.setWindowState(state | Qt.WindowState.WindowActive)
        self.show()
        self.raise_()
        self.activateWindow()

    def import_folder(self) -> None:
        """Ask for a folder to import."""
        folder = QFileDialog.getExistingDirectory(self, "Import a folder", str(Path.home()))
        if folder:
            self.controller.import_paths([Path(folder)])

    def edit_metadata(self) -> None:
        """Correct the open document's title, date, source and byline."""
        doc = self.controller.document(self.current_id) if self.current_id is not None else None
        if doc is None:
            return
        dialog = MetadataDialog(doc, self)
        if dialog.exec():
            title, date, source, byline = dialog.values()
            self.controller.edit_metadata(doc.id, title, date, source, byline)

    def selected_ids(self) -> list[int]:
        """Ids of the documents selected in the list."""
        return [int(i.data(DocumentListModel.IdRole)) for i in self.list_view.selectedIndexes()]

    def reextract(self) -> None:
        """Extract the open document again from its kept original (corrections stay)."""
        if self.current_id is not None:
            self.controller.reextract(self.current_id)
            self.open_document(self.current_id)

    def choose_encoding(self, encoding: str | None) -> None:
        """Read the open document again in this text encoding (None: detect it again)."""
        if self.current_id is not None:
            self.controller.reextract(self.current_id, encoding)
            self.open_document(self.current_id)  # also shows which encoding is in use
        self._update_encoding_menu()

    def _update_encoding_menu(self) -> None:
        """Check the encoding in use; disabled without a document, or for one with none (EPUB)."""
        doc = self.controller.document(self.current_id) if self.current_id is not None else None
        if doc is not None and not self.controller.encoding_choosable(doc.id):
            doc = None
        self.encoding_menu.menuAction().setEnabled(doc is not None)
        self.encoding_group.setEnabled(doc is not None)
        chosen = self.controller.chosen_encoding(doc.id) if doc is not None else None
        detected = f" ({doc.encoding})" if doc is not None and doc.encoding and not chosen else ""
        self.encoding_actions[None].setText(f"Detect automatically{detected}")
        other = chosen is not None and chosen not in self.encoding_actions
        self.other_encoding_action.setVisible(other)
        self.other_encoding_action.setText(chosen if other and chosen else "")
        current = self.other_encoding_action if other else self.encoding_actions[chosen]
        current.setChecked(True)

    def delete_selected(self) -> None:
        """Delete the selected documents (Ctrl+Z brings them back)."""
        ids = self.selected_ids()
        if not ids:
            return
        shown = self.list_model.ids()
        last = max(i.row() for i in self.list_view.selectedIndexes())
        # Open the neighbour below the deleted rows (or above) once the list has reloaded.
        neighbours = [i for i in shown[last + 1 :] + shown[:last][::-1] if i not in ids]
        if self.current_id in ids:
            self.current_id = None
            self._pending_open = neighbours[0] if neighbours else None
        self.controller.delete(ids)

    def undo_delete(self) -> None:
        """Bring back the last deleted documents."""
        ids = self.controller.undo_delete()
        if ids:
            self._pending_open = ids[0]  # opened when the list has reloaded

    # -- annotations --------------------------------------------------------------------------

    def highlight_selection(self, color: str, *, with_note: bool = False) -> None:
        """Highlight the selected passage (and open its note when asked)."""
        span = self.reader.selected_span()
        if self.current_id is None or span is None:
            self.statusBar().showMessage("Select some text of the article first.", 5000)
            return
        self._last_color = color
        annotation = self.controller.add_annotation(self.current_id, span[0], span[1], color)
        if with_note:
            self.edit_annotation(annotation.id)

    def edit_annotation(self, annotation_id: int) -> None:
        """Open the note editor of a highlight."""
        annotation = self.controller.library.notes.get(annotation_id)
        dialog = NoteDialog(annotation, self)
        if not dialog.exec():
            return
        if dialog.deleted:
            self.controller.delete_annotation(annotation_id)
        else:
            self.controller.update_annotation(annotation_id, *dialog.values())

    def toggle_bookmark(self) -> None:
        """Bookmark the open document, or remove its bookmark."""
        if self.current_id is not None:
            marked = self.controller.toggle_bookmark(self.current_id)
            self.statusBar().showMessage("Bookmarked." if marked else "Bookmark removed.", 5000)

    def bookmark_place(self) -> None:
        """Bookmark the place at the top of the article, with an optional name."""
        if self.current_id is None or self.reader.showing_original():
            return
        name, ok = QInputDialog.getText(self, "Bookmark this place", "Name (optional):")
        if ok:
            self.controller.bookmark_place(
                self.current_id, self.reader.reading_position(), name.strip() or None
            )

    def export_annotations(self) -> None:
        """Save the annotations (of the open document or all) as Markdown or JSON-LD."""
        scopes = ["All documents", "This document", "Selected documents"]
        scope, ok = QInputDialog.getItem(
            self, "Export annotations", "Which annotations?", scopes, 0, False
        )
        if not ok:
            return
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Export annotations",
            str(Path.home() / "annotations.md"),
            "Markdown (*.md);;Web Annotation JSON-LD (*.jsonld)",
        )
        if not path:
            return
        doc_ids: list[int] | None = None
        if scope == "This document" and self.current_id is not None:
            doc_ids = [self.current_id]
        elif scope == "Selected documents":
            doc_ids = self.selected_ids()
        jsonld = path.endswith(".jsonld") or "jsonld" in chosen
        count = self.controller.export_annotations(Path(path), doc_ids, jsonld=jsonld)
        self.statusBar().showMessage(f"Exported {count} annotations to {path}.", 8000)

    def toggle_annotations_panel(self) -> None:
        """Show or hide the annotations panel."""
        self.annotations_panel.setVisible(not self.annotations_panel.isVisible())
        self._refresh_annotations()

    def _annotation_at(self, offset: int | None) -> Annotation | None:
        if offset is None or self.current_id is None:
            return None
        for annotation in self.controller.annotations(self.current_id):
            if annotation.start <= offset < annotation.end and not annotation.orphan:
                return annotation
        return None

    def _refresh_annotations(self) -> None:
        if self.current_id is not None:
            mine = self.controller.annotations(self.current_id)
            self.reader.set_annotations([(a.start, a.end, a.color) for a in mine if not a.orphan])
        if not self.annotations_panel.isVisible():
            return
        if self.annotations_panel.bookmarks_scope():
            marks = self.controller.bookmarks()
            self.annotations_panel.model.set_items(
                marks, self.controller.titles({b.doc_id for b in marks})
            )
            return
        color, tag, text = self.annotations_panel.filters()
        library_scope = self.annotations_panel.library_scope()
        doc_id = None if library_scope else self.current_id
        items = (
            self.controller.annotations(doc_id, color=color, tag=tag, text=text)
            if library_scope or doc_id is not None
            else []
        )
        titles = self.controller.titles({a.doc_id for a in items}) if library_scope else None
        self.annotations_panel.model.set_items(items, titles)

    def _on_controller_annotations_changed(self, _doc_id: int) -> None:
        self._refresh_annotations()

    def _on_panel_annotation_activated(self, annotation: Annotation) -> None:
        if annotation.doc_id != self.current_id:
            if self.list_model.row_of(annotation.doc_id) >= 0:
                self._select(annotation.doc_id, open_document=True)
            else:
                self.open_document(annotation.doc_id)
        if not annotation.orphan:
            self.reader.set_reading_position(max(0, annotation.start - 1))
            self.reader.set_highlights([(annotation.start, annotation.end)])
            self.reader.next_hit()  # emphasise the passage

    def _on_panel_remove_requested(self, item: Annotation | Bookmark) -> None:
        if isinstance(item, Bookmark):
            self.controller.remove_bookmark(item.id)
        else:
            self.controller.delete_annotation(item.id)

    def _on_reader_selection_changed(self) -> None:
        if self.reader.selected_span() is None:
            self.highlight_popup.hide()

    def _on_panel_bookmark_activated(self, bookmark: Bookmark) -> None:
        if bookmark.doc_id != self.current_id:
            if self.list_model.row_of(bookmark.doc_id) >= 0:
                self._select(bookmark.doc_id, open_document=True)
            else:
                self.open_document(bookmark.doc_id)
        if bookmark.position is not None:
            self.reader.set_reading_position(bookmark.position)

    def _on_reader_context_menu(self, point: QPoint) -> None:
        menu = self.reader.browser.createStandardContextMenu(point)
        menu.addSeparator()
        existing = self._annotation_at(self.reader.offset_at(point))
        if existing is not None:
            menu.addAction("Edit note…", lambda: self.edit_annotation(existing.id))
            menu.addAction(
                "Delete highlight", lambda: self.controller.delete_annotation(existing.id)
            )
        if self.reader.selected_span() is not None:
            colours = menu.addMenu("Highlight")
            for color in COLORS:
                action = colours.addAction(color.capitalize())
                action.triggered.connect(
                    lambda _checked=False, c=color: self.highlight_selection(c)
                )
            menu.addAction(self.commands["annotate"])
        menu.addAction(self.commands["bookmark"])
        menu.exec(self.reader.browser.viewport().mapToGlobal(point))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.reader.browser.viewport():
            if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
                annotation = self._annotation_at(self.reader.offset_at(event.pos()))
                if annotation is not None:
                    QToolTip.showText(event.globalPos(), annotation.note or "(no note)")
                    return True
            if (
                event.type() == QEvent.Type.MouseButtonRelease
                and isinstance(event, QMouseEvent)
                and event.button() == Qt.MouseButton.LeftButton
                and self.reader.selected_span() is not None
            ):
                self.highlight_popup.show_at(event.position().toPoint())
            if (
                event.type() == QEvent.Type.MouseButtonRelease
                and isinstance(event, QMouseEvent)
                and event.button() == Qt.MouseButton.LeftButton
                and self.reader.selected_span() is None
            ):
                annotation = self._annotation_at(self.reader.offset_at(event.position().toPoint()))
                if annotation is not None:
                    self.edit_annotation(annotation.id)
                    return True
        return super().eventFilter(watched, event)

    def show_shortcuts(self) -> None:
        """The keyboard shortcuts window."""
        ShortcutsDialog(self).exec()

    # -- drag and drop ------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Files and folders import; a link dragged from a web browser is downloaded once."""
        items = _dropped(event.mimeData().urls())
        if items:
            self.controller.import_paths(items)
            event.acceptProposedAction()

    # -- slots --------------------------------------------------------------------------------

    def _on_search_bar_query_changed(self, text: str) -> None:
        self.controller.search(text)

    def _on_sort_combo_activated(self, index: int) -> None:
        if self._combo_orders == SEARCH_ORDERS:
            self.set_search_order(str(self.sort_combo.itemData(index)))
        else:
            self.set_order(str(self.sort_combo.itemData(index)))

    def _on_timeline_clicked(self, index: QModelIndex) -> None:
        period = index.data(TimelineModel.PeriodRole)
        if period is not None and period == self.controller.period:
            period = None  # clicking the selected period again clears the filter
        self.controller.set_period(period)
        self._select_period(period)

    def _on_list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._restoring_selection:
            doc_id = int(current.data(DocumentListModel.IdRole))
            if doc_id != self.current_id:
                self.open_document(doc_id)

    def _on_reader_position_changed(self, position: int) -> None:
        if self.current_id is not None and not self.reader.showing_original():
            self.controller.save_position(self.current_id, position)

    def _on_reader_link_activated(self, url: QUrl) -> None:
        # A click is the user's own request: the link opens in their web browser.
        if url.scheme().lower() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
            self.statusBar().showMessage(f"Opened {url.toString()} in your browser", 5000)

    def _on_controller_library_changed(self) -> None:
        self.reload()
        if self.annotations_panel.isVisible() and self.annotations_panel.bookmarks_scope():
            self._refresh_annotations()

    def _on_controller_document_changed(self, doc_id: int) -> None:
        self.list_model.refresh([doc_id])
        if doc_id == self.current_id:
            doc = self.controller.document(doc_id)
            if doc is not None:
                self.commands["toggle_read"].setText("Mark unread" if doc.is_read else "Mark read")

    def _on_controller_search_finished(self, result: SearchResult) -> None:
        self._last_result = result
        self.search_bar.show_error(None)
        self.search_bar.show_suggestion(result.suggestion)
        if result.total:
            self.search_bar.remember(result.query)
        self.list_model.set_hits(result)
        self._fill_sort_combo(SEARCH_ORDERS)
        self._update_list_header()
        self.timeline_model.set_buckets(self.controller.search_timeline(result))
        self._select_period(self.controller.period)
        if self.list_model.rowCount():
            first = self.list_model.ids()[0]
            keep = self.current_id if self.list_model.row_of(self.current_id or -1) >= 0 else first
            self._select(keep, open_document=True)

    def _on_controller_search_failed(self, message: str) -> None:
        self.search_bar.show_error(message)
        self.search_bar.show_suggestion(None)

    def _on_controller_search_cleared(self) -> None:
        self._last_result = None
        self.search_bar.show_error(None)
        self.search_bar.show_suggestion(None)
        self.list_model.set_ids([])
        self._fill_sort_combo(SORT_ORDERS)
        self.reload()
        if self.current_id is not None:
            self.reader.set_highlights([])

    def _on_controller_progress(self, label: str, done: int, total: int) -> None:
        self.progress_bar.setMaximum(max(total, 1))
        self.progress_bar.setValue(done)
        self.progress_bar.setFormat(f"{done:,}/{total:,}")
        self.progress_label.setText(label)

    def _set_busy(self, busy: bool) -> None:
        self.progress_label.setVisible(busy)
        self.progress_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)

    def _on_controller_import_finished(self, report: ImportReport) -> None:
        if report.failures or report.cancelled:
            ImportSummaryDialog(report, self).open()
        text = (
            f"Imported {len(report.imported)} document{'s' * (len(report.imported) != 1)}"
            + (f", {len(report.failures)} failed" if report.failures else "")
            + (" (cancelled)" if report.cancelled else "")
            + "."
        )
        if len(report.failures) == 1 and isinstance(report.failures[0].path, str):
            text = f"Could not import {report.failures[0].path}: {report.failures[0].reason}."
        self.statusBar().showMessage(text, 10000)
        target = self._asked_to_open(report)
        if target is None:
            target = self._web_page_imported(report)
        if target is not None:
            if not self.list_model.is_search():
                self._pending_open = target  # selected in the list once it has reloaded
            self.open_document(target)

    def _asked_to_open(self, report: ImportReport) -> int | None:
        """The document of the first file an open_files() request named, once imported (for a
        folder: of the first file in it); the request is done once an import reports on it."""
        if not self._to_open:
            return None
        found = [(s.imported_from, s.id) for s in self.controller.summaries(report.imported)]
        found += [(str(path), doc_id) for path, doc_id in report.duplicates]
        failed = [str(failure.path) for failure in report.failures]
        for request in list(self._to_open):
            reported = False
            for origin in request:
                inside = origin.rstrip(os.sep) + os.sep
                matches = [i for path, i in found if path == origin or path.startswith(inside)]
                if matches:
                    self._to_open.remove(request)
                    return matches[0]
                reported = reported or any(p == origin or p.startswith(inside) for p in failed)
            if reported:
                self._to_open.remove(request)  # all it named failed: nothing to open
        return None

    def _web_page_imported(self, report: ImportReport) -> int | None:
        """The document a web page's import brought (new or already there), to open it."""
        for path, doc_id in report.duplicates:
            if isinstance(path, str):
                return doc_id
        if report.imported:
            doc = self.controller.document(report.imported[0])
            if doc is not None and doc.imported_from.startswith(("http://", "https://")):
                return doc.id
        return None

    def _on_controller_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)


def _dropped(urls: list[QUrl]) -> list[Path | str]:
    """What a drop holds that Reader can import: local files and folders, web addresses."""
    items: list[Path | str] = []
    for url in urls:
        if url.isLocalFile():
            items.append(Path(url.toLocalFile()))
        elif url.scheme().lower() in ("http", "https") and url.host():
            items.append(url.toString())
    return items
