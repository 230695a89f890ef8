"""The one-person funnel: which efforts brought in money, for a period.

Attribution rule (one campaign per deal, never two): a deal whose source is a campaign
(``deal.campaign_id``) belongs to that campaign. Otherwise it belongs to the *last* campaign
email its contact was sent before the deal was opened, if that email went out within the
attribution window (30 days by default, a setting). A deal reachable from two campaigns
therefore goes to the most recent one before it was opened.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from smarketer import pipeline
from smarketer.db import db
from smarketer.db.fields import InstantField
from smarketer.db.models import OutboxState, Setting
from smarketer.errors import InputInvalid

ATTRIBUTION_KEY = "attribution_days"
DEFAULT_ATTRIBUTION_DAYS = 30
PERIODS = ("month", "30d", "90d", "ytd", "custom")
_STAMP = InstantField().db_value
_READ = InstantField().python_value


def attribution_days() -> int:
    row = Setting.get_or_none(Setting.key == ATTRIBUTION_KEY)
    return int(row.value) if row else DEFAULT_ATTRIBUTION_DAYS


def set_attribution_days(days: int) -> None:
    if not 1 <= int(days) <= 365:
        raise InputInvalid("The attribution window is 1 to 365 days.")
    Setting.replace(key=ATTRIBUTION_KEY, value=int(days)).execute()


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


# ---------------------------------------------------------------- attribution


@dataclass
class AttributionRow:
    key: object  # campaign id, source text or referrer contact id
    name: str
    recipients: int = 0
    deals: int = 0
    proposals: int = 0
    won: int = 0
    revenue: Decimal = field(default_factory=lambda: Decimal(0))

    @property
    def revenue_per_email(self) -> Decimal | None:
        if not self.recipients:
            return None
        return (self.revenue / self.recipients).quantize(Decimal("0.01"))


def attributed_campaign(window_days: int | None = None) -> dict[int, int]:
    """deal id -> campaign id, by the rule in this module's docstring."""
    window = timedelta(days=window_days or attribution_days())
    sends: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for contact_id, campaign_id, sent_at in db.execute_sql(  # only contacts that have deals
        "SELECT contact_id, campaign_id, sent_at FROM outbox_message "
        f"WHERE state = '{OutboxState.SENT}' AND contact_id IN (SELECT contact_id FROM deal) "
        "ORDER BY sent_at"
    ):
        sends[contact_id].append((_READ(sent_at), campaign_id))
    result: dict[int, int] = {}
    for deal_id, contact_id, campaign_id, created in db.execute_sql(
        "SELECT id, contact_id, campaign_id, created_at FROM deal"
    ):
        if campaign_id:
            result[deal_id] = campaign_id
            continue
        opened = _READ(created)
        best = None
        for sent_at, sent_campaign in sends.get(contact_id, ()):
            if sent_at > opened:
                break
            if opened - sent_at <= window:
                best = sent_campaign  # the latest before the deal wins
        if best is not None:
            result[deal_id] = best
    return result


def _deal_facts() -> dict[int, tuple[Decimal, bool, int | None, str, int | None]]:
    """deal id -> (value, won, contact id, source, referrer id)."""
    facts = {}
    for deal_id, value, kind, contact_id, source, lead_source, referrer in db.execute_sql(
        "SELECT d.id, d.value, s.kind, d.contact_id, d.source, c.lead_source, "
        "c.referred_by_id FROM deal d JOIN stage s ON s.id = d.stage_id "
        "LEFT JOIN contact c ON c.id = d.contact_id"
    ):
        facts[deal_id] = (
            Decimal(value),
            kind == "won",
            contact_id,
            (source or lead_source or "Unknown").strip(),
            referrer,
        )
    return facts


def _proposal_deals() -> set[int]:
    return {
        d
        for (d,) in db.execute_sql(
            "SELECT DISTINCT deal_id FROM proposal WHERE sent_at IS NOT NULL AND deal_id IS NOT NULL"
        )
    }


