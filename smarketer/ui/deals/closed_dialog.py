"""Won and lost deals: find a closed deal, open it, or reopen it onto the board."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from smarketer.money import format_money
from smarketer.pipeline.deals import closed_deals

IdRole = Qt.ItemDataRole.UserRole + 1


class ClosedDealsDialog(QDialog):
    """``reopen_requested(deal_id)`` and ``open_requested(deal_id)`` go to the board."""

    reopen_requested = Signal(int)
    open_requested = Signal(int)

    def __init__(self, currency: str, locale: str, parent=None):
        super().__init__(parent)
        self.currency, self.money_locale = currency, locale
        self.setWindowTitle(self.tr("Won and lost deals"))
        self.resize(720, 460)
        self.kind = QComboBox()
        self.kind.setAccessibleName(self.tr("Show"))
        for text, key in (
            (self.tr("Won and lost"), None),
            (self.tr("Won"), "won"),
            (self.tr("Lost"), "lost"),
        ):
            self.kind.addItem(text, key)
        self.kind.currentIndexChanged.connect(lambda _i: self.reload())
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter by title"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.reload())
        top = QHBoxLayout()
        top.addWidget(self.kind)
        top.addWidget(self.search, 1)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Deal"),
                self.tr("Closed as"),
                self.tr("Value"),
                self.tr("Closed on"),
                self.tr("Why lost"),
            ]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAccessibleName(self.tr("Closed deals"))
        self.table.itemDoubleClicked.connect(lambda _i: self._emit(self.open_requested))
        self.empty = QLabel(self.tr("No closed deals yet: drop a deal on Won or Lost."))
        self.empty.setProperty("role", "subtitle")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = QPushButton(self.tr("Open"))
        self.reopen_button = QPushButton(self.tr("Reopen"))
        self.reopen_button.setToolTip(self.tr("Put the deal back on the board (undo with Ctrl+Z)"))
        for button in (self.open_button, self.reopen_button):
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(lambda: self._emit(self.open_requested))
        self.reopen_button.clicked.connect(lambda: self._emit(self.reopen_requested))
        self.buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.buttons)
        self.reload()

    def reload(self) -> None:
        deals = closed_deals(self.kind.currentData(), self.search.text())
        self.table.setRowCount(len(deals))
        for row, d in enumerate(deals):
            cells = [
                d.title + (f" · {d.contact}" if d.contact else ""),
                d.stage,
                format_money(d.value, self.currency, self.money_locale),
                d.closed_at.astimezone().strftime("%Y-%m-%d") if d.closed_at else "",
                d.lost_reason,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(IdRole, d.id)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.empty.setVisible(not deals)
        self._update_buttons()

    def selected_id(self) -> int | None:
        items = self.table.selectedItems()
        return items[0].data(IdRole) if items else None

    def _update_buttons(self) -> None:
        for button in (self.open_button, self.reopen_button):
            button.setEnabled(self.selected_id() is not None)

    def _emit(self, signal) -> None:
        deal_id = self.selected_id()
        if deal_id is not None:
            signal.emit(deal_id)
