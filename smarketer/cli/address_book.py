"""The address book: `contacts list/show/add/edit/note/tag/untag/delete/restore`."""

from __future__ import annotations

import argparse

from smarketer.cli.console import Parser, command, found, open_store
from smarketer.cli.output import Local, add_json_flag, fields_table, show, stream, table
from smarketer.errors import UserError

PAGE = 500  # contacts read per query when listing


def add_filter_options(parser, *, segment: bool = True) -> None:
    """The contact list's filter words, shared by `contacts list` and `segment create`."""
    if segment:
        parser.add_argument("--segment", metavar="NAME", help="only the contacts of this segment")
    parser.add_argument(
        "--search",
        metavar="TEXT",
        default="",
        help="names, emails, companies, phones, notes, tags (as the search box)",
    )
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="TAG",
        help="carries this tag (repeat: every one of them)",
    )
    parser.add_argument(
        "--status",
        action="append",
        default=[],
        metavar="STATUS",
        help="has this lifecycle status (repeat: any of them)",
    )
    parser.add_argument("--company", metavar="NAME", help="works at this company")
    parser.add_argument(
        "--consent",
        choices=["any", "recorded", "missing"],
        default="any",
        help="consent to email recorded or missing",
    )
    parser.add_argument(
        "--emailable", action="store_true", help="leave out unsubscribed, bounced and do-not-email contacts"
    )


def filter_from(args):
    """The ContactFilter the filter words in ``args`` describe (a segment's narrowed by them)."""
    from smarketer.contacts.editing import company_id_named
    from smarketer.contacts.listing import ContactFilter
    from smarketer.contacts.saved_segments import segment_filter
    from smarketer.db.models.contacts import LIFECYCLE_STATUSES

    for status in args.status:
        if status not in LIFECYCLE_STATUSES:
            raise UserError(f"unknown status {status!r}; use {', '.join(LIFECYCLE_STATUSES)}")
    company_id = None
    if args.company:
        company_id = company_id_named(args.company)
        if company_id is None:
            raise UserError(f"no company named {args.company!r}")
    f = ContactFilter(
        text=args.search.strip(),
        tags=tuple(args.tag),
        statuses=tuple(args.status),
        company_id=company_id,
        consent=args.consent,
        reachable_only=args.emailable,
        trash=getattr(args, "trash", False),
    )
    if getattr(args, "segment", None):
        return find_segment(args.segment, segment_filter).narrowed_by(f)
    return f


def find_segment(name: str, then=lambda s: s):
    from smarketer.contacts import saved_segments
    from smarketer.contacts.saved_segments import segments

    return then(
        found(
            saved_segments.find_segment(name),
            lambda: (
                f"no segment named {name!r} (segments: {', '.join(s.name for s in segments()) or 'none yet'})"
            ),
        )
    )


def find_contact(key: str, *, trash: bool = False):
    """The contact with this id or email address; a UserError naming the key otherwise."""
    from smarketer.contacts.listing import find_contact as listing_find_contact

    where = " in the trash" if trash else ""
    return found(
        listing_find_contact(key, trash=trash),
        f"no contact {key!r}{where} (find one: smarketer contacts list --search TEXT)",
    )


def register(commands) -> None:
    group = command(
        commands,
        "contacts",
        "the address book: list, show, add, edit, tag, delete",
        "smarketer contacts list --tag vip",
    )
    actions = group.add_subparsers(
        dest="contacts_command", metavar="ACTION", parser_class=Parser, required=True
    )

    listing = command(
        actions,
        "list",
        "contacts as a table, filtered like the contact list",
        "smarketer contacts list --segment 'Newsletter' --search dublin --json",
    )
    add_filter_options(listing)
    listing.add_argument("--trash", action="store_true", help="the deleted contacts instead")
    add_json_flag(listing)
    listing.set_defaults(run=run_list)

    shown = command(
        actions, "show", "a contact's fields, tags and timeline", "smarketer contacts show zoe@example.com"
    )
    shown.add_argument("key", metavar="ID|EMAIL")
    add_json_flag(shown)
    shown.set_defaults(run=run_show)

    add = command(
        actions,
        "add",
        "a new contact (checked as in the editor)",
        "smarketer contacts add --first-name Zoë --email zoe@example.com "
        "--tag workshop --consent --consent-source 'fair 2026'",
    )
    _field_options(add, new=True)
    add.set_defaults(run=run_add)

    edit = command(
        actions,
        "edit",
        "change fields of a contact; the others stay",
        "smarketer contacts edit 12 --city Galway --status customer",
    )
    edit.add_argument("key", metavar="ID|EMAIL")
    _field_options(edit, new=False)
    edit.set_defaults(run=run_edit)

    note = command(
        actions,
        "note",
        "add a note to a contact's timeline",
        "smarketer contacts note 12 'Called: wants a quote in March'",
    )
    note.add_argument("key", metavar="ID|EMAIL")
    note.add_argument("text", metavar="TEXT")
    note.set_defaults(run=run_note)

    for name, help_text, example in (
        ("tag", "add tags to a contact", "smarketer contacts tag 12 vip 'fair 2026'"),
        ("untag", "remove tags from a contact", "smarketer contacts untag 12 vip"),
    ):
        tagging = command(actions, name, help_text, example)
        tagging.add_argument("key", metavar="ID|EMAIL")
        tagging.add_argument("tags", nargs="+", metavar="TAG")
        tagging.set_defaults(run=run_tag)

    delete = command(
        actions,
        "delete",
        "move contacts to the trash (restore brings them back)",
        "smarketer contacts delete 12 zoe@example.com",
    )
    delete.add_argument("keys", nargs="+", metavar="ID|EMAIL")
    delete.set_defaults(run=run_delete)

    restore = command(
        actions, "restore", "bring contacts back from the trash", "smarketer contacts restore 12"
    )
    restore.add_argument("keys", nargs="+", metavar="ID|EMAIL")
    restore.set_defaults(run=run_restore)


