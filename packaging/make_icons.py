"""Render the app icon (resources/smarketer.svg) as the PNGs of the hicolor icon theme.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py

Run it after changing the SVG; tests/packaging/test_desktop_files.py checks that the PNGs in
resources/icons/ are the SVG rendered at their sizes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "smarketer.svg"
ICONS = ROOT / "resources" / "icons"
#: The sizes (in pixels) installed under hicolor/NxN/apps; the SVG goes to hicolor/scalable.
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    return image


def png_path(size: int) -> Path:
    return ICONS / f"smarketer-{size}.png"


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for size in SIZES:
        if not render(size).save(str(png_path(size))):
            print(f"could not write {png_path(size)}", file=sys.stderr)
            return 1
        print(png_path(size).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
