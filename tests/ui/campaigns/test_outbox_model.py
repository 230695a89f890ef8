"""The report's outbox model reads a page at a time and passes Qt's model tester."""

from smarketer.campaigns import details, outbox
from smarketer.ui.campaigns.report import OutboxModel


def queued_campaign() -> int:
    c = outbox.create_campaign("Spring", "tag", "workshop", "Hi", "Hello {{ sender.name }}")
    outbox.start(c.id, at=outbox.utc_now().replace(year=2099))  # queued, not sent
    return c.id


def test_rows_come_a_page_at_a_time(qtmodeltester, store, account, recipients, monkeypatch):
    campaign_id = queued_campaign()
    monkeypatch.setattr(OutboxModel, "PAGE", 3)
    model = OutboxModel()
    model.show_page(campaign_id, details.outbox_page(campaign_id, 0, 3))
    assert model.rowCount() == 3 and model.canFetchMore()
    qtmodeltester.check(model)
    model.fetchMore()
    assert model.rowCount() == 4 and not model.canFetchMore()
    everyone = details.outbox_page(campaign_id, 0, 100)
    assert [model.index(r, 0).data() for r in range(4)] == [line.email for line in everyone]
    assert {model.index(r, 1).data() for r in range(4)} == {"queued"}
    qtmodeltester.check(model)


def test_an_empty_outbox(qtmodeltester, store):
    model = OutboxModel()
    model.show_page(None, [])
    assert model.rowCount() == 0 and not model.canFetchMore()
    qtmodeltester.check(model)
