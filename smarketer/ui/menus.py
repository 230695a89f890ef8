"""The window's menu bar: File, Edit, View, Go and Help, each item with its shortcut and a
tooltip saying it; the window keeps every action in ``window.actions`` by key."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from smarketer.ui.sections import SECTION_MENUS, run_command
from smarketer.ui.server_store import open_server_store

# The main window (typed loosely: importing its class here would make an import cycle).
MainWindow = Any


def add_action(w: MainWindow, key: str, text: str, slot, shortcut=None, tip: str = "") -> QAction:
    action = QAction(text, w)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    tip = tip or text.replace("&", "").rstrip("…")
    if shortcut is not None:
        tip += f" ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    w.addAction(action)
    w.actions[key] = action
    return action


def build_menus(w: MainWindow) -> None:
    bar = w.menuBar()
    file_menu = bar.addMenu(w.tr("&File"))
    file_menu.addAction(add_action(w, "new", w.tr("&New"), w.new_item, QKeySequence.StandardKey.New))
    file_menu.addSeparator()
    file_menu.addAction(
        add_action(
            w,
            "open",
            w.tr("&Open Database…"),
            w.store_files.choose_store,
            QKeySequence.StandardKey.Open,
        )
    )
    file_menu.addAction(
        add_action(w, "server", w.tr("Open Database on a &Server…"), lambda: open_server_store(w))
    )
    file_menu.addAction(
        add_action(w, "backup", w.tr("&Back Up Now…"), w.store_files.backup_now, "Ctrl+Shift+B")
    )
    file_menu.addAction(add_action(w, "restore", w.tr("&Restore from Backup…"), w.store_files.choose_restore))
    file_menu.addAction(
        add_action(w, "undo_import", w.tr("&Undo Last Import…"), lambda: w.contacts.undo_import())
    )
    file_menu.addSeparator()
    file_menu.addAction(add_action(w, "quit", w.tr("&Quit"), w.close, "Ctrl+Q"))

    edit_menu = bar.addMenu(w.tr("&Edit"))
    for key, action, shortcut in (
        ("undo", w.undo_stack.createUndoAction(w, w.tr("&Undo")), QKeySequence.StandardKey.Undo),
        ("redo", w.undo_stack.createRedoAction(w, w.tr("&Redo")), QKeySequence.StandardKey.Redo),
    ):
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(
            f"{key.capitalize()} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        )
        w.addAction(action)
        w.actions[key] = action
        edit_menu.addAction(action)
    edit_menu.addSeparator()
    edit_menu.addAction(add_action(w, "find", w.tr("&Find"), w.focus_search, QKeySequence.StandardKey.Find))
    edit_menu.addAction(add_action(w, "palette", w.tr("&Go to Anything…"), w.open_palette, "Ctrl+K"))

    _view_menu(w, bar.addMenu(w.tr("&View")))

    go_menu = bar.addMenu(w.tr("&Go"))
    for index, label in enumerate(w.section_labels):
        go_menu.addAction(
            add_action(
                w,
                f"go_{label.lower()}",
                w.tr(label),
                lambda _checked=False, i=index: w.go_to(i),
                f"Ctrl+{index + 1}",
            )
        )
    go_menu.addSeparator()
    for label, commands in SECTION_MENUS.items():  # what each section can do, from anywhere
        index = w.section_labels.index(label)
        submenu = go_menu.addMenu(w.tr("In {}").format(w.tr(label)))
        submenu.menuAction().setData(label)  # the palette names the section beside them
        for command in commands:
            action = submenu.addAction(w.tr(command.text))
            action.setToolTip(command.tip)
            action.triggered.connect(
                lambda _checked=False, i=index, m=command.method: (
                    w.go_to(i),
                    run_command(w.section_at(i), m),
                )
            )

    help_menu = bar.addMenu(w.tr("&Help"))
    help_menu.addAction(add_action(w, "setup", w.tr("&Setup Assistant…"), w.open_setup))
    help_menu.addAction(add_action(w, "demo", w.tr("Open the &Demo"), w.store_files.open_demo))
    help_menu.addSeparator()
    help_menu.addAction(add_action(w, "about", w.tr("&About Smarketer"), w.about))


def _view_menu(w: MainWindow, menu: QMenu) -> None:
    appearance = menu.addMenu(w.tr("&Appearance"))
    group = QActionGroup(w)
    for key, text in (
        ("system", w.tr("&System")),
        ("light", w.tr("&Light")),
        ("dark", w.tr("&Dark")),
    ):
        action = add_action(
            w,
            f"appearance_{key}",
            text,
            lambda _c=False, k=key: w.set_appearance(k),
            tip=w.tr("Appearance: ") + text.replace("&", ""),
        )
        action.setCheckable(True)
        group.addAction(action)
        appearance.addAction(action)
    menu.addSeparator()
    sidebar = add_action(
        w,
        "collapse_sidebar",
        w.tr("&Collapse Sidebar"),
        w.sidebar_toggled,
        "Ctrl+B",
        tip=w.tr("Show only the icons of the sections"),
    )
    sidebar.setCheckable(True)
    menu.addAction(sidebar)
    figures = add_action(
        w,
        "board_figures",
        w.tr("Deal Board &Figures"),
        w.figures_toggled,
        tip=w.tr("The win rates and forecast beside the deal board"),
    )
    figures.setCheckable(True)
    figures.setChecked(True)
    figures.setIconText(w.tr("Figures"))  # the toggle's text on the board's header
    menu.addAction(figures)
