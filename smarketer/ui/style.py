"""The one place that defines spacing, type, colours and icons; widgets use these, not ad-hoc
style sheets. Follows the system's light or dark colour scheme and changes with it, or keeps
the one chosen in View → Appearance. Every text colour here reaches WCAG AA (4.5:1) on the
backgrounds it is drawn on (tests/ui/test_contrast.py reads the palettes to check)."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QWidget

from smarketer.ui import wheel_guard

os.environ.setdefault("QT_API", "pyside6")  # qtawesome's binding layer: use ours

SPACING = 8
MARGIN = 16
ACCENT = "#2f6f5e"
ACCENT_DARK = "#5fb39a"
#: View → Appearance: follow the system, or always light, or always dark.
APPEARANCES = ("system", "light", "dark")
_appearance = "system"


@dataclass(frozen=True)
class Tones:
    """Colours that carry meaning, for text on Base, AlternateBase and Window."""

    overdue: str  # overdue tasks and close dates, errors
    warning: str  # "No next task", things to look at
    positive: str  # growth, success
    muted: str  # secondary text on cards and in figures
    chart_series: tuple[str, ...]  # bar colours: total, weighted, …
    chart_grid: str


LIGHT_TONES = Tones(
    overdue="#b3261e",
    warning="#8a4b00",
    positive="#1e6b45",
    muted="#5f6865",
    chart_series=("#2f6f5e", "#8fbfae", "#b36b00"),
    chart_grid="#dde2df",
)
DARK_TONES = Tones(
    overdue="#ff9c94",
    warning="#ffc266",
    positive="#7fd8a8",
    muted="#a9b2ae",
    chart_series=("#5fb39a", "#2f6f5e", "#e0a040"),
    chart_grid="#3a4044",
)

#: Phosphor icons (MIT licence, shipped inside qtawesome) for each section of the app.
ICONS = {
    "Dashboard": "ph.chart-line-up",
    "Today": "ph.sun",
    "Contacts": "ph.address-book",
    "Campaigns": "ph.paper-plane-tilt",
    "Deals": "ph.columns",
    "Proposals": "ph.file-text",
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
    families = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(str(fonts[-1])))
    if not families:
        return None
    return families[0], json.loads(charmaps[-1].read_text(encoding="utf-8"))


def is_dark(app: QApplication | None = None) -> bool:
    app = app or QApplication.instance()
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def tones(app: QApplication | None = None) -> Tones:
    """The meaning-carrying colours of the palette in use."""
    return DARK_TONES if is_dark(app) else LIGHT_TONES


def contrast(a: QColor | str, b: QColor | str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""

    def luminance(color: QColor) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(color.redF())
            + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF())
        )

    la, lb = sorted((luminance(QColor(a)), luminance(QColor(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def dark_palette() -> QPalette:
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#202427",
        QPalette.ColorRole.WindowText: "#e3e7e5",
        QPalette.ColorRole.Base: "#17191b",
        QPalette.ColorRole.AlternateBase: "#24282b",
        QPalette.ColorRole.Text: "#e3e7e5",
        QPalette.ColorRole.Button: "#2b3033",
        QPalette.ColorRole.ButtonText: "#e3e7e5",
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2b3033",
        QPalette.ColorRole.ToolTipText: "#e3e7e5",
        QPalette.ColorRole.PlaceholderText: "#a3aca8",
        QPalette.ColorRole.Mid: "#454b4f",
        QPalette.ColorRole.Link: ACCENT_DARK,
        QPalette.ColorRole.Light: "#3a4044",
        QPalette.ColorRole.Midlight: "#30353a",
        QPalette.ColorRole.Dark: "#111314",
        QPalette.ColorRole.Shadow: "#000000",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.LinkVisited: "#9fc9bb",
    }
    for role, value in colors.items():
        p.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7773"))
    return p


def light_palette() -> QPalette:
    p = QApplication.style().standardPalette()
    p.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor(LIGHT_TONES.muted))
    p.setColor(QPalette.ColorRole.Link, QColor(ACCENT))
    return p


def indicator_border(palette: QPalette) -> QColor:
    """The outline of check boxes: at least 3:1 against Base (WCAG non-text contrast)."""
    return palette.color(QPalette.ColorRole.PlaceholderText)


class Style(QProxyStyle):
    """Fusion, with check boxes whose outline shows on a dark Base too, and the wheel guard
    (``wheel_guard``) on every spin box, combo box and slider as Qt polishes it."""

    CHECKS = (
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,
        QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
    )

    def polish(self, target) -> None:  # type: ignore[override]  # noqa: D102 - three overloads
        super().polish(target)
        if isinstance(target, QWidget):
            wheel_guard.guard(target)

    def drawPrimitive(self, element, option, painter: QPainter, widget=None) -> None:  # noqa: N802
        super().drawPrimitive(element, option, painter, widget)
        if element in self.CHECKS:
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(indicator_border(option.palette), 1))
            r: QRect = option.rect
            side = min(r.width(), r.height()) - 1
            box = QRect(r.x() + (r.width() - side) // 2, r.y() + (r.height() - side) // 2, side, side)
            painter.drawRect(box.adjusted(0, 0, -1, -1))
            painter.restore()


_style: list[QProxyStyle] = []  # one, kept alive for as long as the application uses it


def make_style() -> QProxyStyle:
    from PySide6.QtWidgets import QStyleFactory

    if not _style:
        _style.append(Style(QStyleFactory.create("Fusion")))
    return _style[0]


def stylesheet(dark: bool) -> str:
    sidebar_bg = "#1a1d1f" if dark else "#eef1ef"
    sidebar_fg = "#d7dcd9" if dark else "#2b2f2d"
    selected_bg = ACCENT if dark else "#d5e6df"
    selected_fg = "#ffffff" if dark else "#1d4a3e"
    tone = DARK_TONES if dark else LIGHT_TONES
    muted = tone.muted
    error = tone.overdue
    card = "#3a3f42" if dark else "#d9dedb"
    return f"""
    QListWidget#sidebar {{
        background: {sidebar_bg}; color: {sidebar_fg}; border: none;
        padding: {SPACING}px 6px; font-size: 11pt; outline: 0;
    }}
    QListWidget#sidebar::item {{ padding: 7px 10px; border-radius: 6px; margin: 1px 0; }}
    QListWidget#sidebar[collapsed="true"] {{ padding: {SPACING}px 4px; }}
    QListWidget#sidebar[collapsed="true"]::item {{ padding: 7px 8px; }}
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
    """Palette, style sheet and icon for the given colour scheme, or the chosen appearance."""
    app.setWindowIcon(app_icon())
    if scheme is None:
        scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(
            _appearance, app.styleHints().colorScheme()
        )
    dark = scheme == Qt.ColorScheme.Dark
    palette, sheet = dark_palette() if dark else light_palette(), stylesheet(dark)
    # Setting either again re-polishes every widget (most of a second on a loaded machine):
    # only when it changes, e.g. not when the window restores the appearance it started with.
    if app.palette() != palette:
        app.setPalette(palette)
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)


def set_appearance(app: QApplication, choice: str) -> None:
    """View → Appearance: "system" follows the desktop; "light" and "dark" stay put."""
    global _appearance
    if choice not in APPEARANCES:
        raise ValueError(f"appearance must be one of {', '.join(APPEARANCES)}")
    _appearance = choice
    apply(app)


def appearance() -> str:
    return _appearance


def follow_system(app: QApplication, on_change=None) -> None:
    """Re-style when the system switches between light and dark (unless a choice is pinned)."""

    def changed(scheme) -> None:
        if _appearance == "system":
            apply(app, scheme)
        if on_change:
            on_change()

    app.styleHints().colorSchemeChanged.connect(changed)
