"""The demo's products, text blocks and proposals (some sent, one accepted)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta


def add_proposals(rng: random.Random, now: datetime) -> None:
    from smarketer.db.models.deals import Deal, Stage
    from smarketer.proposals.catalog import save_block, save_product
    from smarketer.proposals.contents import ItemData, add_item, add_product, insert_block
    from smarketer.proposals.drafts import create_proposal, update_proposal
    from smarketer.proposals.lifecycle import accept, mark_sent

    save_block(
        "About Hollis & Reed",
        "We are a two-person design studio in Galway. "
        "Since 2014 we have helped more than 80 local businesses look as good "
        "as they are.",
    )
    save_block(
        "Case study: Nordlicht Bakery",
        "A new identity, packaging and a website in six weeks. Online orders doubled within three months.",
    )
    save_block(
        "Terms",
        "50 % on acceptance, 50 % on delivery. Prices exclude travel "
        "outside Galway. Two rounds of changes are included.",
    )
    design = save_product("Design hour", "95", unit="h", description="Senior designer")
    workshop = save_product(
        "Brand workshop", "450", unit="day", description="Half-day workshop with your team"
    )
    save_product("Photo shoot", "600", description="Half a day, 30 edited photos")
    save_product("Printed flyers (500)", "0.85", unit="pcs", tax_rate="13.5")
    deals = list(
        Deal.select()
        .join(Stage)
        .where(Stage.name.in_(["Proposal sent", "Negotiation", "Won"]))
        .order_by(Deal.id)
        .limit(5)
    )
    for index, deal in enumerate(deals):
        proposal = create_proposal(
            deal.title, deal_id=deal.id, issue_date=now.date() - timedelta(days=20 - index)
        )
        update_proposal(
            proposal.id,
            intro="Thank you for your time last week. Here is what we propose.",
            closing="We look forward to working with you.",
        )
        insert_block(proposal.id, 1)
        add_item(proposal.id, ItemData("Discovery", heading=True))
        add_product(proposal.id, workshop.id)
        add_product(proposal.id, design.id, quantity=str(rng.choice([8, 12.5, 20])))
        add_item(proposal.id, ItemData("Optional: photo shoot", "1", unit_price="600", optional=True))
        insert_block(proposal.id, 3)
        if index < 4:
            from smarketer.proposals.pdf import build_pdf

            mark_sent(proposal.id, build_pdf(proposal.id))
        if deal.stage.kind == "won" and index < 4:
            accept(proposal.id)
