"""Every table of the store, as peewee models bound to the ``db`` proxy.

The schema itself is created and changed only by ``migrations.py`` (explicit SQL per version);
``tests/db/test_migrations.py`` checks that these models match what the migrations build.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from peewee import (
    SQL,
    AutoField,
    BlobField,
    BooleanField,
    CompositeKey,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from smarketer.db.base import db
from smarketer.db.fields import DecimalTextField, InstantField, utc_now
from smarketer.db.search import sort_key
from smarketer.db.versions import RowNow, StaleEdit, seat


class JSONTextField(TextField):
    def db_value(self, value: object) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value: str | None) -> Any:
        return None if value is None else json.loads(value)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False

    @classmethod
    def replace(cls, __data: Any = None, **insert: Any) -> Any:
        """Insert a row or overwrite the one with its key, the same on both backends: an upsert
        on the primary key writing every other column (peewee's replace is SQLite's INSERT OR
        REPLACE, which PostgreSQL lacks)."""
        key = cls._meta.primary_key
        rest = [f for f in cls._meta.sorted_fields if f is not key]
        return cls.insert(__data, **insert).on_conflict(conflict_target=[key], preserve=rest)


class VersionedModel(BaseModel):
    """A row people edit: every save is a compare-and-set on ``version`` (see db/versions.py).

    ``save()`` writes only while the row still has the version this instance read (or was
    told, with ``expect(version)``), bumps it and records the seat; otherwise it writes nothing
    and raises ``StaleEdit``."""

    version = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])
    changed_by = TextField(default="", constraints=[SQL("DEFAULT ''")])

    _compare: int | None = None

    def expect(self, version: int | None) -> None:
        """Save only over this version (the one an editor started from); None: as read."""
        if version is not None:
            self.version = version

    @classmethod
    def for_edit(cls, row_id: int, expected_version: int | None = None) -> Any:
        """The row to change, to be saved over ``expected_version``; StaleEdit when gone."""
        found = cls.get_or_none(cls._meta.primary_key == row_id)
        if found is None:
            raise StaleEdit(cls._meta.table_name, row_id, expected_version or 0, RowNow(None, "", None))
        found.expect(expected_version)
        return found

    def _pk_expr(self) -> Any:  # peewee's save() updates WHERE <this>: add the version to it
        expr = super()._pk_expr()  # type: ignore[misc]
        return expr if self._compare is None else expr & (type(self).version == self._compare)

    def save(self, force_insert: bool = False, only: Any = None) -> int:
        self.changed_by = seat()
        row_id = self._pk  # type: ignore[attr-defined]
        if force_insert or row_id is None:
            self.version = 1
            return super().save(force_insert=force_insert, only=only)
        expected = self._compare = self.version
        self.version = expected + 1
        try:
            rows = super().save(only=None if only is None else [*only, "version", "changed_by"])
        finally:
            self._compare = None
        if rows != 1:
            self.version = expected
            raise StaleEdit(self._meta.table_name, row_id, expected, self.row_now(row_id))
        return rows

    @classmethod
    def row_now(cls, row_id: int) -> RowNow:
        found = (
            cls.select(cls.version, cls.changed_by, cls.updated_at)  # type: ignore[attr-defined]
            .where(cls._meta.primary_key == row_id)
            .tuples()
            .first()
        )
        return RowNow(*found) if found else RowNow(None, "", None)

    @classmethod
    def bumped(cls) -> dict[Any, Any]:
        """The values a bulk ``update()`` adds when it changes what an editor shows."""
        return {cls.version: cls.version + 1, cls.changed_by: seat()}


class Setting(BaseModel):
    """One named value (JSON) of the business profile and other per-store settings."""

    key = TextField(primary_key=True)
    value = JSONTextField()


class StoredFile(BaseModel):
    """Bytes kept inside the store: the logo, the exact PDF a client was sent."""

    id = AutoField()
    name = TextField()
    mime_type = TextField()
    data = BlobField()
    created_at = InstantField(default=utc_now)


class Company(BaseModel):
    id = AutoField()
    name = TextField()
    website = TextField(default="")
    phone = TextField(default="")
    street = TextField(default="")
    postal_code = TextField(default="")
    city = TextField(default="")
    region = TextField(default="")
    country = TextField(default="")
    notes = TextField(default="")
    created_at = InstantField(default=utc_now)
    updated_at = InstantField(default=utc_now)


LIFECYCLE_STATUSES = ("subscriber", "lead", "qualified", "customer", "former")


class Contact(VersionedModel):
    id = AutoField()
    first_name = TextField(default="")
    last_name = TextField(default="")
    email = TextField(default="")
    other_emails = JSONTextField(default=list)
    phone = TextField(default="")
    title = TextField(default="")
    company = ForeignKeyField(Company, null=True, backref="contacts", on_delete="SET NULL")
    company_id: int | None
    street = TextField(default="")
    postal_code = TextField(default="")
    city = TextField(default="")
    region = TextField(default="")
    country = TextField(default="")
    website = TextField(default="")
    notes = TextField(default="")
    status = TextField(default="lead")
    lead_source = TextField(default="")
    referred_by = ForeignKeyField(
        "self", null=True, backref="referrals", on_delete="SET NULL", column_name="referred_by_id"
    )
    referred_by_id: int | None
    consent = BooleanField(default=False)
    consent_at = InstantField(null=True)
    consent_source = TextField(default="")
    unsubscribed_at = InstantField(null=True)
    bounced_at = InstantField(null=True)
    do_not_email = BooleanField(default=False)
    created_at = InstantField(default=utc_now)
    updated_at = InstantField(default=utc_now)
    deleted_at = InstantField(null=True)
    sort_name = TextField(default="")  # kept by save(); see search.sort_key
    email_to_fix = TextField(default="")  # an address an import could not accept, as written

    def save(self, *args: Any, **kwargs: Any) -> int:
        self.sort_name = sort_key(self.first_name, self.last_name)
        return super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class Tag(BaseModel):
    id = AutoField()
    name = TextField(unique=True)


class ContactTag(BaseModel):
    contact = ForeignKeyField(Contact, backref="contact_tags", on_delete="CASCADE")
    contact_id: int
    tag = ForeignKeyField(Tag, backref="contact_tags", on_delete="CASCADE")
    tag_id: int

    class Meta:
        primary_key = CompositeKey("contact", "tag")


class Activity(BaseModel):
    """One entry of a contact's timeline: a note, an email sent, a deal or proposal event."""

    id = AutoField()
    contact = ForeignKeyField(Contact, backref="activities", on_delete="CASCADE")
    contact_id: int
    kind = TextField()
    occurred_at = InstantField(default=utc_now)
    summary = TextField()
    body = TextField(default="")
    ref_type = TextField(default="")
    ref_id = IntegerField(null=True)


