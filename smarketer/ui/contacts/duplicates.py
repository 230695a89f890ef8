"""Likely duplicates, side by side, merged with one click (nothing is lost in a merge)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from smarketer.contacts.duplicates import DuplicatePair, describe_contacts, find_duplicates, merge_contacts
from smarketer.contacts.editing import contact_label
from smarketer.ui import dialogs
from smarketer.ui.geometry import fit_to_screen


class DuplicatesDialog(QDialog):
    merged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Likely duplicates"))
        fit_to_screen(self, 860, 480)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Keep"), self.tr("Merge into it"), self.tr("Why"), ""])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.load()

    def load(self) -> None:
        pairs = find_duplicates()
        self.table.setRowCount(len(pairs))
        lines = describe_contacts([i for pair in pairs for i in (pair.keep_id, pair.other_id)])
        for row, pair in enumerate(pairs):
            for column, text in enumerate(
                (lines.get(pair.keep_id, ""), lines.get(pair.other_id, ""), pair.reason)
            ):
                self.table.setItem(row, column, QTableWidgetItem(text))
            button = QPushButton(self.tr("Merge"))
            button.setToolTip(
                self.tr(
                    "Keep the first; its empty fields, every email, note, "
                    "tag and timeline entry of the second are added to it"
                )
            )
            button.clicked.connect(lambda _c=False, p=pair: self.merge(p))
            self.table.setCellWidget(row, 3, button)
        self.info.setText(
            self.tr(
                "{} likely duplicate pair(s): the same email, or the same name at the same company or phone."
            ).format(len(pairs))
            if pairs
            else self.tr("No likely duplicates found.")
        )

    def merge(self, pair: DuplicatePair):
        """Merging cannot be undone: ask first, naming both contacts."""
        keep = contact_label(pair.keep_id)
        other = contact_label(pair.other_id)

        def merge() -> None:
            merge_contacts(pair.keep_id, pair.other_id)
            self.merged.emit()
            self.load()

        return dialogs.confirm(
            self,
            self.tr("Merge two contacts?"),
            self.tr(
                "Merge {other} into {keep}? {keep} keeps every email, note, tag, timeline "
                "entry, deal and task of {other}, whose own record goes. This cannot be "
                "undone."
            ).format(keep=keep, other=other),
            merge,
            yes_text=self.tr("Merge"),
            destructive=True,
        )
