"""The deal pipeline: stages, deals and their moves, tasks, forecast and conversion figures.

A deal sits in one stage at a position; every move between stages is kept as a StageChange
(with its time) and goes on the contact's timeline. Won and Lost are stages of kind "won" and
"lost"; moving there closes the deal (Lost needs a reason).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from peewee import JOIN, fn

from smarketer import settings
from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models import (
    Activity,
    Company,
    Contact,
    ContactTag,
    Deal,
    Setting,
    Stage,
    StageChange,
    Tag,
    Task,
)
from smarketer.errors import FieldErrors, UserError

DEFAULT_LOST_REASONS = [
    "Price too high",
    "Chose a competitor",
    "No budget",
    "Bad timing",
    "No response",
    "Not a fit",
]
LOST_REASONS_KEY = "lost_reasons"
MAX_DEAL_VALUE = Decimal("999999999999")  # a trillion: more is a typing mistake


class DealInvalid(FieldErrors):
    """A deal's fields that are wrong, each with its message."""


class PipelineError(UserError, ValueError):
    """A pipeline change that cannot be made; the message says why."""


# ---------------------------------------------------------------- stages


def stages(kind: str | None = None) -> list[Stage]:
    """Stages in board order: open ones, then Won and Lost (``kind`` picks one kind)."""
    query = Stage.select().order_by(Stage.position, Stage.id)
    return list(query.where(Stage.kind == kind) if kind else query.where(Stage.kind != "removed"))


def open_stages() -> list[Stage]:
    return stages("open")


def won_stage() -> Stage:
    return Stage.get(Stage.kind == "won")


def lost_stage() -> Stage:
    return Stage.get(Stage.kind == "lost")


def find_stage(name: str) -> Stage | None:
    """The stage of the pipeline with this name (any case), Won and Lost included."""
    return next((s for s in stages() if s.name.lower() == name.strip().lower()), None)


