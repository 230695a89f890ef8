"""Contacts: validation, saving, search and filters, segments, trash, duplicates and merge.

The contact list reads through ``contact_ids()`` (the ordered ids of a filter, cheap even for
100,000 contacts) and ``fetch_rows()`` (the shown columns for a page of ids).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime

from peewee import JOIN, SQL, fn

from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models import (
    LIFECYCLE_STATUSES,
    Activity,
    Company,
    Contact,
    ContactTag,
    Deal,
    Segment,
    Tag,
    Task,
)
from smarketer.db.search import match_expression
from smarketer.errors import FieldErrors, InputInvalid
from smarketer.validation import normalise_email, normalise_phone

CONSENT_CHOICES = ("any", "recorded", "missing")


# ---------------------------------------------------------------- filters and listing


@dataclass(frozen=True)
class ContactFilter:
    """Which contacts to show or address. Every part narrows the set (AND)."""

    text: str = ""
    tags: tuple[str, ...] = ()  # carries every one of these tags
    statuses: tuple[str, ...] = ()  # has any one of these lifecycle statuses
    company_id: int | None = None
    consent: str = "any"  # any | recorded | missing
    reachable_only: bool = False  # leave out unsubscribed, bounced and do-not-email
    email_to_fix: bool = False  # only those an import kept with an address that is not valid
    trash: bool = False  # the deleted contacts instead of the live ones

    def to_json(self) -> dict:
        data = asdict(self)
        data["tags"], data["statuses"] = list(self.tags), list(self.statuses)
        return data

    @classmethod
    def from_json(cls, data: dict) -> ContactFilter:
        known = {f.name for f in fields(cls)}
        clean = {k: v for k, v in data.items() if k in known}
        clean["tags"] = tuple(clean.get("tags", ()))
        clean["statuses"] = tuple(clean.get("statuses", ()))
        return cls(**clean)

    def narrowed_by(self, extra: ContactFilter) -> ContactFilter:
        """This (saved) filter with ``extra`` on top: texts and tags add up, the other parts
        of ``extra`` win where it sets them."""
        return ContactFilter(
            text=" ".join(t for t in (self.text, extra.text) if t),
            tags=tuple(dict.fromkeys(self.tags + extra.tags)),
            statuses=extra.statuses or self.statuses,
            company_id=extra.company_id or self.company_id,
            consent=extra.consent if extra.consent != "any" else self.consent,
            reachable_only=extra.reachable_only or self.reachable_only,
            email_to_fix=extra.email_to_fix or self.email_to_fix,
            trash=extra.trash,
        )

    def describe(self) -> str:
        parts = []
        if self.text:
            parts.append(f'matching "{self.text}"')
        if self.tags:
            parts.append("tagged " + " and ".join(self.tags))
        if self.statuses:
            parts.append("status " + " or ".join(self.statuses))
        if self.consent != "any":
            parts.append(f"consent {self.consent}")
        if self.reachable_only:
            parts.append("not unsubscribed or bounced")
        if self.email_to_fix:
            parts.append("email needs fixing")
        return ", ".join(parts) or "all contacts"


SORT_COLUMNS = {
    "name": (Contact.sort_name,),
    "email": (fn.lower(Contact.email),),
    "company": (fn.lower(fn.coalesce(Company.name, "")),),
    "phone": (Contact.phone,),
    "status": (Contact.status,),
    "city": (fn.lower(Contact.city),),
    "created": (Contact.created_at,),
    "updated": (Contact.updated_at,),
}


def filtered(f: ContactFilter, *columns, with_company: bool = False):
    """A query over the contacts ``f`` selects (joined to their company if asked)."""
    query = Contact.select(*(columns or (Contact.id,)))
    if with_company:
        query = query.join(Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id))
    query = query.where(Contact.deleted_at.is_null(not f.trash))
    match = match_expression(f.text)
    if match:
        query = query.where(
            Contact.id.in_(SQL("(SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?)", [match]))
        )
    for tag in f.tags:
        query = query.where(
            Contact.id.in_(
                ContactTag.select(ContactTag.contact).join(Tag).where(fn.lower(Tag.name) == tag.lower())
            )
        )
    if f.statuses:
        query = query.where(Contact.status.in_(list(f.statuses)))
    if f.company_id is not None:
        query = query.where(Contact.company == f.company_id)
    if f.consent == "recorded":
        query = query.where(Contact.consent == True)  # noqa: E712 - SQL comparison
    elif f.consent == "missing":
        query = query.where(Contact.consent == False)  # noqa: E712
    if f.reachable_only:
        query = query.where(
            Contact.unsubscribed_at.is_null() & Contact.bounced_at.is_null() & (Contact.do_not_email == False)  # noqa: E712
        )
    if f.email_to_fix:
        query = query.where(Contact.email_to_fix != "")
    return query


BROAD_MATCH = 30_000  # a search matching more rows than this walks the name order instead


def contact_ids(
    f: ContactFilter = ContactFilter(), sort: str = "name", descending: bool = False
) -> list[int]:
    match = match_expression(f.text)
    if match and sort == "name":
        return _matching_ids_by_name(f, match, descending)
    order = [c.desc() if descending else c.asc() for c in SORT_COLUMNS[sort]]
    order.append(Contact.id.desc() if descending else Contact.id.asc())
    query = filtered(f, with_company=sort == "company").order_by(*order)
    return [row[0] for row in db.execute_sql(*query.sql())]  # plain cursor: 100k ids fast


def _matching_ids_by_name(f: ContactFilter, match: str, descending: bool) -> list[int]:
    """A search in name order without letting SQLite sort every match: a narrow search looks
    its matches up by id and sorts those; a broad one (a common word, a single letter) walks
    the name-ordered index once and keeps the rows that match."""
    found = [
        row[0] for row in db.execute_sql("SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?", [match])
    ]
    rest = replace(f, text="")
    if len(found) > BROAD_MATCH:
        wanted = set(found)
        return [i for i in contact_ids(rest, "name", descending) if i in wanted]
    direction = "DESC" if descending else "ASC"
    live = "IS NOT NULL" if f.trash else "IS NULL"
    sql, params = f"c.deleted_at {live}", []
    if rest != ContactFilter(trash=f.trash):  # other parts of the filter narrow it further
        sql, params = filtered(rest).sql()
        sql = f"c.id IN ({sql})"
    # CROSS JOIN: look the matches up by id, not walk the name index probing each row.
    return [
        row[0]
        for row in db.execute_sql(
            "SELECT c.id FROM json_each(?) AS j CROSS JOIN contact AS c ON c.id = j.value "
            f"WHERE {sql} ORDER BY c.sort_name {direction}, c.id {direction}",
            [json.dumps(found), *params],
        )
    ]


def count(f: ContactFilter = ContactFilter()) -> int:
    return filtered(f).count()


@dataclass(frozen=True)
class ContactRow:
    """What the contact list shows of one contact."""

    id: int
    name: str
    email: str
    company: str
    phone: str
    status: str
    tags: str
    city: str
    consent: bool
    unsubscribed: bool
    bounced: bool
    created_at: datetime
    updated_at: datetime


def fetch_rows(ids: list[int]) -> dict[int, ContactRow]:
    """The list's columns for ``ids`` (a page), read as plain tuples: fast enough to call
    while scrolling."""
    if not ids:
        return {}
    tags = tags_by_contact(ids)
    query = (
        Contact.select(
            Contact.id,
            Contact.first_name,
            Contact.last_name,
            Contact.email,
            fn.coalesce(Company.name, ""),
            Contact.phone,
            Contact.status,
            Contact.city,
            Contact.consent,
            Contact.unsubscribed_at,
            Contact.bounced_at,
            Contact.created_at,
            Contact.updated_at,
        )
        .join(Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id))
        .where(Contact.id.in_(ids))
        .tuples()
    )
    rows = {}
    for (
        cid,
        first,
        last,
        email,
        company,
        phone,
        status,
        city,
        consent,
        unsubscribed,
        bounced,
        created,
        updated,
    ) in query:
        rows[cid] = ContactRow(
            id=cid,
            name=f"{first} {last}".strip(),
            email=email,
            company=company,
            phone=phone,
            status=status,
            tags=", ".join(tags.get(cid, ())),
            city=city,
            consent=bool(consent),
            unsubscribed=unsubscribed is not None,
            bounced=bounced is not None,
            created_at=created,
            updated_at=updated,
        )
    return rows


def tags_by_contact(ids: list[int]) -> dict[int, list[str]]:
    """contact id -> its tag names in order, for a page of ids (one query)."""
    tags: dict[int, list[str]] = defaultdict(list)
    for contact_id, name in (
        ContactTag.select(ContactTag.contact, Tag.name)
        .join(Tag)
        .where(ContactTag.contact.in_(ids))
        .order_by(Tag.name)
        .tuples()
    ):
        tags[contact_id].append(name)
    return tags


def find_contact(key: str | int, trash: bool | None = False) -> Contact | None:
    """The contact with this id, or with this email address (main or other, any case);
    live ones unless ``trash`` (True: only deleted ones, None: either)."""
    key = str(key).strip()
    query = Contact.select()
    if trash is not None:
        query = query.where(Contact.deleted_at.is_null(not trash))
    if key.isdigit():
        return query.where(Contact.id == int(key)).first()
    if "@" not in key:
        return None
    found = query.where(fn.lower(Contact.email) == key.lower()).order_by(Contact.id).first()
    if found is None:  # one of their other addresses (a JSON list)
        pattern = "%" + json.dumps(key.lower())[1:-1].replace("%", "").replace("_", "") + "%"
        found = next(
            (
                c
                for c in query.where(fn.lower(Contact.other_emails) ** pattern).order_by(Contact.id)
                if key.lower() in (e.lower() for e in c.other_emails or ())
            ),
            None,
        )
    return found


# ---------------------------------------------------------------- editing


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
            company=contact.company.name if contact.company_id else "",
            referred_by_id=contact.referred_by_id,
            tags=tuple(tag_names(contact.id)),
        )


class ContactInvalid(FieldErrors):
    """A contact's fields that are wrong, each with its message."""


