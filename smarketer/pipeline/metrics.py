"""Pipeline figures: the weighted forecast by close month, conversion and time per stage,
win rate and average won value."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from smarketer.db.models.deals import Deal, Stage, StageChange
from smarketer.pipeline.deals import effective_probability
from smarketer.pipeline.stage_list import open_stages


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
    buckets: dict[date, list[Any]] = {m: [0, Decimal("0"), Decimal("0")] for m in starts}
    for deal in (
        Deal.select(Deal, Stage)
        .join(Stage)
        .where((Stage.kind == "open") & Deal.expected_close.is_null(False) & (Deal.expected_close < end))
    ):
        month = max(cast(date, deal.expected_close).replace(day=1), first)
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
