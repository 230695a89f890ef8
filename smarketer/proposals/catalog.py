"""The catalog a proposal draws on: products with their prices and tax rates, and reusable
text blocks."""

from __future__ import annotations

from decimal import Decimal

from smarketer.db.models.proposals import ContentBlock, Product
from smarketer.proposals.drafts import ProposalError
from smarketer.proposals.pricing import MAX_UNIT_PRICE, PERCENT_PLACES, PRICE_PLACES, check_bounds, to_decimal


def save_product(
    name: str,
    unit_price: str | Decimal,
    *,
    description: str = "",
    unit: str = "",
    tax_rate: str | Decimal | None = None,
    active: bool = True,
    product_id: int | None = None,
) -> Product:
    if not name.strip():
        raise ProposalError("A product needs a name.")
    price = to_decimal(unit_price, "unit price")
    if price < 0:
        raise ProposalError("The unit price cannot be negative.")
    check_bounds(price, "unit price", Decimal(0), MAX_UNIT_PRICE, PRICE_PLACES)
    rate = None if tax_rate in (None, "") else to_decimal(tax_rate, "tax rate")
    if rate is not None and not 0 <= rate <= 100:
        raise ProposalError("The tax rate must be from 0 to 100 %.")
    if rate is not None:
        check_bounds(rate, "tax rate", Decimal(0), Decimal(100), PERCENT_PLACES)
    values = {
        "name": name.strip(),
        "description": description.strip(),
        "unit": unit.strip(),
        "unit_price": price,
        "tax_rate": rate,
        "active": active,
    }
    if product_id:
        Product.update(**values).where(Product.id == product_id).execute()
        return Product.get_by_id(product_id)
    return Product.create(**values)


def products(active_only: bool = True) -> list[Product]:
    query = Product.select().order_by(Product.name)
    return list(query.where(Product.active == True) if active_only else query)  # noqa: E712


def save_block(title: str, body: str, block_id: int | None = None) -> ContentBlock:
    if not title.strip():
        raise ProposalError("A content block needs a title.")
    if block_id:
        ContentBlock.update(title=title.strip(), body=body.strip()).where(
            ContentBlock.id == block_id
        ).execute()
        return ContentBlock.get_by_id(block_id)
    return ContentBlock.create(title=title.strip(), body=body.strip())


def blocks() -> list[ContentBlock]:
    return list(ContentBlock.select().order_by(ContentBlock.title))