def by_campaign(window_days: int | None = None, facts=None) -> list[AttributionRow]:
    rows = {
        cid: AttributionRow(cid, name)
        for cid, name in db.execute_sql("SELECT id, name FROM campaign ORDER BY created_at DESC")
    }
    for cid, count in db.execute_sql(
        f"SELECT campaign_id, count(*) FROM outbox_message WHERE state = '{OutboxState.SENT}' "
        "GROUP BY campaign_id"
    ):
        if cid in rows:
            rows[cid].recipients = count
    facts, with_proposal = facts or _deal_facts(), _proposal_deals()
    for deal_id, cid in attributed_campaign(window_days).items():
        if cid not in rows or deal_id not in facts:
            continue
        value, won, *_ = facts[deal_id]
        row = rows[cid]
        row.deals += 1
        row.proposals += deal_id in with_proposal
        if won:
            row.won += 1
            row.revenue += value
    return list(rows.values())


def by_source(facts=None) -> list[AttributionRow]:
    rows: dict[str, AttributionRow] = {}
    with_proposal = _proposal_deals()
    for deal_id, (value, won, _contact, source, _ref) in (facts or _deal_facts()).items():
        row = rows.setdefault(source, AttributionRow(source, source))
        row.deals += 1
        row.proposals += deal_id in with_proposal
        if won:
            row.won += 1
            row.revenue += value
    for source, count in db.execute_sql(
        "SELECT lead_source, count(*) FROM contact WHERE deleted_at IS NULL GROUP BY lead_source"
    ):
        key = (source or "Unknown").strip()
        rows.setdefault(key, AttributionRow(key, key)).recipients = count  # contacts
    return sorted(rows.values(), key=lambda r: (-r.revenue, -r.deals, r.name))


def by_referrer(facts=None) -> list[AttributionRow]:
    rows: dict[int, AttributionRow] = {}
    for referrer, name, count in db.execute_sql(
        "SELECT r.id, trim(r.first_name || ' ' || r.last_name), count(c.id) FROM contact c "
        "JOIN contact r ON r.id = c.referred_by_id GROUP BY r.id"
    ):
        rows[referrer] = AttributionRow(referrer, name, recipients=count)
    for _deal_id, (value, won, _contact, _source, referrer) in (facts or _deal_facts()).items():
        if referrer in rows:
            rows[referrer].deals += 1
            if won:
                rows[referrer].won += 1
                rows[referrer].revenue += value
    return sorted(rows.values(), key=lambda r: (-r.revenue, -r.recipients, r.name))


# ---------------------------------------------------------------- the funnel


def _ids(sql: str, params=()) -> set[int]:
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
        month = _READ(closed).astimezone().date().replace(day=1)
        if month in totals:
            totals[month] += Decimal(value)
    return list(totals.items())


def build(p: Period, today: date | None = None) -> Dashboard:
    """Everything the dashboard shows, computed in one pass over the store."""
    now, before = _figures(p), _figures(p.previous)
    tiles = [Tile(key, label, now[key], before[key], money, percent) for key, label, money, percent in TILES]
    facts = _deal_facts()
    return Dashboard(
        period=p,
        tiles=tiles,
        funnel=[(label, Decimal(len(ids))) for label, (_, ids) in funnel(p).items()],
        pipeline=open_pipeline(),
        revenue_by_month=revenue_by_month(12, today),
        forecast=[(m.month, m.weighted) for m in pipeline.forecast(6, today)],
        campaigns=by_campaign(facts=facts),
        sources=by_source(facts),
        referrers=by_referrer(facts),
    )


def open_pipeline() -> list[tuple[str, Decimal, Decimal]]:
    """(stage, total, weighted) for every open stage, in board order."""
    stages = pipeline.open_stages()
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
    from smarketer.db.models import Contact, Deal, Proposal
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
