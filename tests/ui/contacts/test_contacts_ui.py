"""The Contacts section, driven as a user drives it."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.contacts.history import add_note
from smarketer.contacts.listing import ContactFilter, count
from smarketer.contacts.saved_segments import find_segment, segment_filter
from smarketer.contacts.tags import tag_names
from smarketer.contacts.trash import delete_contacts
from smarketer.db.models.contacts import Contact
from smarketer.ui import dialogs
from smarketer.ui.contacts.import_dialog import ImportDialog
from smarketer.ui.contacts.model import ContactTableModel


@pytest.fixture
def section(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    return window.contacts


def shown_names(section):
    model = section.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_model_passes_the_model_tester(qtmodeltester, demo_store):
    model = ContactTableModel()
    model.refresh()
    assert model.rowCount() == 60
    qtmodeltester.check(model)


def test_model_reads_pages_on_demand(demo_store):
    model = ContactTableModel()
    model.PAGE = 10
    model.refresh()
    assert model._pages == {}
    model.index(25, 0).data()
    assert list(model._pages) == [2]


def test_typing_in_search_narrows_the_list(section, qtbot, window):
    zoe = save_contact(ContactData(first_name="Zoë", last_name="Łukasiewicz", email="zoe@example.com"))
    section.reload()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert section.filters.search.hasFocus()
    qtbot.keyClicks(section.filters.search, "lukas")
    qtbot.waitUntil(lambda: section.model.rowCount() == 1)
    assert shown_names(section) == ["Zoë Łukasiewicz"]
    assert section.count_label.text() == "1 shown of 61"
    section.filters.search.clear()
    qtbot.waitUntil(lambda: section.model.rowCount() == 61)
    assert section.select_contact(zoe.id)


def test_filters_narrow_the_list(section):
    customers = count(ContactFilter(statuses=("customer",)))
    section.filters.status_filter.setCurrentIndex(section.filters.status_filter.findData("customer"))
    assert section.model.rowCount() == customers
    section.filters.reachable.setChecked(True)
    assert section.model.rowCount() == count(ContactFilter(statuses=("customer",), reachable_only=True))


def test_clicking_a_header_sorts(section, qtbot):
    header = section.table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionViewportPosition(2) + 5, 5)
    )
    companies = [section.model.index(r, 2).data() for r in range(section.model.rowCount())]
    assert companies == sorted(companies, key=str.lower) or companies == sorted(
        companies, key=str.lower, reverse=True
    )
    assert section.model.sort_key == "company"


def test_new_contact_with_invalid_email_is_not_saved(section, qtbot, window):
    before = Contact.select().count()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = section.editor
    assert editor.contact_id is None and editor.first_name.hasFocus()
    qtbot.keyClicks(editor.first_name, "Ada")
    qtbot.keyClicks(editor.email, "ada@@example")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.errors["email"].isVisible()
    assert "@" in editor.errors["email"].text() or "not valid" in editor.errors["email"].text()
    assert editor.email.hasFocus()
    assert Contact.select().count() == before
    editor.email.setText("ada@example.com")
    qtbot.keyClick(editor.email, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert Contact.select().count() == before + 1
    assert not editor.errors["email"].isVisible()
    saved = Contact.get(Contact.email == "ada@example.com")
    assert section.model.contact_id(section.table.currentIndex().row()) == saved.id


def test_editing_tags_and_adding_a_note(section, qtbot):
    section.select_contact(section.model.contact_id(0))
    editor = section.editor
    editor.tags.set_tags(["vip", "Brand New Tag"])
    editor.save()
    cid = editor.contact_id
    assert tag_names(cid) == ["Brand New Tag", "vip"]
    assert section.filters.tag_filter.findText("Brand New Tag") >= 0
    editor.tabs.setCurrentIndex(1)
    qtbot.keyClicks(editor.timeline.note, "Called about the spring workshop")
    qtbot.keyClick(editor.timeline.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Called about the spring workshop" in editor.timeline.list.item(0).text()


def test_delete_asks_then_undo_restores(section, qtbot, window):
    section.select_contact(section.model.contact_id(0))
    doomed = section.selected_ids()
    section.actions_["delete"].trigger()
    box = window.findChild(QMessageBox, "smarketerMessage")
    assert "trash" in box.text()
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert section.model.rowCount() == 59
    assert Contact.get_by_id(doomed[0]).deleted_at is not None
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert section.model.rowCount() == 60
    assert Contact.get_by_id(doomed[0]).deleted_at is None


def test_trash_lists_deleted_and_restores(section):
    cid = section.model.contact_id(0)
    delete_contacts([cid])
    section.reload()
    trash = section.segment_panel.list.item(section.segment_panel.list.count() - 1)
    assert trash.text() == "Trash (1)"
    section.segment_panel.list.setCurrentItem(trash)
    assert section.model.ids() == [cid]
    section.table.selectAll()
    section.actions_["restore"].trigger()
    assert Contact.get_by_id(cid).deleted_at is None


def test_save_current_filter_as_segment(section, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "Customers")
    section.filters.status_filter.setCurrentIndex(section.filters.status_filter.findData("customer"))
    expected = section.model.rowCount()
    section.segment_panel.save_button.click()
    segment = find_segment("Customers")
    assert count(segment_filter(segment)) == expected
    texts = [section.segment_panel.list.item(i).text() for i in range(section.segment_panel.list.count())]
    assert f"Customers ({expected})" in texts
    assert section.filters.status_filter.currentIndex() == 0  # the segment now carries the filter
    assert section.model.rowCount() == expected


def test_import_dialog_maps_previews_and_imports(section, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "fair.csv"
    path.write_text(
        "Full name;E-Mail;Firma;Comment\n"
        "Zoë Łukasiewicz;zoe@nordlicht.example;Nordlicht Bakery;met at booth 4\n"
        "Bad Row;not-an-email;;\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *a, **k: path)
    section.actions_["import"].trigger()
    dialog = section.findChild(ImportDialog)
    assert dialog.plan.mapping == {0: "full_name", 1: "email", 2: "company"}
    assert dialog.preview.item(1, 4).text() == "kept; the email needs fixing: not-an-email"
    assert (dialog.encoding.currentData(), dialog.delimiter.currentData()) == ("utf-8", ";")
    comment = dialog.combos[3]
    comment.setCurrentIndex(comment.findData("notes"))
    # Read as Windows-1250 the name comes out wrong; back to UTF-8, the mapping is kept.
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("cp1250"))
    assert dialog.plan.layout.encoding == "cp1250" and "Windows-1250" in dialog.about.text()
    assert dialog.preview.item(0, 1).text() != "Zoë Łukasiewicz"
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("utf-8"))
    assert dialog.preview.item(0, 1).text() == "Zoë Łukasiewicz"
    assert dialog.plan.mapping[3] == "notes"
    dialog.delimiter.setCurrentIndex(dialog.delimiter.findData(","))
    assert dialog.plan.layout.headers == ("Full name;E-Mail;Firma;Comment",)
    dialog.delimiter.setCurrentIndex(dialog.delimiter.findData(";"))
    dialog.combos[3].setCurrentIndex(dialog.combos[3].findData("notes"))
    dialog.tag.setText("Fair 2026")
    with qtbot.waitSignal(dialog.imported, timeout=10000) as blocker:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    summary = blocker.args[0]
    assert (summary.created, len(summary.rejected), summary.email_to_fix) == (2, 0, 1)
    assert "2 created" in dialog.outcome.text()
    assert not dialog.report_button.isVisible()
    zoe = Contact.get(Contact.email == "zoe@nordlicht.example")
    assert zoe.notes == "met at booth 4"
    assert tag_names(zoe.id) == ["Fair 2026"]
    assert section.model.rowCount() == 62
    section.filters.to_fix.setChecked(True)
    assert section.model.rowCount() == 1


def test_import_of_a_bad_file_says_why(section, monkeypatch, tmp_path, window):
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *a, **k: path)
    section.actions_["import"].trigger()
    boxes = [b for b in section.findChildren(QMessageBox) if "empty" in b.text()]
    assert boxes and "x.csv" in boxes[0].text()


def test_empty_store_shows_what_to_do(make_window, store, qtbot):
    window = make_window(store)
    window.go_to_section("Contacts")
    section = window.contacts
    assert section.pages.currentWidget() is section.empty
    assert section.empty.button.text() == "Import contacts…"
    section.new_item()
    assert section.pages.currentWidget() is section.splitter


def test_duplicates_dialog_merges(section, qtbot):
    twin = save_contact(
        ContactData(first_name="Twin", email=Contact.get_by_id(section.model.contact_id(0)).email.upper())
    )
    section.reload()
    dialog = section.show_duplicates()
    assert dialog.table.rowCount() >= 1
    row = next(r for r in range(dialog.table.rowCount()) if "Twin" in dialog.table.item(r, 1).text())
    qtbot.mouseClick(dialog.table.cellWidget(row, 3), Qt.MouseButton.LeftButton)
    box = next(b for b in dialog.findChildren(QMessageBox) if b.isVisible())
    assert "Twin" in box.text() and "cannot be undone" in box.text()  # names both, asks first
    assert Contact.get_or_none(Contact.id == twin.id) is not None
    next(b for b in box.buttons() if b.text() == "Merge").click()
    assert Contact.get_or_none(Contact.id == twin.id) is None
    dialog.close()


def test_column_choice_is_remembered(make_window, demo_store):
    first = make_window(demo_store)
    first.contacts.table.setColumnHidden(3, True)
    first.close()
    second = make_window(demo_store)
    assert second.contacts.table.isColumnHidden(3)


def test_shortcuts_are_unique_across_window_and_sections(window):
    keys = [
        a.shortcut().toString()
        for a in [*window.actions.values(), *window.contacts.actions_.values()]
        if not a.shortcut().isEmpty()
    ]
    assert len(keys) == len(set(keys))


def test_company_filter(section, qtbot):
    company = Contact.get_by_id(section.model.contact_id(0)).company
    if company is None:
        company = next(c.company for c in Contact.select() if c.company_id)
    expected = count(ContactFilter(company_id=company.id))
    qtbot.keyClicks(section.filters.company_filter, company.name.lower())
    qtbot.keyClick(section.filters.company_filter, Qt.Key.Key_Return)
    assert section.model.rowCount() == expected
    section.filters.company_filter.clear()
    assert section.model.rowCount() == 60


def test_referred_by_is_picked_by_typing(section, qtbot):
    referrer = save_contact(ContactData(first_name="Rita", last_name="Referrer", email="rita@example.com"))
    section.reload()
    section.select_contact(section.model.contact_id(0))
    picker = section.editor.referred_by
    qtbot.keyClicks(picker, "rita")
    popup = picker.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert popup.model().index(0, 0).data() == "Rita Referrer <rita@example.com>"
    picker.completer().activated.emit("Rita Referrer <rita@example.com>")
    assert section.editor.save()
    assert Contact.get_by_id(section.editor.contact_id).referred_by_id == referrer.id
    section.select_contact(referrer.id)
    section.editor.referred_by.set_contact(referrer.id)
    assert not section.editor.save()
    assert section.editor.errors["referred_by_id"].isVisible()


def test_a_follow_up_task_from_the_timeline_shows_on_today(section, qtbot, window):
    section.select_contact(section.model.contact_id(0))
    timeline = section.editor.timeline
    section.editor.tabs.setCurrentIndex(1)
    timeline.task_title.setText("Send the brochure")
    qtbot.mouseClick(timeline.task_button, Qt.MouseButton.LeftButton)
    assert "Task added: Send the brochure" in timeline.list.item(0).text()
    today = window.today  # read again in a worker
    qtbot.waitUntil(
        lambda: any("Send the brochure" in today.tasks.item(i).text() for i in range(today.tasks.count()))
    )


def test_import_dialog_picks_a_workbook_sheet(section, qtbot, monkeypatch, tmp_path):
    import openpyxl

    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Cover"
    wb.active.append(["Nothing here"])
    people = wb.create_sheet("People")
    people.append(["Name", "Email"])
    people.append(["Ada Lovelace", "ada@example.org"])
    wb.save(path)
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *a, **k: path)
    section.actions_["import"].trigger()
    dialog = section.findChild(ImportDialog)
    assert dialog.delimiter.isEnabled() and dialog.delimiter.accessibleName() == "Sheet"
    dialog.delimiter.setCurrentIndex(dialog.delimiter.findData("People"))
    assert 'sheet "People"' in dialog.about.text()
    assert dialog.preview.item(0, 1).text() == "Ada Lovelace"
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert Contact.get(Contact.email == "ada@example.org").last_name == "Lovelace"


def _undo_box(window, qtbot):
    def shown():
        boxes = [
            b for b in window.findChildren(QMessageBox) if b.isVisible() and "Undo the import" in b.text()
        ]
        assert boxes
        return boxes[0]

    qtbot.waitUntil(lambda: shown() is not None, timeout=10000)
    return shown()


def test_an_import_is_undone_from_its_summary_and_from_the_file_menu(
    section, qtbot, monkeypatch, tmp_path, window
):
    path = tmp_path / "two.csv"
    path.write_text("Name,Email\nUma Undo,uma@example.org\nVic Kept,vic@example.org\n", encoding="utf-8")
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *a, **k: path)
    section.actions_["import"].trigger()
    dialog = section.findChild(ImportDialog)
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.undo_button.isVisible() and section.model.rowCount() == 62
    add_note(Contact.get(Contact.email == "vic@example.org").id, "Called back")
    dialog.undo_button.click()
    box = _undo_box(window, qtbot)
    assert "1 contacts will be removed" in box.text() and "Vic Kept: has a note" in box.text()
    with qtbot.waitSignal(dialog.undone, timeout=10000):
        qtbot.mouseClick(
            next(b for b in box.buttons() if b.text() == "Undo Import"), Qt.MouseButton.LeftButton
        )
    assert section.model.rowCount() == 61
    assert not Contact.select().where(Contact.email == "uma@example.org").exists()
    dialog.close()
    # File → Undo Last Import: with nothing left to undo it says so.
    window.actions["undo_import"].trigger()
    qtbot.waitUntil(
        lambda: any("no import to undo" in b.text() for b in window.findChildren(QMessageBox)), timeout=5000
    )
