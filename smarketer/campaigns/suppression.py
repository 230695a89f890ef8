"""Who must never be emailed again: suppressed addresses and unsubscribed contacts, whichever
way they asked (a link's token, a reply, a list the owner imports). The inbox depends on this
module, not on the outbox."""

from __future__ import annotations

import re
from collections.abc import Iterable

from peewee import fn

from smarketer.contacts.editing import unsubscribe
from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models.campaigns import OutboxMessage, OutboxState, Suppression
from smarketer.db.models.contacts import Contact


def suppress(email: str, reason: str) -> None:
    Suppression.insert(
        email=email.strip().lower(), reason=reason, created_at=utc_now()
    ).on_conflict_ignore().execute()


def is_suppressed(email: str) -> bool:
    return Suppression.select().where(fn.lower(Suppression.email) == email.lower()).exists()


def unsubscribe_contact(contact_id: int, reason: str) -> None:
    """Unsubscribe, suppress the address, and take the contact out of queued campaigns."""
    contact = Contact.get_by_id(contact_id)
    with db.atomic():
        unsubscribe([contact_id], reason)
        if contact.email:
            suppress(contact.email, f"unsubscribed ({reason})")
        OutboxMessage.update(state=OutboxState.SKIPPED, reply="unsubscribed before sending").where(
            (OutboxMessage.contact == contact_id) & (OutboxMessage.state == OutboxState.QUEUED)
        ).execute()


def unsubscribe_by_token(token: str) -> Contact | None:
    row = OutboxMessage.get_or_none(OutboxMessage.token == token.strip())
    if row is None or row.contact_id is None:
        return None
    unsubscribe_contact(row.contact_id, f"link in {row.campaign.name}")
    return Contact.get_by_id(row.contact_id)


def addresses_in(text: str) -> list[str]:
    """Every email address in a text or CSV file's contents."""
    return re.findall(r"[^\s,;<>\"']+@[^\s,;<>\"']+", text)


def unsubscribe_list(addresses: Iterable[str]) -> tuple[int, int]:
    """Suppress every address (known contacts are unsubscribed too): (contacts, addresses)."""
    wanted = [a.strip().lower() for a in addresses if a.strip() and "@" in a]
    with db.atomic():
        for address in wanted:
            suppress(address, "unsubscribe list")
        ids = [c.id for c in Contact.select(Contact.id).where(fn.lower(Contact.email).in_(wanted))]
        for contact_id in ids:
            unsubscribe_contact(contact_id, "unsubscribe list")
    return len(ids), len(wanted)
