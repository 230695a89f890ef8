"""The one place that defines spacing, type, colours and icons; widgets use these, not ad-hoc
style sheets. Follows the system's light or dark colour scheme, and changes with it."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
from importlib import resources
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

os.environ.setdefault("QT_API", "pyside6")  # qtawesome's binding layer: use ours

SPACING = 8
MARGIN = 16
ACCENT = "#2f6f5e"
ACCENT_DARK = "#5fb39a"

#: Phosphor icons (MIT licence, shipped inside qtawesome) for each section of the app.
ICONS = {
    "Dashboard": "ph.chart-line-up", "Today": "ph.sun", "Contacts": "ph.address-book",
    "Campaigns": "ph.paper-plane-tilt", "Deals": "ph.columns", "Proposals": "ph.file-text",
    "Settings": "ph.gear",
}


def app_icon() -> QIcon:
    return QIcon(str(resources.files("smarketer.resources") / "smarketer.svg"))


def icon(name: str, app: QApplication | None = None) -> QIcon:
    app = app or QApplication.instance()
    color = app.palette().color(QPalette.ColorRole.WindowText).name()
    font = _phosphor_font()
    if font is None:  # a qtawesome without the font files where we look: ask it
        import qtawesome

        return qtawesome.icon(ICONS[name], color=color)
    family, charmap = font
    glyph = chr(int(charmap[ICONS[name].removeprefix("ph.")], 16))
    result = QIcon()
    for size in (16, 20, 24, 32, 48):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        glyph_font = QFont(family)
        glyph_font.setPixelSize(round(size * 0.9))
        painter = QPainter(pixmap)
        painter.setFont(glyph_font)
        painter.setPen(QColor(color))
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, glyph)
        painter.end()
        result.addPixmap(pixmap)
    return result


@functools.cache
def _phosphor_font() -> tuple[str, dict[str, str]] | None:
    """The Phosphor icon font that ships inside qtawesome, loaded straight from its files:
    importing qtawesome (and its qtpy layer) costs about half a second at start-up."""
    spec = importlib.util.find_spec("qtawesome")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    fonts = sorted(folder.glob("phosphor-[0-9]*.ttf"))
    charmaps = sorted(folder.glob("phosphor-charmap-*.json"))
    if not fonts or not charmaps:
        return None
    families = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(
        str(fonts[-1])))
    if not families:
        return None
    return families[0], json.loads(charmaps[-1].read_text(encoding="utf-8"))


def is_dark(app: QApplication | None = None) -> bool:
    app = app or QApplication.instance()
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#202427", QPalette.ColorRole.WindowText: "#e3e7e5",
        QPalette.ColorRole.Base: "#17191b", QPalette.ColorRole.AlternateBase: "#24282b",
        QPalette.ColorRole.Text: "#e3e7e5", QPalette.ColorRole.Button: "#2b3033",
        QPalette.ColorRole.ButtonText: "#e3e7e5", QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#2b3033",
        QPalette.ColorRole.ToolTipText: "#e3e7e5", QPalette.ColorRole.PlaceholderText: "#8f9894",
        QPalette.ColorRole.Mid: "#454b4f", QPalette.ColorRole.Link: ACCENT_DARK,
    }
    for role, value in colors.items():
        p.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7773"))
    return p


def light_palette() -> QPalette:
    p = QApplication.style().standardPalette()
    p.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    return p


def stylesheet(dark: bool) -> str:
    sidebar_bg = "#1a1d1f" if dark else "#eef1ef"
    sidebar_fg = "#d7dcd9" if dark else "#2b2f2d"
    selected_bg = ACCENT if dark else "#d5e6df"
    selected_fg = "#ffffff" if dark else "#1d4a3e"
    muted = "#9aa39f" if dark else "#5f6865"
    error = "#ff8a80" if dark else "#b3261e"
    card = "#3a3f42" if dark else "#d9dedb"
    return f"""
    QListWidget#sidebar {{
        background: {sidebar_bg}; color: {sidebar_fg}; border: none;
        padding: {SPACING}px 6px; font-size: 11pt; outline: 0;
    }}
    QListWidget#sidebar::item {{ padding: 7px 10px; border-radius: 6px; margin: 1px 0; }}
    QListWidget#sidebar::item:selected {{ background: {selected_bg}; color: {selected_fg}; }}
    QLabel[role="title"] {{ font-size: 17pt; font-weight: 600; }}
    QLabel[role="subtitle"] {{ color: {muted}; font-size: 10.5pt; }}
    QLabel[role="emptyTitle"] {{ font-size: 14pt; font-weight: 600; }}
    QLabel[role="emptyText"] {{ color: {muted}; font-size: 10.5pt; }}
    QLabel[role="fieldError"] {{ color: {error}; font-size: 9pt; }}
    QLabel[role="figure"] {{ font-size: 20pt; font-weight: 600; }}
    QLabel[role="dropZone"] {{ border: 2px dashed {card}; border-radius: 8px; color: {muted}; }}
    QFrame[role="card"] {{ border: 1px solid {card}; border-radius: 8px; }}
    QFrame#toast {{ background: {"#2b3033" if dark else "#2b2f2d"}; border-radius: 8px; }}
    QFrame#toast QLabel {{ color: #ffffff; }}
    """


def apply(app: QApplication, scheme: Qt.ColorScheme | None = None) -> None:
    """Palette, style sheet and icon for the current (or the given) colour scheme."""
    app.setWindowIcon(app_icon())
    if scheme is None:
        scheme = app.styleHints().colorScheme()
    dark = scheme == Qt.ColorScheme.Dark
    app.setPalette(dark_palette() if dark else light_palette())
    app.setStyleSheet(stylesheet(dark))


def follow_system(app: QApplication, on_change=None) -> None:
    """Re-style when the system switches between light and dark."""

    def changed(scheme) -> None:
        apply(app, scheme)
        if on_change:
            on_change()

    app.styleHints().colorSchemeChanged.connect(changed)
