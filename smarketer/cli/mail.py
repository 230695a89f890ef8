"""The mail accounts and the inbox loop: `smtp set/signin`, `inbox set/signin/sync`."""

from __future__ import annotations

import re
import sys

from smarketer.cli.console import EXIT_FAILED, Parser, command, fail, open_store
from smarketer.cli.output import add_json_flag, fields_table, show
from smarketer.errors import UserError


def add_server_arguments(parser, username_required: bool) -> None:
    """Provider preset, server and sign-in arguments shared by `smtp set` and `inbox set`."""
    from smarketer.oauth.providers import PROVIDERS

    parser.add_argument(
        "--provider",
        choices=list(PROVIDERS),
        default="other",
        help="fills in server, port, security, sign-in method (and for sending "
        "a rate and daily cap below the provider's limits); default other",
    )
    parser.add_argument("--host", help="the server (required with --provider other)")
    parser.add_argument("--port", type=int)
    parser.add_argument("--security", choices=["ssl", "starttls", "none"])
    parser.add_argument(
        "--username",
        required=username_required,
        default="",
        help="the login; for a provider sign-in, the mailbox's address",
    )
    parser.add_argument(
        "--auth",
        choices=["password", "oauth2"],
        help="password (or app password), or oauth2: sign in with Google or "
        "Microsoft (the default for those providers)",
    )
    parser.add_argument(
        "--client-id", default=None, metavar="ID", help="your own OAuth client ID instead of the project's"
    )
    parser.add_argument(
        "--client-secret",
        default=None,
        metavar="S",
        help="the client secret Google issues to desktop apps (not secret)",
    )


def add_signin(commands, what: str) -> None:
    signin = commands.add_parser(
        "signin",
        help=f"sign in to the {what} with Google or Microsoft in the browser; the "
        "lasting sign-in goes to the OS keyring",
    )
    how = signin.add_mutually_exclusive_group()
    how.add_argument(
        "--no-browser",
        action="store_true",
        help="print the sign-in address instead of opening a browser, and wait "
        "for the answer on this computer",
    )
    how.add_argument(
        "--device-code",
        action="store_true",
        help="Microsoft: sign in on any other device with a code (no browser needed here)",
    )
    signin.add_argument(
        "--wait",
        type=int,
        default=300,
        metavar="SECONDS",
        help="how long to wait for the sign-in (default 300, at most 3600)",
    )


def add_account_commands(commands, group: str, summary: str, account: str, password_env: str):
    """`smtp` or `inbox` with its `set` action (server and sign-in arguments); returns the
    group, its actions and `set`, for the arguments only one of them has."""
    parser = commands.add_parser(group, help=summary)
    actions = parser.add_subparsers(
        dest=f"{group}_command", metavar="ACTION", parser_class=Parser, required=True
    )
    set_account = actions.add_parser(
        "set",
        help=f"set the {account}; the password comes from a prompt or "
        f"{password_env} and goes to the OS keyring (a provider sign-in: {group} signin)",
    )
    add_server_arguments(set_account, username_required=group == "inbox")
    return parser, actions, set_account


