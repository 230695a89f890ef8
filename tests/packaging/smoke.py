"""The smoke commands an installed Smarketer (a wheel in a fresh venv, the app bundle) must pass.

Each runs the installed launcher as a user would, in a folder of its own, with SMARKETER_HOME
pointing into it, and checks what the user would see: the version, a demo database, a proposal
PDF and a report PDF with the shipped font embedded, the main window on the demo, and the setup
assistant on a first start that creates the data folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from configparser import ConfigParser
from pathlib import Path

from pypdf import PdfReader

from smarketer import APP_ID, __version__


def base_env(home: Path, path: str) -> dict[str, str]:
    """A minimal environment: nothing of the developer's Python (PYTHONPATH, the venv) leaks in."""
    env = {
        "HOME": str(home),
        "PATH": path,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "SMARKETER_HOME": str(home / "smarketer"),
    }
    # The user's keyring daemon and display are no business of a smoke test.
    return env


def run(
    launcher: list[str], *args: str, cwd: Path, env: dict[str, str], timeout: float = 180
) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*launcher, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


def embedded_fonts(pdf: Path) -> set[str]:
    fonts = set()
    for page in PdfReader(pdf).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2")
            ):
                fonts.add(str(font["/BaseFont"]))
    return fonts


def page_text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def desktop_entry_of(path: Path) -> dict[str, str]:
    parser = ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def exec_arguments(value: str) -> list[str]:
    """What a desktop does with Exec= (Desktop Entry spec): unescape the string, split it at
    unquoted spaces (inside quotes a backslash escapes " ` $ \\), then %% becomes %."""
    value = re.sub(r"\\(.)", lambda m: {"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(m[1], m[1]), value)
    args, current, quoted, i = [], None, False, 0
    while i < len(value):
        ch = value[i]
        if quoted and ch == "\\":
            i += 1
            current += value[i]
        elif ch == '"':
            quoted, current = not quoted, current or ""
        elif ch == " " and not quoted:
            if current is not None:
                args.append(current)
            current = None
        else:
            current = (current or "") + ch
        i += 1
    if current is not None:
        args.append(current)
    return [arg.replace("%%", "%") for arg in args]


def check_installed_app(launcher: list[str], work: Path, path: str) -> dict[str, float]:
    """Run every smoke command; return how long the window took to come up on the demo."""
    work.mkdir(parents=True, exist_ok=True)
    env = base_env(work / "home", path)

    assert run(launcher, "--version", cwd=work, env=env).stdout.strip() == f"smarketer {__version__}"

    run(launcher, "demo", "demo.db", cwd=work, env=env)
    assert (work / "demo.db").stat().st_size > 100_000

    listing = run(launcher, "--db", "demo.db", "proposal", "list", cwd=work, env=env).stdout
    number = listing.splitlines()[1].split()[0]
    run(launcher, "--db", "demo.db", "proposal", "pdf", number, "-o", "proposal.pdf", cwd=work, env=env)
    assert number in page_text(work / "proposal.pdf")
    assert any("DejaVuSans" in font for font in embedded_fonts(work / "proposal.pdf"))

    run(launcher, "--db", "demo.db", "report", "-o", "report.pdf", cwd=work, env=env)
    assert "Won revenue" in page_text(work / "report.pdf")

    window_env = dict(env, SMARKETER_SMOKE_TEST="1")
    started = time.perf_counter()
    shown = run(launcher, "--demo", cwd=work, env=window_env).stdout
    window_seconds = time.perf_counter() - started
    assert "started: " in shown and "demo.db" in shown, shown

    # First start: no database yet, so the data folder is made and the assistant greets.
    data = Path(env["SMARKETER_HOME"]) / "data"
    (data / "smarketer.db").unlink(missing_ok=True)
    shown = run(launcher, cwd=work, env=window_env).stdout
    assert "Welcome to Smarketer" in shown, shown
    assert (data / "smarketer.db").is_file()
    assert (Path(env["SMARKETER_HOME"]) / "logs").is_dir()

    # The menu entry points at this very launcher.
    share = work / "share"
    entry_env = dict(env, XDG_DATA_HOME=str(share))
    run(launcher, "install-desktop-entry", cwd=work, env=entry_env)
    command = exec_arguments(desktop_entry_of(share / "applications" / f"{APP_ID}.desktop")["Exec"])
    assert run(command, "--version", cwd=work, env=env).stdout.strip() == f"smarketer {__version__}"
    assert (share / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png").is_file()
    run(launcher, "uninstall-desktop-entry", cwd=work, env=entry_env)
    assert not (share / "applications" / f"{APP_ID}.desktop").exists()
    return {"window_on_demo_seconds": window_seconds}


def executable_path(*folders: Path) -> str:
    return os.pathsep.join(str(f) for f in folders)
