"""The sender: works a campaign's outbox until it is empty, paused, cancelled or interrupted.

The promise is "never twice". Three rules keep it, whoever else works the same store:
- one sender per campaign: the campaign's lease (``lease.py``) is claimed with a
  compare-and-set, renewed during every wait, and a sender that loses it stops at once;
- a row goes ``queued → sending`` only in a statement that also requires it to be still queued
  and the lease to be still ours, committed before a byte goes to the server;
- it goes ``sending → sent`` right after the server accepts it. To send fast, that "sent" is
  committed in the same transaction as the lease renewal and the next row's "sending" (one
  commit per message) when no wait follows; a kill in between leaves the message ``unknown``,
  never resent.

The shape: ``Sender.run`` claims the lease and runs a short loop (next due row → send it; none
due → wait or stop). What the server says is handled apart: accepted, refused (``_refused``:
retry later, failed, bounced, or the account's problem), the connection lost (``_connection_lost``)
and stopping (``_Stop``, raised anywhere, handled once by ``_stopped``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from types import SimpleNamespace
from typing import Any

from jinja2 import UndefinedError
from peewee import fn

from smarketer import settings
from smarketer.campaigns import lease, send_rows, templates
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
from smarketer.campaigns.send_rows import STAMP, QueuedRow, SentRow
from smarketer.campaigns.suppression import suppress
from smarketer.campaigns.transport import ConnectionLost, SendFailed, SmtpTransport, TlsProblem
from smarketer.db.fields import utc_now
from smarketer.db.models.campaigns import Campaign, OutboxState
from smarketer.db.models.contacts import Contact
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

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.unknown + self.skipped


class _Stop(Exception):
    """Stop sending: the campaign becomes ``status`` (written only when ``write``)."""

    def __init__(self, status: str, reason: str = "", *, write: bool = True):
        self.status, self.reason, self.write = status, reason, write
        super().__init__(reason)


def _paused_by_you() -> _Stop:
    return _Stop("paused", _PAUSED_BY_YOU)


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
        self.make_transport = transport_factory or SmtpTransport
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
        self.pending: SentRow | None = None  # accepted by the server, "sent" not yet committed
        self.consecutive = 0  # refusals in a row
        self.transport: SmtpTransport | None = None

    # ------------------------------------------------------------ the loop

    def run(self) -> SendResult:
        self.account = load_account()
        ready_to_send(self.account)
        if not self._claim():
            return self.result
        try:
            self._begin()
            self._loop()
        except _Stop as stop:
            self._stopped(stop)
        except lease.LeaseLost:
            self._lease_lost()
        finally:
            self._end()
        return self.result

    def _loop(self) -> None:
        """Until a stop: the next due row is sent; with none due, wait or stop."""
        while True:
            self._check_outside()
            row = send_rows.next_row(self.campaign_id)
            if row is None:
                self._no_row_due()
            else:
                self._send(row)

    def _send(self, row: QueuedRow) -> None:
        """One recipient: made, claimed as sending, handed to the server, the reply handled."""
        self._check_daily_cap()
        message = self._message(row)
        if message is None or not self._mark_sending(row, message["Message-ID"]):
            return  # skipped, unrenderable, or no longer queued: not ours to send
        assert self.transport is not None  # opened by _begin
        try:
            reply = self.transport.send(message, row.email)
        except ConnectionLost as exc:
            self._connection_lost(row, exc)
        except TlsProblem as exc:
            send_rows.requeue(row)
            self._account_problem(str(exc))
        except SendFailed as exc:
            self._refused(row, exc)
        else:
            self._accepted(row, reply, message)

    # ------------------------------------------------------------ starting and stopping

    def _claim(self) -> bool:
        """Take the campaign's lease; without ``wait_for_lease`` a held one raises
        CampaignBusy (naming who), with it this waits until the holder is done or gone."""
        if lease.claim(self.campaign_id, self.owner):
            return True
        if not self.wait_for_lease:
            raise lease.CampaignBusy(lease.holder(self.campaign_id))
        return self._wait_for_lease() and self._still_to_send()

    def _wait_for_lease(self) -> bool:
        """Claim again every second until it works (True) or the owner cancels (False)."""
        self.say(f"Waiting: {lease.CampaignBusy(lease.holder(self.campaign_id))}")
        while not lease.claim(self.campaign_id, self.owner):
            if self.is_cancelled():
                self.result.status, self.result.reason = "paused", _PAUSED_BY_YOU
                return False
            self.sleep(min(1.0, self.renew_every))
        return True

    def _still_to_send(self) -> bool:
        """After waiting: False (the lease given back) when the other sender finished it."""
        status = Campaign.get_by_id(self.campaign_id).status
        if status in ("done", "cancelled"):
            lease.release(self.campaign_id, self.owner)
            self.result.status = status
            return False
        return True

    def _begin(self) -> None:
        """The campaign marked sending, the transport made, what every message needs read."""
        self._start_campaign()
        if self.password is None and self.account.username:
            self.password = credentials(self.account)
        self.transport = self.make_transport(self.account, self.password)
        self.interval = 60.0 / max(self.account.rate_per_minute, 1)
        self.profile = settings.load_profile()
        counts = send_rows.state_counts(self.campaign_id)
        self.total = sum(counts.values())
        self.done_before = self.total - counts[OutboxState.QUEUED] - counts[OutboxState.SENDING]
        self.sent_today = sent_in_last_day()
        self.renewed = self.checked = time.monotonic()
        self.campaign = Campaign.get_by_id(self.campaign_id)
        self.parent_sent = send_rows.sent_at_by_contact(self.campaign.parent_id)

    def _start_campaign(self) -> None:
        campaign = Campaign.get_by_id(self.campaign_id)
        if campaign.status not in ("sending", "scheduled", "paused", "draft"):
            raise CampaignError(f"{campaign.name} is {campaign.status}.")
        if campaign.status != "sending":
            queue(self.campaign_id)
        Campaign.update(
            status="sending", pause_reason="", started_at=fn.coalesce(Campaign.started_at, STAMP(store_now()))
        ).where((Campaign.id == self.campaign_id) & (Campaign.lock_owner == self.owner)).execute()

    def _check_outside(self) -> None:
        """Cancelled here, paused or cancelled elsewhere, the lease kept; progress shown."""
        if self.is_cancelled():
            raise _paused_by_you()
        if time.monotonic() - self.checked > 0.5:
            self.campaign = Campaign.get_by_id(self.campaign_id)
            self.checked = time.monotonic()
            if self.campaign.status != "sending":
                raise _Stop(self.campaign.status, self.campaign.pause_reason, write=False)
        self._keep_lease()
        self._show_progress()

    def _show_progress(self) -> None:
        if self.progress:
            self.progress(min(self.done_before + self.result.handled, self.total), self.total)

    def _check_daily_cap(self) -> None:
        if self.sent_today >= self.account.daily_cap:
            raise _Stop(
                "paused",
                f"The daily cap of {self.account.daily_cap} emails is reached; "
                "resume tomorrow or raise the cap in Settings.",
            )

    def _no_row_due(self) -> None:
        """Nothing due now: done, a follow-up whose recipients come due later, or a wait
        until the next retry."""
        later = send_rows.next_retry_at(self.campaign_id)
        if later is None:
            if self.campaign.parent_id and follow_up_audience(self.campaign).waiting:
                raise _Stop("sending", write=False)  # more recipients come due later
            raise _Stop("done")
        self.say("Waiting to retry messages the server asked to send later…")
        self._wait(max(0.0, (later - utc_now()).total_seconds()))

    def _stopped(self, stop: _Stop) -> None:
        self._flush()
        if stop.write:
            self._set_status(stop.status, stop.reason)
        self.result.status, self.result.reason = stop.status, stop.reason

    def _set_status(self, state: str, reason: str) -> None:
        """Only while the campaign is still ours and sending: never over a newer status."""
        Campaign.update(
            status=state, pause_reason=reason, finished_at=utc_now() if state == "done" else None
        ).where(
            (Campaign.id == self.campaign_id)
            & (Campaign.lock_owner == self.owner)
            & (Campaign.status == "sending")
        ).execute()

    def _lease_lost(self) -> None:
        self.result.status = "lost"
        self.result.reason = (
            "Another Smarketer took this campaign over while this one "
            "waited; it stopped without sending more."
        )
        log.warning("campaign %s: lease lost by %s", self.campaign_id, self.owner)

    def _end(self) -> None:
        self._flush()
        if self.transport is not None:
            self.transport.close()
        try:
            lease.release(self.campaign_id, self.owner)
        except Exception:  # noqa: BLE001 - a full disk: the lease expires by itself
            log.exception("could not release the lease of campaign %s", self.campaign_id)

    # ------------------------------------------------------------ the lease and waiting

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
                raise _paused_by_you()
            self._keep_lease()
            remaining = end - time.monotonic()
            if remaining <= 0:
                return
            self.sleep(min(0.5, remaining, self.renew_every))

    # ------------------------------------------------------------ one message

    def _message(self, row: QueuedRow) -> EmailMessage | None:
        """This recipient's email, or None when it is skipped or cannot be made."""
        contact = send_rows.recipient(row.contact_id)
        if contact is None:
            self._skip(row, "no longer reachable (unsubscribed, bounced or removed) before sending")
            return None
        if self._answered_before_follow_up(row):
            self._skip(row, "replied before the follow-up")
            return None
        try:
            return message_for(
                self.campaign,
                contact,
                row.token,
                profile=self.profile,
                account=self.account,
                in_reply_to=row.in_reply_to,
            )
        except (UndefinedError, templates.TemplateProblem) as exc:
            self._unrenderable(row, contact, exc)
            return None

    def _answered_before_follow_up(self, row: QueuedRow) -> bool:
        if not self.campaign.parent_id or row.contact_id is None:
            return False
        since = self.parent_sent.get(row.contact_id, self.campaign.created_at)
        return answered_since(row.contact_id, since)

    def _skip(self, row: QueuedRow, reason: str) -> None:
        send_rows.skip(row, reason)
        self.result.skipped += 1

    def _mark_sending(self, row: QueuedRow, message_id: str) -> bool:
        """One transaction: the last message's "sent", the lease renewed, this one's
        "sending" (only if still queued and the lease ours). Committed before sending."""
        now = store_now()
        with write_transaction():
            self._write_pending(now)
            still_ours = lease.renew(self.campaign_id, self.owner, now)
            claimed = still_ours and send_rows.mark_sending(
                row, message_id, self.campaign_id, self.owner, now
            )
        if not still_ours:
            raise lease.LeaseLost
        self.renewed = time.monotonic()
        return claimed

    def _unrenderable(self, row: QueuedRow, contact: SimpleNamespace, exc: Exception) -> None:
        """This recipient's message cannot be made: failed with the reason, the rest go on."""
        if isinstance(exc, UndefinedError):
            reason = (
                f"not sent: the template uses {templates.undefined_name(exc)}, which "
                f"{contact.full_name or row.email} has no value for (give it a default or fill it in)"
            )
        else:
            reason = f"not sent: {exc}"
        now = store_now()
        with write_transaction():
            self._write_pending(now)
            done = send_rows.mark_unrenderable(row, reason, self.campaign_id, self.owner, now)
        if done:
            self.result.failed += 1
        else:
            self._keep_lease(force=True)  # lost it? stop; else the row changed meanwhile

    # ------------------------------------------------------------ what the server said

    def _accepted(self, row: QueuedRow, reply: str, message: EmailMessage) -> None:
        """Sent: recorded with the next message's "sending" (or before a wait, or at the end)."""
        self.pending = SentRow(row, reply, header_text(message, "Subject"))
        self.result.sent += 1
        self.sent_today += 1
        self.consecutive = 0
        if self.interval >= 0.05:
            self._wait(self.interval)  # commits the "sent" first
        elif self.interval >= 0.001:  # a sleep costs about a millisecond: skip shorter ones
            self.sleep(self.interval)

    def _refused(self, row: QueuedRow, exc: SendFailed) -> None:
        """A 4xx is retried later (until the retries run out), a 5xx fails the message (and a
        5.1.x bounces the address); a refusal about the account pauses the campaign, and so
        do too many refusals in a row."""
        self.consecutive += 1
        reply = f"{exc.code} {exc.reply}"
        if exc.account_problem:
            send_rows.requeue(row, reply=reply)
            self._account_problem(exc.explained())
        if exc.temporary and row.attempts < len(self.retry_delays):
            send_rows.retry_later(row, reply, self.retry_delays[row.attempts])
        else:
            self._failed(row, exc, reply)
        if self.consecutive >= MAX_CONSECUTIVE_ERRORS:
            raise _Stop("paused", f"{self.consecutive} errors in a row; the last: {reply}")

    def _failed(self, row: QueuedRow, exc: SendFailed, reply: str) -> None:
        """Refused for good; a 5.1.x (no such user) bounces the address and suppresses it."""
        send_rows.finish(row, state=OutboxState.FAILED, reply=reply)
        self.result.failed += 1
        if exc.recipient_bounced:
            self.consecutive -= 1  # the address is bad, not the sending
            Contact.update(bounced_at=utc_now()).where(Contact.id == row.contact_id).execute()
            suppress(row.email, f"bounced: {reply}")

    def _connection_lost(self, row: QueuedRow, exc: ConnectionLost) -> None:
        """Lost after the message's data went out: it may have arrived, so it is unknown (never
        resent). Lost before: queued again, and the sender waits for the network."""
        if exc.data_sent:
            send_rows.finish(
                row, state=OutboxState.UNKNOWN, reply=f"{exc}: it may have arrived; check your Sent folder"
            )
            self.result.unknown += 1
            return
        send_rows.requeue(row)
        self.say("Offline: will send when the network is back.")
        self._wait(self.reconnect_delay)

    def _account_problem(self, reason: str) -> None:
        log.warning("campaign %s paused: %s", self.campaign_id, reason)
        self.result.account_problem = True
        raise _Stop("paused", reason)

    # ------------------------------------------------------------ recording "sent"

    def _write_pending(self, now: datetime) -> None:
        if self.pending is not None:
            send_rows.record_sent(self.pending, now, self.campaign.name, self.campaign_id)
            self.pending = None

    def _flush(self) -> None:
        """Commit a pending "sent" now (before a wait, at the end)."""
        for attempt in range(5):  # the store may be busy for a moment; the email went out
            if self.pending is None:
                return
            try:
                with write_transaction():
                    self._write_pending(store_now())
            except Exception:  # noqa: BLE001 - retried, then logged: the row stays "sending"
                if attempt == 4:
                    log.exception("could not record a sent message; it will show as unknown")
                    self.pending = None
                    return
                time.sleep(0.2 * (attempt + 1))


def send_campaign(campaign_id: int, **options: Any) -> SendResult:
    """Work the campaign's outbox until it is empty, paused, cancelled or interrupted.

    Raises ``lease.CampaignBusy`` (naming who) when another sender holds the campaign.
    Options: see ``Sender``."""
    return Sender(campaign_id, **options).run()