def _check_probability(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise PipelineError("The probability must be a whole number from 0 to 100.") from None
    if not 0 <= number <= 100:
        raise PipelineError("The probability must be from 0 to 100.")
    return number


def add_stage(name: str, probability: int, before: Stage | None = None) -> Stage:
    """A new open stage, placed before ``before`` (else after the last open stage)."""
    name = name.strip()
    if not name:
        raise PipelineError("A stage needs a name.")
    probability = _check_probability(probability)
    with db.atomic():
        order = open_stages()
        index = order.index(before) if before in order else len(order)
        stage = Stage.create(name=name, probability=probability, position=0)
        order.insert(index, stage)
        _renumber([*order, *stages("won"), *stages("lost")])
    return stage


def update_stage(stage_id: int, name: str, probability: int) -> None:
    if not name.strip():
        raise PipelineError("A stage needs a name.")
    Stage.update(name=name.strip(), probability=_check_probability(probability)).where(
        Stage.id == stage_id
    ).execute()


def _renumber(ordered: list[Stage]) -> None:
    for position, stage in enumerate(ordered, 1):
        Stage.update(position=position).where(Stage.id == stage.id).execute()


def reorder_stages(stage_ids: list[int]) -> None:
    """Put the open stages in this order (Won and Lost stay last)."""
    current = {s.id: s for s in open_stages()}
    if sorted(stage_ids) != sorted(current):
        raise PipelineError("Reordering must name every open stage once.")
    with db.atomic():
        _renumber([*(current[i] for i in stage_ids), *stages("won"), *stages("lost")])


def remove_stage(stage_id: int, move_deals_to: int | None = None) -> int:
    """Remove an open stage; its deals move to ``move_deals_to``. Returns how many moved."""
    stage = Stage.get_by_id(stage_id)
    if stage.kind != "open":
        raise PipelineError(f"{stage.name} is where deals close; it cannot be removed.")
    if len(open_stages()) == 1:
        raise PipelineError("The pipeline needs at least one open stage.")
    deals = list(Deal.select().where(Deal.stage == stage_id))
    if deals and (move_deals_to is None or move_deals_to == stage_id):
        raise PipelineError(f"{stage.name} has {len(deals)} deal(s): choose a stage to move them to first.")
    with db.atomic():
        for deal in deals:
            move_deal(deal.id, move_deals_to)
        if StageChange.select().where(StageChange.to_stage == stage_id).exists():
            # deal histories still name it: keep the row, out of the pipeline
            Stage.update(kind="removed").where(Stage.id == stage_id).execute()
        else:
            stage.delete_instance()
    return len(deals)


# ---------------------------------------------------------------- deals


@dataclass(frozen=True)
class DealData:
    title: str = ""
    contact_id: int | None = None
    company: str = ""
    value: str | Decimal = "0"
    probability: int | str | None = None  # None: the stage's default
    stage_id: int | None = None
    expected_close: date | None = None
    source: str = ""
    campaign_id: int | None = None
    notes: str = ""


def validate_deal(
    data: DealData, locale: str | None = None
) -> tuple[DealData, dict[str, str], dict[str, str]]:
    """(clean data, errors, warnings): warnings are allowed but flagged (a past close date)."""
    from smarketer.money import parse_amount

    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}
    values = {}
    values["title"] = data.title.strip()
    if not values["title"]:
        errors["title"] = "Give the deal a title, e.g. what you are selling."
    if isinstance(data.value, Decimal):
        value = data.value
        if not value.is_finite() or value < 0:
            errors["value"] = "The value must be an amount of 0 or more."
    else:
        try:
            value = (
                parse_amount(str(data.value), locale or settings.load_profile().locale)
                if str(data.value).strip()
                else Decimal("0")
            )
        except ValueError as exc:
            errors["value"] = str(exc)
            value = Decimal("0")
    if value > MAX_DEAL_VALUE:
        errors["value"] = f"The value must be at most {MAX_DEAL_VALUE:,}."
    values["value"] = value
    if data.probability not in (None, ""):
        try:
            values["probability"] = _check_probability(data.probability)
        except PipelineError as exc:
            errors["probability"] = str(exc)
    else:
        values["probability"] = None
    if data.expected_close and data.expected_close < date.today():
        warnings["expected_close"] = "This close date is in the past."
    return replace(data, **values), errors, warnings


def _log(contact_id: int | None, deal: Deal, summary: str) -> None:
    if contact_id:
        Activity.create(contact=contact_id, kind="deal", summary=summary, ref_type="deal", ref_id=deal.id)


def save_deal(data: DealData, deal_id: int | None = None) -> Deal:
    clean, errors, _warnings = validate_deal(data)
    if errors:
        raise DealInvalid(errors)
    from smarketer.contacts import company_named

    with db.atomic():
        creating = deal_id is None
        deal = Deal() if creating else Deal.get_by_id(deal_id)
        deal.title = clean.title
        deal.contact = clean.contact_id
        company = company_named(clean.company) if clean.company.strip() else None
        if company is None and clean.contact_id:
            contact = Contact.get_by_id(clean.contact_id)
            company = contact.company if contact.company_id else None
        deal.company = company
        deal.value = clean.value
        deal.probability = clean.probability
        deal.expected_close = clean.expected_close
        deal.source = clean.source.strip()
        deal.campaign_id = clean.campaign_id
        deal.notes = clean.notes.strip()
        deal.updated_at = utc_now()
        if creating:
            stage_id = clean.stage_id or open_stages()[0].id
            deal.stage = stage_id
            deal.position = _next_position(stage_id)
            deal.save()
            StageChange.create(deal=deal, from_stage=None, to_stage=stage_id)
            _log(clean.contact_id, deal, f"Deal opened: {deal.title}")
        else:
            deal.save()
            if clean.stage_id and clean.stage_id != deal.stage_id:
                move_deal(deal.id, clean.stage_id)
    return Deal.get_by_id(deal.id)


