"""Figures for the Today page: they grow with the store, so the page reads them in a worker."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from smarketer.contacts import listing
from smarketer.pipeline.deal_board import board


@dataclass(frozen=True)
class TodayFigures:
    contacts: int  # live ones
    open_deals: int
    weighted: Decimal | int  # the open pipeline weighted by each stage's probability


def today_figures() -> TodayFigures:
    columns = board()
    return TodayFigures(
        contacts=listing.count(),
        open_deals=sum(len(c.cards) for c in columns),
        weighted=sum((c.weighted for c in columns), 0),
    )
