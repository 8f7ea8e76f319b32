"""Qt item models over the library: the document list (or search hits) and the timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from reader.core.models import DocumentSummary, SearchHit, SearchResult, TimelineBucket

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_PAGE = 200  # rows fetched from the store at a time
_CACHE_LIMIT = 5000

Fetch = Callable[[list[int]], list[DocumentSummary]]


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_date(date: dt.date | None, *, full: bool = False) -> str:
    """'6 Oct 2024' ('6 October 2024' when ``full``), or '' for an unknown date.

    English month names whatever the locale, like the rest of the interface.
    """
    if date is None:
        return ""
    month = _MONTHS[date.month - 1]
    return f"{date.day} {month if full else month[:3]} {date.year}"


class DocumentListModel(QAbstractListModel):
    """The document list: the library in list order, or a search's hits in rank order.

    In library mode the model holds only ids; titles and dates are fetched from the store a
    page at a time for the rows the view asks about, so 100,000 rows open instantly.
    """

    IdRole = Qt.ItemDataRole.UserRole + 1
    DateRole = Qt.ItemDataRole.UserRole + 2
    SourceRole = Qt.ItemDataRole.UserRole + 3
    ReadRole = Qt.ItemDataRole.UserRole + 4
    SnippetRole = Qt.ItemDataRole.UserRole + 5
    BookmarkedRole = Qt.ItemDataRole.UserRole + 6

    def __init__(self, fetch: Fetch) -> None:
        super().__init__()
        self._fetch = fetch
        self._ids: list[int] = []
        self._hits: list[SearchHit] | None = None
        self._cache: dict[int, DocumentSummary] = {}
        self._bookmarked: set[int] = set()

    # -- contents -----------------------------------------------------------------------------

    def set_bookmarked(self, ids: Sequence[int]) -> None:
        """Which documents carry a star."""
        changed = self._bookmarked.symmetric_difference(ids)
        self._bookmarked = set(ids)
        self.refresh(sorted(changed))

    def set_ids(self, ids: Sequence[int]) -> None:
        """Show the library: these document ids, in this order."""
        self.beginResetModel()
        self._ids = list(ids)
        self._hits = None
        self._cache.clear()
        self.endResetModel()

    def set_hits(self, result: SearchResult) -> None:
        """Show a search's hits."""
        self.beginResetModel()
        self._hits = list(result.hits)
        self._ids = [hit.id for hit in self._hits]
        self._cache.clear()
        self.endResetModel()

    def is_search(self) -> bool:
        """True while the list shows search hits."""
        return self._hits is not None

    def ids(self) -> list[int]:
        """The ids shown, in order."""
        return list(self._ids)

    def row_of(self, doc_id: int) -> int:
        """The row showing a document, or -1."""
        try:
            return self._ids.index(doc_id)
        except ValueError:
            return -1

    def refresh(self, doc_ids: Sequence[int]) -> None:
        """Documents changed (read state, metadata): fetch them again when next shown."""
        for doc_id in doc_ids:
            self._cache.pop(doc_id, None)
            row = self.row_of(doc_id)
            if row >= 0:
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)

    # -- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def _summary(self, row: int) -> DocumentSummary | None:
        doc_id = self._ids[row]
        cached = self._cache.get(doc_id)
        if cached is not None:
            return cached
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        start = max(0, row - _PAGE // 4)
        page = self._ids[start : start + _PAGE]
        self._cache.update((s.id, s) for s in self._fetch(page))
        return self._cache.get(doc_id)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        row = index.row()
        if role == self.IdRole:
            return self._ids[row]
        if role == self.BookmarkedRole:
            return self._ids[row] in self._bookmarked
        if role == self.SnippetRole:
            return self._hits[row].snippet if self._hits is not None else None
        summary = self._summary(row)
        if summary is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return summary.title
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [format_date(summary.date) or "Date unknown", summary.source or ""]
            return " · ".join(p for p in parts if p)
        if role == self.DateRole:
            return summary.date
        if role == self.SourceRole:
            return summary.source
        if role == self.ReadRole:
            return summary.is_read
        return None


class TimelineModel(QAbstractItemModel):
    """Years with their months, then 'Undated', each with a count; 'All' on top.

    Item data: DisplayRole is the label, CountRole the number of documents, ShareRole the
    count relative to the largest sibling (for the bar), PeriodRole '2020', '2020-10',
    'undated' or None for All.
    """

    CountRole = Qt.ItemDataRole.UserRole + 1
    ShareRole = Qt.ItemDataRole.UserRole + 2
    PeriodRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self) -> None:
        super().__init__()
        self._top: list[_Node] = []

    def set_buckets(self, buckets: Sequence[TimelineBucket], bookmarked: int = 0) -> None:
        """Replace the contents with these buckets (years, months, undated) and bookmarks."""
        self.beginResetModel()
        years: list[_Node] = []
        undated: _Node | None = None
        for bucket in buckets:
            if bucket.year is None:
                undated = _Node("Undated", "undated", bucket.count)
            elif bucket.month is None:
                years.append(_Node(str(bucket.year), bucket.label, bucket.count))
            elif years:
                month = dt.date(bucket.year, bucket.month, 1).strftime("%B")
                years[-1].add(_Node(month, bucket.label, bucket.count))
        total = sum(node.count for node in years) + (undated.count if undated else 0)
        marked = [_Node("Bookmarked", "bookmarked", bookmarked)] if bookmarked else []
        self._top = [_Node("All", None, total), *years, *([undated] if undated else []), *marked]
        for node in self._top:
            node.finish()
        largest = max((n.count for n in self._top[1:]), default=1) or 1
        for node in self._top[1:]:
            node.share = node.count / largest
        self._top[0].share = 1.0
        self.endResetModel()

    def index_of(self, period: str | None) -> QModelIndex:
        """The index showing a period (None: All), or an invalid index."""
        for row, node in enumerate(self._top):
            if node.period == period:
                return self.index(row, 0)
            for child_row, child in enumerate(node.children):
                if child.period == period:
                    return self.index(child_row, 0, self.index(row, 0))
        return QModelIndex()

    def _node(self, index: _Index) -> _Node | None:
        return index.internalPointer() if index.isValid() else None

    def index(self, row: int, column: int, parent: _Index = _ROOT) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        siblings = self._top if not parent.isValid() else self._node(parent).children  # type: ignore[union-attr]
        if row >= len(siblings):
            return QModelIndex()
        return self.createIndex(row, 0, siblings[row])

    def parent(self, index: _Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        node = self._node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(self._top.index(node.parent), 0, node.parent)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        if parent.column() > 0:
            return 0
        node = self._node(parent)
        return len(self._top) if node is None else len(node.children)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        node = self._node(index)
        if node is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return node.label
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{node.label}: {node.count} documents"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{node.count} document{'s' * (node.count != 1)}"
        if role == self.CountRole:
            return node.count
        if role == self.ShareRole:
            return node.share
        if role == self.PeriodRole:
            return node.period
        return None


class _Node:
    """One row of the timeline."""

    def __init__(self, label: str, period: str | None, count: int) -> None:
        self.label = label
        self.period = period
        self.count = count
        self.share = 0.0
        self.parent: _Node | None = None
        self.children: list[_Node] = []

    def add(self, child: _Node) -> None:
        child.parent = self
        self.children.append(child)

    def finish(self) -> None:
        """Months in calendar order, bars relative to the busiest month of the year."""
        self.children.sort(key=lambda node: node.period or "")
        largest = max((child.count for child in self.children), default=1) or 1
        for child in self.children:
            child.share = child.count / largest