def register(commands) -> None:
    smtp, smtp_commands, smtp_set = add_account_commands(
        commands, "smtp", "the email account campaigns are sent from", "account", "SMARKETER_SMTP_PASSWORD"
    )
    smtp_set.add_argument("--from", dest="from_address", required=True, metavar="ADDR")
    smtp_set.add_argument("--from-name", default="", metavar="N")
    smtp_set.add_argument("--rate", type=int, default=None, help="messages per minute")
    smtp_set.add_argument("--daily-cap", type=int, default=None)
    smtp_set.add_argument(
        "--unsubscribe-page",
        default=None,
        metavar="URL",
        help="an https:// page that unsubscribes by the token it is given "
        "(RFC 8058 one-click; '' removes it); kept when left out",
    )
    smtp_set.add_argument(
        "--reply-to",
        default=None,
        metavar="ADDR",
        help="where replies go, if not the From address ('' removes it)",
    )
    consent = smtp_set.add_mutually_exclusive_group()
    consent.add_argument(
        "--only-with-consent",
        dest="only_with_consent",
        action="store_true",
        default=None,
        help="leave out contacts with no recorded consent",
    )
    consent.add_argument(
        "--any-consent",
        dest="only_with_consent",
        action="store_false",
        help="email contacts without recorded consent too",
    )
    add_signin(smtp_commands, "sending account")
    smtp.set_defaults(run=run_smtp)
    shown = command(
        smtp_commands, "show", "the sending account (never the password)", "smarketer smtp show --json"
    )
    add_json_flag(shown)
    shown.set_defaults(run=run_smtp_show)

    inbox, inbox_commands, inbox_set = add_account_commands(
        commands, "inbox", "read replies, bounces and unsubscribes", "IMAP account", "SMARKETER_IMAP_PASSWORD"
    )
    inbox_set.add_argument(
        "--folder",
        action="append",
        dest="folders",
        metavar="NAME",
        help="a folder to read (repeat for more; default INBOX)",
    )
    add_signin(inbox_commands, "inbox")
    inbox_commands.add_parser("sync", help="read new messages now")
    inbox.set_defaults(run=run_inbox)


def ask_and_store_password(account) -> int:
    """The password from the account's variable or a prompt, into the keyring."""
    import getpass
    import os

    from smarketer.passwords import store_password

    env = account.password_env
    password = os.environ.get(env)
    if password is None:
        if not sys.stdin.isatty():
            return fail(f"no password: type it at the prompt or set {env}")
        password = getpass.getpass(f"Password for {account.username} at {account.host}: ")
    if store_password(account, password):
        print("The password is in the system keyring.")
    else:
        print(f"No system keyring here: the password was not stored. Set {env} when using the command line.")
    return 0


def with_server_arguments(account, args):
    """The account with the preset of ``--provider`` and whatever was given by hand on top."""
    from dataclasses import replace

    from smarketer.campaigns.account import apply_provider

    if args.provider == "other" and not (args.host and args.port and args.security):
        raise UserError("--host, --port and --security are needed without --provider")
    account = apply_provider(replace(account, username=args.username), args.provider)
    given = {
        key: getattr(args, key) for key in ("host", "port", "security", "auth", "client_id", "client_secret")
    }
    return replace(account, **{k: v for k, v in given.items() if v is not None})


def account_saved(saved, group: str, summary: str) -> int:
    """After `smtp set` / `inbox set`: the password into the keyring (a password login), the
    summary, and for a provider sign-in the command that signs in next."""
    if saved.auth == "password" and saved.username and ask_and_store_password(saved):
        return EXIT_FAILED
    print(summary)
    if saved.auth == "oauth2":
        print(signed_in_hint(saved, group))
    return 0


def signed_in_hint(account, group: str) -> str:
    from smarketer.oauth.providers import provider

    return (
        f"Sign in with {provider(account.provider).name} next: smarketer {group} signin "
        "(--no-browser to print the address instead)"
    )


def run_signin(account, args) -> int:
    """Sign the account's mailbox in: the browser, the printed address, or a device code."""
    import webbrowser

    from smarketer.oauth.signin import sign_in, sign_in_with_code

    if account.auth != "oauth2":
        return fail(
            "this account signs in with a password; choose a provider that signs in "
            "(--provider gmail|google-workspace|microsoft|outlook-com) with `set`"
        )
    if not 10 <= args.wait <= 3600:
        return fail("--wait is 10 to 3600 seconds")

    def show(url: str) -> None:
        print(
            f"Open this address in a browser on this computer to sign in:\n{url}\n"
            f"Waiting up to {args.wait // 60} minutes for the answer…",
            flush=True,
        )

    def open_browser(url: str) -> None:
        if not webbrowser.open(url):
            show(url)
        else:
            print("Your browser shows the sign-in page; waiting for it…", flush=True)

    if args.device_code:
        result = sign_in_with_code(
            account.provider, account.username, account.client_id, show=lambda text: print(text, flush=True)
        )
    else:
        result = sign_in(
            account.provider,
            account.username,
            account.client_id,
            account.client_secret,
            wait_seconds=args.wait,
            open_url=show if args.no_browser else open_browser,
        )
    print(result.text())
    return 0


