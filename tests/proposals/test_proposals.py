"""Proposals in the store and as PDFs read back: numbering, totals, revisions, acceptance."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.db.models.contacts import Activity
from smarketer.db.models.deals import Deal
from smarketer.db.models.proposals import Proposal
from smarketer.pipeline.deals import DealData, save_deal
from smarketer.proposals import contents, pdf
from smarketer.proposals.catalog import save_block, save_product
from smarketer.proposals.contents import ItemData, add_item, add_product, insert_block, items, sections
from smarketer.proposals.drafts import ProposalError, create_proposal, delete_proposal, find, update_proposal
from smarketer.proposals.lifecycle import (
    accept,
    decline,
    duplicate,
    expire_overdue,
    mark_sent,
    new_revision,
    sent_pdf,
)
from smarketer.proposals.pricing import PricingError
from smarketer.settings import BusinessProfile, save_profile

# The core on both backends: a SQLite file and a PostgreSQL server (skipped without one).
pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def client(business):
    return save_contact(
        ContactData(
            first_name="Zoë",
            last_name="Łukasiewicz",
            email="zoe@example.com",
            company="Ørsted & Đặng <b>Bakery</b>",
        )
    )


def text_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def make(client, title="Website", **kw):
    proposal = create_proposal(title, contact_id=client.id, **kw)
    add_item(proposal.id, ItemData("Workshop", "2", "day", "450", "10"))
    add_item(proposal.id, ItemData("Brochures", "500", "pcs", "0.85", tax_rate="13.5"))
    return proposal


def test_numbers_are_gapless_per_year(client):
    a = create_proposal("A", contact_id=client.id, issue_date=date(2026, 3, 1))
    b = create_proposal("B", contact_id=client.id, issue_date=date(2026, 5, 1))
    c = create_proposal("C", contact_id=client.id, issue_date=date(2027, 1, 2))
    assert [a.number, b.number, c.number] == ["HR-2026-0001", "HR-2026-0002", "HR-2027-0001"]
    with pytest.raises(ProposalError, match="newest"):
        delete_proposal(a.id)
    delete_proposal(b.id)  # the newest of 2026 gives its number back
    d = create_proposal("D", contact_id=client.id, issue_date=date(2026, 6, 1))
    assert d.number == "HR-2026-0002"


def test_items_use_the_default_tax_rate_and_are_validated(client):
    proposal = make(client)
    assert [i.tax_rate for i in items(proposal.id)] == [Decimal("23"), Decimal("13.5")]
    with pytest.raises(PricingError, match="line 3: the quantity must be more than 0"):
        add_item(proposal.id, ItemData("Nothing", "0", unit_price="5"))
    totals = contents.totals(proposal)
    assert (totals.net, totals.tax, totals.total) == (
        Decimal("1235.00"),
        Decimal("243.68"),
        Decimal("1478.68"),
    )  # 810×23 % + 425×13.5 %


def test_pdf_reads_back_with_totals_names_and_metadata(client):
    proposal = make(client)
    data = pdf.build_pdf(proposal.id)
    [page] = text_of(data)
    for expected in (
        "Zoë Łukasiewicz",
        "Ørsted & Đặng <b>Bakery</b>",
        "HR-2026-0001",
        "€1,478.68",
        "€810.00",
        "Page 1 of 1",
        "Accepted by (name)",
    ):
        assert expected in page, expected
    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta.title == "HR-2026-0001 Website" and meta.author == "Hollis & Reed"
    fonts = {str(f) for p in PdfReader(io.BytesIO(data)).pages for f in p["/Resources"]["/Font"].values()}
    assert fonts  # DejaVu is embedded (reportlab subsets TTFs into the file)


def test_many_items_repeat_the_header_on_every_page(client):
    proposal = create_proposal("Big", contact_id=client.id)
    for i in range(120):
        add_item(proposal.id, ItemData(f"Item {i}", "1", unit_price="10"))
    add_item(proposal.id, ItemData("Long " + "words " * 2000, "1", unit_price="1"))
    pages = text_of(pdf.build_pdf(proposal.id))
    assert len(pages) >= 4
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in page
    assert all("Unit price" in page for page in pages[:-1])  # the items header repeats
    assert "€1,477.23" in " ".join(pages)  # 1,201.00 + 23 % tax


def test_empty_proposal_is_a_valid_flagged_pdf(client):
    proposal = create_proposal("Nothing yet", contact_id=client.id)
    [page] = text_of(pdf.build_pdf(proposal.id))
    assert "no priced items yet" in page


def test_a_missing_or_broken_logo_does_not_stop_the_pdf(client):
    from smarketer.db.models.base import StoredFile

    broken = StoredFile.create(name="logo.png", mime_type="image/png", data=b"\x89PNGbroken")
    save_profile(BusinessProfile(name="Hollis & Reed", logo_file_id=broken.id))
    proposal = make(client)
    [page] = text_of(pdf.build_pdf(proposal.id))
    assert "logo could not be read" in page


def test_sent_pdf_is_kept_byte_for_byte_and_revisions_leave_it(client):
    deal = save_deal(DealData(title="Website", contact_id=client.id))
    proposal = make(client, deal_id=deal.id)
    first = pdf.build_pdf(proposal.id)
    mark_sent(proposal.id, first)
    assert Deal.get_by_id(deal.id).stage.name == "Proposal sent"
    with pytest.raises(ProposalError, match="new revision"):
        add_item(proposal.id, ItemData("More", "1", unit_price="1"))
    revision = new_revision(proposal.id)
    assert revision.label == "HR-2026-0001-R2"
    add_item(revision.id, ItemData("More", "1", unit_price="100"))
    mark_sent(revision.id, pdf.build_pdf(revision.id))
    assert sent_pdf(proposal.id) == first
    assert Proposal.get_by_id(proposal.id).status == "superseded"
    assert find("HR-2026-0001").id == revision.id
    assert find("HR-2026-0001-R1").id == proposal.id


def test_accepting_wins_the_deal_at_the_total(client):
    deal = save_deal(DealData(title="Website", value="999", contact_id=client.id))
    proposal = make(client, deal_id=deal.id)
    with pytest.raises(ProposalError, match="Only a sent proposal"):
        accept(proposal.id)
    mark_sent(proposal.id, pdf.build_pdf(proposal.id))
    accept(proposal.id)
    won = Deal.get_by_id(deal.id)
    assert (won.stage.kind, won.value) == ("won", Decimal("1478.68"))
    summaries = [a.summary for a in Activity.select().where(Activity.contact == client.id)]
    assert any(s.startswith("Proposal HR-2026-0001 accepted") for s in summaries)


def test_sent_proposals_expire_after_valid_until(client):
    proposal = make(client, valid_days=10)
    mark_sent(proposal.id, b"%PDF-1.4 test")
    assert expire_overdue(date.today() + timedelta(days=5)) == 0
    assert expire_overdue(date.today() + timedelta(days=11)) == 1
    assert Proposal.get_by_id(proposal.id).status == "expired"
    decline(proposal.id)
    assert Proposal.get_by_id(proposal.id).status == "declined"


def test_duplicate_gets_a_new_number_and_the_same_content(client):
    proposal = make(client)
    insert_block(proposal.id, save_block("About us", "A small studio.").id)
    copy = duplicate(proposal.id)
    assert copy.number == "HR-2026-0002"
    assert [i.description for i in items(copy.id)] == ["Workshop", "Brochures"]
    assert [s.title for s in sections(copy.id)] == ["About us"]
    assert contents.totals(copy).total == contents.totals(proposal).total


def test_catalog_products_become_lines(client):
    product = save_product("Design hour", "95.00", unit="h", tax_rate="23", description="Senior designer")
    proposal = create_proposal("From catalog", contact_id=client.id)
    item = add_product(proposal.id, product.id, quantity="12.5")
    assert (item.description, item.unit, item.unit_price, item.quantity) == (
        "Design hour\nSenior designer",
        "h",
        Decimal("95.00"),
        Decimal("12.5"),
    )
    with pytest.raises(ProposalError):
        save_product("Bad", "-1")


def test_rounding_policy_is_stored_and_used(client):
    proposal = create_proposal("Small items", contact_id=client.id, rounding="global")
    for _ in range(10):
        add_item(proposal.id, ItemData("x", "1", unit_price="0.04", tax_rate="19"))
    assert contents.totals(proposal).tax == Decimal("0.08")
    update_proposal(proposal.id, rounding="line")
    assert contents.totals(Proposal.get_by_id(proposal.id)).tax == Decimal("0.10")


@pytest.mark.parametrize(
    ("price", "message"),
    [("1e400", "unit price: 1E+400 is too large"), ("0.1234567", "more than 6 decimals")],
)
def test_catalog_prices_are_bounded_like_lines(client, price, message):
    with pytest.raises(PricingError) as caught:
        save_product("Huge", price)
    assert message in str(caught.value)
