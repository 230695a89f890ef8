"""Deals and their moves: a deal sits in one stage at a position; every move between stages is
kept as a StageChange (with its time) and goes on the contact's timeline. Won and Lost are
stages of kind "won" and "lost"; moving there closes the deal (Lost needs a reason)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from peewee import JOIN, fn

from smarketer import settings
from smarketer.conflicts import checked
from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models.base import Setting
from smarketer.db.models.contacts import Activity, Company, Contact
from smarketer.db.models.deals import Deal, Stage, StageChange
from smarketer.db.rows import tuples
from smarketer.db.writes import lock_rows, write_transaction
from smarketer.pipeline.errors import DealInvalid, PipelineError
from smarketer.pipeline.stage_list import check_probability, lost_stage, open_stages, won_stage

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

    @classmethod
    def of(cls, deal: Deal) -> DealData:
        return cls(
            title=deal.title,
            contact_id=deal.contact_id,
            company=deal.company.name if deal.company is not None else "",
            value=deal.value,
            probability=deal.probability,
            stage_id=deal.stage_id,
            expected_close=deal.expected_close,
            source=deal.source,
            campaign_id=deal.campaign_id,
            notes=deal.notes,
        )


@dataclass(frozen=True)
class DealRecord:
    """A deal as its editor shows it (plain data): the editable fields, the version they were
    read at (for ``save_deal(expected_version=...)``) and where the deal stands."""

    id: int
    version: int
    data: DealData
    stage_name: str
    stage_kind: str  # "open" | "won" | "lost"
    lost_reason: str


def deal_record(deal_id: int | None) -> DealRecord | None:
    """The deal with its stage and company in one query; None when there is no such deal."""
    if not deal_id:
        return None
    deal = (
        Deal.select(Deal, Stage, Company)
        .join(Stage)
        .switch(Deal)
        .join(Company, JOIN.LEFT_OUTER)
        .where(Deal.id == deal_id)
        .get_or_none()
    )
    if deal is None:
        return None
    return DealRecord(
        deal.id, deal.version, DealData.of(deal), deal.stage.name, deal.stage.kind, deal.lost_reason
    )


def validate_deal(
    data: DealData, locale: str | None = None
) -> tuple[DealData, dict[str, str], dict[str, str]]:
    """(clean data, errors, warnings): warnings are allowed but flagged (a past close date)."""
    from smarketer.money import parse_amount

    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}
    values: dict[str, Any] = {}
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
            values["probability"] = check_probability(data.probability)
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


def save_deal(data: DealData, deal_id: int | None = None, *, expected_version: int | None = None) -> Deal:
    """Validate and save (create when ``deal_id`` is None); raise DealInvalid, or
    ``conflicts.EditConflict`` when someone else saved the deal since ``expected_version``."""
    clean, errors, _warnings = validate_deal(data)
    if errors:
        raise DealInvalid(errors)
    from smarketer.contacts.editing import company_named

    with write_transaction(), checked("deal"):
        lock_board()
        creating = deal_id is None
        deal = Deal() if deal_id is None else Deal.for_edit(deal_id, expected_version)
        deal.title = clean.title
        deal.contact_id = clean.contact_id
        company = company_named(clean.company) if clean.company.strip() else None
        if company is None and clean.contact_id:
            contact = Contact.get_by_id(clean.contact_id)
            company = contact.company if contact.company_id else None
        deal.company = company
        deal.value = clean.value
        deal.probability = None if clean.probability is None else int(clean.probability)
        deal.expected_close = clean.expected_close
        deal.source = clean.source.strip()
        deal.campaign_id = clean.campaign_id
        deal.notes = clean.notes.strip()
        deal.updated_at = utc_now()
        if creating:
            stage_id = clean.stage_id or open_stages()[0].id
            deal.stage_id = stage_id
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


def lock_board() -> None:
    """Inside a write transaction: hold the board until it ends, before any deal row is
    written, so moves and saves by several seats take turns (on a server, every stage row in
    one order: no deadlock; SQLite's write lock does it already)."""
    list(lock_rows(Stage.select(Stage.id).order_by(Stage.id)).tuples())


def _number(deal_ids: list[int]) -> None:
    """Give these deals the positions 1, 2, 3 … in this order (writing only what changes)."""
    placed: dict[int, int] = dict(tuples(Deal.select(Deal.id, Deal.position).where(Deal.id.in_(deal_ids))))
    for position, deal_id in enumerate(deal_ids, 1):
        if placed.get(deal_id) != position:
            Deal.update(position=position).where(Deal.id == deal_id).execute()


def move_deal(deal_id: int, stage_id: int, index: int | None = None, lost_reason: str = "") -> Deal:
    """Move a deal to ``stage_id`` at ``index`` (end when None); reorders within a stage too.
    A move to a Lost stage needs ``lost_reason``.

    Both stages' positions are recomputed (1, 2, 3 …) in one transaction that holds the board
    (``lock_board``): two seats moving deals at once leave every stage numbered without gaps
    or ties."""
    with write_transaction():
        lock_board()
        target = Stage.get_or_none(Stage.id == stage_id)
        deal = Deal.get_or_none(Deal.id == deal_id)
        if deal is None:
            raise PipelineError("This deal is gone: someone else deleted it.")
        if target is None:
            raise PipelineError("That stage is gone: someone else removed it.")
        if target.kind == "lost" and not (lost_reason.strip() or deal.stage.kind == "lost"):
            raise PipelineError("Say why the deal was lost.")
        siblings = [
            sibling_id
            for (sibling_id,) in tuples(
                Deal.select(Deal.id)
                .where((Deal.stage == stage_id) & (Deal.id != deal_id))
                .order_by(Deal.position, Deal.id)
            )
        ]
        index = len(siblings) if index is None else max(0, min(index, len(siblings)))
        siblings.insert(index, deal_id)
        _number(siblings)
        changed_stage = deal.stage_id != stage_id
        if changed_stage:  # close the gap it leaves
            _number(
                [
                    sibling_id
                    for (sibling_id,) in tuples(
                        Deal.select(Deal.id)
                        .where((Deal.stage == deal.stage_id) & (Deal.id != deal_id))
                        .order_by(Deal.position, Deal.id)
                    )
                ]
            )
        now = utc_now()
        if changed_stage:
            update = {Deal.stage: stage_id, Deal.stage_entered_at: now, Deal.updated_at: now, **Deal.bumped()}
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
    with write_transaction():
        lock_board()
        if value is not None:
            Deal.update({Deal.value: value, **Deal.bumped()}).where(Deal.id == deal_id).execute()
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
            _name(d.contact) if d.contact_id else "",
        )
        for d in query.order_by(Deal.closed_at.desc(), Deal.id.desc()).limit(limit)
    ]


