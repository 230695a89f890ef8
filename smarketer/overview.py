"""Figures for the Today page and the status bar."""

from __future__ import annotations

from dataclasses import dataclass

from smarketer.db.models import Company, Contact, Tag


@dataclass(frozen=True)
class StoreSummary:
    contacts: int
    companies: int
    tags: int
    customers: int


def store_summary() -> StoreSummary:
    live = Contact.select().where(Contact.deleted_at.is_null())
    return StoreSummary(
        contacts=live.count(),
        companies=Company.select().count(),
        tags=Tag.select().count(),
        customers=live.where(Contact.status == "customer").count(),
    )