def clean_tags(names) -> tuple[str, ...]:
    seen, out = set(), []
    for name in names:
        name = re.sub(r"\s+", " ", str(name)).strip().strip(",")
        if name and name.lower() not in seen:
            seen.add(name.lower())
            out.append(name[:60])
    return tuple(out)


def validate_contact(
    data: ContactData, region: str | None = None, strict_phone: bool = True
) -> tuple[ContactData, dict[str, str]]:
    """Normalise ``data``; return it with a message per invalid field."""
    errors: dict[str, str] = {}
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(data).items()}
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
        for (n,) in Company.select(Company.name)
        .where(Company.name ** f"{pattern}%")
        .order_by(Company.name)
        .limit(limit)
        .tuples()
    ]
    if len(starts) < limit:
        starts += [
            n
            for (n,) in Company.select(Company.name)
            .where(Company.name ** f"%{pattern}%" & Company.name.not_in(starts))
            .order_by(Company.name)
            .limit(limit - len(starts))
            .tuples()
        ]
    return starts


def company_id_named(name: str) -> int | None:
    found = Company.get_or_none(fn.lower(Company.name) == name.strip().lower())
    return found.id if found else None


def tag_named(name: str) -> Tag:
    found = Tag.get_or_none(fn.lower(Tag.name) == name.lower())
    return found or Tag.create(name=name)


