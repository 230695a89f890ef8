"""The dashboard as its section shows it: the figures of a period, the money format of the
profile and the attribution tables' rows as text, prepared in a worker (10,000 referrers on a
big store would otherwise be formatted on the GUI thread)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from smarketer import attribution, dashboard, settings
from smarketer.money import format_money, format_money_rate, format_money_short


@dataclass(frozen=True)
class Figures:
    """What the section shows, prepared in a worker: the dashboard, the profile's money format
    and the attribution tables' rows as text (10,000 referrers on a big store)."""

    data: dashboard.Dashboard
    currency: str
    locale: str
    campaigns: list[list[str]]
    sources: list[list[str]]
    referrers: list[list[str]]
    attribution_days: int = attribution.DEFAULT_ATTRIBUTION_DAYS

    def money(self, value: Decimal) -> str:
        return format_money_short(value, self.currency, self.locale)

    def full_money(self, value: Decimal) -> str:
        return format_money(value, self.currency, self.locale)


def compute_figures(p: dashboard.Period) -> Figures:
    """Run in a worker: the figures of period ``p`` and their tables as shown."""
    data = dashboard.build(p)
    profile = settings.load_profile()
    money: Callable[[Decimal], str] = lambda v: format_money_short(v, profile.currency, profile.locale)  # noqa: E731
    return Figures(
        data,
        profile.currency,
        profile.locale,
        campaigns=[
            [
                r.name,
                str(r.recipients),
                str(r.deals),
                str(r.proposals),
                str(r.won),
                money(r.revenue),
                format_money_rate(r.revenue_per_email, profile.currency, profile.locale)
                if r.revenue_per_email is not None
                else "—",
            ]
            for r in data.campaigns
        ],
        sources=[
            [r.name, str(r.recipients), str(r.deals), str(r.proposals), str(r.won), money(r.revenue)]
            for r in data.sources
        ],
        referrers=[
            [r.name, str(r.recipients), str(r.deals), str(r.won), money(r.revenue)] for r in data.referrers
        ],
        attribution_days=attribution.attribution_days(),
    )
