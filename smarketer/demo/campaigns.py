"""The demo's sending account and campaigns: one sent a few weeks ago, one draft."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from smarketer.db import db

NEWSLETTER = """Hello {{ contact.first_name | default("there") }},

autumn is busy here at the studio: we finished a new identity for a bakery in Galway and a
website for a physiotherapy practice. If you are planning something for spring, now is a
good time to talk.

Best wishes,
{{ sender.name }}
"""


def add_campaigns(rng: random.Random, now: datetime) -> None:
    import secrets

    from smarketer.campaigns.account import SmtpAccount, save_account
    from smarketer.campaigns.outbox import create_campaign, queue
    from smarketer.contacts.saved_segments import find_segment
    from smarketer.db.models.campaigns import Campaign, OutboxMessage, OutboxState
    from smarketer.db.rows import tuples

    save_account(
        SmtpAccount(
            host="smtp.hollisreed.example",
            port=587,
            security="starttls",
            username="anna@hollisreed.example",
            from_address="anna@hollisreed.example",
            from_name="Anna Hollis",
        )
    )
    newsletter = find_segment("Newsletter (consented)")
    assert newsletter is not None  # populate() saved it just before
    done = create_campaign(
        "Autumn news",
        "segment",
        str(newsletter.id),
        "News from the studio, {{ contact.first_name | default('friend') }}",
        NEWSLETTER,
    )
    queue(done.id)
    sent_at = now - timedelta(days=24)
    instant = OutboxMessage.sent_at.db_value
    updates, notes = [], []
    rows = tuples(
        OutboxMessage.select(OutboxMessage.id, OutboxMessage.contact)
        .where(OutboxMessage.campaign == done.id)
        .order_by(OutboxMessage.id)
    )
    for index, (row_id, contact_id) in enumerate(rows):
        sent = index != 3
        updates.append(
            (
                OutboxState.SENT if sent else OutboxState.FAILED,
                instant(sent_at + timedelta(seconds=3 * index)) if sent else None,
                "250 2.0.0 OK" if sent else "550 5.1.1 Mailbox unavailable",
                f"<{secrets.token_hex(8)}@hollisreed.example>",
                row_id,
            )
        )
        if sent:
            notes.append((contact_id, instant(sent_at), done.id))
    connection = db.connection()
    connection.executemany(
        "UPDATE outbox_message SET state = ?, attempts = 1, sent_at = ?, "
        "reply = ?, message_id = ? WHERE id = ?",
        updates,
    )
    connection.executemany(
        "INSERT INTO activity (contact_id, kind, occurred_at, summary, body, ref_type, ref_id) "
        "VALUES (?, 'email', ?, 'Email sent: News from the studio', '', 'campaign', ?)",
        notes,
    )
    Campaign.update(status="done", started_at=sent_at, finished_at=sent_at).where(
        Campaign.id == done.id
    ).execute()
    workshop = find_segment("Workshop leads")
    assert workshop is not None
    create_campaign(
        "Spring workshop invite",
        "segment",
        str(workshop.id),
        "A spring workshop for {{ contact.company | default('your business') }}",
        "Hello {{ contact.first_name | default('there') }},\n\nwe are running a half-day "
        "**brand workshop** in March. Would you like a place?\n\n{{ sender.name }}\n",
    )
