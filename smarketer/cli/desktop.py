"""The applications-menu entry on Linux: `install-desktop-entry`, `uninstall-desktop-entry`."""

from __future__ import annotations


def register(commands) -> None:
    install = commands.add_parser(
        "install-desktop-entry",
        help="add Smarketer to the applications menu (Linux; for pip, pipx and the bundle)",
    )
    install.set_defaults(run=run_install)
    uninstall = commands.add_parser("uninstall-desktop-entry", help="remove what install-desktop-entry added")
    uninstall.set_defaults(run=run_uninstall)


def run_install(args) -> int:
    from smarketer import desktop_entry

    written = desktop_entry.install()
    print(f"Added Smarketer to the applications menu ({written[0]}), starting {desktop_entry.launcher()[0]}.")
    return 0


def run_uninstall(args) -> int:
    from smarketer import desktop_entry

    removed = desktop_entry.uninstall()
    print(
        f"Removed {len(removed)} files of the menu entry."
        if removed
        else "There was no menu entry to remove."
    )
    return 0
