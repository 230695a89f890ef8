"""Which effort brought in each deal: a campaign, a lead source or a referrer.

Attribution rule (one campaign per deal, never two): a deal whose source is a campaign
(``deal.campaign_id``) belongs to that campaign. Otherwise it belongs to the *last* campaign
email its contact was sent before the deal was opened, if that email went out within the
attribution window (30 days by default, a setting). A deal reachable from two campaigns
therefore goes to the most recent one before it was opened.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from smarketer.db import db
from smarketer.db.fields import read_instant
from smarketer.db.models.base import Setting
from smarketer.db.models.campaigns import OutboxState
from smarketer.errors import InputInvalid

ATTRIBUTION_KEY = "attribution_days"
DEFAULT_ATTRIBUTION_DAYS = 30

DealFacts = dict[int, tuple[Decimal, bool, int | None, str, int | None]]


def attribution_days() -> int:
    row = Setting.get_or_none(Setting.key == ATTRIBUTION_KEY)
    return int(row.value) if row else DEFAULT_ATTRIBUTION_DAYS


def set_attribution_days(days: int) -> None:
    if not 1 <= int(days) <= 365:
        raise InputInvalid("The attribution window is 1 to 365 days.")
    Setting.replace(key=ATTRIBUTION_KEY, value=int(days)).execute()


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
        sends[contact_id].append((read_instant(sent_at), campaign_id))
    result: dict[int, int] = {}
    for deal_id, contact_id, campaign_id, created in db.execute_sql(
        "SELECT id, contact_id, campaign_id, created_at FROM deal"
    ):
        if campaign_id:
            result[deal_id] = campaign_id
            continue
        opened = read_instant(created)
        best = None
        for sent_at, sent_campaign in sends.get(contact_id, ()):
            if sent_at > opened:
                break
            if opened - sent_at <= window:
                best = sent_campaign  # the latest before the deal wins
        if best is not None:
            result[deal_id] = best
    return result


def deal_facts() -> DealFacts:
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


def by_campaign(window_days: int | None = None, facts: DealFacts | None = None) -> list[AttributionRow]:
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
    facts, with_proposal = facts or deal_facts(), _proposal_deals()
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


def by_source(facts: DealFacts | None = None) -> list[AttributionRow]:
    rows: dict[str, AttributionRow] = {}
    with_proposal = _proposal_deals()
    for deal_id, (value, won, _contact, source, _ref) in (facts or deal_facts()).items():
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


def by_referrer(facts: DealFacts | None = None) -> list[AttributionRow]:
    rows: dict[int, AttributionRow] = {}
    for referrer, name, count in db.execute_sql(
        "SELECT r.id, trim(r.first_name || ' ' || r.last_name), count(c.id) FROM contact c "
        "JOIN contact r ON r.id = c.referred_by_id GROUP BY r.id"
    ):
        rows[referrer] = AttributionRow(referrer, name, recipients=count)
    for _deal_id, (value, won, _contact, _source, referrer) in (facts or deal_facts()).items():
        if referrer in rows:
            rows[referrer].deals += 1
            if won:
                rows[referrer].won += 1
                rows[referrer].revenue += value
    return sorted(rows.values(), key=lambda r: (-r.revenue, -r.recipients, r.name))
