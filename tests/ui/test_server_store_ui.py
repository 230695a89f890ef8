"""File → Open Database on a Server…: a real PostgreSQL store opened from the app."""

import pytest
from PySide6.QtWidgets import QMessageBox

from smarketer.db.models.contacts import Contact
from smarketer.ui import dialogs

pytestmark = pytest.mark.postgresql


def test_a_server_store_opens_from_the_file_menu_and_its_password_is_not_kept(
    window, empty_server_database, monkeypatch
):
    typed = empty_server_database.replace("smarketer@", "smarketer:s3cret@")
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: typed)
    window.actions["server"].trigger()
    name = empty_server_database.rsplit("/", 1)[1]
    assert window.windowTitle().startswith(f"{name} on 127.0.0.1")
    assert "0 contacts" in window.store_label.text()
    Contact.create(first_name="Seat", last_name="Two")
    window.reload_all()
    assert window.store_label.text().startswith("1 contacts")
    remembered = window.ui_state.value("store/last_server")
    assert remembered.startswith("postgresql://smarketer@127.0.0.1") and "s3cret" not in remembered


def test_a_server_that_cannot_be_reached_says_why_and_keeps_the_current_store(window, monkeypatch):
    from tests.postgres import free_port

    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: f"postgresql://owner@127.0.0.1:{free_port()}/x")
    window.actions["server"].trigger()
    box = window.findChild(QMessageBox, "smarketerMessage")
    assert "cannot be reached" in box.text()
    box.close()
    assert Contact.select().count() == 60
    assert window.windowTitle().startswith("demo.db")
