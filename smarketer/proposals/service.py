"""Proposals in the store: gapless numbering, items and sections, sending (the exact PDF bytes
are kept), revisions, acceptance (the deal becomes Won) and expiry.

Numbers are ``{prefix}-{year}-{nnnn}`` from a per-year sequence taken in the same transaction
that creates the proposal; only the newest draft of a year can be deleted (its number is given
back), so the sequence never has a gap. A revision keeps the number and adds ``-R2``, ``-R3``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from peewee import fn

from smarketer import pipeline, settings
from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models import (
    Activity,
    Contact,
    ContentBlock,
    Deal,
    Product,
    Proposal,
    ProposalItem,
    ProposalSection,
    ProposalSequence,
    StoredFile,
)
from smarketer.errors import UserError
from smarketer.proposals.pricing import (
    MAX_UNIT_PRICE,
    PERCENT_PLACES,
    PRICE_PLACES,
    ROUNDING_POLICIES,
    Line,
    PricingError,
    ProposalTotals,
    check_bounds,
    compute_totals,
    to_decimal,
)

DEFAULT_VALID_DAYS = 30
EDITABLE = ("draft",)


class ProposalError(UserError, ValueError):
    """A proposal change that cannot be made; the message says why."""


@dataclass(frozen=True)
class ItemData:
    description: str = ""
    quantity: str | Decimal = "1"
    unit: str = ""
    unit_price: str | Decimal = "0"
    discount: str | Decimal = "0"
    tax_rate: str | Decimal | None = None  # None: the business's default rate
    optional: bool = False
    heading: bool = False
    product_id: int | None = None


# ---------------------------------------------------------------- numbering and creation


def _next_number(year: int, prefix: str) -> str:
    row = ProposalSequence.get_or_none(ProposalSequence.year == year)
    last = (row.last if row else 0) + 1
    ProposalSequence.replace(year=year, last=last).execute()
    return f"{prefix}-{year}-{last:04d}"


def create_proposal(
    title: str,
    *,
    contact_id: int | None = None,
    deal_id: int | None = None,
    issue_date: date | None = None,
    valid_days: int = DEFAULT_VALID_DAYS,
    rounding: str = "line",
    currency: str | None = None,
) -> Proposal:
    title = title.strip()
    if not title:
        raise ProposalError("A proposal needs a title.")
    if rounding not in ROUNDING_POLICIES:
        raise ProposalError(f"Rounding must be one of {', '.join(ROUNDING_POLICIES)}.")
    profile = settings.load_profile()
    issue_date = issue_date or date.today()
    if deal_id and not contact_id:
        contact_id = Deal.get_by_id(deal_id).contact_id
    with db.atomic():
        proposal = Proposal.create(
            number=_next_number(issue_date.year, profile.proposal_prefix),
            title=title,
            contact=contact_id,
            deal=deal_id,
            issue_date=issue_date,
            valid_until=issue_date + timedelta(days=valid_days),
            currency=currency or profile.currency,
            locale=profile.locale,
            rounding=rounding,
        )
        _log(proposal, f"Proposal {proposal.label} drafted: {title}")
    return proposal


def _log(proposal: Proposal, summary: str) -> None:
    if proposal.contact_id:
        Activity.create(
            contact=proposal.contact_id,
            kind="proposal",
            summary=summary,
            ref_type="proposal",
            ref_id=proposal.id,
        )


def update_proposal(proposal_id: int, **fields) -> Proposal:
    proposal = editable(proposal_id)
    allowed = {
        "title",
        "contact_id",
        "deal_id",
        "issue_date",
        "valid_until",
        "intro",
        "closing",
        "document_discount",
        "rounding",
        "currency",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ProposalError(f"Cannot set {', '.join(sorted(unknown))} on a proposal.")
    if "rounding" in fields and fields["rounding"] not in ROUNDING_POLICIES:
        raise ProposalError(f"Rounding must be one of {', '.join(ROUNDING_POLICIES)}.")
    if "document_discount" in fields:
        discount = to_decimal(fields["document_discount"] or "0", "document discount")
        if not 0 <= discount <= 100:
            raise ProposalError("The document discount must be from 0 to 100 %.")
        fields["document_discount"] = discount
    if "title" in fields and not str(fields["title"]).strip():
        raise ProposalError("A proposal needs a title.")
    for key, value in fields.items():
        setattr(proposal, key, value)
    if proposal.valid_until < proposal.issue_date:
        raise ProposalError("Valid until cannot be before the issue date.")
    proposal.updated_at = utc_now()
    proposal.save()
    return proposal


def editable(proposal_id: int) -> Proposal:
    proposal = Proposal.get_by_id(proposal_id)
    if proposal.status not in EDITABLE:
        raise ProposalError(f"{proposal.label} was {proposal.status}; make a new revision to change it.")
    return proposal


def delete_proposal(proposal_id: int) -> None:
    """Only the newest draft of its year, and never a revision that was sent."""
    proposal = Proposal.get_by_id(proposal_id)
    if proposal.status != "draft":
        raise ProposalError("Only drafts can be deleted; a sent proposal stays on record.")
    with db.atomic():
        if proposal.revision == 1:
            year = proposal.issue_date.year
            sequence = ProposalSequence.get(ProposalSequence.year == year)
            if proposal.number != _format_number(proposal.number, sequence.last):
                raise ProposalError(
                    "Only the newest proposal of the year can be deleted, so "
                    "numbers stay without gaps. Mark it declined instead."
                )
            sequence.last -= 1
            sequence.save()
        elif proposal.previous_id:
            Proposal.update(status="sent").where(
                (Proposal.id == proposal.previous_id) & (Proposal.status == "superseded")
            ).execute()
        proposal.delete_instance()


def _format_number(number: str, last: int) -> str:
    head = number.rsplit("-", 1)[0]
    return f"{head}-{last:04d}"


# ---------------------------------------------------------------- items and sections


def _clean_item(data: ItemData, where: str) -> dict:
    if data.heading:
        return {"kind": "heading", "description": data.description.strip(), "product": None}
    rate = data.tax_rate
    if rate in (None, ""):
        rate = settings.load_profile().default_tax_rate
    line = Line.of(
        data.description, data.quantity, data.unit_price, data.discount, rate, data.optional, where=where
    )
    return {
        "kind": "item",
        "description": data.description.strip(),
        "quantity": line.quantity,
        "unit": data.unit.strip(),
        "unit_price": line.unit_price,
        "discount": line.discount,
        "tax_rate": line.tax_rate,
        "optional": line.optional,
        "product": data.product_id,
    }


def add_item(proposal_id: int, data: ItemData, position: int | None = None) -> ProposalItem:
    editable(proposal_id)
    count = ProposalItem.select().where(ProposalItem.proposal == proposal_id).count()
    values = _clean_item(data, f"line {count + 1}")
    with db.atomic():
        if position is None:
            position = count + 1
        else:
            ProposalItem.update(position=ProposalItem.position + 1).where(
                (ProposalItem.proposal == proposal_id) & (ProposalItem.position >= position)
            ).execute()
        return ProposalItem.create(proposal=proposal_id, position=position, **values)


def add_product(proposal_id: int, product_id: int, quantity="1") -> ProposalItem:
    product = Product.get_by_id(product_id)
    return add_item(
        proposal_id,
        ItemData(
            description=f"{product.name}\n{product.description}".strip(),
            quantity=quantity,
            unit=product.unit,
            unit_price=product.unit_price,
            tax_rate=product.tax_rate,
            product_id=product.id,
        ),
    )


def update_item(item_id: int, data: ItemData) -> ProposalItem:
    item = ProposalItem.get_by_id(item_id)
    editable(item.proposal_id)
    values = _clean_item(data, f"line {item.position}")
    ProposalItem.update(**values).where(ProposalItem.id == item_id).execute()
    return ProposalItem.get_by_id(item_id)


def remove_item(item_id: int) -> None:
    item = ProposalItem.get_by_id(item_id)
    editable(item.proposal_id)
    with db.atomic():
        item.delete_instance()
        _renumber(item.proposal_id)


def move_item(item_id: int, step: int) -> None:
    item = ProposalItem.get_by_id(item_id)
    editable(item.proposal_id)
    ids = [i.id for i in items(item.proposal_id)]
    index = ids.index(item_id)
    target = max(0, min(len(ids) - 1, index + step))
    ids.insert(target, ids.pop(index))
    with db.atomic():
        for position, other in enumerate(ids, 1):
            ProposalItem.update(position=position).where(ProposalItem.id == other).execute()


def _renumber(proposal_id: int) -> None:
    for position, item in enumerate(items(proposal_id), 1):
        ProposalItem.update(position=position).where(ProposalItem.id == item.id).execute()


def items(proposal_id: int) -> list[ProposalItem]:
    return list(
        ProposalItem.select()
        .where(ProposalItem.proposal == proposal_id)
        .order_by(ProposalItem.position, ProposalItem.id)
    )


def sections(proposal_id: int) -> list[ProposalSection]:
    return list(
        ProposalSection.select()
        .where(ProposalSection.proposal == proposal_id)
        .order_by(ProposalSection.position, ProposalSection.id)
    )


def add_section(proposal_id: int, title: str, body: str) -> ProposalSection:
    editable(proposal_id)
    position = ProposalSection.select().where(ProposalSection.proposal == proposal_id).count()
    return ProposalSection.create(
        proposal=proposal_id, position=position + 1, title=title.strip(), body=body.strip()
    )


def insert_block(proposal_id: int, block_id: int) -> ProposalSection:
    """Copy a library block into the proposal (later library edits do not change it)."""
    block = ContentBlock.get_by_id(block_id)
    return add_section(proposal_id, block.title, block.body)


def remove_section(section_id: int) -> None:
    section = ProposalSection.get_by_id(section_id)
    editable(section.proposal_id)
    section.delete_instance()


# ---------------------------------------------------------------- totals


def lines_of(proposal_id: int) -> list[Line]:
    return [
        Line(
            description=i.description,
            quantity=i.quantity,
            unit_price=i.unit_price,
            discount=i.discount,
            tax_rate=i.tax_rate,
            optional=i.optional,
            heading=i.kind == "heading",
        )
        for i in items(proposal_id)
    ]


def totals(proposal: Proposal) -> ProposalTotals:
    return compute_totals(
        lines_of(proposal.id), proposal.currency, proposal.document_discount, proposal.rounding
    )


# ---------------------------------------------------------------- life cycle


def mark_sent(proposal_id: int, pdf: bytes) -> Proposal:
    """Record that ``pdf`` went to the client: the bytes are kept, the deal moves on."""
    proposal = Proposal.get_by_id(proposal_id)
    if proposal.status != "draft":
        raise ProposalError(f"{proposal.label} was already {proposal.status}.")
    with db.atomic():
        stored = StoredFile.create(name=f"{proposal.label}.pdf", mime_type="application/pdf", data=pdf)
        proposal.status, proposal.sent_at, proposal.sent_pdf = "sent", utc_now(), stored
        proposal.save()
        if proposal.previous_id:
            Proposal.update(status="superseded").where(Proposal.id == proposal.previous_id).execute()
        _log(
            proposal,
            f"Proposal {proposal.label} sent: {proposal.title} "
            f"({totals(proposal).total} {proposal.currency})",
        )
        if proposal.deal_id:
            deal = Deal.get_by_id(proposal.deal_id)
            target = next((s for s in pipeline.open_stages() if s.name.lower() == "proposal sent"), None)
            if deal.stage.kind == "open" and target and deal.stage.position < target.position:
                pipeline.move_deal(deal.id, target.id)
    return proposal


def sent_pdf(proposal_id: int) -> bytes | None:
    proposal = Proposal.get_by_id(proposal_id)
    return bytes(proposal.sent_pdf.data) if proposal.sent_pdf_id else None


def new_revision(proposal_id: int) -> Proposal:
    """A draft copy of a sent proposal to change; the sent one keeps its PDF."""
    source = Proposal.get_by_id(proposal_id)
    if source.status == "draft":
        raise ProposalError(f"{source.label} is still a draft: change it directly.")
    latest = Proposal.select(fn.max(Proposal.revision)).where(Proposal.number == source.number).scalar()
    with db.atomic():
        revision = _copy(source, number=source.number, revision=latest + 1, previous=source.id)
        _log(revision, f"Proposal {revision.label} drafted (revision of {source.label})")
    return revision


def duplicate(proposal_id: int) -> Proposal:
    """A new proposal (new number) with the same content."""
    source = Proposal.get_by_id(proposal_id)
    profile = settings.load_profile()
    with db.atomic():
        return _copy(
            source,
            number=_next_number(date.today().year, profile.proposal_prefix),
            revision=1,
            previous=None,
            title=f"{source.title} (copy)",
        )


def _copy(source: Proposal, **overrides) -> Proposal:
    today = date.today()
    data = {
        k: getattr(source, k)
        for k in ("title", "currency", "locale", "intro", "closing", "document_discount", "rounding")
    }
    data.update(
        contact=source.contact_id,
        deal=source.deal_id,
        issue_date=today,
        valid_until=today + (source.valid_until - source.issue_date),
    )
    data.update(overrides)
    copy = Proposal.create(status="draft", **data)
    for item in items(source.id):
        ProposalItem.create(
            proposal=copy,
            position=item.position,
            kind=item.kind,
            product=item.product_id,
            description=item.description,
            quantity=item.quantity,
            unit=item.unit,
            unit_price=item.unit_price,
            discount=item.discount,
            tax_rate=item.tax_rate,
            optional=item.optional,
        )
    for section in sections(source.id):
        ProposalSection.create(
            proposal=copy, position=section.position, title=section.title, body=section.body
        )
    return copy


def _decided(proposal_id: int, status: str) -> Proposal:
    """Record the client's answer to a sent (or expired) proposal."""
    proposal = Proposal.get_by_id(proposal_id)
    if proposal.status not in ("sent", "expired"):
        verb = "accepted" if status == "accepted" else "declined"
        raise ProposalError(f"Only a sent proposal can be {verb} ({proposal.label} is {proposal.status}).")
    proposal.status, proposal.decided_at = status, utc_now()
    proposal.save()
    return proposal


