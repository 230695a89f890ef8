"""Golden tests on rendered proposal PDFs, read back word by word with their positions: what a
client can check with a pencil must check out."""

import re
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.proposals import pdf
from smarketer.proposals.contents import ItemData, add_item
from smarketer.proposals.drafts import create_proposal, update_proposal
from tests.pdf_reading import read

FIGURE_COLUMNS = ("Qty", "Unit price", "Disc.", "Tax", "Amount")  # header words, right-aligned


def amount(text: str) -> D:
    """€1,079.60 → 1079.60; −€53.98 → -53.98; KWD10.001 → 10.001; ¥1,000 → 1000."""
    sign = -1 if text.startswith(("−", "-")) else 1
    return sign * D(re.sub(r"[^\d.]", "", text))


def item_rows(page):
    """The items table on a page as dicts {column: text}, with the description as one string."""
    rows = page.cells()
    header_at = next((i for i, row in enumerate(rows) if row[0].text == "Description"), None)
    if header_at is None:
        return []
    anchors = {w.text: w.x1 for w in rows[header_at] if w.text in FIGURE_COLUMNS}
    out = []
    for row in rows[header_at + 1 :]:
        if any(w.text in ("Subtotal", "Acceptance") or w.text.startswith("Page ") for w in row):
            break
        cells = {
            "description": " ".join(
                w.text for w in row if not any(abs(w.x1 - x) < 1.5 for x in anchors.values())
            )
        }
        for name, x in anchors.items():
            cells.update((name, w.text) for w in row if abs(w.x1 - x) < 1.5)
        out.append(cells)
    return out


def totals_rows(pages):
    """(label, amount) for each row of the totals block, where ever it landed."""
    for page in pages:
        rows = page.cells()
        start = next((i for i, row in enumerate(rows) if row[0].text == "Subtotal"), None)
        if start is None:
            continue
        out, pending = [], ""
        for row in rows[start:]:
            if len(row) == 1:  # a long label wraps; its amount sits on its last line
                pending += row[0].text + " "
                continue
            out.append((pending + row[0].text, row[-1].text))
            pending = ""
            if row[0].text == "Total":
                return page, out
    raise AssertionError("no totals block")


def r(value: D, places: int) -> D:
    return value.quantize(D(1).scaleb(-places), ROUND_HALF_UP)


def check_document(data: bytes, rounding: str, places: int):
    pages = read(data)
    for page in pages:
        assert not page.outside(), [(w.text, w.x0, w.x1) for w in page.outside()]
        assert not page.overlaps(), page.overlaps()[:5]
    lines = [row for page in pages for row in item_rows(page) if "Amount" in row]
    assert lines, "no priced lines were read"
    printed_sum, rates = D(0), set()
    for line in lines:
        quantity = D(line["Qty"].split(" ")[0].replace(",", ""))
        unit_price = amount(line["Unit price"])
        discount = D(line["Disc."].split(" ")[0]) if line.get("Disc.") else D(0)
        gross = quantity * unit_price
        if rounding == "line":
            expected = r(gross, places) - r(r(gross, places) * discount / 100, places)
        else:
            expected = r(gross, places) - r(gross * discount / 100, places)
        assert amount(line["Amount"]) == expected, line  # unit price × quantity = amount
        assert not line["Amount"].startswith("("), line
        if line["description"].startswith("Optional"):
            continue
        printed_sum += amount(line["Amount"])
        rates.add(D(line["Tax"].split(" ")[0]))
    page, rows = totals_rows(pages)
    figures = dict(rows)
    assert amount(figures["Subtotal"]) == printed_sum  # the Amount column adds up
    running = printed_sum + sum((amount(v) for k, v in rows if k.startswith(("Rounding", "Discount"))), D(0))
    net = amount(figures.get("Net", figures["Subtotal"]))
    assert running == net
    taxes = [(k, v) for k, v in rows if k.startswith("Tax ")]
    bases = {
        D(re.match(r"Tax ([\d.]+) % on", k).group(1)): amount(k.split(" on ")[1].split(" ")[0])
        for k, _ in taxes
    }
    assert set(bases) == rates  # every rate, 0 % included, has its base line
    assert sum(bases.values()) == net
    assert net + sum(amount(v) for _, v in taxes) == amount(figures["Total"])
    assert any(w.text == "Acceptance" for w in page.words)  # beside the totals
    return pages, rows


@pytest.fixture
def client(business):
    return save_contact(
        ContactData(
            first_name="Zoë",
            last_name="Łukasiewicz",
            email="zoe@example.com",
            company="Nordlicht Bakery",
            city="Cork",
            country="IE",
        )
    )


