"""A realistic demo store: seeded, so the same seed and date always give the same data.

It fills every section that exists so far: business profile, companies, contacts with tags,
lifecycle statuses, consent and notes. Later sections add their own demo rows here.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from peewee import fn

from smarketer.contacts import ContactFilter, save_segment
from smarketer.db import StoreError, close_database, db, open_database
from smarketer.db.models import Activity, Company, Contact, Tag
from smarketer.errors import InputInvalid
from smarketer.settings import BusinessProfile, save_profile

DEFAULT_SEED = 2026
DEFAULT_CONTACTS = 240
MAX_CONTACTS = 100_000

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


def check_size(contacts: int) -> None:
    """Refuse a demo size outside 1 … 100,000 contacts (before anything is written)."""
    if not 1 <= contacts <= MAX_CONTACTS:
        raise InputInvalid(f"A demo store holds 1 to {MAX_CONTACTS:,} contacts, not {contacts:,}.")


def _company_count(contacts: int) -> int:
    """40 companies for the usual demo, about one per 250 contacts for a big one (≤ 400)."""
    return max(40, min(400, contacts // 250))


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
        companies = []
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
        people = _contacts(rng, contacts, companies, tags, ago)
        _deals(rng, people, now)
        _proposals(rng, now)
        save_segment(
            "Workshop leads", ContactFilter(tags=("workshop",), statuses=("lead",), reachable_only=True)
        )
        save_segment("VIP customers", ContactFilter(tags=("vip",), statuses=("customer",)))
        save_segment(
            "Newsletter (consented)",
            ContactFilter(tags=("newsletter",), consent="recorded", reachable_only=True),
        )
        _campaigns(rng, now)


def _contacts(
    rng: random.Random, count: int, companies: list[Company], tags: dict[str, int], ago
) -> list[int]:
    """Insert ``count`` contacts with their tags and notes; returns their ids in order.

    The rows are drawn in the same order the one-by-one version drew them (so a seed gives
    the same people at any size) and go in with ``executemany``; the search index is built
    once at the end instead of by the per-row triggers."""
    from smarketer.db.search import BulkIndexing, sort_key

    instant = Contact.created_at.db_value
    base = (Contact.select(fn.MAX(Contact.id)).scalar() or 0) + 1
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    people, tag_rows, activity_rows = [], [], []
    columns = (
        "id",
        "first_name",
        "last_name",
        "email",
        "other_emails",
        "phone",
        "title",
        "company_id",
        "street",
        "postal_code",
        "city",
        "region",
        "country",
        "website",
        "notes",
        "status",
        "lead_source",
        "referred_by_id",
        "consent",
        "consent_at",
        "consent_source",
        "unsubscribed_at",
        "bounced_at",
        "do_not_email",
        "created_at",
        "updated_at",
        "deleted_at",
        "sort_name",
    )
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
        referrer = rng.choice(people) if people and rng.random() < 0.12 else None
        unsubscribed = instant(ago(200)) if rng.random() < 0.04 else None
        people.append(
            (
                contact_id,
                first,
                last,
                f"{slug(first)}.{slug(last)}{i}@{domain}",
                "[]",
                phone,
                title,
                company.id if company else None,
                "",
                "",
                city,
                "",
                company.country if company else "IE",
                "",
                "",
                status,
                source,
                referrer[0] if referrer else None,
                consent,
                created if consent else None,
                "Signup form" if consent else "",
                unsubscribed,
                None,
                False,
                created,
                created,
                None,
                sort_key(first, last),
            )
        )
        for tag in rng.sample(TAGS, rng.choice([0, 1, 1, 2, 3])):
            tag_rows.append((contact_id, tags[tag]))
        for _ in range(rng.choice([0, 1, 1, 2])):
            activity_rows.append((contact_id, "note", rng.choice(NOTES), instant(ago(300))))
    indexing = BulkIndexing(db)
    connection = db.connection()
    connection.executemany(
        f"INSERT INTO contact ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", people
    )
    connection.executemany("INSERT INTO contact_tag (contact_id, tag_id) VALUES (?, ?)", tag_rows)
    connection.executemany(
        "INSERT INTO activity (contact_id, kind, summary, occurred_at, body, ref_type) "
        "VALUES (?, ?, ?, ?, '', '')",
        activity_rows,
    )
    for row in people:
        indexing.touched(row[0])
    indexing.finish()
    return [row[0] for row in people]


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


DEAL_TITLES = [
    "Website refresh",
    "Brand identity",
    "Spring campaign",
    "Workshop day",
    "Annual maintenance",
    "Photo shoot",
    "Menu redesign",
    "Packaging design",
    "Newsletter set-up",
    "Trade fair stand",
    "Signage",
    "Social media kit",
]
TASKS = [
    "Call to follow up",
    "Send the proposal",
    "Book a meeting",
    "Send samples",
    "Check in after the demo",
    "Ask for the decision",
]


def _deals(rng: random.Random, people: list[int], now: datetime) -> None:
    from smarketer import pipeline
    from smarketer.db.models import Deal, StageChange

    stages = pipeline.stages()
    open_stages = [s for s in stages if s.kind == "open"]
    won, lost = pipeline.won_stage(), pipeline.lost_stage()
    reasons = pipeline.DEFAULT_LOST_REASONS
    today = now.date()
    for i in range(max(48, min(600, len(people) // 150))):  # 600 deals at 100,000 people
        contact = Contact.get_by_id(rng.choice(people))
        opened = now - timedelta(days=rng.randint(5, 120), hours=rng.randint(0, 8))
        path = open_stages[: rng.randint(1, len(open_stages))]
        ending = rng.choices(["open", "won", "lost"], [60, 25, 15])[0]
        value = Decimal(rng.choice([450, 900, 1200, 2500, 3800, 6000, 9500, 14000]))
        client = contact.company.name if contact.company_id else contact.last_name
        deal = Deal.create(
            title=f"{rng.choice(DEAL_TITLES)} – {client}",
            contact=contact,
            company=contact.company_id,
            value=value,
            stage=path[0],
            position=i,
            expected_close=today + timedelta(days=rng.randint(-10, 150)),
            source=contact.lead_source,
            stage_entered_at=opened,
            created_at=opened,
            updated_at=opened,
        )
        when, previous = opened, None
        for stage in path + ([won] if ending == "won" else [lost] if ending == "lost" else []):
            StageChange.create(deal=deal, from_stage=previous, to_stage=stage, changed_at=when)
            previous = stage
            last = when
            when = min(now, when + timedelta(days=rng.randint(2, 14)))
        closed = ending != "open"
        Deal.update(
            stage=previous,
            stage_entered_at=last,
            closed_at=last if closed else None,
            lost_reason=rng.choice(reasons) if ending == "lost" else "",
        ).where(Deal.id == deal.id).execute()
        Activity.create(
            contact=contact,
            kind="deal",
            summary=f"Deal opened: {deal.title}",
            occurred_at=opened,
            ref_type="deal",
            ref_id=deal.id,
        )
        if not closed and rng.random() < 0.8:
            pipeline.add_task(
                rng.choice(TASKS),
                today + timedelta(days=rng.randint(-4, 9)),
                deal_id=deal.id,
                due_time=rng.choice([None, "09:30", "14:00"]),
            )


def _proposals(rng: random.Random, now: datetime) -> None:
    from smarketer.db.models import Deal, Stage
    from smarketer.proposals import service
    from smarketer.proposals.service import ItemData

    service.save_block(
        "About Hollis & Reed",
        "We are a two-person design studio in Galway. "
        "Since 2014 we have helped more than 80 local businesses look as good "
        "as they are.",
    )
    service.save_block(
        "Case study: Nordlicht Bakery",
        "A new identity, packaging and a website in six weeks. Online orders doubled within three months.",
    )
    service.save_block(
        "Terms",
        "50 % on acceptance, 50 % on delivery. Prices exclude travel "
        "outside Galway. Two rounds of changes are included.",
    )
    design = service.save_product("Design hour", "95", unit="h", description="Senior designer")
    workshop = service.save_product(
        "Brand workshop", "450", unit="day", description="Half-day workshop with your team"
    )
    service.save_product("Photo shoot", "600", description="Half a day, 30 edited photos")
    service.save_product("Printed flyers (500)", "0.85", unit="pcs", tax_rate="13.5")
    deals = list(
        Deal.select()
        .join(Stage)
        .where(Stage.name.in_(["Proposal sent", "Negotiation", "Won"]))
        .order_by(Deal.id)
        .limit(5)
    )
    for index, deal in enumerate(deals):
        proposal = service.create_proposal(
            deal.title, deal_id=deal.id, issue_date=now.date() - timedelta(days=20 - index)
        )
        service.update_proposal(
            proposal.id,
            intro="Thank you for your time last week. Here is what we propose.",
            closing="We look forward to working with you.",
        )
        service.insert_block(proposal.id, 1)
        service.add_item(proposal.id, ItemData("Discovery", heading=True))
        service.add_product(proposal.id, workshop.id)
        service.add_product(proposal.id, design.id, quantity=str(rng.choice([8, 12.5, 20])))
        service.add_item(proposal.id, ItemData("Optional: photo shoot", "1", unit_price="600", optional=True))
        service.insert_block(proposal.id, 3)
        if index < 4:
            from smarketer.proposals.pdf import build_pdf

            service.mark_sent(proposal.id, build_pdf(proposal.id))
        if deal.stage.kind == "won" and index < 4:
            service.accept(proposal.id)


NEWSLETTER = """Hello {{ contact.first_name | default("there") }},

