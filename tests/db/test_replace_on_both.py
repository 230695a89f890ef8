"""Every "insert or overwrite" the core does (``BaseModel.replace``: an upsert on the primary
key) writes twice without a conflict on both backends, and the second value wins."""

import threading

import pytest

from smarketer import attribution, settings
from smarketer.db import db
from smarketer.db.models.base import Setting
from smarketer.db.models.campaigns import ImapFolderState
from smarketer.db.models.proposals import ProposalSequence
from smarketer.inbox import process
from smarketer.pipeline import deals
from smarketer.proposals import drafts

pytestmark = pytest.mark.usefixtures("backend")


def test_settings_are_overwritten_not_duplicated(store):
    settings.save_profile(settings.BusinessProfile(name="First", currency="EUR"))
    settings.save_profile(settings.BusinessProfile(name="Hollis & Reed", currency="EUR"))
    attribution.set_attribution_days(14)
    attribution.set_attribution_days(30)
    deals.set_lost_reasons(["Price"])
    deals.set_lost_reasons(["Timing", "Price"])
    process.set_deal_on_reply(True)
    process.set_deal_on_reply(False)
    assert settings.load_profile().name == "Hollis & Reed"
    assert attribution.attribution_days() == 30
    assert deals.lost_reasons() == ["Timing", "Price"]
    assert process.deal_on_reply() is False
    keys = [row.key for row in Setting.select(Setting.key)]
    assert len(keys) == len(set(keys))


def test_folder_state_and_number_sequence_are_overwritten(store):
    ImapFolderState.replace(folder="INBOX", uidvalidity=7, last_uid=0).execute()
    ImapFolderState.update(last_uid=42).execute()
    ImapFolderState.replace(folder="INBOX", uidvalidity=8, last_uid=0).execute()  # a new UIDVALIDITY
    [state] = ImapFolderState.select()
    assert (state.uidvalidity, state.last_uid) == (8, 0)
    numbers = [drafts.next_number(2026, "HR") for _ in range(3)]
    assert numbers == ["HR-2026-0001", "HR-2026-0002", "HR-2026-0003"]
    assert [(s.year, s.last) for s in ProposalSequence.select()] == [(2026, 3)]


def test_two_seats_drafting_at_once_never_share_a_number(store, backend):
    """The first seat holds its transaction open after taking a number; the second seat's
    statement waits for it (on a server the test sees it waiting), then takes the next."""
    took, release, numbers = threading.Event(), threading.Event(), []

    def seat(hold: bool) -> None:
        try:
            with db.atomic():
                numbers.append(drafts.next_number(2026, "HR"))
                took.set()
                if hold:
                    release.wait(30)
        finally:
            db.close()

    first = threading.Thread(target=seat, args=(True,))
    first.start()
    assert took.wait(30)
    second = threading.Thread(target=seat, args=(False,))
    second.start()
    if backend == "postgresql":
        from tests.postgres import wait_until_blocked

        wait_until_blocked(db.execute_sql, second)
    release.set()
    first.join(30)
    second.join(30)
    assert sorted(numbers) == ["HR-2026-0001", "HR-2026-0002"]
