"""The dashboard's figures: `report`."""

from __future__ import annotations

import sys
from pathlib import Path

from smarketer.cli.console import command, fail, open_store
from smarketer.cli.output import add_json_flag, show, table


def register(commands) -> None:
    report = command(
        commands,
        "report",
        "the dashboard's figures as tables, optionally the one-page PDF report",
        "smarketer report --period 90d -o report.pdf",
    )
    report.add_argument("--period", choices=["month", "30d", "90d", "ytd"], default="30d")
    report.add_argument("-o", "--output", type=Path, metavar="OUT.pdf")
    add_json_flag(report)
    report.set_defaults(run=run_report)


def _attribution(rows, counted: str) -> list[dict]:
    return [
        {
            "name": r.name,
            counted: r.recipients,
            "deals": r.deals,
            "proposals": r.proposals,
            "won": r.won,
            "revenue": r.revenue,
        }
        for r in rows
    ]


def report_document(d, currency: str) -> dict:
    """The dashboard as `report --json` writes it."""
    from smarketer.dashboard import FUNNEL_KEYS

    return {
        "period": {"label": d.period.label, "start": d.period.start, "end": d.period.end},
        "currency": currency,
        "figures": [
            {
                "key": t.key,
                "label": t.label,
                "value": t.value if t.money or t.percent else int(t.value),
                "before": t.previous if t.money or t.percent else int(t.previous),
                "change": None if t.change is None else int(t.change),  # % (percentage points)
                "unit": "money" if t.money else ("percent" if t.percent else "count"),
            }
            for t in d.tiles
        ],
        "funnel": [{"key": FUNNEL_KEYS[stage], "stage": stage, "count": int(n)} for stage, n in d.funnel],
        "pipeline": [{"stage": s, "total": total, "weighted": w} for s, total, w in d.pipeline],
        "revenue_by_month": [{"month": m, "revenue": v} for m, v in d.revenue_by_month],
        "forecast": [{"month": m, "weighted": v} for m, v in d.forecast],
        "campaigns": [
            {"id": r.key, **row}
            for r, row in zip(d.campaigns, _attribution(d.campaigns, "sent"), strict=True)
        ],
        "sources": _attribution(d.sources, "contacts"),
        "referrers": [
            {"id": r.key, **row}
            for r, row in zip(d.referrers, _attribution(d.referrers, "referred"), strict=True)
        ],
    }


def run_report(args) -> int:
    from smarketer import dashboard, settings
    from smarketer.money import format_money_short
    from smarketer.reports import figures_rows, write_report_pdf

    open_store(args)
    if args.output and not args.output.parent.is_dir():
        return fail(f"{args.output}: the folder {args.output.parent} does not exist")
    profile = settings.load_profile()
    money = lambda v: format_money_short(v, profile.currency, profile.locale)  # noqa: E731
    d = dashboard.build(dashboard.period(args.period))

    def text() -> str:
        rows = [["Campaign", "Sent", "Deals", "Won", "Revenue"]]
        rows += [[r.name, str(r.recipients), str(r.deals), str(r.won), money(r.revenue)] for r in d.campaigns]
        return "\n\n".join(
            [
                table(figures_rows(d, money), right={1, 2, 3}),
                table([["Funnel", "Count"]] + [[s, f"{v:,.0f}"] for s, v in d.funnel], right={1}),
                table(rows, right={1, 2, 3, 4}) if len(rows) > 1 else "No campaigns yet.",
            ]
        )

    show(args, report_document(d, profile.currency), text)
    if args.output:
        write_report_pdf(d, args.output)
        print(f"\nWrote {args.output}", file=sys.stderr if args.json else sys.stdout)
    return 0
