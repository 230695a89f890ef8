"""Ctrl+K: one box that finds sections, commands, contacts, deals and proposals by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from smarketer import contacts, pipeline
from smarketer.proposals import service


@dataclass
class Entry:
    kind: str  # Section, Command, Contact, Deal, Proposal
    text: str
    run: Callable[[], None]


class CommandPalette(QDialog):
    MAX_PER_KIND = 6

    def __init__(self, window, parent=None):
        super().__init__(parent or window)
        self.window_ = window
        self.setWindowTitle(self.tr("Go to…"))
        self.resize(560, 380)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Type a section, a command, a contact, a deal or "
                                              "a proposal"))
        self.query.setAccessibleName(self.tr("Search everything"))
        self.results = QListWidget()
        self.results.setAccessibleName(self.tr("Results"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        self.entries: list[Entry] = []
        self.query.textChanged.connect(self.search)
        self.query.returnPressed.connect(self.run_current)
        self.results.itemActivated.connect(lambda _i: self.run_current())
        self.query.installEventFilter(self)
        self.search("")

    def eventFilter(self, obj, event):  # noqa: N802 - arrows move in the list while typing
        from PySide6.QtCore import QEvent

        if obj is self.query and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Down, Qt.Key.Key_Up):
            row = self.results.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            self.results.setCurrentRow(max(0, min(self.results.count() - 1, row)))
            return True
        return super().eventFilter(obj, event)

    def _static(self) -> list[Entry]:
        w = self.window_
        found = [Entry("Section", label, lambda i=i: w.go_to(i))
                 for i, label in enumerate(w.section_labels)]
        for action in w.actions.values():
            text = action.text().replace("&", "").rstrip("…")
            if action.isEnabled() and text:
                found.append(Entry("Command", text, action.trigger))
        return found

    def search(self, text: str) -> None:
        text = text.strip()
        low = text.lower()
        entries = [e for e in self._static() if low in e.text.lower()]
        if text:
            w = self.window_
            for contact_id, label in contacts.find_contacts(text, self.MAX_PER_KIND):
                entries.append(Entry("Contact", label, lambda c=contact_id: w.show_contact(c)))
            for deal in pipeline.find_deals(text, self.MAX_PER_KIND):
                entries.append(Entry("Deal", deal.title, lambda d=deal.id: w.show_deal(d)))
            for p in service.find_proposals(text, self.MAX_PER_KIND):
                entries.append(Entry("Proposal", f"{p.label} · {p.title}",
                                     lambda i=p.id: w.show_proposal(i)))
        self.entries = entries
        self.results.clear()
        for entry in entries:
            self.results.addItem(QListWidgetItem(f"{entry.text}    ·  {entry.kind}"))
        self.results.setCurrentRow(0 if entries else -1)

    def run_current(self) -> None:
        row = self.results.currentRow()
        if 0 <= row < len(self.entries):
            entry = self.entries[row]
            self.accept()
            entry.run()
