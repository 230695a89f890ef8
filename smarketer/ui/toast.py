"""A quiet, non-blocking notification with an optional Undo. In a status bar it sits beside
the contact count and covers nothing; elsewhere it floats in its parent's corner."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget


class Toast(QFrame):
    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("toast")
        self.label = QLabel()
        self.button = QPushButton()
        self.button.hide()
        self.button.clicked.connect(self._clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 1, 4, 1)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.hide)
        self._action: Callable[[], None] | None = None
        self.hide()

    def show_message(
        self, text: str, action_text: str = "", action: Callable[[], None] | None = None, msecs: int = 6000
    ) -> None:
        self.label.setText(text)
        self._action = action
        self.button.setText(action_text)
        self.button.setVisible(bool(action_text and action))
        parent = self.parentWidget()
        if not isinstance(parent, QStatusBar):
            self.adjustSize()
            self.move(parent.width() - self.width() - 24, parent.height() - self.height() - 40)
            self.raise_()
        self.show()
        self.timer.start(msecs)

    def _clicked(self) -> None:
        action, self._action = self._action, None
        self.hide()
        if action:
            action()
