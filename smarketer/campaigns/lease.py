"""Who may send a campaign: one lease per campaign, claimed with a compare-and-set in SQL.

Exactly one sender (the app, its scheduler, the CLI, a second window or a second machine) works
a campaign at a time. The lease is the campaign row's ``lock_owner``/``lock_until``: claimed
only when free, expired or held by a process of this machine that no longer runs; renewed by
its holder during every wait; and checked again, in the same statement, before any outbox row
goes ``queued → sending`` (see ``outbox.mark_sending``). A sender whose renewal fails has lost
the campaign and stops at once.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from smarketer.campaigns.errors import CampaignError
from smarketer.db import db
from smarketer.db.fields import InstantField, utc_now
from smarketer.db.models.campaigns import Campaign, OutboxState
from smarketer.db.writes import store_now, write_transaction

LEASE_SECONDS = 120
#: A holder renews this often while it works or waits (well inside LEASE_SECONDS).
RENEW_SECONDS = 10.0

_STAMP = InstantField().db_value
_RENEW = "UPDATE campaign SET lock_until = ? WHERE id = ? AND lock_owner = ?"


class CampaignBusy(CampaignError):
    """Another sender holds the campaign; the message says who and since when."""

    def __init__(self, holder: Holder | None):
        self.holder = holder
        who = holder.describe() if holder else "another Smarketer"
        super().__init__(f"This campaign is being sent by {who}.")


class LeaseLost(Exception):
    """The lease was taken over (it had expired): stop before sending anything more."""


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    since: datetime

    def describe(self) -> str:
        local = self.since.astimezone()
        return f"Smarketer on {self.host}, pid {self.pid}, since {local:%a %d %b %H:%M:%S}"


def new_owner() -> str:
    """A lease holder's name: this machine, this process, a nonce and when it started."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}:{int(utc_now().timestamp())}"


def parse_owner(owner: str | None) -> Holder | None:
    if not owner:
        return None
    parts = owner.split(":")
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    since = datetime.fromtimestamp(int(parts[3]), UTC) if len(parts) > 3 and parts[3].isdigit() else utc_now()
    return Holder(parts[0], int(parts[1]), since)


def _owner_is_dead(owner: str | None) -> bool:
    """True when the holder was a process on this machine that no longer runs."""
    if not owner:
        return True
    holder = parse_owner(owner)
    if holder is None:
        return False  # not a name we wrote: trust it until it expires
    if holder.host != socket.gethostname():
        return False  # another machine's sender: trust its lease until it expires
    if holder.pid == os.getpid():
        return False
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def free_dead_leases() -> None:
    held = cast(
        list[tuple[int, str]],
        list(
            Campaign.select(Campaign.id, Campaign.lock_owner)
            .where(Campaign.lock_owner.is_null(False))
            .tuples()
        ),
    )
    for campaign_id, owner in held:
        if _owner_is_dead(owner):
            Campaign.update(lock_owner=None, lock_until=None).where(
                (Campaign.id == campaign_id) & (Campaign.lock_owner == owner)
            ).execute()


def claim(campaign_id: int, owner: str, now: datetime | None = None) -> bool:
    """Take the lease if it is free, expired, ours, or its holder is dead. Rows a former
    holder left ``sending`` become ``unknown`` in the same transaction: never resent."""
    now = now or store_now()
    free_dead_leases()
    with write_transaction():
        taken = (
            Campaign.update(lock_owner=owner, lock_until=now + timedelta(seconds=LEASE_SECONDS))
            .where(
                (Campaign.id == campaign_id)
                & (
                    Campaign.lock_owner.is_null()
                    | (Campaign.lock_owner == owner)
                    | Campaign.lock_until.is_null()
                    | (Campaign.lock_until < now)
                )
            )
            .execute()
            == 1
        )
        if taken:
            db.execute_sql(
                f"UPDATE outbox_message SET state = '{OutboxState.UNKNOWN}', reply = ? "
                f"WHERE campaign_id = ? AND state = '{OutboxState.SENDING}'",
                ("interrupted while sending: check your Sent folder before sending it again", campaign_id),
            )
    return taken


def renew(campaign_id: int, owner: str, now: datetime | None = None) -> bool:
    """Extend our lease; False when it is no longer ours (the caller must stop at once).
    Plain SQL: the sender renews inside every message's transaction."""
    until = (now or store_now()) + timedelta(seconds=LEASE_SECONDS)
    renewed = db.execute_sql(_RENEW, (_STAMP(until), campaign_id, owner))
    return cast(int, renewed.rowcount) == 1


def release(campaign_id: int, owner: str) -> None:
    Campaign.update(lock_owner=None, lock_until=None).where(
        (Campaign.id == campaign_id) & (Campaign.lock_owner == owner)
    ).execute()


def holder(campaign_id: int) -> Holder | None:
    """Who sends this campaign now (None when nobody holds a live lease)."""
    found = cast(
        tuple[str | None, datetime | None],
        (
            Campaign.select(Campaign.lock_owner, Campaign.lock_until)
            .where(Campaign.id == campaign_id)
            .tuples()
            .get()
        ),
    )
    owner, until = found
    if owner is None or until is None or until < store_now() or _owner_is_dead(owner):
        return None
    return parse_owner(owner)


# The clause an outbox write adds to prove the writer still holds the campaign's lease.
HOLDS_LEASE = "EXISTS (SELECT 1 FROM campaign WHERE id = ? AND lock_owner = ? AND lock_until >= ?)"


def holds_params(campaign_id: int, owner: str, now: datetime | None = None) -> tuple[int, str, str | None]:
    return campaign_id, owner, _STAMP(now or store_now())
