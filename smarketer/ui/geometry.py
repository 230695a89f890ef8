"""Windows and dialogs sized to the screen they open on, so nothing (a Close button, the
status bar) ends up below the bottom of a small laptop screen."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: Room left around a window for the title bar, the frame and a panel or dock.
FRAME_ROOM = QSize(40, 80)
#: The smallest screen Smarketer is designed for (a 13" laptop at 125% scaling).
SMALLEST_SCREEN = QSize(1024, 640)


def available(widget: QWidget | None = None) -> QRect:
    """The usable area of the screen ``widget`` is on (or the primary screen)."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fitted_size(preferred: QSize, area: QRect | QSize) -> QSize:
    """``preferred`` shrunk to fit ``area`` less the room a window frame needs."""
    room = area.size() if isinstance(area, QRect) else area
    return QSize(
        min(preferred.width(), max(320, room.width() - FRAME_ROOM.width())),
        min(preferred.height(), max(240, room.height() - FRAME_ROOM.height())),
    )


def fit_to_screen(widget: QWidget, width: int, height: int) -> QSize:
    """Resize ``widget`` to ``width`` x ``height``, or less where its screen is smaller."""
    size = fitted_size(QSize(width, height), available(widget.parentWidget() or widget))
    widget.resize(size)
    return size


def clamp_to_screen(widget: QWidget) -> None:
    """Move and shrink a (restored) window so that it lies wholly on its screen."""
    area = available(widget)
    size = fitted_size(widget.size(), area)
    widget.resize(size)
    frame = widget.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.y()), area.bottom() - frame.height() + 1)
    widget.move(max(x, area.x()), max(y, area.y()))
