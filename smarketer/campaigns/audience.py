"""Who receives a campaign, and whether its template can be filled for each of them.

Everything here is set-based, so it costs about the same for 100 recipients as for 100,000:
an audience is one query over the contacts (the segment's or tag's filter, or the picked ids)
whose eligibility rules are a ``CASE`` in SQL; a follow-up's audience is one query over the
previous step's sent rows; the missing-field check finds which contact fields the template
reads, groups the recipients in SQL by which of those fields they have empty, and renders the
template once per group instead of once per recipient; queueing inserts the outbox rows with
one ``executemany``. The business profile and the account are read once per call.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from smarketer import settings
from smarketer.campaigns import templates
from smarketer.campaigns.account import SmtpAccount, load_account
from smarketer.contacts.listing import ContactFilter, filtered
from smarketer.contacts.saved_segments import segment_by_id, segment_filter
from smarketer.db import db
from smarketer.db.fields import InstantField, utc_now
from smarketer.db.models.campaigns import Campaign, OutboxState
from smarketer.db.models.contacts import Contact
from smarketer.db.raw import raw_cursor
from smarketer.db.writes import lock_rows, write_transaction

_STAMP = InstantField().db_value
ANSWER_KINDS = ("reply", "unsubscribe", "optout", "hard_bounce")  # end a follow-up sequence

# Why a contact of the audience is left out, in the order the rules apply; NULL: eligible.
_REASON = """CASE
    WHEN c.email = '' THEN 'no email address'
    WHEN c.unsubscribed_at IS NOT NULL
      OR EXISTS (SELECT 1 FROM suppression s WHERE s.email = lower(c.email)) THEN 'unsubscribed'
    WHEN c.bounced_at IS NOT NULL THEN 'bounced'
    WHEN c.do_not_email THEN 'do not email'
END"""

# When a contact field is empty for the template (see templates.contact_context).
_EMPTY = {
    "first_name": "c.first_name = ''",
    "last_name": "c.last_name = ''",
    "full_name": "(c.first_name = '' AND c.last_name = '')",
    "email": "c.email = ''",
    "title": "c.title = ''",
    "company": "coalesce(co.name, '') = ''",
    "city": "c.city = ''",
    "country": "c.country = ''",
    "phone": "c.phone = ''",
    "website": "c.website = ''",
}


@dataclass
class Audience:
    eligible: list[int]
    excluded: Counter = field(default_factory=Counter)  # reason -> contacts
    without_consent: int = 0  # among the eligible (or excluded, when consent is required)
    waiting: int = 0  # follow-ups: recipients not due yet

    @property
    def total(self) -> int:
        return len(self.eligible) + sum(self.excluded.values())


def _members(campaign: Campaign) -> tuple[str, list]:
    """SQL (and its parameters) selecting the ids of the live contacts a first step
    addresses: a segment's filter, a tag's, or the picked ids."""
    if campaign.audience_kind == "contacts":
        return (
            "SELECT id FROM contact WHERE deleted_at IS NULL AND id IN (SELECT value FROM json_each(?))",
            [campaign.audience],
        )
    if campaign.audience_kind == "segment":
        segment = segment_by_id(int(campaign.audience))
        if segment is None:
            return "SELECT NULL WHERE 0", []
        f = segment_filter(segment)
    else:
        f = ContactFilter(tags=(campaign.audience,))
    sql, params = filtered(f).sql()
    return sql, list(params)


def _scan(
    campaign: Campaign, columns: str = "", join_company: bool = False, members: tuple[str, list] | None = None
):
    """One row per member: (id, reason or None, consent, *columns), in name order."""
    sql, params = members or _members(campaign)
    company = "LEFT JOIN company co ON co.id = c.company_id" if join_company else ""
    return db.execute_sql(
        f"SELECT c.id, {_REASON}, c.consent{columns} FROM contact c {company} "
        f"WHERE c.id IN ({sql}) ORDER BY c.id",
        params,
    )


def audience(campaign: Campaign, account: SmtpAccount | None = None) -> Audience:
    """Who a campaign reaches now, who is left out and why."""
    if campaign.parent_id:
        return follow_up_audience(campaign)
    only_with_consent = (account or load_account()).only_with_consent
    result = Audience([])
    for contact_id, reason, consent in _scan(campaign):
        if reason is None and not consent:
            result.without_consent += 1
            if only_with_consent:
                reason = "no recorded consent"
        if reason:
            result.excluded[reason] += 1
        else:
            result.eligible.append(contact_id)
    return result


def answered_since(contact_id: int, since: datetime) -> bool:
    """Whether the contact replied, left or bounced since ``since``."""
    return (
        db.execute_sql(
            "SELECT EXISTS (SELECT 1 FROM inbound_message WHERE contact_id = ? AND kind IN "
            f"({', '.join('?' * len(ANSWER_KINDS))}) AND received_at >= ?)",
            [contact_id, *ANSWER_KINDS, _STAMP(since)],
        ).fetchone()[0]
        == 1
    )


_FOLLOW_UP = f"""
SELECT o.contact_id, o.sent_at,
       EXISTS (SELECT 1 FROM inbound_message i WHERE i.contact_id = o.contact_id
               AND i.kind IN ({", ".join(f"'{k}'" for k in ANSWER_KINDS)})
               AND i.received_at >= o.sent_at),
       EXISTS (SELECT 1 FROM contact c WHERE c.id = o.contact_id AND c.deleted_at IS NULL
               AND c.unsubscribed_at IS NULL AND c.bounced_at IS NULL AND NOT c.do_not_email
               AND NOT EXISTS (SELECT 1 FROM suppression s WHERE s.email = c.email))
