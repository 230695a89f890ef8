"""The command line. With no sub-command it opens the app; sub-commands run headless jobs.

Every sub-command takes the global ``--db FILE``. Errors print one line to stderr and exit
non-zero: 2 for a mistake in the command itself, 1 when the work could not be done.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from smarketer import __version__, paths
from smarketer.db import StoreError
from smarketer.exchange.csv_io import UnreadableFile

EXIT_FAILED = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line, not the whole usage text."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="smarketer",
        description="Sales and marketing for the owner-operator. "
        "Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"smarketer {__version__}")
    parser.add_argument(
        "--db", type=Path, metavar="FILE",
        help=f"the database file to use (default: {paths.default_database()}); "
        "created if it does not exist",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open the app on a freshly generated demo database"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser("demo", help="write a demo database to FILE and exit")
    demo.add_argument("file", type=Path, metavar="FILE")
    demo.add_argument("--force", action="store_true", help="replace FILE if it exists")
    demo.add_argument("--seed", type=int, default=None, help="random seed (default 2026)")

    backup = commands.add_parser("backup", help="copy the database to a backup file")
    backup.add_argument("-o", "--output", type=Path, required=True, metavar="OUT")

    restore = commands.add_parser("restore", help="replace the database with a backup")
    restore.add_argument("backup", type=Path, metavar="BACKUP")
    restore.add_argument("--force", action="store_true", help="overwrite an existing database")

    imp = commands.add_parser("import", help="import contacts from a CSV or vCard file")
    imp.add_argument("path", type=Path, metavar="PATH")
    imp.add_argument("--on-duplicate", choices=["skip", "update", "overwrite"], default="skip",
                     help="a contact whose email is already known: leave it (skip, default), "
                     "fill its empty fields (update) or replace fields (overwrite)")
    imp.add_argument("--tag", help="tag every imported contact, e.g. the fair where you met")

    exp = commands.add_parser("export", help="export contacts to CSV or vCard")
    exp.add_argument("what", choices=["contacts"])
    exp.add_argument("-o", "--output", type=Path, required=True, metavar="OUT",
                     help="OUT.csv or OUT.vcf")
    exp.add_argument("--segment", metavar="NAME", help="only the contacts of this segment")
    exp.add_argument("--vcard-version", choices=["3.0", "4.0"], default="3.0")

    deals = commands.add_parser("deals", help="the deal pipeline")
    deals_commands = deals.add_subparsers(dest="deals_command", metavar="ACTION",
                                          parser_class=_Parser, required=True)
    deals_list = deals_commands.add_parser("list", help="open deals as a table with totals")
    deals_list.add_argument("--stage", metavar="NAME", help="only this stage (Won, Lost too)")

    commands.add_parser("tasks", help="overdue tasks and today's")

    proposal = commands.add_parser("proposal", help="proposals: list, show, pdf, import")
    proposal_commands = proposal.add_subparsers(dest="proposal_command", metavar="ACTION",
                                                parser_class=_Parser, required=True)
    proposal_commands.add_parser("list", help="every proposal with its status and total")
    show = proposal_commands.add_parser("show", help="lines and totals as text")
    show.add_argument("number", metavar="NUMBER")
    to_pdf = proposal_commands.add_parser("pdf", help="write the proposal as a PDF")
    to_pdf.add_argument("number", metavar="NUMBER")
    to_pdf.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    from_json = proposal_commands.add_parser("import", help="a draft from a JSON document")
    from_json.add_argument("file", type=Path, metavar="FILE.json")

    smtp = commands.add_parser("smtp", help="the email account campaigns are sent from")
    smtp_commands = smtp.add_subparsers(dest="smtp_command", metavar="ACTION",
                                        parser_class=_Parser, required=True)
    smtp_set = smtp_commands.add_parser(
        "set", help="set the account; the password comes from a prompt or "
        "SMARKETER_SMTP_PASSWORD and goes to the OS keyring")
    smtp_set.add_argument("--host", required=True)
    smtp_set.add_argument("--port", type=int, required=True)
    smtp_set.add_argument("--security", choices=["ssl", "starttls", "none"], required=True)
    smtp_set.add_argument("--username", default="")
    smtp_set.add_argument("--from", dest="from_address", required=True, metavar="ADDR")
    smtp_set.add_argument("--from-name", default="", metavar="N")
    smtp_set.add_argument("--rate", type=int, default=None, help="messages per minute")
    smtp_set.add_argument("--daily-cap", type=int, default=None)

    campaign = commands.add_parser("campaign", help="email campaigns: create, list, send")
    campaign_commands = campaign.add_subparsers(dest="campaign_command", metavar="ACTION",
                                                parser_class=_Parser, required=True)
    create = campaign_commands.add_parser("create", help="a campaign from a template file")
    create.add_argument("name", metavar="NAME")
    create.add_argument("--to", required=True, metavar="SEGMENT_OR_TAG")
    create.add_argument("--template", type=Path, required=True, metavar="FILE.md")
    create.add_argument("--plain", action="store_true", help="plain text only (a 1:1 look)")
    follow = campaign_commands.add_parser(
        "follow-up", help="add a step sent N days later, in the same thread, to non-repliers")
    follow.add_argument("name", metavar="NAME", help="the campaign (or step) it follows")
    follow.add_argument("--after", type=int, required=True, metavar="DAYS")
    follow.add_argument("--template", type=Path, required=True, metavar="FILE.md")
    campaign_commands.add_parser("list", help="campaigns with their figures")
    send = campaign_commands.add_parser("send", help="send (or go on sending) a campaign")
    send.add_argument("name", metavar="NAME")

    inbox = commands.add_parser("inbox", help="read replies, bounces and unsubscribes")
    inbox_commands = inbox.add_subparsers(dest="inbox_command", metavar="ACTION",
                                          parser_class=_Parser, required=True)
    inbox_set = inbox_commands.add_parser(
        "set", help="set the IMAP account; the password comes from a prompt or "
        "SMARKETER_IMAP_PASSWORD and goes to the OS keyring")
    inbox_set.add_argument("--host", required=True)
    inbox_set.add_argument("--port", type=int, required=True)
    inbox_set.add_argument("--security", choices=["ssl", "starttls", "none"], required=True)
    inbox_set.add_argument("--username", required=True)
    inbox_set.add_argument("--folder", action="append", dest="folders", metavar="NAME",
                           help="a folder to read (repeat for more; default INBOX)")
    inbox_commands.add_parser("sync", help="read new messages now")

    report = commands.add_parser("report", help="the dashboard's figures, optionally as PDF")
    report.add_argument("--period", choices=["month", "30d", "90d", "ytd"], default="30d")
    report.add_argument("-o", "--output", type=Path, metavar="OUT.pdf")
    return parser


def _fail(message: str) -> int:
    print(f"smarketer: error: {message}", file=sys.stderr)
    return EXIT_FAILED


def _cmd_demo(args) -> int:
    from smarketer import demo

    seed = demo.DEFAULT_SEED if args.seed is None else args.seed
    path = demo.write_demo(args.file, seed=seed, force=args.force)
    print(f"Wrote a demo database to {path}")
    return 0


def _cmd_backup(args) -> int:
    from smarketer.backup import backup_file

    out = backup_file(args.db or paths.default_database(), args.output)
    print(f"Backed up to {out}")
    return 0


def _cmd_restore(args) -> int:
    from smarketer.backup import restore

    target = args.db or paths.default_database()
    kept = restore(args.backup, target, force=args.force)
    print(f"Restored {target} from {args.backup}")
    if kept:
        print(f"The replaced database was kept as {kept}")
    return 0


def _open_store(args) -> Path:
    from smarketer.db import open_database

    path = args.db or paths.default_database()
    open_database(path, backup_dir=paths.backup_dir())
    return path


def _progress_printer(label: str):
    interactive = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        if interactive:
            print(f"\r{label} {done:,} of {total:,}", end="", file=sys.stderr, flush=True)

    return show


def _cmd_import(args) -> int:
    from smarketer.exchange.files import plan_import, run_import

    _open_store(args)
    plan = plan_import(args.path)
    summary = run_import(plan, policy=args.on_duplicate, tag=args.tag,
                         progress=_progress_printer("Read"))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"Imported {args.path.name}: {summary.text()}")
    return 0


def _cmd_export(args) -> int:
    from smarketer import contacts
    from smarketer.exchange.files import export_contacts

    _open_store(args)
    f = contacts.ContactFilter()
    if args.segment:
        segment = contacts.find_segment(args.segment)
        if segment is None:
            names = ", ".join(s.name for s, _ in contacts.segments_with_counts()) or "none yet"
            return _fail(f"no segment named {args.segment!r} (segments: {names})")
        f = contacts.segment_filter(segment)
    count = export_contacts(contacts.contact_ids(f), args.output, args.vcard_version)
    print(f"Exported {count} contacts to {args.output}")
    return 0


def _table(rows: list[list[str]], right: set[int] = frozenset()) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.rjust(w) if i in right else cell.ljust(w)
                  for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
        for row in rows)


def _cmd_deals(args) -> int:
    from decimal import Decimal

    from smarketer import pipeline, settings
    from smarketer.db.models import Deal
    from smarketer.money import format_money

    _open_store(args)
    profile = settings.load_profile()
    money = lambda v: format_money(v, profile.currency, profile.locale)  # noqa: E731
    wanted = pipeline.open_stages()
    if args.stage:
        wanted = [s for s in pipeline.stages() if s.name.lower() == args.stage.lower()]
        if not wanted:
            names = ", ".join(s.name for s in pipeline.stages())
            return _fail(f"no stage named {args.stage!r} (stages: {names})")
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
    print(_table(rows, right={3, 4, 5}))
    return 0


def _cmd_tasks(args) -> int:
    from smarketer import pipeline

    _open_store(args)
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
    print(_table(rows))
    return 0


def _find_proposal(number: str):
    from smarketer.proposals import service

    proposal = service.find(number)
    if proposal is None:
        raise LookupError(f"no proposal {number!r} (see: smarketer proposal list)")
    return proposal


def _cmd_proposal(args) -> int:
    from smarketer.money import format_money
    from smarketer.proposals import service

    _open_store(args)
    service.expire_overdue()
    if args.proposal_command == "list":
        rows = [["Number", "Title", "Client", "Status", "Issued", "Total"]]
        for p in service.all_proposals():
            client = service.client_of(p)
            rows.append([p.label, p.title, (client.full_name or client.email) if client else "",
                         p.status, p.issue_date.isoformat(),
                         format_money(service.totals(p).total, p.currency, p.locale)])
        print(_table(rows, right={5}) if len(rows) > 1 else "No proposals yet.")
        return 0
    if args.proposal_command == "import":
        from smarketer.proposals.json_import import import_proposal, load_json

        proposal = import_proposal(load_json(args.file))
        total = format_money(service.totals(proposal).total, proposal.currency, proposal.locale)
        print(f"Created draft {proposal.label}: {proposal.title} ({total})")
        return 0
    proposal = _find_proposal(args.number)
    if args.proposal_command == "pdf":
        from smarketer.proposals.pdf import build_pdf

        if not args.output.parent.is_dir():
            return _fail(f"{args.output}: the folder {args.output.parent} does not exist")
        data = service.sent_pdf(proposal.id) or build_pdf(proposal.id)
        args.output.write_bytes(data)
        kept = " (the exact PDF that was sent)" if service.sent_pdf(proposal.id) else ""
        print(f"Wrote {proposal.label} to {args.output}{kept}")
        return 0
    totals = service.totals(proposal)
    money = lambda v: format_money(v, proposal.currency, proposal.locale)  # noqa: E731
    client = service.client_of(proposal)
    print(f"{proposal.label}  {proposal.title}  [{proposal.status}]")
    print(f"Client: {(client.full_name or client.email) if client else '—'}   "
          f"Issued {proposal.issue_date}   Valid until {proposal.valid_until}   "
          f"Rounding: {proposal.rounding}")
    rows = [["#", "Description", "Qty", "Unit price", "Disc.", "Tax", "Amount"]]
    n = 0
    for item, amounts in zip(service.items(proposal.id), totals.lines, strict=True):
        if item.kind == "heading":
            rows.append(["", item.description.upper(), "", "", "", "", ""])
            continue
        n += 1
        rows.append([str(n), item.description.splitlines()[0][:50] +
                     (" (optional)" if item.optional else ""),
                     f"{item.quantity.normalize():f} {item.unit}".strip(),
                     money(item.unit_price), f"{item.discount.normalize():f}%",
                     f"{item.tax_rate.normalize():f}%", money(amounts.net)])
    print(_table(rows, right={2, 3, 4, 5, 6}))
    print()
    summary = [["Subtotal", money(totals.subtotal)]]
    if totals.discounts:
        summary.append(["Discounts", "-" + money(totals.discounts)])
    summary += [[f"Tax {t.rate.normalize():f}% on {money(t.base)}", money(t.tax)]
                for t in totals.taxes if t.rate]
    summary.append(["Total", money(totals.total)])
    print(_table(summary, right={1}))
    return 0


def _store_password(account) -> int:
    """The password from the account's variable or a prompt, into the keyring."""
    import getpass
    import os

    from smarketer.passwords import store_password

    env = account.password_env
    password = os.environ.get(env)
    if password is None:
        if not sys.stdin.isatty():
            return _fail(f"no password: type it at the prompt or set {env}")
        password = getpass.getpass(f"Password for {account.username} at {account.host}: ")
    if store_password(account, password):
        print("The password is in the system keyring.")
    else:
        print(f"No system keyring here: the password was not stored. Set {env} when using "
              "the command line.")
    return 0


