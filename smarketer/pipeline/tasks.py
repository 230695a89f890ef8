"""Tasks on deals and contacts: adding, editing, completing, snoozing; the agenda and the
reminders that come due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from peewee import JOIN, fn

from smarketer.db.fields import utc_now
from smarketer.db.models.contacts import Contact
from smarketer.db.models.deals import Deal, Task
from smarketer.pipeline.errors import PipelineError


def add_task(
    title: str,
    due: date,
    *,
    deal_id: int | None = None,
    contact_id: int | None = None,
    due_time: str | None = None,
) -> Task:
    title = _check_task(title, due_time)
    if deal_id is None and contact_id is None:
        raise PipelineError("A task belongs to a deal or a contact.")
    if deal_id is not None and contact_id is None:
        contact_id = Deal.get_by_id(deal_id).contact_id
    return Task.create(title=title, due_date=due, due_time=due_time or None, deal=deal_id, contact=contact_id)


def _check_task(title: str, due_time: str | None) -> str:
    title = title.strip()
    if not title:
        raise PipelineError("A task needs a title.")
    if len(title) > 500:
        raise PipelineError("Keep the task title under 500 characters.")
    if due_time:
        try:
            datetime.strptime(due_time, "%H:%M")
        except ValueError:
            raise PipelineError("Write the time as HH:MM, for example 14:30.") from None
    return title


def update_task(task_id: int, title: str, due: date, due_time: str | None = None) -> Task:
    """Change a task's title, day and time (a new time is announced again)."""
    title = _check_task(title, due_time)
    Task.update(title=title, due_date=due, due_time=due_time or None, notified_at=None).where(
        Task.id == task_id
    ).execute()
    return Task.get_by_id(task_id)


def find_task(task_id: int) -> Task | None:
    return Task.get_or_none(Task.id == task_id)


@dataclass(frozen=True)
class TaskDetails:
    """One task as a dialog shows it (plain data: no row that lazy-loads)."""

    id: int
    title: str
    due_date: date
    due_time: str | None
    deal_id: int | None
    context: str  # the deal and the contact it is for


def task_details(task_id: int) -> TaskDetails | None:
    task = find_task(task_id)
    if task is None:
        return None
    return TaskDetails(task.id, task.title, task.due_date, task.due_time, task.deal_id, task_context(task))


def complete_task(task_id: int) -> None:
    Task.update(done_at=utc_now()).where(Task.id == task_id).execute()


def reopen_task(task_id: int) -> None:
    Task.update(done_at=None).where(Task.id == task_id).execute()


def snooze_task(task_id: int, days: int = 1, today: date | None = None) -> date:
    """Push a task to ``days`` after today (or after its due date if that is later)."""
    task = Task.get_by_id(task_id)
    base = max(task.due_date, today or date.today())
    new = base + timedelta(days=days)
    Task.update(due_date=new, notified_at=None).where(Task.id == task_id).execute()
    return new


@dataclass(frozen=True)
class TaskItem:
    """A task in a list (the agenda, a deal's tasks) as plain data: no row that lazy-loads."""

    id: int
    title: str
    due_date: date
    due_time: str | None
    deal_id: int | None
    contact_id: int | None
    done_at: datetime | None
    context: str  # the deal and the contact it is for (``task_context``)


def _task_items(where: Any, *order: Any) -> list[TaskItem]:
    """The tasks matching ``where``, each with its deal and contact read in the same query
    (``task_context`` reads them for every task listed: that must not cost a query each)."""
    query = (
        Task.select(Task, Deal, Contact)
        .join(Deal, JOIN.LEFT_OUTER, on=(Task.deal == Deal.id))
        .switch(Task)
        .join(Contact, JOIN.LEFT_OUTER, on=(Task.contact == Contact.id))
        .where(where)
        .order_by(*order)
    )
    return [
        TaskItem(t.id, t.title, t.due_date, t.due_time, t.deal_id, t.contact_id, t.done_at, task_context(t))
        for t in query
    ]


@dataclass(frozen=True)
class Agenda:
    overdue: list[TaskItem]
    today: list[TaskItem]
    upcoming: list[TaskItem]  # the next 7 days


def agenda(today: date | None = None) -> Agenda:
    today = today or date.today()
    open_tasks = _task_items(
        Task.done_at.is_null() & (Task.due_date <= today + timedelta(days=7)),
        Task.due_date,
        fn.coalesce(Task.due_time, "99:99"),
        Task.id,
    )
    return Agenda(
        overdue=[t for t in open_tasks if t.due_date < today],
        today=[t for t in open_tasks if t.due_date == today],
        upcoming=[t for t in open_tasks if t.due_date > today],
    )


def due_now(now: datetime | None = None) -> list[Task]:
    """Open tasks that have come due and were not announced yet (marks them announced)."""
    now = now or datetime.now().astimezone()
    today, clock = now.date(), now.strftime("%H:%M")
    due = [
        t
        for t in Task.select().where(
            Task.done_at.is_null() & Task.notified_at.is_null() & (Task.due_date <= today)
        )
        if t.due_date < today or (t.due_time or "00:00") <= clock
    ]
    if due:
        Task.update(notified_at=utc_now()).where(Task.id.in_([t.id for t in due])).execute()
    return due


def task_context(task: Task) -> str:
    parts = []
    if task.deal_id and task.deal is not None:
        parts.append(task.deal.title)
    if task.contact_id and task.contact is not None:
        parts.append(task.contact.full_name or task.contact.email)
    return " · ".join(parts)


def tasks_of_deal(deal_id: int) -> list[TaskItem]:
    """Open tasks first (by due date), then done ones."""
    return _task_items(Task.deal == deal_id, Task.done_at.is_null(False), Task.due_date, Task.id)
