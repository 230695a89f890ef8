"""Follow-up steps: sent later, in the same thread, only to those who have not answered."""

from datetime import timedelta

from smarketer.campaigns import outbox, sender
from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db.fields import utc_now
from smarketer.db.models.campaigns import Campaign, OutboxMessage
from smarketer.db.models.deals import Deal
from smarketer.inbox import process
from smarketer.inbox.classify import Classified


def test_step_two_goes_only_to_non_repliers_and_threads(smtp_server, account):
    _, server = smtp_server
    people = [
        save_contact(ContactData(first_name=n, email=f"{n}@example.com", tags=("fair",)))
        for n in ("ann", "bob", "cid", "dan")
    ]
    first = outbox.create_campaign("Fair", "tag", "fair", "Our fair offer", "Hello")
    outbox.start(first.id)
    sender.send_campaign(first.id)
    step = outbox.create_follow_up(first.id, 3, "Just checking you saw this.")
    assert step.subject == "Re: Our fair offer"
    outbox.start(step.id)
    assert sender.send_campaign(step.id).sent == 0  # nobody is due yet
    assert Campaign.get_by_id(step.id).status == "sending"  # waits for them
    # three days pass; Ann replied, Bob unsubscribed by his link
    OutboxMessage.update(sent_at=utc_now() - timedelta(days=4)).where(
        OutboxMessage.campaign == first.id
    ).execute()
    ann_row = OutboxMessage.get(OutboxMessage.email == "ann@example.com")
    process.apply(
        Classified("reply", "ann@example.com", "Re: Our fair offer", [ann_row.message_id], snippet="Yes!"),
        message_id="<r1@x>",
        folder="INBOX",
        uid=1,
        received_at=utc_now(),
    )
    outbox.unsubscribe_by_token(OutboxMessage.get(OutboxMessage.email == "bob@example.com").token)
    aud = outbox.audience(step)
    assert sorted(aud.eligible) == [people[2].id, people[3].id]
    assert aud.excluded == {"replied or left": 1, "unsubscribed or bounced": 1}
    [due] = outbox.due_follow_ups()
    assert due.id == step.id
    result = sender.send_campaign(step.id)
    assert (result.sent, result.status) == (2, "done")
    follow_ups = [m for rcpt, m in server.messages if m["Subject"] == "Re: Our fair offer"]
    assert sorted(m["To"] for m in follow_ups) == ["cid <cid@example.com>", "dan <dan@example.com>"]
    for message in follow_ups:
        address = message["To"].split("<")[1].rstrip(">")
        original = OutboxMessage.get(
            (OutboxMessage.campaign == first.id) & (OutboxMessage.email == address)
        ).message_id
        assert message["In-Reply-To"] == original
        assert original in message["References"]


def test_a_reply_can_open_a_deal_with_the_campaign_as_source(smtp_server, account):
    contact = save_contact(ContactData(first_name="Eve", email="eve@example.com", tags=("x",)))
    campaign = outbox.create_campaign("Spring", "tag", "x", "Hi", "Hello")
    outbox.start(campaign.id)
    sender.send_campaign(campaign.id)
    process.set_deal_on_reply(True)
    row = OutboxMessage.get()
    process.apply(
        Classified("reply", "eve@example.com", "Re: Hi", [row.message_id]),
        message_id="<r2@x>",
        folder="INBOX",
        uid=2,
        received_at=utc_now(),
    )
    deal = Deal.get()
    assert (deal.contact_id, deal.campaign_id, deal.stage.name) == (contact.id, campaign.id, "New lead")
