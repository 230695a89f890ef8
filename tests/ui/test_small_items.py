"""The small things a new user tripped over (issue 15): an ampersand in a menu, the deal
dialog's focus, a won deal's buttons, long status messages, the Undo toast, selection after
a delete, Down from a search box, the timeline, merge fields, the setup assistant."""

import re

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QKeySequence

from smarketer.contacts import history
from smarketer.db.models.contacts import Activity
from smarketer.pipeline.deals import mark_won
from smarketer.proposals.catalog import save_block
from smarketer.ui import dialogs


def test_an_ampersand_in_a_block_title_is_shown_not_eaten(window):
    save_block("About Hollis & Reed", "We are a small studio.")
    window.go_to_section("Proposals")
    editor = window.proposals.editor
    menu = editor._blocks_menu()
    texts = [a.text() for a in menu.actions()]
    shown = [t for t in texts if "Hollis" in t]
    assert shown, texts
    assert all(QKeySequence.mnemonic(t).isEmpty() for t in shown)
    assert shown[0].replace("&&", "&") == "About Hollis & Reed"
    menu.close()


def test_the_deal_dialog_starts_in_title_and_a_won_deal_cannot_be_won_again(window, qtbot):
    window.go_to_section("Deals")
    qtbot.waitUntil(lambda: not window.deals.loading)  # the board is read in a worker
    deal_id = window.deals.columns[0].model.cards[0].id
    dialog = window.deals.open_deal(deal_id)
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.title
    assert dialog.won_button.isEnabled() and dialog.lost_button.isEnabled()
    dialog.close()
    mark_won(deal_id)
    dialog = window.deals.open_deal(deal_id)
    assert not dialog.won_button.isEnabled() and not dialog.lost_button.isEnabled()
    dialog.close()


def test_a_long_status_message_stops_before_the_contact_count(window):
    window.show_status("Imported " + "a very long file name " * 30)
    bar = window.statusBar()
    shown = bar.currentMessage()
    assert shown.endswith("…")
    room = bar.width() - window.store_label.width()
    assert bar.fontMetrics().horizontalAdvance(shown) < room


def test_the_undo_toast_covers_no_button_and_the_next_contact_is_selected(window, qtbot, monkeypatch):
    monkeypatch.setattr(dialogs, "confirm", lambda parent, t, x, on_yes, **k: on_yes())
    window.go_to_section("Contacts")
    section = window.contacts
    section.select_contact(section.model.contact_id(0))
    doomed = section.selected_ids()[0]
    section.actions_["delete"].trigger()
    assert window.toast.isVisible()
    assert section.selected_ids() and section.selected_ids()[0] != doomed
    toast = QRect(window.toast.mapTo(window, QPoint(0, 0)), window.toast.size())
    for button in (section.editor.save_button, section.editor.revert_button):
        place = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
        assert not toast.intersects(place), button.text()


def test_down_in_the_search_box_moves_into_the_results(window, qtbot):
    window.go_to_section("Contacts")
    section = window.contacts
    section.focus_search()
    qtbot.keyClicks(section.filters.search, "a")
    qtbot.keyClick(section.filters.search, Qt.Key.Key_Down)
    assert section.table.hasFocus() and section.table.currentIndex().isValid()
    assert section.editor.contact_id == section.model.contact_id(section.table.currentIndex().row())


def test_the_timeline_lists_an_event_once_with_the_apps_dates(window):
    contact_id = window.contacts.model.contact_id(0)
    for _ in range(2):
        Activity.create(contact=contact_id, kind="note", summary="Called", body="Called about it")
    entries = history.timeline(contact_id)
    assert [e.body for e in entries].count("Called about it") == 1
    window.go_to_section("Contacts")
    window.contacts.select_contact(contact_id)
    timeline = window.contacts.editor.timeline
    first = timeline.list.item(0).text()
    assert re.match(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d [A-Z][a-z]{2}( \d{4})? \d\d:\d\d", first)


def test_insert_field_puts_a_merge_field_at_the_cursor(window, qtbot):
    window.go_to_section("Campaigns")
    section = window.campaigns
    section.composer.body.setFocus()
    section.composer.body.moveCursor(section.composer.body.textCursor().MoveOperation.End)
    menu = section.composer.insert_field.menu()
    contact_menu = menu.actions()[0].menu()
    first_name = next(a for a in contact_menu.actions() if a.text() == "First name")
    first_name.trigger()
    assert section.composer.body.toPlainText().endswith('{{ contact.first_name | default("there") }}')


def test_the_setup_assistant_names_languages(window, qtbot):
    wizard = window.open_setup()
    codes = lambda: [wizard.locale_box.itemText(i) for i in range(wizard.locale_box.count())]  # noqa: E731
    qtbot.waitUntil(lambda: "English (Ireland) (en_IE)" in codes())  # named in a worker
    assert wizard.locale_box.findData("en_IE") >= 0
    wizard.skip()


def test_the_language_box_grows_to_show_the_whole_name(window, qtbot):
    window.go_to_section("Settings")
    box = window.section("Settings").profile_form.locale_box
    qtbot.waitUntil(lambda: box.currentText() == "English (Ireland) (en_IE)")  # named in a worker
    qtbot.waitUntil(lambda: box.width() >= box.fontMetrics().horizontalAdvance(box.currentText()))


def test_the_offered_languages_are_named_as_babel_names_them():
    import babel

    from smarketer.ui.settings_page import LOCALE_NAMES, locale_label

    for code, name in LOCALE_NAMES.items():
        assert name == babel.Locale.parse(code).display_name, code
    assert locale_label("de_CH") == "Deutsch (Schweiz) (de_CH)"
    assert locale_label("ga_IE") == f"{babel.Locale.parse('ga_IE').display_name} (ga_IE)"  # not offered
    assert locale_label("xx_YY") == "xx_YY"