def _next_position(stage_id: int) -> int:
    top = Deal.select(fn.max(Deal.position)).where(Deal.stage == stage_id).scalar()
    return (top or 0) + 1


def move_deal(deal_id: int, stage_id: int, index: int | None = None, lost_reason: str = "") -> Deal:
    """Move a deal to ``stage_id`` at ``index`` (end when None); reorders within a stage too.
    A move to a Lost stage needs ``lost_reason``."""
    with db.atomic():
        deal = Deal.get_by_id(deal_id)
        target = Stage.get_by_id(stage_id)
        if target.kind == "lost" and not (lost_reason.strip() or deal.stage.kind == "lost"):
            raise PipelineError("Say why the deal was lost.")
        siblings = list(
            Deal.select(Deal.id, Deal.position)
            .where((Deal.stage == stage_id) & (Deal.id != deal_id))
            .order_by(Deal.position, Deal.id)
        )
        if len({s.position for s in siblings}) != len(siblings):  # ties: number them once
            for number, sibling in enumerate(siblings, 1):
                Deal.update(position=number).where(Deal.id == sibling.id).execute()
                sibling.position = number
        index = len(siblings) if index is None else max(0, min(index, len(siblings)))
        if index < len(siblings):
            position = siblings[index].position
            # make room: everything from the drop point down moves one place
            Deal.update(position=Deal.position + 1).where(
                (Deal.stage == stage_id) & (Deal.id != deal_id) & (Deal.position >= position)
            ).execute()
        else:
            position = (siblings[-1].position + 1) if siblings else 1
        Deal.update(position=position).where(Deal.id == deal_id).execute()
        changed_stage = deal.stage_id != stage_id
        now = utc_now()
        if changed_stage:
            update = {Deal.stage: stage_id, Deal.stage_entered_at: now, Deal.updated_at: now}
            if target.kind == "open":
                update[Deal.closed_at] = None
                update[Deal.lost_reason] = ""
            else:
                update[Deal.closed_at] = now
            if target.kind == "lost":
                update[Deal.lost_reason] = lost_reason.strip()
            Deal.update(update).where(Deal.id == deal_id).execute()
            StageChange.create(deal=deal_id, from_stage=deal.stage_id, to_stage=stage_id, changed_at=now)
            verb = {"won": "Deal won", "lost": "Deal lost"}.get(target.kind, "Deal moved to")
            summary = (
                f"{verb}: {deal.title}" if target.kind != "open" else f"{verb} {target.name}: {deal.title}"
            )
            if target.kind == "lost":
                summary += f" ({lost_reason.strip()})"
            _log(deal.contact_id, deal, summary)
    return Deal.get_by_id(deal_id)


def mark_won(deal_id: int, value: Decimal | None = None) -> Deal:
    with db.atomic():
        if value is not None:
            Deal.update(value=value).where(Deal.id == deal_id).execute()
        return move_deal(deal_id, won_stage().id)


def mark_lost(deal_id: int, reason: str) -> Deal:
    return move_deal(deal_id, lost_stage().id, lost_reason=reason)


def reopen(deal_id: int) -> Deal:
    return move_deal(deal_id, open_stages()[-1].id)


def find_deal(key: str | int) -> Deal | None:
    """The deal with this id, or the one deal with this title (any case); a PipelineError
    when several deals share the title."""
    key = str(key).strip()
    if key.isdigit():
        return Deal.get_or_none(Deal.id == int(key))
    found = list(Deal.select().where(fn.lower(Deal.title) == key.lower()).limit(5))
    if len(found) > 1:
        raise PipelineError(
            f"{len(found)} deals are called {key!r}; name one by its id "
            f"({', '.join(str(d.id) for d in found)})"
        )
    return found[0] if found else None


