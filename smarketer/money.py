"""Money and dates as the business shows them (Babel, in the profile's locale and currency).

Amounts are Decimal everywhere; ``parse_amount`` reads what a person types ("1.250,50",
"1,250.50", "€ 99") in their locale and never goes through float.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, numbers
from babel.dates import format_date as _format_date
from babel.dates import format_time as _format_time

from smarketer.errors import InputInvalid


def format_money(amount: Decimal, currency: str, locale: str) -> str:
    return numbers.format_currency(amount, currency, locale=locale)


def format_money_short(amount: Decimal, currency: str, locale: str) -> str:
    """Whole units, for board headers and cards: "€12,500"."""
    return numbers.format_currency(
        amount,
        currency,
        locale=locale,
        format_type="standard",
        currency_digits=False,
        decimal_quantization=True,
        format=_whole_pattern(locale),
    )


def format_money_rate(amount: Decimal, currency: str, locale: str) -> str:
    """A figure per email or per unit: whole units from 10 up, cents below ("€0.34", not "€0")."""
    if abs(amount) >= 10:
        return format_money_short(amount, currency, locale)
    return format_money(amount, currency, locale)


@lru_cache(maxsize=16)
def _whole_pattern(locale: str) -> str:
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return re.sub(r"\.0+", "", pattern.split(";")[0])


def format_day(value: date, locale: str, style: str = "medium") -> str:
    return _format_date(value, format=style, locale=locale)


def format_instant(value: datetime, locale: str) -> str:
    """An instant in this computer's time zone: its day as ``format_day`` writes it, then the
    time ("2 Mar 2026 09:30" in en_IE)."""
    local = value.astimezone()
    return f"{format_day(local.date(), locale)} {_format_time(local.time(), 'short', locale=locale)}"


def parse_amount(text: str, locale: str) -> Decimal:
    """A non-negative amount as typed; raises InputInvalid (a ValueError) with a readable reason."""
    cleaned = re.sub(r"[^\d,.\-]", "", text.replace("\u00a0", "").replace(" ", ""))
    if not cleaned:
        raise InputInvalid("Enter an amount, for example 1250 or 1250.50.")
    decimal_sign = numbers.get_decimal_symbol(locale)
    group_sign = numbers.get_group_symbol(locale)
    if group_sign in ",." and decimal_sign in ",.":
        cleaned = cleaned.replace(group_sign, "").replace(decimal_sign, ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InputInvalid(f"{text!r} is not an amount.") from None
    if not value.is_finite():
        raise InputInvalid(f"{text!r} is not an amount.")
    if value < 0:
        raise InputInvalid("The amount cannot be negative.")
    return value
