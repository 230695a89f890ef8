"""Undoing an import: what it made goes, what it replaced comes back, and a contact used
since is named and kept."""

import pytest

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.contacts.history import add_note
from smarketer.contacts.tags import tag_names
from smarketer.db.models.contacts import Company, Contact, Tag
from smarketer.exchange import history
from smarketer.exchange.files import plan_import, run_import

# On both backends: a SQLite file and a PostgreSQL server (skipped without one).
pytestmark = pytest.mark.usefixtures("backend")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_undo_takes_back_created_and_restores_updated(store, tmp_path):
    known = save_contact(
        ContactData(
            first_name="Ann", last_name="Old", email="ann@example.com", title="", phone="", tags=("old",)
        )
    )
    before = Contact.get_by_id(known.id)
    path = write(
        tmp_path,
        "fair.csv",
        "Name,Email,Title,Company,Tags\n"
        "Ann New,ann@example.com,Owner,Acme,fair\n"
        "Bob Brand,bob@example.com,Chef,Brandnew Ltd,fair\n",
    )
    summary = run_import(plan_import(path), policy="update", tag="Fair 2026")
    assert (summary.created, summary.updated) == (1, 1)
    assert Contact.get_by_id(known.id).title == "Owner"
    [run] = history.history()
    assert run.describe().endswith("fair.csv: 1 created, 1 updated, 0 skipped, 0 rejected")
    check = history.check_undo(run.id)
    assert (check.undoable, check.used) == (2, [])
    assert history.undo_import(run.id) == 2
    ann = Contact.get_by_id(known.id)
    assert (ann.title, ann.company, ann.updated_at) == ("", None, before.updated_at)
    assert tag_names(ann.id) == ["old"]
    assert Contact.select().count() == 1
    assert Company.select().count() == 0  # made by the import, used by nobody now
    assert sorted(t.name for t in Tag.select()) == ["old"]
    assert history.history()[0].undone_at is not None
    assert history.last_undoable() is None
    with pytest.raises(history.UndoRefused, match="already undone"):
        history.undo_import(run.id)


def test_contacts_used_since_are_named_and_kept(store, tmp_path):
    path = write(
        tmp_path,
        "list.csv",
        "Name,Email\nCid Used,cid@example.com\nDee Edited,dee@example.com\nEve Untouched,eve@example.com\n",
    )
    run_id = run_import(plan_import(path)).run_id
    cid = Contact.get(Contact.email == "cid@example.com")
    add_note(cid.id, "Called, wants a quote")
    dee = Contact.get(Contact.email == "dee@example.com")
    data = ContactData.of(dee)
    save_contact(data.__class__(**{**data.__dict__, "phone": "+44 20 7946 0000"}), dee.id)
    check = history.check_undo(run_id)
    assert check.undoable == 1
    assert [(name, why) for _id, name, why in check.used] == [
        ("Cid Used", "has a note or timeline entry"),
        ("Dee Edited", "edited since the import"),
    ]
    with pytest.raises(history.UndoRefused, match="2 contacts of this import were used since"):
        history.undo_import(run_id)
    assert Contact.select().count() == 3  # refused: nothing changed
    assert history.undo_import(run_id, keep_used=True) == 1
    assert sorted(c.email for c in Contact.select()) == ["cid@example.com", "dee@example.com"]


def test_a_cancelled_import_leaves_no_history(store, tmp_path):
    from smarketer.exchange.importer import ImportCancelled

    rows = "".join(f"P{i},p{i}@example.com\n" for i in range(1200))
    path = write(tmp_path, "big.csv", "Name,Email\n" + rows)
    with pytest.raises(ImportCancelled):
        run_import(plan_import(path), cancelled=lambda: True)
    assert history.history() == []
