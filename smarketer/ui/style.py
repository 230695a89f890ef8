"""The one place that defines spacing, type and colours; widgets use these, not ad-hoc CSS."""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication

SPACING = 8
MARGIN = 16
ACCENT = "#2f6f5e"


def app_icon() -> QIcon:
    return QIcon(str(resources.files("smarketer.resources") / "smarketer.svg"))


def is_dark(app: QApplication | None = None) -> bool:
    app = app or QApplication.instance()
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def stylesheet(dark: bool) -> str:
    sidebar_bg = "#1f2326" if dark else "#eef1ef"
    sidebar_fg = "#d7dcd9" if dark else "#2b2f2d"
    selected_bg = "#2f6f5e" if dark else "#d5e6df"
    selected_fg = "#ffffff" if dark else "#1d4a3e"
    muted = "#9aa39f" if dark else "#5f6865"
    error = "#ff8a80" if dark else "#b3261e"
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
    QFrame[role="card"] {{
        border: 1px solid {"#3a3f42" if dark else "#d9dedb"}; border-radius: 8px;
    }}
    """


def apply(app: QApplication) -> None:
    app.setWindowIcon(app_icon())
    app.setStyleSheet(stylesheet(is_dark(app)))
