"""The deal board with three deals of one contact, shown (Ctrl+5)."""

import pytest
from PySide6.QtCore import Qt

from smarketer import contacts, pipeline


@pytest.fixture
def board_window(make_window, store, qtbot):
    zoe = contacts.save_contact(contacts.ContactData(first_name="Zoë", email="zoe@example.com"))
    for title, value in (("Alpha", "1000"), ("Beta", "2000"), ("Gamma", "3000")):
        pipeline.save_deal(pipeline.DealData(title=title, value=value, contact_id=zoe.id))
    window = make_window(store)
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    return window
