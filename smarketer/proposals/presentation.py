"""What a proposal prints, as text in its locale: one source for the PDF and `proposal show`.

The figures are chosen so a reader can check them with a pencil:

- a unit price is printed with every decimal it has (at least the currency's), so
  quantity × unit price, less the line's discount, gives the printed amount;
- the totals start from the sum of the printed amounts; under global rounding a "Rounding" row
  carries the difference to the exactly computed figure;
- every tax rate, 0 % included, is listed with the base it was computed on (under global
  rounding the exact base too), and the bases add up to the net.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale, UnknownLocaleError, numbers, units

from smarketer.proposals.pricing import ZERO, ProposalTotals, quantum

# Units typed on a line that CLDR knows, so "2 day" prints "2 days" (and "2 Tage" in German).
CLDR_UNITS = {
    **dict.fromkeys(("minute", "minutes", "min", "mins"), "duration-minute"),
    **dict.fromkeys(("hour", "hours", "h", "hr", "hrs"), "duration-hour"),
    **dict.fromkeys(("day", "days", "d"), "duration-day"),
    **dict.fromkeys(("week", "weeks", "wk", "wks"), "duration-week"),
    **dict.fromkeys(("month", "months", "mo"), "duration-month"),
    **dict.fromkeys(("year", "years", "yr", "yrs"), "duration-year"),
}
NO_PLURAL = {"each", "flat", "fixed", "lump", "per", "lot"}
EXACT_PLACES = 6  # an exact tax base is printed with at most this many decimals


@dataclass(frozen=True)
class PrintedItem:
    heading: bool
    description: str
    quantity: str = ""  # with its unit: "2 days"
    unit_price: str = ""
    discount: str = ""  # "12.5 %", or "" for none
    tax_rate: str = ""
    amount: str = ""  # after the line's discount; optional lines too (they are not totalled)
    optional: bool = False


@dataclass(frozen=True)
class TotalRow:
    label: str
    amount: str
    strong: bool = False


def _language(locale: str) -> str:
    try:
        return Locale.parse(locale).language
    except (ValueError, UnknownLocaleError):
        return "en"


def money(amount: Decimal, currency: str, locale: str) -> str:
    return numbers.format_currency(amount, currency, locale=locale)


def price(amount: Decimal, currency: str, locale: str) -> str:
    """Every decimal the amount has, at least the currency's: €0.125, KWD10.000, €9.99."""
    return numbers.format_currency(
        amount.normalize() if amount else amount, currency, locale=locale, decimal_quantization=False
    )


def number(value: Decimal, locale: str) -> str:
    return numbers.format_decimal(value.normalize(), locale=locale, decimal_quantization=False)


def percent(value: Decimal, locale: str) -> str:
    return f"{number(value, locale)}\u00a0%"  # never wrapped between number and sign


def quantity(value: Decimal, unit: str, locale: str) -> str:
    """The quantity with its unit in the right plural form: "1 day", "2 days", "250 pc"."""
    unit = unit.strip()
    cldr = CLDR_UNITS.get(unit.lower())
    if cldr:
        try:
            # Babel picks the plural form and the pattern but rounds the number to 3 decimals:
            # put the exact number back in its place.
            text = units.format_unit(value, cldr, locale=locale)
            text = text.replace(numbers.format_decimal(value, locale=locale), number(value, locale), 1)
            return text
        except (ValueError, KeyError, UnknownLocaleError):
            pass
    if (
        unit
        and value != 1
        and _language(locale) == "en"
        and re.fullmatch(r"[a-z]{3,}", unit)
        and unit not in NO_PLURAL
        and not unit.endswith("s")
    ):
        unit = _english_plural(unit)
    return f"{number(value, locale)} {unit}" if unit else number(value, locale)


def _english_plural(word: str) -> str:
    if word.endswith(("x", "ch", "sh", "z")):
        return word + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def items(stored_items, totals: ProposalTotals, currency: str, locale: str) -> list[PrintedItem]:
    """One printed row per stored item (headings included), beside its computed amounts."""
    rows = []
    for item, amounts in zip(stored_items, totals.lines, strict=True):
        if item.kind == "heading" or amounts is None:  # (no amounts: a heading)
            rows.append(PrintedItem(True, item.description))
            continue
        rows.append(
            PrintedItem(
                False,
                item.description,
                quantity(item.quantity, item.unit, locale),
                price(item.unit_price, currency, locale),
                percent(item.discount, locale) if item.discount else "",
                percent(item.tax_rate, locale),
                money(amounts.net, currency, locale),
                item.optional,
            )
        )
    return rows


def rounding_difference(totals: ProposalTotals) -> Decimal:
    """What global rounding adds to the sum of the printed line amounts (0 under line)."""
    printed = sum((a.net for a in totals.lines if a is not None and not a.optional), ZERO)
    return totals.subtotal - totals.line_discounts - printed


def total_rows(
    totals: ProposalTotals, document_discount: Decimal, rounding: str, currency: str, locale: str
) -> list[TotalRow]:
    """From the sum of the printed amounts to the total, each row adding up to the next."""
    m = lambda v: money(v, currency, locale)  # noqa: E731
    difference = rounding_difference(totals)
    rows = [TotalRow("Subtotal", m(totals.subtotal - totals.line_discounts - difference))]
    if difference:
        rows.append(
            TotalRow("Rounding (whole document)", ("+" if difference > 0 else "−") + m(abs(difference)))
        )
    if totals.document_discount:
        rows.append(
            TotalRow(f"Discount {percent(document_discount, locale)}", "−" + m(totals.document_discount))
        )
    if difference or totals.document_discount:
        rows.append(TotalRow("Net", m(totals.net)))
    for tax in totals.taxes:
        label = f"Tax {percent(tax.rate, locale)} on {m(tax.base)}"
        exact = tax.exact_base.quantize(Decimal(1).scaleb(-EXACT_PLACES), ROUND_HALF_UP)
        if exact != tax.base:
            sign = "exactly" if exact == tax.exact_base else "about"
            label += f" ({sign} {price(exact, currency, locale)})"
        rows.append(TotalRow(label, m(tax.tax)))
    rows.append(TotalRow("Total", m(totals.total), strong=True))
    return rows


def notes(totals: ProposalTotals, rounding: str, currency: str, locale: str) -> list[str]:
    out = []
    if totals.optional_total:
        out.append(
            f"Optional items are not included in the total (together "
            f"{money(totals.optional_total, currency, locale)} before tax)."
        )
    difference = rounding_difference(totals)
    if rounding == "global" and (difference or any(t.exact_base != t.base for t in totals.taxes)):
        out.append(
            "Rounded once for the whole document: each tax is computed on its exact "
            "base and rounded once"
            + (
                "; the rounding row is the difference between the "
                "printed line amounts and the exact subtotal."
                if difference
                else "."
            )
        )
    if rounding == "line" and any(
        (t.base * t.rate / 100).quantize(quantum(currency), ROUND_HALF_UP) != t.tax for t in totals.taxes
    ):
        out.append(
            "Tax is rounded to the cent on each line, so a tax can differ by a few "
            "cents from its rate applied to the base."
        )
    return out


def country_name(code: str, locale: str) -> str:
    """ "IE" → "Ireland" in the document's language; anything else as typed."""
    text = code.strip()
    if len(text) == 2 and text.isalpha():
        try:
            return Locale.parse(locale).territories.get(text.upper(), text)
        except (ValueError, UnknownLocaleError):
            return text
    return text
