"""The mail accounts and the inbox loop: `smtp set`, `inbox set/sync`."""

from __future__ import annotations

import sys

from smarketer.cli.console import EXIT_FAILED, Parser, fail, open_store


def register(commands) -> None:
    smtp = commands.add_parser("smtp", help="the email account campaigns are sent from")
    smtp_commands = smtp.add_subparsers(dest="smtp_command", metavar="ACTION",
                                        parser_class=Parser, required=True)
    smtp_set = smtp_commands.add_parser(
        "set", help="set the account; the password comes from a prompt or "
        "SMARKETER_SMTP_PASSWORD and goes to the OS keyring")
    smtp_set.add_argument("--host", required=True)
    smtp_set.add_argument("--port", type=int, required=True)
    smtp_set.add_argument("--security", choices=["ssl", "starttls", "none"], required=True)
    smtp_set.add_argument("--username", default="")
    smtp_set.add_argument("--from", dest="from_address", required=True, metavar="ADDR")
    smtp_set.add_argument("--from-name", default="", metavar="N")
    smtp_set.add_argument("--rate", type=int, default=None, help="messages per minute")
    smtp_set.add_argument("--daily-cap", type=int, default=None)
    smtp.set_defaults(run=run_smtp)

    inbox = commands.add_parser("inbox", help="read replies, bounces and unsubscribes")
    inbox_commands = inbox.add_subparsers(dest="inbox_command", metavar="ACTION",
                                          parser_class=Parser, required=True)
    inbox_set = inbox_commands.add_parser(
        "set", help="set the IMAP account; the password comes from a prompt or "
        "SMARKETER_IMAP_PASSWORD and goes to the OS keyring")
    inbox_set.add_argument("--host", required=True)
    inbox_set.add_argument("--port", type=int, required=True)
    inbox_set.add_argument("--security", choices=["ssl", "starttls", "none"], required=True)
    inbox_set.add_argument("--username", required=True)
    inbox_set.add_argument("--folder", action="append", dest="folders", metavar="NAME",
                           help="a folder to read (repeat for more; default INBOX)")
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
        print(f"No system keyring here: the password was not stored. Set {env} when using "
              "the command line.")
    return 0


def run_smtp(args) -> int:

    from smarketer.campaigns import account as smtp

    open_store(args)
    current = smtp.load_account()
    wanted = smtp.SmtpAccount(
        host=args.host, port=args.port, security=args.security, username=args.username,
        from_address=args.from_address, from_name=args.from_name,
        reply_to=current.reply_to, unsubscribe_url=current.unsubscribe_url,
        rate_per_minute=args.rate or current.rate_per_minute,
        daily_cap=args.daily_cap or current.daily_cap,
        only_with_consent=current.only_with_consent)
    saved = smtp.save_account(wanted)
    if saved.username and ask_and_store_password(saved):
        return EXIT_FAILED
    print(f"Email account set: {saved.from_address} via {saved.host}:{saved.port} "
          f"({saved.security})")
    return 0


def run_inbox(args) -> int:

    from smarketer.campaigns import account as smtp
    from smarketer.inbox import account as imap
    from smarketer.inbox import process
    from smarketer.inbox.sync import InboxUnavailable, sync

    open_store(args)
    if args.inbox_command == "set":
        saved = imap.save_imap_account(imap.ImapAccount(
            host=args.host, port=args.port, security=args.security, username=args.username,
            folders=tuple(args.folders or ("INBOX",))))
        if ask_and_store_password(saved):
            return EXIT_FAILED
        print(f"Inbox set: {saved.username} at {saved.host}:{saved.port} ({saved.security}), "
              f"folders {', '.join(saved.folders)}")
        return 0
    account = imap.load_imap_account()
    if not account.configured:
        return fail("no inbox account yet: smarketer inbox set --host … --username …")
    password = smtp.get_password(account)
    try:
        result = sync(account, password)
    except InboxUnavailable as exc:
        return fail(str(exc))
    print(result.text())
    for message in process.to_confirm():
        print(f"  to confirm: {message.from_address} wrote “{message.snippet[:60]}” "
              "(an opt-out? confirm in the app)")
    return 0
