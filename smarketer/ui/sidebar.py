"""The sidebar: one entry per section, with its icon; collapsed to the icons alone on a small
screen or when the owner chooses (View → Collapse Sidebar)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from smarketer.ui import style

SIDEBAR_WIDTH, SIDEBAR_COLLAPSED_WIDTH = 190, 52


class Sidebar(QListWidget):
    def __init__(self, labels: Sequence[str], parent=None):
        super().__init__(parent)
        self.labels = tuple(labels)
        self.setObjectName("sidebar")
        self.setAccessibleName(self.tr("Sections"))
        self.setFixedWidth(SIDEBAR_WIDTH)
        for label in self.labels:
            item = QListWidgetItem(style.icon(label), self.tr(label))
            item.setSizeHint(QSize(0, 34))
            self.addItem(item)

    def set_collapsed(self, collapsed: bool) -> None:
        """Icons alone (each says its name and shortcut in a tooltip), or icons and names."""
        self.setFixedWidth(SIDEBAR_COLLAPSED_WIDTH if collapsed else SIDEBAR_WIDTH)
        for row, label in enumerate(self.labels):
            item = self.item(row)
            name = self.tr(label)
            item.setText("" if collapsed else name)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, name)
            item.setToolTip(f"{name} (Ctrl+{row + 1})")
        self.setProperty("collapsed", collapsed)

    def recolor_icons(self) -> None:
        """Icons drawn again in the colours of the current appearance (light or dark)."""
        for row, label in enumerate(self.labels):
            self.item(row).setIcon(style.icon(label))

    def move_back(self, row: int) -> None:
        """Show ``row`` as current again without announcing it (a move that was refused)."""
        self.blockSignals(True)
        self.setCurrentRow(row)
        self.blockSignals(False)
