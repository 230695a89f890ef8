"""The sender's rows and statements: the next queued row of a campaign, the recipient as the
template sees it, and the state changes the sender commits, as plain prepared SQL (peewee's
query building would cost more per message than rendering and sending together)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from peewee import fn

from smarketer.campaigns.lease import HOLDS_LEASE, holds_params
from smarketer.db import db
from smarketer.db.fields import InstantField, utc_now
from smarketer.db.models.campaigns import OutboxMessage, OutboxState
from smarketer.db.rows import tuples
from smarketer.db.writes import on_server

STAMP = InstantField().db_value
NEXT_ROW = (
    "SELECT id, contact_id, email, token, attempts, in_reply_to FROM outbox_message "
    f"WHERE campaign_id = ? AND state = '{OutboxState.QUEUED}' "
    "AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT 1"
)
RECIPIENT = (
    "SELECT c.first_name, c.last_name, c.email, c.title, c.company_id, co.name, "
    "c.city, c.country, c.phone, c.website FROM contact c "
    "LEFT JOIN company co ON co.id = c.company_id "
    "WHERE c.id = ? AND c.deleted_at IS NULL AND c.unsubscribed_at IS NULL "
    "AND c.bounced_at IS NULL AND NOT c.do_not_email "
    "AND NOT EXISTS (SELECT 1 FROM suppression s WHERE s.email = c.email)"
)
# queued → sending: only while still queued and while the lease is still ours.
MARK_SENDING = (
    f"UPDATE outbox_message SET state = '{OutboxState.SENDING}', sending_at = ?, attempts = ?, "
    f"message_id = ? WHERE id = ? AND state = '{OutboxState.QUEUED}' AND " + HOLDS_LEASE
)
# queued → failed (this recipient's message cannot be made), under the same proof.
MARK_UNRENDERABLE = (
    f"UPDATE outbox_message SET state = '{OutboxState.FAILED}', reply = ? "
    f"WHERE id = ? AND state = '{OutboxState.QUEUED}' AND " + HOLDS_LEASE
)
# sending → sent: the server took it, whatever happened to the lease meanwhile (a takeover
# may already have called the row unknown: the truth is better).
MARK_SENT = (
    f"UPDATE outbox_message SET state = '{OutboxState.SENT}', sent_at = ?, reply = ? "
    f"WHERE id = ? AND state IN ('{OutboxState.SENDING}', '{OutboxState.UNKNOWN}')"
)
# On a server, the claim first locks the row for its transaction; SKIP LOCKED: a row another
# seat's transaction is claiming right now is passed over, never waited for nor taken twice.
CLAIM_ROW = (
    f"SELECT id FROM outbox_message WHERE id = ? AND state = '{OutboxState.QUEUED}' FOR UPDATE SKIP LOCKED"
)
TIMELINE = (
    "INSERT INTO activity (contact_id, kind, occurred_at, summary, body, ref_type, "
    "ref_id) VALUES (?, 'email', ?, ?, ?, 'campaign', ?)"
)


@dataclass(frozen=True)
class QueuedRow:
    id: int
    contact_id: int | None
    email: str
    token: str
    attempts: int
    in_reply_to: str | None


def next_row(campaign_id: int) -> QueuedRow | None:
    found = db.execute_sql(NEXT_ROW, (campaign_id, STAMP(utc_now()))).fetchone()
    return QueuedRow(*found) if found else None


def claim_row(row_id: int) -> bool:
    """Inside the transaction that marks the row sending: on a server, lock it (False when
    another seat holds it or it is no longer queued); a SQLite file's write lock does that."""
    return not on_server() or db.execute_sql(CLAIM_ROW, (row_id,)).fetchone() is not None


