"""Draft proposals from JSON, for owners who generate them from scripts.

The format (README, "Proposals from JSON"): title, client (an email, or an object with email,
first_name, last_name, company), optional deal (title or id), rounding, currency, issue_date,
valid_days, intro, closing, document_discount and items (objects with description, quantity,
unit, unit_price, discount, tax_rate, optional; or {"heading": "..."}). Numbers may be JSON
numbers or strings: both are read as exact decimals, never floats.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from peewee import fn

from smarketer import contacts
from smarketer.db import db
from smarketer.db.models import Contact, Deal, Proposal
from smarketer.proposals import service
from smarketer.proposals.pricing import PricingError
from smarketer.proposals.service import ItemData, ProposalError


def load_json(path: Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ProposalError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ProposalError(f"{path}: not a UTF-8 text file") from None
    try:
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as exc:
        raise ProposalError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                            f"{exc.msg})") from None
    if not isinstance(data, dict):
        raise ProposalError(f"{path}: the document must be a JSON object")
    return data


def _text(value) -> str:
    return "" if value is None else str(value)


def _client(spec) -> int | None:
    if spec in (None, ""):
        return None
    if isinstance(spec, str):
        spec = {"email": spec}
    if not isinstance(spec, dict):
        raise ProposalError("client: give an email or an object with email and names")
    email = _text(spec.get("email")).strip()
    if email:
        found = Contact.get_or_none(fn.lower(Contact.email) == email.lower())
        if found:
            return found.id
    try:
        return contacts.save_contact(contacts.ContactData(
            first_name=_text(spec.get("first_name")), last_name=_text(spec.get("last_name")),
            email=email, company=_text(spec.get("company")), status="qualified")).id
    except contacts.ContactInvalid as exc:
        raise ProposalError(f"client: {exc}") from None


def _deal(spec) -> int | None:
    if spec in (None, ""):
        return None
    if isinstance(spec, Decimal):
        deal = Deal.get_or_none(Deal.id == int(spec))
    else:
        deal = Deal.get_or_none(fn.lower(Deal.title) == _text(spec).strip().lower())
    if deal is None:
        raise ProposalError(f"deal: no deal {spec!s}")
    return deal.id


def import_proposal(data: dict) -> Proposal:
    """Create the draft in one transaction; ProposalError/PricingError name the bad field."""
    items = data.get("items", [])
    if not isinstance(items, list):
        raise ProposalError("items: must be a list")
    with db.atomic():
        issue = data.get("issue_date")
        try:
            issue_date = date.fromisoformat(issue) if issue else None
        except (TypeError, ValueError):
            raise ProposalError(f"issue_date: {issue!r} is not a date like 2026-11-23") from None
        proposal = service.create_proposal(
            _text(data.get("title")), contact_id=_client(data.get("client")),
            deal_id=_deal(data.get("deal")), issue_date=issue_date,
            valid_days=int(data.get("valid_days", service.DEFAULT_VALID_DAYS)),
            rounding=_text(data.get("rounding") or "line"),
            currency=_text(data.get("currency")) or None)
        service.update_proposal(proposal.id, intro=_text(data.get("intro")),
                                closing=_text(data.get("closing")),
                                document_discount=_text(data.get("document_discount") or "0"))
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise ProposalError(f"items[{index}]: must be an object")
            try:
                if "heading" in item:
                    service.add_item(proposal.id, ItemData(description=_text(item["heading"]),
                                                           heading=True))
                    continue
                service.add_item(proposal.id, ItemData(
                    description=_text(item.get("description")),
                    quantity=_text(item.get("quantity", "1")), unit=_text(item.get("unit")),
                    unit_price=_text(item.get("unit_price", "0")),
                    discount=_text(item.get("discount", "0")),
                    tax_rate=None if item.get("tax_rate") is None else _text(item["tax_rate"]),
                    optional=bool(item.get("optional", False))))
            except PricingError as exc:
                raise ProposalError(f"items[{index}]: {str(exc).split(': ', 1)[-1]}") from None
    return Proposal.get_by_id(proposal.id)
