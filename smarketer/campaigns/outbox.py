"""Campaigns and their durable outbox: one row per recipient, queued → sending → sent | failed.
(The sender that works the outbox is ``sender.py``.)

The promise is "never twice": a row is committed as ``sending`` before the SMTP transaction
and as ``sent`` right after the server accepts it. A row found ``sending`` when no sender is
alive (a crash, a kill) becomes ``unknown`` and is shown to the owner instead of being resent;
so does a message whose connection broke after its data went out. Only one sender works a
campaign at a time (a lease in the campaign row). Replies about the owner's account (535
authentication, 5.7.x policy, quota or daily limits) pause the campaign instead of failing
recipient after recipient; a 5.1.x rejection marks the contact bounced; 4xx replies are retried
with backoff; with the network down the sender waits and carries on by itself.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from peewee import fn

from smarketer import settings
from smarketer.campaigns import templates
from smarketer.campaigns.account import SmtpAccount, load_account
from smarketer.campaigns.audience import (  # noqa: F401 - who receives: see audience.py
    Audience,
    audience,
    context_for,
    missing_fields,
    queue,
)
from smarketer.campaigns.compose import build_message
from smarketer.campaigns.errors import CampaignError
from smarketer.campaigns.lease import (  # noqa: F401 - the outbox's public names
    LEASE_SECONDS,
    CampaignBusy,
    claim,
    free_dead_leases,
    new_owner,
    release,
)
from smarketer.campaigns.suppression import (  # noqa: F401 - the outbox's public names
    addresses_in,
    is_suppressed,
    suppress,
    unsubscribe_by_token,
    unsubscribe_contact,
    unsubscribe_list,
)
from smarketer.contacts.saved_segments import find_segment, segment_by_id
from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models.campaigns import Campaign, OutboxMessage, OutboxState
from smarketer.db.models.contacts import Contact, Tag
from smarketer.db.models.deals import Deal
from smarketer.db.rows import tuples

RETRY_DELAYS = (60, 300, 1800)  # seconds before the 2nd, 3rd and 4th try of a 4xx
MAX_CONSECUTIVE_ERRORS = 5


# ---------------------------------------------------------------- campaigns and audiences


def create_campaign(
    name: str, audience_kind: str, audience: str, subject: str, body: str, plain_only: bool = False
) -> Campaign:
    name = name.strip()
    if not name:
        raise CampaignError("A campaign needs a name.")
    if Campaign.select().where(fn.lower(Campaign.name) == name.lower()).exists():
        raise CampaignError(f"There is already a campaign named {name!r}.")
    _check_audience(audience_kind, audience)
    if not subject.strip():
        raise CampaignError("The email needs a subject.")
    templates.check(subject, body)
    return Campaign.create(
        name=name,
        audience_kind=audience_kind,
        audience=str(audience),
        subject=subject,
        body=body,
        plain_only=plain_only,
    )


def create_follow_up(parent_id: int, delay_days: int, body: str, subject: str | None = None) -> Campaign:
    """Step 2 (3, …) of a sequence: sent ``delay_days`` after the previous step, in the same
    thread, only to those who have not replied, unsubscribed or bounced."""
    parent = Campaign.get_by_id(parent_id)
    if not 1 <= int(delay_days) <= 365:
        raise CampaignError("Wait 1 to 365 days before a follow-up.")
    steps = Campaign.select().where(Campaign.parent == parent_id).count()
    subject = subject or (
        parent.subject if parent.subject.lower().startswith("re:") else f"Re: {parent.subject}"
    )
    templates.check(subject, body)
    return Campaign.create(
        name=f"{parent.name} – follow-up {steps + 1}",
        audience_kind=parent.audience_kind,
        audience=parent.audience,
        subject=subject,
        body=body,
        plain_only=parent.plain_only,
        parent=parent_id,
        delay_days=int(delay_days),
    )


#: A draft whose audience is not chosen yet (a new campaign starts so); start() refuses it.
NO_AUDIENCE = ("contacts", "[]")


def has_audience(campaign: Campaign) -> bool:
    return (campaign.audience_kind, campaign.audience) != NO_AUDIENCE


def _check_audience(kind: str, audience: str) -> None:
    if kind == "segment":
        if segment_by_id(int(audience)) is None:
            raise CampaignError("That segment no longer exists.")
    elif kind == "tag":
        if not Tag.get_or_none(fn.lower(Tag.name) == str(audience).lower()):
            raise CampaignError(f"No contact is tagged {audience!r}.")
    elif kind == "contacts":
        if not isinstance(json.loads(audience), list):
            raise CampaignError("Pick contacts by their ids.")
    else:
        raise CampaignError("The audience is a segment, a tag or picked contacts.")


def update_campaign(campaign_id: int, **fields) -> Campaign:
    campaign = Campaign.get_by_id(campaign_id)
    if campaign.status not in ("draft", "scheduled"):
        raise CampaignError("A campaign that has started sending cannot be changed.")
    if "subject" in fields or "body" in fields:
        templates.check(fields.get("subject", campaign.subject), fields.get("body", campaign.body))
    if "audience_kind" in fields or "audience" in fields:
        _check_audience(
            fields.get("audience_kind", campaign.audience_kind), fields.get("audience", campaign.audience)
        )
    for key, value in fields.items():
        setattr(campaign, key, value)
    campaign.save()
    return campaign


def find_campaign(name: str) -> Campaign | None:
    return Campaign.get_or_none(fn.lower(Campaign.name) == name.strip().lower())


def resolve_audience(text: str) -> tuple[str, str]:
    """A segment name, else a tag name → (kind, audience) for create_campaign."""
    segment = find_segment(text)
    if segment:
        return "segment", str(segment.id)
    tag = Tag.get_or_none(fn.lower(Tag.name) == text.strip().lower())
    if tag:
        return "tag", tag.name
    raise CampaignError(f"No segment or tag named {text!r}.")


def message_for(
    campaign: Campaign,
    contact: Contact | SimpleNamespace,  # the sender passes the recipient as a namespace
    token: str,
    message_id: str | None = None,
    profile=None,
    account=None,
    in_reply_to: str | None = None,
):
    """The email for one recipient (``profile``/``account`` passed in by a sender that
    renders thousands, read from the store otherwise)."""
    profile = profile or settings.load_profile()
    account = account or load_account()
    rendered = templates.render(
        campaign.subject, campaign.body, context_for(contact, token, profile, account), campaign.plain_only
    )
    return build_message(
        rendered,
        to_name=contact.full_name,
        to_email=contact.email,
        account=account,
        profile=profile,
        token=token,
        message_id=message_id,
        references=in_reply_to,
    )


def preview(campaign: Campaign, contact_id: int):
    return message_for(campaign, Contact.get_by_id(contact_id), "preview-token")


# ---------------------------------------------------------------- life cycle


def ready_to_send(account: SmtpAccount | None = None) -> None:
    account = account or load_account()
    profile = settings.load_profile()
    if not profile.address.strip():
        raise CampaignError(
            "Add your postal address to the business profile (Settings) first: "
            "every campaign email must carry it."
        )
    if not account.configured:
        raise CampaignError("Set up your email account (Settings → Email account) first.")


def start(campaign_id: int, at: datetime | None = None) -> Campaign:
    """Queue the recipients and send now, or at ``at`` (the app or the CLI does the sending).

    Only the fields that change are written, and only while the campaign may still start:
    a stale copy of the row never overwrites a sender's lease or a newer status."""
    ready_to_send()
    campaign = Campaign.get_by_id(campaign_id)
    if campaign.status in ("done", "cancelled"):
        raise CampaignError(f"{campaign.name} is {campaign.status}.")
    if not has_audience(campaign):
        raise CampaignError("Choose who receives it (an audience) first.")
    queue(campaign_id)
    scheduled = bool(at and at > utc_now())
    Campaign.update(
        status="scheduled" if scheduled else "sending",
        scheduled_at=at if scheduled else None,
        pause_reason="",
    ).where(
        (Campaign.id == campaign_id) & Campaign.status.in_(["draft", "scheduled", "paused", "sending"])
    ).execute()
    return Campaign.get_by_id(campaign_id)


