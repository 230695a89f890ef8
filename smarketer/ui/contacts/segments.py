"""The segments on the left of the contact list: every contact, each saved segment with its
size (counted in a worker on a big store), and the trash; saving and deleting segments."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from smarketer.contacts import listing
from smarketer.contacts.listing import ContactFilter
from smarketer.contacts.saved_segments import (
    delete_segment,
    save_segment,
    segment_by_id,
    segment_counts,
    segments,
    segments_with_counts,
)
from smarketer.ui import dialogs
from smarketer.ui.workers import run_job

ALL, TRASH = "all", "trash"


class SegmentPanel(QWidget):
    #: Another segment (or all contacts, or the trash) was chosen, saved or deleted.
    chosen = Signal()
    #: "Save as segment…" was pressed: the section saves what its filters show.
    save_wanted = Signal()

    def __init__(self, big: Callable[[], bool], parent=None):
        super().__init__(parent)
        self.big = big  # whether the store is big enough to count segments in a worker
        self.current: str | int = ALL  # ALL, TRASH or a segment's id
        self.total = self.in_trash = 0  # contacts in the store, in the trash
        self._counts_request = 0
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Segments"))
        self.list.setMaximumWidth(260)
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._chosen)
        self.save_button = QPushButton(self.tr("Save as segment…"))
        self.save_button.setToolTip(
            self.tr("Keep the current search and filters as a named segment for campaigns")
        )
        self.save_button.clicked.connect(self.save_wanted)
        self.delete_button = QPushButton(self.tr("Delete segment"))
        self.delete_button.clicked.connect(self.delete)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.delete_button)

    @property
    def in_trash_chosen(self) -> bool:
        return self.current == TRASH

    def segment(self):
        """The saved segment chosen, or None."""
        return segment_by_id(self.current) if isinstance(self.current, int) else None

    def fill(self) -> None:
        """Read the segments again; on a big store their sizes follow from a worker."""
        self.list.blockSignals(True)
        self.list.clear()
        self.total = listing.count()
        entries: list[tuple[str, str | int]] = [(self.tr("All contacts ({:,})").format(self.total), ALL)]
        self._counts_request += 1
        if self.big():  # one count per segment, and the trash's (a scan): a worker fills them in
            entries += [(s.name, s.id) for s in segments()]
            entries.append((self.tr("Trash"), TRASH))
            request = self._counts_request
            self.counts_job = run_job(
                _sizes, on_success=lambda counts: self._show_counts(request, counts), parent=self
            )
        else:
            self.in_trash = listing.count(ContactFilter(trash=True))
            entries += [(f"{s.name} ({n:,})", s.id) for s, n in segments_with_counts()]
            entries.append((self.tr("Trash ({:,})").format(self.in_trash), TRASH))
        for text, key in entries:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.list.addItem(item)
            if key == self.current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None:
            self.current = ALL
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self.delete_button.setEnabled(isinstance(self.current, int))

    def _show_counts(self, request: int, counts: dict[int | str, int]) -> None:
        if request != self._counts_request:
            return  # the list was refilled meanwhile
        self.in_trash = counts.get(TRASH, self.in_trash)
        for row in range(self.list.count()):
            item = self.list.item(row)
            count = counts.get(item.data(Qt.ItemDataRole.UserRole))
            if count is not None:
                item.setText(f"{item.text()} ({count:,})")

    def _chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None:
            self.current = item.data(Qt.ItemDataRole.UserRole)
            self.delete_button.setEnabled(isinstance(self.current, int))
            self.chosen.emit()

    def save(self, f: ContactFilter):
        """Ask for a name and save ``f`` as a segment, then choose it; the segment or None."""
        name = dialogs.ask_text(
            self, self.tr("Save segment"), self.tr("Name for the segment ({}):").format(f.describe())
        )
        if not name:
            return None
        segment = save_segment(name, f)
        self.current = segment.id
        self.fill()
        return segment

    def delete(self) -> None:
        """Delete the chosen segment, after asking (its contacts stay)."""
        segment = self.segment()
        if segment is None:
            return

        def delete() -> None:
            delete_segment(segment.id)
            self.current = ALL
            self.fill()
            self.chosen.emit()

        dialogs.confirm(
            self,
            self.tr("Delete segment?"),
            self.tr("Delete the segment {}? Its contacts stay.").format(segment.name),
            delete,
            yes_text=self.tr("Delete segment"),
            destructive=True,
        )


def _sizes() -> dict[int | str, int]:
    """Each segment's size by id, and the trash's (run in a worker)."""
    sizes: dict[int | str, int] = dict(segment_counts())
    sizes[TRASH] = listing.count(ContactFilter(trash=True))
    return sizes
