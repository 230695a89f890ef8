"""Proposals in the store, in one place for the app, the CLI and the tests: this module
re-exports the public names of the modules that do the work.

- ``drafts``: numbering, creating, editing, deleting and finding proposals
- ``contents``: item lines and text sections, their order and totals
- ``lifecycle``: sending (the PDF is kept), revisions, copies, acceptance, expiry
- ``catalog``: products and reusable text blocks
"""

from smarketer.proposals.catalog import blocks, products, save_block, save_product
from smarketer.proposals.contents import (
    ItemData,
    add_item,
    add_product,
    add_section,
    insert_block,
    items,
    lines_of,
    move_item,
    remove_item,
    remove_section,
    sections,
    totals,
    update_item,
)
from smarketer.proposals.drafts import (
    DEFAULT_VALID_DAYS,
    EDITABLE,
    ProposalError,
    all_proposals,
    client_of,
    create_proposal,
    delete_proposal,
    editable,
    find,
    find_proposals,
    for_deal,
    log_activity,
    next_number,
    update_proposal,
)
from smarketer.proposals.lifecycle import (
    accept,
    decline,
    duplicate,
    expire_overdue,
    mark_sent,
    new_revision,
    sent_pdf,
)
from smarketer.proposals.pricing import PricingError

__all__ = [
    "DEFAULT_VALID_DAYS",
    "EDITABLE",
    "ItemData",
    "PricingError",
    "ProposalError",
    "accept",
    "add_item",
    "add_product",
    "add_section",
    "all_proposals",
    "blocks",
    "client_of",
    "create_proposal",
    "decline",
    "delete_proposal",
    "duplicate",
    "editable",
    "expire_overdue",
    "find",
    "find_proposals",
    "for_deal",
    "insert_block",
    "items",
    "lines_of",
    "log_activity",
    "mark_sent",
    "move_item",
    "new_revision",
    "next_number",
    "products",
    "remove_item",
    "remove_section",
    "save_block",
    "save_product",
    "sections",
    "sent_pdf",
    "totals",
    "update_item",
    "update_proposal",
]
