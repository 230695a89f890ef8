"""The pieces every sidebar section is built from: a header, an empty state, a base class."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from smarketer.ui import style

#: The delay between the parts of a section built or filled on successive turns of the event
#: loop. A real timer, not a zero one: zero timers run in the same pass as the paint and each
#: other, so the window would not see a keystroke (or repaint) between two parts.
NEXT_TURN_MS = 5


@dataclass(frozen=True)
class SectionCommand:
    """A command of a section, offered in the Go menu (and so by Ctrl+K) before the section is
    built: its text as the section's own button or action reads, and the method that runs it
    ("sending.send_test": a method of a part of the section)."""

    text: str
    method: str
    tip: str = ""


#: Each section's main commands: the one list the Go menu's section submenus are made from;
#: a test holds every entry to a button or action of the built section with the same text.
SECTION_MENUS: dict[str, tuple[SectionCommand, ...]] = {
    "Dashboard": (SectionCommand("Export PDF…", "export_report", "the one-page report"),),
    "Contacts": (
        SectionCommand("New contact", "new_item", "create add"),
        SectionCommand("Import…", "choose_import", "contacts from a CSV, Excel or vCard file"),
        SectionCommand("Export…", "choose_export", "contacts to CSV, Excel or vCard"),
        SectionCommand("Find duplicates…", "show_duplicates", "merge"),
    ),
    "Campaigns": (
        SectionCommand("New campaign", "new_item", "create add"),
        SectionCommand("Send test email to myself", "sending.send_test"),
        SectionCommand("Check inbox", "sending.check_inbox", "replies bounces unsubscribes"),
        SectionCommand("Import unsubscribes…", "import_unsubscribes", "suppression list"),
    ),
    "Deals": (
        SectionCommand("New deal", "new_item", "create add"),
        SectionCommand("Stages…", "edit_stages", "pipeline rename reorder"),
    ),
    "Proposals": (
        SectionCommand("New proposal", "new_item", "create add"),
        SectionCommand("Catalog…", "edit_catalog", "products services prices"),
        SectionCommand("Blocks…", "edit_blocks", "reusable text"),
    ),
}


def run_command(section, method: str) -> None:
    """Run ``method`` ("edit_stages", "sending.send_test") of a built section."""
    target = section
    for name in method.split("."):
        target = getattr(target, name)
    target()


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

    def finish_building(self) -> None:
        """Build now what the section builds on later turns of the event loop (the command
        palette lists every button of a built section)."""

    def reload_in_background(self) -> None:
        """Something changed in another section: read again, without keeping the window waiting
        (sections whose reload reads the store on the GUI thread override this)."""
        self.reload()
