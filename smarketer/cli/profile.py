"""The business profile (required before any campaign is sent): `profile show/set`."""

from __future__ import annotations

from pathlib import Path

from smarketer.cli.console import Parser, command, open_store
from smarketer.cli.output import add_json_flag, fields_table, show

# option -> BusinessProfile field
OPTIONS = {
    "name": "name",
    "address": "address",
    "email": "email",
    "phone": "phone",
    "website": "website",
    "currency": "currency",
    "locale": "locale",
    "tax": "default_tax_rate",
    "prefix": "proposal_prefix",
}


def register(commands) -> None:
    group = command(
        commands,
        "profile",
        "your business: name, postal address, currency, tax",
        "smarketer profile set --name 'Hollis & Reed' --address '12 Quay St\\nGalway'",
    )
    actions = group.add_subparsers(
        dest="profile_command", metavar="ACTION", parser_class=Parser, required=True
    )
    shown = command(actions, "show", "the business profile", "smarketer profile show --json")
    add_json_flag(shown)
    shown.set_defaults(run=run_show)

    change = command(
        actions,
        "set",
        "change fields of the profile; the others stay (checked as in Settings)",
        "smarketer profile set --name 'Hollis & Reed' "
        "--address '12 Quay Street\\nGalway H91' --currency EUR --locale en_IE "
        "--tax 23",
    )
    change.add_argument("--name", help="the business's name, as on letters and proposals")
    change.add_argument(
        "--address",
        metavar="TEXT",
        help="the postal address; lines separated by a newline or \\n "
        "(shown in every campaign email's footer)",
    )
    change.add_argument("--email")
    change.add_argument("--phone")
    change.add_argument("--website")
    change.add_argument("--currency", metavar="CODE", help="e.g. EUR, USD, GBP")
    change.add_argument(
        "--locale",
        metavar="CODE",
        help="how numbers and dates are written, and the region phone numbers are read in, e.g. en_IE, de_DE",
    )
    change.add_argument("--tax", metavar="PERCENT", help="the default tax rate, e.g. 23")
    change.add_argument("--prefix", metavar="TEXT", help="proposal numbers start with it")
    change.add_argument(
        "--logo", type=Path, metavar="IMAGE", help="a PNG, JPEG or GIF for proposals (at most 5 MB)"
    )
    change.add_argument("--no-logo", action="store_true", help="remove the logo")
    change.set_defaults(run=run_set)


def document_of(profile) -> dict:
    from dataclasses import asdict

    data = asdict(profile)
    data.pop("logo_file_id")
    return {"profile": {**data, "region": profile.region, "logo": profile.logo_file_id is not None}}


def run_show(args) -> int:
    from smarketer import settings

    open_store(args)
    profile = settings.load_profile()
    document = document_of(profile)

    def text() -> str:
        p = document["profile"]
        if not p["name"]:
            return (
                "No business profile yet: smarketer profile set --name … --address … "
                "(needed before a campaign can be sent)"
            )
        return fields_table(
            [
                ("Name", p["name"]),
                ("Address", p["address"] or "— (needed to send campaigns)"),
                ("Email", p["email"]),
                ("Phone", p["phone"]),
                ("Website", p["website"]),
                ("Currency", p["currency"]),
                ("Locale", f"{p['locale']} (region {p['region']})"),
                ("Default tax", f"{p['default_tax_rate']}%"),
                ("Proposal prefix", p["proposal_prefix"]),
                ("Logo", "yes" if p["logo"] else "no"),
            ]
        )

    return show(args, document, text)


def run_set(args) -> int:
    from dataclasses import replace

    from smarketer import settings

    open_store(args)
    current = settings.load_profile()
    changes = {
        field: getattr(args, option) for option, field in OPTIONS.items() if getattr(args, option) is not None
    }
    if "address" in changes:
        changes["address"] = changes["address"].replace("\\n", "\n")
    wanted = replace(current, **changes)
    clean, errors = settings.validate_profile(wanted)
    if errors:  # every field checked before anything is written
        raise settings.ProfileInvalid(errors)
    if args.no_logo:
        clean = replace(clean, logo_file_id=None)
    elif args.logo:
        clean = replace(clean, logo_file_id=settings.store_logo(args.logo))
    saved = settings.save_profile(clean)
    print(
        f"Profile saved: {saved.name}"
        + ("" if saved.address else " (add --address before sending a campaign)")
    )
    return 0