FROM outbox_message o
WHERE o.campaign_id = ? AND o.state = '{OutboxState.SENT}' AND o.contact_id IS NOT NULL
ORDER BY o.id
"""


def follow_up_audience(campaign: Campaign, now: datetime | None = None) -> Audience:
    """A follow-up step reaches the previous step's recipients who have not answered, are
    still reachable and were emailed at least ``delay_days`` ago (the others wait)."""
    due_before = _STAMP((now or utc_now()) - timedelta(days=campaign.delay_days or 0))
    result = Audience([])
    for contact_id, sent_at, answered, reachable in db.execute_sql(_FOLLOW_UP, [campaign.parent_id]):
        if answered:
            result.excluded["replied or left"] += 1
        elif not reachable:
            result.excluded["unsubscribed or bounced"] += 1
        elif sent_at > due_before:
            result.waiting += 1
        else:
            result.eligible.append(contact_id)
    return result


def context_for(contact, token: str = "preview", profile=None, account=None) -> dict:
    """What the template sees for one recipient (pass ``profile`` and ``account`` when
    rendering many)."""
    profile = profile or settings.load_profile()
    account = account or load_account()
    return {
        "contact": templates.contact_context(contact),
        "sender": {
            "name": account.from_name or profile.name,
            "business": profile.name,
            "email": account.from_address,
        },
        "unsubscribe": "reply with the word unsubscribe",
        "token": token,
    }


@lru_cache(maxsize=1)
def _parser():
    from jinja2 import Environment  # imported on first use: not when the app starts

    return Environment(keep_trailing_newline=True)


def fields_used(*sources: str) -> tuple[str, ...]:
    """The contact fields the templates read by name (``contact.city``,
    ``contact["city"]``); every field when ``contact`` is used any other way."""
    from jinja2 import TemplateSyntaxError, nodes

    used: set[str] = set()
    for source in sources:
        try:
            tree = _parser().parse(source)
        except TemplateSyntaxError:
            return templates.CONTACT_FIELDS
        names = sum(1 for n in tree.find_all(nodes.Name) if n.name == "contact")
        named = 0
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            assert isinstance(node, (nodes.Getattr, nodes.Getitem))  # what was asked for
            if isinstance(node.node, nodes.Name) and node.node.name == "contact":
                key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
                if not isinstance(key, str):
                    return templates.CONTACT_FIELDS
                used.add(key)
                named += 1
        if names != named:  # {% set c = contact %}, {{ contact }} …: assume everything
            return templates.CONTACT_FIELDS
    return tuple(f for f in templates.CONTACT_FIELDS if f in used)


def missing_fields(campaign: Campaign) -> list[tuple[int, str, str]]:
    """(contact id, name, field) for every recipient the template cannot be filled for."""
    return _audience_and_missing(campaign)[1]


def _audience_and_missing(
    campaign: Campaign, account: SmtpAccount | None = None
) -> tuple[Audience, list[tuple[int, str, str]]]:
    """The audience and its recipients lacking a field, from one pass over the contacts.

    Recipients are grouped in SQL by which of the fields the template reads they have empty;
    the template is rendered once, for one real member of each group."""
    profile, account = settings.load_profile(), account or load_account()
    used = [f for f in fields_used(campaign.subject, campaign.body) if f in _EMPTY]
    mask = " + ".join(f"(({_EMPTY[f]}) << {bit})" for bit, f in enumerate(used)) or "0"
    result, members = Audience([]), None
    if campaign.parent_id:  # a follow-up's recipients are already chosen
        result = follow_up_audience(campaign)
        members = ("SELECT value FROM json_each(?)", [json.dumps(result.eligible)])
    groups: dict[int, list[tuple[int, str]]] = {}
    for contact_id, reason, consent, bits, first, last, email in _scan(
        campaign,
        f", {mask}, c.first_name, c.last_name, c.email",
        join_company="company" in used,
        members=members,
    ):
        if members is None:  # a first step: the rules of audience() on the same rows
            if reason is None and not consent:
                result.without_consent += 1
                if account.only_with_consent:
                    reason = "no recorded consent"
            if reason:
                result.excluded[reason] += 1
                continue
            result.eligible.append(contact_id)
        groups.setdefault(bits, []).append((contact_id, " ".join(p for p in (first, last) if p) or email))
    found = []
    for group in groups.values():
        missing = templates.missing_field(
            campaign.subject,
            campaign.body,
            context_for(Contact.get_by_id(group[0][0]), profile=profile, account=account),
        )
        if missing:
            found += [(contact_id, name, missing) for contact_id, name in group]
    return result, sorted(found, key=lambda row: row[0])


_QUEUE = (
    "INSERT INTO outbox_message (campaign_id, contact_id, email, token, queued_at, "
    "in_reply_to) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


def _tokens(count: int) -> list[str]:
    """``count`` unguessable unsubscribe tokens of 144 random bits (24 URL-safe characters),
    from one read of the system's randomness and one encoding rather than one per recipient."""
    text = base64.urlsafe_b64encode(secrets.token_bytes(18 * count)).decode()
    return [text[n : n + 24] for n in range(0, 24 * count, 24)]


