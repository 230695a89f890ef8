"""Build the Smarketer app bundle with PyInstaller, and on Linux pack it as a tarball.

    .venv/bin/python packaging/build_bundle.py [--out DIR] [--work DIR]

Needs Smarketer and pyinstaller installed in the running Python (`python3 dev.py test tests/
test_demo.py` sets up .venv with both). Writes DIR/smarketer/ (the one-folder app: run
DIR/smarketer/smarketer) and, on Linux, DIR/smarketer-VERSION-linux-ARCH.tar.gz holding it with
the menu entry and the icon beside the executable. The same spec builds the Windows and macOS
apps on those systems (PyInstaller does not cross-build); only the tarball is Linux's.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from smarketer import APP_ID, __version__  # noqa: E402

README = """Smarketer {version}: the app, with everything it needs inside (no Python required).

Start it:               ./smarketer
Add it to the menu:     ./smarketer install-desktop-entry   (remove: uninstall-desktop-entry)
The command line:       ./smarketer --help

Keep this folder where it is after adding the menu entry (e.g. ~/Applications/smarketer);
the entry points here. On a desktop, Qt needs the X11 libraries listed in Smarketer's README
(Debian/Ubuntu: libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1).
"""


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(out: Path, work: Path) -> Path:
    import PyInstaller.__main__

    # In this process, so stopping the build stops all of it.
    PyInstaller.__main__.run(
        [
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(out),
            "--workpath",
            str(work),
            str(HERE / "smarketer.spec"),
        ]
    )
    return out / "smarketer"


def add_desktop_files(bundle: Path) -> None:
    shutil.copy2(ROOT / "resources" / "desktop" / f"{APP_ID}.desktop", bundle)
    shutil.copy2(ROOT / "resources" / "icons" / "smarketer-256.png", bundle / f"{APP_ID}.png")
    (bundle / "README.txt").write_text(README.format(version=__version__), encoding="utf-8")


def pack(bundle: Path) -> Path:
    arch = platform.machine().lower()
    tarball = bundle.parent / f"smarketer-{__version__}-linux-{arch}.tar.gz"
    with tarfile.open(tarball, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname="smarketer")
    return tarball


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    args = parser.parse_args(argv)
    bundle = build(args.out.resolve(), args.work.resolve())
    add_desktop_files(bundle)
    print(f"{bundle}: {folder_size(bundle) / 1e6:.0f} MB")
    if sys.platform.startswith("linux"):
        tarball = pack(bundle)
        print(f"{tarball}: {tarball.stat().st_size / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
