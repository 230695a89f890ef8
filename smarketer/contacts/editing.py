"""Editing a contact: its fields as plain data, validation, saving, the company and contact
lookups that forms and pickers use, and unsubscribing by hand or from a list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any

from peewee import JOIN, fn

from smarketer.conflicts import checked
from smarketer.contacts.listing import ContactFilter, contact_ids
from smarketer.contacts.tags import clean_tags, set_tags, tag_names
from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models.contacts import LIFECYCLE_STATUSES, Activity, Company, Contact
from smarketer.db.rows import tuples
from smarketer.errors import FieldErrors
from smarketer.validation import normalise_email, normalise_phone


@dataclass(frozen=True)
class ContactData:
    """The editable fields of a contact, as plain values (from a form, a file, a script)."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    other_emails: tuple[str, ...] = ()
    phone: str = ""
    title: str = ""
    company: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    website: str = ""
    notes: str = ""
    status: str = "lead"
    lead_source: str = ""
    referred_by_id: int | None = None
    consent: bool = False
    consent_source: str = ""
    do_not_email: bool = False
    tags: tuple[str, ...] = ()

    @classmethod
    def of(cls, contact: Contact) -> ContactData:
        return cls(
            **{
                f.name: getattr(contact, f.name)
                for f in fields(cls)
                if f.name not in {"other_emails", "company", "tags", "referred_by_id"}
            },
            other_emails=tuple(contact.other_emails or ()),
            company=contact.company.name if contact.company_id and contact.company else "",
            referred_by_id=contact.referred_by_id,
            tags=tuple(tag_names(contact.id)),
        )


@dataclass(frozen=True)
class ContactRecord:
    """A contact as its editor shows it (plain data): the editable fields, the version they
    were read at (for ``save_contact(expected_version=...)``) and the address's state."""

    id: int
    version: int
    data: ContactData
    email_to_fix: str  # what an import could not read as an address
    unsubscribed_at: datetime | None
    bounced_at: datetime | None

    @property
    def heading(self) -> str:
        return " ".join(p for p in (self.data.first_name, self.data.last_name) if p) or self.data.email


def contact_record(contact_id: int | None) -> ContactRecord | None:
    """The contact with its company read in the same query (and its tags); None when gone."""
    if not contact_id:
        return None
    contact = (
        Contact.select(Contact, Company)
        .join(Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id))
        .where(Contact.id == contact_id)
        .get_or_none()
    )
    if contact is None:
        return None
    return ContactRecord(
        contact.id,
        contact.version,
        ContactData.of(contact),
        contact.email_to_fix,
        contact.unsubscribed_at,
        contact.bounced_at,
    )


class ContactInvalid(FieldErrors):
    """A contact's fields that are wrong, each with its message."""


