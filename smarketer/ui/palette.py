"""Ctrl+K: one box that finds sections, commands, contacts, deals and proposals by name, and
runs what it found. Every menu action and every button of a section is a command, found by
the words of its text and its tooltip ("new deal", "import", "send test email")."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QVBoxLayout,
)

from smarketer import settings
from smarketer.contacts.editing import find_contacts
from smarketer.money import format_money
from smarketer.pipeline.deals import find_deals
from smarketer.proposals.drafts import find_proposals
from smarketer.ui.geometry import fit_to_screen
from smarketer.ui.sections import EmptyState

#: "P-2026-0001", "HR-20", "P-20…": what a proposal number looks like while it is typed.
PROPOSAL_NUMBER = re.compile(r"^[A-Za-z]{1,8}-\d[\d-]*(-R\d*)?$")


@dataclass
class Entry:
    kind: str  # Section, Command, Contact, Deal, Proposal
    text: str
    run: Callable[[], None]
    detail: str = ""  # what tells it apart: its section, stage, contact, value
    words: str = ""  # more words it is found by (a tooltip, a menu path)
    source: object = None  # the QAction or button it runs, left out while disabled


def words_of(text: str) -> list[str]:
    return re.findall(r"\w+", text.replace("&", "").lower())


def matches(query: list[str], text: str) -> bool:
    """Every word typed starts a word of ``text`` ("send test email" finds "Send a test email
    to myself"); an empty query matches everything."""
    have = words_of(text)
    return all(any(w.startswith(q) for w in have) for q in query)


def _in_hidden_empty_state(widget) -> bool:
    """A button of an empty state the section does not show (its "Open the demo" while the
    store has contacts) is no command."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, EmptyState) and parent.isHidden():
            return True
        parent = parent.parentWidget()
    return False


def plain(text: str) -> str:
    return text.replace("&", "").rstrip("…").rstrip(".").strip()


class CommandPalette(QDialog):
    MAX_PER_KIND = 6

    def __init__(self, window, parent=None):
        super().__init__(parent or window)
        self.window_ = window
        self.setWindowTitle(self.tr("Go to…"))
        fit_to_screen(self, 600, 420)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Type a section, a command, a contact, a deal or a proposal"))
        self.query.setAccessibleName(self.tr("Search everything"))
        self.results = QListWidget()
        self.results.setAccessibleName(self.tr("Results"))
        self.no_match = QLabel()
        self.no_match.setProperty("role", "emptyText")
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_match.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.no_match, 1)
        self.entries: list[Entry] = []
        self.query.textChanged.connect(self.search)
        self.query.returnPressed.connect(self.run_current)
        self.results.itemActivated.connect(lambda _i: self.run_current())
        self.query.installEventFilter(self)
        self._commands = self._static()
        self.search("")

    def eventFilter(self, obj, event):  # noqa: N802 - arrows move in the list while typing
        if (
            obj is self.query
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp)
        ):
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 8, Qt.Key.Key_PageUp: -8}[
                event.key()
            ]
            row = self.results.currentRow() + step
            self.results.setCurrentRow(max(0, min(self.results.count() - 1, row)))
            return True
        return super().eventFilter(obj, event)

    # what there is

    def _static(self) -> list[Entry]:
        """Sections, then every menu command, then each section's own buttons and actions,
        each once."""
        w = self.window_
        labels = list(w.section_labels)
        found = [
            Entry("Section", label, lambda i=i: w.go_to(i), words=f"go {label} Ctrl {i + 1}")
            for i, label in enumerate(labels)
        ]
        seen = {("section", label.lower()) for label in labels}

        def add(entry: Entry, key: str) -> None:
            if (key, entry.text.lower()) not in seen:
                seen.add((key, entry.text.lower()))
                found.append(entry)

        for s in w.built_sections():  # a built section's own buttons and actions come first
            i = labels.index(s.label)
            s.finish_building()
            for text, source, tip in self._section_commands(s):
                run = source.trigger if isinstance(source, QAction) else source.click
                add(
                    Entry(
                        "Command",
                        text,
                        lambda i=i, run=run: (w.go_to(i), run()),
                        s.label,
                        words=tip,
                        source=source,
                    ),
                    s.label,
                )
        skip = {id(w.actions[k]) for k in w.actions if k.startswith("go_") or k in ("new", "palette")}
        for menu_action in w.menuBar().actions():  # then every menu command, each once
            self._menu_entries(menu_action.menu(), [], skip, add)
        return found

    def _menu_entries(self, menu: QMenu | None, path: list[str], skip: set[int], add) -> None:
        if menu is None:
            return
        for action in menu.actions():
            if action.isSeparator() or id(action) in skip:
                continue
            if action.menu() is not None:
                self._menu_entries(action.menu(), [*path, plain(action.text())], skip, add)
                continue
            text = plain(action.text())
            if not text:
                continue
            section = menu.menuAction().data()  # Go → In Contacts → Import…: a section's command
            if section:
                entry = Entry("Command", text, action.trigger, section, words=action.toolTip(), source=action)
                add(entry, section)
                continue
            if path and path[-1] not in ("File", "Edit", "View", "Help", "Go"):
                text = f"{path[-1]}: {text}"  # "Appearance: Dark"
            add(Entry("Command", text, action.trigger, words=action.toolTip(), source=action), "menu")

    def _section_commands(self, section) -> list[tuple[str, object, str]]:
        """The section's actions and buttons: what a user can click there."""
        commands = []
        for action in getattr(section, "actions_", {}).values():
            if isinstance(action, QAction) and action.text():
                commands.append((plain(action.text()), action, action.toolTip()))
        for button in section.findChildren(QAbstractButton):
            text = plain(button.text())
            if not text or button.isCheckable() or len(text) < 3 or _in_hidden_empty_state(button):
                continue
            commands.append((text, button, button.toolTip()))
        return commands

    # searching

    def search(self, text: str) -> None:
        text = text.strip()
        query = words_of(text)
        commands = [e for e in self._commands if matches(query, e.text)]
        commands += [
            e
            for e in self._commands
            if e not in commands and query and matches(query, f"{e.words} {e.detail}")
        ]
        entries = self._enabled(commands)
        if text:
            found = self._proposals(text) if PROPOSAL_NUMBER.match(text) else []
            if not found:
                found = self._contacts(text) + self._deals(text) + self._proposals(text)
            entries += found
        self.entries = entries
        self.results.clear()
        for entry in entries:
            item = QListWidgetItem(
                f"{entry.text}    ·  {entry.kind}" + (f" · {entry.detail}" if entry.detail else "")
            )
            self.results.addItem(item)
        self.results.setCurrentRow(0 if entries else -1)
        self.results.setVisible(bool(entries))
        self.no_match.setVisible(not entries)
        self.no_match.setText(
            self.tr(
                "No match for “{}”. Try a section, a command (“new "
                "deal”, “import”), a name or a proposal number."
            ).format(text)
        )

    def _enabled(self, entries: list[Entry]) -> list[Entry]:
        """Leave out commands that cannot run now (a disabled menu action)."""
        return [e for e in entries if e.source is None or e.source.isEnabled()]

    def _contacts(self, text: str) -> list[Entry]:
        w = self.window_
        return [
            Entry("Contact", label, lambda c=contact_id: w.show_contact(c))
            for contact_id, label in find_contacts(text, self.MAX_PER_KIND)
        ]

    def _deals(self, text: str) -> list[Entry]:
        w = self.window_
        profile = settings.load_profile()
        found = []
        for deal in find_deals(text, self.MAX_PER_KIND):
            who = deal.contact.full_name if deal.contact_id else ""
            value = format_money(deal.value, profile.currency, profile.locale)
            detail = " · ".join(x for x in (deal.stage.name, who, value) if x)
            found.append(Entry("Deal", deal.title, lambda d=deal.id: w.show_deal(d), detail))
        return found

    def _proposals(self, text: str) -> list[Entry]:
        w = self.window_
        found = []
        for p in find_proposals(text, self.MAX_PER_KIND):
            found.append(
                Entry(
                    "Proposal",
                    f"{p.label} · {p.title}",
                    lambda i=p.id: w.show_proposal(i),
                    p.status.capitalize(),
                )
            )
        return found

    def run_current(self) -> None:
        row = self.results.currentRow()
        if 0 <= row < len(self.entries):
            entry = self.entries[row]
            self.accept()
            entry.run()
