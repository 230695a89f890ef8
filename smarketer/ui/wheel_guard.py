"""The mouse wheel changes a spin box, combo box or slider only when it has the focus.

Scrolling a form with the wheel must scroll the form, not turn the sending rate from 20 to 1
under the pointer. One app-wide event filter: guarded widgets lose wheel focus when polished,
and an unfocused one passes the wheel on to its parent (the scroll area scrolls instead).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QAbstractSpinBox, QComboBox, QAbstractSlider)


class WheelGuard(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(obj, GUARDED):
            if obj.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a wheel must not focus it
        elif kind == QEvent.Type.Wheel and isinstance(obj, GUARDED) and not obj.hasFocus():
            # Handled but not accepted: Qt hands the wheel to the parent, which scrolls.
            event.ignore()
            return True
        return False


def install(app: QApplication) -> WheelGuard:
    """Install the guard once per application; returns it."""
    guard = app.findChild(WheelGuard)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
    return guard


def is_guarded(widget: QWidget) -> bool:
    return isinstance(widget, GUARDED)