ALL_MODELS = [Setting, StoredFile, Company, Contact, Tag, ContactTag, Activity]


class Segment(BaseModel):
    """A saved, named contact filter (see ``smarketer.contacts.ContactFilter``)."""

    id = AutoField()
    name = TextField(unique=True)
    filter = JSONTextField()
    created_at = InstantField(default=utc_now)


ALL_MODELS.append(Segment)


STAGE_KINDS = ("open", "won", "lost", "removed")  # removed: kept only for deal history


class Stage(BaseModel):
    id = AutoField()
    name = TextField()
    position = IntegerField()
    probability = IntegerField()  # default win probability of its deals, 0-100
    kind = TextField(default="open")  # see STAGE_KINDS


class Deal(VersionedModel):
    id = AutoField()
    title = TextField()
    contact = ForeignKeyField(Contact, null=True, backref="deals", on_delete="SET NULL")
    contact_id: int | None
    company = ForeignKeyField(Company, null=True, backref="deals", on_delete="SET NULL")
    company_id: int | None
    value = DecimalTextField(default="0")
    probability = IntegerField(null=True)  # None: the stage's default
    stage = ForeignKeyField(Stage, backref="deals")
    stage_id: int
    position = IntegerField(default=0)
    expected_close = DateField(null=True)
    source = TextField(default="")
    campaign_id = IntegerField(null=True)
    notes = TextField(default="")
    lost_reason = TextField(default="")
    stage_entered_at = InstantField(default=utc_now)
    closed_at = InstantField(null=True)
    created_at = InstantField(default=utc_now)
    updated_at = InstantField(default=utc_now)


class StageChange(BaseModel):
    id = AutoField()
    deal = ForeignKeyField(Deal, backref="stage_changes", on_delete="CASCADE")
    deal_id: int
    from_stage = ForeignKeyField(Stage, null=True, column_name="from_stage_id")
    from_stage_id: int | None
    to_stage = ForeignKeyField(Stage, column_name="to_stage_id")
    to_stage_id: int
    changed_at = InstantField(default=utc_now)


class Task(BaseModel):
    id = AutoField()
    title = TextField()
    due_date = DateField()
    due_time = TextField(null=True)  # "HH:MM" local time, or None for "some time that day"
    deal = ForeignKeyField(Deal, null=True, backref="tasks", on_delete="CASCADE")
    deal_id: int | None
    contact = ForeignKeyField(Contact, null=True, backref="tasks", on_delete="CASCADE")
    contact_id: int | None
    done_at = InstantField(null=True)
    notified_at = InstantField(null=True)
    created_at = InstantField(default=utc_now)


