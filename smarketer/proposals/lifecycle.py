"""A proposal's life after drafting: sending (the exact PDF bytes are kept, the deal moves on),
revisions and copies, the client's answer (accepted: the deal is Won at the total) and expiry."""

from __future__ import annotations

from datetime import date
from typing import Any

from peewee import fn

from smarketer import settings
from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models.base import StoredFile
from smarketer.db.models.deals import Deal
from smarketer.db.models.proposals import Proposal, ProposalItem, ProposalSection
from smarketer.pipeline.deals import mark_won, move_deal
from smarketer.pipeline.stage_list import open_stages
from smarketer.proposals.contents import items, sections, totals
from smarketer.proposals.drafts import ProposalError, log_activity, next_number


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
        log_activity(
            proposal,
            f"Proposal {proposal.label} sent: {proposal.title} "
            f"({totals(proposal).total} {proposal.currency})",
        )
        if proposal.deal_id:
            deal = Deal.get_by_id(proposal.deal_id)
            target = next((s for s in open_stages() if s.name.lower() == "proposal sent"), None)
            if deal.stage.kind == "open" and target and deal.stage.position < target.position:
                move_deal(deal.id, target.id)
    return proposal


def sent_pdf(proposal_id: int) -> bytes | None:
    proposal = Proposal.get_by_id(proposal_id)
    return bytes(proposal.sent_pdf.data) if proposal.sent_pdf_id and proposal.sent_pdf else None


def new_revision(proposal_id: int) -> Proposal:
    """A draft copy of a sent proposal to change; the sent one keeps its PDF."""
    source = Proposal.get_by_id(proposal_id)
    if source.status == "draft":
        raise ProposalError(f"{source.label} is still a draft: change it directly.")
    latest = Proposal.select(fn.max(Proposal.revision)).where(Proposal.number == source.number).scalar()
    with db.atomic():
        revision = _copy(source, number=source.number, revision=latest + 1, previous=source.id)
        log_activity(revision, f"Proposal {revision.label} drafted (revision of {source.label})")
    return revision


def duplicate(proposal_id: int) -> Proposal:
    """A new proposal (new number) with the same content."""
    source = Proposal.get_by_id(proposal_id)
    profile = settings.load_profile()
    with db.atomic():
        return _copy(
            source,
            number=next_number(date.today().year, profile.proposal_prefix),
            revision=1,
            previous=None,
            title=f"{source.title} (copy)",
        )


def _copy(source: Proposal, **overrides: Any) -> Proposal:
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
        log_activity(proposal, f"Proposal {proposal.label} accepted ({total} {proposal.currency})")
        if proposal.deal_id:
            mark_won(proposal.deal_id, total)
    return proposal


def decline(proposal_id: int) -> Proposal:
    with db.atomic():
        proposal = _decided(proposal_id, "declined")
        log_activity(proposal, f"Proposal {proposal.label} declined")
    return proposal


def expire_overdue(today: date | None = None) -> int:
    """Sent proposals past their valid-until date become expired; returns how many."""
    today = today or date.today()
    return (
        Proposal.update(status="expired")
        .where((Proposal.status == "sent") & (Proposal.valid_until < today))
        .execute()
    )
