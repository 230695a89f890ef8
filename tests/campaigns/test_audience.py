"""Audiences and missing-field checks are set-based; they must agree with the plain
per-recipient rules they replace, on a realistic store."""

import json
import re
from datetime import timedelta

import pytest
from peewee import SQL

from smarketer.campaigns import audience as aud
from smarketer.campaigns import outbox, templates
from smarketer.campaigns.account import load_account, save_account
from smarketer.contacts.listing import ContactFilter, contact_ids
from smarketer.contacts.saved_segments import find_segment, segment_by_id, segment_filter
from smarketer.db.fields import utc_now
from smarketer.db.models.campaigns import Campaign, InboundMessage, OutboxMessage
from smarketer.db.models.contacts import Contact, Tag

# On both backends: a SQLite file and a PostgreSQL server (skipped without one).
pytestmark = pytest.mark.usefixtures("backend")


def reference_audience(campaign):
    """The rules one contact at a time, as the first version applied them."""
    if campaign.audience_kind == "tag":
        ids = contact_ids(ContactFilter(tags=(campaign.audience,)))
    elif campaign.audience_kind == "segment":
        ids = contact_ids(segment_filter(segment_by_id(int(campaign.audience))))
    else:
        ids = [i for i in contact_ids() if i in set(json.loads(campaign.audience))]
    account = load_account()
    eligible, excluded = [], {}
    for c in Contact.select().where(Contact.id.in_(ids)).order_by(Contact.id):
        reason = (
            "no email address"
            if not c.email
            else "unsubscribed"
            if c.unsubscribed_at or outbox.is_suppressed(c.email)
            else "bounced"
            if c.bounced_at
            else "do not email"
            if c.do_not_email
            else None
        )
        if reason is None and not c.consent and account.only_with_consent:
            reason = "no recorded consent"
        if reason:
            excluded[reason] = excluded.get(reason, 0) + 1
        else:
            eligible.append(c.id)
    return eligible, excluded


def reference_missing(campaign):
    found = []
    for contact_id in reference_audience(campaign)[0]:
        contact = Contact.get_by_id(contact_id)
        missing = templates.missing_field(campaign.subject, campaign.body, aud.context_for(contact))
        if missing:
            found.append((contact_id, contact.full_name or contact.email, missing))
    return found


def vary_the_data():
    """Empty fields, suppressions, bounces and picked contacts, so every rule has work."""
    Contact.update(title="").where(SQL("id % 3 = 0")).execute()
    Contact.update(first_name="").where(SQL("id % 7 = 0")).execute()
    Contact.update(last_name="").where(SQL("id % 14 = 0")).execute()
    Contact.update(company=None).where(SQL("id % 5 = 0")).execute()
    Contact.update(bounced_at=utc_now()).where(SQL("id % 11 = 0")).execute()
    Contact.update(do_not_email=True).where(SQL("id % 13 = 0")).execute()
    Contact.update(email="").where(Contact.id == 17).execute()
    outbox.suppress(Contact.get_by_id(19).email.upper(), "test")


TEMPLATES = [
    ("Hi {{ contact.first_name }}", "Dear {{ contact.full_name }} of {{ contact.company }}"),
    ("News", "{{ contact.title | default('friend') }} {{ contact['last_name'] }}"),
    ("News", "{% if contact.company %}{{ contact.city }}{% endif %} {{ sender.name }}"),
    ("News", "{% set who = contact %}{{ who.title }}"),
    ("News", "Nothing personal here."),
]


@pytest.mark.parametrize("subject, body", TEMPLATES)
def test_set_based_checks_agree_with_the_per_recipient_rules(demo_store, subject, body):
    vary_the_data()
    tag = Tag.select().order_by(Tag.name).first().name
    picked = json.dumps([c.id for c in Contact.select() if c.id % 4 == 1])
    segment = find_segment("Newsletter (consented)")
    checked = []
    for kind, audience in (("tag", tag), ("contacts", picked), ("segment", str(segment.id))):
        campaign = outbox.create_campaign(f"{kind} {subject}", kind, audience, subject, body)
        result = aud.audience(campaign)
        assert (result.eligible, dict(result.excluded)) == reference_audience(campaign)
        missing = aud.missing_fields(campaign)
        assert missing == reference_missing(campaign)
        checked.append((len(result.eligible), len(missing)))
    assert all(eligible for eligible, _ in checked)  # the data leaves someone to check


