"""The deal pipeline: `deals`, `tasks`."""

from __future__ import annotations

from smarketer.cli.console import Parser, fail, open_store, table


def register(commands) -> None:
    deals = commands.add_parser("deals", help="the deal pipeline")
    deals_commands = deals.add_subparsers(dest="deals_command", metavar="ACTION",
                                          parser_class=Parser, required=True)
    deals_list = deals_commands.add_parser("list", help="open deals as a table with totals")
    deals_list.add_argument("--stage", metavar="NAME", help="only this stage (Won, Lost too)")
    deals.set_defaults(run=run_deals)

    tasks = commands.add_parser("tasks", help="overdue tasks and today's")
    tasks.set_defaults(run=run_tasks)


def run_deals(args) -> int:
    from decimal import Decimal

    from smarketer import pipeline, settings
    from smarketer.db.models import Deal
    from smarketer.money import format_money

    open_store(args)
    profile = settings.load_profile()
    money = lambda v: format_money(v, profile.currency, profile.locale)  # noqa: E731
    wanted = pipeline.open_stages()
    if args.stage:
        wanted = [s for s in pipeline.stages() if s.name.lower() == args.stage.lower()]
        if not wanted:
            names = ", ".join(s.name for s in pipeline.stages())
            return fail(f"no stage named {args.stage!r} (stages: {names})")
    rows = [["Stage", "Deal", "Contact", "Value", "Prob.", "Weighted", "Close"]]
    total = weighted = Decimal("0")
    for stage in wanted:
        for deal in Deal.select().where(Deal.stage == stage.id).order_by(Deal.position):
            p = pipeline.effective_probability(deal, stage)
            w = deal.value * p / 100
            total, weighted = total + deal.value, weighted + w
            who = deal.contact.full_name if deal.contact_id else ""
            rows.append([stage.name, deal.title, who, money(deal.value), f"{p}%", money(w),
                         deal.expected_close.isoformat() if deal.expected_close else ""])
    count = len(rows) - 1
    rows.append(["Total", f"{count} deal{'s' if count != 1 else ''}", "", money(total), "",
                 money(weighted), ""])
    print(table(rows, right={3, 4, 5}))
    return 0


def run_tasks(args) -> int:
    from smarketer import pipeline

    open_store(args)
    agenda = pipeline.agenda()
    if not (agenda.overdue or agenda.today):
        print("Nothing overdue and nothing due today.")
        return 0
    rows = [["When", "Task", "For"]]
    for label, tasks in (("overdue", agenda.overdue), ("today", agenda.today)):
        for task in tasks:
            when = task.due_date.isoformat() if label == "overdue" else f"today {task.due_time or ''}"
            rows.append([when.strip() + (" (overdue)" if label == "overdue" else ""), task.title,
                         pipeline.task_context(task)])
    print(table(rows))
    return 0