def pause(campaign_id: int, reason: str = "Paused by you.") -> None:
    Campaign.update(status="paused", pause_reason=reason).where(
        (Campaign.id == campaign_id) & Campaign.status.in_(["sending", "scheduled"])
    ).execute()


def resume(campaign_id: int) -> None:
    ready_to_send()
    queue(campaign_id)
    Campaign.update(status="sending", pause_reason="").where(
        (Campaign.id == campaign_id) & Campaign.status.in_(["paused", "done"])
    ).execute()


def cancel(campaign_id: int) -> None:
    with db.atomic():
        Campaign.update(status="cancelled", finished_at=utc_now()).where(Campaign.id == campaign_id).execute()
        OutboxMessage.update(state=OutboxState.SKIPPED, reply="campaign cancelled").where(
            (OutboxMessage.campaign == campaign_id) & (OutboxMessage.state == OutboxState.QUEUED)
        ).execute()


def due_follow_ups() -> list[Campaign]:
    """Started follow-up steps with recipients due now (queued for the outbox)."""
    due = []
    for campaign in Campaign.select().where(Campaign.parent.is_null(False) & (Campaign.status == "sending")):
        if (
            queue(campaign.id)
            or OutboxMessage.select()
            .where((OutboxMessage.campaign == campaign.id) & (OutboxMessage.state == OutboxState.QUEUED))
            .exists()
        ):
            due.append(campaign)
    return due


def due_scheduled(now: datetime | None = None) -> list[Campaign]:
    now = now or utc_now()
    due = []
    for campaign in Campaign.select().where(
        (Campaign.status == "scheduled") & (Campaign.scheduled_at <= now)
    ):
        if (
            Campaign.update(status="sending")
            .where(  # whoever flips it first starts it
                (Campaign.id == campaign.id) & (Campaign.status == "scheduled")
            )
            .execute()
        ):
            due.append(campaign)
    return due


