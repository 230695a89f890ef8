"""The sender: works a campaign's outbox until it is empty, paused, cancelled or interrupted.

The promise is "never twice". Three rules keep it, whoever else works the same store:
- one sender per campaign: the campaign's lease (``lease.py``) is claimed with a
  compare-and-set, renewed during every wait, and a sender that loses it stops at once;
- a row goes ``queued → sending`` only in a statement that also requires it to be still queued
  and the lease to be still ours, committed before a byte goes to the server;
- it goes ``sending → sent`` right after the server accepts it. To send fast, that "sent" is
  committed in the same transaction as the next row's "sending" (one commit per message) when
  no wait follows; a kill in between leaves the message ``unknown``, never resent.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from jinja2 import UndefinedError
from peewee import fn

from smarketer import settings
from smarketer.campaigns import lease, templates
from smarketer.campaigns.account import SmtpAccount, credentials, load_account
from smarketer.campaigns.audience import answered_since, follow_up_audience
from smarketer.campaigns.compose import header_text
from smarketer.campaigns.outbox import (
    MAX_CONSECUTIVE_ERRORS,
    RETRY_DELAYS,
    CampaignError,
    message_for,
    queue,
    ready_to_send,
    sent_in_last_day,
)
from smarketer.campaigns.send_rows import (
    MARK_SENDING,
    MARK_SENT,
    MARK_UNRENDERABLE,
    STAMP,
    TIMELINE,
    QueuedRow,
    claim_row,
    next_row,
    recipient,
)
from smarketer.campaigns.suppression import suppress
from smarketer.campaigns.transport import ConnectionLost, SendFailed, SmtpTransport, TlsProblem
from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models.campaigns import Campaign, OutboxMessage, OutboxState
from smarketer.db.models.contacts import Contact
from smarketer.db.rows import tuples
from smarketer.db.writes import store_now, write_transaction

log = logging.getLogger(__name__)

_PAUSED_BY_YOU = "Paused by you."


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    unknown: int = 0
    skipped: int = 0
    status: str = ""
    reason: str = ""
    #: The account cannot send (refused login, untrusted certificate …): the owner must act.
    account_problem: bool = False


class _Stop(Exception):
    def __init__(self, status: str, reason: str = "", *, write: bool = True):
        self.status, self.reason, self.write = status, reason, write
        super().__init__(reason)


@dataclass
class _Sent:
    row: QueuedRow
    reply: str
    subject: str


class Sender:
    """One run over one campaign's outbox (``send_campaign`` is the way to call it)."""

    def __init__(
        self,
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
        renew_every: float = lease.RENEW_SECONDS,
        wait_for_lease: bool = False,
    ):
        self.campaign_id = campaign_id
        self.password = password
        self.make_transport = transport_factory or (lambda acc, pw: SmtpTransport(acc, pw))
        self.progress = progress
        self.is_cancelled = cancelled or (lambda: False)
        self.say = status or (lambda _text: None)
        self.sleep = sleep
        self.retry_delays = retry_delays
        self.reconnect_delay = reconnect_delay
        self.owner = owner or lease.new_owner()
        self.renew_every = renew_every
        self.wait_for_lease = wait_for_lease
        self.result = SendResult()
        self.pending: _Sent | None = None  # accepted by the server, "sent" not yet committed
        self.consecutive = 0

    # ------------------------------------------------------------ the loop

    def run(self) -> SendResult:
        self.account = load_account()
        ready_to_send(self.account)
        if not self._claim():
            return self.result
        self.transport: SmtpTransport | None = None
        try:
            self._begin()
            while True:
                self._check_outside()
                row = next_row(self.campaign_id)
                if row is None:
                    self._no_row_due()
                    continue
                self._send(row)
        except _Stop as stop:
            self._flush()
            if stop.write:
                self._set_status(stop.status, stop.reason)
            self.result.status, self.result.reason = stop.status, stop.reason
        except lease.LeaseLost:
            self._flush()
            self.result.status = "lost"
            self.result.reason = (
                "Another Smarketer took this campaign over while this one "
                "waited; it stopped without sending more."
            )
            log.warning("campaign %s: lease lost by %s", self.campaign_id, self.owner)
        finally:
            self._flush()
            if self.transport is not None:
                self.transport.close()
            try:
                lease.release(self.campaign_id, self.owner)
            except Exception:  # noqa: BLE001 - a full disk: the lease expires by itself
                log.exception("could not release the lease of campaign %s", self.campaign_id)
        return self.result

    def _claim(self) -> bool:
        """Take the campaign's lease; without ``wait_for_lease`` a held one raises
        CampaignBusy (naming who), with it this waits until the holder is done or gone."""
        announced = False
        while not lease.claim(self.campaign_id, self.owner):
            holder = lease.holder(self.campaign_id)
            if not self.wait_for_lease:
                raise lease.CampaignBusy(holder)
            if not announced:
                self.say(f"Waiting: {lease.CampaignBusy(holder)}")
                announced = True
            if self.is_cancelled():
                self.result.status, self.result.reason = "paused", _PAUSED_BY_YOU
                return False
            self.sleep(min(1.0, self.renew_every))
        status = Campaign.get_by_id(self.campaign_id).status
        if announced and status in ("done", "cancelled"):  # the other sender finished it
            lease.release(self.campaign_id, self.owner)
            self.result.status = status
            return False
        return True

    def _begin(self) -> None:
        campaign = Campaign.get_by_id(self.campaign_id)
        if campaign.status not in ("sending", "scheduled", "paused", "draft"):
            raise CampaignError(f"{campaign.name} is {campaign.status}.")
        if campaign.status in ("draft", "scheduled", "paused"):
            queue(self.campaign_id)
        Campaign.update(
            status="sending", pause_reason="", started_at=fn.coalesce(Campaign.started_at, STAMP(store_now()))
        ).where((Campaign.id == self.campaign_id) & (Campaign.lock_owner == self.owner)).execute()
        if self.password is None and self.account.username:
            self.password = credentials(self.account)
        self.transport = self.make_transport(self.account, self.password)
        self.interval = 60.0 / max(self.account.rate_per_minute, 1)
        self.profile = settings.load_profile()
        counts = Counter(
            s
            for (s,) in tuples(
                OutboxMessage.select(OutboxMessage.state).where(OutboxMessage.campaign == self.campaign_id)
            )
        )
        self.total = sum(counts.values())
        self.done_before = self.total - counts[OutboxState.QUEUED] - counts[OutboxState.SENDING]
        self.sent_today = sent_in_last_day()
        self.renewed = self.checked = time.monotonic()
        self.campaign = Campaign.get_by_id(self.campaign_id)
        self.parent_sent = (
            {
                c: t
                for c, t in tuples(
                    OutboxMessage.select(OutboxMessage.contact, OutboxMessage.sent_at).where(
                        OutboxMessage.campaign == self.campaign.parent_id
                    )
                )
            }
            if self.campaign.parent_id
            else {}
        )

    def _check_outside(self) -> None:
        """Cancelled here, paused or cancelled elsewhere, the lease kept; progress shown."""
        if self.is_cancelled():
            raise _Stop("paused", _PAUSED_BY_YOU)
        if time.monotonic() - self.checked > 0.5:
            self.campaign = Campaign.get_by_id(self.campaign_id)
            self.checked = time.monotonic()
            if self.campaign.status != "sending":
                raise _Stop(self.campaign.status, self.campaign.pause_reason, write=False)
        self._keep_lease()
        if self.progress:
            r = self.result
            done = self.done_before + r.sent + r.failed + r.unknown + r.skipped
            self.progress(min(done, self.total), self.total)

    def _keep_lease(self, force: bool = False) -> None:
        if force or time.monotonic() - self.renewed > self.renew_every:
            if not lease.renew(self.campaign_id, self.owner):
                raise lease.LeaseLost
            self.renewed = time.monotonic()

    def _wait(self, seconds: float) -> None:
        """Sleep in small steps, keeping the lease; stops when cancelled meanwhile."""
        self._flush()
        end = time.monotonic() + seconds
        while True:
            if self.is_cancelled():
                raise _Stop("paused", _PAUSED_BY_YOU)
            self._keep_lease()
            remaining = end - time.monotonic()
            if remaining <= 0:
                return
            self.sleep(min(0.5, remaining, self.renew_every))

    def _no_row_due(self) -> None:
        later = (
            OutboxMessage.select(fn.min(OutboxMessage.next_attempt_at))
            .where((OutboxMessage.campaign == self.campaign_id) & (OutboxMessage.state == OutboxState.QUEUED))
            .scalar()
        )
        if later is None:
            if self.campaign.parent_id and follow_up_audience(self.campaign).waiting:
                raise _Stop("sending", write=False)  # more recipients come due later
            raise _Stop("done")
        self.say("Waiting to retry messages the server asked to send later…")
        self._wait(max(0.0, (later - utc_now()).total_seconds()))

    # ------------------------------------------------------------ one message

    def _send(self, row: QueuedRow) -> None:
        account = self.account
        if self.sent_today >= account.daily_cap:
            raise _Stop(
                "paused",
                f"The daily cap of {account.daily_cap} emails is reached; "
                "resume tomorrow or raise the cap in Settings.",
            )
        contact = recipient(row.contact_id)
        if contact is None:
            self._skip(row, "no longer reachable (unsubscribed, bounced or removed) before sending")
            return
        if (
            self.campaign.parent_id
            and row.contact_id is not None
            and answered_since(row.contact_id, self.parent_sent.get(row.contact_id, self.campaign.created_at))
        ):
            self._skip(row, "replied before the follow-up")
            return
        try:
            message = message_for(
                self.campaign,
                contact,
                row.token,
                profile=self.profile,
                account=account,
                in_reply_to=row.in_reply_to,
            )
        except (UndefinedError, templates.TemplateProblem) as exc:
            self._unrenderable(row, contact, exc)
            return
        if not self._mark_sending(row, message["Message-ID"]):
            return  # no longer queued (unsubscribed, cancelled meanwhile): not ours to send
        assert self.transport is not None  # opened by _begin
        try:
            reply = self.transport.send(message, row.email)
        except ConnectionLost as exc:
            self._connection_lost(row, exc)
            return
        except TlsProblem as exc:
            self._requeue(row)
            self._account_problem(str(exc))
        except SendFailed as exc:
            self._refused(row, exc)
            return
        self.pending = _Sent(row, reply, header_text(message, "Subject"))
        self.result.sent += 1
        self.sent_today += 1
        self.consecutive = 0
        if self.interval >= 0.05:
            self._wait(self.interval)  # commits the "sent" first
        elif self.interval >= 0.001:  # a sleep costs about a millisecond: skip shorter ones
            self.sleep(self.interval)

    def _mark_sending(self, row: QueuedRow, message_id: str) -> bool:
        """One transaction: the last message's "sent", the lease renewed, this one's
        "sending" (only if still queued and the lease ours). Committed before sending."""
        now = store_now()
        with write_transaction():
            self._write_pending(now)
            still_ours = lease.renew(self.campaign_id, self.owner, now)
            claimed = (
                still_ours
                and claim_row(row.id)
                and db.execute_sql(
                    MARK_SENDING,
                    (
                        STAMP(now),
                        row.attempts + 1,
                        message_id,
                        row.id,
                        *lease.holds_params(self.campaign_id, self.owner, now),
                    ),
                ).rowcount
                == 1
            )
        if not still_ours:
            raise lease.LeaseLost
        self.renewed = time.monotonic()
        return claimed

    def _write_pending(self, now: datetime) -> None:
        if self.pending is None:
            return
        sent, stamp = self.pending, STAMP(now)
        db.execute_sql(MARK_SENT, (stamp, sent.reply, sent.row.id))
        db.execute_sql(
            TIMELINE,
            (
                sent.row.contact_id,
                stamp,
                f"Email sent: {sent.subject}",
                f"Campaign {self.campaign.name}",
                self.campaign_id,
            ),
        )
        self.pending = None

    def _flush(self) -> None:
        """Commit a pending "sent" now (before a wait, at the end)."""
        if self.pending is None:
            return
        for attempt in range(5):  # the store may be busy for a moment; the email went out
            try:
                with write_transaction():
                    self._write_pending(store_now())
                return
            except Exception:  # noqa: BLE001 - retried, then logged: the row stays "sending"
                if attempt == 4:
                    log.exception("could not record a sent message; it will show as unknown")
                    self.pending = None
                    return
                time.sleep(0.2 * (attempt + 1))

    def _finish(self, row: QueuedRow, **values: Any) -> None:
        """sending → another state (only while still sending)."""
        OutboxMessage.update(**values).where(
            (OutboxMessage.id == row.id) & (OutboxMessage.state == OutboxState.SENDING)
        ).execute()

    def _requeue(self, row: QueuedRow, **values: Any) -> None:
        self._finish(row, state=OutboxState.QUEUED, attempts=row.attempts, **values)

    def _skip(self, row: QueuedRow, reason: str) -> None:
        OutboxMessage.update(state=OutboxState.SKIPPED, reply=reason).where(
            (OutboxMessage.id == row.id) & (OutboxMessage.state == OutboxState.QUEUED)
        ).execute()
        self.result.skipped += 1

    def _unrenderable(self, row: QueuedRow, contact: SimpleNamespace, exc: Exception) -> None:
        """This recipient's message cannot be made: failed with the reason, the rest go on."""
        if isinstance(exc, UndefinedError):
            name = templates.undefined_name(exc)
            reason = (
                f"not sent: the template uses {name}, which {contact.full_name or row.email}"
                " has no value for (give it a default or fill it in)"
            )
        else:
            reason = f"not sent: {exc}"
        now = store_now()
        with write_transaction():
            self._write_pending(now)
            done = db.execute_sql(
                MARK_UNRENDERABLE, (reason, row.id, *lease.holds_params(self.campaign_id, self.owner, now))
            ).rowcount
        if done:
            self.result.failed += 1
        else:
            self._keep_lease(force=True)  # lost it? stop; else the row changed meanwhile

    def _connection_lost(self, row: QueuedRow, exc: ConnectionLost) -> None:
        if exc.data_sent:
            self._finish(
                row, state=OutboxState.UNKNOWN, reply=f"{exc}: it may have arrived; check your Sent folder"
            )
            self.result.unknown += 1
            return
        self._requeue(row)
        self.say("Offline: will send when the network is back.")
        self._wait(self.reconnect_delay)

    def _refused(self, row: QueuedRow, exc: SendFailed) -> None:
        self.consecutive += 1
        reply_text = f"{exc.code} {exc.reply}"
        if exc.account_problem:
            self._requeue(row, reply=reply_text)
            self._account_problem(exc.explained())
        if exc.temporary and row.attempts + 1 <= len(self.retry_delays):
            delay = self.retry_delays[row.attempts]
            self._finish(
                row,
                state=OutboxState.QUEUED,
                reply=reply_text,  # this attempt counts
                next_attempt_at=utc_now() + timedelta(seconds=delay),
            )
        else:
            self._finish(row, state=OutboxState.FAILED, reply=reply_text)
            self.result.failed += 1
            if exc.recipient_bounced:
                self.consecutive -= 1  # the address is bad, not the sending
                Contact.update(bounced_at=utc_now()).where(Contact.id == row.contact_id).execute()
                suppress(row.email, f"bounced: {reply_text}")
        if self.consecutive >= MAX_CONSECUTIVE_ERRORS:
            raise _Stop("paused", f"{self.consecutive} errors in a row; the last: {reply_text}")

    def _account_problem(self, reason: str) -> None:
        log.warning("campaign %s paused: %s", self.campaign_id, reason)
        self.result.account_problem = True
        raise _Stop("paused", reason)

    def _set_status(self, state: str, reason: str) -> None:
        """Only while the campaign is still ours and sending: never over a newer status."""
        Campaign.update(
            status=state, pause_reason=reason, finished_at=utc_now() if state == "done" else None
        ).where(
            (Campaign.id == self.campaign_id)
            & (Campaign.lock_owner == self.owner)
            & (Campaign.status == "sending")
        ).execute()


def send_campaign(campaign_id: int, **options: Any) -> SendResult:
    """Work the campaign's outbox until it is empty, paused, cancelled or interrupted.

    Raises ``lease.CampaignBusy`` (naming who) when another sender holds the campaign.
    Options: see ``Sender``."""
    return Sender(campaign_id, **options).run()
