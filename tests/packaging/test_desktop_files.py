"""The desktop entry, the AppStream metainfo and the icons, as Linux desktops read them."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from smarketer import APP_ID, __version__, desktop_entry
from tests.packaging.smoke import desktop_entry_of, exec_arguments

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = ROOT / "resources" / "desktop" / f"{APP_ID}.desktop"
METAINFO = ROOT / "resources" / "desktop" / f"{APP_ID}.metainfo.xml"


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (apt-get install {package}; dev.py does in CI)")
    return found


def test_desktop_file_is_valid():
    validate = tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([validate, str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_metainfo_is_valid():
    appstreamcli = tool("appstreamcli", "appstream")
    result = subprocess.run(
        [appstreamcli, "validate", "--no-net", "--explain", str(METAINFO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_entry_metainfo_icon_and_window_share_one_id(qapp):
    from smarketer.ui.app import make_application

    component = ET.parse(METAINFO).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == DESKTOP.name
    assert desktop_entry_of(DESKTOP)["Icon"] == APP_ID
    assert make_application().desktopFileName() == APP_ID


def test_metainfo_names_this_version_as_its_newest_release():
    releases = ET.parse(METAINFO).getroot().find("releases")
    assert releases[0].get("version") == __version__, "add a <release> for the new version"


def test_png_icons_are_the_svg_at_their_sizes(qapp):
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "packaging" / "make_icons.py")
    make_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icons)
    assert make_icons.SIZES == desktop_entry.ICON_SIZES
    for size in make_icons.SIZES:
        shipped = QImage(str(make_icons.png_path(size))).convertToFormat(QImage.Format.Format_ARGB32)
        assert (shipped.width(), shipped.height()) == (size, size)
        assert shipped == make_icons.render(size), (
            f"{size}px differs from the SVG: run packaging/make_icons.py"
        )


@pytest.fixture
def odd_launcher(tmp_path) -> Path:
    """The installed `smarketer` launcher, reached through a folder whose name needs quoting."""
    launcher = shutil.which("smarketer", path=str(Path(sys.executable).parent))
    if launcher is None:
        pytest.skip("the smarketer console script is not installed beside this Python")
    folder = tmp_path / 'My Apps $HOME "100%"'
    folder.mkdir()
    (folder / "smarketer").symlink_to(launcher)
    return folder / "smarketer"


def test_installed_entry_is_valid_and_starts_this_smarketer(tmp_path, odd_launcher):
    home = tmp_path / "share"
    written = desktop_entry.install(home, [str(odd_launcher)])
    assert set(written) == set(desktop_entry.targets(home).values())
    entry = home / "applications" / f"{APP_ID}.desktop"
    validate = tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([validate, str(entry)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout

    command = exec_arguments(desktop_entry_of(entry)["Exec"])
    assert command == [str(odd_launcher)]
    version = subprocess.run([*command, "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == f"smarketer {__version__}"
    assert QImage(str(home / "icons/hicolor/48x48/apps" / f"{APP_ID}.png")).width() == 48

    removed = desktop_entry.uninstall(home)
    assert set(removed) == set(written)
    assert not any(p.exists() for p in written)
    assert desktop_entry.uninstall(home) == []


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "smarketer", *args], capture_output=True, text=True, env=env)


def test_cli_adds_and_removes_the_menu_entry(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "share"))
    added = cli("install-desktop-entry", env=env)
    assert added.returncode == 0 and "Added Smarketer to the applications menu" in added.stdout
    entry = tmp_path / "share" / "applications" / f"{APP_ID}.desktop"
    # Started as `python -m smarketer` (from a checkout), the entry runs this Python.
    command = exec_arguments(desktop_entry_of(entry)["Exec"])
    assert command[1:] == ["-m", "smarketer"]
    version = subprocess.run([*command, "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == f"smarketer {__version__}"

    assert "Removed 11 files" in cli("uninstall-desktop-entry", env=env).stdout
    assert "no menu entry" in cli("uninstall-desktop-entry", env=env).stdout


def test_cli_says_in_one_line_why_it_cannot_add_the_entry(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    failed = cli("install-desktop-entry", env=dict(os.environ, XDG_DATA_HOME=str(blocker)))
    assert failed.returncode == 1
    assert failed.stderr.startswith("smarketer: error: cannot write "), failed.stderr
    assert failed.stderr.count("\n") == 1, failed.stderr
