"""A proposal as its editor shows it: the header, its lines and sections, the catalog's
choices, as plain data (no row that lazy-loads), and the header saved from plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from peewee import JOIN

from smarketer.db.models.contacts import Contact
from smarketer.db.models.deals import Deal
from smarketer.db.models.proposals import Proposal
from smarketer.pipeline.deals import deals_for
from smarketer.proposals.catalog import blocks, products
from smarketer.proposals.contents import items, lines_of, sections
from smarketer.proposals.drafts import update_proposal
from smarketer.proposals.pricing import ProposalTotals, compute_totals


@dataclass(frozen=True)
class ProposalRecord:
    """A proposal's header with the version it was read at (for ``expected_version``)."""

    id: int
    number: str
    revision: int
    version: int
    status: str
    title: str
    contact_id: int | None
    client_email: str  # "" without a client or without an address
    deal_id: int | None
    deal_title: str
    issue_date: date
    valid_until: date
    currency: str
    locale: str
    rounding: str
    document_discount: Decimal
    intro: str
    closing: str
    sent_at: datetime | None
    sent_pdf_id: int | None

    @property
    def label(self) -> str:
        return self.number if self.revision == 1 else f"{self.number}-R{self.revision}"


@dataclass(frozen=True)
class ItemRow:
    """One line as the editor's table shows it."""

    id: int
    kind: str  # item | heading
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount: Decimal
    tax_rate: Decimal
    optional: bool


@dataclass(frozen=True)
class SectionRow:
    id: int
    title: str
    body: str


def _record(p: Proposal) -> ProposalRecord:
    return ProposalRecord(
        id=p.id,
        number=p.number,
        revision=p.revision,
        version=p.version,
        status=p.status,
        title=p.title,
        contact_id=p.contact_id,
        client_email=(p.contact.email or "") if p.contact_id and p.contact is not None else "",
        deal_id=p.deal_id,
        deal_title=p.deal.title if p.deal_id and p.deal is not None else "",
        issue_date=p.issue_date,
        valid_until=p.valid_until,
        currency=p.currency,
        locale=p.locale,
        rounding=p.rounding,
        document_discount=p.document_discount,
        intro=p.intro,
        closing=p.closing,
        sent_at=p.sent_at,
        sent_pdf_id=p.sent_pdf_id,
    )


def proposal_record(proposal_id: int | None) -> ProposalRecord | None:
    """The proposal with its client and deal read in the same query; None when it is gone."""
    if not proposal_id:
        return None
    found = (
        Proposal.select(Proposal, Contact, Deal)
        .join(Contact, JOIN.LEFT_OUTER, on=(Proposal.contact == Contact.id))
        .switch(Proposal)
        .join(Deal, JOIN.LEFT_OUTER, on=(Proposal.deal == Deal.id))
        .where(Proposal.id == proposal_id)
        .get_or_none()
    )
    return _record(found) if found is not None else None


def update_header(proposal_id: int, *, expected_version: int | None = None, **fields: Any) -> ProposalRecord:
    """``drafts.update_proposal`` (same errors), answered as plain data."""
    update_proposal(proposal_id, expected_version=expected_version, **fields)
    record = proposal_record(proposal_id)
    assert record is not None  # just saved
    return record


def item_rows(proposal_id: int) -> list[ItemRow]:
    return [
        ItemRow(
            i.id, i.kind, i.description, i.quantity, i.unit, i.unit_price, i.discount, i.tax_rate, i.optional
        )
        for i in items(proposal_id)
    ]


def section_rows(proposal_id: int) -> list[SectionRow]:
    return [SectionRow(s.id, s.title, s.body) for s in sections(proposal_id)]


def totals_of(record: ProposalRecord) -> ProposalTotals:
    """The totals as the PDF prints them (``pricing.PricingError`` when they cannot be made)."""
    return compute_totals(lines_of(record.id), record.currency, record.document_discount, record.rounding)


def product_choices() -> list[tuple[int, str, Decimal]]:
    """(id, name, unit price) of the active products, for a menu."""
    return [(p.id, p.name, p.unit_price) for p in products()]


def block_choices() -> list[tuple[int, str]]:
    """(id, title) of the library's content blocks, for a menu."""
    return [(b.id, b.title) for b in blocks()]


def deal_choices(contact_id: int | None) -> list[tuple[int, str]]:
    """(id, title) of the deals a proposal for ``contact_id`` may belong to (every deal when None)."""
    return [(d.id, d.title) for d in deals_for(contact_id)]
