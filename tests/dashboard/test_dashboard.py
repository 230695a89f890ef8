"""A hand-built history with known answers: every tile, funnel step and attribution row."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from smarketer import attribution, dashboard
from smarketer.campaigns import outbox
from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db.models.campaigns import Campaign, OutboxMessage
from smarketer.db.models.contacts import Contact
from smarketer.db.models.deals import Deal, Stage
from smarketer.db.models.proposals import Proposal
from smarketer.pipeline.deals import DealData, save_deal
from smarketer.pipeline.stage_list import lost_stage, won_stage

# The dashboard's SQL on both backends: a SQLite file and a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("backend")

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def at(days_ago: float) -> datetime:
    return NOW - timedelta(days=days_ago)


@pytest.fixture
def history(store):
    """Two campaigns, three deals (one reachable from both campaigns), one referral."""

    def person(name, source="", referred_by=None, created=10):
        c = save_contact(
            ContactData(
                first_name=name,
                email=f"{name.lower()}@example.com",
                tags=("all",),
                lead_source=source,
                referred_by_id=referred_by,
            )
        )
        Contact.update(created_at=at(created)).where(Contact.id == c.id).execute()
        return c

    rita = person("Rita", "Trade fair", created=200)
    ann = person("Ann", "Website form", referred_by=rita.id)
    bob = person("Bob", "Website form")
    cid = person("Cid", "Referral", referred_by=rita.id, created=45)
    spring = outbox.create_campaign("Spring", "tag", "all", "Hi", "Hello")
    autumn = outbox.create_campaign("Autumn", "tag", "all", "Hi", "Hello")
    Campaign.update(created_at=at(60)).where(Campaign.id == spring.id).execute()

    def sent(campaign, contact, days_ago):
        OutboxMessage.create(
            campaign=campaign,
            contact=contact,
            email=contact.email,
            token=f"{campaign.id}-{contact.id}",
            state="sent",
            sent_at=at(days_ago),
            queued_at=at(days_ago),
        )

    for c in (ann, bob, cid):
        sent(spring, c, 20)
    sent(autumn, ann, 12)  # Ann got both campaigns before her deal: the later one wins

    won, lost = won_stage().id, lost_stage().id

    def deal(title, contact, value, days_ago, stage=None, closed=None, campaign=None):
        d = save_deal(DealData(title=title, contact_id=contact.id, value=value, campaign_id=campaign))
        values = {"created_at": at(days_ago)}
        if stage:
            values.update(stage=stage, closed_at=at(closed))
        Deal.update(**values).where(Deal.id == d.id).execute()
        return d

    ann_deal = deal("Ann's site", ann, "3000", 10, won, 2)
    deal("Bob's logo", bob, "800", 15, lost, 3)
    deal("Cid's flyers", cid, "500", 5, campaign=spring.id)  # explicit source: Spring
    old = deal("Old win", rita, "10000", 100, won, 95)
    proposal = Proposal.create(
        number="P-2026-0001",
        title="Ann's site",
        contact=ann,
        deal=ann_deal,
        issue_date=TODAY,
        valid_until=TODAY,
        currency="EUR",
        locale="en_IE",
        status="accepted",
        sent_at=at(4),
    )
    return {
        "spring": spring,
        "autumn": autumn,
        "ann_deal": ann_deal,
        "old": old,
        "proposal": proposal,
        "rita": rita,
    }


def test_tiles_against_the_previous_period(history):
    board = dashboard.build(dashboard.period("30d", TODAY), TODAY)
    values = {t.key: (t.value, t.previous) for t in board.tiles}
    assert values["contacts"] == (2, 1)  # Ann and Bob now; Cid (45 days ago) before
    assert values["emails"] == (4, 0)
    assert values["deals"] == (3, 0)
    assert values["proposals"] == (1, 0)
    assert values["revenue"] == (Decimal("3000"), Decimal(0))
    assert values["win_rate"] == (Decimal("50.0"), Decimal(0))  # 1 won, 1 lost
    contacts_tile = next(t for t in board.tiles if t.key == "contacts")
    assert contacts_tile.change == Decimal("100")


def test_funnel_pipeline_and_revenue_series(history):
    board = dashboard.build(dashboard.period("30d", TODAY), TODAY)
    assert board.funnel == [
        ("Contacts reached", 3),
        ("Reached a deal", 3),
        ("Reached a proposal", 1),
        ("Won", 1),
    ]
    assert board.pipeline[0] == ("New lead", Decimal("500"), Decimal("50.00"))
    months = dict(board.revenue_by_month)
    assert len(months) == 12
    assert months[date(2026, 11, 1)] == Decimal("3000")
    assert months[date(2026, 8, 1)] == Decimal("10000")


def test_a_deal_reachable_from_two_campaigns_goes_to_the_latest(history):
    mapping = attribution.attributed_campaign()
    assert mapping[history["ann_deal"].id] == history["autumn"].id
    rows = {r.name: r for r in attribution.by_campaign()}
    spring, autumn = rows["Spring"], rows["Autumn"]
    assert (spring.recipients, spring.deals, spring.won, spring.revenue) == (3, 2, 0, 0)
    assert (autumn.recipients, autumn.deals, autumn.proposals, autumn.won) == (1, 1, 1, 1)
    assert autumn.revenue == Decimal("3000") and autumn.revenue_per_email == Decimal("3000.00")


def test_attribution_window_is_a_setting(history):
    attribution.set_attribution_days(7)  # Bob's deal came 5 days after his email: still in
    rows = {r.name: r for r in attribution.by_campaign()}
    assert rows["Spring"].deals == 2
    attribution.set_attribution_days(1)
    rows = {r.name: r for r in attribution.by_campaign()}
    assert rows["Spring"].deals == 1  # only Cid's, whose source is Spring
    with pytest.raises(ValueError):
        attribution.set_attribution_days(0)


def test_by_source_and_by_referrer(history):
    sources = {r.name: r for r in attribution.by_source()}
    assert (sources["Trade fair"].revenue, sources["Website form"].deals) == (Decimal("10000"), 2)
    assert sources["Website form"].revenue == Decimal("3000")
    [rita] = attribution.by_referrer()
    assert (rita.name, rita.recipients, rita.deals, rita.revenue) == ("Rita", 2, 2, Decimal("3000"))


def test_drill_down_lists_what_a_tile_counts(history):
    p = dashboard.period("30d", TODAY)
    assert dashboard.drill("revenue", p) == ("deals", [history["ann_deal"].id])
    kind, ids = dashboard.drill("proposals", p)
    assert (kind, ids) == ("proposals", [history["proposal"].id])
    assert dashboard.drill("reached", p)[0] == "contacts" and len(dashboard.drill("reached", p)[1]) == 3
    assert dashboard.drill("proposed", p) == ("deals", [history["ann_deal"].id])
    assert dashboard.deals_in_stage("New lead") == [
        d.id for d in Deal.select().join(Stage).where(Stage.name == "New lead")
    ]


def test_periods(store):
    assert dashboard.period("month", TODAY).label == "this month"
    p = dashboard.period("custom", TODAY, date(2026, 1, 1), date(2026, 1, 31))
    assert (p.end - p.start).days == 31
    with pytest.raises(ValueError):
        dashboard.period("fortnight", TODAY)


def test_the_funnel_counts_what_reached_at_least_each_stage(history):
    """Won deals whose proposals went out before the period, and deals opened before it, still
    count in the stages above them: a stage is never drawn above the one before it."""
    p = dashboard.period("30d", TODAY)
    won = won_stage().id
    for n in range(5):  # opened and proposed long ago, won in the period, nobody emailed
        person = save_contact(ContactData(first_name=f"Old{n}", email=f"old{n}@example.com"))
        d = save_deal(DealData(title=f"Slow {n}", contact_id=person.id, value="100"))
        Deal.update(created_at=at(200), stage=won, closed_at=at(3)).where(Deal.id == d.id).execute()
    board = dashboard.build(p, TODAY)
    assert board.funnel == [
        ("Contacts reached", 8),
        ("Reached a deal", 8),
        ("Reached a proposal", 6),
        ("Won", 6),
    ]
    counts = [n for _, n in board.funnel]
    assert counts == sorted(counts, reverse=True)
    stages = dashboard.funnel(p)
    deals = [stages[label][1] for label in ("Reached a deal", "Reached a proposal", "Won")]
    assert deals[0] >= deals[1] >= deals[2]  # each stage holds the one below it
    kind, ids = dashboard.drill(dashboard.FUNNEL_KEYS["Won"], p)
    assert kind == "deals" and len(ids) == 6