def _name(contact: Contact | None) -> str:
    return (contact.full_name or contact.email) if contact is not None else ""


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


@dataclass(frozen=True)
class StageMove:
    """One line of a deal's stage history: when, from which stage (None: opened) to which."""

    changed_at: datetime
    from_stage: str | None
    to_stage: str


def stage_moves(deal_id: int) -> list[StageMove]:
    """``history(deal_id)`` as plain data, the stages' names read in the same query."""
    came_from = Stage.alias()
    query = (
        StageChange.select(StageChange.changed_at, came_from.name, Stage.name)
        .join(Stage, on=(StageChange.to_stage == Stage.id))
        .switch(StageChange)
        .join(came_from, JOIN.LEFT_OUTER, on=(StageChange.from_stage == came_from.id))
        .where(StageChange.deal == deal_id)
        .order_by(StageChange.changed_at, StageChange.id)
    )
    return [StageMove(at, before, after) for at, before, after in tuples(query)]


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
            move_deal(deal.id, cast(int, move_deals_to))  # set: checked above
        if StageChange.select().where(StageChange.to_stage == stage_id).exists():
            # deal histories still name it: keep the row, out of the pipeline
            Stage.update(kind="removed").where(Stage.id == stage_id).execute()
        else:
            stage.delete_instance()
    return len(deals)


def deal_counts_by_stage() -> dict[int, int]:
    return dict(tuples(Deal.select(Deal.stage, fn.COUNT(Deal.id)).group_by(Deal.stage)))


def find_deals(text: str, limit: int = 6) -> list[Deal]:
    return list(Deal.select().where(Deal.title ** f"%{text.strip()}%").limit(limit))


def deals_for(contact_id: int | None, limit: int = 200) -> list[Deal]:
    query = Deal.select().order_by(Deal.title)
    if contact_id:
        query = query.where(Deal.contact == contact_id)
    return list(query.limit(limit))
