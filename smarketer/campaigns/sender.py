"""The sender: works a campaign's outbox until it is empty, paused, cancelled or interrupted.

The promise is "never twice": a row is committed as ``sending`` before the SMTP transaction
and as ``sent`` right after the server accepts it (see ``outbox.py`` for the whole life cycle).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from peewee import fn

from smarketer import settings
from smarketer.campaigns.account import SmtpAccount, credentials, load_account
from smarketer.campaigns.compose import header_text
from smarketer.campaigns.outbox import (
    MAX_CONSECUTIVE_ERRORS,
    RETRY_DELAYS,
    CampaignError,
    _answered_since,
    _follow_up_audience,
    claim,
    message_for,
    new_owner,
    queue,
    ready_to_send,
    recover_interrupted,
    release,
    sent_in_last_day,
    suppress,
)
from smarketer.campaigns.transport import ConnectionLost, SendFailed, SmtpTransport
from smarketer.db import db
from smarketer.db.fields import InstantField, utc_now
from smarketer.db.models import Campaign, Contact, OutboxMessage

# The sender's hot path is plain prepared SQL: peewee's query building would cost more per
# message than rendering and sending together.
_STAMP = InstantField().db_value
_NEXT_ROW = ("SELECT id, contact_id, email, token, attempts, in_reply_to FROM outbox_message "
             "WHERE campaign_id = ? AND state = 'queued' "
             "AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT 1")
_RECIPIENT = ("SELECT c.first_name, c.last_name, c.email, c.title, c.company_id, co.name, "
              "c.city, c.country, c.phone, c.website FROM contact c "
              "LEFT JOIN company co ON co.id = c.company_id "
              "WHERE c.id = ? AND c.deleted_at IS NULL AND c.unsubscribed_at IS NULL "
              "AND c.bounced_at IS NULL AND c.do_not_email = 0 "
              "AND NOT EXISTS (SELECT 1 FROM suppression s WHERE s.email = c.email)")
_MARK_SENDING = ("UPDATE outbox_message SET state = 'sending', sending_at = ?, attempts = ?, "
                 "message_id = ? WHERE id = ?")
_MARK_SENT = "UPDATE outbox_message SET state = 'sent', sent_at = ?, reply = ? WHERE id = ?"
_TIMELINE = ("INSERT INTO activity (contact_id, kind, occurred_at, summary, body, ref_type, "
             "ref_id) VALUES (?, 'email', ?, ?, ?, 'campaign', ?)")


@dataclass(frozen=True)
class _Row:
    id: int
    contact_id: int | None
    email: str
    token: str
    attempts: int
    in_reply_to: str | None


def _next_row(campaign_id: int) -> _Row | None:
    found = db.execute_sql(_NEXT_ROW, (campaign_id, _STAMP(utc_now()))).fetchone()
    return _Row(*found) if found else None


def _recipient(contact_id: int | None):
    """The contact as the template sees it, or None if it may no longer be emailed."""
    if contact_id is None:
        return None
    found = db.execute_sql(_RECIPIENT, (contact_id,)).fetchone()
    if found is None:
        return None
    first, last, email, title, company_id, company, city, country, phone, website = found
    return SimpleNamespace(
        first_name=first, last_name=last, full_name=f"{first} {last}".strip(), email=email,
        title=title, company_id=company_id, company=SimpleNamespace(name=company or ""),
        city=city, country=country, phone=phone, website=website)


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    unknown: int = 0
    skipped: int = 0
    status: str = ""
    reason: str = ""


def _finish_row(row_id: int, **values) -> None:
    OutboxMessage.update(**values).where(OutboxMessage.id == row_id).execute()


def send_campaign(
    campaign_id: int,
    *,
    password: str | None = None,
    transport_factory: Callable[[SmtpAccount, str | None], SmtpTransport] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    status: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    retry_delays: tuple[float, ...] = RETRY_DELAYS,
    reconnect_delay: float = 30,
    owner: str | None = None,
) -> SendResult:
    """Work the campaign's outbox until it is empty, paused, cancelled or interrupted."""
    account = load_account()
    ready_to_send(account)
    owner = owner or new_owner()
    if not claim(campaign_id, owner):
        raise CampaignError("This campaign is being sent by another Smarketer right now.")
    recover_interrupted()
    campaign = Campaign.get_by_id(campaign_id)
    if campaign.status not in ("sending", "scheduled", "paused", "draft"):
        release(campaign_id, owner)
        raise CampaignError(f"{campaign.name} is {campaign.status}.")
    if campaign.status in ("draft", "scheduled", "paused"):
        queue(campaign_id)
    Campaign.update(status="sending", pause_reason="", started_at=fn.coalesce(
        Campaign.started_at, utc_now())).where(Campaign.id == campaign_id).execute()
    if password is None and account.username:
        password = credentials(account)
    make = transport_factory or (lambda acc, pw: SmtpTransport(acc, pw))
    transport = make(account, password)
    result = SendResult()
    interval = 60.0 / max(account.rate_per_minute, 1)
    consecutive = 0
    say = status or (lambda _text: None)
    is_cancelled = cancelled or (lambda: False)

    def wait(seconds: float) -> bool:
        """Sleep in small steps; False when cancelled meanwhile."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if is_cancelled():
                return False
            sleep(min(0.5, max(0.0, end - time.monotonic())))
        return not is_cancelled()

    def stop(state: str, reason: str = "") -> SendResult:
        Campaign.update(status=state, pause_reason=reason,
                        finished_at=utc_now() if state == "done" else None).where(
            Campaign.id == campaign_id).execute()
        result.status, result.reason = state, reason
        return result

    profile = settings.load_profile()
    counts = Counter(s for (s,) in OutboxMessage.select(OutboxMessage.state).where(
        OutboxMessage.campaign == campaign_id).tuples())
    total = sum(counts.values())
    done = total - counts["queued"] - counts["sending"]
    sent_today = sent_in_last_day()
    renewed = checked = time.monotonic()
    current = Campaign.get_by_id(campaign_id)
    parent_sent = {c: t for c, t in OutboxMessage.select(
        OutboxMessage.contact, OutboxMessage.sent_at).where(
        OutboxMessage.campaign == current.parent_id).tuples()} if current.parent_id else {}
    try:
        while True:
            if is_cancelled():
                return stop("paused", "Paused by you.")
            if time.monotonic() - checked > 0.5:  # paused or cancelled from elsewhere?
                current = Campaign.get_by_id(campaign_id)
                checked = time.monotonic()
                if current.status != "sending":
                    result.status, result.reason = current.status, current.pause_reason
                    return result
            if time.monotonic() - renewed > 10:
                claim(campaign_id, owner)  # renew the lease
                renewed = time.monotonic()
            done = result.sent + result.failed + result.unknown + result.skipped + (
                total - counts["queued"] - counts["sending"])
            if progress:
                progress(min(done, total), total)
            row = _next_row(campaign_id)
            if row is None:
                later = (OutboxMessage.select(fn.min(OutboxMessage.next_attempt_at)).where(
                    (OutboxMessage.campaign == campaign_id)
                    & (OutboxMessage.state == "queued")).scalar())
                if later is None:
                    if current.parent_id and _follow_up_audience(current).waiting:
                        result.status = "sending"  # more recipients come due later
                        return result
                    return stop("done")
                say("Waiting to retry messages the server asked to send later…")
                if not wait(max(0.0, (later - utc_now()).total_seconds())):
                    return stop("paused", "Paused by you.")
                continue
            if sent_today >= account.daily_cap:
                return stop("paused", f"The daily cap of {account.daily_cap} emails is "
                            "reached; resume tomorrow or raise the cap in Settings.")
            contact = _recipient(row.contact_id)
            if contact is None:
                _finish_row(row.id, state="skipped", reply="no longer reachable "
                            "(unsubscribed, bounced or removed) before sending")
                result.skipped += 1
                continue
            if current.parent_id and _answered_since(row.contact_id, parent_sent.get(
                    row.contact_id, current.created_at)):
                _finish_row(row.id, state="skipped", reply="replied before the follow-up")
                result.skipped += 1
                continue
            message = message_for(current, contact, row.token, profile=profile, account=account,
                                  in_reply_to=row.in_reply_to)
            with db.atomic():  # committed before a single byte goes to the server
                db.execute_sql(_MARK_SENDING, (_STAMP(utc_now()), row.attempts + 1,
                                               message["Message-ID"], row.id))
            try:
                reply = transport.send(message, row.email)
            except ConnectionLost as exc:
                if exc.data_sent:
                    _finish_row(row.id, state="unknown", reply=f"{exc}: it may have arrived; "
                                "check your Sent folder")
                    result.unknown += 1
                else:
                    _finish_row(row.id, state="queued", attempts=row.attempts)
                    say("Offline: will send when the network is back.")
                    if not wait(reconnect_delay):
                        return stop("paused", "Paused by you.")
                continue
            except SendFailed as exc:
                consecutive += 1
                reply_text = f"{exc.code} {exc.reply}"
                if exc.account_problem:
                    _finish_row(row.id, state="queued", attempts=row.attempts, reply=reply_text)
                    return stop("paused", exc.explained())
                if exc.temporary and row.attempts + 1 <= len(retry_delays):
                    delay = retry_delays[row.attempts]
                    _finish_row(row.id, state="queued", reply=reply_text,
                                next_attempt_at=utc_now() + timedelta(seconds=delay))
                else:
                    _finish_row(row.id, state="failed", reply=reply_text)
                    result.failed += 1
                    if exc.recipient_bounced:
                        consecutive -= 1  # the address is bad, not the sending
                        Contact.update(bounced_at=utc_now()).where(
                            Contact.id == row.contact_id).execute()
                        suppress(row.email, f"bounced: {reply_text}")
                if consecutive >= MAX_CONSECUTIVE_ERRORS:
                    return stop("paused", f"{consecutive} errors in a row; the last: "
                                f"{reply_text}")
                continue
            now = _STAMP(utc_now())
            with db.atomic():  # committed right after the server took it
                db.execute_sql(_MARK_SENT, (now, reply, row.id))
                db.execute_sql(_TIMELINE, (row.contact_id, now,
                                           f"Email sent: {header_text(message, 'Subject')}",
                                           f"Campaign {current.name}", campaign_id))
            result.sent += 1
            sent_today += 1
            consecutive = 0
            if interval and not wait(interval):
                return stop("paused", "Paused by you.")
    finally:
        transport.close()
        release(campaign_id, owner)
