"""The send review: what will happen if the owner presses Send, in plain figures.

Nothing leaves without it (Send now and Schedule in the app, ``campaign send`` on a terminal).
``review_send`` only reads the store; it may take a moment on a large audience, so the app
runs it off the GUI thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from smarketer.campaigns import outbox
from smarketer.campaigns.account import load_account
from smarketer.campaigns.audience import summarize
from smarketer.db.fields import utc_now
from smarketer.db.models.campaigns import Campaign, OutboxMessage, OutboxState
from smarketer.db.rows import tuples


@dataclass(frozen=True)
class SendReview:
    campaign_id: int
    campaign_name: str
    recipients: int  # who gets an email now (still to be sent)
    already_sent: int = 0  # earlier attempts of this campaign that went out (never resent)
    left_out: dict[str, int] = field(default_factory=dict)  # reason -> contacts
    without_consent: int = 0  # with no recorded consent (left out when Settings asks so)
    consent_required: bool = False
    missing_field: int = 0  # recipients whose email lacks a merge field
    missing_example: str = ""  # "Ada Lovelace has no company"
    from_address: str = ""
    from_name: str = ""
    server: str = ""
    rate_per_minute: int = 1
    daily_cap: int = 1
    sent_last_day: int = 0  # counted against the daily cap
    starts_at: datetime | None = None
    last_at: datetime | None = None  # estimate of when the last one goes out
    days: int = 1  # calendar days the daily cap spreads it over
    problem: str = ""  # why it cannot be sent at all ("" when it can)

    @property
    def can_send(self) -> bool:
        return not self.problem and self.recipients > 0

    @property
    def left_out_total(self) -> int:
        return sum(self.left_out.values())

    def left_out_text(self) -> str:
        return ", ".join(f"{n:,} {why}" for why, n in sorted(self.left_out.items())) or "nobody"

    def lines(self) -> list[str]:
        """The review as text lines (the command line prints them before asking)."""
        sender = f"{self.from_name} <{self.from_address}>" if self.from_name else self.from_address
        out = [
            f"{self.campaign_name}: {self.recipients:,} recipient(s)"
            + (f" ({self.already_sent:,} sent earlier are not sent again)" if self.already_sent else ""),
            f"  left out: {self.left_out_text()}",
        ]
        if self.without_consent:
            out.append(
                f"  without recorded consent: {self.without_consent:,}"
                + (" (left out)" if self.consent_required else " (they receive it)")
            )
        if self.missing_field:
            out.append(f"  lacking a merge field: {self.missing_field:,}, e.g. {self.missing_example}")
        out.append(f"  from: {sender} via {self.server}")
        out.append(
            f"  pace: {self.rate_per_minute:,} per minute, at most {self.daily_cap:,} a "
            f"day ({self.sent_last_day:,} sent in the last 24 hours)"
        )
        if self.recipients and self.last_at:
            out.append(
                f"  last one goes out: about {self.last_at.astimezone():%Y-%m-%d %H:%M}"
                + (f" ({self.days} days: the daily cap pauses it each day)" if self.days > 1 else "")
            )
        if self.problem:
            out.append(f"  cannot send: {self.problem}")
        return out

    def confirm_text(self) -> str:
        """The confirming button: it names the number ("Send to 1,240")."""
        return f"Send to {self.recipients:,}"


def estimate_finish(
    count: int, start: datetime, rate_per_minute: int, daily_cap: int, sent_last_day: int = 0
) -> tuple[datetime, int]:
    """(when the last of ``count`` emails goes out, days it takes) at the rate and cap.

    The sender pauses at the daily cap; the estimate assumes it is resumed a day later."""
    interval = timedelta(seconds=60 / max(rate_per_minute, 1))
    if count <= 0:
        return start, 1
    room_today = max(0, daily_cap - sent_last_day)
    if count <= room_today:
        return start + interval * (count - 1), 1
    rest = count - room_today
    extra_days = math.ceil(rest / max(daily_cap, 1))
    last_day_count = rest - (extra_days - 1) * daily_cap
    return start + timedelta(days=extra_days) + interval * (last_day_count - 1), extra_days + 1


def review_send(campaign_id: int, at: datetime | None = None, now: datetime | None = None) -> SendReview:
    """The figures of sending ``campaign_id`` now (or at ``at``), without changing anything."""
    now = now or utc_now()
    campaign = Campaign.get_by_id(campaign_id)
    account = load_account()
    problem = ""
    try:
        outbox.ready_to_send(account)
    except outbox.CampaignError as exc:
        problem = str(exc)
    if campaign.status in ("done", "cancelled"):
        problem = f"{campaign.name} is {campaign.status}."
    elif not outbox.has_audience(campaign):
        problem = "Choose who receives it (an audience) first."
    summary = summarize(campaign_id)
    handled = {
        c
        for (c,) in tuples(
            OutboxMessage.select(OutboxMessage.contact).where(
                (OutboxMessage.campaign == campaign_id) & OutboxMessage.state.not_in([OutboxState.QUEUED])
            )
        )
    }
    already_sent = (
        OutboxMessage.select()
        .where((OutboxMessage.campaign == campaign_id) & (OutboxMessage.state == OutboxState.SENT))
        .count()
    )
    to_send = [i for i in summary.eligible if i not in handled]
    problem = problem or summary.problem
    if not to_send and not problem:
        problem = "Nobody in this audience can be emailed."
    example = "{} has no {}".format(*summary.missing_example) if summary.missing_example else ""
    sent_last_day = outbox.sent_in_last_day(now)
    start = max(at, now) if at else now
    last, days = estimate_finish(
        len(to_send),
        start,
        account.rate_per_minute,
        account.daily_cap,
        sent_last_day if start - now < timedelta(days=1) else 0,
    )
    return SendReview(
        campaign_id=campaign.id,
        campaign_name=campaign.name,
        recipients=len(to_send),
        already_sent=already_sent,
        left_out=dict(summary.excluded),
        without_consent=summary.without_consent,
        consent_required=summary.only_with_consent,
        missing_field=summary.missing_count if to_send else 0,
        missing_example=example,
        from_address=account.from_address,
        from_name=account.from_name,
        server=account.host,
        rate_per_minute=account.rate_per_minute,
        daily_cap=account.daily_cap,
        sent_last_day=sent_last_day,
        starts_at=start,
        last_at=last,
        days=days,
        problem=problem,
    )
