"""The Linux app bundle: packaging/build_bundle.py builds it with PyInstaller and packs it; the
tarball is unpacked and started with nothing but the bundle itself (an empty PATH, no Python
variables), through the same smoke commands as the wheel.

Slow by nature (PyInstaller analyses every import and copies Qt): about 3-8 minutes on two
cores, which is why it builds once per test session.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from smarketer import APP_ID, __version__
from tests.packaging import smoke

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        not sys.platform.startswith("linux"),
        reason="the tarball is Linux's; Windows and macOS build on their own",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("PyInstaller") is None, reason="pyinstaller comes with the test extra"
    ),
    pytest.mark.timeout(1800),  # the build (in the first test's setup) takes minutes
]

#: The Qt libraries the bundle may hold: the modules Smarketer imports (Core, Gui, Widgets,
#: Charts, Pdf, PdfWidgets, Svg for icons), what they link (DBus, Network, OpenGL) and the
#: xcb and Wayland platform plugins' own.
QT_LIBRARIES = {
    "Charts",
    "Core",
    "DBus",
    "Gui",
    "Network",
    "OpenGL",
    "OpenGLWidgets",
    "Pdf",
    "PdfWidgets",
    "Svg",
    "WaylandClient",
    "Widgets",
    "WlShellIntegration",
    "XcbQpa",
}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "build_bundle.py"),
            "--out",
            str(out / "dist"),
            "--work",
            str(out / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    tarball = next((out / "dist").glob(f"smarketer-{__version__}-linux-*.tar.gz"))
    unpacked = out / "unpacked"
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="data")
    return {"tarball": tarball, "root": unpacked / "smarketer"}


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def test_bundle_holds_the_app_its_menu_entry_and_only_the_qt_it_uses(bundle):
    root = bundle["root"]
    assert (root / "smarketer").is_file()
    for name in (f"{APP_ID}.desktop", f"{APP_ID}.png", "README.txt"):
        assert (root / name).is_file(), name
    qt = {re.match(r"libQt6(\w+?)\.so", p.name)[1] for p in (root / "_internal").rglob("libQt6*.so*")}
    assert qt == QT_LIBRARIES
    assert not list((root / "_internal").rglob("*WebEngine*"))
    # What the owner downloads and keeps; README.md states these figures.
    assert bundle["tarball"].stat().st_size < 110_000_000  # 96 MB on 2026-11-23
    assert folder_size(root) < 260_000_000  # 231 MB


def test_bundle_runs_with_no_python_around(bundle, tmp_path):
    empty = tmp_path / "empty-path"
    empty.mkdir()
    smoke.check_installed_app([str(bundle["root"] / "smarketer")], tmp_path / "run", str(empty))