def run_smtp(args) -> int:

    from smarketer.campaigns import account as smtp

    open_store(args)
    current = smtp.load_account()
    if args.smtp_command == "signin":
        if not current.configured:
            return fail("no email account yet: smarketer smtp set --provider … --from …")
        return run_signin(current, args)
    wanted = with_server_arguments(
        smtp.SmtpAccount(
            from_address=args.from_address,
            from_name=args.from_name,
            reply_to=current.reply_to if args.reply_to is None else args.reply_to.strip(),
            unsubscribe_url=(
                current.unsubscribe_url if args.unsubscribe_page is None else args.unsubscribe_page.strip()
            ),
            rate_per_minute=current.rate_per_minute,
            daily_cap=current.daily_cap,
            only_with_consent=(
                current.only_with_consent if args.only_with_consent is None else args.only_with_consent
            ),
        ),
        args,
    )
    if args.rate or args.daily_cap:
        from dataclasses import replace

        wanted = replace(
            wanted,
            rate_per_minute=args.rate or wanted.rate_per_minute,
            daily_cap=args.daily_cap or wanted.daily_cap,
        )
    saved = smtp.save_account(wanted)
    return account_saved(
        saved,
        "smtp",
        f"Email account set: {saved.from_address} via {saved.host}:{saved.port} "
        f"({saved.security}), {saved.rate_per_minute} a minute, {saved.daily_cap} a day",
    )


def run_inbox(args) -> int:

    from smarketer.campaigns import account as smtp
    from smarketer.inbox import account as imap
    from smarketer.inbox import process
    from smarketer.inbox.sync import InboxUnavailable, sync

    open_store(args)
    if args.inbox_command == "set":
        saved = imap.save_imap_account(
            with_server_arguments(imap.ImapAccount(folders=tuple(args.folders or ("INBOX",))), args)
        )
        return account_saved(
            saved,
            "inbox",
            f"Inbox set: {saved.username} at {saved.host}:{saved.port} ({saved.security}), "
            f"folders {', '.join(saved.folders)}",
        )
    account = imap.load_imap_account()
    if not account.configured:
        return fail("no inbox account yet: smarketer inbox set --host … --username …")
    if args.inbox_command == "signin":
        return run_signin(account, args)
    password = smtp.credentials(account)
    try:
        result = sync(account, password)
    except InboxUnavailable as exc:
        return fail(str(exc))
    print(result.text())
    for message in process.to_confirm():
        print(
            f"  to confirm: {message.from_address} wrote “{message.snippet[:60]}” "
            "(an opt-out? confirm in the app)"
        )
    return 0


SECRET_WORDS = re.compile(r"secret|password|token", re.I)  # fields never printed


def run_smtp_show(args) -> int:
    from dataclasses import asdict

    from smarketer.campaigns import account as smtp
    from smarketer.passwords import PasswordUnavailable, get_password

    open_store(args)
    account = smtp.load_account()
    if not account.username:
        password = "not needed"
    else:
        try:
            get_password(account)
            password = "available"
        except PasswordUnavailable:
            password = "missing"
    fields = {
        key: ("hidden" if value else "") if SECRET_WORDS.search(key) else value
        for key, value in asdict(account).items()
    }
    document = {"account": {**fields, "configured": account.configured, "password": password}}

    def text() -> str:
        a = account
        if not a.configured:
            return "No email account yet: smarketer smtp set --host … --port … --security … --from …"
        return fields_table(
            [
                ("Server", f"{a.host}:{a.port} ({a.security})"),
                ("Username", a.username or "— (no login)"),
                ("Password", password),
                ("From", f"{a.from_name} <{a.from_address}>" if a.from_name else a.from_address),
                ("Reply-To", a.reply_to),
                ("Unsubscribe page", a.unsubscribe_url),
                ("Rate", f"{a.rate_per_minute} per minute, at most {a.daily_cap} a day"),
                ("Only with consent", "yes" if a.only_with_consent else "no"),
            ]
        )

    return show(args, document, text)
