"""What campaigns did: `campaign list` and the per-recipient `campaign report NAME`."""

from __future__ import annotations

from dataclasses import asdict

from smarketer.cli.console import command, found, open_store
from smarketer.cli.output import Local, add_json_flag, show, table


def find_campaign(name: str):
    from smarketer.campaigns import outbox

    return found(outbox.find_campaign(name), f"no campaign named {name!r} (see: smarketer campaign list)")


def register(actions) -> None:
    listing = actions.choices["list"]
    add_json_flag(listing)
    listing.set_defaults(run=run_list)
    report = command(
        actions,
        "report",
        "per recipient: state, sent at, reply, bounce",
        "smarketer campaign report 'Spring workshop' --json",
    )
    report.add_argument("name", metavar="NAME")
    add_json_flag(report)
    report.set_defaults(run=run_report)


def run_list(args) -> int:
    from smarketer.campaigns import outbox
    from smarketer.db.models.campaigns import Campaign
    from smarketer.db.models.campaigns import OutboxState as S

    open_store(args)
    listed = []
    for c in Campaign.select().order_by(Campaign.created_at.desc()):
        r = outbox.report(c.id)
        listed.append(
            {
                "id": c.id,
                "name": c.name,
                "status": c.status,
                "pause_reason": c.pause_reason,
                "created_at": c.created_at,
                **{str(s): r.by_state[s] for s in (S.QUEUED, S.SENT, S.FAILED, S.UNKNOWN)},
                "replies": r.replies,
            }
        )

    def text() -> str:
        rows = [["Campaign", "Status", "Queued", "Sent", "Failed", "Unknown", "Replies"]]
        rows += [
            [
                c["name"],
                c["status"] + (f" ({c['pause_reason']})" if c["pause_reason"] else ""),
                *(str(c[k]) for k in ("queued", "sent", "failed", "unknown", "replies")),
            ]
            for c in listed
        ]
        return table(rows, right={2, 3, 4, 5, 6}) if listed else "No campaigns yet."

    return show(args, {"campaigns": listed}, text)


def run_report(args) -> int:
    from smarketer.campaigns import outbox
    from smarketer.campaigns.report import recipient_lines
    from smarketer.db.models.campaigns import OutboxState

    open_store(args)
    campaign = find_campaign(args.name)
    r = outbox.report(campaign.id)
    lines = recipient_lines(campaign.id)
    document = {
        "campaign": {
            "id": campaign.id,
            "name": campaign.name,
            "status": campaign.status,
            "pause_reason": campaign.pause_reason,
            "subject": campaign.subject,
            "created_at": campaign.created_at,
            "started_at": campaign.started_at,
            "finished_at": campaign.finished_at,
        },
        "summary": {
            "recipients": r.recipients,
            "by_state": dict(sorted(r.by_state.items())),
            "replies": r.replies,
            "left_out": dict(sorted(r.excluded.items())),
            "unsubscribed_since": r.unsubscribed_since,
            "deals_opened": r.deals_opened,
            "first_sent_at": r.first_sent,
        },
        "recipients": [asdict(line) for line in lines],
    }

    def text() -> str:
        local = Local.of_profile()
        states = ", ".join(f"{n} {s}" for s, n in sorted(r.by_state.items())) or "nothing queued"
        left_out = ", ".join(f"{n} {why}" for why, n in sorted(r.excluded.items())) or "none"
        rate = f" ({r.reply_rate:.0%})" if r.reply_rate is not None else ""
        head = (
            f"{campaign.name} [{campaign.status}]: {states}. Replies: {r.replies}{rate}. "
            f"Left out: {left_out}. Unsubscribed since: {r.unsubscribed_since}. "
            f"Deals opened: {r.deals_opened}."
        )
        if not lines:
            return head + "\nNo recipients queued yet: smarketer campaign send NAME"
        rows = [["Recipient", "Email", "State", "Sent", "Replied", "Bounce / server reply"]]
        rows += [
            [
                line.name,
                line.email,
                line.state,
                local.instant(line.sent_at),
                local.instant(line.replied_at),
                line.bounce or (line.server_reply if line.state != OutboxState.SENT else ""),
            ]
            for line in lines
        ]
        return head + "\n\n" + table(rows)

    return show(args, document, text)
