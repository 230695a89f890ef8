"""Contacts as plain dicts, in pages, for the exporters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from peewee import JOIN

from smarketer.db.models.contacts import Company, Contact, ContactTag, Tag
from smarketer.db.rows import dicts, tuples

PAGE = 1000


def contact_dicts(contact_ids: list[int]) -> Iterator[dict[str, Any]]:
    """Every field of each contact (with its company name and tags), in the given order."""
    for start in range(0, len(contact_ids), PAGE):
        page = contact_ids[start : start + PAGE]
        tags: dict[int, list[str]] = defaultdict(list)
        for cid, name in tuples(
            ContactTag.select(ContactTag.contact, Tag.name)
            .join(Tag)
            .where(ContactTag.contact.in_(page))
            .order_by(Tag.name)
        ):
            tags[cid].append(name)
        found = {}
        for data in dicts(  # the column values, without following foreign keys
            Contact.select(Contact, Company.name.alias("company_name"))
            .join(Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id))
            .where(Contact.id.in_(page))
        ):
            data["company"] = data.pop("company_name") or ""
            data["tags"] = tags[data["id"]]
            found[data["id"]] = data
        for cid in page:
            if cid in found:
                yield found[cid]