def validate_contact(
    data: ContactData, region: str | None = None, strict_phone: bool = True
) -> tuple[ContactData, dict[str, str]]:
    """Normalise ``data``; return it with a message per invalid field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(data).items()}
    values["notes"] = data.notes.strip()
    if not (values["first_name"] or values["last_name"] or values["email"]):
        errors["first_name"] = "Enter a name or an email address."
    if values["email"]:
        try:
            values["email"] = normalise_email(values["email"])
        except ValueError as exc:
            errors["email"] = str(exc)
    others = []
    for other in data.other_emails:
        if other.strip():
            try:
                others.append(normalise_email(other))
            except ValueError as exc:
                errors["other_emails"] = f"{other}: {exc}"
    values["other_emails"] = tuple(dict.fromkeys(o for o in others if o != values["email"]))
    if values["phone"]:
        try:
            values["phone"] = normalise_phone(values["phone"], region)
        except ValueError as exc:
            if strict_phone:
                errors["phone"] = str(exc)
    if values["status"] not in LIFECYCLE_STATUSES:
        errors["status"] = f"Status must be one of: {', '.join(LIFECYCLE_STATUSES)}."
    values["tags"] = clean_tags(data.tags)
    return replace(data, **values), errors


def company_named(name: str) -> Company | None:
    name = name.strip()
    if not name:
        return None
    found = Company.get_or_none(fn.lower(Company.name) == name.lower())
    return found or Company.create(name=name)


def contact_label(contact_id: int | None) -> str:
    """ "Name <email>" for pickers; "" when there is no such contact."""
    contact = Contact.get_or_none(Contact.id == contact_id) if contact_id else None
    if contact is None:
        return ""
    name = contact.full_name
    return f"{name} <{contact.email}>" if name and contact.email else name or contact.email


def find_contacts(text: str, limit: int = 15) -> list[tuple[int, str]]:
    """(id, "Name <email>") of the first live contacts matching ``text``, for pickers."""
    ids = contact_ids(ContactFilter(text=text))[:limit]
    return [(cid, contact_label(cid)) for cid in ids]


def company_names_like(text: str, limit: int = 20) -> list[str]:
    """Company names that start with ``text``, then ones that contain it (for completion)."""
    pattern = text.replace("%", "").replace("_", "")  # LIKE wildcards typed by the user
    starts = [
        n
        for (n,) in tuples(
            Company.select(Company.name)
            .where(Company.name ** f"{pattern}%")
            .order_by(Company.name)
            .limit(limit)
        )
    ]
    if len(starts) < limit:
        starts += [
            n
            for (n,) in tuples(
                Company.select(Company.name)
                .where(Company.name ** f"%{pattern}%" & Company.name.not_in(starts))
                .order_by(Company.name)
                .limit(limit - len(starts))
            )
        ]
    return starts


def company_id_named(name: str) -> int | None:
    found = Company.get_or_none(fn.lower(Company.name) == name.strip().lower())
    return found.id if found else None


def _apply(contact: Contact, data: ContactData) -> None:
    for f in fields(ContactData):
        if f.name in {"company", "tags", "other_emails", "referred_by_id"}:
            continue
        setattr(contact, f.name, getattr(data, f.name))
    contact.other_emails = list(data.other_emails)
    if data.email:
        contact.email_to_fix = ""  # the owner has given an address: the import's is settled
    contact.company = company_named(data.company)
    contact.referred_by = data.referred_by_id
    if data.consent and contact.consent_at is None:
        contact.consent_at = utc_now()
    if not data.consent:
        contact.consent_at = None
    contact.updated_at = utc_now()


def save_contact(
    data: ContactData,
    contact_id: int | None = None,
    region: str | None = None,
    *,
    expected_version: int | None = None,
) -> Contact:
    """Validate and save (create when ``contact_id`` is None); raise ContactInvalid.

    ``expected_version``: the version the editor started from; when someone else saved the
    contact since, nothing is written and ``conflicts.EditConflict`` says who and when."""
    clean, errors = validate_contact(data, region)
    if contact_id is not None and clean.referred_by_id == contact_id:
        errors["referred_by_id"] = "A contact cannot be their own referrer."
    if errors:
        raise ContactInvalid(errors)
    with db.atomic(), checked("contact"):
        contact = Contact.for_edit(contact_id, expected_version) if contact_id else Contact()
        _apply(contact, clean)
        contact.save()
        set_tags(contact.id, clean.tags)
    return contact


def unsubscribe(contact_ids_: list[int], reason: str = "by hand") -> int:
    """Mark contacts unsubscribed (kept whatever a later import says); returns how many."""
    now = utc_now()
    with db.atomic():
        changed = list(
            tuples(
                Contact.select(Contact.id).where(
                    Contact.id.in_(contact_ids_) & Contact.unsubscribed_at.is_null()
                )
            )
        )
        Contact.update(unsubscribed_at=now, updated_at=now).where(
            Contact.id.in_([c for (c,) in changed])
        ).execute()
        for (cid,) in changed:
            Activity.create(contact=cid, kind="unsubscribed", summary=f"Unsubscribed ({reason})")
    return len(changed)


def unsubscribe_addresses(addresses: Iterable[str], reason: str = "from a list") -> tuple[int, list[str]]:
    """Unsubscribe every contact with one of ``addresses``; return (count, unknown ones)."""
    wanted = {a.strip().lower() for a in addresses if a.strip()}
    ids, found = [], set()
    for cid, email in tuples(
        Contact.select(Contact.id, Contact.email).where(fn.lower(Contact.email).in_(list(wanted)))
    ):
        ids.append(cid)
        found.add(email.lower())
    return unsubscribe(ids, reason), sorted(wanted - found)
