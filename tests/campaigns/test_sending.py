"""Sending campaigns to a real SMTP server on 127.0.0.1 and reading back what arrived."""

import pytest

from smarketer.campaigns import outbox, sender
from smarketer.campaigns.account import SmtpAccount, save_account
from smarketer.campaigns.outbox import CampaignError
from smarketer.contacts.editing import ContactData, save_contact, unsubscribe
from smarketer.db.models.campaigns import Campaign, OutboxMessage
from smarketer.db.models.contacts import Activity, Contact

BODY = """Hello {{ contact.first_name | default("there") }},

we run a **spring workshop** for {{ contact.company | default("small businesses") }}.

Best, {{ sender.name }}
"""


SUBJECT = "Spring workshop for {{ contact.first_name | default('you') }}"


def make(name="Spring", tag="workshop", body=BODY, subject=SUBJECT):
    return outbox.create_campaign(name, "tag", tag, subject, body)


def states(campaign):
    return sorted(r.state for r in OutboxMessage.select().where(OutboxMessage.campaign == campaign.id))


def test_full_send_with_headers_parts_footer_and_encoding(smtp_server, recipients):
    _, server = smtp_server
    campaign = make()
    outbox.start(campaign.id)
    result = sender.send_campaign(campaign.id, retry_delays=(0, 0, 0))
    assert (result.sent, result.status) == (4, "done")
    [msg] = server.to("zoe@example.com")
    assert msg["Subject"] == "Spring workshop for Zoë"
    assert msg["To"] == "Zoë Łukasiewicz <zoe@example.com>"
    assert "=?utf-8?" in msg.as_string().split("\n\n", 1)[0]  # RFC 2047 on the wire
    assert msg["From"] == "Anna Hollis <hello@hollisreed.example>"
    assert msg["Message-ID"] and msg["Date"]
    assert (
        msg["List-Unsubscribe"]
        .strip()
        .startswith(  # folding may put a space first
            "<mailto:hello@hollisreed.example?subject=unsubscribe"
        )
    )
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert text.startswith("Hello Zoë,") and "12 Quay Street, Galway H91" in text
    assert "<strong>spring workshop</strong>" in html and "unsubscribe" in html
    row = OutboxMessage.get(OutboxMessage.email == "zoe@example.com")
    assert (row.state, row.reply) == ("sent", "250 2.0.0 Queued as 12345")
    assert row.message_id == msg["Message-ID"]
    assert Activity.get(Activity.contact == recipients[0].id).summary == (
        "Email sent: Spring workshop for Zoë"
    )


def test_contact_data_is_escaped_in_html_and_cannot_inject_headers(smtp_server, recipients):
    _, server = smtp_server
    save_contact(
        ContactData(first_name="Eve\r\nBcc: all@evil.example", email="eve@example.com", tags=("workshop",))
    )
    campaign = make()
    outbox.start(campaign.id)
    sender.send_campaign(campaign.id)
    [bobby] = server.to("bobby@example.com")
    html = bobby.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    [eve] = server.to("eve@example.com")
    assert eve["Bcc"] is None
    assert eve["Subject"] == "Spring workshop for Eve Bcc: all@evil.example"
    assert {rcpt for rcpt, _ in server.messages} == {
        "zoe@example.com",
        "bobby@example.com",
        "hans@example.dk",
        "ada@example.com",
        "eve@example.com",
    }


def test_excluded_contacts_never_receive_anything(smtp_server, recipients):
    _, server = smtp_server
    unsubscribe([recipients[0].id])
    Contact.update(bounced_at=Contact.created_at).where(Contact.id == recipients[1].id).execute()
    Contact.update(do_not_email=True).where(Contact.id == recipients[2].id).execute()
    campaign = make()
    aud = outbox.audience(campaign)
    assert aud.excluded == {"unsubscribed": 1, "bounced": 1, "do not email": 1}
    outbox.start(campaign.id)
    sender.send_campaign(campaign.id)
    assert [rcpt for rcpt, _ in server.messages] == ["ada@example.com"]


def test_consent_is_counted_and_can_be_required(smtp_server, account, recipients):
    Contact.update(consent=False).where(Contact.id == recipients[3].id).execute()
    campaign = make()
    assert outbox.audience(campaign).without_consent == 1
    save_account(SmtpAccount(**{**account.__dict__, "only_with_consent": True}))
    assert outbox.audience(campaign).excluded == {"no recorded consent": 1}


def test_missing_fields_are_listed_before_sending(recipients):
    campaign = make(body="Dear {{ contact.last_name }}, hello.")
    missing = outbox.missing_fields(campaign)
    assert missing == [(recipients[3].id, "Ada", "last_name")]


def test_4xx_is_retried_then_sent(smtp_server, recipients):
    _, server = smtp_server
    server.script["hans@example.dk"] = ["451 4.3.0 Try again later"]
    campaign = make()
    outbox.start(campaign.id)
    result = sender.send_campaign(campaign.id, retry_delays=(0, 0, 0))
    assert result.sent == 4 and len(server.to("hans@example.dk")) == 1
    row = OutboxMessage.get(OutboxMessage.email == "hans@example.dk")
    assert (row.state, row.attempts) == ("sent", 2)


