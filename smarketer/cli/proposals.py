"""Proposals: `proposal list/show/pdf/import`."""

from __future__ import annotations

import sys
from pathlib import Path

from smarketer.cli.console import Parser, fail, open_store, table
from smarketer.errors import UserError


def register(commands) -> None:
    proposal = commands.add_parser("proposal", help="proposals: list, show, pdf, import")
    proposal_commands = proposal.add_subparsers(
        dest="proposal_command", metavar="ACTION", parser_class=Parser, required=True
    )
    proposal_commands.add_parser("list", help="every proposal with its status and total")
    show = proposal_commands.add_parser("show", help="lines and totals as text")
    show.add_argument("number", metavar="NUMBER")
    to_pdf = proposal_commands.add_parser("pdf", help="write the proposal as a PDF")
    to_pdf.add_argument("number", metavar="NUMBER")
    to_pdf.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    from_json = proposal_commands.add_parser("import", help="a draft from a JSON document")
    from_json.add_argument("file", type=Path, metavar="FILE.json")
    proposal.set_defaults(run=run_proposal)


def find_proposal(number: str) -> int:
    from smarketer.proposals import listing

    proposal_id = listing.find_id(number)
    if proposal_id is None:
        raise UserError(f"no proposal {number!r} (see: smarketer proposal list)")
    return proposal_id


def run_proposal(args) -> int:
    from smarketer.proposals import listing, service

    open_store(args)
    service.expire_overdue()
    if args.proposal_command == "list":
        return _list(listing.summaries())
    if args.proposal_command == "import":
        from smarketer.proposals.json_import import import_proposal, load_json

        proposal = import_proposal(load_json(args.file))
        summary = listing.summary(proposal.id)
        print(f"Created draft {summary.label}: {summary.title} ({summary.total})")
        return 0
    proposal_id = find_proposal(args.number)
    shown = listing.view(proposal_id)
    if args.proposal_command == "pdf":
        if shown.summary.problem:
            return fail(f"{shown.summary.label} cannot be priced: {shown.summary.problem}")
        from smarketer.proposals.pdf import build_pdf

        if not args.output.parent.is_dir():
            return fail(f"{args.output}: the folder {args.output.parent} does not exist")
        sent = service.sent_pdf(proposal_id)
        args.output.write_bytes(sent or build_pdf(proposal_id))
        kept = " (the exact PDF that was sent)" if sent else ""
        print(f"Wrote {shown.summary.label} to {args.output}{kept}")
        return 0
    return _show(shown)


def _list(summaries) -> int:
    if not summaries:
        print("No proposals yet.")
        return 0
    rows = [["Number", "Title", "Client", "Status", "Issued", "Total"]]
    rows += [
        [s.label, s.title, s.client, s.status, s.issued, s.total or "cannot be priced"] for s in summaries
    ]
    print(table(rows, right={5}))
    for s in summaries:
        if s.problem:
            print(f"smarketer: warning: {s.label}: {s.problem}", file=sys.stderr)
    return 0


def _show(shown) -> int:
    s = shown.summary
    print(f"{s.label}  {s.title}  [{s.status}]")
    print(
        f"Client: {s.client or '—'}   Issued {s.issued}   Valid until {shown.valid_until}   "
        f"Rounding: {shown.rounding}"
    )
    rows = [["#", "Description", "Qty", "Unit price", "Disc.", "Tax", "Amount"]]
    n = 0
    for item in shown.items:
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
    print(_plain(table(rows, right={2, 3, 4, 5, 6})))
    if s.problem:
        return fail(f"{s.label} cannot be priced: {s.problem}")
    print()
    print(_plain(table([[row.label, row.amount] for row in shown.totals], right={0, 1})))
    for note in shown.notes:
        print(note)
    return 0


def _plain(text: str) -> str:
    """Ordinary spaces for a terminal (the PDF keeps "2 days" together with no-break spaces)."""
    return text.replace("\u00a0", " ")
