"""Pricing, table-driven: every figure is checked to the cent, under both rounding policies."""

from decimal import Decimal as D

import pytest

from smarketer.proposals.pricing import Line, PricingError, compute_totals

L = Line.of


@pytest.mark.parametrize(
    ("lines", "currency", "doc", "rounding", "expected"),
    [
        # one plain line
        (
            [L("Design", "1", "100", tax_rate="20")],
            "EUR",
            "0",
            "line",
            {"subtotal": "100.00", "net": "100.00", "tax": "20.00", "total": "120.00"},
        ),
        # x.xx5 rounds half-up, never to even: 0.125 → 0.13
        (
            [L("Tiny", "1", "0.125")],
            "EUR",
            "0",
            "line",
            {"subtotal": "0.13", "net": "0.13", "tax": "0", "total": "0.13"},
        ),
        # per line: 1.665 → 1.67 a line; its tax 0.334 → 0.33; three lines
        (
            [L("a", "1", "1.665", tax_rate="20")] * 3,
            "EUR",
            "0",
            "line",
            {"subtotal": "5.01", "net": "5.01", "tax": "0.99", "total": "6.00"},
        ),
        # global: 3 × 1.665 = 4.995 → 5.00 base; 4.995 × 20 % = 0.999 → 1.00 tax
        (
            [L("a", "1", "1.665", tax_rate="20")] * 3,
            "EUR",
            "0",
            "global",
            {"subtotal": "5.00", "net": "5.00", "tax": "1.00", "total": "6.00"},
        ),
        # many small lines: the classic difference between the policies
        (
            [L("x", "1", "0.05", tax_rate="19")] * 10,
            "EUR",
            "0",
            "line",
            {"net": "0.50", "tax": "0.10", "total": "0.60"},
        ),  # 10 × round(0.0095) = 10 × 0.01
        (
            [L("x", "1", "0.05", tax_rate="19")] * 10,
            "EUR",
            "0",
            "global",
            {"net": "0.50", "tax": "0.10", "total": "0.60"},
        ),  # round(0.095) = 0.10
        (
            [L("x", "1", "0.04", tax_rate="19")] * 10,
            "EUR",
            "0",
            "line",
            {"net": "0.40", "tax": "0.10", "total": "0.50"},
        ),  # round(0.0076) = 0.01 each
        (
            [L("x", "1", "0.04", tax_rate="19")] * 10,
            "EUR",
            "0",
            "global",
            {"net": "0.40", "tax": "0.08", "total": "0.48"},
        ),  # round(0.076) = 0.08
        # mixed tax rates: one tax line per rate
        (
            [
                L("Work", "10", "95", tax_rate="23"),
                L("Book", "2", "24.99", tax_rate="9"),
                L("Export", "1", "50", tax_rate="0"),
            ],
            "EUR",
            "0",
            "line",
            {
                "subtotal": "1049.98",
                "net": "1049.98",
                "tax": "223.00",
                "total": "1272.98",
                "taxes": [("0", "50.00", "0.00"), ("9", "49.98", "4.50"), ("23", "950.00", "218.50")],
            },
        ),
        # line discount then document discount, tax on what is paid
        (
            [L("Workshop", "2", "450", discount="10", tax_rate="20")],
            "EUR",
            "5",
            "line",
            {
                "subtotal": "900.00",
                "line_discounts": "90.00",
                "document_discount": "40.50",
                "net": "769.50",
                "tax": "153.90",
                "total": "923.40",
            },
        ),
        # fractional quantity (1.5 hours)
        (
            [L("Consulting", "1.5", "120.00", tax_rate="21")],
            "EUR",
            "0",
            "line",
            {"net": "180.00", "tax": "37.80", "total": "217.80"},
        ),
        # a 100 % discount prices the line at zero
        (
            [L("Free", "1", "500", discount="100", tax_rate="20"), L("Paid", "1", "10")],
            "EUR",
            "0",
            "line",
            {"subtotal": "510.00", "line_discounts": "500.00", "net": "10.00", "total": "10.00"},
        ),
        # optional lines are shown, not totalled
        (
            [L("Base", "1", "100"), L("Extra", "1", "40", optional=True)],
            "EUR",
            "0",
            "line",
            {"subtotal": "100.00", "total": "100.00", "optional_total": "40.00"},
        ),
        # headings carry no amounts
        ([L(heading=True, description="Phase 1"), L("A", "1", "10")], "EUR", "0", "line", {"total": "10.00"}),
        # a currency without minor units
        (
            [L("Sushi", "3", "1234.5", tax_rate="10")],
            "JPY",
            "0",
            "line",
            {"subtotal": "3704", "tax": "370", "total": "4074"},
        ),
        # no items: a valid, empty proposal
        ([], "EUR", "0", "line", {"subtotal": "0", "total": "0"}),
        # global policy with a document discount: subtotal − discounts = net exactly
        (
            [L("a", "3", "33.333", tax_rate="20"), L("b", "1", "0.005", tax_rate="20")],
            "EUR",
            "7.5",
            "global",
            {
                "subtotal": "100.00",
                "line_discounts": "0.00",
                "net": "92.50",
                "tax": "18.50",
                "document_discount": "7.50",
                "total": "111.00",
            },
        ),
    ],
)
def test_totals(lines, currency, doc, rounding, expected):
    totals = compute_totals(lines, currency, doc, rounding)
    for key, value in expected.items():
        if key == "taxes":
            assert [(str(t.rate), str(t.base), str(t.tax)) for t in totals.taxes] == value
        else:
            assert getattr(totals, key) == D(value), key
    assert totals.subtotal - totals.line_discounts - totals.document_discount == totals.net
    assert totals.net + totals.tax == totals.total