def _cmd_smtp(args) -> int:

    from smarketer.campaigns import account as smtp

    _open_store(args)
    current = smtp.load_account()
    wanted = smtp.SmtpAccount(
        host=args.host, port=args.port, security=args.security, username=args.username,
        from_address=args.from_address, from_name=args.from_name,
        reply_to=current.reply_to, unsubscribe_url=current.unsubscribe_url,
        rate_per_minute=args.rate or current.rate_per_minute,
        daily_cap=args.daily_cap or current.daily_cap,
        only_with_consent=current.only_with_consent)
    saved = smtp.save_account(wanted)
    if saved.username and _store_password(saved):
        return EXIT_FAILED
    print(f"Email account set: {saved.from_address} via {saved.host}:{saved.port} "
          f"({saved.security})")
    return 0


def _cmd_campaign(args) -> int:
    from smarketer.campaigns import outbox, sender, templates

    _open_store(args)
    if args.campaign_command == "create":
        try:
            text = args.template.read_text(encoding="utf-8")
        except OSError as exc:
            return _fail(f"{args.template}: cannot be read ({exc.strerror or exc})")
        subject, body = templates.parse_template_file(text)
        kind, audience = outbox.resolve_audience(args.to)
        created = outbox.create_campaign(args.name, kind, audience, subject, body, args.plain)
        aud = outbox.audience(created)
        excluded = ", ".join(f"{n} {why}" for why, n in aud.excluded.items()) or "none"
        print(f"Created campaign {created.name}: {len(aud.eligible)} recipients "
              f"(excluded: {excluded}; {aud.without_consent} without recorded consent)")
        for _cid, name, missing in outbox.missing_fields(created)[:10]:
            print(f"  {name} has no {missing}: the template uses it without a default")
        return 0
    if args.campaign_command == "follow-up":
        parent = outbox.find_campaign(args.name)
        if parent is None:
            return _fail(f"no campaign named {args.name!r} (see: smarketer campaign list)")
        try:
            text = args.template.read_text(encoding="utf-8")
        except OSError as exc:
            return _fail(f"{args.template}: cannot be read ({exc.strerror or exc})")
        subject, body = templates.parse_template_file(text) if text.lstrip().startswith(
            ("---", "Subject:", "# ")) else (None, text)
        step = outbox.create_follow_up(parent.id, args.after, body, subject)
        print(f"Added {step.name}: {args.after} days after {parent.name}, to those who have "
              "not replied")
        return 0
    if args.campaign_command == "list":
        from smarketer.db.models import Campaign

        rows = [["Campaign", "Status", "Queued", "Sent", "Failed", "Unknown", "Replies"]]
        for c in Campaign.select().order_by(Campaign.created_at.desc()):
            r = outbox.report(c.id)
            rows.append([c.name, c.status + (f" ({c.pause_reason})" if c.pause_reason else ""),
                         str(r.by_state["queued"]), str(r.by_state["sent"]),
                         str(r.by_state["failed"]), str(r.by_state["unknown"]),
                         str(r.replies)])
        print(_table(rows, right={2, 3, 4, 5, 6}) if len(rows) > 1 else "No campaigns yet.")
        return 0
    campaign = outbox.find_campaign(args.name)
    if campaign is None:
        return _fail(f"no campaign named {args.name!r} (see: smarketer campaign list)")
    recovered = outbox.recover_interrupted()
    if recovered:
        print(f"{recovered} message(s) were being sent when Smarketer stopped: marked unknown "
              "(check your Sent folder), not sent again.")
    if campaign.status in ("draft", "scheduled"):
        outbox.start(campaign.id)
    result = sender.send_campaign(campaign.id, progress=_progress_printer("Sent"),
                                  status=lambda text: print(text, file=sys.stderr))
    for step in outbox.due_follow_ups():  # follow-up steps whose recipients are due
        sender.send_campaign(step.id, status=lambda text: print(text, file=sys.stderr))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    report = outbox.report(campaign.id)
    print(f"{campaign.name}: {report.by_state['sent']} sent, {report.by_state['failed']} failed, "
          f"{report.by_state['unknown']} unknown, {report.by_state['queued']} still queued"
          + (f" (paused: {result.reason})" if result.status == "paused" else ""))
    for email, reply in report.failures:
        print(f"  failed {email}: {reply}")
    return 1 if report.by_state["failed"] or result.status == "paused" else 0


