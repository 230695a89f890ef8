"""The proposals' tables: products, content blocks, numbering, proposals, their lines and
sections."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    DateField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from smarketer.db.fields import DecimalTextField, InstantField, utc_now
from smarketer.db.models.base import BaseModel, StoredFile, VersionedModel
from smarketer.db.models.contacts import Contact
from smarketer.db.models.deals import Deal


class Product(BaseModel):
    id = AutoField()
    name = TextField()
    description = TextField(default="")
    unit = TextField(default="")
    unit_price = DecimalTextField(default="0")
    tax_rate = DecimalTextField(null=True)  # None: the business's default rate
    active = BooleanField(default=True)


class ContentBlock(BaseModel):
    """Reusable proposal text: about us, a case study, terms."""

    id = AutoField()
    title = TextField()
    body = TextField(default="")
    created_at = InstantField(default=utc_now)


class ProposalSequence(BaseModel):
    year = IntegerField(primary_key=True)
    last = IntegerField()


PROPOSAL_STATUSES = ("draft", "sent", "accepted", "declined", "expired", "superseded")


class Proposal(VersionedModel):
    id = AutoField()
    number = TextField()
    revision = IntegerField(default=1)
    previous = ForeignKeyField("self", null=True, on_delete="SET NULL", column_name="previous_id")
    previous_id: int | None
    deal = ForeignKeyField(Deal, null=True, backref="proposals", on_delete="SET NULL")
    deal_id: int | None
    contact = ForeignKeyField(Contact, null=True, backref="proposals", on_delete="SET NULL")
    contact_id: int | None
    title = TextField()
    issue_date = DateField()
    valid_until = DateField()
    currency = TextField()
    locale = TextField()
    intro = TextField(default="")
    closing = TextField(default="")
    document_discount = DecimalTextField(default="0")
    rounding = TextField(default="line")  # line | global, see proposals/pricing.py
    status = TextField(default="draft")
    sent_at = InstantField(null=True)
    sent_pdf = ForeignKeyField(StoredFile, null=True, column_name="sent_pdf_id")
    sent_pdf_id: int | None
    decided_at = InstantField(null=True)
    created_at = InstantField(default=utc_now)
    updated_at = InstantField(default=utc_now)

    @property
    def label(self) -> str:
        return self.number if self.revision == 1 else f"{self.number}-R{self.revision}"


class ProposalItem(BaseModel):
    id = AutoField()
    proposal = ForeignKeyField(Proposal, backref="items", on_delete="CASCADE")
    proposal_id: int
    position = IntegerField()
    kind = TextField(default="item")  # item | heading
    product = ForeignKeyField(Product, null=True, on_delete="SET NULL")
    product_id: int | None
    description = TextField(default="")
    quantity = DecimalTextField(default="1")
    unit = TextField(default="")
    unit_price = DecimalTextField(default="0")
    discount = DecimalTextField(default="0")
    tax_rate = DecimalTextField(default="0")
    optional = BooleanField(default=False)


class ProposalSection(BaseModel):
    id = AutoField()
    proposal = ForeignKeyField(Proposal, backref="sections", on_delete="CASCADE")
    proposal_id: int
    position = IntegerField()
    title = TextField()
    body = TextField(default="")
