"""Proposals: `proposal list/show/pdf/import`."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

from smarketer.cli.console import Parser, command, fail, open_store
from smarketer.cli.output import Local, add_json_flag, table
from smarketer.cli.output import show as print_document
from smarketer.errors import UserError


def register(commands) -> None:
    proposal = command(
        commands, "proposal", "proposals: list, show, pdf, import", "smarketer proposal list --json"
    )
    proposal_commands = proposal.add_subparsers(
        dest="proposal_command", metavar="ACTION", parser_class=Parser, required=True
    )
    listing = command(
        proposal_commands, "list", "every proposal with its status and total", "smarketer proposal list"
    )
    add_json_flag(listing)
    show = command(
        proposal_commands,
        "show",
        "lines and totals (P-2026-0001 is the newest revision, P-2026-0001-R1 the first)",
        "smarketer proposal show P-2026-0001 --json",
    )
    show.add_argument("number", metavar="NUMBER")
    add_json_flag(show)
    to_pdf = command(
        proposal_commands,
        "pdf",
        "write the proposal as a PDF (a sent one exactly as it was sent)",
        "smarketer proposal pdf P-2026-0001 -o offer.pdf",
    )
    to_pdf.add_argument("number", metavar="NUMBER")
    to_pdf.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    from_json = command(
        proposal_commands,
        "import",
        "a draft from a JSON document (described in the README)",
        "smarketer proposal import offer.json",
    )
    from_json.add_argument("file", type=Path, metavar="FILE.json")
    proposal.set_defaults(run=run_proposal)


def find_proposal(number: str) -> int:
    from smarketer.proposals import listing

    proposal_id = listing.find_id(number)
    if proposal_id is None:
        raise UserError(f"no proposal {number!r} (see: smarketer proposal list)")
    return proposal_id


def run_proposal(args) -> int:
    from smarketer.proposals import listing
    from smarketer.proposals.lifecycle import expire_overdue, sent_pdf

    open_store(args)
    expire_overdue()
    if args.proposal_command == "list":
        return _list(args, listing.summaries())
    if args.proposal_command == "import":
        from smarketer.proposals.json_import import import_proposal, load_json

        proposal = import_proposal(load_json(args.file))
        summary = listing.summary(proposal.id)
        print(f"Created draft {summary.label}: {summary.title} ({summary.total_text})")
        return 0
    proposal_id = find_proposal(args.number)
    shown = listing.view(proposal_id)
    if args.proposal_command == "pdf":
        if shown.summary.problem:
            return fail(f"{shown.summary.label} cannot be priced: {shown.summary.problem}")
        from smarketer.proposals.pdf import build_pdf

        if not args.output.parent.is_dir():
            return fail(f"{args.output}: the folder {args.output.parent} does not exist")
        sent = sent_pdf(proposal_id)
        args.output.write_bytes(sent or build_pdf(proposal_id))
        kept = " (the exact PDF that was sent)" if sent else ""
        print(f"Wrote {shown.summary.label} to {args.output}{kept}")
        return 0
    return _show(args, shown)


def summary_document(s) -> dict:
    """A proposal as `proposal list --json` writes it (and `proposal show --json` begins)."""
    return asdict(s)


def _list(args, summaries) -> int:
    def text() -> str:
        if not summaries:
            return "No proposals yet: smarketer proposal import FILE.json, or draft one in the app."
        local = Local.of_profile()
        rows = [["Number", "Title", "Client", "Status", "Issued", "Total"]]
        rows += [
            [
                s.label,
                s.title,
                s.client,
                s.status,
                local.day(s.issue_date),
                s.total_text or "cannot be priced",
            ]
            for s in summaries
        ]
        return table(rows, right={5})

    print_document(args, {"proposals": [summary_document(s) for s in summaries]}, text)
    for s in summaries:
        if s.problem:
            print(f"smarketer: warning: {s.label}: {s.problem}", file=sys.stderr)
    return 0


def _totals_document(totals) -> dict | None:
    if totals is None:
        return None
    return {
        "subtotal": totals.subtotal,
        "line_discounts": totals.line_discounts,
        "document_discount": totals.document_discount,
        "net": totals.net,
        "taxes": [{"rate": t.rate, "base": t.base, "tax": t.tax} for t in totals.taxes],
        "tax": totals.tax,
        "total": totals.total,
        "optional_total": totals.optional_total,
    }


def _show(args, shown) -> int:
    s = shown.summary
    document = {
        "proposal": {
            **summary_document(s),
            "rounding": shown.rounding,
            "document_discount": shown.document_discount,
            "items": [asdict(line) for line in shown.lines],
            "totals": _totals_document(shown.totals),
        }
    }

    def text() -> str:
        local = Local.of_profile()
        out = [
            f"{s.label}  {s.title}  [{s.status}]",
            f"Client: {s.client or '—'}   Issued {local.day(s.issue_date)}   "
            f"Valid until {local.day(s.valid_until)}   Rounding: {shown.rounding}",
        ]
        rows = [["#", "Description", "Qty", "Unit price", "Disc.", "Tax", "Amount"]]
        n = 0
        for item in shown.printed_items():
            if item.heading:
                rows.append(["", item.description.upper(), "", "", "", "", ""])
                continue
            n += 1
            first = (item.description.splitlines() or [""])[0]
            rows.append(
                [
                    str(n),
                    ("Optional: " if item.optional else "") + first[:50],
                    item.quantity,
                    item.unit_price,
                    item.discount,
                    item.tax_rate,
                    item.amount,
                ]
            )
        out.append(_plain(table(rows, right={2, 3, 4, 5, 6})))
        if not s.problem:
            out += ["", _plain(table([[row.label, row.amount] for row in shown.total_rows()], right={0, 1}))]
            out += shown.notes()
        return "\n".join(out)

    print_document(args, document, text)
    if s.problem:
        return fail(f"{s.label} cannot be priced: {s.problem}")
    return 0


def _plain(text: str) -> str:
    """Ordinary spaces for a terminal (the PDF keeps "2 days" together with no-break spaces)."""
    return text.replace("\u00a0", " ")