def test_5xx_fails_with_the_reason_and_5_1_x_marks_bounced(smtp_server, recipients):
    _, server = smtp_server
    server.script["hans@example.dk"] = ["550 5.1.1 No such user here"]
    server.script["ada@example.com"] = ["552 5.3.4 Message too big"]
    campaign = make()
    outbox.start(campaign.id)
    result = sender.send_campaign(campaign.id)
    assert (result.sent, result.failed, result.status) == (2, 2, "done")
    assert OutboxMessage.get(OutboxMessage.email == "ada@example.com").reply == ("552 5.3.4 Message too big")
    assert Contact.get_by_id(recipients[2].id).bounced_at is not None
    assert Contact.get_by_id(recipients[3].id).bounced_at is None
    assert outbox.is_suppressed("hans@example.dk")


def test_account_problems_pause_instead_of_failing_everyone(smtp_server, recipients):
    _, server = smtp_server
    server.script["zoe@example.com"] = ["550 5.7.1 Daily sending quota exceeded"]
    campaign = make()
    outbox.start(campaign.id)
    result = sender.send_campaign(campaign.id)
    assert result.status == "paused" and "quota" in result.reason
    assert Campaign.get_by_id(campaign.id).status == "paused"
    assert states(campaign) == ["queued"] * 4
    outbox.resume(campaign.id)
    assert sender.send_campaign(campaign.id).sent == 4


def test_the_server_dropping_mid_campaign(smtp_server, recipients):
    _, server = smtp_server
    server.drop_after = 2  # the third message meets a closing server
    campaign = make()
    outbox.start(campaign.id)
    result = sender.send_campaign(
        campaign.id, retry_delays=(0, 0, 0), reconnect_delay=0, sleep=lambda s: None
    )
    assert result.status == "done"
    # the third message's data went out and the reply never came: unknown, not resent
    dropped = OutboxMessage.get(OutboxMessage.state == "unknown")
    assert "check your Sent folder" in dropped.reply
    received = [rcpt for rcpt, _ in server.messages]
    assert sorted(received + [dropped.email]) == sorted(r.email for r in recipients)


def test_a_reply_that_never_comes_is_unknown_and_never_resent(smtp_server, recipients):
    from smarketer.campaigns.transport import SmtpTransport

    _, server = smtp_server
    server.stall.add("hans@example.dk")
    campaign = make()
    outbox.start(campaign.id)
    sender.send_campaign(
        campaign.id,
        transport_factory=lambda a, p: SmtpTransport(a, p, timeout=0.5),
        reconnect_delay=0,
        sleep=lambda s: None,
    )
    row = OutboxMessage.get(OutboxMessage.email == "hans@example.dk")
    assert row.state == "unknown" and "Sent folder" in row.reply
    outbox.resume(campaign.id)
    sender.send_campaign(campaign.id)
    received = [rcpt for rcpt, _ in server.messages]
    assert len(received) == len(set(received))  # nobody twice
    assert set(received) - {"hans@example.dk"} == {"zoe@example.com", "bobby@example.com", "ada@example.com"}
    assert OutboxMessage.get(OutboxMessage.email == "hans@example.dk").attempts == 1


def test_unsubscribe_while_queued_removes_from_the_queue(smtp_server, recipients):
    _, server = smtp_server
    campaign = make()
    outbox.start(campaign.id)
    outbox.unsubscribe_contact(recipients[1].id, "by hand")
    sender.send_campaign(campaign.id)
    assert "bobby@example.com" not in [rcpt for rcpt, _ in server.messages]
    assert OutboxMessage.get(OutboxMessage.email == "bobby@example.com").state == "skipped"


def test_one_sender_at_a_time(recipients):
    campaign = make()
    outbox.start(campaign.id)
    assert outbox.claim(campaign.id, "other-window")
    with pytest.raises(CampaignError, match="another Smarketer"):
        sender.send_campaign(campaign.id)
    outbox.release(campaign.id, "other-window")


def test_sending_is_refused_without_a_postal_address(account, recipients):
    from smarketer.settings import BusinessProfile, save_profile

    save_profile(BusinessProfile(name="No Address Ltd"))
    campaign = make()
    with pytest.raises(CampaignError, match="postal address"):
        outbox.start(campaign.id)


def test_report_counts(smtp_server, recipients):
    _, server = smtp_server
    server.script["ada@example.com"] = ["550 5.1.1 unknown user"]
    campaign = make()
    outbox.start(campaign.id)
    sender.send_campaign(campaign.id)
    from smarketer.pipeline.deals import DealData, save_deal

    save_deal(DealData(title="From the campaign", contact_id=recipients[0].id))
    outbox.unsubscribe_by_token(OutboxMessage.get(OutboxMessage.email == "hans@example.dk").token)
    report = outbox.report(campaign.id)
    assert report.by_state == {"sent": 3, "failed": 1}
    assert report.failures == [("ada@example.com", "550 5.1.1 unknown user")]
    assert (report.unsubscribed_since, report.deals_opened) == (1, 1)