def queue(campaign_id: int) -> int:
    """Give every eligible recipient its outbox row (once); returns how many were added."""
    campaign = Campaign.get_by_id(campaign_id)
    with write_transaction():  # the write lock first: a second queuer waits, then sees ours
        lock_rows(Campaign.select(Campaign.id).where(Campaign.id == campaign_id)).execute()
        eligible = audience(campaign).eligible
        threads = (
            dict(
                db.execute_sql(
                    "SELECT contact_id, message_id FROM outbox_message WHERE campaign_id = ?",
                    [campaign.parent_id],
                ).fetchall()
            )
            if campaign.parent_id
            else {}
        )
        new = db.execute_sql(
            "SELECT c.id, c.email FROM contact c WHERE c.id IN (SELECT value FROM json_each(?)) "
            "AND NOT EXISTS (SELECT 1 FROM outbox_message o WHERE o.campaign_id = ? "
            "AND o.contact_id = c.id) ORDER BY c.id",
            [json.dumps(eligible), campaign_id],
        ).fetchall()
        now = _STAMP(utc_now())
        tokens = _tokens(len(new))
        cursor = raw_cursor().executemany(
            _QUEUE,
            [
                (campaign_id, contact_id, email, token, now, threads.get(contact_id))
                for (contact_id, email), token in zip(new, tokens, strict=True)
            ],
        )
        return max(cursor.rowcount, 0)


@dataclass(frozen=True)
class AudienceSummary:
    """What the Campaigns section shows about a campaign's recipients (computed off the GUI
    thread): who receives it, who is left out and why, and who lacks a merge field."""

    campaign_id: int
    eligible: list[int]
    excluded: dict[str, int]
    without_consent: int
    waiting: int
    only_with_consent: bool
    missing_count: int = 0
    missing_example: tuple[str, str] | None = None  # (recipient, field)
    problem: str = ""  # the template does not parse or render at all


def summarize(campaign_id: int) -> AudienceSummary:
    campaign = Campaign.get_by_id(campaign_id)
    account = load_account()
    missing: list[tuple[int, str, str]] = []
    problem = ""
    try:
        result, missing = _audience_and_missing(campaign, account)
    except templates.TemplateProblem as exc:
        result, problem = audience(campaign, account), str(exc)
    return AudienceSummary(
        campaign_id,
        result.eligible,
        dict(result.excluded),
        result.without_consent,
        result.waiting,
        account.only_with_consent,
        len(missing),
        (missing[0][1], missing[0][2]) if missing else None,
        problem,
    )
