"""The deal board with three deals of one contact, shown (Ctrl+5)."""

import pytest
from PySide6.QtCore import Qt

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.pipeline.deals import DealData, save_deal


@pytest.fixture
def board_window(make_window, store, qtbot):
    zoe = save_contact(ContactData(first_name="Zoë", email="zoe@example.com"))
    for title, value in (("Alpha", "1000"), ("Beta", "2000"), ("Gamma", "3000")):
        save_deal(DealData(title=title, value=value, contact_id=zoe.id))
    window = make_window(store)
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.deals.loading)  # the board is read in a worker
    return window
