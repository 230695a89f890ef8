"""A menu entry for Smarketer installed with pip or pipx, or unpacked from the app bundle.

Linux desktops (and other freedesktop.org ones) list the programs whose ``.desktop`` file is in
``$XDG_DATA_HOME/applications``; the icon comes from ``$XDG_DATA_HOME/icons/hicolor`` and the
software centre's description from ``$XDG_DATA_HOME/metainfo``. ``install`` writes all three,
pointing the entry at the launcher that is running now; ``uninstall`` removes exactly them.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

from smarketer import APP_ID
from smarketer.errors import UserError

#: The sizes of resources/icons/smarketer-N.png (packaging/make_icons.py makes them).
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


class DesktopEntryError(UserError, ValueError):
    """The entry cannot be installed or removed; the message says why, in one line."""


_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME")
    return Path(value) if value else Path.home() / ".local" / "share"


def launcher() -> list[str]:
    """The command that starts this Smarketer: the bundle's executable, the console script
    that is running, or this Python with ``-m smarketer``."""
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).absolute())]
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script and script.name in {"smarketer", "smarketer.exe"} and script.is_file():
        return [str(script.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "smarketer"]


def exec_line(command: list[str]) -> str:
    """The ``Exec=`` value for ``command``, quoted as the Desktop Entry spec asks."""

    def quote(arg: str) -> str:
        if not any(ch in _RESERVED for ch in arg):
            return arg.replace("%", "%%")
        inner = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg).replace("%", "%%")
        return f'"{inner}"'

    # The value itself is a desktop-file string: its backslashes are escaped once more.
    return " ".join(quote(arg) for arg in command).replace("\\", "\\\\")


def targets(home: Path | None = None) -> dict[str, Path]:
    """Every file the entry consists of, by what it is."""
    home = home or data_home()
    found = {
        "desktop": home / "applications" / f"{APP_ID}.desktop",
        "metainfo": home / "metainfo" / f"{APP_ID}.metainfo.xml",
        "svg": home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
    }
    for size in ICON_SIZES:
        found[f"png{size}"] = home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    return found


def _check_platform() -> None:
    if sys.platform == "win32" or sys.platform == "darwin":
        raise DesktopEntryError(
            "menu entries are made this way only on Linux and other freedesktop.org desktops"
        )


def install(home: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Write the menu entry, its icons and its metainfo; return the files written."""
    _check_platform()
    shipped = resources.files("smarketer.resources")
    desktop = (shipped / "desktop" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    exec_value = exec_line(command or launcher())
    desktop = "".join(
        f"Exec={exec_value}\n" if line.startswith("Exec=") else line
        for line in desktop.splitlines(keepends=True)
    )
    contents = {
        "desktop": desktop.encode("utf-8"),
        "metainfo": (shipped / "desktop" / f"{APP_ID}.metainfo.xml").read_bytes(),
        "svg": (shipped / "smarketer.svg").read_bytes(),
    }
    for size in ICON_SIZES:
        contents[f"png{size}"] = (shipped / "icons" / f"smarketer-{size}.png").read_bytes()
    written = []
    try:
        for key, path in targets(home).items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(contents[key])
            written.append(path)
    except OSError as exc:
        raise DesktopEntryError(f"cannot write {exc.filename}: {exc.strerror}") from exc
    return written


def uninstall(home: Path | None = None) -> list[Path]:
    """Remove what ``install`` wrote; return the files that were there."""
    _check_platform()
    removed = []
    for path in targets(home).values():
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise DesktopEntryError(f"cannot remove {path}: {exc.strerror}") from exc
        removed.append(path)
    return removed
