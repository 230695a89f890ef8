"""The proposal catalog (products and services with their prices) and the reusable text
blocks (terms, introductions), each edited in its own dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from smarketer.proposals import catalog
from smarketer.proposals.catalog import blocks, save_block, save_product
from smarketer.proposals.drafts import ProposalError
from smarketer.ui.geometry import fit_to_screen

IdRole = Qt.ItemDataRole.UserRole + 1  # a product's id on its row


class CatalogDialog(QDialog):
    """Products and services: edit in place; a new row becomes a product when it has a name."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Catalog"))
        fit_to_screen(self, 760, 420)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Description"),
                self.tr("Unit"),
                self.tr("Unit price"),
                self.tr("Tax % (empty: default)"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._changed)
        self.message = QLineEdit()
        self.message.setReadOnly(True)
        self.message.setFrame(False)
        add = QPushButton(self.tr("Add product"))
        add.clicked.connect(self._add)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.load()

    def load(self) -> None:
        self.table.blockSignals(True)
        products = catalog.products(active_only=False)
        self.table.setRowCount(len(products))
        for row, p in enumerate(products):
            values = [
                p.name,
                p.description,
                p.unit,
                f"{p.unit_price:f}",
                "" if p.tax_rate is None else f"{p.tax_rate.normalize():f}",
            ]
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(IdRole, p.id)
                self.table.setItem(row, column, cell)
        self.table.blockSignals(False)

    def _add(self) -> None:
        save_product(self.tr("New product"), "0")
        self.load()
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        self.table.editItem(self.table.item(self.table.rowCount() - 1, 0))

    def _changed(self, cell: QTableWidgetItem) -> None:
        row = cell.row()
        text = [self.table.item(row, c).text() if self.table.item(row, c) else "" for c in range(5)]
        try:
            save_product(
                text[0],
                text[3] or "0",
                description=text[1],
                unit=text[2],
                tax_rate=text[4] or None,
                product_id=cell.data(IdRole),
            )
        except (ProposalError, ValueError) as exc:
            self.message.setText(str(exc))
            return
        self.message.clear()


class BlocksDialog(QDialog):
    """The library of reusable proposal text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Content blocks"))
        fit_to_screen(self, 620, 460)
        self.list = QTableWidget(0, 1)
        self.list.setHorizontalHeaderLabels([self.tr("Block")])
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.currentCellChanged.connect(lambda row, *_: self._show(row))
        self.title = QLineEdit()
        self.body = QPlainTextEdit()
        save = QPushButton(self.tr("Save block"))
        save.clicked.connect(self._save)
        new = QPushButton(self.tr("New block"))
        new.clicked.connect(
            lambda: (
                self.list.clearSelection(),
                self.title.clear(),
                self.body.clear(),
                setattr(self, "block_id", None),
            )
        )
        form = QFormLayout()
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Text"), self.body)
        row = QHBoxLayout()
        row.addWidget(new)
        row.addStretch(1)
        row.addWidget(save)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(form, 2)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.block_id = None
        self.load()

    def load(self) -> None:
        self.blocks = blocks()
        self.list.setRowCount(len(self.blocks))
        for row, block in enumerate(self.blocks):
            self.list.setItem(row, 0, QTableWidgetItem(block.title))

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.blocks):
            block = self.blocks[row]
            self.block_id = block.id
            self.title.setText(block.title)
            self.body.setPlainText(block.body)

    def _save(self) -> None:
        try:
            save_block(self.title.text(), self.body.toPlainText(), self.block_id)
        except ProposalError:
            self.title.setFocus()
            return
        self.load()