def deals_in_stage(stage_id: int) -> list[Deal]:
    """The deals of one stage in board order."""
    return list(Deal.select().where(Deal.stage == stage_id).order_by(Deal.position, Deal.id))


@dataclass(frozen=True)
class ClosedDeal:
    id: int
    title: str
    stage: str  # the Won or Lost stage's name
    kind: str  # "won" | "lost"
    value: Decimal
    closed_at: datetime | None
    lost_reason: str
    contact: str


def closed_deals(kind: str | None = None, text: str = "", limit: int = 500) -> list[ClosedDeal]:
    """Won and lost deals (or one ``kind``), most recently closed first."""
    query = (
        Deal.select(Deal, Stage, Contact)
        .join(Stage)
        .switch(Deal)
        .join(Contact, JOIN.LEFT_OUTER)
        .where(Stage.kind.in_([kind] if kind else ["won", "lost"]))
    )
    if text.strip():
        query = query.where(Deal.title.contains(text.strip()))
    return [
        ClosedDeal(
            d.id,
            d.title,
            d.stage.name,
            d.stage.kind,
            d.value,
            d.closed_at,
            d.lost_reason,
            (d.contact.full_name or d.contact.email) if d.contact_id else "",
        )
        for d in query.order_by(Deal.closed_at.desc(), Deal.id.desc()).limit(limit)
    ]


def delete_deal(deal_id: int) -> None:
    Deal.delete().where(Deal.id == deal_id).execute()


def lost_reasons() -> list[str]:
    row = Setting.get_or_none(Setting.key == LOST_REASONS_KEY)
    return list(row.value) if row else list(DEFAULT_LOST_REASONS)


def set_lost_reasons(reasons: list[str]) -> None:
    clean = list(dict.fromkeys(r.strip() for r in reasons if r.strip()))
    Setting.replace(key=LOST_REASONS_KEY, value=clean).execute()


def effective_probability(deal: Deal, stage: Stage | None = None) -> int:
    return deal.probability if deal.probability is not None else (stage or deal.stage).probability


def history(deal_id: int) -> list[StageChange]:
    return list(
        StageChange.select()
        .where(StageChange.deal == deal_id)
        .order_by(StageChange.changed_at, StageChange.id)
    )


# ---------------------------------------------------------------- the board


@dataclass(frozen=True)
class BoardFilter:
    text: str = ""
    tag: str = ""
    close_month: date | None = None  # first day of the month


@dataclass(frozen=True)
class DealCard:
    id: int
    title: str
    who: str  # contact, company, or both
    value: Decimal
    probability: int
    expected_close: date | None
    days_in_stage: int
    next_task: str
    next_task_due: date | None
    overdue: bool
    contact_id: int | None


@dataclass
class Column:
    stage: Stage
    cards: list[DealCard] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((c.value for c in self.cards), Decimal("0"))

    @property
    def weighted(self) -> Decimal:
        return sum((c.value * c.probability / 100 for c in self.cards), Decimal("0"))


