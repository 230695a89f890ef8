"""The pipeline: stages, moves with history, won/lost, tasks, forecast and figures."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from smarketer.contacts.duplicates import merge_contacts
from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db.models.contacts import Activity
from smarketer.db.models.deals import Deal, Stage, StageChange, Task
from smarketer.pipeline import deals, tasks
from smarketer.pipeline.deal_board import BoardFilter, board
from smarketer.pipeline.deals import (
    DealData,
    mark_lost,
    mark_won,
    move_deal,
    remove_stage,
    reopen,
    save_deal,
    validate_deal,
)
from smarketer.pipeline.errors import DealInvalid, PipelineError
from smarketer.pipeline.metrics import figures, forecast
from smarketer.pipeline.stage_list import (
    add_stage,
    lost_stage,
    open_stages,
    reorder_stages,
    stages,
    update_stage,
    won_stage,
)
from smarketer.pipeline.tasks import add_task, complete_task, due_now, snooze_task

# The core on both backends: a SQLite file and a PostgreSQL server (skipped without one).
pytestmark = pytest.mark.usefixtures("backend")

TODAY = date(2026, 11, 23)


@pytest.fixture
def zoe(store):
    return save_contact(
        ContactData(
            first_name="Zoë",
            last_name="Łukasiewicz",
            email="zoe@example.com",
            company="Nordlicht Bakery",
            tags=("workshop",),
        )
    )


def stage(name):
    return Stage.get(Stage.name == name)


def new(title, value="1000", **kw):
    return save_deal(DealData(title=title, value=value, **kw))


def test_default_pipeline(store):
    assert [(s.name, s.probability, s.kind) for s in stages()] == [
        ("New lead", 10, "open"),
        ("Contacted", 20, "open"),
        ("Qualified", 40, "open"),
        ("Proposal sent", 60, "open"),
        ("Negotiation", 80, "open"),
        ("Won", 100, "won"),
        ("Lost", 0, "lost"),
    ]


def test_new_deal_fills_company_from_contact_and_logs(zoe):
    deal = new("Website refresh", "12,500.50", contact_id=zoe.id)
    assert deal.value == Decimal("12500.50")
    assert deal.company.name == "Nordlicht Bakery"
    assert deal.stage.name == "New lead"
    assert [(c.from_stage_id, c.to_stage.name) for c in deals.history(deal.id)] == [(None, "New lead")]
    assert Activity.get(Activity.contact == zoe.id).summary == "Deal opened: Website refresh"


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("value", {"value": "abc"}),
        ("value", {"value": "-5"}),
        ("probability", {"probability": 101}),
        ("probability", {"probability": "x"}),
        ("title", {"title": "  "}),
    ],
)
def test_bad_deal_values_are_refused(store, field, kw):
    data = DealData(**{"title": "T", "value": "1", **kw})
    with pytest.raises(DealInvalid) as info:
        save_deal(data)
    assert set(info.value.errors) == {field}
    assert Deal.select().count() == 0


def test_past_close_date_is_allowed_but_flagged(store):
    data = DealData(title="Old", expected_close=date.today() - timedelta(days=3))
    _clean, errors, warnings = validate_deal(data)
    assert errors == {} and "past" in warnings["expected_close"]
    assert save_deal(data).expected_close == data.expected_close


def test_moves_reorder_and_record_history(zoe):
    a, _b, c = new("A", contact_id=zoe.id), new("B"), new("C")
    move_deal(c.id, stage("New lead").id, 0)  # reorder within the column
    column = board()[0]
    assert [card.title for card in column.cards] == ["C", "A", "B"]
    move_deal(a.id, stage("Qualified").id)
    assert [card.title for card in board()[0].cards] == ["C", "B"]
    assert [x.to_stage.name for x in deals.history(a.id)] == ["New lead", "Qualified"]
    assert "Deal moved to Qualified: A" in {x.summary for x in Activity.select()}


def test_lost_needs_a_reason_and_won_closes(zoe):
    deal = new("Logo", contact_id=zoe.id)
    with pytest.raises(PipelineError, match="why"):
        move_deal(deal.id, lost_stage().id)
    lost = mark_lost(deal.id, "Price too high")
    assert (lost.stage.kind, lost.lost_reason, lost.closed_at is not None) == ("lost", "Price too high", True)
    reopened = reopen(deal.id)
    assert reopened.closed_at is None and reopened.lost_reason == ""
    won = mark_won(deal.id, Decimal("900"))
    assert (won.stage.kind, won.value) == ("won", Decimal("900"))
    assert board()[0].cards == []


def test_stage_editing(store):
    deal = new("X")
    with pytest.raises(PipelineError, match="choose a stage"):
        remove_stage(stage("New lead").id)
    assert remove_stage(stage("New lead").id, stage("Contacted").id) == 1
    assert Deal.get_by_id(deal.id).stage.name == "Contacted"
    assert "New lead" not in [s.name for s in stages()]
    assert StageChange.select().count() == 2  # history still names the removed stage
    extra = add_stage("Discovery call", 30, before=stage("Qualified"))
    assert [s.name for s in open_stages()] == [
        "Contacted",
        "Discovery call",
        "Qualified",
        "Proposal sent",
        "Negotiation",
    ]
    update_stage(extra.id, "Discovery", 35)
    ids = [s.id for s in open_stages()]
    reorder_stages(list(reversed(ids)))
    assert open_stages()[0].name == "Negotiation"
    assert stages()[-2:] == [won_stage(), lost_stage()]
    with pytest.raises(PipelineError):
        remove_stage(won_stage().id)
    with pytest.raises(PipelineError):
        add_stage("Bad", 150)


def test_board_cards_and_totals(zoe):
    a = new("Bakery site", "10000", contact_id=zoe.id, expected_close=TODAY)
    new("Flyers", "500", probability=50)
    add_task("Call Zoë", TODAY - timedelta(days=1), deal_id=a.id)
    add_task("Send samples", TODAY + timedelta(days=3), deal_id=a.id)
    column = board(today=TODAY)[0]
    card = column.cards[0]
    assert card.who == "Zoë Łukasiewicz · Nordlicht Bakery"
    assert (card.next_task, card.overdue) == ("Call Zoë", True)
    assert column.total == Decimal("10500")
    assert column.weighted == Decimal("1250")  # 10000 × 10 % + 500 × 50 %
    assert not column.cards[1].next_task  # flagged on the card: no next task
    assert [c.title for c in board(BoardFilter(text="nordlicht"))[0].cards] == ["Bakery site"]
    assert [c.title for c in board(BoardFilter(tag="workshop"))[0].cards] == ["Bakery site"]
    assert [c.title for c in board(BoardFilter(close_month=date(2026, 11, 1)))[0].cards] == ["Bakery site"]


def test_agenda_lists_overdue_first_and_snooze(zoe):
    overdue = add_task("Overdue", TODAY - timedelta(days=2), contact_id=zoe.id)
    add_task("Later today", TODAY, contact_id=zoe.id, due_time="16:00")
    add_task("Today", TODAY, contact_id=zoe.id, due_time="09:00")
    add_task("Friday", TODAY + timedelta(days=4), contact_id=zoe.id)
    add_task("Next month", TODAY + timedelta(days=30), contact_id=zoe.id)
    agenda = tasks.agenda(TODAY)
    assert [t.title for t in agenda.overdue] == ["Overdue"]
    assert [t.title for t in agenda.today] == ["Today", "Later today"]
    assert [t.title for t in agenda.upcoming] == ["Friday"]
    assert snooze_task(overdue.id, 1, today=TODAY) == TODAY + timedelta(days=1)
    complete_task(agenda.today[0].id)
    assert [t.title for t in tasks.agenda(TODAY).today] == ["Later today"]
    with pytest.raises(PipelineError, match="HH:MM"):
        add_task("x", TODAY, contact_id=zoe.id, due_time="25:99")


def test_due_now_announces_each_task_once(zoe):
    add_task("Morning call", TODAY, contact_id=zoe.id, due_time="09:00")
    add_task("Afternoon", TODAY, contact_id=zoe.id, due_time="15:00")
    at = datetime(2026, 11, 23, 10, 0).astimezone()
    assert [t.title for t in due_now(at)] == ["Morning call"]
    assert due_now(at) == []
    assert [t.title for t in due_now(at.replace(hour=15, minute=1))] == ["Afternoon"]


def test_forecast_by_month(store):
    new("Now", "1000", expected_close=TODAY)  # New lead: 10 %
    new("Overdue counts now", "2000", expected_close=TODAY - timedelta(days=40), probability=50)
    new("January", "4000", expected_close=date(2027, 1, 15), probability=25)
    new("Too far", "9999", expected_close=date(2027, 9, 1))
    won = new("Won already", "5000", expected_close=TODAY)
    mark_won(won.id)
    months = forecast(6, today=TODAY)
    assert [m.month for m in months][:3] == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
    assert len(months) == 6
    assert (months[0].deals, months[0].total, months[0].weighted) == (2, Decimal("3000"), Decimal("1100.00"))
    assert months[2].weighted == Decimal("1000.00")
    assert sum(m.deals for m in months) == 3


def test_figures_on_a_known_history(store):
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    day = timedelta(days=1)
    lead, qualified = stage("New lead").id, stage("Qualified").id

    def history(title, moves, value="1000"):
        deal = new(title, value)
        StageChange.delete().where(StageChange.deal == deal.id).execute()
        previous = None
        for when, to in moves:
            StageChange.create(deal=deal.id, from_stage=previous, to_stage=to, changed_at=when)
            previous = to
        kind = Stage.get_by_id(previous).kind
        Deal.update(stage=previous, closed_at=moves[-1][0] if kind != "open" else None).where(
            Deal.id == deal.id
        ).execute()

    won, lost = won_stage().id, lost_stage().id
    history("W1", [(now - 30 * day, lead), (now - 26 * day, qualified), (now - 20 * day, won)], "3000")
    history("W2", [(now - 20 * day, lead), (now - 18 * day, won)], "1000")
    history("L1", [(now - 10 * day, lead), (now - 4 * day, lost)])
    history("Open", [(now - 5 * day, lead)])
    history("Ancient", [(now - 200 * day, lead), (now - 190 * day, won)])
    f = figures(90, now=now)
    lead_figures = f.stages[0]
    assert (lead_figures.entered, lead_figures.won) == (4, 2)
    assert lead_figures.conversion == Decimal("0.500")
    assert lead_figures.average_days == Decimal("4.0")  # (4 + 2 + 6) / 3
    qualified_figures = f.stages[2]
    assert (qualified_figures.entered, qualified_figures.conversion) == (1, Decimal("1.000"))
    assert (f.won, f.lost, f.win_rate) == (2, 1, Decimal("0.667"))
    assert f.average_won_value == Decimal("2000.00")


def test_merge_moves_deals_and_tasks(zoe):
    twin = save_contact(ContactData(first_name="Zoe", email="z2@example.com"))
    deal = new("Twin's deal", contact_id=twin.id)
    add_task("Call", TODAY, contact_id=twin.id)
    merge_contacts(zoe.id, twin.id)
    assert Deal.get_by_id(deal.id).contact_id == zoe.id
    assert Task.get().contact_id == zoe.id


def test_moves_keep_order_even_with_tied_positions(store):
    a, _b, c = new("A"), new("B"), new("C")
    Deal.update(position=1).execute()  # an old store where every position is the same
    move_deal(c.id, stage("New lead").id, 1)
    assert [card.title for card in board()[0].cards] == ["A", "C", "B"]
    move_deal(a.id, stage("New lead").id, 5)
    assert [card.title for card in board()[0].cards] == ["C", "B", "A"]
