"""Completion that asks the store as you type, so 100,000 companies never fill a widget."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

from smarketer.contacts.editing import company_names_like, contact_label, find_contacts


class CompanyCompleter(QCompleter):
    """Offers up to 20 company names starting with (then containing) what is typed."""

    def __init__(self, edit: QLineEdit):
        self._names = QStringListModel()
        super().__init__(self._names, edit)
        self._names.setParent(self)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        edit.setCompleter(self)
        edit.textEdited.connect(self._lookup)

    def _lookup(self, text: str) -> None:
        self._names.setStringList(company_names_like(text.strip(), 20) if text.strip() else [])


class ContactPicker(QLineEdit):
    """Type a name or email, pick a contact; ``contact_id()`` is the chosen one (or None)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._chosen: int | None = None
        self._found: dict[str, int] = {}
        self._labels = QStringListModel(self)
        completer = QCompleter(self._labels, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self._picked)
        self.setCompleter(completer)
        self.textEdited.connect(self._lookup)
        self.setPlaceholderText(self.tr("type a name or email"))
        self.setClearButtonEnabled(True)

    def _lookup(self, text: str) -> None:
        self._chosen = None
        found = find_contacts(text.strip()) if text.strip() else []
        self._found = {label: cid for cid, label in found}
        self._labels.setStringList(list(self._found))

    def _picked(self, label: str) -> None:
        self._chosen = self._found.get(label)

    def set_contact(self, contact_id: int | None) -> None:
        self._chosen = contact_id
        self.setText(contact_label(contact_id))

    def contact_id(self) -> int | None:
        return self._chosen if self.text().strip() else None
