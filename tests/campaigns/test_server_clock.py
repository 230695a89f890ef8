"""Seats on several computers share one clock for leases: the server's, not their own."""

from datetime import timedelta

from smarketer.campaigns import lease, outbox
from smarketer.db import writes
from smarketer.db.fields import utc_now
from smarketer.db.models.campaigns import Campaign


def test_a_seat_with_a_clock_an_hour_fast_cannot_take_a_live_lease(server_store, monkeypatch):
    campaign = outbox.create_campaign("Clock", "contacts", "[]", "Clock", "Hello")
    assert lease.claim(campaign.id, "desktop:1:aa:0")  # a seat with the right time
    server_now = writes.store_now()
    # Another seat's clock runs an hour fast (a laptop that lost its time zone): by its own
    # clock the lease ran out long ago; by the server's it has two minutes to go.
    ahead = lambda: utc_now() + timedelta(hours=1)  # noqa: E731
    monkeypatch.setattr(writes, "utc_now", ahead)
    monkeypatch.setattr(lease, "utc_now", ahead)
    assert not lease.claim(campaign.id, "laptop:2:bb:0")
    assert lease.holder(campaign.id).host == "desktop"
    assert Campaign.get_by_id(campaign.id).lock_owner == "desktop:1:aa:0"
    # Its renewal, had it held the lease, is timed by the server too.
    assert lease.renew(campaign.id, "desktop:1:aa:0")
    until = Campaign.get_by_id(campaign.id).lock_until
    assert abs(until - (server_now + timedelta(seconds=lease.LEASE_SECONDS))) < timedelta(seconds=30)