ALL_MODELS.extend([Stage, Deal, StageChange, Task])


class Product(BaseModel):
    id = AutoField()
    name = TextField()
    description = TextField(default="")
    unit = TextField(default="")
    unit_price = DecimalTextField(default="0")
    tax_rate = DecimalTextField(null=True)  # None: the business's default rate
    active = BooleanField(default=True)


class ContentBlock(BaseModel):
    """Reusable proposal text: about us, a case study, terms."""

    id = AutoField()
    title = TextField()
    body = TextField(default="")
    created_at = InstantField(default=utc_now)


class ProposalSequence(BaseModel):
    year = IntegerField(primary_key=True)
    last = IntegerField()


PROPOSAL_STATUSES = ("draft", "sent", "accepted", "declined", "expired", "superseded")


class Proposal(VersionedModel):
    id = AutoField()
    number = TextField()
    revision = IntegerField(default=1)
    previous = ForeignKeyField("self", null=True, on_delete="SET NULL", column_name="previous_id")
    previous_id: int | None
    deal = ForeignKeyField(Deal, null=True, backref="proposals", on_delete="SET NULL")
    deal_id: int | None
    contact = ForeignKeyField(Contact, null=True, backref="proposals", on_delete="SET NULL")
    contact_id: int | None
    title = TextField()
    issue_date = DateField()
    valid_until = DateField()
    currency = TextField()
    locale = TextField()
    intro = TextField(default="")
    closing = TextField(default="")
    document_discount = DecimalTextField(default="0")
    rounding = TextField(default="line")  # line | global, see proposals/pricing.py
    status = TextField(default="draft")
    sent_at = InstantField(null=True)
    sent_pdf = ForeignKeyField(StoredFile, null=True, column_name="sent_pdf_id")
    sent_pdf_id: int | None
    decided_at = InstantField(null=True)
    created_at = InstantField(default=utc_now)
    updated_at = InstantField(default=utc_now)

    @property
    def label(self) -> str:
        return self.number if self.revision == 1 else f"{self.number}-R{self.revision}"


class ProposalItem(BaseModel):
    id = AutoField()
    proposal = ForeignKeyField(Proposal, backref="items", on_delete="CASCADE")
    proposal_id: int
    position = IntegerField()
    kind = TextField(default="item")  # item | heading
    product = ForeignKeyField(Product, null=True, on_delete="SET NULL")
    product_id: int | None
    description = TextField(default="")
    quantity = DecimalTextField(default="1")
    unit = TextField(default="")
    unit_price = DecimalTextField(default="0")
    discount = DecimalTextField(default="0")
    tax_rate = DecimalTextField(default="0")
    optional = BooleanField(default=False)


class ProposalSection(BaseModel):
    id = AutoField()
    proposal = ForeignKeyField(Proposal, backref="sections", on_delete="CASCADE")
    proposal_id: int
    position = IntegerField()
    title = TextField()
    body = TextField(default="")


ALL_MODELS.extend([Product, ContentBlock, ProposalSequence, Proposal, ProposalItem, ProposalSection])


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


ALL_MODELS.extend([Suppression, EmailTemplate, Campaign, OutboxMessage])


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


ALL_MODELS.extend([ImapFolderState, InboundMessage])


class ImportRun(BaseModel):
    """One import, remembered so it can be listed and undone."""

    id = AutoField()
    source = TextField()
    started_at = InstantField(default=utc_now)
    created = IntegerField(default=0)
    updated = IntegerField(default=0)
    skipped = IntegerField(default=0)
    rejected = IntegerField(default=0)
    new_companies = JSONTextField(default=list)  # company ids the import created
    new_tags = JSONTextField(default=list)  # tag ids the import created
    undone_at = InstantField(null=True)


class ImportChange(BaseModel):
    """What one import did to one contact: made it, or replaced some of its values."""

    id = AutoField()
    run = ForeignKeyField(ImportRun, backref="changes", on_delete="CASCADE")
    run_id: int
    contact = ForeignKeyField(Contact, on_delete="CASCADE")
    contact_id: int
    created = BooleanField()
    replaced = JSONTextField(default=dict)  # column -> its value before the import
    added_tags = JSONTextField(default=list)  # tag ids the import attached
    stamp = TextField()  # the contact's updated_at right after the import


ALL_MODELS += [ImportRun, ImportChange]