def test_a_thousand_lines_add_up_exactly():
    lines = [
        L(
            f"item {i}",
            str(1 + i % 7),
            f"{i % 100}.{i % 97:02d}",
            discount=str(i % 15),
            tax_rate=("23", "13.5", "9", "0")[i % 4],
        )
        for i in range(1000)
    ]
    for rounding in ("line", "global"):
        t = compute_totals(lines, "EUR", "2.5", rounding)
        assert t.subtotal - t.discounts == t.net
        assert t.net + t.tax == t.total
        assert t.total.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"quantity": "0"}, "quantity must be more than 0"),
        ({"quantity": "-2"}, "quantity must be more than 0"),
        ({"unit_price": "-1"}, "cannot be negative"),
        ({"discount": "101"}, "discount must be from 0 to 100"),
        ({"tax_rate": "-5"}, "tax rate must be from 0 to 100"),
        ({"unit_price": "abc"}, "is not a number"),
        ({"unit_price": 0.1}, "never floats"),
    ],
)
def test_bad_lines_are_refused_with_their_place(kwargs, message):
    with pytest.raises(PricingError, match=message) as info:
        Line.of("x", where="line 3", **kwargs)
    assert str(info.value).startswith("line 3")


def test_document_discount_and_policy_are_checked():
    with pytest.raises(PricingError, match="document discount"):
        compute_totals([], "EUR", "120")
    with pytest.raises(PricingError, match="rounding"):
        compute_totals([], "EUR", "0", "bankers")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (Line(quantity=D("1E+400"), unit_price=D(1)), "line 1: quantity: 1E+400 is too large"),
        (Line(unit_price=D("9" * 5000)), "line 1: unit price: 9.9999999999…E+4999 is too large"),
        (Line(quantity=D("NaN")), "line 1: the quantity NaN is not a number"),
        (Line(discount=D("0.00001")), "line 1: discount: 0.00001 has more than 4 decimals"),
        (Line(unit_price=D("0.0000001")), "line 1: unit price: 0.0000001 has more than 6 decimals"),
    ],
)
def test_lines_out_of_bounds_are_refused_by_name(line, message):
    """Rows already in a store are priced through the same check: a PricingError, never a
    decimal.InvalidOperation from deep inside the arithmetic."""
    with pytest.raises(PricingError) as caught:
        compute_totals([line], "EUR")
    assert str(caught.value).startswith(message)


def test_the_largest_allowed_figures_stay_exact():
    line = L("Max", "999999999.9999", "999999999.999999", "12.3456", "21")
    totals = compute_totals([line], "EUR", "0.0001", "global")
    gross = D("999999999.9999") * D("999999999.999999")
    after = gross - gross * D("12.3456") / 100
    assert totals.net == (after - after * D("0.0001") / 100).quantize(D("0.01"), "ROUND_HALF_UP")
