"""What one-click changes can be undone back to: a deal's place on the board, a task's state.

Take a snapshot before the change (``deal_place``, ``task_state``); ``restore`` puts the store
back as it was, including the stage history and timeline entries the change wrote, so figures
such as time in stage are as if the change never happened. Plain dataclasses, no Qt: the app's
undo stack holds them, a script could too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from peewee import fn

from smarketer.db import db
from smarketer.db.models.contacts import Activity
from smarketer.db.models.deals import Deal, Stage, StageChange, Task
from smarketer.db.rows import tuples
from smarketer.db.writes import write_transaction
from smarketer.pipeline import stage_list
from smarketer.pipeline.deals import move_deal, remove_stage
from smarketer.pipeline.stage_list import open_stages


@dataclass(frozen=True)
class DealPlace:
    deal_id: int
    stage_id: int
    index: int  # its row within the stage
    value: Decimal
    lost_reason: str
    stage_entered_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime | None
    last_change_id: int  # stage history up to here is kept on restore
    last_activity_id: int


def deal_place(deal_id: int) -> DealPlace:
    deal = Deal.get_by_id(deal_id)
    order = [
        d
        for (d,) in tuples(
            Deal.select(Deal.id).where(Deal.stage == deal.stage_id).order_by(Deal.position, Deal.id)
        )
    ]
    return DealPlace(
        deal_id,
        deal.stage_id,
        order.index(deal_id),
        deal.value,
        deal.lost_reason,
        deal.stage_entered_at,
        deal.closed_at,
        deal.updated_at,
        StageChange.select(fn.max(StageChange.id)).where(StageChange.deal == deal_id).scalar() or 0,
        Activity.select(fn.max(Activity.id)).scalar() or 0,
    )


def restore_deal(place: DealPlace) -> None:
    """Put the deal back where ``place`` saw it (stage, row, value, dates, lost reason)."""
    with write_transaction():
        move_deal(place.deal_id, place.stage_id, place.index, lost_reason=place.lost_reason or "restored")
        Deal.update(
            {
                Deal.value: place.value,
                Deal.lost_reason: place.lost_reason,
                Deal.stage_entered_at: place.stage_entered_at,
                Deal.closed_at: place.closed_at,
                Deal.updated_at: place.updated_at,
                **Deal.bumped(),
            }
        ).where(Deal.id == place.deal_id).execute()
        StageChange.delete().where(
            (StageChange.deal == place.deal_id) & (StageChange.id > place.last_change_id)
        ).execute()
        Activity.delete().where(
            (Activity.ref_type == "deal")
            & (Activity.ref_id == place.deal_id)
            & (Activity.id > place.last_activity_id)
        ).execute()


@dataclass(frozen=True)
class TaskState:
    task_id: int
    due_date: date
    done_at: datetime | None
    notified_at: datetime | None


def task_state(task_id: int) -> TaskState:
    task = Task.get_by_id(task_id)
    return TaskState(task_id, task.due_date, task.done_at, task.notified_at)


def restore_task(state: TaskState) -> None:
    Task.update(due_date=state.due_date, done_at=state.done_at, notified_at=state.notified_at).where(
        Task.id == state.task_id
    ).execute()


@dataclass(frozen=True)
class StageLayout:
    """Every stage's (id, name, win probability, position), for undoing stage edits."""

    stages: tuple[tuple[int, str, int, int], ...]


def stage_layout() -> StageLayout:
    return StageLayout(tuple((s.id, s.name, s.probability, s.position) for s in stage_list.stages()))


def restore_stages(layout: StageLayout) -> None:
    """Names, probabilities and order as in ``layout``; a stage added since (and still
    empty) is removed again."""
    known = {s[0] for s in layout.stages}
    with db.atomic():
        for stage in open_stages():
            if stage.id not in known and not Deal.select().where(Deal.stage == stage.id).exists():
                remove_stage(stage.id)
        for stage_id, name, probability, position in layout.stages:
            Stage.update(name=name, probability=probability, position=position).where(
                Stage.id == stage_id
            ).execute()
