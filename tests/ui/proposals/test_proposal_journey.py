"""A proposal's whole life on both backends (a SQLite file and a PostgreSQL server): drafted
and edited in the app, its PDF read back, emailed through a real SMTP server and accepted;
then the command line, a separate process on the same store, lists it, writes the exact PDF
that was sent and imports a second draft."""

import io
import json
from decimal import Decimal

from pypdf import PdfReader
from PySide6.QtCore import Qt

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db.models.deals import Deal
from smarketer.db.models.proposals import Proposal
from smarketer.pipeline.deals import DealData, save_deal
from smarketer.proposals.contents import items, totals
from smarketer.proposals.lifecycle import sent_pdf
from smarketer.ui import dialogs
from tests.other_seat import other_process


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_draft_edit_pdf_email_accept_then_the_cli(
    backend, store, account, smtp_server, make_window, qtbot, tmp_path, monkeypatch
):
    _, received = smtp_server
    zoe = save_contact(ContactData(first_name="Zoë", last_name="Łukasiewicz", email="zoe@example.com"))
    save_deal(DealData(title="Website refresh", contact_id=zoe.id))
    window = make_window(store)
    window.go_to_section("Proposals")
    section = window.proposals
    section.new_item()  # as Ctrl+N does
    editor = section.editor
    proposal_id = editor.proposal.id
    editor.title.setText("Website refresh")
    editor.title.editingFinished.emit()
    editor.contact.set_contact(zoe.id)
    editor.contact.editingFinished.emit()
    deal_index = editor.deal.findText("Website refresh", Qt.MatchFlag.MatchContains)
    editor.deal.setCurrentIndex(deal_index)
    editor.deal.activated.emit(deal_index)
    qtbot.mouseClick(editor.add_line, Qt.MouseButton.LeftButton)
    row = editor.items.rowCount() - 1
    for column, text in ((0, "Design"), (1, "10"), (3, "95"), (5, "20")):
        editor.items.item(row, column).setText(text)
    assert "€1,140.00" in editor.totals.text()
    editor.items.item(row, 1).setText("12")  # edited: 12 h
    assert "€1,368.00" in editor.totals.text()
    saved = Proposal.get_by_id(proposal_id)
    assert (saved.title, saved.contact_id, saved.version > 1) == ("Website refresh", zoe.id, True)
    assert items(proposal_id)[0].quantity == Decimal("12")

    target = tmp_path / "draft.pdf"
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *a, **k: target)
    qtbot.mouseClick(section.buttons["export"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=10000)
    drafted = text_of(target.read_bytes())
    assert "Website refresh" in drafted and "€1,368.00" in drafted and "Łukasiewicz" in drafted

    assert section.buttons["email"].isEnabled()
    qtbot.mouseClick(section.buttons["email"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: Proposal.get_by_id(proposal_id).status == "sent", timeout=15000)
    [message] = received.to("zoe@example.com")
    [attachment] = list(message.iter_attachments())
    sent = sent_pdf(proposal_id)
    assert attachment.get_content() == sent and "€1,368.00" in text_of(sent)
    qtbot.waitUntil(lambda: section.buttons["accept"].isEnabled())
    qtbot.mouseClick(section.buttons["accept"], Qt.MouseButton.LeftButton)
    deal = Deal.get(Deal.title == "Website refresh")
    assert (deal.stage.kind, deal.value) == ("won", Decimal("1368.00"))
    assert section.list.item(0, 3).text() == "Accepted"

    label = Proposal.get_by_id(proposal_id).label
    [listed] = json.loads(other_process(store, "proposal", "list", "--json"))["proposals"]
    assert (listed["label"], listed["status"], listed["title"]) == (label, "accepted", "Website refresh")
    shown = json.loads(other_process(store, "proposal", "show", label, "--json"))
    assert shown["proposal"]["totals"]["total"] == "1368.00"
    again = tmp_path / "again.pdf"
    other_process(store, "proposal", "pdf", label, "-o", str(again))
    assert again.read_bytes() == sent  # byte for byte what the client received
    offer = tmp_path / "offer.json"
    offer.write_text(
        json.dumps(
            {
                "title": "Photo shoot",
                "client": "zoe@example.com",
                "deal": "Website refresh",
                "items": [{"description": "Shoot", "quantity": "1", "unit_price": "600", "tax_rate": "23"}],
            }
        ),
        encoding="utf-8",
    )
    assert "Created draft" in other_process(store, "proposal", "import", str(offer))
    imported = Proposal.get(Proposal.title == "Photo shoot")
    assert (imported.contact_id, imported.status) == (zoe.id, "draft")
    assert totals(imported).total == Decimal("738.00")
