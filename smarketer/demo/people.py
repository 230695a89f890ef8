"""The demo's people: word lists (names, companies, cities, tags, notes) and set-based inserts
of companies and contacts with their tags and notes."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from peewee import fn

from smarketer.contacts.columns import COLUMNS, new_row
from smarketer.db import db
from smarketer.db.models.contacts import Company, Contact

FIRST_NAMES = [
    "Anna",
    "Ben",
    "Chloé",
    "David",
    "Elif",
    "Farah",
    "Gustav",
    "Hannah",
    "Ines",
    "Jonas",
    "Kemal",
    "Laura",
    "Mateo",
    "Nora",
    "Olivia",
    "Pavel",
    "Quentin",
    "Rosa",
    "Sven",
    "Tomás",
    "Ulla",
    "Vera",
    "William",
    "Xiu",
    "Yusuf",
    "Zoë",
    "Agnieszka",
    "Björn",
    "Camille",
    "Dara",
    "Emma",
    "Florian",
    "Grace",
    "Hugo",
    "Ilse",
    "Jana",
    "Kofi",
    "Lena",
    "Marta",
    "Niamh",
    "Oskar",
    "Priya",
    "Rafael",
    "Sofia",
    "Theo",
    "Amélie",
    "Luis",
    "Mia",
    "Noah",
    "Siobhán",
]
LAST_NAMES = [
    "Andersen",
    "Becker",
    "Costa",
    "Dubois",
    "Eriksson",
    "Fischer",
    "García",
    "Hansen",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Łukasiewicz",
    "Müller",
    "Nielsen",
    "O'Brien",
    "Ørsted",
    "Petrov",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ursu",
    "Vargas",
    "Weber",
    "Đặng",
    "Yilmaz",
    "Zimmermann",
    "Novák",
    "Lefèvre",
    "Murphy",
    "Santos",
    "Bauer",
    "Kelly",
    "Moreau",
    "Lindqvist",
    "Horváth",
    "Kaya",
    "Nguyen",
    "Fernández",
    "Walsh",
]
COMPANY_STEMS = [
    "Nordlicht",
    "Bluebird",
    "Harbour",
    "Copperleaf",
    "Atlas",
    "Kestrel",
    "Lumen",
    "Oakridge",
    "Meridian",
    "Pinewood",
    "Saffron",
    "Tidewater",
    "Juniper",
    "Brightside",
    "Foxglove",
    "Granite",
    "Larkspur",
    "Northwind",
    "Riverstone",
    "Silverline",
    "Thistle",
    "Waypoint",
    "Alder",
    "Beacon",
    "Cobalt",
    "Driftwood",
    "Evergreen",
    "Fieldhouse",
    "Greystone",
    "Hazel",
]
COMPANY_KINDS = [
    "Bakery",
    "Design Studio",
    "Dental Clinic",
    "Architects",
    "Consulting",
    "Yoga Studio",
    "Bookshop",
    "Coffee Roasters",
    "Physiotherapy",
    "Law Office",
    "Print Shop",
    "Garden Centre",
    "Bike Repair",
    "Accountants",
    "Photography",
    "Bistro",
    "Brewing Co.",
    "Veterinary Practice",
]
CITIES = [
    ("Dublin", "D02 X285", "IE", "+353 1 {:03d} {:04d}"),
    ("Cork", "T12 K8AF", "IE", "+353 21 {:03d} {:04d}"),
    ("Berlin", "10115", "DE", "+49 30 {:03d}{:04d}"),
    ("Hamburg", "20095", "DE", "+49 40 {:03d}{:04d}"),
    ("Lyon", "69002", "FR", "+33 4 7{:03d} {:04d}"),
    ("Kraków", "31-042", "PL", "+48 12 {:03d} {:04d}"),
    ("Copenhagen", "1050", "DK", "+45 3{:03d} {:04d}"),
    ("Lisbon", "1100-148", "PT", "+351 21 {:03d} {:04d}"),
    ("Amsterdam", "1012 JS", "NL", "+31 20 {:03d} {:04d}"),
    ("Manchester", "M1 1AE", "GB", "+44 161 {:03d} {:04d}"),
]
STREETS = [
    "Main Street",
    "Harbour Road",
    "Market Square",
    "Mill Lane",
    "Station Road",
    "Church Street",
    "Park Avenue",
    "Bridge Street",
    "Quay Street",
    "High Street",
]
TITLES = [
    "Owner",
    "Founder",
    "Managing Director",
    "Office Manager",
    "Marketing Lead",
    "Practice Manager",
    "Head Chef",
    "Operations Manager",
    "Partner",
    "",
]
TAGS = [
    "workshop",
    "newsletter",
    "trade-fair-2026",
    "referral",
    "vip",
    "webinar",
    "partner",
    "local",
    "podcast",
]
SOURCES = [
    "Website form",
    "Trade fair",
    "Referral",
    "LinkedIn",
    "Webinar",
    "Cold email",
    "Walk-in",
    "Podcast",
]
STATUS_WEIGHTS = {"subscriber": 30, "lead": 30, "qualified": 15, "customer": 18, "former": 7}
NOTES = [
    "Met at the spring trade fair; interested in the workshop package.",
    "Prefers email over phone. Decision in Q3.",
    "Asked for a quote for the annual maintenance plan.",
    "Referred two other businesses last year.",
    "Budget is tight this year; follow up after the summer.",
    "Loved the case study about the bakery rebrand.",
    "Called back about the proposal, wants a smaller first phase.",
    "Signed up to the newsletter after the webinar.",
]


def _ascii_slug(text: str) -> str:
    from anyascii import anyascii

    return "".join(ch for ch in anyascii(text).lower() if ch.isalnum())


def _company_count(contacts: int) -> int:
    """40 companies for the usual demo, about one per 250 contacts for a big one (≤ 400)."""
    return max(40, min(400, contacts // 250))


def add_companies(rng: random.Random, contacts: int, ago: Callable[[int], datetime]) -> list[Company]:
    """The demo's companies: 40 for the usual demo, more for a big one."""
    companies: list[Company] = []
    used = set()
    while len(companies) < _company_count(contacts):
        name = f"{rng.choice(COMPANY_STEMS)} {rng.choice(COMPANY_KINDS)}"
        if name in used:
            continue
        used.add(name)
        city, postcode, country, phone = rng.choice(CITIES)
        created = ago(700)
        companies.append(
            Company.create(
                name=name,
                website=f"https://{_ascii_slug(name)}.example",
                phone=phone.format(rng.randint(100, 999), rng.randint(0, 9999)),
                street=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                postal_code=postcode,
                city=city,
                country=country,
                created_at=created,
                updated_at=created,
            )
        )
    return companies