def board(
    f: BoardFilter = BoardFilter(),
    today: date | None = None,
    now: datetime | None = None,
    stage_ids: set[int] | None = None,
) -> list[Column]:
    """A column per open stage (or just ``stage_ids``) with its deal cards, in board order."""
    today = today or date.today()
    now = now or datetime.now(UTC)
    columns = {s.id: Column(s) for s in open_stages() if stage_ids is None or s.id in stage_ids}
    query = (
        Deal.select(
            Deal.id,
            Deal.title,
            Deal.stage,
            Deal.contact,
            Deal.value,
            Deal.probability,
            Deal.expected_close,
            Deal.stage_entered_at,
            Contact.first_name,
            Contact.last_name,
            Company.name,
        )
        .join(Contact, JOIN.LEFT_OUTER, on=(Deal.contact == Contact.id))
        .switch(Deal)
        .join(Company, JOIN.LEFT_OUTER, on=(Deal.company == Company.id))
        .where(Deal.stage.in_(list(columns)))
        .order_by(Deal.position, Deal.id)
    )
    if f.text.strip():
        pattern = f"%{f.text.strip()}%"
        query = query.where(
            (Deal.title**pattern)
            | (Company.name**pattern)
            | ((Contact.first_name.concat(" ").concat(Contact.last_name)) ** pattern)
        )
    if f.tag:
        query = query.where(
            Deal.contact.in_(
                ContactTag.select(ContactTag.contact).join(Tag).where(fn.lower(Tag.name) == f.tag.lower())
            )
        )
    if f.close_month:
        start = f.close_month.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
        query = query.where((Deal.expected_close >= start) & (Deal.expected_close < end))
    rows = list(query.tuples())
    tasks = _next_tasks([row[0] for row in rows])
    for (
        deal_id,
        title,
        stage_id,
        contact_id,
        value,
        probability,
        expected_close,
        entered,
        first,
        last,
        company,
    ) in rows:
        column = columns[stage_id]
        person = " ".join(p for p in (first, last) if p)
        task = tasks.get(deal_id)
        column.cards.append(
            DealCard(
                id=deal_id,
                title=title,
                who=" · ".join(p for p in (person, company or "") if p),
                value=value,
                probability=column.stage.probability if probability is None else probability,
                expected_close=expected_close,
                days_in_stage=max(0, (now - entered).days),
                next_task=task[0] if task else "",
                next_task_due=task[1] if task else None,
                overdue=bool(task and task[1] < today),
                contact_id=contact_id,
            )
        )
    return list(columns.values())


def _next_tasks(deal_ids: list[int]) -> dict[int, tuple[str, date]]:
    """deal id -> (title, due date) of its earliest open task."""
    found: dict[int, tuple[str, date]] = {}
    for start in range(0, len(deal_ids), 900):
        chunk = deal_ids[start : start + 900]
        for deal_id, title, due in (
            Task.select(Task.deal, Task.title, Task.due_date)
            .where(Task.deal.in_(chunk) & Task.done_at.is_null())
            .order_by(Task.due_date.desc(), Task.id.desc())
            .tuples()
        ):
            found[deal_id] = (title, due)  # the earliest due wins (assigned last)
    return found


# ---------------------------------------------------------------- tasks


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
class Agenda:
    overdue: list[Task]
    today: list[Task]
    upcoming: list[Task]  # the next 7 days


