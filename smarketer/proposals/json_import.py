"""Draft proposals from JSON, for owners who generate them from scripts.

The format (README, "Proposals from JSON"): title, client (an email, or an object with email,
first_name, last_name, company), optional deal (title or id), rounding, currency, issue_date,
valid_days, intro, closing, document_discount and items (objects with description, quantity,
unit, unit_price, discount, tax_rate, optional; or {"heading": "..."}). Numbers may be JSON
numbers or strings: both are read as exact decimals, never floats.

``read_document`` checks the whole document first (types, bounds, unknown keys) and returns a
plain ``ProposalDraft``; only then does ``import_proposal`` write, in one transaction. Every
message names its place: ``items[2].quantity: 1E+400 is too large (at most 1,000,000,000)``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from babel.numbers import is_currency
from peewee import fn

from smarketer.contacts.editing import ContactData, save_contact, validate_contact
from smarketer.db import db
from smarketer.db.models.contacts import Contact
from smarketer.db.models.deals import Deal
from smarketer.db.models.proposals import Proposal
from smarketer.proposals.contents import ItemData, add_item
from smarketer.proposals.drafts import DEFAULT_VALID_DAYS, ProposalError, create_proposal, update_proposal
from smarketer.proposals.pricing import (
    HUNDRED,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    PERCENT_PLACES,
    PRICE_PLACES,
    QUANTITY_PLACES,
    ROUNDING_POLICIES,
    ZERO,
    Line,
    PricingError,
    check_bounds,
)

MAX_FILE_BYTES = 5_000_000
MAX_ITEMS = 1000
MAX_VALID_DAYS = 3650
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2099, 12, 31)
MAX_ID = 2**63 - 1
MAX_NUMBER_CHARS = 40  # "0.000001" to "1000000000.000000" need far fewer
TEXT_LIMITS = {
    "title": 300,
    "intro": 20_000,
    "closing": 20_000,
    "description": 10_000,
    "heading": 500,
    "unit": 40,
    "email": 320,
    "first_name": 200,
    "last_name": 200,
    "company": 300,
    "deal": 300,
}
DOCUMENT_KEYS = (
    "title",
    "client",
    "deal",
    "rounding",
    "currency",
    "issue_date",
    "valid_days",
    "intro",
    "closing",
    "document_discount",
    "items",
)
ITEM_KEYS = ("description", "quantity", "unit", "unit_price", "discount", "tax_rate", "optional")
CLIENT_KEYS = ("email", "first_name", "last_name", "company")
# What JSON writes as a number (strings may hold the same, with spaces around).
NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def load_json(path: Path) -> dict:
    """The document as a dict (numbers as Decimal); ProposalError in one line otherwise."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ProposalError(
                f"{path}: {size:,} bytes is too large for a proposal (at most {MAX_FILE_BYTES:,})"
            )
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ProposalError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ProposalError(f"{path}: not a UTF-8 text file") from None
    try:
        data = json.loads(
            text,
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=Decimal,
            object_pairs_hook=_no_duplicates,
        )
    except json.JSONDecodeError as exc:
        raise ProposalError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except _DuplicateKey as exc:
        raise ProposalError(f"{path}: the key {str(exc)!r} appears twice in one object") from None
    except RecursionError:
        raise ProposalError(f"{path}: nested too deeply to be a proposal") from None
    if not isinstance(data, dict):
        raise ProposalError(f"{path}: the document must be a JSON object")
    return data


