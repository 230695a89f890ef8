"""Two seats editing one row: the second save is told who changed it and chooses Reload (their
version) or Overwrite (mine); Keep editing loses nothing. The other seat saves through a
second connection to the same store."""

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db.models.contacts import Contact
from smarketer.db.models.deals import Deal, Stage
from smarketer.db.models.proposals import Proposal
from smarketer.pipeline.deals import move_deal
from smarketer.pipeline.stage_list import open_stages
from smarketer.proposals.drafts import create_proposal, update_proposal
from tests.other_seat import other_connection


def conflict_box(window):
    boxes = [
        b for b in window.findChildren(QMessageBox) if b.isVisible() and "anna@laptop changed" in b.text()
    ]
    return boxes[0] if boxes else None


def answer(qtbot, window, label):
    qtbot.waitUntil(lambda: conflict_box(window) is not None)
    box = conflict_box(window)
    text = box.text()
    next(b for b in box.buttons() if b.text() == label).click()
    return text


def their_city(contact_id, city):
    def work():
        data = ContactData.of(Contact.get_by_id(contact_id))
        save_contact(replace(data, city=city), contact_id)

    other_connection(work)


def open_first_contact(window):
    window.go_to_section("Contacts")
    section = window.contacts
    first, second = (section.model.contact_id(r) for r in (0, 1))
    section.select_contact(first)
    return section, first, second


def test_overwrite_saves_what_was_typed_over_their_change(window, qtbot):
    section, first, _ = open_first_contact(window)
    section.editor.fields["city"][1].setText("Dublin")
    their_city(first, "Cork")
    assert section.editor.save() is False
    text = answer(qtbot, window, "Overwrite with mine")
    assert "changed this contact at " in text and "differ in: City" in text
    assert Contact.get_by_id(first).city == "Dublin"
    assert section.editor.fields["city"][1].text() == "Dublin"
    assert "Saved" in section.editor.status_line.text()


def test_reload_shows_their_version_and_writes_nothing(window, qtbot):
    section, first, _ = open_first_contact(window)
    version = Contact.get_by_id(first).version
    section.editor.fields["city"][1].setText("Dublin")
    their_city(first, "Cork")
    qtbot.keyClick(section.editor.fields["city"][1], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    answer(qtbot, window, "Reload theirs")
    assert section.editor.fields["city"][1].text() == "Cork"
    stored = Contact.get_by_id(first)
    assert (stored.city, stored.version, stored.changed_by) == ("Cork", version + 1, "anna@laptop")
    assert not section.editor.has_changes()


def test_leaving_with_a_conflict_waits_for_the_answer(window, qtbot):
    section, first, second = open_first_contact(window)
    section.editor.fields["city"][1].setText("Dublin")
    their_city(first, "Cork")
    section.select_contact(second)
    answer(qtbot, window, "Keep editing")  # nothing typed is lost, nothing written
    assert section.editor.contact_id == first
    assert section.editor.fields["city"][1].text() == "Dublin"
    assert Contact.get_by_id(first).city == "Cork"
    section.select_contact(second)
    answer(qtbot, window, "Overwrite with mine")
    qtbot.waitUntil(lambda: section.editor.contact_id == second)
    assert Contact.get_by_id(first).city == "Dublin"


def test_a_deal_dialog_over_a_move_by_another_seat(window, qtbot):
    window.go_to_section("Deals")
    deal = Deal.select().join(Stage).where(Stage.kind == "open").first()
    dialog = window.deals.open_deal(deal.id)
    dialog.value.setText("9999")
    elsewhere = next(s for s in open_stages() if s.id != deal.stage_id)
    other_connection(lambda: move_deal(deal.id, elsewhere.id))
    dialog.save_button.click()
    text = answer(qtbot, window, "Reload theirs")
    assert "changed this deal" in text and "Stage" in text
    assert dialog.stage.currentData() == elsewhere.id
    assert dialog.value.text() == f"{deal.value:f}"  # theirs, as asked
    assert Deal.get_by_id(deal.id).stage_id == elsewhere.id


def test_a_proposal_field_over_another_seats_edit(make_window, store, qtbot):
    proposal = create_proposal("Website")
    window = make_window(store)
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    editor = window.proposals.editor
    qtbot.waitUntil(lambda: editor.proposal is not None)  # the list is read in a worker
    assert editor.proposal.id == proposal.id
    other_connection(lambda: update_proposal(proposal.id, intro="Their introduction"))
    editor.title.setText("Website and shop")
    editor.title.editingFinished.emit()
    text = answer(qtbot, window, "Overwrite with mine")
    assert "changed this proposal" in text
    stored = Proposal.get_by_id(proposal.id)
    assert (stored.title, stored.intro) == ("Website and shop", "")  # every field as shown here
    assert editor.title.text() == "Website and shop"
