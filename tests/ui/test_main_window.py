"""The main window, driven as a user drives it."""

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from smarketer import overview
from smarketer.db import db
from smarketer.db.models.contacts import Contact
from smarketer.settings import load_profile
from smarketer.ui import dialogs
from smarketer.ui.main_window import SECTION_NAMES
from smarketer.ui.workers import wait_for_all


def test_window_shows_store_and_sections(window, demo_store, qtbot):
    assert window.windowTitle() == "demo.db — Smarketer"
    window.set_sidebar_collapsed(False)
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == list(SECTION_NAMES)
    assert "60 contacts" in window.store_label.text()
    today = window.today
    qtbot.waitUntil(lambda: "60" in card_values(today))  # counted in a worker


def card_values(today):
    return [
        c.widget().findChildren(type(today.greeting))[0].text()
        for c in (today.cards.itemAt(i) for i in range(today.cards.count()))
    ]


def test_today_counts_the_store_in_a_worker_and_keeps_the_newest(window, qtbot, monkeypatch):
    today = window.today
    qtbot.waitUntil(lambda: "60" in card_values(today))
    release, threads = threading.Event(), []
    real = overview.today_figures

    def slow_first():
        threads.append(threading.current_thread())
        if len(threads) == 1:
            release.wait(20)
            return overview.TodayFigures(contacts=999, open_deals=0, weighted=0)  # overtaken
        return real()

    monkeypatch.setattr(overview, "today_figures", slow_first)
    today.reload()
    assert card_values(today)[:3] == ["…", "…", "…"]  # the page is there at once, counts to come
    today.reload()
    qtbot.waitUntil(lambda: "60" in card_values(today))
    release.set()
    assert wait_for_all()
    qtbot.wait(50)
    assert "60" in card_values(today) and "999" not in card_values(today)
    assert threading.main_thread() not in threads


def test_a_change_elsewhere_reads_todays_tasks_in_a_worker(window, qtbot, monkeypatch):
    """A deal moved on the board (or any change made in another section): Today's tasks and
    figures are read in workers, and the window does not wait for them."""
    from datetime import date

    from smarketer.pipeline.tasks import add_task
    from smarketer.ui import today as today_screen

    today = window.today
    threads = []
    real = today_screen.tasks_agenda
    monkeypatch.setattr(
        today_screen, "tasks_agenda", lambda: threads.append(threading.current_thread()) or real()
    )
    add_task("Ring the florist", date.today(), contact_id=Contact.select(Contact.id).first().id)
    window.hub.data_changed.emit("deal")
    texts = lambda: [today.tasks.item(i).text() for i in range(today.tasks.count())]  # noqa: E731
    assert not any("Ring the florist" in t for t in texts())  # not read on the GUI thread
    qtbot.waitUntil(lambda: any("Ring the florist" in t for t in texts()))
    assert threads and threading.main_thread() not in threads
    qtbot.waitUntil(lambda: "60" in card_values(today))


def test_clicking_the_sidebar_switches_sections(window, qtbot):
    for index, name in enumerate(SECTION_NAMES):
        rect = window.sidebar.visualItemRect(window.sidebar.item(index))
        qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.current_section().label == name


@pytest.mark.parametrize("index", range(7))
def test_ctrl_number_switches_sections(window, qtbot, index):
    window.go_to(6 if index == 0 else 0)
    qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1 + index), Qt.KeyboardModifier.ControlModifier)
    assert window.current_section().label == SECTION_NAMES[index]
    assert window.sidebar.currentRow() == index


def test_every_action_has_text_and_a_unique_shortcut(window):
    shortcuts = [a.shortcut().toString() for a in window.actions.values() if not a.shortcut().isEmpty()]
    assert all(a.text() for a in window.actions.values())
    assert len(shortcuts) == len(set(shortcuts))
    assert {"Ctrl+Q", "Ctrl+F", "Ctrl+N", "Ctrl+1", "Ctrl+6"} <= set(shortcuts)


def test_ctrl_n_is_off_where_there_is_nothing_to_create(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert not window.actions["new"].isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.actions["new"].isEnabled()
    assert window.actions["new"].text() == "&New Campaign"


def test_ctrl_f_says_when_a_section_has_no_search(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert "Nothing to search" in window.statusBar().currentMessage()


def test_ctrl_q_closes_the_window(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_window_geometry_is_remembered(make_window, demo_store):
    first = make_window(demo_store)
    first.resize(700, 560)  # the offscreen screen is 800 x 600
    first.close()
    second = make_window(demo_store)
    assert (second.width(), second.height()) == (700, 560)


def test_about_names_the_version(window):
    from smarketer import __version__

    box = window.about()
    assert __version__ in box.text()
    box.close()


def test_profile_saves_and_reloads(window, qtbot):
    window.go_to_section("Settings")
    form = window.current_section().profile_form
    form.name.clear()
    qtbot.keyClicks(form.name, "Studio")  # QTest types ASCII only
    form.name.setText("Zoë's " + form.name.text())
    form.tax_rate.setText("7.5")
    qtbot.keyClick(form.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert load_profile().name == "Zoë's Studio"
    assert str(load_profile().default_tax_rate) == "7.5"
    assert "saved" in window.statusBar().currentMessage().lower()
    form.name.setText("changed, not saved")
    window.current_section().reload()
    assert form.name.text() == "Zoë's Studio"


def test_invalid_profile_shows_errors_and_saves_nothing(window, qtbot):
    before = load_profile()
    window.go_to_section("Settings")
    form = window.current_section().profile_form
    form.email.setText("not an email")
    form.tax_rate.setText("150")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.errors["email"].isVisible()
    assert form.errors["default_tax_rate"].isVisible()
    assert not form.errors["name"].isVisible()
    assert form.email.hasFocus()
    assert load_profile() == before


def test_backup_now_writes_a_copy_in_the_background(window, qtbot, tmp_path, monkeypatch):
    dest = tmp_path / "manual.db"
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *a, **k: dest)
    window.actions["backup"].trigger()
    qtbot.waitUntil(lambda: "Backed up to" in window.statusBar().currentMessage())
    assert dest.exists()


def test_restore_asks_first_then_restores(window, qtbot, tmp_path, monkeypatch):
    from smarketer.backup import backup_open_store

    saved = backup_open_store(tmp_path / "saved.db")
    Contact.delete().execute()
    window.reload_all()
    assert "0 contacts" in window.store_label.text()
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *a, **k: saved)
    window.actions["restore"].trigger()
    box = window.findChild(QMessageBox, "smarketerMessage")
    assert "Replace everything" in box.text()
    restore_button = next(b for b in box.buttons() if b.text() == "Restore")
    qtbot.mouseClick(restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "60 contacts" in window.store_label.text())
    assert Contact.select().count() == 60
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_restore_cancelled_changes_nothing(window, qtbot, tmp_path, monkeypatch):
    from smarketer.backup import backup_open_store

    saved = backup_open_store(tmp_path / "saved.db")
    Contact.delete().execute()
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *a, **k: saved)
    window.actions["restore"].trigger()
    box = window.findChild(QMessageBox, "smarketerMessage")
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible())
    assert Contact.select().count() == 0


