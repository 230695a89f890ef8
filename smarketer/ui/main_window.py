"""The main window: sidebar navigation, menus and shortcuts, status bar, store switching."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QSettings, QSize, Qt, QThreadPool, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from smarketer import APP_NAME, __version__, paths
from smarketer.contacts.listing import count
from smarketer.db import location
from smarketer.db.watch import ANY
from smarketer.ui import geometry, style, warm_up
from smarketer.ui.forms import save_or_ask, unsaved_form
from smarketer.ui.hub import Hub
from smarketer.ui.menus import build_menus
from smarketer.ui.refresh import Refresh
from smarketer.ui.seat_watch import SeatWatcher
from smarketer.ui.sections import Section
from smarketer.ui.sidebar import Sidebar
from smarketer.ui.store_files import StoreFiles
from smarketer.ui.toast import Toast
from smarketer.ui.workers import announce

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
#: Which tables each section shows, read again when another seat changes one of them.
ELSEWHERE_TABLES = {
    "Contacts": {"contact", "contact_tag", "company", "segment"},
    "Proposals": {"proposal", "proposal_item", "proposal_section", "contact", "deal", "setting"},
    "Today": {"task", "deal", "contact", "stage", "setting"},
    "Dashboard": {"contact", "deal", "stage", "campaign", "proposal", "setting"},
}
# Sections whose timers must run while the app is open (due tasks, scheduled campaigns): built
# a little after the window is shown even when nobody visits them.
BACKGROUND_SECTIONS = ("Today", "Campaigns")
BACKGROUND_BUILD_MS = 3000
BACKGROUND_RETRY_MS = 200  # between two background builds, or while jobs run
BACKGROUND_PATIENCE = 50  # tries (10 s): then built even if jobs still run
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
        self.store_files = StoreFiles(self, self)  # open, back up, restore, the demo
        self.setWindowIcon(style.app_icon())
        self.setMinimumSize(QSize(640, 480))

        self.sidebar = Sidebar(SECTION_NAMES)
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
        self._stale: set[str] = set()  # sections changed while hidden: read when shown
        self._count_refresh = Refresh(count, self._show_count, self)
        self.hub.data_changed.connect(self._data_changed)
        self.hub.changed_elsewhere.connect(self._changed_elsewhere)
        self.seat_watcher = SeatWatcher(self.hub, self)

        self._build_sections()
        build_menus(self)
        self.sidebar.currentRowChanged.connect(self._show_section)
        self.sidebar.setCurrentRow(0)
        style.follow_system(QApplication.instance(), self._recolor_icons)
        self._restore_geometry()
        self._restore_view()
        self._background_waits = 0
        self._background_timer = QTimer(self, singleShot=True, interval=BACKGROUND_BUILD_MS)
        self._background_timer.timeout.connect(self._build_background_sections)
        self._background_timer.start()
        warm_up.schedule(self)  # the sections' modules, imported in a worker meanwhile
        self._update_title()
        self.refresh_status()

    # building

    def _build_sections(self) -> None:
        """One placeholder page and sidebar entry per section; the section itself (and its
        modules: charts, PDF view …) is made when it is first shown."""
        for _label in SECTION_NAMES:
            self.stack.addWidget(QWidget())

    def _make_section(self, label: str) -> Section:
        if label == "Dashboard":
            from smarketer.ui.dashboard import DashboardSection

            dashboard_section = DashboardSection(self.hub)
            dashboard_section.open_list.connect(self.show_matches)
            return dashboard_section
        elif label == "Today":
            from smarketer.ui.today import TodaySection

            today_section = TodaySection(
                go_to=lambda _i: self.go_to_section("Deals"), hub=self.hub, undo_stack=self.undo_stack
            )
            today_section.open_deal.connect(self.show_deal)
            return today_section
        elif label == "Contacts":
            from smarketer.ui.contacts.section import ContactsSection

            contacts_section = ContactsSection(self.hub, self.undo_stack)
            contacts_section.open_deal_for.connect(self._new_deal_for)
            contacts_section.demo_requested.connect(self.store_files.open_demo)
            contacts_section.restore_header_state(self.ui_state.value("contacts/header"))
            return contacts_section
        elif label == "Campaigns":
            from smarketer.ui.campaigns.section import CampaignsSection

            campaigns_section = CampaignsSection(self.hub)
            return campaigns_section
        elif label == "Deals":
            from smarketer.ui.deals.board import DealsSection

            deals_section = DealsSection(self.hub, self.undo_stack)
            deals_section.proposal_requested.connect(self._new_proposal_for)
            deals_section.figures_button.setDefaultAction(self.actions["board_figures"])
            deals_section.set_figures_visible(self.actions["board_figures"].isChecked())
            return deals_section
        elif label == "Proposals":
            from smarketer.ui.proposals.section import ProposalsSection

            proposals_section = ProposalsSection(self.hub)
            return proposals_section
        else:
            from smarketer.ui.settings_page import SettingsSection

            settings_section = SettingsSection()
            settings_section.profile_form.saved.connect(lambda _p: self._profile_saved())
            return settings_section

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
        """One section per turn of the event loop, so none of them blocks the window long, and
        only while no job runs in the background: a worker running Python (the Dashboard's
        figures, say) competes for the GIL and would make a build several times longer."""
        pending = [label for label in BACKGROUND_SECTIONS if SECTION_NAMES.index(label) not in self._built]
        if not pending:
            return
        self._background_waits += 1
        if QThreadPool.globalInstance().activeThreadCount() and self._background_waits < BACKGROUND_PATIENCE:
            self._background_timer.start(BACKGROUND_RETRY_MS)
            return
        self.section(pending[0])
        self._background_timer.start(BACKGROUND_RETRY_MS)

    def set_appearance(self, choice: str) -> None:
        """System, light or dark; remembered for the next start."""
        style.set_appearance(QApplication.instance(), choice)
        self.actions[f"appearance_{choice}"].setChecked(True)
        self.ui_state.setValue("view/appearance", choice)
        self._recolor_icons()

    def set_sidebar_collapsed(self, collapsed: bool) -> None:
        self.actions["collapse_sidebar"].setChecked(collapsed)
        self.sidebar.set_collapsed(collapsed)
        self.ui_state.setValue("view/sidebar_collapsed", collapsed)

    def sidebar_toggled(self) -> None:
        self.set_sidebar_collapsed(self.actions["collapse_sidebar"].isChecked())

    def figures_toggled(self) -> None:
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
        return cast("DashboardSection", self.section("Dashboard"))

    @property
    def today(self) -> TodaySection:
        return cast("TodaySection", self.section("Today"))

    @property
    def contacts(self) -> ContactsSection:
        return cast("ContactsSection", self.section("Contacts"))

    @property
    def deals(self) -> DealsSection:
        return cast("DealsSection", self.section("Deals"))

    @property
    def campaigns(self) -> CampaignsSection:
        return cast("CampaignsSection", self.section("Campaigns"))

    @property
    def proposals(self) -> ProposalsSection:
        return cast("ProposalsSection", self.section("Proposals"))

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
            section.filters.search.clear()
            section.segment_panel.list.setCurrentRow(0)
            section.select_contact(contact_id)

    def show_deal(self, deal_id: int) -> None:
        self.go_to_section("Deals")
        self.deals.open_deal(deal_id)

    def show_proposal(self, proposal_id: int) -> None:
        self.go_to_section("Proposals")
        self.proposals.reload(select=proposal_id)

    def _recolor_icons(self) -> None:
        self.sidebar.recolor_icons()

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
                self.sidebar.move_back(shown)
                save_or_ask(form, lambda: self.go_to(index))
                return
        section = self.section_at(index)
        self.stack.setCurrentIndex(index)
        if section.label in self._stale:
            self._stale.discard(section.label)
            section.reload_in_background()
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
        self._show_count(count())

    def _show_count(self, contacts: int) -> None:
        self.store_label.setText(self.tr("{:,} contacts · {}").format(contacts, self.store_path.name))
        self.store_label.setToolTip(str(self.store_path))

    def _data_changed(self, table: str) -> None:
        self._count_refresh.request()  # a count of 100,000 rows: not on this thread per change
        for label in ("Today", "Dashboard"):  # a section not built yet reads it when built
            if (section := self._if_built(label)) is not None:
                if section.isVisible():
                    section.reload_in_background()
                else:  # read when next shown: no work (and no wait for the GIL) meanwhile
                    self._stale.add(label)
        deals, proposals = self._if_built("Deals"), self._if_built("Proposals")
        if deals is not None and table in ("task", "proposal"):
            deals.reload_board()
        if proposals is not None and table in ("deal", "contact"):
            proposals.editor.load(proposals.current_id())

    def _changed_elsewhere(self, tables: set[str]) -> None:
        """Another seat or process changed the store: every built section that shows what
        changed reads it again (in workers, debounced; nothing typed is replaced)."""
        everything = ANY in tables
        for label, shows in ELSEWHERE_TABLES.items():
            if (section := self._if_built(label)) is not None and (everything or tables & shows):
                section.changed_elsewhere()  # type: ignore[attr-defined]
        if (board := self._if_built("Deals")) is not None and (
            everything or tables & {"deal", "stage", "task"}
        ):
            board.reload_board(focus=False)

    def _profile_saved(self) -> None:
        self.hub.notify.emit(self.tr("Business profile saved."))
        announce(self.hub, ("setting",))

    def show_busy(self, text: str) -> None:
        self.progress.setRange(0, 0)
        self.progress.show()
        self.show_status(text)

    def done_busy(self, text: str = "") -> None:
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

    def open_store(self, path, on_refused=None) -> bool:
        """Switch to another store (a file or a server's address); see ``StoreFiles``."""
        return self.store_files.open_store(path, on_refused)

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
        self.seat_watcher.stop()
        self.ui_state.setValue("main_window/geometry", self.saveGeometry())
        if (contacts_section := self._if_built("Contacts")) is not None:
            self.ui_state.setValue("contacts/header", contacts_section.header_state())
        self.ui_state.sync()
        super().closeEvent(event)