def _field_options(parser, *, new: bool) -> None:
    """A --first-name … option per ContactData text field (the editor's fields), and the rest."""
    from smarketer.contacts.columns import TEXT_FIELDS
    from smarketer.db.models.contacts import LIFECYCLE_STATUSES

    default = "" if new else None
    for name in TEXT_FIELDS:
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, default=default, metavar="TEXT")
    parser.add_argument(
        "--other-email",
        action="append",
        dest="other_emails",
        metavar="ADDR",
        help="another address of the contact (repeat for more)"
        + ("" if new else "; replaces the ones it has"),
    )
    parser.add_argument("--status", choices=LIFECYCLE_STATUSES, default="lead" if new else None)
    parser.add_argument(
        "--consent",
        action=argparse.BooleanOptionalAction,
        default=False if new else None,
        help="consent to email is recorded",
    )
    parser.add_argument(
        "--do-not-email",
        action=argparse.BooleanOptionalAction,
        default=False if new else None,
        help="never email this contact",
    )
    parser.add_argument("--referred-by", metavar="ID|EMAIL", help="who referred them")
    if new:
        parser.add_argument(
            "--tag", action="append", default=[], dest="tags", metavar="TAG", help="a tag (repeat for more)"
        )


def _data_from(args, base):
    from dataclasses import replace

    from smarketer.contacts.columns import TEXT_FIELDS

    changes = {name: getattr(args, name) for name in TEXT_FIELDS if getattr(args, name) is not None}
    for name in ("status", "consent", "do_not_email"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.other_emails is not None:
        changes["other_emails"] = tuple(args.other_emails)
    if args.referred_by:
        changes["referred_by_id"] = find_contact(args.referred_by).id
    if getattr(args, "tags", None):
        changes["tags"] = tuple(args.tags)
    return replace(base, **changes)


def _save(data, contact_id=None):
    from smarketer import settings
    from smarketer.contacts.editing import save_contact

    return save_contact(data, contact_id, region=settings.load_profile().region)


def run_add(args) -> int:
    from smarketer.contacts.editing import ContactData, contact_label

    open_store(args)
    contact = _save(_data_from(args, ContactData()))
    print(f"Added contact {contact.id}: {contact_label(contact.id)}")
    return 0


def run_edit(args) -> int:
    from smarketer.contacts.editing import ContactData, contact_label

    open_store(args)
    contact = find_contact(args.key)
    saved = _save(_data_from(args, ContactData.of(contact)), contact.id)
    print(f"Saved contact {saved.id}: {contact_label(saved.id)}")
    return 0


def run_note(args) -> int:
    from smarketer.contacts.editing import contact_label
    from smarketer.contacts.history import add_note

    open_store(args)
    contact = find_contact(args.key)
    add_note(contact.id, args.text)
    print(f"Added a note to {contact_label(contact.id)}")
    return 0


def run_tag(args) -> int:
    from smarketer.contacts.editing import contact_label
    from smarketer.contacts.tags import add_tags, remove_tags, tag_names

    open_store(args)
    contact = find_contact(args.key)
    if args.contacts_command == "tag":
        add_tags(contact.id, args.tags)
    else:
        remove_tags(contact.id, args.tags)
    tags = ", ".join(tag_names(contact.id)) or "none"
    print(f"{contact_label(contact.id)}: tags {tags}")
    return 0


def _contacts(keys: list[str], trash: bool) -> list:
    """Every contact named, or a UserError before anything changes."""
    found = {}
    for key in keys:
        contact = find_contact(key, trash=trash)
        found[contact.id] = contact
    return list(found.values())


def run_delete(args) -> int:
    from smarketer.contacts.trash import delete_contacts

    open_store(args)
    chosen = _contacts(args.keys, trash=False)
    delete_contacts([c.id for c in chosen])
    ids = " ".join(str(c.id) for c in chosen)
    print(
        f"Moved {len(chosen)} contact{'s' if len(chosen) != 1 else ''} to the trash "
        f"(undo: smarketer contacts restore {ids})"
    )
    return 0


def run_restore(args) -> int:
    from smarketer.contacts.trash import restore_contacts

    open_store(args)
    chosen = _contacts(args.keys, trash=True)
    restore_contacts([c.id for c in chosen])
    print(f"Restored {len(chosen)} contact{'s' if len(chosen) != 1 else ''}")
    return 0


def _listed(ids: list[int]):
    """The contacts of ``ids`` as `contacts list --json` writes them, read a page at a time."""
    from smarketer.contacts.listing import fetch_rows

    for start in range(0, len(ids), PAGE):
        page = ids[start : start + PAGE]
        rows = fetch_rows(page)
        for cid in page:
            row = rows[cid]
            yield {
                "id": cid,
                "name": row.name,
                "email": row.email,
                "company": row.company,
                "phone": row.phone,
                "status": row.status,
                "tags": row.tag_names,
                "city": row.city,
                "consent": row.consent,
                "unsubscribed": row.unsubscribed,
                "bounced": row.bounced,
                "created_at": row.created_at,
                "updated_at": row.updated_at,
            }


def run_list(args) -> int:
    from smarketer.contacts.listing import contact_ids, count

    open_store(args)
    f = filter_from(args)
    ids = contact_ids(f)
    head = {"filter": f.describe(), "count": len(ids)}
    if args.json:  # written as it is read: 100,000 contacts never sit in memory at once
        stream(head, "contacts", _listed(ids))
        return 0
    if not ids:
        print(
            "No contacts match."
            if count()
            else "No contacts yet: smarketer import FILE, or smarketer contacts add …"
        )
        return 0
    local = Local.of_profile()
    rows = [["ID", "Name", "Email", "Company", "Status", "Tags", "Updated"]]
    rows += [
        [
            str(c["id"]),
            c["name"],
            c["email"],
            c["company"],
            c["status"],
            ", ".join(c["tags"]),
            local.day(c["updated_at"].astimezone().date()),
        ]
        for c in _listed(ids)
    ]
    print(table(rows, right={0}) + f"\n{len(ids):,} contacts ({f.describe()})")
    return 0


def run_show(args) -> int:
    from dataclasses import asdict

    from smarketer.contacts.editing import ContactData, contact_label
    from smarketer.contacts.history import timeline
    from smarketer.contacts.listing import find_contact as listing_find_contact

    open_store(args)
    contact = listing_find_contact(args.key, trash=None) or find_contact(args.key)  # else its one-line error
    data = ContactData.of(contact)
    document = {
        "contact": {
            "id": contact.id,
            **asdict(data),
            "name": contact.full_name,
            "referred_by": contact_label(data.referred_by_id),
            "consent_at": contact.consent_at,
            "unsubscribed_at": contact.unsubscribed_at,
            "bounced_at": contact.bounced_at,
            "created_at": contact.created_at,
            "updated_at": contact.updated_at,
            "deleted_at": contact.deleted_at,
            "timeline": [
                {"id": a.id, "at": a.occurred_at, "kind": a.kind, "summary": a.summary, "body": a.body}
                for a in timeline(contact.id)
            ],
        }
    }

    def text() -> str:
        c = document["contact"]
        local = Local.of_profile()
        address = ", ".join(
            p
            for p in (c["street"], f"{c['postal_code']} {c['city']}".strip(), c["region"], c["country"])
            if p
        )
        email_state = [
            f"unsubscribed {local.instant(c['unsubscribed_at'])}" if c["unsubscribed_at"] else "",
            f"bounced {local.instant(c['bounced_at'])}" if c["bounced_at"] else "",
            "do not email" if c["do_not_email"] else "",
        ]
        pairs = [
            ("Name", c["name"] or "—"),
            ("Email", c["email"]),
            ("Other emails", ", ".join(c["other_emails"])),
            ("Phone", c["phone"]),
            ("Title", c["title"]),
            ("Company", c["company"]),
            ("Address", address),
            ("Website", c["website"]),
            ("Status", c["status"]),
            ("Tags", ", ".join(c["tags"])),
            ("Lead source", c["lead_source"]),
            ("Referred by", c["referred_by"]),
            (
                "Consent",
                (
                    f"recorded {local.instant(c['consent_at'])}"
                    + (f" ({c['consent_source']})" if c["consent_source"] else "")
                )
                if c["consent"]
                else "not recorded",
            ),
            ("Email state", ", ".join(s for s in email_state if s)),
            ("Notes", c["notes"]),
            ("Added", local.instant(c["created_at"])),
            ("In the trash", local.instant(c["deleted_at"])),
        ]
        lines = [f"Contact {c['id']}", fields_table([(k, v) for k, v in pairs if v])]
        lines += ["", "Timeline"]
        lines += [f"  {local.instant(a['at'])}  {a['kind']}: {a['summary']}" for a in c["timeline"]] or [
            "  Nothing yet."
        ]
        return "\n".join(lines)

    return show(args, document, text)