def test_opening_a_bad_file_says_why_and_keeps_the_current_store(window, tmp_path, monkeypatch):
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *a, **k: junk)
    window.actions["open"].trigger()
    box = window.findChild(QMessageBox, "smarketerMessage")
    assert "junk.db" in box.text() and "not a SQLite database" in box.text()
    box.close()
    assert Contact.select().count() == 60
    assert window.windowTitle().startswith("demo.db")


def test_opening_another_store_switches_everything(window, tmp_path, monkeypatch):
    other = tmp_path / "other.db"
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *a, **k: other)
    window.actions["open"].trigger()
    assert window.windowTitle().startswith("other.db")
    assert "0 contacts" in window.store_label.text()


def test_uncaught_exception_is_logged_and_shown(window, qtbot, monkeypatch):
    import sys

    from smarketer import paths
    from smarketer.logs import setup_logging
    from smarketer.ui.app import install_crash_handler

    setup_logging()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_crash_handler()
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    boxes = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and "boom in a slot" in w.text()
    ]
    assert boxes
    assert "RuntimeError" in boxes[0].detailedText()
    assert str(paths.log_file()) in boxes[0].text()
    assert "boom in a slot" in paths.log_file().read_text()
    boxes[0].close()


def test_settings_shows_the_profile_first_and_the_mail_forms_on_the_next_turns(window, qtbot):
    from smarketer.ui.campaigns.account_form import AccountForm
    from smarketer.ui.campaigns.inbox_ui import InboxForm

    window.go_to_section("Settings")
    section = window.section("Settings")
    # A first visit holds the window for the profile only; the rest follows, one form a turn.
    assert section.profile_form.name.text() == "Hollis & Reed Studio"
    assert section.findChild(AccountForm) is None and section.findChild(InboxForm) is None
    qtbot.waitUntil(lambda: section.findChild(InboxForm) is not None)
    account, inbox = section.findChild(AccountForm), section.findChild(InboxForm)
    assert account is section.account_form and inbox is section.inbox_form  # built once
    assert account.host.text() == "smtp.hollisreed.example"
    qtbot.waitUntil(inbox.isVisible)
    titles = [w for w in section.findChildren(QLabel) if w.property("role") == "emptyTitle"]
    qtbot.waitUntil(lambda: all(w.isVisible() for w in titles))
    titles.sort(key=lambda w: w.mapTo(section, w.rect().topLeft()).y())
    assert [w.text() for w in titles] == ["Business profile", "Email account", "Inbox"]  # page order


def test_a_hidden_section_reads_a_change_when_it_is_shown_again(window, qtbot):
    from datetime import date

    from smarketer.pipeline.tasks import add_task
    from smarketer.ui.workers import announce

    window.go_to_section("Today")
    today = window.today
    tasks = lambda: [today.tasks.item(i).text() for i in range(today.tasks.count())]  # noqa: E731
    qtbot.waitUntil(lambda: len(tasks()) > 0 and not today.elsewhere.busy)
    window.go_to_section("Contacts")
    add_task("Ring the printer", date.today(), contact_id=Contact.select().first().id)
    announce(window.hub, ("task",))
    qtbot.wait(400)  # longer than any debounce: a hidden Today reads nothing meanwhile
    assert not today.elsewhere.busy and not any("Ring the printer" in t for t in tasks())
    qtbot.waitUntil(lambda: window.store_label.text().startswith("60 contacts"))  # counted in a worker
    window.go_to_section("Today")
    qtbot.waitUntil(lambda: any("Ring the printer" in t for t in tasks()))


def test_contacts_shows_the_list_first_and_the_editor_on_the_next_turn(window, qtbot):
    from smarketer.ui.contacts.editor import ContactEditor

    window.go_to_section("Contacts")
    section = window.contacts
    assert section.model.rowCount() == 60 and section.findChild(ContactEditor) is None
    qtbot.waitUntil(lambda: section.findChild(ContactEditor) is not None)
    editor = section.findChild(ContactEditor)
    assert editor is section.editor and editor.isVisible()
    section.table.selectRow(3)
    assert editor.contact_id == section.model.contact_id(3)  # a click opens the contact
    assert editor.first_name.text()
