"""Saved contact filters: `segment list/create/delete`."""

from __future__ import annotations

from smarketer.cli.address_book import add_filter_options, filter_from, find_segment
from smarketer.cli.console import Parser, command, open_store
from smarketer.cli.output import add_json_flag, show, table
from smarketer.errors import UserError


def register(commands) -> None:
    group = command(
        commands,
        "segment",
        "saved contact filters, the audiences of campaigns",
        "smarketer segment create VIPs --tag vip --emailable",
    )
    actions = group.add_subparsers(
        dest="segment_command", metavar="ACTION", parser_class=Parser, required=True
    )
    listing = command(
        actions, "list", "every segment with its filter and size", "smarketer segment list --json"
    )
    add_json_flag(listing)
    listing.set_defaults(run=run_list)

    create = command(
        actions,
        "create",
        "save a filter under a name (the contact list's filter words)",
        "smarketer segment create 'Dublin leads' --search dublin --status lead --consent recorded",
    )
    create.add_argument("name", metavar="NAME")
    add_filter_options(create)
    create.add_argument(
        "--replace", action="store_true", help="give an existing segment of that name this filter"
    )
    create.set_defaults(run=run_create)

    delete = command(
        actions, "delete", "delete a segment; its contacts stay", "smarketer segment delete 'Dublin leads'"
    )
    delete.add_argument("name", metavar="NAME")
    delete.set_defaults(run=run_delete)


def run_list(args) -> int:
    from smarketer.contacts.saved_segments import segment_filter, segments_with_counts

    open_store(args)
    document = {
        "segments": [
            {
                "id": s.id,
                "name": s.name,
                "filter": segment_filter(s).to_json(),
                "description": segment_filter(s).describe(),
                "count": n,
                "created_at": s.created_at,
            }
            for s, n in segments_with_counts()
        ]
    }

    def text() -> str:
        rows = [["Segment", "Contacts", "Filter"]]
        rows += [[s["name"], f"{s['count']:,}", s["description"]] for s in document["segments"]]
        return (
            table(rows, right={1})
            if len(rows) > 1
            else ("No segments yet: smarketer segment create NAME --tag TAG …")
        )

    return show(args, document, text)


def run_create(args) -> int:
    from smarketer.contacts import saved_segments
    from smarketer.contacts.listing import count
    from smarketer.contacts.saved_segments import save_segment, segment_filter

    open_store(args)
    f = filter_from(args)
    existing = saved_segments.find_segment(args.name)
    if existing is not None and not args.replace:
        raise UserError(f"a segment named {existing.name!r} exists; add --replace to give it this filter")
    segment = save_segment(args.name, f)
    print(f"Saved segment {segment.name}: {f.describe()} ({count(segment_filter(segment)):,} contacts)")
    return 0


def run_delete(args) -> int:
    from smarketer.contacts.saved_segments import delete_segment, segment_filter

    open_store(args)
    segment = find_segment(args.name)
    description = segment_filter(segment).describe()
    delete_segment(segment.id)
    print(f"Deleted segment {segment.name} ({description}); its contacts stay")
    return 0
