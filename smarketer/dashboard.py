"""The one-person funnel for a period: tiles, the funnel, pipeline and revenue series, and the
ids behind each figure (click-through). Which campaign, source or referrer brought each deal in
is ``smarketer.attribution``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from smarketer.attribution import AttributionRow, by_campaign, by_referrer, by_source, deal_facts
from smarketer.db import db
from smarketer.db.fields import InstantField, read_instant
from smarketer.db.models.campaigns import OutboxState
from smarketer.errors import InputInvalid
from smarketer.pipeline import metrics, stage_list

PERIODS = ("month", "30d", "90d", "ytd", "custom")
_STAMP = InstantField().db_value


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive, UTC
    end: datetime  # exclusive, UTC
    label: str

    @property
    def previous(self) -> Period:
        length = self.end - self.start
        return Period(self.start - length, self.start, f"before {self.label}")


def period(
    kind: str = "30d", today: date | None = None, start: date | None = None, end: date | None = None
) -> Period:
    today = today or date.today()

    def at(day: date) -> datetime:
        return datetime.combine(day, time.min).astimezone().astimezone(UTC)

    tomorrow = today + timedelta(days=1)
    if kind == "month":
        return Period(at(today.replace(day=1)), at(tomorrow), "this month")
    if kind == "30d":
        return Period(at(tomorrow - timedelta(days=30)), at(tomorrow), "last 30 days")
    if kind == "90d":
        return Period(at(tomorrow - timedelta(days=90)), at(tomorrow), "last 90 days")
    if kind == "ytd":
        return Period(at(today.replace(month=1, day=1)), at(tomorrow), "this year")
    if kind == "custom" and start and end and start <= end:
        return Period(at(start), at(end + timedelta(days=1)), f"{start} to {end}")
    raise InputInvalid(f"Unknown period {kind!r}; use month, 30d, 90d, ytd or custom with dates.")


def _one(sql: str, params: tuple[object, ...] = ()) -> Any:
    return db.execute_sql(sql, params).fetchone()[0]


def _span(p: Period) -> tuple[str | None, str | None]:
    return _STAMP(p.start), _STAMP(p.end)


# ---------------------------------------------------------------- tiles


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: Decimal
    previous: Decimal
    money: bool = False
    percent: bool = False

    @property
    def change(self) -> Decimal | None:
        """Against the period before: relative, in %; for a percentage (the win rate) the
        difference in percentage points (57 % after 34 % is +23 points, not +68 %)."""
        if self.percent:
            return (self.value - self.previous).quantize(Decimal("1"))
        if self.previous == 0:
            return None
        return ((self.value - self.previous) / self.previous * 100).quantize(Decimal("1"))

    @property
    def change_text(self) -> str:
        """ "+10 %", "−23 pp", "×7,692" for growth from almost nothing, or "—" when there is
        nothing to compare with."""
        change = self.change
        if change is None:
            return "—"
        if not self.percent and change >= 1000:
            return f"×{self.value / self.previous:,.0f}"
        return f"{'+' if change >= 0 else '−'}{abs(change)} {'pp' if self.percent else '%'}"


def nice_ticks(top: Decimal | float, count: int = 5) -> list[Decimal]:
    """Axis ticks from 0 up to at least ``top`` at a round step (1, 2, 2.5 or 5 × 10^n):
    0, 10,000, 20,000 … rather than 0, 12,856, 25,712 …. An empty axis is 0 … 4."""
    top = Decimal(str(top))
    if top <= 0:
        return [Decimal(i) for i in range(count)]
    raw = top / (count - 1)
    power = Decimal(10) ** (raw.adjusted())
    step = next(
        m * power
        for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
        if m * power >= raw
    )
    if step < 1:
        step = Decimal(1)  # counts and money: no fractional ticks
    ticks = [Decimal(0)]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


def _figures(p: Period) -> dict[str, Decimal]:
    a, b = _span(p)
    won_kind = "(SELECT id FROM stage WHERE kind = 'won')"
    lost_kind = "(SELECT id FROM stage WHERE kind = 'lost')"
    won_values = [
        Decimal(v)
        for (v,) in db.execute_sql(
            f"SELECT value FROM deal WHERE stage_id IN {won_kind} AND closed_at >= ? AND closed_at < ?",
            (a, b),
        ).fetchall()
    ]
    lost = _one(
        f"SELECT count(*) FROM deal WHERE stage_id IN {lost_kind} AND closed_at >= ? AND closed_at < ?",
        (a, b),
    )
    closed = len(won_values) + lost
    return {
        "contacts": Decimal(
            _one(
                "SELECT count(*) FROM contact WHERE deleted_at IS NULL AND "
                "created_at >= ? AND created_at < ?",
                (a, b),
            )
        ),
        "emails": Decimal(
            _one(
                f"SELECT count(*) FROM outbox_message WHERE state = '{OutboxState.SENT}' "
                "AND sent_at >= ? AND sent_at < ?",
                (a, b),
            )
        ),
        "deals": Decimal(_one("SELECT count(*) FROM deal WHERE created_at >= ? AND created_at < ?", (a, b))),
        "proposals": Decimal(
            _one("SELECT count(DISTINCT number) FROM proposal WHERE sent_at >= ? AND sent_at < ?", (a, b))
        ),
        "revenue": sum(won_values, Decimal(0)),
        "win_rate": (Decimal(len(won_values)) / closed * 100).quantize(Decimal("0.1"))
        if closed
        else Decimal(0),
    }


TILES = [
    ("contacts", "New contacts", False, False),
    ("emails", "Emails sent", False, False),
    ("deals", "Deals opened", False, False),
    ("proposals", "Proposals sent", False, False),
    ("revenue", "Won revenue", True, False),
    ("win_rate", "Win rate", False, True),
]


# ---------------------------------------------------------------- the funnel


def _ids(sql: str, params: tuple[object, ...] = ()) -> set[int]:
    return {i for (i,) in db.execute_sql(sql, params) if i is not None}


def funnel(p: Period) -> dict[str, tuple[str, set[int]]]:
    """A true funnel: each stage counts what reached *at least* that stage in the period, so
    no stage is ever above the one before it. Stage label -> ("deals" | "contacts", ids).

    - Won: deals won in the period.
    - Reached a proposal: deals whose proposal went out in the period, and every deal of Won.
    - Reached a deal: deals opened in the period, and every deal that reached a proposal.

    (Named apart from the tiles "Deals opened" and "Proposals sent", which count only what
    happened in the period, so a won deal opened last month is in the funnel, not the tile.)
    - Contacts reached: contacts emailed in the period, and the contact of every deal above.
    """
    a, b = _span(p)
    won = _ids(
        "SELECT d.id FROM deal d JOIN stage s ON s.id = d.stage_id "
        "WHERE s.kind = 'won' AND d.closed_at >= ? AND d.closed_at < ?",
        (a, b),
    )
    proposed = won | _ids("SELECT deal_id FROM proposal WHERE sent_at >= ? AND sent_at < ?", (a, b))
    opened = proposed | _ids("SELECT id FROM deal WHERE created_at >= ? AND created_at < ?", (a, b))
    reached = _ids(
        f"SELECT contact_id FROM outbox_message WHERE state = '{OutboxState.SENT}' "
        "AND sent_at >= ? AND sent_at < ?",
        (a, b),
    )
    if opened:
        reached |= {c for d, c in db.execute_sql("SELECT id, contact_id FROM deal") if d in opened and c}
    return {
        "Contacts reached": ("contacts", reached),
        "Reached a deal": ("deals", opened),
        "Reached a proposal": ("deals", proposed),
        "Won": ("deals", won),
    }


# ---------------------------------------------------------------- the whole dashboard


@dataclass
class Dashboard:
    period: Period
    tiles: list[Tile]
    funnel: list[tuple[str, Decimal]]
    pipeline: list[tuple[str, Decimal, Decimal]]  # stage, total, weighted
    revenue_by_month: list[tuple[date, Decimal]]
    forecast: list[tuple[date, Decimal]]
    campaigns: list[AttributionRow]
    sources: list[AttributionRow]
    referrers: list[AttributionRow]


def revenue_by_month(months: int = 12, today: date | None = None) -> list[tuple[date, Decimal]]:
    today = today or date.today()
    first = today.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        starts.insert(0, (starts[0] - timedelta(days=1)).replace(day=1))
    totals = {m: Decimal(0) for m in starts}
    for value, closed in db.execute_sql(
        "SELECT d.value, d.closed_at FROM deal d JOIN stage s ON s.id = d.stage_id "
        "WHERE s.kind = 'won' AND d.closed_at >= ?",
        (_STAMP(datetime.combine(starts[0], time.min, UTC)),),
    ):
        month = read_instant(closed).astimezone().date().replace(day=1)
        if month in totals:
            totals[month] += Decimal(value)
    return list(totals.items())


def build(p: Period, today: date | None = None) -> Dashboard:
    """Everything the dashboard shows, computed in one pass over the store."""
    now, before = _figures(p), _figures(p.previous)
    tiles = [Tile(key, label, now[key], before[key], money, percent) for key, label, money, percent in TILES]
    facts = deal_facts()
    return Dashboard(
        period=p,
        tiles=tiles,
        funnel=[(label, Decimal(len(ids))) for label, (_, ids) in funnel(p).items()],
        pipeline=open_pipeline(),
        revenue_by_month=revenue_by_month(12, today),
        forecast=[(m.month, m.weighted) for m in metrics.forecast(6, today)],
        campaigns=by_campaign(facts=facts),
        sources=by_source(facts),
        referrers=by_referrer(facts),
    )


def open_pipeline() -> list[tuple[str, Decimal, Decimal]]:
    """(stage, total, weighted) for every open stage, in board order."""
    stages = stage_list.open_stages()
    totals = {s.id: [Decimal(0), Decimal(0)] for s in stages}
    probability = {s.id: s.probability for s in stages}
    for stage_id, value, chance in db.execute_sql(
        "SELECT stage_id, value, probability FROM deal WHERE stage_id IN "
        "(SELECT id FROM stage WHERE kind = 'open')"
    ):
        amount = Decimal(value)
        totals[stage_id][0] += amount
        totals[stage_id][1] += amount * (probability[stage_id] if chance is None else chance) / 100
    return [(s.name, totals[s.id][0], totals[s.id][1].quantize(Decimal("0.01"))) for s in stages]


# ---------------------------------------------------------------- click-through


def drill(key: str, p: Period) -> tuple[str, list[int]]:
    """What a tile or funnel step stands for: ("contacts" | "deals" | "proposals", ids)."""
    stages = {FUNNEL_KEYS[label]: found for label, found in funnel(p).items()}
    if key in stages:
        kind, ids = stages[key]
        return kind, sorted(ids)
    a, b = _span(p)
    queries = {
        "contacts": (
            "contacts",
            "SELECT id FROM contact WHERE deleted_at IS NULL AND created_at >= ? AND created_at < ?",
        ),
        "emails": (
            "contacts",
            "SELECT DISTINCT contact_id FROM outbox_message WHERE "
            f"state = '{OutboxState.SENT}' AND sent_at >= ? AND sent_at < ?",
        ),
        "deals": ("deals", "SELECT id FROM deal WHERE created_at >= ? AND created_at < ?"),
        "proposals": ("proposals", "SELECT id FROM proposal WHERE sent_at >= ? AND sent_at < ?"),
        "revenue": (
            "deals",
            "SELECT d.id FROM deal d JOIN stage s ON s.id = d.stage_id "
            "WHERE s.kind = 'won' AND d.closed_at >= ? AND d.closed_at < ?",
        ),
        "win_rate": (
            "deals",
            "SELECT d.id FROM deal d JOIN stage s ON s.id = d.stage_id "
            "WHERE s.kind IN ('won', 'lost') AND d.closed_at >= ? "
            "AND d.closed_at < ?",
        ),
    }
    kind, sql = queries[key]
    return kind, [i for (i,) in db.execute_sql(sql, (a, b)) if i is not None]


def deals_in_stage(stage_name: str) -> list[int]:
    return [
        i
        for (i,) in db.execute_sql(
            "SELECT d.id FROM deal d JOIN stage s ON s.id = d.stage_id WHERE s.name = ? ORDER BY d.position",
            (stage_name,),
        )
    ]


FUNNEL_KEYS = {  # a funnel stage's key for drill(): its own, not a tile's (it counts more)
    "Contacts reached": "reached",
    "Reached a deal": "opened",
    "Reached a proposal": "proposed",
    "Won": "won",
}


def labels(kind: str, ids: list[int]) -> list[str]:
    """One line per contact, deal or proposal behind a figure, in the order of ``ids``."""
    from smarketer.db.models.contacts import Contact
    from smarketer.db.models.deals import Deal
    from smarketer.db.models.proposals import Proposal
    from smarketer.money import format_money
    from smarketer.settings import load_profile

    profile = load_profile()
    money = lambda v: format_money(v, profile.currency, profile.locale)  # noqa: E731
    if kind == "contacts":
        found = {c.id: c.full_name or c.email for c in Contact.select().where(Contact.id.in_(ids))}
    elif kind == "deals":
        found = {d.id: f"{d.title} · {money(d.value)}" for d in Deal.select().where(Deal.id.in_(ids))}
    else:
        found = {
            p.id: f"{p.label} · {p.title} · {p.status}" for p in Proposal.select().where(Proposal.id.in_(ids))
        }
    return [found.get(i, "?") for i in ids]
