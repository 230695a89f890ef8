"""The deal editor (title, contact, value, probability, close date, source, notes, tasks,
history) and the question "why was it lost?"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from smarketer import settings
from smarketer.conflicts import EditConflict
from smarketer.money import format_money
from smarketer.pipeline import deals, tasks
from smarketer.pipeline.deals import (
    DealData,
    deal_record,
    delete_deal,
    lost_reasons,
    save_deal,
    set_lost_reasons,
    stage_moves,
    validate_deal,
)
from smarketer.pipeline.errors import DealInvalid, PipelineError
from smarketer.pipeline.stage_list import open_stage_infos
from smarketer.pipeline.tasks import complete_task, reopen_task, tasks_of_deal
from smarketer.ui import dialogs
from smarketer.ui.contacts.completers import CompanyCompleter, ContactPicker
from smarketer.ui.forms import KeepsEdits, add_field_rows, differing, save_or_ask, show_field_errors
from smarketer.ui.geometry import fit_to_screen


class LostReasonDialog(QDialog):
    """Pick or type why a deal was lost; a new reason joins the list for next time."""

    def __init__(self, title: str, on_reason: Callable[[str], None], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mark as lost"))
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(lost_reasons())
        self.reason.setAccessibleName(self.tr("Reason"))
        self.reason.setCurrentIndex(-1)
        self.reason.lineEdit().setPlaceholderText(self.tr("Why was it lost?"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(self.tr("Mark as lost"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Why was “{}” lost?").format(title)))
        layout.addWidget(self.reason)
        layout.addWidget(buttons)
        self._on_reason = on_reason

    def _accept(self) -> None:
        reason = self.reason.currentText().strip()
        if not reason:
            self.reason.setFocus()
            return
        if reason not in lost_reasons():
            set_lost_reasons([*lost_reasons(), reason])
        self.accept()
        self._on_reason(reason)


def ask_lost_reason(parent, title: str, on_reason: Callable[[str], None]) -> LostReasonDialog:
    dialog = LostReasonDialog(title, on_reason, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


class DealDialog(KeepsEdits, QDialog):
    edit_name = "This deal"
    """Create or edit a deal. Emits ``changed(deal_id)`` after every saved change."""

    changed = Signal(int)
    proposal_requested = Signal(int)

    def __init__(self, deal_id: int | None = None, contact_id: int | None = None, parent=None):
        super().__init__(parent)
        self.deal_id = deal_id
        profile = settings.load_profile()
        self.currency, self.money_locale = profile.currency, profile.locale
        self.setWindowTitle(self.tr("New deal") if deal_id is None else self.tr("Deal"))
        fit_to_screen(self, 620, 600)

        self.title = QLineEdit()
        self.contact = ContactPicker()
        self.company = QLineEdit()
        CompanyCompleter(self.company)
        self.value = QLineEdit()
        self.value.setPlaceholderText(f"0 {self.currency}")
        self.stage = QComboBox()
        for stage in open_stage_infos():
            self.stage.addItem(f"{stage.name} ({stage.probability}%)", stage.id)
        self.probability = QSpinBox()
        self.probability.setRange(-1, 100)
        self.probability.setSpecialValueText(self.tr("Stage default"))
        self.probability.setSuffix(" %")
        self.has_close = QCheckBox(self.tr("Expected close"))
        self.close_date = QDateEdit()
        self.close_date.setCalendarPopup(True)
        self.close_date.setDisplayFormat("yyyy-MM-dd")
        self.close_date.setDate(QDate.currentDate().addDays(30))
        self.has_close.toggled.connect(self.close_date.setEnabled)
        self.close_warning = QLabel()
        self.close_warning.setProperty("role", "fieldError")
        self.source = QComboBox()
        self.source.setEditable(True)
        self.source.addItems(
            ["", "Referral", "Website form", "Trade fair", "LinkedIn", "Campaign", "Cold email", "Walk-in"]
        )
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)

        self.fields = {
            "title": (self.tr("Title"), self.title),
            "contact": (self.tr("Contact"), self.contact),
            "company": (self.tr("Company"), self.company),
            "value": (self.tr("Value ({})").format(self.currency), self.value),
            "stage": (self.tr("Stage"), self.stage),
            "probability": (self.tr("Win probability"), self.probability),
            "source": (self.tr("Source"), self.source),
            "notes": (self.tr("Notes"), self.notes),
        }
        form = QFormLayout()

        def close_date_after(key: str) -> None:
            if key == "probability":
                row = QHBoxLayout()
                row.addWidget(self.close_date)
                row.addWidget(self.close_warning, 1)
                form.addRow(self.has_close, row)

        self.errors = add_field_rows(form, self.fields, after=close_date_after)
        details = QWidget()
        details.setLayout(form)

        # tasks
        self.tasks = QListWidget()
        self.tasks.setAccessibleName(self.tr("Tasks"))
        self.tasks.itemChanged.connect(self._task_toggled)
        self.task_title = QLineEdit()
        self.task_title.setPlaceholderText(self.tr("Next step, e.g. Call to follow up"))
        self.task_due = QDateEdit()
        self.task_due.setCalendarPopup(True)
        self.task_due.setDisplayFormat("yyyy-MM-dd")
        self.task_due.setDate(QDate.currentDate().addDays(1))
        self.task_time = QLineEdit()
        self.task_time.setPlaceholderText(self.tr("time (optional)"))
        self.task_time.setInputMask("")
        self.task_time.setMaximumWidth(110)
        self.task_time.setAccessibleName(self.tr("Task time, HH:MM"))
        self.add_task_button = QPushButton(self.tr("Add task"))
        self.add_task_button.clicked.connect(self.add_task)
        self.task_title.returnPressed.connect(self.add_task)
        task_row = QHBoxLayout()
        task_row.addWidget(self.task_title, 1)
        task_row.addWidget(self.task_due)
        task_row.addWidget(self.task_time)
        task_row.addWidget(self.add_task_button)
        tasks_page = QWidget()
        tasks_layout = QVBoxLayout(tasks_page)
        tasks_layout.addWidget(self.tasks, 1)
        tasks_layout.addLayout(task_row)

        self.history = QListWidget()
        self.history.setAccessibleName(self.tr("Stage history"))
        self.proposals = QListWidget()
        self.proposals.setAccessibleName(self.tr("Proposals"))
        self.new_proposal_button = QPushButton(self.tr("New proposal for this deal"))
        self.new_proposal_button.clicked.connect(self._proposal_requested)
        proposals_page = QWidget()
        proposals_layout = QVBoxLayout(proposals_page)
        proposals_layout.addWidget(self.proposals, 1)
        proposals_layout.addWidget(self.new_proposal_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.tabs = QTabWidget()
        self.tabs.addTab(details, self.tr("Details"))
        self.tabs.addTab(tasks_page, self.tr("Tasks"))
        self.tabs.addTab(self.history, self.tr("History"))
        self.tabs.addTab(proposals_page, self.tr("Proposals"))

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.won_button = self.buttons.addButton(self.tr("Won"), QDialogButtonBox.ButtonRole.ActionRole)
        self.lost_button = self.buttons.addButton(self.tr("Lost…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.delete_button = self.buttons.addButton(
            self.tr("Delete"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.won_button.clicked.connect(self.mark_won)
        self.lost_button.clicked.connect(self.mark_lost)
        self.delete_button.clicked.connect(self.delete)
        self.status = QLabel()
        self.status.setProperty("role", "subtitle")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.load(contact_id)
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # type at once: Title has the focus
        self.title.setFocus()

    # reading and writing

    def load(self, contact_id: int | None = None) -> None:
        deal = deal_record(self.deal_id)
        self.version = deal.version if deal else None  # what this form was loaded from
        if deal is None:
            self.contact.set_contact(contact_id)
            self.has_close.setChecked(False)
            self.close_date.setEnabled(False)
            self.probability.setValue(-1)
        else:
            d = deal.data
            self.title.setText(d.title)
            self.contact.set_contact(d.contact_id)
            self.company.setText(d.company)
            self.value.setText(f"{d.value:f}")
            if deal.stage_kind == "open":
                self.stage.setCurrentIndex(max(0, self.stage.findData(d.stage_id)))
            else:
                self.stage.addItem(deal.stage_name, d.stage_id)
                self.stage.setCurrentIndex(self.stage.count() - 1)
                self.stage.setEnabled(False)
            self.probability.setValue(-1 if d.probability is None else int(d.probability))
            self.has_close.setChecked(d.expected_close is not None)
            self.close_date.setEnabled(d.expected_close is not None)
            if d.expected_close:
                day = d.expected_close
                self.close_date.setDate(QDate(day.year, day.month, day.day))
            self.source.setCurrentText(d.source)
            self.notes.setPlainText(d.notes)
            self.setWindowTitle(d.title)
        self.delete_button.setEnabled(deal is not None)
        for button in (self.won_button, self.lost_button):  # a closed deal stays closed
            button.setEnabled(deal is not None and deal.stage_kind == "open")
        if deal is not None and deal.stage_kind != "open":
            self.status.setText(
                self.tr("{}: {}").format(deal.stage_name, deal.lost_reason)
                if deal.lost_reason
                else deal.stage_name
            )
        self.tabs.setTabEnabled(1, deal is not None)
        self.tabs.setTabEnabled(2, deal is not None)
        self.tabs.setTabEnabled(3, deal is not None)
        self._load_tasks()
        self._load_history()
        self._load_proposals()
        self.mark_clean()

    def data(self) -> DealData:
        return DealData(
            title=self.title.text(),
            contact_id=self.contact.contact_id(),
            company=self.company.text(),
            value=self.value.text(),
            probability=None if self.probability.value() < 0 else self.probability.value(),
            stage_id=self.stage.currentData() if self.stage.isEnabled() else None,
            expected_close=self.close_date.date().toPython() if self.has_close.isChecked() else None,
            source=self.source.currentText(),
            notes=self.notes.toPlainText(),
        )

    def edit_values(self):
        return self.data()

    def discard(self) -> None:
        self.load()

    def reject(self) -> None:
        """Close (Esc, the window's ×): what was typed is saved, or the owner chooses."""
        if self.deal_id is None and not self.title.text().strip():
            super().reject()  # a new deal with nothing typed: nothing to keep
            return
        save_or_ask(self, super().reject)

    def show_errors(self, errors: dict[str, str]) -> None:
        if errors:
            self.tabs.setCurrentIndex(0)
        show_field_errors(self.fields, self.errors, errors)

    def save(self) -> bool:
        data = self.data()
        clean, errors, warnings = validate_deal(data, self.money_locale)
        self.close_warning.setText(warnings.get("expected_close", ""))
        try:
            deal = save_deal(data, self.deal_id, expected_version=self.version)
        except DealInvalid as exc:
            self.show_errors(exc.errors)
            self.status.setText(self.tr("Not saved: fix the marked fields."))
            return False
        except EditConflict as exc:
            version = exc.version
            self.status.setText(self.tr("Not saved: someone else changed this deal."))
            theirs = deal_record(self.deal_id)
            return self.ask_about_conflict(
                exc,
                differing(
                    self.fields,
                    clean,
                    theirs.data if theirs else DealData(),
                    {"contact": "contact_id", "stage": "stage_id"},
                ),
                self.load,
                lambda: self._overwrite(version),
            )
        self.show_errors({})
        self.deal_id = deal.id
        self.status.setText(
            self.tr("Saved · {}").format(format_money(deal.value, self.currency, self.money_locale))
        )
        self.load()
        self.changed.emit(deal.id)
        return True

    def _overwrite(self, version: int | None) -> bool:
        self.version = version
        return self.save()

    # actions

    def _proposal_requested(self) -> None:
        if self.deal_id:
            self.proposal_requested.emit(self.deal_id)

    def mark_won(self) -> None:
        if self.save():
            assert self.deal_id is not None  # saved
            deals.mark_won(self.deal_id)
            self.changed.emit(self.deal_id)
            self.accept()

    def mark_lost(self) -> None:
        if not self.save():
            return
        assert self.deal_id is not None  # saved
        deal_id = self.deal_id

        def lost(reason: str) -> None:
            deals.mark_lost(deal_id, reason)
            self.changed.emit(deal_id)
            self.accept()

        ask_lost_reason(self, self.title.text(), lost)

    def delete(self) -> None:
        deal_id = self.deal_id  # the button is enabled for a saved deal only
        if deal_id is None:
            return

        def delete() -> None:
            delete_deal(deal_id)
            self.changed.emit(deal_id)
            self.accept()

        dialogs.confirm(
            self,
            self.tr("Delete deal?"),
            self.tr("Delete “{}” with its tasks and history? This cannot be undone.").format(
                self.title.text()
            ),
            delete,
            yes_text=self.tr("Delete"),
            destructive=True,
        )

    # tasks and history

    def _load_tasks(self) -> None:
        self.tasks.blockSignals(True)
        self.tasks.clear()
        if self.deal_id:
            today = date.today()
            for task in tasks_of_deal(self.deal_id):
                due = task.due_date.isoformat() + (f" {task.due_time}" if task.due_time else "")
                late = " (overdue)" if task.due_date < today and not task.done_at else ""
                item = QListWidgetItem(f"{task.title} · {due}{late}")
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if task.done_at else Qt.CheckState.Unchecked)
                item.setData(Qt.ItemDataRole.UserRole, task.id)
                self.tasks.addItem(item)
        self.tasks.blockSignals(False)

    def _task_toggled(self, item: QListWidgetItem) -> None:
        task_id = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            complete_task(task_id)
        else:
            reopen_task(task_id)
        self._load_tasks()
        self.changed.emit(self.deal_id)

    def add_task(self) -> None:
        if not self.deal_id:
            return
        try:
            tasks.add_task(
                self.task_title.text(),
                self.task_due.date().toPython(),
                deal_id=self.deal_id,
                due_time=self.task_time.text().strip() or None,
            )
        except PipelineError as exc:
            self.status.setText(str(exc))
            return
        self.task_title.clear()
        self.task_time.clear()
        self.task_due.setDate(QDate.currentDate().addDays(1))
        self._load_tasks()
        self.changed.emit(self.deal_id)

    def _load_proposals(self) -> None:
        from smarketer.proposals import listing

        self.proposals.clear()
        if not self.deal_id:
            return
        for p in listing.summaries_for_deal(self.deal_id):  # a damaged one is shown, never a crash
            total = p.total_text or self.tr("cannot be priced")
            self.proposals.addItem(f"{p.label} · {p.title} · {p.status} · {total}")

    def _load_history(self) -> None:
        self.history.clear()
        if not self.deal_id:
            return
        for change in stage_moves(self.deal_id):
            when = change.changed_at.astimezone().strftime("%Y-%m-%d %H:%M")
            origin = f"{change.from_stage} → " if change.from_stage is not None else ""
            self.history.addItem(f"{when}  {origin}{change.to_stage}")
