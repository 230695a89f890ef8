"""Today: the day's figures and the follow-up tasks, overdue first, with done and snooze.
While the app is open, a task that comes due is announced in the status bar."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smarketer import overview, settings, snapshots
from smarketer.money import format_money_short
from smarketer.pipeline.tasks import Agenda, complete_task, due_now, snooze_task, task_details
from smarketer.pipeline.tasks import agenda as tasks_agenda
from smarketer.ui import style
from smarketer.ui.refresh import Refresh
from smarketer.ui.sections import EmptyState, Section, title_label
from smarketer.ui.task_dialog import TaskDialog
from smarketer.ui.undo import push_done
from smarketer.ui.workers import announce, run_job

TaskIdRole = Qt.ItemDataRole.UserRole + 1


def _card(value: str, caption: str) -> QFrame:
    card = QFrame()
    card.setProperty("role", "card")
    box = QVBoxLayout(card)
    figure = QLabel(value)
    figure.setProperty("role", "figure")
    box.addWidget(figure)
    box.addWidget(title_label(caption, "subtitle"))
    return card


class TodaySection(Section):
    label = "Today"
    CHECK_EVERY_MS = 60_000

    new_item_text = "&New Task"
    open_deal = Signal(int)

    def __init__(self, go_to, hub=None, parent: QWidget | None = None, undo_stack=None):
        super().__init__(parent)
        self._go_to = go_to
        self.hub, self.undo_stack = hub, undo_stack
        self.greeting = title_label("")
        self.subtitle = title_label("", "subtitle")
        self.layout_.addWidget(self.greeting)
        self.layout_.addWidget(self.subtitle)
        self.cards = QGridLayout()
        self.layout_.addLayout(self.cards)

        self.tasks = QListWidget()
        self.tasks.setAccessibleName(self.tr("Tasks"))
        self.tasks.itemChanged.connect(self._toggled)
        self.tasks.itemActivated.connect(self._activated)  # double-click or Enter
        self.add_button = QPushButton(self.tr("Add task…"))
        self.add_button.setToolTip(self.tr("A new follow-up task (Ctrl+N)"))
        self.add_button.clicked.connect(self.new_item)
        self.snooze_button = QPushButton(self.tr("Snooze a day"))
        self.snooze_button.setToolTip(self.tr("Move the selected task to tomorrow"))
        self.snooze_button.clicked.connect(lambda: self.snooze_selected(1))
        self.week_button = QPushButton(self.tr("Snooze a week"))
        self.week_button.clicked.connect(lambda: self.snooze_selected(7))
        buttons = QHBoxLayout()
        buttons.addWidget(title_label(self.tr("Follow-ups"), "emptyTitle"))
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.snooze_button)
        buttons.addWidget(self.week_button)
        self.task_area = QWidget()
        area = QVBoxLayout(self.task_area)
        area.setContentsMargins(0, 0, 0, 0)
        area.addLayout(buttons)
        area.addWidget(self.tasks, 1)
        self.layout_.addWidget(self.task_area, 1)
        self.empty = EmptyState(
            self.tr("Nothing due"),
            self.tr(
                "Follow-up tasks from your deals and contacts are listed here, overdue "
                "first. Add the next step to every open deal so none goes cold."
            ),
            self.tr("Go to the deal board"),
            lambda: self._go_to(3),
        )
        self.layout_.addWidget(self.empty, 1)

        self._figures_request = 0
        self.figures_job = None
        self.timer = QTimer(self, interval=self.CHECK_EVERY_MS)
        self.timer.timeout.connect(self.announce_due)
        self.timer.start()
        self.elsewhere = Refresh(_today_data, self._show_elsewhere, self)
        self.empty.hide()  # "Nothing due" only once the tasks have been read
        self._show_figures(None, "…")
        self.reload_in_background()

    def reload(self) -> None:
        self._greet()
        agenda = tasks_agenda()  # the next seven days' tasks, read at once after an action here
        self._show_figures(None, f"{len(agenda.overdue) + len(agenda.today)}")
        self._fill_tasks(agenda)
        # Counts over the whole store come from a worker; an overtaken answer is dropped.
        self._figures_request += 1
        request, due = self._figures_request, f"{len(agenda.overdue) + len(agenda.today)}"
        self.figures_job = run_job(
            overview.today_figures,
            on_success=lambda figures: request == self._figures_request and self._show_figures(figures, due),
            parent=self,
        )

    def _greet(self) -> None:
        hour = datetime.now().hour
        part = "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"
        profile = settings.load_profile()
        self.greeting.setText(self.tr("Good {}").format(part))
        self.subtitle.setText(
            profile.name
            or self.tr(
                "Set up your business profile in Settings (Ctrl+6) so emails and proposals "
                "carry your details."
            )
        )

    def reload_in_background(self) -> None:
        """When the section is built, and after a change made in another section (a deal
        moved): tasks and figures are read in a worker (the tasks take a tenth of a second on a
        big store), as after another seat's change."""
        self._greet()
        self.elsewhere.request()

    def changed_elsewhere(self) -> None:
        """Another seat changed tasks, deals or contacts: tasks and figures are read again in
        a worker; the selected task stays selected."""
        self.elsewhere.request()

    def _show_elsewhere(self, data: tuple[Agenda, overview.TodayFigures]) -> None:
        agenda, figures = data
        current = self.tasks.currentItem()
        selected = current.data(TaskIdRole) if current is not None else None
        self._figures_request += 1  # an older figures job's answer is dropped
        self._show_figures(figures, f"{len(agenda.overdue) + len(agenda.today)}")
        self._fill_tasks(agenda)
        for i in range(self.tasks.count()):
            if selected is not None and self.tasks.item(i).data(TaskIdRole) == selected:
                self.tasks.setCurrentRow(i)

    def _show_figures(self, figures: overview.TodayFigures | None, tasks_due: str) -> None:
        """The four cards; the store's figures read "…" until the worker has them."""
        waiting = "…"
        money = ""
        if figures:
            profile = settings.load_profile()
            money = format_money_short(figures.weighted, profile.currency, profile.locale)
        values = [
            (f"{figures.contacts:,}" if figures else waiting, self.tr("contacts")),
            (f"{figures.open_deals:,}" if figures else waiting, self.tr("open deals")),
            (money or waiting, self.tr("weighted pipeline")),
            (tasks_due, self.tr("tasks due")),
        ]
        while self.cards.count():
            self.cards.takeAt(0).widget().deleteLater()
        for column, (value, caption) in enumerate(values):
            self.cards.addWidget(_card(value, caption), 0, column)

    def _fill_tasks(self, agenda) -> None:
        self.tasks.blockSignals(True)
        self.tasks.clear()
        groups = [
            (self.tr("Overdue"), agenda.overdue),
            (self.tr("Today"), agenda.today),
            (self.tr("Next 7 days"), agenda.upcoming),
        ]
        bold = QFont()
        bold.setBold(True)
        for heading, tasks in groups:
            if not tasks:
                continue
            head = QListWidgetItem(f"{heading} ({len(tasks)})")
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            head.setFont(bold)
            self.tasks.addItem(head)
            for task in tasks:
                when = task.due_date.strftime("%a %d %b") + (f" {task.due_time}" if task.due_time else "")
                context = task.context
                item = QListWidgetItem(f"{task.title}  ·  {when}" + (f"  ·  {context}" if context else ""))
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
                )
                item.setCheckState(Qt.CheckState.Unchecked)
                item.setData(TaskIdRole, task.id)
                if heading == self.tr("Overdue"):
                    item.setForeground(QColor(style.tones().overdue))
                self.tasks.addItem(item)
        self.tasks.blockSignals(False)
        has_tasks = self.tasks.count() > 0
        self.task_area.setVisible(has_tasks)
        self.empty.setVisible(not has_tasks)

    def task_ids(self) -> list[int]:
        return [
            self.tasks.item(i).data(TaskIdRole)
            for i in range(self.tasks.count())
            if self.tasks.item(i).data(TaskIdRole)
        ]

    def _toggled(self, item: QListWidgetItem) -> None:
        task_id = item.data(TaskIdRole)
        if task_id and item.checkState() == Qt.CheckState.Checked:
            self._undoable(
                task_id,
                self.tr("Task done: {}").format(_title(task_id)),
                lambda: complete_task(task_id),
            )

    def snooze_selected(self, days: int = 1) -> None:
        item = self.tasks.currentItem()
        task_id = item.data(TaskIdRole) if item else None
        if task_id:
            self._undoable(
                task_id,
                self.tr("Snoozed {}").format(_title(task_id)),
                lambda: snooze_task(task_id, days),
            )
            due = task_details(task_id).due_date  # type: ignore[union-attr]
            if self.hub:
                self.hub.notify.emit(self.tr("Snoozed to {}.").format(f"{due:%a %d %b}"))

    def _undoable(self, task_id: int, text: str, change) -> None:
        before = snapshots.task_state(task_id)
        change()
        push_done(
            self.undo_stack, self.hub, text, lambda: snapshots.restore_task(before), change, self._changed
        )
        self._changed()

    def _changed(self) -> None:
        self.reload()  # what was done here shows at once; other sections hear of it
        announce(self.hub, ("task",))

    # opening and adding

    def _activated(self, item: QListWidgetItem) -> None:
        task_id = item.data(TaskIdRole)
        if task_id:
            self.open_task(task_id)

    def open_task(self, task_id: int | None) -> TaskDialog:
        dialog = TaskDialog(task_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _id: self._changed())
        dialog.open_deal.connect(self.open_deal)
        dialog.open()
        return dialog

    def new_item(self) -> TaskDialog:
        return self.open_task(None)

    def announce_due(self) -> list:
        due = due_now()
        if due and self.hub:
            names = ", ".join(t.title for t in due[:3]) + ("…" if len(due) > 3 else "")
            self.hub.notify.emit(self.tr("Due now: {}").format(names))
        return due


def _today_data() -> tuple[Agenda, overview.TodayFigures]:
    """The next seven days' tasks (each with its deal and contact) and the store's figures."""
    return tasks_agenda(), overview.today_figures()


def _title(task_id: int) -> str:
    task = task_details(task_id)
    return task.title if task else ""
