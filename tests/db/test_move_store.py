"""move-store: a business carried from a SQLite file to a PostgreSQL database and back, verified."""

import pytest

from smarketer.db import close_database, db, open_database
from smarketer.db.move import move_store
from smarketer.db.server_schema import own_tables, reference_store
from smarketer.db.transfer import table_digest

pytestmark = pytest.mark.postgresql


def _digests():
    reference = reference_store()
    tables = [name for name, _sql in own_tables(reference)]
    reference.close()
    return {t: table_digest(db.obj, t) for t in tables}


def test_a_demo_goes_to_the_server_and_back_with_every_row(demo_store, empty_server_database, tmp_path):
    from smarketer.contacts.listing import ContactFilter, contact_ids
    from smarketer.db.models.contacts import Contact
    from smarketer.db.models.deals import Deal

    before = _digests()
    assert before["contact"][0] == 60 and before["deal"][0] > 0
    seen = []
    target, moved = move_store(empty_server_database, progress=lambda done, total: seen.append((done, total)))
    assert {t.name: (t.rows, t.checksum) for t in moved} == before
    assert seen[-1][0] == seen[-1][1] == sum(rows for rows, _ in before.values())

    close_database()
    open_database(empty_server_database)
    assert _digests() == before
    zoe = Contact.select().order_by(Contact.id).first()
    found = contact_ids(ContactFilter(text=zoe.last_name[:4]))
    assert zoe.id in found  # the server's search index was filled as the rows came
    new = Deal.create(title="After the move", stage=1)  # ids go on after the copied ones
    assert new.id > max(d.id for d in Deal.select().where(Deal.id != new.id))
    Deal.delete_by_id(new.id)

    back = tmp_path / "back.db"
    move_store(back)
    close_database()
    open_database(back)
    assert _digests() == before
    assert contact_ids(ContactFilter(text=zoe.last_name[:4])) == found


def test_a_target_that_is_not_empty_is_refused_and_left_alone(demo_store, server_store, tmp_path):
    from smarketer.db import StoreError
    from smarketer.db.models.contacts import Contact

    Contact.create(first_name="Already", last_name="There")
    close_database()
    open_database(demo_store)
    with pytest.raises(StoreError, match="is not empty"):
        move_store(server_store)
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"")
    with pytest.raises(StoreError, match="already exists"):
        move_store(existing)
    close_database()
    open_database(server_store)
    assert [c.first_name for c in Contact.select()] == ["Already"]
