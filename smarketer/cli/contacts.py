"""Contacts in and out: `import`, `export`."""

from __future__ import annotations

import sys
from pathlib import Path

from smarketer.cli.console import fail, open_store, progress_printer
from smarketer.cli.output import Local, show, table

DELIMITER_NAMES = {"comma": ",", ",": ",", "semicolon": ";", ";": ";", "tab": "\t", "bar": "|", "|": "|"}


def register(commands) -> None:
    imp = commands.add_parser("import", help="import contacts from a CSV or vCard file")
    imp.add_argument(
        "path", type=Path, metavar="PATH", nargs="?", help="the file to import (not with --undo or --history)"
    )
    imp.add_argument(
        "--on-duplicate",
        choices=["skip", "update", "overwrite"],
        default="skip",
        help="a contact whose email is already known: leave it (skip, default), "
        "fill its empty fields (update) or replace fields (overwrite)",
    )
    imp.add_argument("--tag", help="tag every imported contact, e.g. the fair where you met")
    imp.add_argument(
        "--encoding",
        metavar="NAME",
        help="read a CSV file in this encoding (e.g. cp1252, utf-8, cp1250) instead of the one detected",
    )
    imp.add_argument(
        "--delimiter", choices=list(DELIMITER_NAMES), help="the CSV delimiter instead of the one detected"
    )
    imp.add_argument(
        "--sheet", metavar="NAME", help="the sheet of an Excel workbook to read (the first by default)"
    )
    imp.add_argument(
        "--undo",
        action="store_true",
        help="undo the last import (contacts used since are named and kept; add --yes to undo the rest)",
    )
    imp.add_argument("--yes", action="store_true", help="with --undo: undo what can be undone")
    imp.add_argument("--history", action="store_true", help="list the latest imports")
    imp.add_argument(
        "--json", action="store_true", help="with --history: one JSON document (described in the README)"
    )
    imp.set_defaults(run=run_import)

    exp = commands.add_parser("export", help="export contacts to CSV or vCard")
    exp.add_argument("what", choices=["contacts"])
    exp.add_argument(
        "-o", "--output", type=Path, required=True, metavar="OUT", help="OUT.csv, OUT.xlsx or OUT.vcf"
    )
    exp.add_argument("--segment", metavar="NAME", help="only the contacts of this segment")
    exp.add_argument("--vcard-version", choices=["3.0", "4.0"], default="3.0")
    exp.set_defaults(run=run_export)


def run_import(args) -> int:
    from smarketer.exchange.files import plan_import, run_import

    if args.undo or args.history:
        if args.path is not None:
            return fail("--undo and --history take no file")
        if args.json and not args.history:
            return fail("--json goes with --history")
        open_store(args)
        return _undo(args) if args.undo else _history(args)
    if args.json:
        return fail("--json goes with --history")
    if args.path is None:
        return fail("import needs a file (or --undo, --history)")
    open_store(args)
    plan = plan_import(
        args.path, args.encoding, DELIMITER_NAMES[args.delimiter] if args.delimiter else None, args.sheet
    )
    if plan.kind == "xlsx" and plan.layout is not None:
        print(f"Reading sheet {plan.layout.delimiter!r} of {args.path.name}", file=sys.stderr)
    elif plan.layout is not None:
        print(f"Reading {args.path.name} as {plan.layout.describe()}", file=sys.stderr)
    summary = run_import(plan, policy=args.on_duplicate, tag=args.tag, progress=progress_printer("Read"))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"Imported {args.path.name}: {summary.text()}")
    return 0


def _history(args) -> int:
    from dataclasses import asdict

    from smarketer.exchange import history

    runs = history.history()

    def text() -> str:
        if not runs:
            return "No imports yet."
        local = Local.of_profile()
        rows = [["ID", "Imported", "File", "Created", "Updated", "Skipped", "Rejected", "Undone"]]
        rows += [
            [
                str(run.id),
                local.instant(run.started_at),
                run.source,
                *(str(n) for n in (run.created, run.updated, run.skipped, run.rejected)),
                local.instant(run.undone_at),
            ]
            for run in runs
        ]
        return table(rows, right={0, 3, 4, 5, 6})

    return show(args, {"imports": [asdict(run) for run in runs]}, text)


def _undo(args) -> int:
    from smarketer.exchange import history

    last = history.last_undoable()
    if last is None:
        return fail("there is no import to undo")
    check = history.check_undo(last.id)
    if check.used and not args.yes:
        print(
            f"{len(check.used)} contacts of {last.source} were used since the import and "
            f"would be kept as they are:\n{check.describe_used()}",
            file=sys.stderr,
        )
        return fail(f"nothing undone; run again with --undo --yes to undo the other {check.undoable}")
    done = history.undo_import(last.id, keep_used=True)
    kept = f"; {len(check.used)} used since were kept" if check.used else ""
    print(f"Undid the import of {last.source}: {done} contacts taken back{kept}")
    return 0


def run_export(args) -> int:
    from smarketer.contacts.listing import ContactFilter, contact_ids
    from smarketer.contacts.saved_segments import find_segment, segment_filter, segments_with_counts
    from smarketer.exchange.files import export_contacts

    open_store(args)
    f = ContactFilter()
    if args.segment:
        segment = find_segment(args.segment)
        if segment is None:
            names = ", ".join(s.name for s, _ in segments_with_counts()) or "none yet"
            return fail(f"no segment named {args.segment!r} (segments: {names})")
        f = segment_filter(segment)
    count = export_contacts(contact_ids(f), args.output, args.vcard_version)
    print(f"Exported {count} contacts to {args.output}")
    return 0
