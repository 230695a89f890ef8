"""Emailing a proposal to its client with the PDF attached, through the owner's account.

The proposal is marked sent (and its PDF bytes kept) only once the server has accepted the
email, so "sent" always means sent.
"""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage

from smarketer import settings
from smarketer.campaigns.account import load_account
from smarketer.campaigns.compose import address
from smarketer.campaigns.transport import SmtpTransport
from smarketer.db.models.contacts import Activity, Contact
from smarketer.db.models.proposals import Proposal
from smarketer.money import format_money
from smarketer.proposals.contents import totals
from smarketer.proposals.drafts import ProposalError, client_of
from smarketer.proposals.lifecycle import mark_sent, sent_pdf
from smarketer.proposals.pdf import build_pdf


def _client_to_email(proposal: Proposal) -> Contact:
    client = client_of(proposal)
    if client is None or not client.email:
        raise ProposalError("The proposal's client has no email address.")
    return client


def proposal_email(proposal: Proposal, pdf: bytes) -> EmailMessage:
    client = _client_to_email(proposal)
    profile, account = settings.load_profile(), load_account()
    total = format_money(totals(proposal).total, proposal.currency, proposal.locale)
    msg = EmailMessage()
    msg["From"] = address(account.from_name or profile.name, account.from_address)
    msg["To"] = address(client.full_name, client.email)
    msg["Subject"] = f"Proposal {proposal.label}: {proposal.title}"
    greeting = client.first_name or client.full_name or "there"
    msg.set_content(
        f"Hello {greeting},\n\nplease find attached our proposal {proposal.label} "
        f"“{proposal.title}” ({total}), valid until {proposal.valid_until:%d %B %Y}.\n\n"
        f"To accept it, sign the last page and send it back, or simply reply to this email.\n\n"
        f"Kind regards,\n{account.from_name or profile.name}\n{profile.name}\n"
    )
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"{proposal.label}.pdf")
    return msg


def email_proposal(
    proposal_id: int, password: str | None, transport_factory: Callable[..., SmtpTransport] | None = None
) -> str:
    """Send the proposal; returns the server's reply. A draft becomes sent."""
    proposal = Proposal.get_by_id(proposal_id)
    pdf = sent_pdf(proposal_id) or build_pdf(proposal_id)
    msg = proposal_email(proposal, pdf)
    account = load_account()
    transport = (transport_factory or SmtpTransport)(account, password)
    try:
        reply = transport.send(msg, _client_to_email(proposal).email)
    finally:
        transport.close()
    if proposal.status == "draft":
        mark_sent(proposal_id, pdf)
    Activity.create(
        contact=proposal.contact_id,
        kind="email",
        summary=f"Proposal {proposal.label} emailed with its PDF",
        ref_type="proposal",
        ref_id=proposal_id,
    )
    return reply
