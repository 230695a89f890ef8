#!/usr/bin/env python3
"""Set up everything Smarketer needs, then run the app or the tests.

    python3 dev.py run     # a venv in .venv, the app and its dependencies, then the demo
    python3 dev.py test    # the same plus test dependencies, then the whole test suite

Needs only Python 3.11+ and pip. Extra arguments go to the app or to pytest. On Linux, when
run as root with CI=true, missing Qt system libraries are installed with apt-get.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")

# Qt's runtime on a bare Debian/Ubuntu (library to look for -> package that ships it).
QT_SYSTEM_LIBS = {
    "EGL": "libegl1",
    "GL": "libgl1",
    "fontconfig": "libfontconfig1",
    "freetype": "libfreetype6",
    "xkbcommon": "libxkbcommon0",
    "glib-2.0": "libglib2.0-0",
    "dbus-1": "libdbus-1-3",
    "X11": "libx11-6",
    "xcb": "libxcb1",
}
# What Qt's xcb platform plugin loads on a real X11 (or XWayland) display; without them the
# window does not open ("could not load the Qt platform plugin xcb"). Offscreen needs none.
XCB_DISPLAY_LIBS = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-image": "libxcb-image0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-randr": "libxcb-randr0",
    "xcb-shape": "libxcb-shape0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "X11-xcb": "libx11-xcb1",
}
FONT_PACKAGE = "fonts-dejavu-core"
# Programs the tests run (program -> package): a private Dovecot (a real IMAP server) for the
# inbox tests; the freedesktop.org validators for the desktop entry and AppStream metainfo; a
# private PostgreSQL cluster (initdb, pg_ctl) for the server-store tests.
TEST_PACKAGES = {
    "dovecot": "dovecot-imapd",
    "desktop-file-validate": "desktop-file-utils",
    "appstreamcli": "appstream",
    "initdb": "postgresql",
}


def has_program(binary: str) -> bool:
    """On the PATH, in /usr/sbin, or where Debian keeps PostgreSQL's (/usr/lib/postgresql/N/bin)."""
    return bool(
        shutil.which(binary)
        or Path(f"/usr/sbin/{binary}").exists()
        or list(Path("/usr/lib/postgresql").glob(f"*/bin/{binary}"))
    )


def say(text: str) -> None:
    print(f"[dev] {text}", flush=True)


def run(*cmd: str | Path, **kwargs) -> None:
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kwargs)


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def missing_system_libs(display: bool) -> list[str]:
    """Debian/Ubuntu packages of Qt's runtime that this machine lacks (the xcb ones only
    matter when a window is really shown, so only with a display)."""
    wanted = dict(QT_SYSTEM_LIBS, **(XCB_DISPLAY_LIBS if display else {}))
    return [pkg for lib, pkg in wanted.items() if not ctypes.util.find_library(lib)]


def ensure_system_libs() -> None:
    if not sys.platform.startswith("linux"):
        return
    missing = missing_system_libs(has_display())
    if not Path("/usr/share/fonts").is_dir() or not any(Path("/usr/share/fonts").rglob("*.ttf")):
        missing.append(FONT_PACKAGE)
    if not missing:
        return
    if os.environ.get("CI") == "true" and hasattr(os, "geteuid") and os.geteuid() == 0:
        say(f"installing Qt system libraries: {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run("apt-get", "update", "-q", env=env)
        run("apt-get", "install", "-y", "-q", "--no-install-recommends", *missing, env=env)
    else:
        say(
            f"Qt may need these system packages: {' '.join(missing)} (install them with your package manager)"
        )


def ensure_test_servers() -> None:
    """In CI (root, CI=true) install the real servers the tests talk to; elsewhere say so."""
    missing = [pkg for binary, pkg in TEST_PACKAGES.items() if not has_program(binary)]
    if not missing or not sys.platform.startswith("linux"):
        return
    if os.environ.get("CI") == "true" and hasattr(os, "geteuid") and os.geteuid() == 0:
        say(f"installing test servers: {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        try:
            run("apt-get", "update", "-q", env=env)
            run("apt-get", "install", "-y", "-q", "--no-install-recommends", *missing, env=env)
        except (subprocess.CalledProcessError, FileNotFoundError) as exc:
            say(f"could not install {' '.join(missing)} ({exc}); the tests that need them will be skipped")
    else:
        say(f"some tests need {' '.join(missing)} (apt-get install); they are skipped without it")


def ensure_venv() -> None:
    if PYTHON.exists():
        return
    say("creating the virtual environment in .venv")
    try:
        run(sys.executable, "-m", "venv", VENV, stderr=subprocess.DEVNULL)
    except subprocess.CalledProcessError:
        # Debian without python3-venv: fall back to virtualenv from PyPI.
        run(sys.executable, "-m", "pip", "install", "--user", "--quiet", "virtualenv")
        run(sys.executable, "-m", "virtualenv", "--quiet", VENV)


def ensure_installed(extra: str) -> None:
    stamp = VENV / f".installed-{extra}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"installing Smarketer and its {extra} dependencies")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = ".[test]" if extra == "test" else "."
    run(PYTHON, "-m", "pip", "install", "--quiet", "--editable", target)
    stamp.write_text(digest)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on whatever python3 is
        say(f"Smarketer needs Python 3.11 or newer; this is {sys.version.split()[0]}")
        return 2
    ensure_system_libs()
    ensure_venv()
    ensure_installed("test" if command == "test" else "app")
    if command == "test":
        ensure_test_servers()
    if command == "run":
        return subprocess.call([str(BIN / "smarketer"), *(rest or ["--demo"])], cwd=ROOT)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
