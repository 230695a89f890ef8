"""The deal pipeline: `deals list`, `deal create/show/move/won/lost`, `stages list`, `tasks`,
`task add/done/snooze/list`."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal

from smarketer.cli.console import Parser, command, found, open_store
from smarketer.cli.output import Local, add_json_flag, fields_table, show, table
from smarketer.errors import UserError


def a_date(text: str) -> date:
    """An ISO date (2026-03-31), or today / tomorrow; argparse turns a ValueError into exit 2."""
    words = {"today": 0, "tomorrow": 1}
    if text.lower() in words:
        from datetime import timedelta

        return date.today() + timedelta(days=words[text.lower()])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-31") from None


def an_amount(text: str) -> Decimal:
    """A plain decimal amount (1250.50), whatever the business's locale: scripts stay portable."""
    from decimal import InvalidOperation

    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount like 1250.50") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount like 1250.50")
    return value


def days(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if not 1 <= number <= 365:
        raise argparse.ArgumentTypeError("give 1 to 365 days")
    return number


def find_deal(key: str):
    from smarketer.pipeline.deals import find_deal as deals_find_deal

    return found(deals_find_deal(key), f"no deal {key!r} (see: smarketer deals list)")


def find_stage(name: str):
    from smarketer.pipeline.stage_list import find_stage as stage_list_find_stage
    from smarketer.pipeline.stage_list import stages as stage_list_stages

    return found(
        stage_list_find_stage(name),
        lambda: f"no stage named {name!r} (stages: {', '.join(s.name for s in stage_list_stages())})",
    )


def find_task(task_id: int):
    from smarketer.pipeline.tasks import find_task as tasks_find_task

    return found(tasks_find_task(task_id), f"no task {task_id} (see: smarketer task list)")


def register(commands) -> None:
    deals = command(
        commands,
        "deals",
        "the deal pipeline: list, create, show, move, won, lost",
        "smarketer deal create 'Website' --contact zoe@example.com --value 4800",
        aliases=["deal"],
    )
    actions = deals.add_subparsers(dest="deals_command", metavar="ACTION", parser_class=Parser, required=True)
    listing = command(
        actions, "list", "open deals as a table with totals", "smarketer deals list --stage Proposal --json"
    )
    listing.add_argument("--stage", metavar="NAME", help="only this stage (Won, Lost too)")
    add_json_flag(listing)
    listing.set_defaults(run=run_deals)

    create = command(
        actions,
        "create",
        "a new deal in the first stage (or --stage)",
        "smarketer deal create 'Website refresh' --contact zoe@example.com --value 4800 --close 2026-03-31",
    )
    create.add_argument("title", metavar="TITLE")
    create.add_argument("--contact", metavar="ID|EMAIL")
    create.add_argument("--company", metavar="NAME", default="")
    create.add_argument(
        "--value",
        type=an_amount,
        default=Decimal("0"),
        metavar="AMOUNT",
        help="e.g. 4800 or 1250.50 (a dot for decimals, whatever the locale)",
    )
    create.add_argument(
        "--probability", type=int, metavar="PERCENT", help="the chance to win; default: the stage's"
    )
    create.add_argument("--stage", metavar="NAME")
    create.add_argument("--close", type=a_date, metavar="DATE", help="expected close date")
    create.add_argument("--source", default="", metavar="TEXT")
    create.add_argument("--notes", default="", metavar="TEXT")
    create.set_defaults(run=run_create)

    shown = command(
        actions, "show", "a deal: fields, stage history and tasks", "smarketer deal show 7 --json"
    )
    shown.add_argument("key", metavar="ID|TITLE")
    add_json_flag(shown)
    shown.set_defaults(run=run_show)

    move = command(actions, "move", "move a deal to another stage", "smarketer deal move 7 Negotiation")
    move.add_argument("key", metavar="ID|TITLE")
    move.add_argument("stage", metavar="STAGE")
    move.add_argument("--reason", default="", help="why it was lost (a move to Lost)")
    move.set_defaults(run=run_move)

    for outcome, summary, example in (
        ("won", "the deal is won", "smarketer deal won 7 --value 5200"),
        ("lost", "the deal is lost, and why", "smarketer deal lost 7 --reason 'Chose a competitor'"),
    ):
        close = command(actions, outcome, summary, example)
        close.add_argument("key", metavar="ID|TITLE")
        if outcome == "won":
            close.add_argument("--value", type=an_amount, metavar="AMOUNT", help="the final value")
        else:
            close.add_argument("--reason", required=True, help="e.g. Price too high, No budget")
        close.set_defaults(run=run_close, outcome=outcome)

    stages = command(commands, "stages", "the pipeline's stages", "smarketer stages list --json")
    stage_actions = stages.add_subparsers(
        dest="stages_command", metavar="ACTION", parser_class=Parser, required=True
    )
    stage_list = command(
        stage_actions, "list", "stages in board order with their deals", "smarketer stages list"
    )
    add_json_flag(stage_list)
    stage_list.set_defaults(run=run_stages)

    tasks = command(commands, "tasks", "overdue tasks and today's", "smarketer tasks --json")
    add_json_flag(tasks)
    tasks.set_defaults(run=run_tasks)

    task = command(
        commands,
        "task",
        "tasks: add, done, snooze, list",
        "smarketer task add 'Call back' --due tomorrow --deal 7",
    )
    task_actions = task.add_subparsers(
        dest="task_command", metavar="ACTION", parser_class=Parser, required=True
    )
    add = command(
        task_actions,
        "add",
        "a task for a deal or a contact",
        "smarketer task add 'Send the quote' --due 2026-03-02 --time 09:30 --contact zoe@example.com",
    )
    add.add_argument("title", metavar="TITLE")
    add.add_argument(
        "--due", type=a_date, required=True, metavar="DATE", help="2026-03-02, today or tomorrow"
    )
    add.add_argument("--time", metavar="HH:MM")
    add.add_argument("--deal", metavar="ID|TITLE")
    add.add_argument("--contact", metavar="ID|EMAIL")
    add.set_defaults(run=run_task_add)
    done = command(task_actions, "done", "mark a task done", "smarketer task done 12")
    done.add_argument("task_id", type=int, metavar="ID")
    done.set_defaults(run=run_task_done)
    snooze = command(task_actions, "snooze", "push a task to later", "smarketer task snooze 12 --days 3")
    snooze.add_argument("task_id", type=int, metavar="ID")
    snooze.add_argument("--days", type=days, default=1, help="1 to 365 (default 1)")
    snooze.set_defaults(run=run_task_snooze)
    task_list = command(
        task_actions,
        "list",
        "overdue tasks and today's (as `tasks`)",
        "smarketer task list --upcoming --json",
    )
    task_list.add_argument("--upcoming", action="store_true", help="the next 7 days too")
    add_json_flag(task_list)
    task_list.set_defaults(run=run_tasks)


def deal_document(deal, stage) -> dict:
    from smarketer.pipeline.deals import effective_probability

    p = effective_probability(deal, stage)
    return {
        "id": deal.id,
        "title": deal.title,
        "stage": stage.name,
        "stage_kind": stage.kind,
        "contact_id": deal.contact_id,
        "contact": deal.contact.full_name or deal.contact.email if deal.contact_id else "",
        "company": deal.company.name if deal.company_id else "",
        "value": deal.value,
        "probability": p,
        "weighted": deal.value * p / 100,
        "expected_close": deal.expected_close,
    }


def run_deals(args) -> int:
    from smarketer.pipeline.deals import deals_in_stage
    from smarketer.pipeline.stage_list import open_stages

    open_store(args)
    local = Local.of_profile()
    wanted = open_stages()
    if args.stage:
        wanted = [find_stage(args.stage)]
    listed = [deal_document(deal, stage) for stage in wanted for deal in deals_in_stage(stage.id)]
    total = sum((d["value"] for d in listed), Decimal("0"))
    weighted = sum((d["weighted"] for d in listed), Decimal("0"))
    document = {"currency": local.currency, "deals": listed, "total": total, "weighted": weighted}

    def text() -> str:
        rows = [["Stage", "Deal", "Contact", "Value", "Prob.", "Weighted", "Close"]]
        rows += [
            [
                d["stage"],
                d["title"],
                d["contact"],
                local.money(d["value"]),
                f"{d['probability']}%",
                local.money(d["weighted"]),
                local.day(d["expected_close"]),
            ]
            for d in listed
        ]
        count = len(listed)
        rows.append(
            [
                "Total",
                f"{count} deal{'s' if count != 1 else ''}",
                "",
                local.money(total),
                "",
                local.money(weighted),
                "",
            ]
        )
        return table(rows, right={3, 4, 5})

    return show(args, document, text)


def run_create(args) -> int:
    from smarketer.pipeline.deals import DealData, save_deal

    open_store(args)
    contact_id = None
    if args.contact:
        from smarketer.cli.address_book import find_contact

        contact_id = find_contact(args.contact).id
    stage_id = None
    if args.stage:
        stage = find_stage(args.stage)
        if stage.kind != "open":
            raise UserError(
                f"a new deal starts in an open stage; create it, then: smarketer "
                f"deal {'won' if stage.kind == 'won' else 'lost'} ID"
            )
        stage_id = stage.id
    deal = save_deal(
        DealData(
            title=args.title,
            contact_id=contact_id,
            company=args.company,
            value=args.value,
            probability=args.probability,
            stage_id=stage_id,
            expected_close=args.close,
            source=args.source,
            notes=args.notes,
        )
    )
    local = Local.of_profile()
    print(f"Created deal {deal.id}: {deal.title} ({deal.stage.name}, {local.money(deal.value)})")
    return 0


def run_show(args) -> int:
    from smarketer.pipeline.deals import history
    from smarketer.pipeline.tasks import tasks_of_deal

    open_store(args)
    deal = find_deal(args.key)
    stage = deal.stage
    document = {
        "deal": {
            **deal_document(deal, stage),
            "source": deal.source,
            "notes": deal.notes,
            "lost_reason": deal.lost_reason,
            "created_at": deal.created_at,
            "stage_entered_at": deal.stage_entered_at,
            "closed_at": deal.closed_at,
            "history": [
                {
                    "at": c.changed_at,
                    "from": c.from_stage.name if c.from_stage else None,
                    "to": c.to_stage.name,
                }
                for c in history(deal.id)
            ],
            "tasks": [task_document(t) for t in tasks_of_deal(deal.id)],
        }
    }

    def text() -> str:
        d = document["deal"]
        local = Local.of_profile()
        pairs = [
            ("Stage", d["stage"] + (f" ({d['lost_reason']})" if d["lost_reason"] else "")),
            ("Contact", d["contact"]),
            ("Company", d["company"]),
            ("Value", local.money(d["value"])),
            ("Probability", f"{d['probability']}% (weighted {local.money(d['weighted'])})"),
            ("Expected close", local.day(d["expected_close"])),
            ("Source", d["source"]),
            ("Notes", d["notes"]),
            ("Opened", local.instant(d["created_at"])),
            ("Closed", local.instant(d["closed_at"])),
        ]
        lines = [f"Deal {d['id']}: {d['title']}", fields_table([p for p in pairs if p[1]]), "", "History"]
        lines += [f"  {local.instant(h['at'])}  {h['from'] or 'new'} → {h['to']}" for h in d["history"]]
        lines += ["", "Tasks"]
        lines += [
            f"  {t['id']}  {local.day(t['due_date'])} {t['due_time'] or ''}".rstrip()
            + f"  {t['title']}{' (done)' if t['done_at'] else ''}"
            for t in d["tasks"]
        ] or ["  None."]
        return "\n".join(lines)

    return show(args, document, text)


def _moved(deal) -> int:
    local = Local.of_profile()
    print(f"Deal {deal.id} {deal.title}: now {deal.stage.name} ({local.money(deal.value)})")
    return 0


def run_move(args) -> int:
    from smarketer.pipeline.deals import move_deal

    open_store(args)
    deal, stage = find_deal(args.key), find_stage(args.stage)
    return _moved(move_deal(deal.id, stage.id, lost_reason=args.reason))


def run_close(args) -> int:
    """`deal won` (at its final value, if given) and `deal lost` (with the reason)."""
    from smarketer.pipeline.deals import DealData, mark_lost, mark_won, validate_deal
    from smarketer.pipeline.errors import DealInvalid

    open_store(args)
    deal = find_deal(args.key)
    if args.outcome == "lost":
        return _moved(mark_lost(deal.id, args.reason))
    value = None
    if args.value is not None:
        clean, errors, _ = validate_deal(DealData(title=deal.title, value=args.value))
        if errors:
            raise DealInvalid(errors)
        value = Decimal(clean.value)
    return _moved(mark_won(deal.id, value))


def run_stages(args) -> int:
    from smarketer.pipeline.deals import deal_counts_by_stage
    from smarketer.pipeline.stage_list import stages as stage_list_stages

    open_store(args)
    counts = deal_counts_by_stage()
    listed = [(s, counts.get(s.id, 0)) for s in stage_list_stages()]
    document = {
        "stages": [
            {"id": s.id, "name": s.name, "kind": s.kind, "probability": s.probability, "deals": n}
            for s, n in listed
        ]
    }

    def text() -> str:
        rows = [["Stage", "Kind", "Prob.", "Deals"]]
        rows += [[s.name, s.kind, f"{s.probability}%", f"{n:,}"] for s, n in listed]
        return table(rows, right={2, 3})

    return show(args, document, text)


def task_document(task) -> dict:
    return {
        "id": task.id,
        "title": task.title,
        "due_date": task.due_date,
        "due_time": task.due_time,
        "deal_id": task.deal_id,
        "contact_id": task.contact_id,
        "done_at": task.done_at,
    }


def run_tasks(args) -> int:
    from smarketer.pipeline.tasks import agenda as tasks_agenda

    open_store(args)
    agenda = tasks_agenda()
    groups = [("overdue", agenda.overdue), ("today", agenda.today)]
    if getattr(args, "upcoming", False):
        groups.append(("upcoming", agenda.upcoming))
    document = {name: [{**task_document(t), "for": t.context} for t in tasks] for name, tasks in groups}

    def text() -> str:
        if not any(document.values()):
            return "Nothing overdue and nothing due today."
        local = Local.of_profile()
        rows = [["ID", "When", "Task", "For"]]
        for name, tasks in document.items():
            for t in tasks:
                when = {
                    "overdue": f"{local.day(t['due_date'])} (overdue)",
                    "today": f"today {t['due_time'] or ''}".strip(),
                }.get(name, f"{local.day(t['due_date'])} {t['due_time'] or ''}".strip())
                rows.append([str(t["id"]), when, t["title"], t["for"]])
        return table(rows, right={0})

    return show(args, document, text)


def run_task_add(args) -> int:
    from smarketer.pipeline.tasks import add_task

    open_store(args)
    deal_id = find_deal(args.deal).id if args.deal else None
    contact_id = None
    if args.contact:
        from smarketer.cli.address_book import find_contact

        contact_id = find_contact(args.contact).id
    task = add_task(args.title, args.due, deal_id=deal_id, contact_id=contact_id, due_time=args.time)
    local = Local.of_profile()
    print(
        f"Added task {task.id}: {task.title}, due {local.day(task.due_date)}"
        + (f" {task.due_time}" if task.due_time else "")
    )
    return 0


def run_task_done(args) -> int:
    from smarketer.pipeline.tasks import complete_task

    open_store(args)
    task = find_task(args.task_id)
    complete_task(task.id)
    print(f"Done: {task.title}")
    return 0


def run_task_snooze(args) -> int:
    from smarketer.pipeline.tasks import snooze_task

    open_store(args)
    task = find_task(args.task_id)
    new = snooze_task(task.id, args.days)
    print(f"Snoozed {task.title} to {Local.of_profile().day(new)}")
    return 0