def agenda(today: date | None = None) -> Agenda:
    today = today or date.today()
    # With each task's deal and contact in the same query: task_context() reads them for
    # every task listed, which must not cost a query each.
    open_tasks = list(
        Task.select(Task, Deal, Contact)
        .join(Deal, JOIN.LEFT_OUTER, on=(Task.deal == Deal.id))
        .switch(Task)
        .join(Contact, JOIN.LEFT_OUTER, on=(Task.contact == Contact.id))
        .where(Task.done_at.is_null() & (Task.due_date <= today + timedelta(days=7)))
        .order_by(Task.due_date, fn.coalesce(Task.due_time, "99:99"), Task.id)
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
    if task.deal_id:
        parts.append(task.deal.title)
    if task.contact_id:
        parts.append(task.contact.full_name or task.contact.email)
    return " · ".join(parts)


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class MonthForecast:
    month: date
    deals: int
    total: Decimal
    weighted: Decimal


def forecast(months: int = 6, today: date | None = None) -> list[MonthForecast]:
    """Weighted open pipeline by expected-close month; overdue close dates count this month."""
    today = today or date.today()
    first = today.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        starts.append((starts[-1] + timedelta(days=32)).replace(day=1))
    end = (starts[-1] + timedelta(days=32)).replace(day=1)
    buckets = {m: [0, Decimal("0"), Decimal("0")] for m in starts}
    for deal in (
        Deal.select(Deal, Stage)
        .join(Stage)
        .where((Stage.kind == "open") & Deal.expected_close.is_null(False) & (Deal.expected_close < end))
    ):
        month = max(deal.expected_close.replace(day=1), first)
        bucket = buckets[month]
        bucket[0] += 1
        bucket[1] += deal.value
        bucket[2] += deal.value * effective_probability(deal, deal.stage) / 100
    return [MonthForecast(m, b[0], b[1], b[2].quantize(Decimal("0.01"))) for m, b in buckets.items()]


@dataclass(frozen=True)
class StageFigures:
    stage: Stage
    entered: int  # deals that entered this stage in the period
    won: int  # of those, how many are won now
    conversion: Decimal | None  # won / entered
    average_days: Decimal | None  # average time spent in the stage (finished stays)


@dataclass(frozen=True)
class PipelineFigures:
    days: int
    stages: list[StageFigures]
    won: int
    lost: int
    win_rate: Decimal | None
    average_won_value: Decimal | None


def figures(days: int = 90, now: datetime | None = None) -> PipelineFigures:
    now = now or datetime.now(UTC)
    since = now - timedelta(days=days)
    changes = defaultdict(list)
    for change in StageChange.select().order_by(StageChange.deal, StageChange.changed_at, StageChange.id):
        changes[change.deal_id].append(change)
    kinds = {s.id: s.kind for s in Stage.select()}
    deal_kind = {d.id: kinds[d.stage_id] for d in Deal.select(Deal.id, Deal.stage)}
    per_stage = []
    for stage in open_stages():
        entered = won = 0
        durations = []
        for deal_id, moves in changes.items():
            for i, move in enumerate(moves):
                if move.to_stage_id != stage.id:
                    continue
                left = moves[i + 1].changed_at if i + 1 < len(moves) else None
                if move.changed_at >= since:
                    entered += 1
                    won += deal_kind.get(deal_id) == "won"
                if left is not None and left >= since:
                    durations.append((left - move.changed_at).total_seconds() / 86400)
                break
        per_stage.append(
            StageFigures(
                stage,
                entered,
                won,
                (Decimal(won) / entered).quantize(Decimal("0.001")) if entered else None,
                Decimal(str(sum(durations) / len(durations))).quantize(Decimal("0.1")) if durations else None,
            )
        )
    closed = list(
        Deal.select(Deal, Stage)
        .join(Stage)
        .where(Stage.kind.in_(["won", "lost"]) & (Deal.closed_at >= since))
    )
    won_deals = [d for d in closed if d.stage.kind == "won"]
    lost_count = len(closed) - len(won_deals)
    return PipelineFigures(
        days=days,
        stages=per_stage,
        won=len(won_deals),
        lost=lost_count,
        win_rate=(Decimal(len(won_deals)) / len(closed)).quantize(Decimal("0.001")) if closed else None,
        average_won_value=(sum((d.value for d in won_deals), Decimal("0")) / len(won_deals)).quantize(
            Decimal("0.01")
        )
        if won_deals
        else None,
    )


# ---------------------------------------------------------------- lookups for the UI


def tasks_of_deal(deal_id: int) -> list[Task]:
    """Open tasks first (by due date), then done ones."""
    return list(
        Task.select().where(Task.deal == deal_id).order_by(Task.done_at.is_null(False), Task.due_date)
    )


def deal_counts_by_stage() -> dict[int, int]:
    return dict(Deal.select(Deal.stage, fn.COUNT(Deal.id)).group_by(Deal.stage).tuples())


def find_deals(text: str, limit: int = 6) -> list[Deal]:
    return list(Deal.select().where(Deal.title ** f"%{text.strip()}%").limit(limit))


def deals_for(contact_id: int | None, limit: int = 200) -> list[Deal]:
    query = Deal.select().order_by(Deal.title)
    if contact_id:
        query = query.where(Deal.contact == contact_id)
    return list(query.limit(limit))
