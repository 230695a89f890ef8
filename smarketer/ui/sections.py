"""The pieces every sidebar section is built from: a header, an empty state, a base class."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from smarketer.ui import style


def menu_text(text: str) -> str:
    """A user's text as a menu item or button shows it: "About Hollis & Reed", not "Reed"
    with the R underlined (a single & marks a keyboard mnemonic)."""
    return text.replace("&", "&&")


def title_label(text: str, role: str = "title") -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(True)
    return label


class IntoResults(QObject):
    """Down or Enter in a search box moves into its results (the first one if none is
    current), as in a browser's address bar, instead of six presses of Tab."""

    KEYS = (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)

    def __init__(
        self,
        search: QLineEdit,
        results: Callable[[], QAbstractItemView | None],
        flush: Callable[[], None] | None = None,
    ):
        super().__init__(search)
        self.results, self.flush = results, flush  # flush: run a debounced search now
        search.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in self.KEYS
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            if self.flush:
                self.flush()
            view = self.results()
            model = view.model() if view is not None else None
            if model is not None and model.rowCount() > 0:
                if not view.currentIndex().isValid():
                    view.setCurrentIndex(model.index(0, 0))
                view.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return False


class EmptyState(QWidget):
    """A calm centred message saying what will be here and what to do next."""

    def __init__(
        self,
        title: str,
        text: str,
        action_text: str = "",
        action: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title = title_label(title, "emptyTitle")
        self.text = title_label(text, "emptyText")
        for label in (self.title, self.text):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(label)
        self.button = None
        if action_text and action:
            self.button = QPushButton(action_text)
            self.button.clicked.connect(action)
            layout.addSpacing(style.SPACING)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


class Section(QWidget):
    """A page of the main window. Subclasses override what they support."""

    #: The sidebar label; also the accessible name of the page.
    label = ""
    #: The text of File → New in this section, or "" when there is nothing to create.
    new_item_text = ""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(self.label)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        self.layout_.setSpacing(style.SPACING)

    def new_item(self) -> None:
        """File → New (Ctrl+N) while this section is shown."""

    def focus_search(self) -> bool:
        """Edit → Find (Ctrl+F); return False when the section has nothing to search."""
        return False

    def reload(self) -> None:
        """Read everything again from the store (it changed or was replaced)."""
