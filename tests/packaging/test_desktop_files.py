"""The desktop entry, the AppStream metainfo and the icons, as Linux desktops read them."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from smarketer import APP_ID, __version__, desktop_entry

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = ROOT / "resources" / "desktop" / f"{APP_ID}.desktop"
METAINFO = ROOT / "resources" / "desktop" / f"{APP_ID}.metainfo.xml"


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (apt-get install {package}; dev.py does in CI)")
    return found


def desktop_entry_of(path: Path) -> dict[str, str]:
    parser = ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_desktop_file_is_valid():
    validate = tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([validate, str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_metainfo_is_valid():
    appstreamcli = tool("appstreamcli", "appstream")
    result = subprocess.run([appstreamcli, "validate", "--no-net", "--explain", str(METAINFO)],
                            capture_output=True, text=True)
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
        shipped = QImage(str(make_icons.png_path(size))).convertToFormat(
            QImage.Format.Format_ARGB32)
        assert (shipped.width(), shipped.height()) == (size, size)
        assert shipped == make_icons.render(size), \
            f"{size}px differs from the SVG: run packaging/make_icons.py"


def exec_arguments(value: str) -> list[str]:
    """What a desktop does with Exec= (Desktop Entry spec): unescape the string, split it at
    unquoted spaces (inside quotes a backslash escapes " ` $ \\), then %% becomes %."""
    value = re.sub(r"\\(.)", lambda m: {"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(
        m[1], m[1]), value)
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
