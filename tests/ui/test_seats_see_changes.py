"""Seats see each other's work: another process changes a contact and moves a deal; the open
window shows both within a couple of seconds, on a SQLite file and on PostgreSQL."""

import os
import subprocess
import sys

from PySide6.QtCore import Qt

from smarketer import contacts, pipeline
from smarketer.ui.contacts.model import COLUMNS


def other_process(store, *args):
    done = subprocess.run(
        [sys.executable, "-m", "smarketer", "--db", str(store), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "LANG": "C.UTF-8"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def cell(section, contact_id, column):
    model = section.model
    row = model.row_of(contact_id)
    return model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole) if row >= 0 else None


def test_another_process_edits_a_contact_and_moves_a_deal(backend, store, make_window, qtbot):
    zoe = contacts.save_contact(
        contacts.ContactData(first_name="Zoë", email="zoe@example.com", city="Galway")
    )
    ada = contacts.save_contact(contacts.ContactData(first_name="Ada", email="ada@example.com"))
    deal = pipeline.save_deal(pipeline.DealData(title="Website refresh", contact_id=zoe.id))
    stages = pipeline.open_stages()
    window = make_window(store)
    window.go_to_section("Contacts")
    section = window.contacts
    section.select_contact(ada.id)
    section.editor.fields["title"][1].setText("Typing here")  # never replaced by a refresh
    city_column = [key for key, _label in COLUMNS].index("city")
    assert cell(section, zoe.id, city_column) == "Galway"

    other_process(store, "contacts", "edit", str(zoe.id), "--city", "Cork")
    qtbot.waitUntil(lambda: cell(section, zoe.id, city_column) == "Cork", timeout=5000)
    assert section.editor.contact_id == ada.id
    assert section.editor.fields["title"][1].text() == "Typing here"

    window.go_to_section("Deals")
    board = window.deals

    def column_of(deal_id):
        return next((c.stage.id for c in board.columns if any(d.id == deal_id for d in c.model.cards)), None)

    assert column_of(deal.id) == stages[0].id
    other_process(store, "deal", "move", str(deal.id), stages[2].name)
    qtbot.waitUntil(lambda: column_of(deal.id) == stages[2].id, timeout=5000)
