"""No edit is lost: forms save as you go; what cannot be saved yet is asked about (issue 14)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from smarketer.campaigns.account import load_account
from smarketer.db.models.contacts import Contact
from smarketer.db.models.deals import Deal
from smarketer.settings import load_profile


def box_with(window, text):
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible() and text in b.text()]
    return boxes[0] if boxes else None


def click(box, label):
    button = next(b for b in box.buttons() if b.text() == label)
    button.click()


def two_contacts(window):
    window.go_to_section("Contacts")
    section = window.contacts
    first, second = (section.model.contact_id(r) for r in (0, 1))
    section.select_contact(first)
    return section, first, second


def test_moving_to_another_contact_keeps_the_edit(window, qtbot):
    section, first, second = two_contacts(window)
    section.editor.fields["title"][1].setText("Head baker")
    section.select_contact(second)
    qtbot.waitUntil(lambda: section.editor.contact_id == second)
    assert Contact.get_by_id(first).title == "Head baker"
    assert section.table.currentIndex().row() == section.model.row_of(second)
    section.select_contact(first)
    qtbot.waitUntil(lambda: section.editor.contact_id == first)
    assert section.editor.fields["title"][1].text() == "Head baker"


def test_an_edit_that_cannot_be_saved_asks_keep_editing_or_discard(window, qtbot):
    section, first, second = two_contacts(window)
    email = Contact.get_by_id(first).email
    section.editor.fields["email"][1].setText("not an address")
    section.select_contact(second)
    qtbot.waitUntil(lambda: box_with(window, "cannot be saved yet") is not None)
    click(box_with(window, "cannot be saved yet"), "Keep editing")
    assert section.editor.contact_id == first
    assert section.editor.fields["email"][1].text() == "not an address"
    assert section.table.currentIndex().row() == section.model.row_of(first)
    section.select_contact(second)
    qtbot.waitUntil(lambda: box_with(window, "cannot be saved yet") is not None)
    click(box_with(window, "cannot be saved yet"), "Discard changes")
    assert section.editor.contact_id == second
    assert Contact.get_by_id(first).email == email


def test_settings_are_saved_when_leaving_the_section(window, qtbot):
    window.go_to_section("Settings")
    form = window.section("Settings").account_form
    form.rate.setValue(12)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section().label == "Contacts"
    assert load_account().rate_per_minute == 12


def test_settings_that_cannot_be_saved_keep_the_owner_there(window, qtbot):
    window.go_to_section("Settings")
    profile = window.section("Settings").profile_form
    profile.fields["name"][1].setText("")
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section().label == "Settings"
    assert window.sidebar.currentRow() == 6
    click(box_with(window, "business profile cannot be saved"), "Discard changes")
    assert window.current_section().label == "Contacts"
    assert load_profile().name == "Hollis & Reed Studio"


def test_quitting_saves_what_was_typed(window, qtbot):
    window.go_to_section("Settings")
    window.section("Settings").profile_form.fields["name"][1].setText("Hollis & Reed Ltd")
    window.close()
    assert not window.isVisible()
    assert load_profile().name == "Hollis & Reed Ltd"


def test_quitting_with_an_unsavable_form_asks_first(window, qtbot):
    section, first, _second = two_contacts(window)
    section.editor.fields["email"][1].setText("broken@")
    window.close()
    assert window.isVisible()
    box = box_with(window, "This contact cannot be saved yet")
    click(box, "Discard changes")
    qtbot.waitUntil(lambda: not window.isVisible())


def test_closing_a_deal_dialog_keeps_the_edit(window, qtbot):
    window.go_to_section("Deals")
    deal = Deal.select().first()
    dialog = window.deals.open_deal(deal.id)
    dialog.title.setText("Renamed deal")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert Deal.get_by_id(deal.id).title == "Renamed deal"