def recipient(contact_id: int | None) -> SimpleNamespace | None:
    """The contact as the template sees it, or None if it may no longer be emailed."""
    if contact_id is None:
        return None
    found = db.execute_sql(RECIPIENT, (contact_id,)).fetchone()
    if found is None:
        return None
    first, last, email, title, company_id, company, city, country, phone, website = found
    return SimpleNamespace(
        first_name=first,
        last_name=last,
        full_name=f"{first} {last}".strip(),
        email=email,
        title=title,
        company_id=company_id,
        company=SimpleNamespace(name=company or ""),
        city=city,
        country=country,
        phone=phone,
        website=website,
    )


@dataclass(frozen=True)
class SentRow:
    """A row the server accepted whose "sent" is not committed yet."""

    row: QueuedRow
    reply: str
    subject: str


def state_counts(campaign_id: int) -> Counter[str]:
    return Counter(
        s
        for (s,) in tuples(
            OutboxMessage.select(OutboxMessage.state).where(OutboxMessage.campaign == campaign_id)
        )
    )


def sent_at_by_contact(campaign_id: int | None) -> dict[int, Any]:
    """contact id -> when a campaign (a follow-up's previous step) was sent to it; {} for None."""
    if campaign_id is None:
        return {}
    query = OutboxMessage.select(OutboxMessage.contact, OutboxMessage.sent_at)
    return dict(tuples(query.where(OutboxMessage.campaign == campaign_id)))


def next_retry_at(campaign_id: int) -> datetime | None:
    """When the earliest queued row comes due (None: nothing is queued any more)."""
    return cast(
        "datetime | None",
        OutboxMessage.select(fn.min(OutboxMessage.next_attempt_at))
        .where((OutboxMessage.campaign == campaign_id) & (OutboxMessage.state == OutboxState.QUEUED))
        .scalar(),
    )


def mark_sending(row: QueuedRow, message_id: str, campaign_id: int, owner: str, now: datetime) -> bool:
    """queued → sending, inside the caller's transaction: only while still queued and the
    lease still ``owner``'s; False when the row is no longer ours to send."""
    params = (STAMP(now), row.attempts + 1, message_id, row.id, *holds_params(campaign_id, owner, now))
    return claim_row(row.id) and db.execute_sql(MARK_SENDING, params).rowcount == 1


def mark_unrenderable(row: QueuedRow, reason: str, campaign_id: int, owner: str, now: datetime) -> bool:
    params = (reason, row.id, *holds_params(campaign_id, owner, now))
    return db.execute_sql(MARK_UNRENDERABLE, params).rowcount == 1


def record_sent(sent: SentRow, now: datetime, campaign_name: str, campaign_id: int) -> None:
    """sending → sent with its timeline entry, inside the caller's transaction."""
    stamp = STAMP(now)
    db.execute_sql(MARK_SENT, (stamp, sent.reply, sent.row.id))
    db.execute_sql(
        TIMELINE,
        (sent.row.contact_id, stamp, f"Email sent: {sent.subject}", f"Campaign {campaign_name}", campaign_id),
    )


def finish(row: QueuedRow, **values: Any) -> None:
    """sending → another state (only while still sending)."""
    OutboxMessage.update(**values).where(
        (OutboxMessage.id == row.id) & (OutboxMessage.state == OutboxState.SENDING)
    ).execute()


def requeue(row: QueuedRow, **values: Any) -> None:
    """sending → queued again, this attempt not counted."""
    finish(row, state=OutboxState.QUEUED, attempts=row.attempts, **values)


def retry_later(row: QueuedRow, reply: str, delay: float) -> None:
    """sending → queued, due again in ``delay`` seconds; this attempt counts."""
    finish(row, state=OutboxState.QUEUED, reply=reply, next_attempt_at=utc_now() + timedelta(seconds=delay))


def skip(row: QueuedRow, reason: str) -> None:
    """queued → skipped (only while still queued)."""
    OutboxMessage.update(state=OutboxState.SKIPPED, reply=reason).where(
        (OutboxMessage.id == row.id) & (OutboxMessage.state == OutboxState.QUEUED)
    ).execute()