def _cmd_inbox(args) -> int:

    from smarketer.campaigns import account as smtp
    from smarketer.inbox import account as imap
    from smarketer.inbox import process
    from smarketer.inbox.sync import InboxUnavailable, sync

    _open_store(args)
    if args.inbox_command == "set":
        saved = imap.save_imap_account(imap.ImapAccount(
            host=args.host, port=args.port, security=args.security, username=args.username,
            folders=tuple(args.folders or ("INBOX",))))
        if _store_password(saved):
            return EXIT_FAILED
        print(f"Inbox set: {saved.username} at {saved.host}:{saved.port} ({saved.security}), "
              f"folders {', '.join(saved.folders)}")
        return 0
    account = imap.load_imap_account()
    if not account.configured:
        return _fail("no inbox account yet: smarketer inbox set --host … --username …")
    password = smtp.get_password(account)
    try:
        result = sync(account, password)
    except InboxUnavailable as exc:
        return _fail(str(exc))
    print(result.text())
    for message in process.to_confirm():
        print(f"  to confirm: {message.from_address} wrote “{message.snippet[:60]}” "
              "(an opt-out? confirm in the app)")
    return 0


def _cmd_report(args) -> int:
    from smarketer import dashboard, settings
    from smarketer.money import format_money_short
    from smarketer.reports import figures_rows, write_report_pdf

    _open_store(args)
    profile = settings.load_profile()
    money = lambda v: format_money_short(v, profile.currency, profile.locale)  # noqa: E731
    d = dashboard.build(dashboard.period(args.period))
    print(_table(figures_rows(d, money), right={1, 2, 3}))
    print()
    print(_table([["Funnel", "Count"]] + [[s, f"{v:,.0f}"] for s, v in d.funnel], right={1}))
    print()
    rows = [["Campaign", "Sent", "Deals", "Won", "Revenue"]]
    rows += [[r.name, str(r.recipients), str(r.deals), str(r.won), money(r.revenue)]
             for r in d.campaigns]
    print(_table(rows, right={1, 2, 3, 4}) if len(rows) > 1 else "No campaigns yet.")
    if args.output:
        if not args.output.parent.is_dir():
            return _fail(f"{args.output}: the folder {args.output.parent} does not exist")
        write_report_pdf(d, args.output)
        print(f"\nWrote {args.output}")
    return 0


COMMANDS = {"demo": _cmd_demo, "backup": _cmd_backup, "restore": _cmd_restore,
            "import": _cmd_import, "export": _cmd_export, "deals": _cmd_deals,
            "tasks": _cmd_tasks, "proposal": _cmd_proposal, "smtp": _cmd_smtp,
            "campaign": _cmd_campaign, "report": _cmd_report, "inbox": _cmd_inbox}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from smarketer.logs import setup_logging

    setup_logging()
    if args.command is None:
        from smarketer.ui.app import run_app

        return run_app(db_path=args.db, demo=args.demo)
    try:
        return COMMANDS[args.command](args)
    except (StoreError, UnreadableFile, LookupError) as exc:
        return _fail(str(exc))
    except ValueError as exc:  # ProposalError, PricingError, CampaignError …: a clear reason
        return _fail(str(exc))
    except RuntimeError as exc:  # PasswordUnavailable
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    except KeyboardInterrupt:
        return _fail("interrupted")
