"""What a proposal says: its item lines (products, headings, optional lines) and its text
sections, their order, and the totals they add up to."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from smarketer import settings
from smarketer.db import db
from smarketer.db.models.proposals import ContentBlock, Product, Proposal, ProposalItem, ProposalSection
from smarketer.proposals.drafts import editable
from smarketer.proposals.pricing import Line, ProposalTotals, compute_totals


@dataclass(frozen=True)
class ItemData:
    description: str = ""
    quantity: str | Decimal = "1"
    unit: str = ""
    unit_price: str | Decimal = "0"
    discount: str | Decimal = "0"
    tax_rate: str | Decimal | None = None  # None: the business's default rate
    optional: bool = False
    heading: bool = False
    product_id: int | None = None


def _clean_item(data: ItemData, where: str) -> dict[str, Any]:
    if data.heading:
        return {"kind": "heading", "description": data.description.strip(), "product": None}
    rate = data.tax_rate
    if rate in (None, ""):
        rate = settings.load_profile().default_tax_rate
    line = Line.of(
        data.description, data.quantity, data.unit_price, data.discount, rate, data.optional, where=where
    )
    return {
        "kind": "item",
        "description": data.description.strip(),
        "quantity": line.quantity,
        "unit": data.unit.strip(),
        "unit_price": line.unit_price,
        "discount": line.discount,
        "tax_rate": line.tax_rate,
        "optional": line.optional,
        "product": data.product_id,
    }


def add_item(proposal_id: int, data: ItemData, position: int | None = None) -> ProposalItem:
    editable(proposal_id)
    count = ProposalItem.select().where(ProposalItem.proposal == proposal_id).count()
    values = _clean_item(data, f"line {count + 1}")
    with db.atomic():
        if position is None:
            position = count + 1
        else:
            ProposalItem.update(position=ProposalItem.position + 1).where(
                (ProposalItem.proposal == proposal_id) & (ProposalItem.position >= position)
            ).execute()
        return ProposalItem.create(proposal=proposal_id, position=position, **values)


def add_product(proposal_id: int, product_id: int, quantity: str | Decimal = "1") -> ProposalItem:
    product = Product.get_by_id(product_id)
    return add_item(
        proposal_id,
        ItemData(
            description=f"{product.name}\n{product.description}".strip(),
            quantity=quantity,
            unit=product.unit,
            unit_price=product.unit_price,
            tax_rate=product.tax_rate,
            product_id=product.id,
        ),
    )


def update_item(item_id: int, data: ItemData) -> ProposalItem:
    item = ProposalItem.get_by_id(item_id)
    editable(item.proposal_id)
    values = _clean_item(data, f"line {item.position}")
    ProposalItem.update(**values).where(ProposalItem.id == item_id).execute()
    return ProposalItem.get_by_id(item_id)


def remove_item(item_id: int) -> None:
    item = ProposalItem.get_by_id(item_id)
    editable(item.proposal_id)
    with db.atomic():
        item.delete_instance()
        _renumber(item.proposal_id)


def move_item(item_id: int, step: int) -> None:
    item = ProposalItem.get_by_id(item_id)
    editable(item.proposal_id)
    ids = [i.id for i in items(item.proposal_id)]
    index = ids.index(item_id)
    target = max(0, min(len(ids) - 1, index + step))
    ids.insert(target, ids.pop(index))
    with db.atomic():
        for position, other in enumerate(ids, 1):
            ProposalItem.update(position=position).where(ProposalItem.id == other).execute()


def _renumber(proposal_id: int) -> None:
    for position, item in enumerate(items(proposal_id), 1):
        ProposalItem.update(position=position).where(ProposalItem.id == item.id).execute()


def items(proposal_id: int) -> list[ProposalItem]:
    return list(
        ProposalItem.select()
        .where(ProposalItem.proposal == proposal_id)
        .order_by(ProposalItem.position, ProposalItem.id)
    )


def sections(proposal_id: int) -> list[ProposalSection]:
    return list(
        ProposalSection.select()
        .where(ProposalSection.proposal == proposal_id)
        .order_by(ProposalSection.position, ProposalSection.id)
    )


def add_section(proposal_id: int, title: str, body: str) -> ProposalSection:
    editable(proposal_id)
    position = ProposalSection.select().where(ProposalSection.proposal == proposal_id).count()
    return ProposalSection.create(
        proposal=proposal_id, position=position + 1, title=title.strip(), body=body.strip()
    )


def insert_block(proposal_id: int, block_id: int) -> ProposalSection:
    """Copy a library block into the proposal (later library edits do not change it)."""
    block = ContentBlock.get_by_id(block_id)
    return add_section(proposal_id, block.title, block.body)


def remove_section(section_id: int) -> None:
    section = ProposalSection.get_by_id(section_id)
    editable(section.proposal_id)
    section.delete_instance()


def lines_of(proposal_id: int) -> list[Line]:
    return [
        Line(
            description=i.description,
            quantity=i.quantity,
            unit_price=i.unit_price,
            discount=i.discount,
            tax_rate=i.tax_rate,
            optional=i.optional,
            heading=i.kind == "heading",
        )
        for i in items(proposal_id)
    ]


def totals(proposal: Proposal) -> ProposalTotals:
    return compute_totals(
        lines_of(proposal.id), proposal.currency, proposal.document_discount, proposal.rounding
    )
