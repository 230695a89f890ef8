"""One follow-up task: open it from Today (double-click) or add one there."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
)

from smarketer.pipeline.errors import PipelineError
from smarketer.pipeline.tasks import add_task, task_details, update_task
from smarketer.ui.contacts.completers import ContactPicker


class TaskDialog(QDialog):
    """Edit a task (``task_id``) or add one for a contact; ``saved`` carries its id."""

    saved = Signal(int)
    open_deal = Signal(int)

    def __init__(self, task_id: int | None = None, parent=None):
        super().__init__(parent)
        self.task_id = task_id
        task = task_details(task_id) if task_id else None
        self.setWindowTitle(self.tr("Task") if task else self.tr("New task"))
        self.setMinimumWidth(420)
        self.title = QLineEdit(task.title if task else "")
        self.title.setPlaceholderText(self.tr("e.g. Call to follow up"))
        self.due = QDateEdit(QDate(task.due_date) if task else QDate.currentDate())
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.time = QLineEdit(task.due_time or "" if task else "")
        self.time.setPlaceholderText(self.tr("HH:MM (optional)"))
        self.contact = ContactPicker()
        self.error = QLabel()
        self.error.setProperty("role", "fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout(self)
        form.addRow(self.tr("Task"), self.title)
        form.addRow(self.tr("Due"), self.due)
        form.addRow(self.tr("Time"), self.time)
        if task is None:
            form.addRow(self.tr("For contact"), self.contact)
        else:
            form.addRow(self.tr("For"), QLabel(task.context or "—"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        if task is not None and task.deal_id:
            deal_button = QPushButton(self.tr("Open deal"))
            buttons.addButton(deal_button, QDialogButtonBox.ButtonRole.ActionRole)
            deal_button.clicked.connect(lambda: (self.accept(), self.open_deal.emit(task.deal_id)))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(self.error)
        form.addRow(buttons)

    def save(self) -> bool:
        due: date = self.due.date().toPython()
        time = self.time.text().strip() or None
        try:
            if self.task_id:
                update_task(self.task_id, self.title.text(), due, time)
            else:
                contact_id = self.contact.contact_id()
                if contact_id is None:
                    raise PipelineError(self.tr("Pick the contact the task is for."))
                self.task_id = add_task(self.title.text(), due, contact_id=contact_id, due_time=time).id
        except PipelineError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self.saved.emit(self.task_id)
        self.accept()
        return True
