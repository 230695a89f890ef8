"""Email campaigns: `campaign create/follow-up/list/send`."""

from __future__ import annotations

import sys
from pathlib import Path

import smarketer.cli.campaign_report as campaign_report
from smarketer.cli.console import Parser, fail, open_store, progress_printer
from smarketer.db import db


def register(commands) -> None:
    campaign = commands.add_parser("campaign", help="email campaigns: create, list, send")
    campaign_commands = campaign.add_subparsers(
        dest="campaign_command", metavar="ACTION", parser_class=Parser, required=True
    )
    create = campaign_commands.add_parser("create", help="a campaign from a template file")
    create.add_argument("name", metavar="NAME")
    create.add_argument("--to", required=True, metavar="SEGMENT_OR_TAG")
    create.add_argument("--template", type=Path, required=True, metavar="FILE.md")
    create.add_argument("--plain", action="store_true", help="plain text only (a 1:1 look)")
    follow = campaign_commands.add_parser(
        "follow-up", help="add a step sent N days later, in the same thread, to non-repliers"
    )
    follow.add_argument("name", metavar="NAME", help="the campaign (or step) it follows")
    follow.add_argument("--after", type=int, required=True, metavar="DAYS")
    follow.add_argument("--template", type=Path, required=True, metavar="FILE.md")
    campaign_commands.add_parser("list", help="campaigns with their figures")
    send = campaign_commands.add_parser(
        "send",
        help="send (or go on sending) a campaign; only one Smarketer sends a campaign "
        "at a time: another one says who is sending and exits 0, or waits with --wait",
    )
    send.add_argument("name", metavar="NAME")
    send.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="send without the review and question (they appear only on a terminal)",
    )
    send.add_argument(
        "--wait",
        action="store_true",
        help="if another Smarketer is sending it, wait and take over when it stops",
    )
    campaign.set_defaults(run=run_campaign)
    campaign_report.register(campaign_commands)


def run_campaign(args) -> int:
    from smarketer.campaigns import outbox, templates

    open_store(args)
    if args.campaign_command == "create":
        try:
            text = args.template.read_text(encoding="utf-8")
        except OSError as exc:
            return fail(f"{args.template}: cannot be read ({exc.strerror or exc})")
        subject, body = templates.parse_template_file(text)
        kind, audience = outbox.resolve_audience(args.to)
        with db.atomic():  # nothing is created unless all of it succeeds
            created = outbox.create_campaign(args.name, kind, audience, subject, body, args.plain)
            aud = outbox.audience(created)
            missing = outbox.missing_fields(created)
        excluded = ", ".join(f"{n} {why}" for why, n in aud.excluded.items()) or "none"
        print(
            f"Created campaign {created.name}: {len(aud.eligible)} recipients "
            f"(excluded: {excluded}; {aud.without_consent} without recorded consent)"
        )
        for _cid, name, field in missing[:10]:
            print(f"  {name} has no {field}: the template uses it without a default")
        if len(missing) > 10:
            print(f"  … and {len(missing) - 10} more; those recipients will not be sent to")
        return 0
    if args.campaign_command == "follow-up":
        parent = outbox.find_campaign(args.name)
        if parent is None:
            return fail(f"no campaign named {args.name!r} (see: smarketer campaign list)")
        try:
            text = args.template.read_text(encoding="utf-8")
        except OSError as exc:
            return fail(f"{args.template}: cannot be read ({exc.strerror or exc})")
        if text.lstrip().startswith(("---", "Subject:", "# ")):
            step_subject, body = templates.parse_template_file(text)
        else:  # no subject of its own: "Re: " the first step's
            step_subject, body = None, text
        step = outbox.create_follow_up(parent.id, args.after, body, step_subject)
        print(f"Added {step.name}: {args.after} days after {parent.name}, to those who have not replied")
        return 0
    return _send(args)


def _summary(name: str, report, result=None) -> str:
    from smarketer.db.models.campaigns import OutboxState as S

    by_state = report.by_state
    line = (
        f"{name}: {by_state[S.SENT]} sent, {by_state[S.FAILED]} failed, "
        f"{by_state[S.UNKNOWN]} unknown, {by_state[S.QUEUED]} still queued"
    )
    if result is not None and result.status == "paused":
        line += f" (paused: {result.reason})"
    return line


def _send(args) -> int:
    from smarketer.campaigns import lease, outbox, sender
    from smarketer.campaigns.errors import CampaignError
    from smarketer.db.models.campaigns import OutboxState

    campaign = outbox.find_campaign(args.name)
    if campaign is None:
        return fail(f"no campaign named {args.name!r} (see: smarketer campaign list)")
    if campaign.status in ("done", "cancelled"):
        print(
            f"{campaign.name} is {campaign.status}: nothing to send. "
            + _summary(campaign.name, outbox.report(campaign.id))
        )
        return 0 if campaign.status == "done" else 1
    recovered = outbox.recover_interrupted()
    if recovered:
        print(
            f"{recovered} message(s) were being sent when Smarketer stopped: marked unknown "
            "(check your Sent folder), not sent again."
        )
    if not args.yes and sys.stdin.isatty() and not confirm_send(campaign.id):
        print("Nothing sent.")
        return 0
    say = lambda text: print(text, file=sys.stderr)  # noqa: E731
    try:
        if campaign.status in ("draft", "scheduled"):
            outbox.start(campaign.id)
        result = sender.send_campaign(
            campaign.id, progress=progress_printer("Sent"), status=say, wait_for_lease=args.wait
        )
    except lease.CampaignBusy as exc:
        print(f"{exc} Nothing to do here (use --wait to wait for it).")
        return 0
    except CampaignError:
        now = outbox.find_campaign(args.name)
        if now is None or now.status != "done":
            raise
        print(
            f"{now.name} was finished by another Smarketer meanwhile. "  # it raced us
            + _summary(now.name, outbox.report(now.id))
        )
        return 0
    for step in outbox.due_follow_ups():  # follow-up steps whose recipients are due
        try:
            sender.send_campaign(step.id, status=say)
        except lease.CampaignBusy as exc:
            say(f"{step.name}: {exc}")
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if result.status == "lost":
        print(result.reason)
        return 0
    report = outbox.report(campaign.id)
    print(_summary(campaign.name, report, result))
    for email, reply in report.failures:
        print(f"  failed {email}: {reply}")
    return 1 if report.by_state[OutboxState.FAILED] or result.status == "paused" else 0


def confirm_send(campaign_id: int) -> bool:
    """Print the send review and ask; True when the owner answers yes."""
    from smarketer.campaigns.outbox import CampaignError
    from smarketer.campaigns.review import review_send

    review = review_send(campaign_id)
    print("\n".join(review.lines()))
    if not review.can_send:
        raise CampaignError(review.problem)
    try:
        answer = input(f"{review.confirm_text()}? [y/N] ")
    except EOFError:
        answer = ""
    return answer.strip().lower() in ("y", "yes")
