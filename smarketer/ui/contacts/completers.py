"""Completion that asks the store as you type, so 100,000 companies never fill a widget."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

from smarketer import contacts


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
        self._names.setStringList(contacts.company_names_like(text.strip(), 20)
                                  if text.strip() else [])
