"""One list model per board column; drag and drop carries the deal id between them."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QByteArray, QMimeData, QModelIndex, Qt, Signal

from smarketer.pipeline.deal_board import DealCard

DEAL_MIME = "application/x-smarketer-deal"
CardRole = Qt.ItemDataRole.UserRole + 1
_ROOT = QModelIndex()


class StageDealsModel(QAbstractListModel):
    #: (deal id, stage id, row in this column) after a drop; the board does the move.
    deal_dropped = Signal(int, int, int)

    def __init__(self, stage_id: int, parent=None):
        super().__init__(parent)
        self.stage_id = stage_id
        self.cards: list[DealCard] = []

    def set_cards(self, cards: list[DealCard]) -> None:
        self.beginResetModel()
        self.cards = list(cards)
        self.endResetModel()

    def row_of(self, deal_id: int) -> int:
        return next((i for i, c in enumerate(self.cards) if c.id == deal_id), -1)

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.cards)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.cards):
            return None
        card = self.cards[index.row()]
        if role == CardRole:
            return card
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return card.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{card.title}\n{card.who}" if card.who else card.title
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self):  # noqa: N802
        return Qt.DropAction.MoveAction

    def supportedDragActions(self):  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [DEAL_MIME]

    def mimeData(self, indexes) -> QMimeData:  # noqa: N802
        mime = QMimeData()
        if indexes:
            mime.setData(DEAL_MIME, QByteArray(str(self.cards[indexes[0].row()].id).encode()))
        return mime

    def canDropMimeData(self, data, action, row, column, parent) -> bool:  # noqa: N802
        return data.hasFormat(DEAL_MIME)

    def dropMimeData(self, data, action, row, column, parent) -> bool:  # noqa: N802
        if not data.hasFormat(DEAL_MIME):
            return False
        deal_id = int(bytes(data.data(DEAL_MIME)).decode())
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.cards)
        source = self.row_of(deal_id)
        if 0 <= source < row:
            row -= 1  # the card leaves its old place above the drop point
        self.deal_dropped.emit(deal_id, self.stage_id, row)
        return False  # the board reloads every column; nothing for the view to remove

    def removeRows(self, row, count, parent=_ROOT) -> bool:  # noqa: N802
        return False
