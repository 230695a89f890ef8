"""What a classified message changes: the timeline, unsubscribes, bounces, opt-outs to confirm."""

from __future__ import annotations

from datetime import datetime

from peewee import fn

from smarketer.campaigns import suppression
from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models.campaigns import InboundMessage, OutboxMessage
from smarketer.db.models.contacts import Activity, Contact
from smarketer.inbox.classify import Classified


def _contact_by_address(address: str) -> Contact | None:
    if not address:
        return None
    return Contact.get_or_none((fn.lower(Contact.email) == address.lower()) & Contact.deleted_at.is_null())


def _sent_row(references: list[str]) -> OutboxMessage | None:
    for ref in reversed(references):  # the most recent reference first
        row = OutboxMessage.get_or_none(OutboxMessage.message_id == ref)
        if row is not None:
            return row
    return None


def apply(
    c: Classified,
    *,
    message_id: str | None,
    folder: str,
    uid: int,
    received_at: datetime,
    soft_bounce_limit: int = 3,
) -> InboundMessage | None:
    """Record the message once (by Message-ID) and act on it; None if seen before."""
    if message_id and InboundMessage.select().where(InboundMessage.message_id == message_id).exists():
        return None
    with db.atomic():
        row = _sent_row(c.references)
        contact = (
            Contact.get_or_none(Contact.id == row.contact_id)
            if row and row.contact_id
            else _contact_by_address(c.from_address)
        )
        detail, status = "", "done"
        if c.kind in ("hard_bounce", "soft_bounce"):
            for bounce in c.bounces:
                bounced = _contact_by_address(bounce.recipient)
                contact = contact or bounced
                detail = f"{bounce.recipient}: {bounce.status} {bounce.diagnostic}".strip()
                if bounced is None:
                    continue
                if bounce.hard:
                    Contact.update(bounced_at=utc_now()).where(Contact.id == bounced.id).execute()
                    suppression.suppress(bounce.recipient, f"bounced: {bounce.status}")
                    Activity.create(
                        contact=bounced, kind="email", summary=f"Email bounced ({bounce.status})", body=detail
                    )
                else:
                    soft = (
                        InboundMessage.select()
                        .where(
                            (InboundMessage.contact == bounced.id) & (InboundMessage.kind == "soft_bounce")
                        )
                        .count()
                        + 1
                    )
                    if soft >= soft_bounce_limit:
                        Contact.update(bounced_at=utc_now()).where(Contact.id == bounced.id).execute()
                        suppression.suppress(bounce.recipient, f"{soft} soft bounces")
                        detail += f" (suppressed after {soft} soft bounces)"
        elif c.kind == "unsubscribe":
            unsubscribed = suppression.unsubscribe_by_token(c.token)
            contact = unsubscribed or contact
            detail = "unsubscribed by their personal link" if unsubscribed else "unknown unsubscribe token"
        elif c.kind == "optout":
            status = "to_confirm"
            detail = "asked in plain words to be left alone: confirm to unsubscribe"
        elif c.kind in ("reply", "auto_reply") and contact is not None:
            label = "Reply received" if c.kind == "reply" else "Auto-reply received"
            Activity.create(
                contact=contact,
                kind="email",
                summary=f"{label}: {c.subject}",
                body=c.snippet,
                occurred_at=received_at,
                ref_type="campaign" if row else "",
                ref_id=row.campaign_id if row else None,
            )
            if c.kind == "reply" and row is not None and deal_on_reply():
                _open_deal(contact, row.campaign_id)
        return InboundMessage.create(
            message_id=message_id,
            folder=folder,
            uid=uid,
            from_address=c.from_address,
            subject=c.subject[:500],
            received_at=received_at,
            kind=c.kind,
            status=status,
            contact=contact,
            campaign=row.campaign_id if row else None,
            outbox=row.id if row else None,
            detail=detail,
            snippet=c.snippet,
        )


DEAL_ON_REPLY_KEY = "open_deal_on_reply"


def deal_on_reply() -> bool:
    from smarketer.db.models.base import Setting

    row = Setting.get_or_none(Setting.key == DEAL_ON_REPLY_KEY)
    return bool(row and row.value)


def set_deal_on_reply(on: bool) -> None:
    from smarketer.db.models.base import Setting

    Setting.replace(key=DEAL_ON_REPLY_KEY, value=bool(on)).execute()


def _open_deal(contact: Contact, campaign_id: int) -> None:
    """A reply to a campaign opens a deal in the first stage, the campaign as its source."""
    from smarketer.db.models.campaigns import Campaign
    from smarketer.db.models.deals import Deal
    from smarketer.pipeline.deals import DealData, save_deal

    if Deal.select().where((Deal.contact == contact.id) & (Deal.campaign_id == campaign_id)).exists():
        return
    name = Campaign.get_by_id(campaign_id).name
    save_deal(
        DealData(
            title=f"{contact.full_name or contact.email} – replied to {name}",
            contact_id=contact.id,
            source=f"Campaign: {name}",
            campaign_id=campaign_id,
        )
    )


def to_confirm() -> list[InboundMessage]:
    return list(
        InboundMessage.select()
        .where(InboundMessage.status == "to_confirm")
        .order_by(InboundMessage.received_at)
    )


def confirm_optout(inbound_id: int) -> None:
    message = InboundMessage.get_by_id(inbound_id)
    if message.contact_id:
        suppression.unsubscribe_contact(message.contact_id, "asked by email")
    else:
        suppression.suppress(message.from_address, "asked by email")
    message.status = "done"
    message.save()


def dismiss(inbound_id: int) -> None:
    InboundMessage.update(status="dismissed").where(InboundMessage.id == inbound_id).execute()


def replies(campaign_id: int) -> int:
    """Contacts who really replied to a campaign (auto-replies do not count)."""
    return (
        InboundMessage.select(fn.COUNT(fn.DISTINCT(InboundMessage.contact)))
        .where((InboundMessage.campaign == campaign_id) & (InboundMessage.kind == "reply"))
        .scalar()
        or 0
    )
