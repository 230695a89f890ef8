"""A column of the deal board (one open stage, its cards, dragged in and out) and the Won
and Lost drop zones beside the board."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QFrame, QLabel, QListView, QVBoxLayout

from smarketer.pipeline.stage_list import StageInfo
from smarketer.ui.deals.delegate import CardDelegate
from smarketer.ui.deals.model import DEAL_MIME, StageDealsModel

#: Columns share the board's width between these bounds; below the minimum the board scrolls.
COLUMN_MIN_WIDTH, COLUMN_MAX_WIDTH = 225, 320


class DropZone(QLabel):
    """ "Won" or "Lost": drop a card here to close the deal."""

    dropped = Signal(int)

    def __init__(self, text: str, parent=None):
        super().__init__(text, parent)
        self.setAcceptDrops(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumHeight(56)
        self.setProperty("role", "dropZone")
        self.setFrameShape(QFrame.Shape.StyledPanel)

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasFormat(DEAL_MIME):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        data = event.mimeData()
        if data.hasFormat(DEAL_MIME):
            event.acceptProposedAction()
            self.dropped.emit(int(bytes(data.data(DEAL_MIME)).decode()))


class StageColumn(QFrame):
    def __init__(self, stage: StageInfo, delegate: CardDelegate, parent=None):
        super().__init__(parent)
        self.stage = stage
        self.setProperty("role", "card")
        self.setMinimumWidth(COLUMN_MIN_WIDTH)
        self.setMaximumWidth(COLUMN_MAX_WIDTH)
        self.title = QLabel()
        self.title.setProperty("role", "emptyTitle")
        self.totals = QLabel()
        self.totals.setProperty("role", "subtitle")
        self.totals.setWordWrap(True)
        self.model = StageDealsModel(stage.id, self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(delegate)
        self.view.setAccessibleName(stage.name)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setUniformItemSizes(True)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setSpacing(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.totals)
        layout.addWidget(self.view, 1)