def recover_interrupted(now: datetime | None = None) -> int:
    """Rows left ``sending`` by a sender that is gone become ``unknown`` (never resent)."""
    now = now or utc_now()
    free_dead_leases()
    stale = Campaign.select(Campaign.id).where(Campaign.lock_until.is_null() | (Campaign.lock_until < now))
    return (
        OutboxMessage.update(
            state=OutboxState.UNKNOWN,
            reply="interrupted while sending: check your Sent folder before sending it again",
        )
        .where((OutboxMessage.state == OutboxState.SENDING) & OutboxMessage.campaign.in_(stale))
        .execute()
    )


def sent_in_last_day(now: datetime | None = None) -> int:
    now = now or utc_now()
    return (
        OutboxMessage.select()
        .where((OutboxMessage.state == OutboxState.SENT) & (OutboxMessage.sent_at > now - timedelta(days=1)))
        .count()
    )


# ---------------------------------------------------------------- report


@dataclass
class CampaignReport:
    recipients: int
    by_state: Counter
    excluded: Counter
    without_consent: int
    failures: list[tuple[str, str]]  # (email, reply)
    unknown: list[tuple[str, str]]
    unsubscribed_since: int
    deals_opened: int
    first_sent: datetime | None
    replies: int = 0  # contacts who replied (auto-replies not counted)

    @property
    def reply_rate(self) -> float | None:
        sent = self.by_state[OutboxState.SENT]
        return self.replies / sent if sent else None


def report(campaign_id: int, attribution_days: int = 30) -> CampaignReport:
    campaign = Campaign.get_by_id(campaign_id)
    rows = list(OutboxMessage.select().where(OutboxMessage.campaign == campaign_id))
    aud = audience(campaign)
    sent = [r for r in rows if r.state == OutboxState.SENT]
    first = min((r.sent_at for r in sent), default=None)
    ids = [r.contact_id for r in sent if r.contact_id]
    deals = unsubscribed = 0
    if first and ids:
        unsubscribed = (
            Contact.select().where(Contact.id.in_(ids) & (Contact.unsubscribed_at >= first)).count()
        )
        deals = (
            Deal.select()
            .where(
                (Deal.campaign_id == campaign_id)
                | (
                    Deal.contact.in_(ids)
                    & (Deal.created_at >= first)
                    & (Deal.created_at <= first + timedelta(days=attribution_days))
                )
            )
            .count()
        )
    return CampaignReport(
        recipients=len(rows),
        by_state=Counter(r.state for r in rows),
        excluded=aud.excluded,
        without_consent=aud.without_consent,
        failures=[(r.email, r.reply) for r in rows if r.state == OutboxState.FAILED],
        unknown=[(r.email, r.reply) for r in rows if r.state == OutboxState.UNKNOWN],
        unsubscribed_since=unsubscribed,
        deals_opened=deals,
        first_sent=first,
        replies=_replies(campaign_id),
    )


def _replies(campaign_id: int) -> int:
    from smarketer.inbox.process import replies

    return replies(campaign_id)


# ---------------------------------------------------------------- lookups for the UI


def campaigns_with_counts() -> list[tuple[Campaign, dict[str, int]]]:
    """Every campaign, newest first, with its outbox rows counted by state."""
    counts: dict[int, dict[str, int]] = {}
    for campaign_id, state, n in tuples(
        OutboxMessage.select(
            OutboxMessage.campaign, OutboxMessage.state, fn.COUNT(OutboxMessage.id)
        ).group_by(OutboxMessage.campaign, OutboxMessage.state)
    ):
        counts.setdefault(campaign_id, {})[state] = n
    return [(c, counts.get(c.id, {})) for c in Campaign.select().order_by(Campaign.created_at.desc())]


def outbox_rows(campaign_id: int) -> list[OutboxMessage]:
    return list(
        OutboxMessage.select().where(OutboxMessage.campaign == campaign_id).order_by(OutboxMessage.id)
    )


def saved_templates():
    from smarketer.db.models.campaigns import EmailTemplate

    return list(EmailTemplate.select().order_by(EmailTemplate.name))


def save_template(name: str, subject: str, body: str, plain_only: bool = False):
    """Keep (or replace) a reusable template under ``name``."""
    from smarketer.db.models.campaigns import EmailTemplate

    templates.check(subject, body)
    values = {"subject": subject, "body": body, "plain_only": plain_only, "updated_at": utc_now()}
    existing = EmailTemplate.get_or_none(fn.lower(EmailTemplate.name) == name.strip().lower())
    if existing:
        EmailTemplate.update(**values).where(EmailTemplate.id == existing.id).execute()
        return EmailTemplate.get_by_id(existing.id)
    return EmailTemplate.create(name=name.strip(), **values)