def accept(proposal_id: int) -> Proposal:
    """The client said yes: the proposal is accepted and its deal is Won at its total."""
    with db.atomic():
        proposal = _decided(proposal_id, "accepted")
        total = totals(proposal).total
        _log(proposal, f"Proposal {proposal.label} accepted ({total} {proposal.currency})")
        if proposal.deal_id:
            pipeline.mark_won(proposal.deal_id, total)
    return proposal


def decline(proposal_id: int) -> Proposal:
    with db.atomic():
        proposal = _decided(proposal_id, "declined")
        _log(proposal, f"Proposal {proposal.label} declined")
    return proposal


def expire_overdue(today: date | None = None) -> int:
    """Sent proposals past their valid-until date become expired; returns how many."""
    today = today or date.today()
    return (
        Proposal.update(status="expired")
        .where((Proposal.status == "sent") & (Proposal.valid_until < today))
        .execute()
    )


def find(number: str) -> Proposal | None:
    """By label (P-2026-0001 is its newest revision, P-2026-0001-R1 the first)."""
    number = number.strip()
    base, _, rev = number.rpartition("-R")
    if base and rev.isdigit():
        return Proposal.get_or_none((Proposal.number == base) & (Proposal.revision == int(rev)))
    return Proposal.select().where(Proposal.number == number).order_by(Proposal.revision.desc()).first()


