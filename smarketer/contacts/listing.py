"""Which contacts a filter selects, in which order, and the shown columns for a page of them.

The contact list reads through ``contact_ids()`` (the ordered ids of a filter, cheap even for
100,000 contacts) and ``fetch_rows()`` (the shown columns for a page of ids).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any

from peewee import JOIN, SQL, fn

from smarketer.db import db, on_server
from smarketer.db.models.contacts import Company, Contact, ContactTag, Tag
from smarketer.db.rows import tuples
from smarketer.db.search import indexed_prefixes, match_expression, matching_ids_sql

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

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["tags"], data["statuses"] = list(self.tags), list(self.statuses)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ContactFilter:
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


def filtered(f: ContactFilter, *columns: Any, with_company: bool = False) -> Any:
    """A query over the contacts ``f`` selects (joined to their company if asked)."""
    query = Contact.select(*(columns or (Contact.id,)))
    if with_company:
        query = query.join(Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id))
    query = query.where(Contact.deleted_at.is_null(not f.trash))
    match = matching_ids_sql(f.text, db.obj)
    if match:
        query = query.where(Contact.id.in_(SQL(f"({match[0]})", match[1])))
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
    match = matching_ids_sql(f.text, db.obj)
    if match and sort == "name":
        return _matching_ids_by_name(f, match, descending)
    return _ids(*_ordered(f, sort, descending).sql())  # plain cursor: 100k ids fast


def _ordered(f: ContactFilter, sort: str, descending: bool) -> Any:
    """The ids ``f`` selects in the list's order (``sort``, then id)."""
    order = [c.desc() if descending else c.asc() for c in SORT_COLUMNS[sort]]
    order.append(Contact.id.desc() if descending else Contact.id.asc())
    return filtered(f, with_company=sort == "company").order_by(*order)


def _matching_ids_by_name(f: ContactFilter, match: tuple[str, list[str]], descending: bool) -> list[int]:
    """A search in name order without letting SQLite sort every match: a narrow search looks
    its matches up by id and sorts those; a broad one (a common word, a single letter) walks
    the name-ordered index once and keeps the rows that match."""
    found = [row[0] for row in db.execute_sql(*match)]
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
            "SELECT c.id FROM json_each(?) AS j CROSS JOIN contact AS c "
            f"WHERE c.id = j.value AND {sql} ORDER BY c.sort_name {direction}, c.id {direction}",
            [json.dumps(found), *params],
        )
    ]


NARROW_MATCH = 3_000  # a search matching at most this many rows is read whole, even for a first page
#: The most rows a first page checks one at a time against the search index. Measured on
#: 100,000 contacts: "e" (about 200 rows walked) 5 ms probing against 15 ms reading every match
#: into a lookup table, "m" (285) 9 against 11; "s" (750) 27 against 4, "a" (680) 5 against 5.
PROBE_WALK = 400


def first_ids(
    f: ContactFilter = ContactFilter(), sort: str = "name", descending: bool = False, limit: int = 200
) -> tuple[list[int], bool]:
    """The start of ``contact_ids(f, sort, descending)``, at least its first ``limit`` ids, and
    whether that is all of them: what a list on a big store shows at once while the rest is
    read. A plain search (or none) in name order walks the name index and stops after
    ``limit`` matches, so a one-letter or very common word answers as fast as a rare one;
    anything else, and a narrow search, is read whole. A server is asked for ``limit + 1`` rows
    in the list's order, whatever the filter."""
    if on_server():  # the server plans the walk (the name index, a search's matches) itself
        ids = _ids(*_ordered(f, sort, descending).limit(limit + 1).sql())
        return ids[:limit], len(ids) <= limit
    if sort != "name" or f != ContactFilter(text=f.text):
        return contact_ids(f, sort, descending), True
    direction = "DESC" if descending else "ASC"
    walk = (
        "SELECT c.id FROM contact c INDEXED BY contact_live_by_name WHERE c.deleted_at IS NULL {} "
        f"ORDER BY c.sort_name {direction}, c.id {direction} LIMIT ?"
    )
    match = match_expression(f.text)
    if not match:
        ids = _ids(walk.format(""), [limit + 1])
        return ids[:limit], len(ids) <= limit
    found = _ids("SELECT rowid FROM contact_fts WHERE contact_fts MATCH ? LIMIT ?", [match, NARROW_MATCH + 1])
    if len(found) <= NARROW_MATCH:
        return contact_ids(f, sort, descending), True
    # Matches come in id order: how densely the lowest ids match says how far the walk goes.
    rows_walked = limit * found[-1] / len(found)
    if indexed_prefixes(f.text) and rows_walked <= PROBE_WALK:
        # every word has its own prefix list: asking the index row by row is cheap
        test = "AND EXISTS (SELECT 1 FROM contact_fts WHERE contact_fts MATCH ? AND rowid = c.id)"
    else:  # the matches read once into a lookup table, then the walk
        test = "AND +c.id IN (SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?)"
    ids = _ids(walk.format(test), [match, limit + 1])
    return ids[:limit], len(ids) <= limit


def _id_list(ids: list[int]) -> SQL:
    """``ids`` as one parameter (a page of 200 ids as 200 parameters costs more to build)."""
    return SQL("(SELECT value FROM json_each(?))", [json.dumps(ids)])


def _ids(sql: str, params: list[Any]) -> list[int]:
    return [row[0] for row in db.execute_sql(sql, params)]


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
    tag_names: tuple[str, ...] = ()  # the tags one by one (``tags`` joins them for the list)


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
        .where(Contact.id.in_(_id_list(ids)))
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
    ) in tuples(query):
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
            tag_names=tuple(tags.get(cid, ())),
        )
    return rows


def tags_by_contact(ids: list[int]) -> dict[int, list[str]]:
    """contact id -> its tag names in order, for a page of ids (one query)."""
    tags: dict[int, list[str]] = defaultdict(list)
    for contact_id, name in tuples(
        ContactTag.select(ContactTag.contact, Tag.name)
        .join(Tag)
        .where(ContactTag.contact.in_(_id_list(ids)))
        .order_by(Tag.name)
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
