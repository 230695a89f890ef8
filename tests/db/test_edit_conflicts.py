"""No silent lost update: two seats on one real store. A save over another seat's newer save
is refused, says who and when, and writes nothing; saving again over their version (overwrite)
works. The other seat is a real second process (the CLI) or a second connection (a thread)."""

import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest

from smarketer.conflicts import EditConflict
from smarketer.contacts.editing import ContactData, save_contact
from smarketer.contacts.tags import add_tags, tag_names
from smarketer.db.fields import utc_now
from smarketer.db.models.contacts import Contact
from smarketer.db.models.deals import Deal
from smarketer.db.versions import seat
from smarketer.pipeline.deals import DealData, deals_in_stage, save_deal
from smarketer.pipeline.stage_list import open_stages
from smarketer.proposals.drafts import create_proposal, editable, update_proposal
from tests.other_seat import other_connection


def other_process(store, *args):
    """The CLI in a second process, run by another user of this computer ("anna")."""
    env = {**os.environ, "USER": "anna", "LOGNAME": "anna", "LANG": "C.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-m", "smarketer", "--db", str(store), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_a_save_over_another_seats_save_is_refused_naming_who_and_when(backend, store):
    zoe = save_contact(ContactData(first_name="Zoë", email="zoe@example.com", city="Galway"))
    assert zoe.version == 1
    loaded = zoe.version  # an editor opens her
    other_process(store, "contacts", "edit", str(zoe.id), "--city", "Cork")

    mine = ContactData(first_name="Zoë", email="zoe@example.com", city="Dublin", phone="+353 1 555 0100")
    before = utc_now()
    with pytest.raises(EditConflict) as caught:
        save_contact(mine, zoe.id, expected_version=loaded)
    conflict = caught.value
    assert conflict.by == f"anna@{socket.gethostname()}"
    assert before - timedelta(minutes=2) < conflict.at <= utc_now()
    assert str(conflict).startswith(f"anna@{socket.gethostname()} changed this contact at ")
    assert "while you were editing it" in str(conflict)
    stored = Contact.get_by_id(zoe.id)
    assert (stored.city, stored.phone, stored.version) == ("Cork", "", 2)  # nothing written

    # Overwrite: the same save, over their version.
    save_contact(mine, zoe.id, expected_version=conflict.version)
    stored = Contact.get_by_id(zoe.id)
    assert (stored.city, stored.version, stored.changed_by) == ("Dublin", 3, seat())


def test_every_save_counts_one_version_and_a_save_without_a_version_still_counts(backend, store):
    saved = save_contact(ContactData(first_name="Ada", email="ada@example.com"))
    for n in range(2, 5):
        saved = save_contact(ContactData(first_name=f"Ada {n}"), saved.id)
        assert Contact.get_by_id(saved.id).version == n
    add_tags(saved.id, ["vip"])  # a change the editor shows counts too
    assert Contact.get_by_id(saved.id).version == 5
    with pytest.raises(EditConflict):
        save_contact(ContactData(first_name="Ada"), saved.id, expected_version=4)
    assert tag_names(saved.id) == ["vip"]


def test_a_deal_moved_by_another_seat_is_not_moved_back_by_a_stale_dialog(backend, store):
    deal = save_deal(DealData(title="Website refresh", value="4800"))
    loaded = deal.version
    stages = open_stages()
    other_process(store, "deal", "move", str(deal.id), stages[2].name)

    stale = DealData(title="Website refresh", value="5200", stage_id=stages[0].id)
    with pytest.raises(EditConflict) as caught:
        save_deal(stale, deal.id, expected_version=loaded)
    assert "changed this deal" in str(caught.value)
    stored = Deal.get_by_id(deal.id)
    assert (stored.stage_id, stored.value) == (stages[2].id, 4800)


def test_a_proposal_saved_by_another_connection(store):  # (proposals on a server: issue 21, pg)
    proposal = create_proposal("Brand refresh")
    loaded = proposal.version
    other_connection(lambda: update_proposal(proposal.id, intro="Their intro"))

    with pytest.raises(EditConflict) as caught:
        update_proposal(proposal.id, expected_version=loaded, intro="My intro")
    assert caught.value.by == "anna@laptop" and "changed this proposal" in str(caught.value)
    assert editable(proposal.id).intro == "Their intro"
    update_proposal(proposal.id, expected_version=caught.value.version, intro="My intro")
    assert editable(proposal.id).intro == "My intro"


def test_a_contact_deleted_by_another_seat(backend, store):
    gone = save_contact(ContactData(first_name="Gone", email="gone@example.com"))
    other_connection(lambda: Contact.delete().where(Contact.id == gone.id).execute())
    with pytest.raises(EditConflict) as caught:
        save_contact(ContactData(first_name="Still here"), gone.id, expected_version=1)
    assert caught.value.deleted and "was deleted by someone else" in str(caught.value)
    assert Contact.select().count() == 0


MOVER = """
import random, sys
from smarketer.db import open_database
from smarketer.pipeline.deals import deals_in_stage, move_deal
from smarketer.pipeline.stage_list import open_stages
open_database(sys.argv[1])
rng = random.Random(int(sys.argv[2]))
stages = [s.id for s in open_stages()]
deals = [d.id for d in deals_in_stage(stages[0])] + [
    d.id for s in stages[1:] for d in deals_in_stage(s)]
for _ in range(40):
    move_deal(rng.choice(deals), rng.choice(stages), rng.randrange(0, 12))
print("ok")
"""


def test_deal_moves_by_two_processes_keep_every_stage_numbered(backend, store):
    stages = open_stages()
    for n in range(24):
        deal = save_deal(DealData(title=f"Deal {n}", stage_id=stages[n % len(stages)].id))
        assert deal.position >= 1
    movers = [
        subprocess.Popen(
            [sys.executable, "-c", MOVER, str(store), str(seed)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (1, 2)
    ]
    for mover in movers:
        out, err = mover.communicate(timeout=180)
        assert mover.returncode == 0 and out.strip() == "ok", err
    assert Deal.select().count() == 24
    for stage in stages:
        positions = [d.position for d in deals_in_stage(stage.id)]
        assert positions == list(range(1, len(positions) + 1)), (stage.name, positions)