def tag_names(contact_id: int) -> list[str]:
    return [
        t.name
        for t in Tag.select().join(ContactTag).where(ContactTag.contact == contact_id).order_by(Tag.name)
    ]


def all_tag_names() -> list[str]:
    return [t.name for t in Tag.select().order_by(fn.lower(Tag.name))]


def set_tags(contact_id: int, names) -> None:
    wanted = {tag_named(n).id for n in clean_tags(names)}
    current = {ct.tag_id for ct in ContactTag.select().where(ContactTag.contact == contact_id)}
    if current - wanted:
        ContactTag.delete().where(
            (ContactTag.contact == contact_id) & ContactTag.tag.in_(list(current - wanted))
        ).execute()
    for tag_id in wanted - current:
        ContactTag.create(contact=contact_id, tag=tag_id)


def add_tags(contact_id: int, names) -> None:
    set_tags(contact_id, [*tag_names(contact_id), *names])


def remove_tags(contact_id: int, names) -> None:
    """Take these tags (any case) off the contact; tags it does not carry are ignored."""
    gone = {n.lower() for n in clean_tags(names)}
    set_tags(contact_id, [t for t in tag_names(contact_id) if t.lower() not in gone])


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


def save_contact(data: ContactData, contact_id: int | None = None, region: str | None = None) -> Contact:
    """Validate and save (create when ``contact_id`` is None); raise ContactInvalid."""
    clean, errors = validate_contact(data, region)
    if contact_id is not None and clean.referred_by_id == contact_id:
        errors["referred_by_id"] = "A contact cannot be their own referrer."
    if errors:
        raise ContactInvalid(errors)
    with db.atomic():
        contact = Contact.get_by_id(contact_id) if contact_id else Contact()
        _apply(contact, clean)
        contact.save()
        set_tags(contact.id, clean.tags)
    return contact


# ---------------------------------------------------------------- unsubscribe


def unsubscribe(contact_ids_: list[int], reason: str = "by hand") -> int:
    """Mark contacts unsubscribed (kept whatever a later import says); returns how many."""
    now = utc_now()
    with db.atomic():
        changed = list(
            Contact.select(Contact.id)
            .where(Contact.id.in_(contact_ids_) & Contact.unsubscribed_at.is_null())
            .tuples()
        )
        Contact.update(unsubscribed_at=now, updated_at=now).where(
            Contact.id.in_([c for (c,) in changed])
        ).execute()
        for (cid,) in changed:
            Activity.create(contact=cid, kind="unsubscribed", summary=f"Unsubscribed ({reason})")
    return len(changed)


