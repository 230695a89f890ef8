"""dev.py's check of Qt's system libraries: the xcb ones only matter on a real display."""

from __future__ import annotations

import ctypes.util
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
dev = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dev)

XCB_PACKAGES = {
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-randr0",
    "libxcb-shape0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
    "libx11-xcb1",
}


def test_xcb_libraries_are_asked_for_only_with_a_display(monkeypatch):
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)  # a bare machine
    headless = set(dev.missing_system_libs(display=False))
    assert "libegl1" in headless and not headless & XCB_PACKAGES
    assert set(dev.missing_system_libs(display=True)) - headless == XCB_PACKAGES


def test_a_display_is_x11_or_wayland(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert not dev.has_display()
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert dev.has_display()


def test_readme_names_every_xcb_package():
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert all(package in readme for package in XCB_PACKAGES)
