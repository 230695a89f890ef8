"""Segments: saved contact filters, with how many contacts each selects."""

from __future__ import annotations

from dataclasses import replace

from peewee import fn

from smarketer.contacts.listing import ContactFilter, count
from smarketer.db import db
from smarketer.db.models.contacts import Segment
from smarketer.errors import InputInvalid


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
