"""File → Open Database on a Server…: a real PostgreSQL store opened from the app, in the
background (a busy box with Cancel), a server that cannot be reached (one line, Retry), one
that never answers (Cancel), and one that asks for a password (kept only when the user says)."""

import socket

import pytest
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from smarketer.db import server
from smarketer.db.models.contacts import Contact
from smarketer.ui import dialogs
from smarketer.ui.server_store import ServerPasswordDialog
from smarketer.ui.workers import wait_for_all
from tests.campaigns.test_tls_and_keyring import memory_keyring  # noqa: F401 - the tests' keyring
from tests.postgres import free_port


def busy_box(window):
    return next((b for b in window.findChildren(QProgressDialog) if b.isVisible()), None)


def message(window):
    return next((b for b in window.findChildren(QMessageBox, "smarketerMessage") if b.isVisible()), None)


def password_dialog(window):
    return next((d for d in window.findChildren(ServerPasswordDialog) if d.isVisible()), None)


def open_from_menu(window, monkeypatch, url):
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: url)
    window.actions["server"].trigger()


@pytest.mark.postgresql
def test_a_server_store_opens_from_the_file_menu_and_its_password_is_not_kept(
    window, empty_server_database, monkeypatch, qtbot
):
    open_from_menu(window, monkeypatch, empty_server_database.replace("smarketer@", "smarketer:s3cret@"))
    # Connecting runs in a worker: the menu returned at once, the old store still shown.
    assert busy_box(window) is not None and window.windowTitle().startswith("demo.db")
    name = empty_server_database.rsplit("/", 1)[1]
    qtbot.waitUntil(lambda: window.windowTitle().startswith(f"{name} on 127.0.0.1"), timeout=15000)
    assert busy_box(window) is None
    assert "0 contacts" in window.store_label.text()
    Contact.create(first_name="Seat", last_name="Two")
    window.reload_all()
    assert window.store_label.text().startswith("1 contacts")
    remembered = window.ui_state.value("store/last_server")
    assert remembered.startswith("postgresql://smarketer@127.0.0.1") and "s3cret" not in remembered


def test_a_server_that_cannot_be_reached_says_why_in_one_line_and_offers_a_retry(window, monkeypatch, qtbot):
    psycopg = pytest.importorskip("psycopg")
    assert psycopg
    open_from_menu(window, monkeypatch, f"postgresql://owner@127.0.0.1:{free_port()}/x")
    qtbot.waitUntil(lambda: message(window) is not None, timeout=15000)
    box = message(window)
    assert "cannot be reached" in box.text() and "\n" not in box.text()
    assert Contact.select().count() == 60 and window.windowTitle().startswith("demo.db")
    [retry] = [b for b in box.buttons() if b.text() == "Retry"]
    retry.click()
    assert busy_box(window) is not None  # trying again, in the background
    qtbot.waitUntil(lambda: message(window) is not None and message(window) is not box, timeout=15000)
    assert "cannot be reached" in message(window).text()
    message(window).reject()
    assert Contact.select().count() == 60 and window.windowTitle().startswith("demo.db")


def test_cancel_while_a_server_never_answers_keeps_the_current_store(window, monkeypatch, qtbot):
    pytest.importorskip("psycopg")
    silent = socket.socket()  # accepts the connection and never says a word
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        open_from_menu(window, monkeypatch, f"postgresql://owner@127.0.0.1:{silent.getsockname()[1]}/x")
        busy = busy_box(window)
        assert busy is not None
        busy.findChild(QPushButton).click()  # its Cancel
        assert busy_box(window) is None
        assert not window.server_job.done  # still waiting for the server, and nobody minds
    finally:
        silent.close()  # the waiting connection now fails; its answer is dropped
    wait_for_all()
    qtbot.waitUntil(lambda: window.server_job.done)
    assert message(window) is None, message(window).text()
    assert Contact.select().count() == 60 and window.windowTitle().startswith("demo.db")


@pytest.mark.postgresql
def test_a_password_is_asked_and_kept_in_the_keyring_only_if_ticked(
    window,
    demo_store,
    postgres,
    memory_keyring,  # noqa: F811 - the fixture imported above
    monkeypatch,
    qtbot,
):
    url = postgres.password_database("s3cret pass")
    name = url.rsplit("/", 1)[1]
    monkeypatch.setattr(server, "_session_passwords", {})
    open_from_menu(window, monkeypatch, url)
    qtbot.waitUntil(lambda: password_dialog(window) is not None, timeout=15000)
    asked = password_dialog(window)
    assert not asked.keep.isChecked()  # kept nowhere unless the user says so
    asked.password.setText("wrong")
    asked.accept()
    qtbot.waitUntil(lambda: password_dialog(window) not in (None, asked), timeout=15000)
    assert window.windowTitle().startswith("demo.db")  # refused: still the demo
    password_dialog(window).password.setText("s3cret pass")
    password_dialog(window).accept()
    qtbot.waitUntil(lambda: window.windowTitle().startswith(f"{name} on 127.0.0.1"), timeout=15000)
    assert memory_keyring.store == {}

    def reopen():  # back to the demo, the app started again (no session password), then the server
        assert window.open_store(demo_store)
        monkeypatch.setattr(server, "_session_passwords", {})
        open_from_menu(window, monkeypatch, url)

    reopen()
    qtbot.waitUntil(lambda: password_dialog(window) is not None, timeout=15000)
    password_dialog(window).password.setText("s3cret pass")
    password_dialog(window).keep.setChecked(True)
    password_dialog(window).accept()
    qtbot.waitUntil(lambda: window.windowTitle().startswith(f"{name} on 127.0.0.1"), timeout=15000)
    account = url.split("//")[1].split("/")[0]
    assert memory_keyring.store == {(server.KEYRING_SERVICE, account): "s3cret pass"}

    reopen()  # the keyring answers: nothing asked
    qtbot.waitUntil(lambda: window.windowTitle().startswith(f"{name} on 127.0.0.1"), timeout=15000)
    assert password_dialog(window) is None
