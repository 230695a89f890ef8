"""A realistic demo store: seeded, so the same seed and date always give the same data.

It fills every section: business profile, companies, contacts with tags, lifecycle statuses,
consent and notes (``people``), deals and tasks (``deals``), proposals (``proposals``), segments
and campaigns (``campaigns``). A section added later adds its own module here.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from smarketer.contacts.listing import ContactFilter
from smarketer.contacts.saved_segments import save_segment
from smarketer.db import StoreError, close_database, db, open_database
from smarketer.db.models.contacts import Tag
from smarketer.demo.campaigns import add_campaigns
from smarketer.demo.deals import add_deals
from smarketer.demo.people import TAGS, add_companies, add_contacts
from smarketer.demo.proposals import add_proposals
from smarketer.errors import InputInvalid
from smarketer.settings import BusinessProfile, save_profile

DEFAULT_SEED = 2026
DEFAULT_CONTACTS = 240
MAX_CONTACTS = 100_000


def check_size(contacts: int) -> None:
    """Refuse a demo size outside 1 … 100,000 contacts (before anything is written)."""
    if not 1 <= contacts <= MAX_CONTACTS:
        raise InputInvalid(f"A demo store holds 1 to {MAX_CONTACTS:,} contacts, not {contacts:,}.")


def populate(seed: int = DEFAULT_SEED, contacts: int = DEFAULT_CONTACTS, now: datetime | None = None) -> None:
    """Fill the open (empty) store with demo data: ``contacts`` people (≤ 100,000), written
    with set-based inserts so a store of real size takes seconds."""
    check_size(contacts)
    rng = random.Random(seed)
    now = now or datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)

    def ago(max_days: int) -> datetime:
        return now - timedelta(days=rng.randint(0, max_days), minutes=rng.randint(0, 600))

    with db.atomic():
        save_profile(
            BusinessProfile(
                name="Hollis & Reed Studio",
                address="Unit 4, Ropewalk Yard\n12 Quay Street\nGalway H91 E2KD\nIreland",
                email="hello@hollisreed.example",
                phone="+353 91 524 411",
                website="https://hollisreed.example",
                currency="EUR",
                locale="en_IE",
                default_tax_rate=Decimal("23"),
                proposal_prefix="HR",
            )
        )
        tags = {name: Tag.create(name=name).id for name in TAGS}
        companies = add_companies(rng, contacts, ago)
        people = add_contacts(rng, contacts, companies, tags, ago)
        add_deals(rng, people, now)
        add_proposals(rng, now)
        save_segment(
            "Workshop leads", ContactFilter(tags=("workshop",), statuses=("lead",), reachable_only=True)
        )
        save_segment("VIP customers", ContactFilter(tags=("vip",), statuses=("customer",)))
        save_segment(
            "Newsletter (consented)",
            ContactFilter(tags=("newsletter",), consent="recorded", reachable_only=True),
        )
        add_campaigns(rng, now)


def write_demo(
    path: Path,
    *,
    seed: int = DEFAULT_SEED,
    contacts: int = DEFAULT_CONTACTS,
    force: bool = False,
    now: datetime | None = None,
) -> Path:
    """Write a fresh demo store to ``path``; the store stays open afterwards."""
    check_size(contacts)
    path = Path(path).expanduser()
    if path.exists():
        if not force:
            raise StoreError(path, "already exists; add --force to replace it with demo data")
        close_database()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    open_database(path)
    populate(seed=seed, contacts=contacts, now=now)
    return path
