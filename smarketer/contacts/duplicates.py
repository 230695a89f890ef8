"""Likely duplicate contacts and merging two of them into one."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass

from peewee import JOIN

from smarketer.contacts.columns import LINE_FIELDS
from smarketer.contacts.tags import add_tags, tag_names
from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models.contacts import Activity, Company, Contact
from smarketer.db.models.deals import Deal, Task
from smarketer.db.rows import tuples
from smarketer.errors import InputInvalid


@dataclass(frozen=True)
class DuplicatePair:
    keep_id: int
    other_id: int
    reason: str


def _name_key(c: Contact) -> str:
    from anyascii import anyascii

    return re.sub(r"[^a-z]", "", anyascii(f"{c.first_name}{c.last_name}").lower())


def describe_contacts(ids: list[int]) -> dict[int, str]:
    """Each contact as one line (name · email · company · phone), to tell two apart."""
    lines: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        query = (
            Contact.select(
                Contact.id, Contact.first_name, Contact.last_name, Contact.email, Company.name, Contact.phone
            )
            .join(Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id))
            .where(Contact.id.in_(ids[start : start + 900]))
        )
        for contact_id, first, last, email, company, phone in tuples(query):
            name = " ".join(p for p in (first, last) if p)
            lines[contact_id] = " · ".join(p for p in (name, email, company or "", phone) if p)
    return lines


def find_duplicates() -> list[DuplicatePair]:
    """Likely duplicates: the same email, or the same name at the same company or phone."""
    pairs: list[DuplicatePair] = []
    seen: set[tuple[int, int]] = set()
    live = list(
        Contact.select(
            Contact.id, Contact.first_name, Contact.last_name, Contact.email, Contact.company, Contact.phone
        )
        .where(Contact.deleted_at.is_null())
        .order_by(Contact.id)
    )
    groups: dict[tuple[object, ...], list[Contact]] = defaultdict(list)
    for c in live:
        if c.email:
            groups[("email", c.email.lower())].append(c)
        key = _name_key(c)
        if key:
            if c.company_id:
                groups[("company", key, c.company_id)].append(c)
            digits = re.sub(r"\D", "", c.phone)
            if len(digits) >= 6:
                groups[("phone", key, digits[-9:])].append(c)
    reasons = {"email": "same email", "company": "same name and company", "phone": "same name and phone"}
    for group, members in groups.items():
        for other in members[1:]:
            pair = (members[0].id, other.id)
            if pair not in seen:
                seen.add(pair)
                pairs.append(DuplicatePair(members[0].id, other.id, reasons[str(group[0])]))
    return pairs


# The text fields a merge fills in when the kept contact has them empty (its company is a link).
MERGE_FIELDS = tuple(f for f in LINE_FIELDS if f != "company")


def merge_contacts(keep_id: int, other_id: int) -> Contact:
    """Fold ``other`` into ``keep``: empty fields filled, every email, note, tag, timeline
    entry and referral kept; the stricter of the two email statuses wins."""
    if keep_id == other_id:
        raise InputInvalid("A contact cannot be merged with itself.")
    with db.atomic():
        keep, other = Contact.get_by_id(keep_id), Contact.get_by_id(other_id)
        for name in MERGE_FIELDS:
            if not getattr(keep, name) and getattr(other, name):
                setattr(keep, name, getattr(other, name))
        if keep.company_id is None:
            keep.company_id = other.company_id
        if keep.referred_by_id is None and other.referred_by_id not in (None, keep.id):
            keep.referred_by_id = other.referred_by_id
        emails = [
            e
            for e in [*keep.other_emails, other.email, *other.other_emails]
            if e and e.lower() != keep.email.lower()
        ]
        keep.other_emails = list(dict.fromkeys(emails))
        if other.notes and other.notes not in keep.notes:
            keep.notes = "\n\n".join(n for n in (keep.notes, other.notes) if n)
        keep.consent = keep.consent or other.consent
        keep.consent_at = min((d for d in (keep.consent_at, other.consent_at) if d), default=None)
        keep.unsubscribed_at = keep.unsubscribed_at or other.unsubscribed_at
        keep.bounced_at = keep.bounced_at or other.bounced_at
        keep.do_not_email = keep.do_not_email or other.do_not_email
        keep.created_at = min(keep.created_at, other.created_at)
        keep.updated_at = utc_now()
        keep.save()
        add_tags(keep.id, tag_names(other.id))
        Activity.update(contact=keep.id).where(Activity.contact == other.id).execute()
        Contact.update(referred_by=keep.id).where(Contact.referred_by == other.id).execute()
        Deal.update(contact=keep.id).where(Deal.contact == other.id).execute()
        Task.update(contact=keep.id).where(Task.contact == other.id).execute()
        Activity.create(
            contact=keep.id,
            kind="merge",
            summary=f"Merged with {other.full_name or other.email}",
            body=json.dumps({"email": other.email, "id": other.id}),
        )
        other.delete_instance()
    return keep