def add_contacts(
    rng: random.Random,
    count: int,
    companies: list[Company],
    tags: dict[str, int],
    ago: Callable[[int], datetime],
) -> list[int]:
    """Insert ``count`` contacts with their tags and notes; returns their ids in order.

    The rows are drawn in the same order the one-by-one version drew them (so a seed gives
    the same people at any size) and go in with ``executemany``; the search index is built
    once at the end instead of by the per-row triggers."""
    from smarketer.db.search import BulkIndexing, sort_key

    instant = Contact.created_at.db_value
    base = (Contact.select(fn.MAX(Contact.id)).scalar() or 0) + 1
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    people: list[tuple[Any, ...]] = []
    made: list[int] = []  # the ids in ``people``, for referrals
    tag_rows: list[tuple[int, int]] = []
    activity_rows: list[tuple[int, str, str, str | None]] = []
    blank = new_row(datetime.now(UTC))  # the columns the demo leaves as a new contact has them
    slugs: dict[str, str] = {}

    def slug(text: str) -> str:
        if text not in slugs:
            slugs[text] = _ascii_slug(text)
        return slugs[text]

    for i in range(count):
        contact_id = base + i
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        company = rng.choice(companies) if rng.random() < 0.8 else None
        domain = company.website.removeprefix("https://") if company else "mail.example"
        created = instant(ago(700))
        consent = rng.random() < 0.75
        phone = company.phone if company and rng.random() < 0.5 else ""
        title = rng.choice(TITLES)
        city = company.city if company else rng.choice(CITIES)[0]
        status = rng.choices(statuses, weights)[0]
        source = rng.choice(SOURCES)
        referrer = rng.choice(made) if made and rng.random() < 0.12 else None
        unsubscribed = instant(ago(200)) if rng.random() < 0.04 else None
        row = {
            **blank,
            "id": contact_id,
            "first_name": first,
            "last_name": last,
            "email": f"{slug(first)}.{slug(last)}{i}@{domain}",
            "phone": phone,
            "title": title,
            "company_id": company.id if company else None,
            "city": city,
            "country": company.country if company else "IE",
            "status": status,
            "lead_source": source,
            "referred_by_id": referrer,
            "consent": consent,
            "consent_at": created if consent else None,
            "consent_source": "Signup form" if consent else "",
            "unsubscribed_at": unsubscribed,
            "created_at": created,
            "updated_at": created,
            "sort_name": sort_key(first, last),
        }
        people.append(tuple(row[c] for c in COLUMNS))
        made.append(contact_id)
        for tag in rng.sample(TAGS, rng.choice([0, 1, 1, 2, 3])):
            tag_rows.append((contact_id, tags[tag]))
        for _ in range(rng.choice([0, 1, 1, 2])):
            activity_rows.append((contact_id, "note", rng.choice(NOTES), instant(ago(300))))
    indexing = BulkIndexing(db.obj)  # the open store behind the proxy
    connection = db.connection()
    connection.executemany(
        f"INSERT INTO contact ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", people
    )
    connection.executemany("INSERT INTO contact_tag (contact_id, tag_id) VALUES (?, ?)", tag_rows)
    connection.executemany(
        "INSERT INTO activity (contact_id, kind, summary, occurred_at, body, ref_type) "
        "VALUES (?, ?, ?, ?, '', '')",
        activity_rows,
    )
    for contact_id in made:
        indexing.touched(contact_id)
    indexing.finish()
    return made