def proposal(client, rounding, lines, currency=None, discount="0"):
    p = create_proposal("Website refresh", contact_id=client.id, rounding=rounding, currency=currency)
    update_proposal(p.id, document_discount=discount, closing="Thank you.")
    for line in lines:
        add_item(p.id, line)
    return pdf.build_pdf(p.id)


MIXED = [
    ItemData("Phase 1", heading=True),
    ItemData(
        "Discovery workshop with your whole team, including a written summary and a prioritised backlog",
        "2",
        "day",
        "450",
        "12.5",
    ),
    ItemData("Sticker", "1", "", "0.125", tax_rate="21"),
    ItemData("Brochures A5", "250", "pc", "0.385", tax_rate="13.5"),
    ItemData("Export shipping", "1", "", "75.84", tax_rate="0"),
    ItemData("Hosting", "12", "month", "9.99"),
    ItemData("Photo shoot", "1", "", "100", optional=True),
]


@pytest.mark.parametrize("rounding", ["line", "global"])
def test_mixed_proposal_adds_up_on_paper(client, rounding):
    pages, rows = check_document(proposal(client, rounding, MIXED, discount="5"), rounding, 2)
    text = "\n".join(p.text for p in pages)
    assert "€0.125" in text and "€0.385" in text  # unit prices with every decimal
    assert "2 days" in text and "12 months" in text  # plural units
    assert "Tax 0 % on €72.05" in text or "Tax 0 % on €75.84" in text
    assert "Ireland" in pages[0].text.split("Website refresh")[0]  # the client's country, named
    assert "IE\n" not in text
    [optional] = [row for p in pages for row in item_rows(p) if "Photo" in row["description"]]
    assert optional["description"].startswith("Optional") and optional["Amount"] == "€100.00"
    [workshop] = [row for p in pages for row in item_rows(p) if "Discovery" in row["description"]]
    assert workshop["Disc."] == "12.5 %"  # one word on one line: the column fits it
    lines = pages[0].text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Discovery"))
    assert lines[at + 1].endswith("prioritised backlog")  # two lines, not squeezed to three


def test_global_rounding_shows_how_the_total_is_reached(client):
    lines = [ItemData("Part", "1", "", "1.665", tax_rate="20") for _ in range(3)]
    pages, rows = check_document(proposal(client, "global", lines), "global", 2)
    labels = dict(rows)
    assert labels["Subtotal"] == "€5.01"  # 3 × €1.67 as printed
    assert labels["Rounding (whole document)"] == "−€0.01"
    assert labels["Tax 20 % on €5.00 (exactly €4.995)"] == "€1.00"  # 4.995 × 20 % = 0.999
    assert labels["Total"] == "€6.00"
    assert "Rounded once for the whole document" in "\n".join(p.text for p in pages)


@pytest.mark.parametrize(
    ("currency", "places", "price", "printed"),
    [("KWD", 3, "10.0005", "KWD10.0005"), ("JPY", 0, "0.5", "¥0.5"), ("EUR", 2, "0.004", "€0.004")],
)
def test_unit_prices_keep_their_decimals_in_any_currency(client, currency, places, price, printed):
    lines = [ItemData("Tiny", "3", "", price, tax_rate="0"), ItemData("One", "1", "", price)]
    pages, _ = check_document(proposal(client, "line", lines, currency=currency), "line", places)
    assert printed in pages[0].text


def test_acceptance_stays_with_the_totals_on_a_long_proposal(client):
    for count in (24, 27, 30, 33):  # the totals land near a page end in some of these
        lines = [ItemData(f"Item {i}", "3", "hour", "0.333") for i in range(count)]
        pages, _ = check_document(proposal(client, "line", lines), "line", 2)
        headers = [p for p in pages if p.find("Description")]
        assert len(headers) == sum(1 for p in pages if item_rows(p))  # header on every page


def test_the_largest_figures_fit_their_columns(client):
    """A billion months at a billion each, every decimal allowed: smaller figures, a narrower
    description, nothing printed over anything else and every figure whole."""
    lines = [
        ItemData(
            "A very long description " * 30,
            "999999999.9999",
            "month",
            "999999999.999999",
            "12.3456",
            tax_rate="12.3456",
        ),
        ItemData("Short", "0.0001", "licence", "0.000001", tax_rate="0"),
    ]
    pages, rows = check_document(proposal(client, "global", lines), "global", 2)
    [big] = [row for p in pages for row in item_rows(p) if "Amount" in row][:1]
    assert big["Qty"].startswith("999,999,999.9999")  # not rounded to 1,000,000,000
    assert big["Unit price"] == "€999,999,999.999999"
