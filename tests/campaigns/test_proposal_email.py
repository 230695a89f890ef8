"""A proposal emailed to its client arrives with the PDF, and becomes sent."""

import io

from pypdf import PdfReader

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db.models.contacts import Activity
from smarketer.db.models.proposals import Proposal
from smarketer.proposals import mailing
from smarketer.proposals.contents import ItemData, add_item
from smarketer.proposals.drafts import create_proposal
from smarketer.proposals.lifecycle import sent_pdf


def test_email_to_client_attaches_the_pdf_and_marks_sent(smtp_server, account):
    _, server = smtp_server
    client = save_contact(ContactData(first_name="Zoë", email="zoe@example.com"))
    proposal = create_proposal("Website", contact_id=client.id)
    add_item(proposal.id, ItemData("Design", "10", "h", "95", tax_rate="20"))
    reply = mailing.email_proposal(proposal.id, None)
    assert reply.startswith("250")
    [msg] = server.to("zoe@example.com")
    assert msg["Subject"] == "Proposal P-2026-0001: Website"
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "P-2026-0001.pdf"
    pdf = attachment.get_content()
    assert "€1,140.00" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert Proposal.get_by_id(proposal.id).status == "sent"
    assert sent_pdf(proposal.id) == pdf  # exactly what the client received
    assert Activity.select().where(Activity.summary.contains("emailed")).count() == 1