def unsubscribe_addresses(addresses, reason: str = "from a list") -> tuple[int, list[str]]:
    """Unsubscribe every contact with one of ``addresses``; return (count, unknown ones)."""
    wanted = {a.strip().lower() for a in addresses if a.strip()}
    ids, found = [], set()
    for cid, email in (
        Contact.select(Contact.id, Contact.email).where(fn.lower(Contact.email).in_(list(wanted))).tuples()
    ):
        ids.append(cid)
        found.add(email.lower())
    return unsubscribe(ids, reason), sorted(wanted - found)


# ---------------------------------------------------------------- timeline


def add_note(contact_id: int, text: str) -> Activity:
    text = text.strip()
    if not text:
        raise InputInvalid("A note needs some text.")
    summary = text.splitlines()[0][:120]
    return Activity.create(contact=contact_id, kind="note", summary=summary, body=text)


def timeline(contact_id: int) -> list[Activity]:
    """The contact's timeline, newest first, each event once: an entry that repeats the one
    before it (same kind and text within the same minute, e.g. recorded twice by a retried
    job) is left out."""
    kept: list[Activity] = []
    for entry in (
        Activity.select()
        .where(Activity.contact == contact_id)
        .order_by(Activity.occurred_at.desc(), Activity.id.desc())
    ):
        if kept and _same_event(kept[-1], entry):
            continue
        kept.append(entry)
    return kept


def _same_event(a: Activity, b: Activity) -> bool:
    return (a.kind, a.summary, a.body, a.ref_type, a.ref_id) == (
        b.kind,
        b.summary,
        b.body,
        b.ref_type,
        b.ref_id,
    ) and abs((a.occurred_at - b.occurred_at).total_seconds()) < 60


def day_text(value, today=None) -> str:
    """A day as the app writes it everywhere: "Thu 19 Nov", with the year when it is not
    this year ("Mon 03 Mar 2025")."""
    from datetime import date as date_type

    today = today or date_type.today()
    day = value.date() if hasattr(value, "date") and callable(value.date) else value
    text = f"{day:%a %d %b}"
    return text if day.year == today.year else f"{text} {day.year}"


# ---------------------------------------------------------------- trash


def delete_contacts(ids: list[int]) -> None:
    """Move contacts to the trash (restorable)."""
    Contact.update(deleted_at=utc_now()).where(Contact.id.in_(ids)).execute()


def restore_contacts(ids: list[int]) -> None:
    Contact.update(deleted_at=None).where(Contact.id.in_(ids)).execute()


def empty_trash() -> int:
    return Contact.delete().where(Contact.deleted_at.is_null(False)).execute()


# ---------------------------------------------------------------- segments


def save_segment(name: str, f: ContactFilter) -> Segment:
    name = name.strip()
    if not name:
        raise InputInvalid("A segment needs a name.")
    data = replace(f, trash=False).to_json()
    with db.atomic():
        existing = Segment.get_or_none(fn.lower(Segment.name) == name.lower())
        if existing:
            existing.filter = data
            existing.save()
            return existing
        return Segment.create(name=name, filter=data)


def segment_filter(segment: Segment) -> ContactFilter:
    return ContactFilter.from_json(segment.filter)


def segment_by_id(segment_id: int) -> Segment | None:
    return Segment.get_or_none(Segment.id == segment_id)


def delete_segment(segment_id: int) -> None:
    """The segment goes; its contacts stay."""
    Segment.delete().where(Segment.id == segment_id).execute()


def find_segment(name: str) -> Segment | None:
    return Segment.get_or_none(fn.lower(Segment.name) == name.strip().lower())


def segments() -> list[Segment]:
    return list(Segment.select().order_by(fn.lower(Segment.name)))


def segment_counts() -> dict[int, int]:
    """Each segment's number of contacts by segment id (for a worker: plain data)."""
    return {s.id: n for s, n in segments_with_counts()}


def segments_with_counts() -> list[tuple[Segment, int]]:
    """Each segment with its number of contacts (a count per segment: run it off the GUI
    thread on a big store)."""
    return [(s, count(segment_filter(s))) for s in segments()]


# ---------------------------------------------------------------- duplicates and merge


@dataclass(frozen=True)
class DuplicatePair:
    keep_id: int
    other_id: int
    reason: str


def _name_key(c) -> str:
    from anyascii import anyascii

    return re.sub(r"[^a-z]", "", anyascii(f"{c.first_name}{c.last_name}").lower())


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
    groups: dict[tuple, list] = defaultdict(list)
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
    for key, members in groups.items():
        for other in members[1:]:
            pair = (members[0].id, other.id)
            if pair not in seen:
                seen.add(pair)
                pairs.append(DuplicatePair(members[0].id, other.id, reasons[key[0]]))
    return pairs


MERGE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "street",
    "postal_code",
    "city",
    "region",
    "country",
    "website",
    "lead_source",
    "consent_source",
)


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
            keep.company = other.company_id
        if keep.referred_by_id is None and other.referred_by_id not in (None, keep.id):
            keep.referred_by = other.referred_by_id
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