autumn is busy here at the studio: we finished a new identity for a bakery in Galway and a
website for a physiotherapy practice. If you are planning something for spring, now is a
good time to talk.

Best wishes,
{{ sender.name }}
"""


def _campaigns(rng: random.Random, now: datetime) -> None:
    import secrets

    from smarketer.campaigns.account import SmtpAccount, save_account
    from smarketer.campaigns.outbox import create_campaign, queue
    from smarketer.contacts import find_segment
    from smarketer.db.models import Campaign, OutboxMessage

    save_account(
        SmtpAccount(
            host="smtp.hollisreed.example",
            port=587,
            security="starttls",
            username="anna@hollisreed.example",
            from_address="anna@hollisreed.example",
            from_name="Anna Hollis",
        )
    )
    newsletter = find_segment("Newsletter (consented)")
    done = create_campaign(
        "Autumn news",
        "segment",
        str(newsletter.id),
        "News from the studio, {{ contact.first_name | default('friend') }}",
        NEWSLETTER,
    )
    queue(done.id)
    sent_at = now - timedelta(days=24)
    instant = OutboxMessage.sent_at.db_value
    updates, notes = [], []
    rows = (
        OutboxMessage.select(OutboxMessage.id, OutboxMessage.contact)
        .where(OutboxMessage.campaign == done.id)
        .order_by(OutboxMessage.id)
        .tuples()
    )
    for index, (row_id, contact_id) in enumerate(rows):
        sent = index != 3
        updates.append(
            (
                "sent" if sent else "failed",
                instant(sent_at + timedelta(seconds=3 * index)) if sent else None,
                "250 2.0.0 OK" if sent else "550 5.1.1 Mailbox unavailable",
                f"<{secrets.token_hex(8)}@hollisreed.example>",
                row_id,
            )
        )
        if sent:
            notes.append((contact_id, instant(sent_at), done.id))
    connection = db.connection()
    connection.executemany(
        "UPDATE outbox_message SET state = ?, attempts = 1, sent_at = ?, "
        "reply = ?, message_id = ? WHERE id = ?",
        updates,
    )
    connection.executemany(
        "INSERT INTO activity (contact_id, kind, occurred_at, summary, body, ref_type, ref_id) "
        "VALUES (?, 'email', ?, 'Email sent: News from the studio', '', 'campaign', ?)",
        notes,
    )
    Campaign.update(status="done", started_at=sent_at, finished_at=sent_at).where(
        Campaign.id == done.id
    ).execute()
    workshop = find_segment("Workshop leads")
    create_campaign(
        "Spring workshop invite",
        "segment",
        str(workshop.id),
        "A spring workshop for {{ contact.company | default('your business') }}",
        "Hello {{ contact.first_name | default('there') }},\n\nwe are running a half-day "
        "**brand workshop** in March. Would you like a place?\n\n{{ sender.name }}\n",
    )
