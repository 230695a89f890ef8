"""The dashboard's figures: `report`."""

from __future__ import annotations

from pathlib import Path

from smarketer.cli.console import fail, open_store, table


def register(commands) -> None:
    report = commands.add_parser("report", help="the dashboard's figures, optionally as PDF")
    report.add_argument("--period", choices=["month", "30d", "90d", "ytd"], default="30d")
    report.add_argument("-o", "--output", type=Path, metavar="OUT.pdf")
    report.set_defaults(run=run_report)


def run_report(args) -> int:
    from smarketer import dashboard, settings
    from smarketer.money import format_money_short
    from smarketer.reports import figures_rows, write_report_pdf

    open_store(args)
    profile = settings.load_profile()
    money = lambda v: format_money_short(v, profile.currency, profile.locale)  # noqa: E731
    d = dashboard.build(dashboard.period(args.period))
    print(table(figures_rows(d, money), right={1, 2, 3}))
    print()
    print(table([["Funnel", "Count"]] + [[s, f"{v:,.0f}"] for s, v in d.funnel], right={1}))
    print()
    rows = [["Campaign", "Sent", "Deals", "Won", "Revenue"]]
    rows += [[r.name, str(r.recipients), str(r.deals), str(r.won), money(r.revenue)] for r in d.campaigns]
    print(table(rows, right={1, 2, 3, 4}) if len(rows) > 1 else "No campaigns yet.")
    if args.output:
        if not args.output.parent.is_dir():
            return fail(f"{args.output}: the folder {args.output.parent} does not exist")
        write_report_pdf(d, args.output)
        print(f"\nWrote {args.output}")
    return 0
