"""The address book's tables: companies, contacts, tags, the timeline, saved segments and
the imports remembered so they can be undone."""

from __future__ import annotations

from typing import Any

from peewee import (
    AutoField,
    BooleanField,
    CompositeKey,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from smarketer.db.fields import InstantField, utc_now
from smarketer.db.models.base import BaseModel, JSONTextField, VersionedModel
from smarketer.db.search import sort_key


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


class Segment(BaseModel):
    """A saved, named contact filter (see ``smarketer.contacts.ContactFilter``)."""

    id = AutoField()
    name = TextField(unique=True)
    filter = JSONTextField()
    created_at = InstantField(default=utc_now)


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
