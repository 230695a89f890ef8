"""Proposals as records: gapless numbering, creating, editing and deleting a draft, finding.

Numbers are ``{prefix}-{year}-{nnnn}`` from a per-year sequence taken in the same transaction
that creates the proposal; only the newest draft of a year can be deleted (its number is given
back), so the sequence never has a gap. A revision keeps the number and adds ``-R2``, ``-R3``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from smarketer import settings
from smarketer.conflicts import checked
from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models.contacts import Activity, Contact
from smarketer.db.models.deals import Deal
from smarketer.db.models.proposals import Proposal, ProposalSequence
from smarketer.errors import UserError
from smarketer.proposals.pricing import ROUNDING_POLICIES, to_decimal

DEFAULT_VALID_DAYS = 30
EDITABLE = ("draft",)


class ProposalError(UserError, ValueError):
    """A proposal change that cannot be made; the message says why."""


def next_number(year: int, prefix: str) -> str:
    """The year's next number, taken in one statement (an upsert adding one): two seats
    drafting at the same moment never get the same number (the second waits for the first's
    transaction, on a file as on a server)."""
    table = ProposalSequence._meta.table_name
    (last,) = db.execute_sql(
        f"INSERT INTO {table} (year, last) VALUES (?, 1) "
        f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
        (year,),
    ).fetchone()
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
            number=next_number(issue_date.year, profile.proposal_prefix),
            title=title,
            contact=contact_id,
            deal=deal_id,
            issue_date=issue_date,
            valid_until=issue_date + timedelta(days=valid_days),
            currency=currency or profile.currency,
            locale=profile.locale,
            rounding=rounding,
        )
        log_activity(proposal, f"Proposal {proposal.label} drafted: {title}")
    return proposal


def log_activity(proposal: Proposal, summary: str) -> None:
    if proposal.contact_id:
        Activity.create(
            contact=proposal.contact_id,
            kind="proposal",
            summary=summary,
            ref_type="proposal",
            ref_id=proposal.id,
        )


def update_proposal(proposal_id: int, *, expected_version: int | None = None, **fields: Any) -> Proposal:
    """Change a draft's header fields; ``conflicts.EditConflict`` when someone else saved the
    proposal since ``expected_version`` (nothing is written then)."""
    proposal = editable(proposal_id)
    proposal.expect(expected_version)
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
    with checked("proposal"):
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


def for_deal(deal_id: int) -> list[Proposal]:
    return list(Proposal.select().where(Proposal.deal == deal_id).order_by(Proposal.id))


def find_proposals(text: str, limit: int = 6) -> list[Proposal]:
    pattern = f"%{text.strip()}%"
    return list(Proposal.select().where((Proposal.title**pattern) | (Proposal.number**pattern)).limit(limit))
