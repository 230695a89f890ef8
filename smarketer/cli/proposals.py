"""Proposals: `proposal list/show/pdf/import`."""

from __future__ import annotations

from pathlib import Path

from smarketer.cli.console import Parser, fail, open_store, table


def register(commands) -> None:
    proposal = commands.add_parser("proposal", help="proposals: list, show, pdf, import")
    proposal_commands = proposal.add_subparsers(dest="proposal_command", metavar="ACTION",
                                                parser_class=Parser, required=True)
    proposal_commands.add_parser("list", help="every proposal with its status and total")
    show = proposal_commands.add_parser("show", help="lines and totals as text")
    show.add_argument("number", metavar="NUMBER")
    to_pdf = proposal_commands.add_parser("pdf", help="write the proposal as a PDF")
    to_pdf.add_argument("number", metavar="NUMBER")
    to_pdf.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    from_json = proposal_commands.add_parser("import", help="a draft from a JSON document")
    from_json.add_argument("file", type=Path, metavar="FILE.json")
    proposal.set_defaults(run=run_proposal)


def find_proposal(number: str):
    from smarketer.proposals import service

    proposal = service.find(number)
    if proposal is None:
        raise LookupError(f"no proposal {number!r} (see: smarketer proposal list)")
    return proposal


def run_proposal(args) -> int:
    from smarketer.money import format_money
    from smarketer.proposals import service

    open_store(args)
    service.expire_overdue()
    if args.proposal_command == "list":
        rows = [["Number", "Title", "Client", "Status", "Issued", "Total"]]
        for p in service.all_proposals():
            client = service.client_of(p)
            rows.append([p.label, p.title, (client.full_name or client.email) if client else "",
                         p.status, p.issue_date.isoformat(),
                         format_money(service.totals(p).total, p.currency, p.locale)])
        print(table(rows, right={5}) if len(rows) > 1 else "No proposals yet.")
        return 0
    if args.proposal_command == "import":
        from smarketer.proposals.json_import import import_proposal, load_json

        proposal = import_proposal(load_json(args.file))
        total = format_money(service.totals(proposal).total, proposal.currency, proposal.locale)
        print(f"Created draft {proposal.label}: {proposal.title} ({total})")
        return 0
    proposal = find_proposal(args.number)
    if args.proposal_command == "pdf":
        from smarketer.proposals.pdf import build_pdf

        if not args.output.parent.is_dir():
            return fail(f"{args.output}: the folder {args.output.parent} does not exist")
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
    print(table(rows, right={2, 3, 4, 5, 6}))
    print()
    summary = [["Subtotal", money(totals.subtotal)]]
    if totals.discounts:
        summary.append(["Discounts", "-" + money(totals.discounts)])
    summary += [[f"Tax {t.rate.normalize():f}% on {money(t.base)}", money(t.tax)]
                for t in totals.taxes if t.rate]
    summary.append(["Total", money(totals.total)])
    print(table(summary, right={1}))
    return 0
