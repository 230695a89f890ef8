"""The contact list model: holds only the ordered ids of the current filter and reads the
shown columns a page at a time, so 100,000 contacts cost a list of ints, not 100,000 rows."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from smarketer.contacts.listing import ContactFilter, ContactRow, contact_ids, fetch_rows, first_ids
from smarketer.ui import style
from smarketer.ui.workers import run_job

COLUMNS: list[tuple[str, str]] = [
    ("name", "Name"),
    ("email", "Email"),
    ("company", "Company"),
    ("phone", "Phone"),
    ("status", "Status"),
    ("tags", "Tags"),
    ("city", "City"),
    ("created", "Added"),
]
UNSORTABLE = {"tags"}
ContactIdRole = Qt.ItemDataRole.UserRole + 1
_ROOT = QModelIndex()


class ContactTableModel(QAbstractTableModel):
    PAGE = 200
    MAX_PAGES = 40  # pages kept in memory: 8,000 rows at most
    # From this many contacts on, the ordered ids of a search or sort are read in a worker
    # (the list keeps showing the previous result meanwhile); below it a refresh is quicker
    # than the round trip, and happens at once.
    BACKGROUND_FROM = 20_000
    refreshed = Signal()  # the rows are those of the current filter and order

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, ContactRow]] = OrderedDict()
        self.filter = ContactFilter()
        self.sort_key, self.descending = "name", False
        self._loaded = False
        self._largest = 0  # the most ids ever listed: how big the store is, near enough
        self._request = 0
        self.loading = False
        self.partial = False  # only the first page of the current list is here yet
        self.job = None

    # loading

    def set_filter(self, f: ContactFilter) -> None:
        if f != self.filter or not self._loaded:
            self.filter = f
            self.refresh()

    @property
    def big(self) -> bool:
        """Whether the store is big enough for lists and counts to be read in workers."""
        return self._largest >= self.BACKGROUND_FROM

    def refresh(self) -> None:
        self._loaded = True
        self._request += 1
        request = self._request
        args = (self.filter, self.sort_key, self.descending)
        if not self.big and self._largest:  # a small store: at once
            self._show(request, contact_ids(*args))
            return
        if not self.big:
            # The first list, the store's size not known yet: as many ids as a small store has,
            # at once (a walk of the name index, cheap whatever the size); the rest, on a big
            # store, from a worker.
            self._first(request, args, *first_ids(*args, self.BACKGROUND_FROM))
            return
        self.loading = True
        self.job = run_job(
            first_ids,
            *args,
            self.PAGE,
            on_success=lambda page: self._first(request, args, *page),
            parent=self,
        )

    def _first(self, request: int, args: tuple, ids: list[int], complete: bool) -> None:
        """The first page of a long list is shown at once; the rest is read in a second job."""
        if request != self._request:
            return
        if complete:
            self._show(request, ids)
            return
        self._show(request, ids, partial=True)
        self.job = run_job(contact_ids, *args, on_success=lambda ids: self._show(request, ids), parent=self)

    def _show(self, request: int, ids: list[int], partial: bool = False) -> None:
        if request != self._request:
            return  # an older search or order: a newer one is on its way
        self.loading = partial
        if self.partial and ids[: len(self._ids)] == self._ids:
            # the whole list after its first page: the rest is added, keeping selection and scroll
            self.partial = partial
            if len(ids) > len(self._ids):
                self.beginInsertRows(_ROOT, len(self._ids), len(ids) - 1)
                self._ids = ids
                self.endInsertRows()
        elif ids == self._ids and not partial and not self.partial:
            self.reload_rows()  # the same rows (a refresh after a change elsewhere): keep the view
        else:
            self.partial = partial
            self.beginResetModel()
            self._ids = ids
            self._pages.clear()
            self.endResetModel()
        self._largest = max(self._largest, len(ids))
        self.refreshed.emit()

    def reload_rows(self) -> None:
        """Re-read the shown values (after an edit) without changing which rows there are."""
        self._pages.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def _row(self, row: int) -> ContactRow | None:
        page = row // self.PAGE
        if page not in self._pages:
            ids = self._ids[page * self.PAGE : (page + 1) * self.PAGE]
            self._pages[page] = fetch_rows(ids)
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return self._pages[page].get(self._ids[row])

    # lookups

    def contact_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, contact_id: int) -> int:
        try:
            return self._ids.index(contact_id)
        except ValueError:
            return -1

    def ids(self) -> list[int]:
        """Every id of the current list (read whole if only its first page is here yet)."""
        if self.partial:
            return contact_ids(self.filter, self.sort_key, self.descending)
        return list(self._ids)

    # Qt interface

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section][1])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == ContactIdRole:
            return self._ids[index.row()]
        row = self._row(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "created":
                return row.created_at.astimezone().strftime("%Y-%m-%d")
            if key == "status":
                return row.status.capitalize()
            return getattr(row, key)
        if role == Qt.ItemDataRole.ToolTipRole and (row.unsubscribed or row.bounced):
            return (
                self.tr("Unsubscribed: never emailed by campaigns")
                if row.unsubscribed
                else self.tr("Bounced: the address does not take mail")
            )
        if role == Qt.ItemDataRole.ForegroundRole and (row.unsubscribed or row.bounced):
            return QBrush(QColor(style.tones().muted))  # readable, unlike plain grey
        if role == Qt.ItemDataRole.FontRole and key == "email" and (row.unsubscribed or row.bounced):
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][0]
        wanted = ("name" if key in UNSORTABLE else key, order == Qt.SortOrder.DescendingOrder)
        if wanted != (self.sort_key, self.descending):
            self.sort_key, self.descending = wanted
            self.refresh()
