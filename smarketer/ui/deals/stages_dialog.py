"""Edit the pipeline: rename, reorder, add and remove open stages, set their probability."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from smarketer import snapshots
from smarketer.pipeline.deals import deal_counts_by_stage, remove_stage
from smarketer.pipeline.errors import PipelineError
from smarketer.pipeline.stage_list import StageInfo, add_stage, open_stage_infos, reorder_stages, update_stage
from smarketer.ui import dialogs
from smarketer.ui.geometry import fit_to_screen


class StagesDialog(QDialog):
    changed = Signal()

    def __init__(self, parent=None, record=None):
        """``record(text, before)`` is told of each edit with the layout before it (undo)."""
        super().__init__(parent)
        self._record = record
        self._before = None
        self.setWindowTitle(self.tr("Pipeline stages"))
        fit_to_screen(self, 560, 420)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Stage"), self.tr("Win probability"), self.tr("Deals")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName(self.tr("Open stages"))
        self.table.itemChanged.connect(self._renamed)
        self.up = QPushButton(self.tr("Move up"))
        self.down = QPushButton(self.tr("Move down"))
        self.add = QPushButton(self.tr("Add stage…"))
        self.remove = QPushButton(self.tr("Remove…"))
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        self.add.clicked.connect(self._add)
        self.remove.clicked.connect(self._remove)
        self.message = QLabel()
        self.message.setProperty("role", "fieldError")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        for button in (self.up, self.down, self.add, self.remove):
            row.addWidget(button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Won and Lost always come last. Removing a stage moves its deals to another one first."
                )
            )
        )
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.load()

    def load(self, select: int = 0) -> None:
        self.table.blockSignals(True)
        self.stages = open_stage_infos()
        counts = deal_counts_by_stage()
        self.table.setRowCount(len(self.stages))
        for row, stage in enumerate(self.stages):
            name = QTableWidgetItem(stage.name)
            name.setData(Qt.ItemDataRole.UserRole, stage.id)
            self.table.setItem(row, 0, name)
            spin = QSpinBox()
            spin.setRange(0, 100)
            spin.setSuffix(" %")
            spin.setValue(stage.probability)
            spin.setAccessibleName(self.tr("Probability of {}").format(stage.name))
            spin.valueChanged.connect(lambda value, r=row: self._probability(r, value))
            self.table.setCellWidget(row, 1, spin)
            count = QTableWidgetItem(str(counts.get(stage.id, 0)))
            count.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 2, count)
        self.table.blockSignals(False)
        self.table.selectRow(min(select, len(self.stages) - 1))

    def _current(self) -> tuple[int, StageInfo | None]:
        row = self.table.currentRow()
        return (row, self.stages[row]) if 0 <= row < len(self.stages) else (-1, None)

    def _done(self, text: str = "") -> None:
        self.message.clear()
        if self._record and self._before is not None:
            self._record(text or self.tr("Stage edit"), self._before)
        self._before = None
        self.changed.emit()

    def _snapshot(self) -> None:
        self._before = snapshots.stage_layout()

    def _renamed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0:
            return
        stage = self.stages[item.row()]
        self._snapshot()
        try:
            update_stage(stage.id, item.text(), stage.probability)
        except PipelineError as exc:
            self.message.setText(str(exc))
            self.load(item.row())
            return
        self._done(self.tr("Renamed stage {} to {}").format(stage.name, item.text().strip()))

    def _probability(self, row: int, value: int) -> None:
        stage = self.stages[row]
        self._snapshot()
        update_stage(stage.id, stage.name, value)
        self.stages[row] = replace(stage, probability=value)
        self._done(self.tr("Win probability of {}: {}%").format(stage.name, value))

    def _move(self, step: int) -> None:
        row, _stage = self._current()
        target = row + step
        if row < 0 or not 0 <= target < len(self.stages):
            return
        ids = [s.id for s in self.stages]
        ids[row], ids[target] = ids[target], ids[row]
        self._snapshot()
        reorder_stages(ids)
        self.load(target)
        self._done(self.tr("Moved stage {}").format(self.stages[target].name))

    def _add(self) -> None:
        name = dialogs.ask_text(self, self.tr("Add stage"), self.tr("Name of the new stage:"))
        if not name:
            return
        row, stage = self._current()
        after = self.stages[row + 1] if 0 <= row < len(self.stages) - 1 else None
        self._snapshot()
        new = add_stage(name, stage.probability if stage else 50, before=after)
        self.load([s.id for s in open_stage_infos()].index(new.id))
        self._done(self.tr("Added stage {}").format(new.name))

    def _remove(self) -> None:
        row, stage = self._current()
        if stage is None:
            return
        others = [s for s in self.stages if s.id != stage.id]
        deals = deal_counts_by_stage().get(stage.id, 0)
        if not deals:
            self._do_remove(stage, None)
            return
        chooser = QDialog(self)
        chooser.setWindowTitle(self.tr("Remove {}").format(stage.name))
        target = QComboBox()
        for other in others:
            target.addItem(other.name, other.id)
        target.setAccessibleName(self.tr("Move its deals to"))
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        box.addButton(self.tr("Move deals and remove"), QDialogButtonBox.ButtonRole.AcceptRole)
        box.accepted.connect(chooser.accept)
        box.rejected.connect(chooser.reject)
        layout = QVBoxLayout(chooser)
        layout.addWidget(QLabel(self.tr("{} has {} deal(s). Move them to:").format(stage.name, deals)))
        layout.addWidget(target)
        layout.addWidget(box)
        chooser.accepted.connect(lambda: self._do_remove(stage, target.currentData()))
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.open()
        self.chooser = chooser

    def _do_remove(self, stage: StageInfo, move_to: int | None) -> None:
        try:
            remove_stage(stage.id, move_to)
        except PipelineError as exc:
            self.message.setText(str(exc))
            return
        self.load()
        self._done()
