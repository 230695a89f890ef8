"""The deal board: a column per open stage with a card per deal (its next task included),
filtered by text, tag or close month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from peewee import JOIN, fn

from smarketer.db.models.contacts import Company, Contact, ContactTag, Tag
from smarketer.db.models.deals import Deal, Stage, Task
from smarketer.db.rows import tuples
from smarketer.pipeline.stage_list import StageInfo, open_stage_infos


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


@dataclass(frozen=True)
class DealHeading:
    """A deal's title and where it stands, for a message about it."""

    id: int
    title: str
    stage_id: int
    stage_name: str


def deal_heading(deal_id: int) -> DealHeading:
    deal = Deal.select(Deal, Stage).join(Stage).where(Deal.id == deal_id).get()
    return DealHeading(deal.id, deal.title, deal.stage_id, deal.stage.name)


def stage_name(stage_id: int) -> str:
    return Stage.get_by_id(stage_id).name


@dataclass
class Column:
    stage: StageInfo
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
    columns = {s.id: Column(s) for s in open_stage_infos() if stage_ids is None or s.id in stage_ids}
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
    rows = list(tuples(query))
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
        for deal_id, title, due in tuples(
            Task.select(Task.deal, Task.title, Task.due_date)
            .where(Task.deal.in_(chunk) & Task.done_at.is_null())
            .order_by(Task.due_date.desc(), Task.id.desc())
        ):
            found[deal_id] = (title, due)  # the earliest due wins (assigned last)
    return found
