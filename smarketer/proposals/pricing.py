"""Exact proposal totals. Every amount is a Decimal built from text, never from a float.

The rules, per priced line that is not optional (optional lines are shown, never totalled;
headings have no amounts):

    gross    = quantity × unit price
    line discount     = gross × line discount %
    after    = gross − line discount
    document discount = after × document discount %     (spread over the lines, so
    taxable  = after − document discount                  tax is charged on what is paid)
    tax      = taxable × tax rate %

Rounding is half-up to the currency's minor unit (2 decimals for EUR, 0 for JPY), under one of
two policies, stored on each proposal so a later regeneration gives the same figures:

- ``line`` (default): each line's gross, line discount and document discount are rounded,
  taxable is their difference, and each line's tax is rounded from it; the document's figures
  are sums of those rounded numbers.
- ``global``: nothing is rounded per line. Per tax rate, the taxable base and the tax are each
  rounded once from the unrounded sums. Subtotal and line discounts are rounded sums; the
  document discount is whatever makes subtotal − discounts = net exactly.

Every number is bounded so the arithmetic stays exact (it runs with 60 significant digits):
a quantity above 0 and at most a billion with up to 4 decimals, a unit price from 0 to a
billion with up to 6, discounts and tax rates from 0 to 100 % with up to 4.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from babel.numbers import get_currency_precision

from smarketer.errors import UserError

ROUNDING_POLICIES = ("line", "global")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
MAX_QUANTITY = MAX_UNIT_PRICE = Decimal(10) ** 9
QUANTITY_PLACES, PRICE_PLACES, PERCENT_PLACES = 4, 6, 4
PRECISION = 60  # digits: far more than the bounds above can ever need


class PricingError(UserError, ValueError):
    """A line that cannot be priced; the message names the line and the problem."""


def to_decimal(value, what: str) -> Decimal:
    """A Decimal from text, int or Decimal (never float); raises PricingError."""
    if isinstance(value, float):
        raise PricingError(f"{what}: amounts are never floats; pass text such as '12.50'")
    try:
        number = Decimal(str(value).strip().replace(",", ".")) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise PricingError(f"{what}: {value!r} is not a number") from None
    if not number.is_finite():
        raise PricingError(f"{what}: {value!r} is not a number")
    return number


def places(number: Decimal) -> int:
    """How many decimals a finite Decimal is written with (0 for 12, 12.0 counts as 1)."""
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def check_bounds(
    number: Decimal, what: str, low: Decimal, high: Decimal, decimals: int, *, above_low: bool = False
) -> None:
    """PricingError naming ``what`` unless low (<) <= number <= high with at most ``decimals``."""
    if not isinstance(number, Decimal) or not number.is_finite():
        raise PricingError(f"{what}: {number!s:.40} is not a number")
    if number > high:
        raise PricingError(f"{what}: {_brief(number)} is too large (at most {high:,})")
    if number < low or (above_low and number == low):
        relation = "more than" if above_low else "at least"
        raise PricingError(f"{what}: must be {relation} {low}")
    if places(number) > decimals:
        raise PricingError(f"{what}: {_brief(number)} has more than {decimals} decimals")


def _brief(number: Decimal) -> str:
    text = f"{number:f}" if abs(number.adjusted()) < 25 else ""
    text = text if 0 < len(text) <= 24 else f"{number:E}"
    return text if len(text) <= 24 else text[:12] + "…" + text[-6:]


@dataclass(frozen=True)
class Line:
    """One row of a proposal as pricing sees it."""

    description: str = ""
    quantity: Decimal = Decimal(1)
    unit_price: Decimal = ZERO
    discount: Decimal = ZERO  # percent
    tax_rate: Decimal = ZERO  # percent
    optional: bool = False
    heading: bool = False

    @classmethod
    def of(
        cls,
        description="",
        quantity="1",
        unit_price="0",
        discount="0",
        tax_rate="0",
        optional=False,
        heading=False,
        where: str = "line",
    ) -> Line:
        line = cls(
            description,
            to_decimal(quantity, f"{where}: quantity"),
            to_decimal(unit_price, f"{where}: unit price"),
            to_decimal(discount, f"{where}: discount"),
            to_decimal(tax_rate, f"{where}: tax rate"),
            bool(optional),
            bool(heading),
        )
        line.check(where)
        return line

    def check(self, where: str = "line") -> None:
        if self.heading:
            return
        for name, value in (
            ("quantity", self.quantity),
            ("unit price", self.unit_price),
            ("discount", self.discount),
            ("tax rate", self.tax_rate),
        ):
            if not isinstance(value, Decimal) or not value.is_finite():
                raise PricingError(f"{where}: the {name} {value!s:.40} is not a number")
        if self.quantity <= 0:
            raise PricingError(f"{where}: the quantity must be more than 0")
        if self.unit_price < 0:
            raise PricingError(f"{where}: the unit price cannot be negative")
        if not ZERO <= self.discount <= HUNDRED:
            raise PricingError(f"{where}: the discount must be from 0 to 100 %")
        if not ZERO <= self.tax_rate <= HUNDRED:
            raise PricingError(f"{where}: the tax rate must be from 0 to 100 %")
        check_bounds(self.quantity, f"{where}: quantity", ZERO, MAX_QUANTITY, QUANTITY_PLACES, above_low=True)
        check_bounds(self.unit_price, f"{where}: unit price", ZERO, MAX_UNIT_PRICE, PRICE_PLACES)
        check_bounds(self.discount, f"{where}: discount", ZERO, HUNDRED, PERCENT_PLACES)
        check_bounds(self.tax_rate, f"{where}: tax rate", ZERO, HUNDRED, PERCENT_PLACES)


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal
    discount: Decimal
    net: Decimal  # after the line discount, before the document discount
    optional: bool


@dataclass(frozen=True)
class TaxLine:
    rate: Decimal
    base: Decimal  # rounded to the currency
    tax: Decimal
    exact_base: Decimal  # what the tax was computed on (differs from base under global rounding)


@dataclass(frozen=True)
class ProposalTotals:
    subtotal: Decimal  # sum of gross amounts
    line_discounts: Decimal
    document_discount: Decimal
    net: Decimal  # what is taxed: subtotal − line discounts − document discount
    taxes: tuple[TaxLine, ...]
    total: Decimal  # net + every tax
    lines: tuple[LineAmounts | None, ...]  # per input line; None for headings
    optional_total: Decimal  # what the optional lines would add before tax

    @property
    def tax(self) -> Decimal:
        return sum((t.tax for t in self.taxes), ZERO)

    @property
    def discounts(self) -> Decimal:
        return self.line_discounts + self.document_discount


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-get_currency_precision(currency))


def compute_totals(
    lines: list[Line], currency: str, document_discount="0", rounding: str = "line"
) -> ProposalTotals:
    """The figures of a document; PricingError names the first line that cannot be priced."""
    with localcontext() as context:
        context.prec = PRECISION
        return _compute(lines, currency, document_discount, rounding)


def _compute(lines: list[Line], currency: str, document_discount, rounding: str) -> ProposalTotals:
    if rounding not in ROUNDING_POLICIES:
        raise PricingError(f"unknown rounding policy {rounding!r}; use line or global")
    doc_pct = to_decimal(document_discount, "document discount")
    if not ZERO <= doc_pct <= HUNDRED:
        raise PricingError("the document discount must be from 0 to 100 %")
    check_bounds(doc_pct, "document discount", ZERO, HUNDRED, PERCENT_PLACES)
    try:
        q = quantum(currency)
    except (KeyError, TypeError, ValueError):
        raise PricingError(f"currency: {currency!s:.20} is not a currency code") from None

    def r(amount: Decimal) -> Decimal:
        return amount.quantize(q, rounding=ROUND_HALF_UP)

    for index, line in enumerate(lines, 1):
        line.check(f"line {index}")
    shown: list[LineAmounts | None] = []
    optional_total = ZERO
    subtotal = line_disc = doc_disc = ZERO
    bases: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    taxes: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if line.heading:
            shown.append(None)
            continue
        gross = line.quantity * line.unit_price
        disc = gross * line.discount / HUNDRED
        if rounding == "line":
            gross, disc = r(gross), r(disc)
        after = gross - disc
        shown.append(LineAmounts(r(gross), r(disc), r(gross) - r(disc), line.optional))
        if line.optional:
            optional_total += r(after)
            continue
        dd = after * doc_pct / HUNDRED
        if rounding == "line":
            dd = r(dd)
        taxable = after - dd
        tax = taxable * line.tax_rate / HUNDRED
        if rounding == "line":
            tax = r(tax)
        subtotal += gross
        line_disc += disc
        doc_disc += dd
        bases[line.tax_rate] += taxable
        taxes[line.tax_rate] += tax
    tax_lines = tuple(TaxLine(rate, r(bases[rate]), r(taxes[rate]), bases[rate]) for rate in sorted(bases))
    net = sum((t.base for t in tax_lines), ZERO)
    subtotal, line_disc = r(subtotal), r(line_disc)
    document_discount_amount = subtotal - line_disc - net if rounding == "global" else r(doc_disc)
    return ProposalTotals(
        subtotal=subtotal,
        line_discounts=line_disc,
        document_discount=document_discount_amount,
        net=net,
        taxes=tax_lines,
        total=net + sum((t.tax for t in tax_lines), ZERO),
        lines=tuple(shown),
        optional_total=r(optional_total),
    )
