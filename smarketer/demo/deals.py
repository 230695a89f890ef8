"""The demo's deals, their stage histories and open tasks."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from smarketer.db.models.contacts import Activity, Contact

DEAL_TITLES = [
    "Website refresh",
    "Brand identity",
    "Spring campaign",
    "Workshop day",
    "Annual maintenance",
    "Photo shoot",
    "Menu redesign",
    "Packaging design",
    "Newsletter set-up",
    "Trade fair stand",
    "Signage",
    "Social media kit",
]
TASKS = [
    "Call to follow up",
    "Send the proposal",
    "Book a meeting",
    "Send samples",
    "Check in after the demo",
    "Ask for the decision",
]


def add_deals(rng: random.Random, people: list[int], now: datetime) -> None:
    from smarketer.db.models.deals import Deal, StageChange
    from smarketer.pipeline import stage_list
    from smarketer.pipeline.deals import DEFAULT_LOST_REASONS
    from smarketer.pipeline.stage_list import lost_stage, won_stage
    from smarketer.pipeline.tasks import add_task

    stages = stage_list.stages()
    open_stages = [s for s in stages if s.kind == "open"]
    won, lost = won_stage(), lost_stage()
    reasons = DEFAULT_LOST_REASONS
    today = now.date()
    for i in range(max(48, min(600, len(people) // 150))):  # 600 deals at 100,000 people
        contact = Contact.get_by_id(rng.choice(people))
        opened = now - timedelta(days=rng.randint(5, 120), hours=rng.randint(0, 8))
        path = open_stages[: rng.randint(1, len(open_stages))]
        ending = rng.choices(["open", "won", "lost"], [60, 25, 15])[0]
        value = Decimal(rng.choice([450, 900, 1200, 2500, 3800, 6000, 9500, 14000]))
        client = contact.company.name if contact.company_id and contact.company else contact.last_name
        deal = Deal.create(
            title=f"{rng.choice(DEAL_TITLES)} – {client}",
            contact=contact,
            company=contact.company_id,
            value=value,
            stage=path[0],
            position=i,
            expected_close=today + timedelta(days=rng.randint(-10, 150)),
            source=contact.lead_source,
            stage_entered_at=opened,
            created_at=opened,
            updated_at=opened,
        )
        when, previous = opened, None
        for stage in path + ([won] if ending == "won" else [lost] if ending == "lost" else []):
            StageChange.create(deal=deal, from_stage=previous, to_stage=stage, changed_at=when)
            previous = stage
            last = when
            when = min(now, when + timedelta(days=rng.randint(2, 14)))
        closed = ending != "open"
        Deal.update(
            stage=previous,
            stage_entered_at=last,
            closed_at=last if closed else None,
            lost_reason=rng.choice(reasons) if ending == "lost" else "",
        ).where(Deal.id == deal.id).execute()
        Activity.create(
            contact=contact,
            kind="deal",
            summary=f"Deal opened: {deal.title}",
            occurred_at=opened,
            ref_type="deal",
            ref_id=deal.id,
        )
        if not closed and rng.random() < 0.8:
            add_task(
                rng.choice(TASKS),
                today + timedelta(days=rng.randint(-4, 9)),
                deal_id=deal.id,
                due_time=rng.choice([None, "09:30", "14:00"]),
            )