def test_consent_can_be_required(demo_store):
    account = load_account()
    campaign = outbox.create_campaign("All", "tag", "newsletter", "Hi", "Hello")
    before = aud.audience(campaign)
    assert before.without_consent > 0
    save_account(account.__class__(**{**account.__dict__, "only_with_consent": True}))
    after = aud.audience(campaign)
    assert after.excluded["no recorded consent"] == before.without_consent
    assert (after.eligible, dict(after.excluded)) == reference_audience(campaign)


def test_fields_used_are_found_in_the_template():
    assert aud.fields_used(
        "Hi {{ contact.first_name }}", "{{ contact['city'] | upper }} {{ sender.name }}"
    ) == ("first_name", "city")
    assert aud.fields_used("{{ contact }}") == templates.CONTACT_FIELDS
    assert aud.fields_used("{% for k in contact %}{% endfor %}") == templates.CONTACT_FIELDS
    assert aud.fields_used("plain") == ()


def test_queue_adds_each_recipient_once_with_a_unique_token(demo_store):
    campaign = outbox.create_campaign("Everyone", "tag", "newsletter", "Hi", "Hello")
    eligible = aud.audience(campaign).eligible
    assert aud.queue(campaign.id) == len(eligible) > 0
    assert aud.queue(campaign.id) == 0
    rows = list(OutboxMessage.select().where(OutboxMessage.campaign == campaign.id))
    assert sorted(r.contact_id for r in rows) == sorted(eligible)
    assert len({r.token for r in rows}) == len(rows)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{24}", r.token) for r in rows)  # fits a link and a subject
    assert all(r.state == "queued" and r.email for r in rows)


def test_follow_up_audience_and_its_thread(demo_store):
    done = Campaign.get(Campaign.name == "Autumn news")  # sent 24 days ago by the demo
    sent = list(
        OutboxMessage.select()
        .where((OutboxMessage.campaign == done.id) & (OutboxMessage.state == "sent"))
        .order_by(OutboxMessage.id)
    )
    replied, gone = sent[0], sent[1]
    InboundMessage.create(
        folder="INBOX",
        uid=1,
        received_at=replied.sent_at + timedelta(hours=1),
        kind="reply",
        contact=replied.contact_id,
    )
    Contact.update(unsubscribed_at=utc_now()).where(Contact.id == gone.contact_id).execute()
    step = outbox.create_follow_up(done.id, 3, "Just checking, {{ contact.last_name }}.")
    result = aud.follow_up_audience(step)
    assert result.excluded == {"replied or left": 1, "unsubscribed or bounced": 1}
    assert result.eligible == [r.contact_id for r in sent[2:]]
    assert aud.follow_up_audience(outbox.create_follow_up(done.id, 30, "Later")).waiting == len(sent) - 2
    Campaign.update(status="sending").where(Campaign.id == step.id).execute()
    assert aud.queue(step.id) == len(sent) - 2
    threads = {r.contact_id: r.message_id for r in sent}
    for row in OutboxMessage.select().where(OutboxMessage.campaign == step.id):
        assert row.in_reply_to == threads[row.contact_id]
    assert aud.missing_fields(step) == []
    Contact.update(last_name="").where(Contact.id == sent[2].contact_id).execute()
    assert [m[0] for m in aud.missing_fields(step)] == [sent[2].contact_id]


def test_the_summary_is_the_audience_and_its_missing_fields(demo_store):
    vary_the_data()
    campaign = outbox.create_campaign("S", "tag", "newsletter", "Hi {{ contact.title }}", "Hello")
    summary = aud.summarize(campaign.id)
    result, missing = aud.audience(campaign), aud.missing_fields(campaign)
    assert (summary.eligible, summary.excluded) == (result.eligible, dict(result.excluded))
    assert summary.without_consent == result.without_consent
    assert summary.missing_count == len(missing) > 0
    assert summary.missing_example == (missing[0][1], missing[0][2])
    broken = outbox.create_campaign("B", "tag", "newsletter", "Hi", "Hello")
    broken.body = "{{ contact.first_name | nosuchfilter }}"
    broken.save()
    assert "nosuchfilter" in aud.summarize(broken.id).problem