# ---------------------------------------------------------------- reading values


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    return {dict: "an object", list: "a list", str: "text", Decimal: "a number", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _text(value, where: str, key: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ProposalError(f"{where}: must be text, not {_kind(value)}")
    limit = TEXT_LIMITS[key]
    if len(value) > limit:
        raise ProposalError(f"{where}: {len(value):,} characters is too long (at most {limit:,})")
    return value


def _decimal(value, where: str) -> Decimal:
    """A finite Decimal from a JSON number or a string holding one; nothing else."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, str)):
        raise ProposalError(f"{where}: must be a number, not {_kind(value)}")
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_NUMBER_CHARS:
            raise ProposalError(f"{where}: a number of {len(text):,} characters is too long")
        if not NUMBER_TEXT.fullmatch(text):
            raise ProposalError(f"{where}: {value!r} is not a number (write it like 12 or 1250.50)")
        value = Decimal(text)
    if not value.is_finite():
        raise ProposalError(f"{where}: {value} is not a number")
    if len(value.as_tuple().digits) > MAX_NUMBER_CHARS:
        raise ProposalError(f"{where}: a number of {len(value.as_tuple().digits):,} digits is too long")
    return value


def _bounded(value, where: str, high: Decimal, decimals: int, *, above_zero=False) -> Decimal:
    number = _decimal(value, where)
    check_bounds(number, where, ZERO, high, decimals, above_low=above_zero)
    return number


def _whole(value, where: str, low: int, high: int) -> int:
    number = _decimal(value, where)
    if number != number.to_integral_value():
        raise ProposalError(f"{where}: {number} is not a whole number")
    check_bounds(number.to_integral_value(), where, Decimal(low), Decimal(high), 0)
    return int(number)


def _flag(value, where: str) -> bool:
    if not isinstance(value, bool):
        raise ProposalError(f"{where}: must be true or false (without quotes), not {_kind(value)}")
    return value


def _object(value, where: str, keys: tuple[str, ...]) -> dict:
    if not isinstance(value, dict):
        raise ProposalError(f"{where}: must be an object, not {_kind(value)}")
    unknown = [k for k in value if k not in keys]
    if unknown:
        raise ProposalError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(keys)})")
    return value


def _day(value, where: str) -> date:
    if not isinstance(value, str):
        raise ProposalError(f'{where}: must be a date like "2026-11-23", not {_kind(value)}')
    try:
        day = date.fromisoformat(value.strip()[:20])
    except ValueError:
        raise ProposalError(f"{where}: {value[:40]!r} is not a date like 2026-11-23") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ProposalError(f"{where}: {day.isoformat()} is outside {FIRST_DATE.year}–{LAST_DATE.year}")
    return day


# ---------------------------------------------------------------- the document


@dataclass(frozen=True)
class ProposalDraft:
    """A whole checked document, ready to be written."""

    title: str
    client: ContactData | None
    deal_id: int | None
    rounding: str
    currency: str | None
    issue_date: date | None
    valid_days: int
    intro: str
    closing: str
    document_discount: Decimal
    items: tuple[ItemData, ...]


def _client(spec) -> ContactData | None:
    if spec is None or spec == "":
        return None
    if isinstance(spec, str):
        spec = {"email": spec}
    spec = _object(spec, "client", CLIENT_KEYS)
    text = {key: _text(spec.get(key), f"client.{key}", key).strip() for key in CLIENT_KEYS}
    data = ContactData(
        email=text["email"],
        first_name=text["first_name"],
        last_name=text["last_name"],
        company=text["company"],
        status="qualified",
    )
    clean, errors = validate_contact(data)
    if errors:
        key, message = next(iter(errors.items()))
        raise ProposalError(f"client.{key}: {message}")
    return clean


def _deal(spec) -> int | None:
    if spec is None or spec == "":
        return None
    if isinstance(spec, str):
        title = _text(spec, "deal", "deal").strip().lower()
        deal = Deal.get_or_none(fn.lower(Deal.title) == title)
    else:
        deal = Deal.get_or_none(Deal.id == _whole(spec, "deal", 1, MAX_ID))
    if deal is None:
        raise ProposalError(f"deal: no deal {spec!s:.60}")
    return deal.id


def _item(spec, index: int) -> ItemData:
    where = f"items[{index}]"
    if isinstance(spec, dict) and "heading" in spec:
        _object(spec, where, ("heading",))
        return ItemData(description=_text(spec["heading"], f"{where}.heading", "heading"), heading=True)
    spec = _object(spec, where, ITEM_KEYS)
    rate = spec.get("tax_rate")
    item = ItemData(
        description=_text(spec.get("description"), f"{where}.description", "description"),
        quantity=_bounded(
            spec.get("quantity", "1"), f"{where}.quantity", MAX_QUANTITY, QUANTITY_PLACES, above_zero=True
        ),
        unit=_text(spec.get("unit"), f"{where}.unit", "unit"),
        unit_price=_bounded(spec.get("unit_price", "0"), f"{where}.unit_price", MAX_UNIT_PRICE, PRICE_PLACES),
        discount=_bounded(spec.get("discount", "0"), f"{where}.discount", HUNDRED, PERCENT_PLACES),
        tax_rate=None if rate is None else _bounded(rate, f"{where}.tax_rate", HUNDRED, PERCENT_PLACES),
        optional=_flag(spec.get("optional", False), f"{where}.optional"),
    )
    Line.of(
        item.description,
        item.quantity,
        item.unit_price,
        item.discount,
        item.tax_rate or ZERO,
        item.optional,
        where=where,
    )  # the pricing rules too
    return item


def read_document(data) -> ProposalDraft:
    """Check everything (reading the store only to find the deal); ProposalError/PricingError
    name the first fault."""
    data = _object(data, "the document", DOCUMENT_KEYS)
    title = _text(data.get("title"), "title", "title").strip()
    if not title:
        raise ProposalError("title: A proposal needs a title.")
    rounding = data.get("rounding") or "line"
    if rounding not in ROUNDING_POLICIES:
        raise ProposalError(f"rounding: must be {' or '.join(ROUNDING_POLICIES)}, not {rounding!s:.40}")
    currency = data.get("currency") or None
    if currency is not None and not (isinstance(currency, str) and is_currency(currency)):
        raise ProposalError(f"currency: {currency!s:.40} is not a currency code like EUR")
    items = data.get("items", [])
    if not isinstance(items, list):
        raise ProposalError(f"items: must be a list, not {_kind(items)}")
    if len(items) > MAX_ITEMS:
        raise ProposalError(f"items: {len(items):,} lines is too many (at most {MAX_ITEMS:,})")
    return ProposalDraft(
        title=title,
        client=_client(data.get("client")),
        deal_id=_deal(data.get("deal")),
        rounding=rounding,
        currency=currency,
        issue_date=None if data.get("issue_date") is None else _day(data["issue_date"], "issue_date"),
        valid_days=_whole(
            data.get("valid_days", Decimal(DEFAULT_VALID_DAYS)), "valid_days", 0, MAX_VALID_DAYS
        ),
        intro=_text(data.get("intro"), "intro", "intro"),
        closing=_text(data.get("closing"), "closing", "closing"),
        document_discount=_bounded(
            data.get("document_discount", "0"), "document_discount", HUNDRED, PERCENT_PLACES
        ),
        items=tuple(_item(item, index) for index, item in enumerate(items)),
    )


def _contact_id(client: ContactData | None) -> int | None:
    if client is None:
        return None
    if client.email:
        found = Contact.get_or_none(fn.lower(Contact.email) == client.email.lower())
        if found:
            return found.id
    return save_contact(client).id


def import_proposal(data) -> Proposal:
    """Check the whole document, then create the draft in one transaction."""
    draft = read_document(data)
    with db.atomic():
        proposal = create_proposal(
            draft.title,
            contact_id=_contact_id(draft.client),
            deal_id=draft.deal_id,
            issue_date=draft.issue_date,
            valid_days=draft.valid_days,
            rounding=draft.rounding,
            currency=draft.currency,
        )
        update_proposal(
            proposal.id, intro=draft.intro, closing=draft.closing, document_discount=draft.document_discount
        )
        for index, item in enumerate(draft.items):
            try:
                add_item(proposal.id, item)
            except PricingError as exc:  # the business's default tax rate, say
                raise ProposalError(f"items[{index}]: {str(exc).split(': ', 1)[-1]}") from None
    return Proposal.get_by_id(proposal.id)
