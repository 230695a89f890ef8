"""A contact's tags: cleaning typed names, setting, adding and removing them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from peewee import fn

from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models.contacts import Contact, ContactTag, Tag


def clean_tags(names: Iterable[object]) -> tuple[str, ...]:
    seen, out = set(), []
    for name in names:
        name = re.sub(r"\s+", " ", str(name)).strip().strip(",")
        if name and name.lower() not in seen:
            seen.add(name.lower())
            out.append(name[:60])
    return tuple(out)


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


def set_tags(contact_id: int, names: Iterable[str]) -> None:
    wanted = {tag_named(n).id for n in clean_tags(names)}
    current = {ct.tag_id for ct in ContactTag.select().where(ContactTag.contact == contact_id)}
    if current - wanted:
        ContactTag.delete().where(
            (ContactTag.contact == contact_id) & ContactTag.tag.in_(list(current - wanted))
        ).execute()
    for tag_id in wanted - current:
        ContactTag.create(contact=contact_id, tag=tag_id)


def add_tags(contact_id: int, names: Iterable[str]) -> None:
    with db.atomic():
        set_tags(contact_id, [*tag_names(contact_id), *names])
        _touched(contact_id)


def remove_tags(contact_id: int, names: Iterable[str]) -> None:
    """Take these tags (any case) off the contact; tags it does not carry are ignored."""
    gone = {n.lower() for n in clean_tags(names)}
    with db.atomic():
        set_tags(contact_id, [t for t in tag_names(contact_id) if t.lower() not in gone])
        _touched(contact_id)


def _touched(contact_id: int) -> None:
    """A change an open editor shows (tags): a new version, so its save cannot undo it."""
    Contact.update({**Contact.bumped(), Contact.updated_at: utc_now()}).where(
        Contact.id == contact_id
    ).execute()
