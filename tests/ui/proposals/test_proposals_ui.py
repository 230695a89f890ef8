"""The Proposals section, driven as a user drives it."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db.models.deals import Deal
from smarketer.db.models.proposals import Proposal
from smarketer.pipeline.deals import DealData, save_deal
from smarketer.proposals.catalog import products
from smarketer.proposals.contents import ItemData, add_item, items, totals
from smarketer.proposals.drafts import create_proposal
from smarketer.proposals.lifecycle import mark_sent, sent_pdf
from smarketer.ui import dialogs
from smarketer.ui.proposals.preview import PdfPreview


@pytest.fixture
def section(make_window, store, qtbot):
    zoe = save_contact(ContactData(first_name="Zoë", email="zoe@example.com"))
    deal = save_deal(DealData(title="Website", contact_id=zoe.id))
    proposal = create_proposal("Website", deal_id=deal.id)
    add_item(proposal.id, ItemData("Design", "10", "h", "95", tax_rate="20"))
    window = make_window(store)
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.proposals.loading)  # the list is read in a worker
    return window.proposals


def test_the_list_is_read_in_a_worker_without_a_false_empty_state(make_window, store, qtbot):
    create_proposal("Website")
    window = make_window(store)
    window.go_to_section("Proposals")
    section = window.proposals
    # Shown at once, read afterwards: never "No proposals yet" while the list is on its way.
    assert section.loading and not section.empty.isVisible() and not section.list.isVisible()
    qtbot.waitUntil(lambda: section.list.isVisible())
    assert section.list.item(0, 1).text() == "Website" and not section.empty.isVisible()


def total_text(section):
    return section.editor.totals.text()


def test_editing_a_quantity_updates_totals_and_the_list(section, qtbot):
    editor = section.editor
    assert "€1,140.00" in total_text(section)  # 950 + 20 %
    editor.items.item(0, 1).setText("12")
    assert "€1,368.00" in total_text(section)
    assert section.list.item(0, 4).text() == "€1,368.00"
    assert items(editor.proposal.id)[0].quantity == Decimal("12")


def test_a_bad_quantity_is_refused_with_a_message(section):
    editor = section.editor
    editor.items.item(0, 1).setText("0")
    assert "quantity must be more than 0" in editor.error.text()
    assert items(editor.proposal.id)[0].quantity == Decimal("10")


def test_add_lines_headings_and_document_discount(section, qtbot):
    editor = section.editor
    qtbot.mouseClick(editor.add_heading, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.add_line, Qt.MouseButton.LeftButton)
    assert editor.items.rowCount() == 3
    editor.items.item(2, 3).setText("50")
    editor.document_discount.setText("10")
    editor.document_discount.editingFinished.emit()
    p = Proposal.get_by_id(editor.proposal.id)
    assert totals(p).document_discount == Decimal("100.00")


def test_preview_shows_the_pdf_inside_the_app(section, qtbot):
    qtbot.mouseClick(section.buttons["preview"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.findChild(PdfPreview) is not None, timeout=10000)
    preview = section.findChild(PdfPreview)
    qtbot.waitUntil(lambda: preview.page_count() == 1)
    preview.close()


def test_export_writes_the_pdf(section, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "out.pdf"
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *a, **k: target)
    qtbot.mouseClick(section.buttons["export"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=10000)
    assert target.read_bytes().startswith(b"%PDF")


def test_send_then_accept_moves_the_deal_to_won(section, qtbot, tmp_path, monkeypatch):
    proposal_id = section.editor.proposal.id
    qtbot.mouseClick(section.buttons["sent"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: Proposal.get_by_id(proposal_id).status == "sent", timeout=10000)
    assert not section.editor.add_line.isEnabled()  # a sent proposal is read-only
    sent = sent_pdf(proposal_id)
    target = tmp_path / "again.pdf"
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *a, **k: target)
    qtbot.mouseClick(section.buttons["export"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists)
    assert target.read_bytes() == sent  # byte for byte what the client received
    qtbot.mouseClick(section.buttons["accept"], Qt.MouseButton.LeftButton)
    deal = Deal.get(Deal.title == "Website")
    assert (deal.stage.kind, deal.value) == ("won", Decimal("1140.00"))
    assert section.list.item(0, 3).text() == "Accepted"


def test_new_revision_of_a_sent_proposal(section, qtbot):
    proposal_id = section.editor.proposal.id
    mark_sent(proposal_id, b"%PDF-1.4 sent")
    section.reload(select=proposal_id)
    qtbot.mouseClick(section.buttons["revise"], Qt.MouseButton.LeftButton)
    assert section.editor.proposal.label.endswith("-R2")
    assert section.editor.add_line.isEnabled()


def test_ctrl_n_drafts_a_new_proposal(section, qtbot):
    window = section.window()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert Proposal.select().count() == 2
    assert section.editor.title.hasFocus()


def test_catalog_dialog_adds_a_product(section, qtbot):
    dialog = section.edit_catalog()
    dialog._add()
    dialog.table.item(dialog.table.rowCount() - 1, 3).setText("120")
    assert products()[0].unit_price == Decimal("120")
    dialog.table.item(dialog.table.rowCount() - 1, 3).setText("-5")
    assert "negative" in dialog.message.text()
    dialog.close()


def test_a_damaged_proposal_is_listed_and_opened_not_a_crash(section):
    from smarketer.db import db

    broken = create_proposal("Broken")
    add_item(broken.id, ItemData("Huge", "1", unit_price="1"))
    db.execute_sql(
        "UPDATE proposal_item SET quantity = '1E+400' WHERE proposal_id = ?", (broken.id,)
    )  # as an older version's JSON import let in
    section.reload()
    rows = {section.list.item(r, 1).text(): r for r in range(section.list.rowCount())}
    assert section.list.item(rows["Website"], 4).text() == "€1,140.00"
    assert section.list.item(rows["Broken"], 4).text() == "Cannot be priced"
    assert "1E+400 is too large" in section.list.item(rows["Broken"], 4).toolTip()
    section.list.selectRow(rows["Broken"])
    assert "1E+400 is too large" in section.editor.error.text()
