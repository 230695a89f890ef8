"""The campaigns' tables: suppressions, saved templates, campaigns, the outbox (one row per
recipient, see OutboxState) and what the inbox loop read back."""

from __future__ import annotations

from enum import StrEnum

from peewee import (
    AutoField,
    BooleanField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from smarketer.db.fields import InstantField, utc_now
from smarketer.db.models.base import BaseModel
from smarketer.db.models.contacts import Contact


class Suppression(BaseModel):
    """An address never to email again, whatever a later import says."""

    email = TextField(primary_key=True)
    reason = TextField()
    created_at = InstantField(default=utc_now)


class EmailTemplate(BaseModel):
    id = AutoField()
    name = TextField(unique=True)
    subject = TextField()
    body = TextField()  # Markdown with Jinja2 merge fields
    plain_only = BooleanField(default=False)
    created_at = InstantField(default=utc_now)
    updated_at = InstantField(default=utc_now)


CAMPAIGN_STATUSES = ("draft", "scheduled", "sending", "paused", "done", "cancelled")


class Campaign(BaseModel):
    id = AutoField()
    name = TextField(unique=True)
    audience_kind = TextField()  # segment | tag | contacts
    audience = TextField()  # the segment's id, the tag, or a JSON list of contact ids
    subject = TextField()
    body = TextField()
    plain_only = BooleanField(default=False)
    status = TextField(default="draft")
    scheduled_at = InstantField(null=True)
    pause_reason = TextField(default="")
    lock_owner = TextField(null=True)
    lock_until = InstantField(null=True)
    created_at = InstantField(default=utc_now)
    started_at = InstantField(null=True)
    finished_at = InstantField(null=True)
    #: A follow-up step: sent ``delay_days`` after its parent to those who did not answer.
    parent = ForeignKeyField(
        "self", null=True, backref="follow_ups", on_delete="CASCADE", column_name="parent_id"
    )
    parent_id: int | None
    delay_days = IntegerField(null=True)


class OutboxState(StrEnum):
    """Where one recipient's email is; the values are what the store keeps (the CHECK on
    ``outbox_message.state``)."""

    QUEUED = "queued"
    SENDING = "sending"  # committed before the SMTP transaction
    SENT = "sent"  # the server accepted it
    FAILED = "failed"  # refused for good
    UNKNOWN = "unknown"  # interrupted while sending: it may have arrived
    SKIPPED = "skipped"  # unsubscribed or cancelled before it was sent


class OutboxMessage(BaseModel):
    """One recipient of one campaign: queued → sending → sent | failed (| unknown | skipped)."""

    id = AutoField()
    campaign = ForeignKeyField(Campaign, backref="messages", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL")
    campaign_id: int  # the foreign keys' columns, as peewee exposes them
    contact_id: int | None
    email = TextField()
    token = TextField(unique=True)
    message_id = TextField(null=True)
    state = TextField(default=OutboxState.QUEUED)
    attempts = IntegerField(default=0)
    next_attempt_at = InstantField(null=True)
    reply = TextField(default="")
    queued_at = InstantField(default=utc_now)
    sending_at = InstantField(null=True)
    sent_at = InstantField(null=True)
    in_reply_to = TextField(null=True)  # a follow-up threads under the email it follows

    class Meta:
        indexes = ((("campaign", "contact"), True),)


class ImapFolderState(BaseModel):
    folder = TextField(primary_key=True)
    uidvalidity = IntegerField()
    last_uid = IntegerField(default=0)
    synced_at = InstantField(null=True)


INBOUND_KINDS = ("reply", "auto_reply", "hard_bounce", "soft_bounce", "unsubscribe", "optout", "other")


class InboundMessage(BaseModel):
    """A message read from the owner's mailbox and what it meant."""

    id = AutoField()
    message_id = TextField(null=True, unique=True)
    folder = TextField()
    uid = IntegerField()
    from_address = TextField(default="")
    subject = TextField(default="")
    received_at = InstantField()
    kind = TextField()
    status = TextField(default="done")  # done | to_confirm (an opt-out) | dismissed
    contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL")
    contact_id: int | None
    campaign = ForeignKeyField(Campaign, null=True, on_delete="SET NULL")
    campaign_id: int | None
    outbox = ForeignKeyField(OutboxMessage, null=True, on_delete="SET NULL", column_name="outbox_id")
    outbox_id: int | None
    detail = TextField(default="")
    snippet = TextField(default="")
