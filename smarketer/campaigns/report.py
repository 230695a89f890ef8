"""What each recipient of a campaign got and did: the per-recipient report (Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN, fn

from smarketer.db.models.campaigns import InboundMessage, OutboxMessage
from smarketer.db.models.contacts import Contact
from smarketer.db.rows import tuples

BOUNCE_KINDS = ("hard_bounce", "soft_bounce")


@dataclass(frozen=True)
class RecipientLine:
    """One recipient of a campaign: its outbox state and what came back."""

    contact_id: int | None
    name: str
    email: str
    state: str  # queued | sending | sent | failed | unknown | skipped
    sent_at: datetime | None
    server_reply: str  # the SMTP server's last answer, for a failure
    replied_at: datetime | None  # their first real reply (auto-replies do not count)
    bounce: str  # "" or the latest bounce: "hard_bounce: 5.1.1 user unknown" …


def recipient_lines(campaign_id: int) -> list[RecipientLine]:
    """Every recipient of the campaign in queue order, with replies and bounces matched by
    the sent message (or, without one, by contact and campaign). Three queries in all."""
    rows = list(
        tuples(
            OutboxMessage.select(
                OutboxMessage.id,
                OutboxMessage.contact,
                OutboxMessage.email,
                OutboxMessage.state,
                OutboxMessage.sent_at,
                OutboxMessage.reply,
                Contact.first_name,
                Contact.last_name,
            )
            .join(Contact, JOIN.LEFT_OUTER, on=(OutboxMessage.contact == Contact.id))
            .where(OutboxMessage.campaign == campaign_id)
            .order_by(OutboxMessage.id)
        )
    )
    replied: dict[int, datetime] = dict(
        tuples(
            InboundMessage.select(InboundMessage.contact, fn.MIN(InboundMessage.received_at))
            .where(
                (InboundMessage.campaign == campaign_id)
                & (InboundMessage.kind == "reply")
                & InboundMessage.contact.is_null(False)
            )
            .group_by(InboundMessage.contact)
        )
    )
    bounces_by_row: dict[int, str] = {}
    bounces_by_contact: dict[int, str] = {}
    for outbox_id, contact_id, kind, detail in tuples(
        InboundMessage.select(
            InboundMessage.outbox, InboundMessage.contact, InboundMessage.kind, InboundMessage.detail
        )
        .where((InboundMessage.campaign == campaign_id) & InboundMessage.kind.in_(BOUNCE_KINDS))
        .order_by(InboundMessage.received_at, InboundMessage.id)
    ):
        text = f"{kind}: {detail}".strip().rstrip(":")
        if outbox_id:
            bounces_by_row[outbox_id] = text  # the latest wins
        if contact_id:
            bounces_by_contact[contact_id] = text
    replied = {
        k: v if isinstance(v, datetime) else InboundMessage.received_at.python_value(v)
        for k, v in replied.items()
    }
    return [
        RecipientLine(
            contact_id=contact_id,
            name=" ".join(p for p in (first, last) if p),
            email=email,
            state=state,
            sent_at=sent_at,
            server_reply=reply or "",
            replied_at=replied.get(contact_id),
            bounce=bounces_by_row.get(row_id) or bounces_by_contact.get(contact_id, ""),
        )
        for row_id, contact_id, email, state, sent_at, reply, first, last in rows
    ]