def all_proposals() -> list[Proposal]:
    return list(
        Proposal.select().order_by(
            Proposal.issue_date.desc(), Proposal.number.desc(), Proposal.revision.desc()
        )
    )


def client_of(proposal: Proposal) -> Contact | None:
    return Contact.get_or_none(Contact.id == proposal.contact_id) if proposal.contact_id else None


# ---------------------------------------------------------------- catalog and blocks


def save_product(
    name: str,
    unit_price,
    *,
    description: str = "",
    unit: str = "",
    tax_rate=None,
    active: bool = True,
    product_id: int | None = None,
) -> Product:
    if not name.strip():
        raise ProposalError("A product needs a name.")
    price = to_decimal(unit_price, "unit price")
    if price < 0:
        raise ProposalError("The unit price cannot be negative.")
    check_bounds(price, "unit price", Decimal(0), MAX_UNIT_PRICE, PRICE_PLACES)
    rate = None if tax_rate in (None, "") else to_decimal(tax_rate, "tax rate")
    if rate is not None and not 0 <= rate <= 100:
        raise ProposalError("The tax rate must be from 0 to 100 %.")
    if rate is not None:
        check_bounds(rate, "tax rate", Decimal(0), Decimal(100), PERCENT_PLACES)
    values = {
        "name": name.strip(),
        "description": description.strip(),
        "unit": unit.strip(),
        "unit_price": price,
        "tax_rate": rate,
        "active": active,
    }
    if product_id:
        Product.update(**values).where(Product.id == product_id).execute()
        return Product.get_by_id(product_id)
    return Product.create(**values)


def products(active_only: bool = True) -> list[Product]:
    query = Product.select().order_by(Product.name)
    return list(query.where(Product.active == True) if active_only else query)  # noqa: E712


def save_block(title: str, body: str, block_id: int | None = None) -> ContentBlock:
    if not title.strip():
        raise ProposalError("A content block needs a title.")
    if block_id:
        ContentBlock.update(title=title.strip(), body=body.strip()).where(
            ContentBlock.id == block_id
        ).execute()
        return ContentBlock.get_by_id(block_id)
    return ContentBlock.create(title=title.strip(), body=body.strip())


def blocks() -> list[ContentBlock]:
    return list(ContentBlock.select().order_by(ContentBlock.title))


def for_deal(deal_id: int) -> list[Proposal]:
    return list(Proposal.select().where(Proposal.deal == deal_id).order_by(Proposal.id))


def find_proposals(text: str, limit: int = 6) -> list[Proposal]:
    pattern = f"%{text.strip()}%"
    return list(Proposal.select().where((Proposal.title**pattern) | (Proposal.number**pattern)).limit(limit))


__all__ = ["ItemData", "PricingError", "ProposalError"]
