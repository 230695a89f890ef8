"""The main window: sidebar navigation, menus and shortcuts, status bar, store switching."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDesktopServices, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from smarketer import APP_NAME, __version__, backup, contacts, paths
from smarketer.db import StoreError, close_database, location, open_database
from smarketer.ui import dialogs, geometry, style, wheel_guard
from smarketer.ui.forms import save_or_ask, unsaved_form
from smarketer.ui.hub import Hub
from smarketer.ui.sections import SECTION_MENUS, Section, run_command
from smarketer.ui.server_store import open_server_store
from smarketer.ui.toast import Toast
from smarketer.ui.workers import run_job

if TYPE_CHECKING:
    from smarketer.ui.campaigns.section import CampaignsSection
    from smarketer.ui.contacts.section import ContactsSection
    from smarketer.ui.dashboard import DashboardSection, MatchesDialog
    from smarketer.ui.deals.board import DealsSection
    from smarketer.ui.first_run import FirstRunWizard
    from smarketer.ui.palette import CommandPalette
    from smarketer.ui.proposals.section import ProposalsSection
    from smarketer.ui.today import TodaySection

SECTION_NAMES = ("Dashboard", "Today", "Contacts", "Campaigns", "Deals", "Proposals", "Settings")
# Sections whose timers must run while the app is open (due tasks, scheduled campaigns): built
# a little after the window is shown even when nobody visits them.
BACKGROUND_SECTIONS = ("Today", "Campaigns")
BACKGROUND_BUILD_MS = 3000
SIDEBAR_WIDTH, SIDEBAR_COLLAPSED_WIDTH = 190, 52
#: Below this screen width the sidebar starts collapsed (icons only) unless chosen otherwise.
COLLAPSE_BELOW = 1200


class MainWindow(QMainWindow):
    def __init__(self, store_path: Path, hub: Hub | None = None, ui_state: QSettings | None = None):
        super().__init__()
        self.store_path = location(store_path)
        self.hub = hub or Hub(self)
        self.ui_state = ui_state or QSettings(str(paths.ui_state_file()), QSettings.Format.IniFormat)
        self.actions: dict[str, QAction] = {}
        self.section_labels = SECTION_NAMES
        self._built: dict[int, Section] = {}  # a section is built when first shown
        self.undo_stack = QUndoStack(self)
        self.setWindowIcon(style.app_icon())
        self.setMinimumSize(QSize(640, 480))
        wheel_guard.install(QApplication.instance())

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName(self.tr("Sections"))
        self.sidebar.setFixedWidth(SIDEBAR_WIDTH)
        self.stack = QStackedWidget()
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.store_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.store_label)
        self.hub.notify.connect(lambda text: self.show_status(text, 8000))
        self.toast = Toast(self)
        self.statusBar().insertPermanentWidget(0, self.toast)  # never over the section's buttons
        self.hub.toast.connect(self.toast.show_message)
        self.hub.data_changed.connect(self._data_changed)

        self._build_sections()
        self._build_menus()
        self.sidebar.currentRowChanged.connect(self._show_section)
        self.sidebar.setCurrentRow(0)
        style.follow_system(QApplication.instance(), self._recolor_icons)
        self._restore_geometry()
        self._restore_view()
        self._background_timer = QTimer(self, singleShot=True, interval=BACKGROUND_BUILD_MS)
        self._background_timer.timeout.connect(self._build_background_sections)
        self._background_timer.start()
        self._update_title()
        self.refresh_status()

    # building

    def _build_sections(self) -> None:
        """One placeholder page and sidebar entry per section; the section itself (and its
        modules: charts, PDF view …) is made when it is first shown."""
        for label in SECTION_NAMES:
            self.stack.addWidget(QWidget())
            item = QListWidgetItem(style.icon(label), self.tr(label))
            item.setSizeHint(QSize(0, 34))
            self.sidebar.addItem(item)

    def _make_section(self, label: str) -> Section:
        if label == "Dashboard":
            from smarketer.ui.dashboard import DashboardSection

            section = DashboardSection(self.hub)
            section.open_list.connect(self.show_matches)
        elif label == "Today":
            from smarketer.ui.today import TodaySection

            section = TodaySection(
                go_to=lambda _i: self.go_to_section("Deals"), hub=self.hub, undo_stack=self.undo_stack
            )
            section.open_deal.connect(self.show_deal)
        elif label == "Contacts":
            from smarketer.ui.contacts.section import ContactsSection

            section = ContactsSection(self.hub, self.undo_stack)
            section.open_deal_for.connect(self._new_deal_for)
            section.demo_requested.connect(self.open_demo)
            section.restore_header_state(self.ui_state.value("contacts/header"))
        elif label == "Campaigns":
            from smarketer.ui.campaigns.section import CampaignsSection

            section = CampaignsSection(self.hub)
        elif label == "Deals":
            from smarketer.ui.deals.board import DealsSection

            section = DealsSection(self.hub, self.undo_stack)
            section.proposal_requested.connect(self._new_proposal_for)
            section.figures_button.setDefaultAction(self.actions["board_figures"])
            section.set_figures_visible(self.actions["board_figures"].isChecked())
        elif label == "Proposals":
            from smarketer.ui.proposals.section import ProposalsSection

            section = ProposalsSection(self.hub)
        else:
            from smarketer.ui.settings_page import SettingsSection

            section = SettingsSection()
            section.profile_form.saved.connect(lambda _p: self._profile_saved())
        return section

    def section_at(self, index: int) -> Section:
        """The section on page ``index``, built now if it was not yet."""
        section = self._built.get(index)
        if section is None:
            section = self._make_section(SECTION_NAMES[index])
            self._built[index] = section
            placeholder = self.stack.widget(index)
            current = self.stack.currentIndex()
            self.stack.insertWidget(index, section)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.stack.setCurrentIndex(current)
        return section

    def built_sections(self) -> list[Section]:
        return [self._built[i] for i in sorted(self._built)]

    def _build_background_sections(self) -> None:
        """One section per turn of the event loop, so none of them blocks the window long."""
        for label in BACKGROUND_SECTIONS:
            if SECTION_NAMES.index(label) not in self._built:
                self.section(label)
                self._background_timer.start(0)
                return

    def _action(self, key: str, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        tip = tip or text.replace("&", "").rstrip("…")
        if shortcut is not None:
            tip += f" ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        self.actions[key] = action
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self._action("new", self.tr("&New"), self.new_item, QKeySequence.StandardKey.New))
        file_menu.addSeparator()
        file_menu.addAction(
            self._action("open", self.tr("&Open Database…"), self.choose_store, QKeySequence.StandardKey.Open)
        )
        file_menu.addAction(
            self._action("server", self.tr("Open Database on a &Server…"), lambda: open_server_store(self))
        )
        file_menu.addAction(self._action("backup", self.tr("&Back Up Now…"), self.backup_now, "Ctrl+Shift+B"))
        file_menu.addAction(self._action("restore", self.tr("&Restore from Backup…"), self.choose_restore))
        file_menu.addAction(
            self._action("undo_import", self.tr("&Undo Last Import…"), lambda: self.contacts.undo_import())
        )
        file_menu.addSeparator()
        file_menu.addAction(self._action("quit", self.tr("&Quit"), self.close, "Ctrl+Q"))

        edit_menu = bar.addMenu(self.tr("&Edit"))
        for key, action, shortcut in (
            ("undo", self.undo_stack.createUndoAction(self, self.tr("&Undo")), QKeySequence.StandardKey.Undo),
            ("redo", self.undo_stack.createRedoAction(self, self.tr("&Redo")), QKeySequence.StandardKey.Redo),
        ):
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(
                f"{key.capitalize()} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
            )
            self.addAction(action)
            self.actions[key] = action
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        edit_menu.addAction(
            self._action("find", self.tr("&Find"), self.focus_search, QKeySequence.StandardKey.Find)
        )
        edit_menu.addAction(self._action("palette", self.tr("&Go to Anything…"), self.open_palette, "Ctrl+K"))

        self._build_view_menu(bar.addMenu(self.tr("&View")))

        go_menu = bar.addMenu(self.tr("&Go"))
        for index, label in enumerate(SECTION_NAMES):
            go_menu.addAction(
                self._action(
                    f"go_{label.lower()}",
                    self.tr(label),
                    lambda _checked=False, i=index: self.go_to(i),
                    f"Ctrl+{index + 1}",
                )
            )
        go_menu.addSeparator()
        for label, commands in SECTION_MENUS.items():  # what each section can do, from anywhere
            index = SECTION_NAMES.index(label)
            submenu = go_menu.addMenu(self.tr("In {}").format(self.tr(label)))
            submenu.menuAction().setData(label)  # the palette names the section beside them
            for command in commands:
                action = submenu.addAction(self.tr(command.text))
                action.setToolTip(command.tip)
                action.triggered.connect(
                    lambda _checked=False, i=index, m=command.method: (
                        self.go_to(i),
                        run_command(self.section_at(i), m),
                    )
                )

        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self._action("setup", self.tr("&Setup Assistant…"), self.open_setup))
        help_menu.addAction(self._action("demo", self.tr("Open the &Demo"), self.open_demo))
        help_menu.addSeparator()
        help_menu.addAction(self._action("about", self.tr("&About Smarketer"), self.about))

    def _build_view_menu(self, menu) -> None:
        appearance = menu.addMenu(self.tr("&Appearance"))
        group = QActionGroup(self)
        for key, text in (
            ("system", self.tr("&System")),
            ("light", self.tr("&Light")),
            ("dark", self.tr("&Dark")),
        ):
            action = self._action(
                f"appearance_{key}",
                text,
                lambda _c=False, k=key: self.set_appearance(k),
                tip=self.tr("Appearance: ") + text.replace("&", ""),
            )
            action.setCheckable(True)
            group.addAction(action)
            appearance.addAction(action)
        menu.addSeparator()
        sidebar = self._action(
            "collapse_sidebar",
            self.tr("&Collapse Sidebar"),
            self._sidebar_toggled,
            "Ctrl+B",
            tip=self.tr("Show only the icons of the sections"),
        )
        sidebar.setCheckable(True)
        menu.addAction(sidebar)
        figures = self._action(
            "board_figures",
            self.tr("Deal Board &Figures"),
            self._figures_toggled,
            tip=self.tr("The win rates and forecast beside the deal board"),
        )
        figures.setCheckable(True)
        figures.setChecked(True)
        figures.setIconText(self.tr("Figures"))  # the toggle's text on the board's header
        menu.addAction(figures)

    def set_appearance(self, choice: str) -> None:
        """System, light or dark; remembered for the next start."""
        style.set_appearance(QApplication.instance(), choice)
        self.actions[f"appearance_{choice}"].setChecked(True)
        self.ui_state.setValue("view/appearance", choice)
        self._recolor_icons()

    def set_sidebar_collapsed(self, collapsed: bool) -> None:
        self.actions["collapse_sidebar"].setChecked(collapsed)
        self.sidebar.setFixedWidth(SIDEBAR_COLLAPSED_WIDTH if collapsed else SIDEBAR_WIDTH)
        for row, label in enumerate(SECTION_NAMES):
            item = self.sidebar.item(row)
            name = self.tr(label)
            item.setText("" if collapsed else name)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, name)
            item.setToolTip(f"{name} (Ctrl+{row + 1})")
        self.sidebar.setProperty("collapsed", collapsed)
        self.ui_state.setValue("view/sidebar_collapsed", collapsed)

    def _sidebar_toggled(self) -> None:
        self.set_sidebar_collapsed(self.actions["collapse_sidebar"].isChecked())

    def _figures_toggled(self) -> None:
        shown = self.actions["board_figures"].isChecked()
        deals = self._if_built("Deals")
        if deals is not None:
            deals.set_figures_visible(shown)
        self.ui_state.setValue("view/board_figures", shown)

    def _restore_view(self) -> None:
        choice = str(self.ui_state.value("view/appearance", "system"))
        self.set_appearance(choice if choice in style.APPEARANCES else "system")
        collapsed = self.ui_state.value("view/sidebar_collapsed")
        if collapsed is None:
            collapsed = geometry.available(self).width() < COLLAPSE_BELOW
        self.set_sidebar_collapsed(collapsed in (True, "true"))
        figures = self.ui_state.value("view/board_figures", True) in (True, "true")
        self.actions["board_figures"].setChecked(figures)

    def section(self, label: str) -> Section:
        return self.section_at(SECTION_NAMES.index(label))

    def _if_built(self, label: str) -> Section | None:
        return self._built.get(SECTION_NAMES.index(label))

    def go_to_section(self, label: str) -> None:
        self.go_to(SECTION_NAMES.index(label))

    @property
    def dashboard(self) -> DashboardSection:
        return self.section("Dashboard")

    @property
    def today(self) -> TodaySection:
        return self.section("Today")

    @property
    def contacts(self) -> ContactsSection:
        return self.section("Contacts")

    @property
    def deals(self) -> DealsSection:
        return self.section("Deals")

    @property
    def campaigns(self) -> CampaignsSection:
        return self.section("Campaigns")

    @property
    def proposals(self) -> ProposalsSection:
        return self.section("Proposals")

    def _new_proposal_for(self, deal_id: int) -> None:
        self.go_to_section("Proposals")
        self.proposals.new_for_deal(deal_id)

    def _new_deal_for(self, contact_id: int) -> None:
        self.go_to_section("Deals")
        self.deals.new_deal_for(contact_id)

    def open_palette(self) -> CommandPalette:
        from smarketer.ui.palette import CommandPalette

        palette = CommandPalette(self)
        palette.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        palette.open()
        return palette

    def open_setup(self) -> FirstRunWizard:
        from smarketer.ui.first_run import FirstRunWizard

        wizard = FirstRunWizard(self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.accepted.connect(self.reload_all)
        wizard.import_requested.connect(
            lambda: (self.go_to_section("Contacts"), self.contacts.choose_import())
        )
        wizard.open()
        return wizard

    def show_matches(self, kind: str, ids: list) -> MatchesDialog:
        from smarketer.ui.dashboard import MatchesDialog

        dialog = MatchesDialog(kind, ids, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.opened.connect(
            lambda k, i: {
                "contacts": self.show_contact,
                "deals": self.show_deal,
                "proposals": self.show_proposal,
            }[k](i)
        )
        dialog.open()
        return dialog

    def show_contact(self, contact_id: int) -> None:
        self.go_to_section("Contacts")
        section = self.contacts
        if not section.select_contact(contact_id):
            section.search.clear()
            section.segments.setCurrentRow(0)
            section.select_contact(contact_id)

    def show_deal(self, deal_id: int) -> None:
        self.go_to_section("Deals")
        self.deals.open_deal(deal_id)

    def show_proposal(self, proposal_id: int) -> None:
        self.go_to_section("Proposals")
        self.proposals.reload(select=proposal_id)

    def _recolor_icons(self) -> None:
        for row, label in enumerate(SECTION_NAMES):
            self.sidebar.item(row).setIcon(style.icon(label))

    # navigation

    def current_section(self) -> Section:
        return self.section_at(self.stack.currentIndex())

    def go_to(self, index: int) -> None:
        self.sidebar.setCurrentRow(index)

    def _show_section(self, index: int) -> None:
        if index < 0:
            return
        shown = self.stack.currentIndex()
        if 0 <= shown != index:  # leaving a section saves its forms (or asks)
            form = unsaved_form(self.stack.widget(shown))
            if form is not None:
                self.sidebar.blockSignals(True)
                self.sidebar.setCurrentRow(shown)
                self.sidebar.blockSignals(False)
                save_or_ask(form, lambda: self.go_to(index))
                return
        section = self.section_at(index)
        self.stack.setCurrentIndex(index)
        new = self.actions.get("new")
        if new is not None:
            new.setEnabled(bool(section.new_item_text))
            new.setText(section.new_item_text or self.tr("&New"))

    def new_item(self) -> None:
        self.current_section().new_item()

    def focus_search(self) -> None:
        if not self.current_section().focus_search():
            self.show_status(self.tr("Nothing to search in this section."), 4000)

    # status

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.store_path.name} — {APP_NAME}")

    def show_status(self, text: str, msecs: int = 0) -> None:
        """A status-bar message cut to the room left of the contact count (whole in its tooltip)."""
        bar = self.statusBar()
        room = bar.width() - self.store_label.sizeHint().width() - 40
        for widget in (self.progress, self.toast):
            if widget.isVisible():
                room -= widget.width()
        shown = bar.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, max(room, 80))
        bar.setToolTip(text if shown != text else "")
        bar.showMessage(shown, msecs)

    def refresh_status(self) -> None:
        self.store_label.setText(self.tr("{:,} contacts · {}").format(contacts.count(), self.store_path.name))
        self.store_label.setToolTip(str(self.store_path))

    def _data_changed(self, table: str) -> None:
        self.refresh_status()
        for label in ("Today", "Dashboard"):  # a section not built yet reads it when built
            if (section := self._if_built(label)) is not None:
                section.reload()
        deals, proposals = self._if_built("Deals"), self._if_built("Proposals")
        if deals is not None and table in ("task", "proposal"):
            deals.reload_board()
        if proposals is not None and table in ("deal", "contact"):
            proposals.editor.load(proposals.current_id())

    def _profile_saved(self) -> None:
        self.hub.notify.emit(self.tr("Business profile saved."))
        self.hub.data_changed.emit("setting")

    def show_busy(self, text: str) -> None:
        self.progress.setRange(0, 0)
        self.progress.show()
        self.show_status(text)

    def _done_busy(self, text: str = "") -> None:
        self.progress.hide()
        self.show_status(text, 8000)

    # store: open, back up, restore

    def reload_all(self) -> None:
        self.undo_stack.clear()  # its commands belong to the store that was open
        for section in self.built_sections():
            section.reload()
        self._update_title()
        self.refresh_status()
        self.hub.store_changed.emit()

    def choose_store(self) -> None:
        path = dialogs.ask_open_file(self, self.tr("Open a Smarketer database"))
        if path is not None:
            self.open_store(path)

    def open_store(self, path: Path, on_refused=None) -> bool:
        previous = self.store_path
        try:
            open_database(path, backup_dir=paths.backup_dir())
        except StoreError as exc:
            open_database(previous, backup_dir=paths.backup_dir())
            if on_refused is not None:
                on_refused(exc)
            else:
                dialogs.show_error(self, self.tr("Cannot open database"), str(exc))
            return False
        self.store_path = location(path)
        self.reload_all()
        self.hub.notify.emit(self.tr("Opened {}").format(self.store_path))
        return True

    def open_demo(self) -> None:
        """Write a fresh demo business (in the data folder) and switch to it."""
        from smarketer.demo import write_demo

        previous = self.store_path
        close_database()
        self.show_busy(self.tr("Preparing the demo…"))
        self.actions["demo"].setEnabled(False)

        def opened(path: Path) -> None:
            self.actions["demo"].setEnabled(True)
            self._done_busy()
            self.open_store(path)

        def failed(exc: BaseException) -> None:
            self.actions["demo"].setEnabled(True)
            open_database(previous, backup_dir=paths.backup_dir())
            self._done_busy()
            dialogs.show_error(self, self.tr("Cannot open the demo"), str(exc))
            self.reload_all()

        run_job(write_demo, paths.demo_database(), force=True, on_success=opened, on_failure=failed)

    def backup_now(self) -> None:
        stamp = datetime.now().strftime("%Y-%m-%d")
        dest = dialogs.ask_save_file(
            self,
            self.tr("Back up the database to"),
            f"{self.store_path.stem}-backup-{stamp}{'.db' if isinstance(self.store_path, Path) else '.dump'}",
        )
        if dest is None:
            return
        self.show_busy(self.tr("Backing up…"))
        self.actions["backup"].setEnabled(False)

        def finished(text: str) -> None:
            self.actions["backup"].setEnabled(True)
            self._done_busy(text)

        run_job(
            backup.backup_open_store,
            dest,
            on_success=lambda out: finished(self.tr("Backed up to {}").format(out)),
            on_failure=lambda exc: (
                finished(""),
                dialogs.show_error(self, self.tr("Backup failed"), str(exc)),
            ),
        )

    def choose_restore(self) -> None:
        source = dialogs.ask_open_file(self, self.tr("Restore from which backup?"))
        if source is None:
            return
        dialogs.confirm(
            self,
            self.tr("Restore from backup?"),
            self.tr(
                "Replace everything in {} with the contents of {}?\n\nThe current contents are "
                "kept as an automatic backup first, so this can be undone by restoring that."
            ).format(self.store_path.name, source.name),
            lambda: self.restore_from(source),
            yes_text=self.tr("Restore"),
            destructive=True,
        )

    def restore_from(self, source: Path) -> None:
        target = self.store_path
        close_database()
        self.show_busy(self.tr("Restoring…"))

        def reopen(kept, error: BaseException | None = None) -> None:
            try:
                open_database(target, backup_dir=paths.backup_dir())
            except StoreError as exc:
                error = error or exc
            self._done_busy("" if error else self.tr("Restored from {}.").format(source.name))
            if error:
                dialogs.show_error(self, self.tr("Restore failed"), str(error))
            self.reload_all()

        run_job(
            backup.restore,
            source,
            target,
            force=True,
            on_success=reopen,
            on_failure=lambda exc: reopen(None, exc),
        )

    # about, geometry

    def about(self) -> QMessageBox:
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("About Smarketer"))
        box.setIconPixmap(style.app_icon().pixmap(64, 64))
        box.setText(f"<b>{APP_NAME} {__version__}</b>")
        box.setInformativeText(
            self.tr(
                "Sales and marketing for the owner-operator: contacts, campaigns, deals and "
                "proposals in one offline app.\n\nDatabase: {}\nLog: {}"
            ).format(self.store_path, paths.log_file())
        )
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        show_log = box.addButton(self.tr("Show Log Folder"), QMessageBox.ButtonRole.ActionRole)
        show_log.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.log_dir()))))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def _restore_geometry(self) -> None:
        saved = self.ui_state.value("main_window/geometry")
        if saved is None or not self.restoreGeometry(saved):
            geometry.fit_to_screen(self, 1180, 760)
        geometry.clamp_to_screen(self)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        form = unsaved_form(self)  # what was typed is saved; what cannot be, is asked about
        if form is not None:
            event.ignore()
            save_or_ask(form, self.close)
            return
        for timer in self.findChildren(QTimer):  # nothing fires after the window is gone
            timer.stop()
        self.ui_state.setValue("main_window/geometry", self.saveGeometry())
        if (contacts_section := self._if_built("Contacts")) is not None:
            self.ui_state.setValue("contacts/header", contacts_section.header_state())
        self.ui_state.sync()
        super().closeEvent(event)
