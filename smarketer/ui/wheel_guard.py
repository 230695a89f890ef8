"""The mouse wheel changes a spin box, combo box or slider only when it has the focus.

Scrolling a form with the wheel must scroll the form, not turn the sending rate from 20 to 1
under the pointer. The application's style (``style.Style.polish``) hands every guarded widget
to ``guard`` once, when Qt polishes it (a shown widget's children too, hidden pages included):
it loses wheel focus, and while unfocused passes the wheel on to its parent, so the scroll area
scrolls instead. The filter sits on the guarded widgets only: an app-wide one cost a Python
call for every event of every widget (a fifth of building a section).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QAbstractSpinBox, QComboBox, QAbstractSlider)


class WheelGuard(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Wheel and isinstance(obj, QWidget) and not obj.hasFocus():
            # Handled but not accepted: Qt hands the wheel to the parent, which scrolls.
            event.ignore()
            return True
        return False


def _the_guard() -> WheelGuard:
    app = QApplication.instance()
    found = app.findChild(WheelGuard, "wheelGuard", Qt.FindChildOption.FindDirectChildrenOnly)
    if found is None:
        found = WheelGuard(app)
        found.setObjectName("wheelGuard")
    return found


def guard(widget: QWidget) -> None:
    """Guard ``widget`` if it is of a guarded kind (called once per widget, when polished)."""
    if not isinstance(widget, GUARDED):
        return
    if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a wheel must not focus it
    widget.installEventFilter(_the_guard())  # installed twice, it is still called once
