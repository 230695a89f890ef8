"""Campaigns as the screens show them: plain data read in one go, so a widget never holds a
live row that lazy-loads on the GUI thread (Qt-free; the CLI and tests use it too)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.message import EmailMessage

from smarketer.campaigns import outbox
from smarketer.campaigns.compose import header_text, parts
from smarketer.db.models.campaigns import Campaign, EmailTemplate, OutboxMessage, OutboxState
from smarketer.db.models.contacts import Contact
from smarketer.db.rows import tuples

EDITABLE = ("draft", "scheduled")


@dataclass(frozen=True)
class CampaignDetails:
    """One campaign, with its outbox rows counted (for the list)."""

    id: int
    name: str
    status: str
    audience_kind: str
    audience: str
    subject: str
    body: str
    plain_only: bool
    pause_reason: str
    parent_id: int | None  # a follow-up step's previous step
    parent_name: str
    delay_days: int | None
    sent: int = 0
    total: int = 0  # outbox rows

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def has_audience(self) -> bool:
        return (self.audience_kind, self.audience) != outbox.NO_AUDIENCE

    @property
    def picked(self) -> int:
        """How many contacts were picked by hand (an audience of kind "contacts")."""
        return len(json.loads(self.audience)) if self.audience_kind == "contacts" else 0


def _details(c: Campaign, counts: dict[str, int] | None = None) -> CampaignDetails:
    counts = counts or {}
    parent = c.parent if c.parent_id else None
    return CampaignDetails(
        id=c.id,
        name=c.name,
        status=c.status,
        audience_kind=c.audience_kind,
        audience=c.audience,
        subject=c.subject,
        body=c.body,
        plain_only=c.plain_only,
        pause_reason=c.pause_reason,
        parent_id=c.parent_id,
        parent_name=parent.name if parent else "",
        delay_days=c.delay_days,
        sent=counts.get(OutboxState.SENT, 0),
        total=sum(counts.values()),
    )


def campaign_list() -> list[CampaignDetails]:
    """Every campaign, newest first, with its outbox rows counted."""
    return [_details(c, counts) for c, counts in outbox.campaigns_with_counts()]


def campaign_details(campaign_id: int) -> CampaignDetails | None:
    """The campaign, or None if it was removed meanwhile."""
    c = Campaign.get_or_none(Campaign.id == campaign_id)
    return _details(c) if c else None


def update_draft(campaign_id: int, **fields) -> CampaignDetails:
    """Save edits to a draft (see ``outbox.update_campaign`` for what is checked)."""
    return _details(outbox.update_campaign(campaign_id, **fields))


# ---------------------------------------------------------------- saved templates


@dataclass(frozen=True)
class TemplateChoice:
    id: int
    name: str
    subject: str
    body: str
    plain_only: bool


def template_choices() -> list[TemplateChoice]:
    """The saved templates, by name."""
    return [
        TemplateChoice(t.id, t.name, t.subject, t.body, t.plain_only)
        for t in EmailTemplate.select().order_by(EmailTemplate.name)
    ]


# ---------------------------------------------------------------- one recipient's email


@dataclass(frozen=True)
class PreviewEmail:
    """One recipient's email as a preview shows it; ``problem`` says why it cannot be made."""

    recipient: str  # their name, else their address
    to: str = ""
    subject: str = ""
    text: str = ""
    html: str | None = None
    problem: str = ""


def preview_email(campaign_id: int, contact_id: int) -> PreviewEmail:
    contact = Contact.get_by_id(contact_id)
    recipient = contact.full_name or contact.email
    try:
        msg = outbox.preview(Campaign.get_by_id(campaign_id), contact_id)
    except Exception as exc:  # noqa: BLE001 - a missing field shows as text, not a crash
        return PreviewEmail(recipient, problem=str(exc))
    text, html = parts(msg)
    return PreviewEmail(recipient, header_text(msg, "To"), header_text(msg, "Subject"), text, html)


def email_for_owner(campaign_id: int, contact_id: int, to: str) -> EmailMessage:
    """The email ``contact_id`` would get, addressed to ``to`` (the owner) instead."""
    msg = outbox.preview(Campaign.get_by_id(campaign_id), contact_id)
    del msg["To"]
    msg["To"] = to
    return msg


# ---------------------------------------------------------------- the outbox, a page at a time


@dataclass(frozen=True)
class OutboxLine:
    id: int
    email: str
    state: str
    reply: str  # the server's last answer


def outbox_page(campaign_id: int, after_id: int = 0, limit: int = 500) -> list[OutboxLine]:
    """Up to ``limit`` outbox rows of the campaign after ``after_id``, in queue order (a
    keyset page: the cost does not grow with how far down the list is)."""
    return [
        OutboxLine(*row)
        for row in tuples(
            OutboxMessage.select(
                OutboxMessage.id, OutboxMessage.email, OutboxMessage.state, OutboxMessage.reply
            )
            .where((OutboxMessage.campaign == campaign_id) & (OutboxMessage.id > after_id))
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    ]
