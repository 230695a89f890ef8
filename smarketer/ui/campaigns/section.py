"""The Campaigns section: the list of campaigns beside tabs to compose one, preview each
recipient's email and read the report, with sending under them.

The parts, one job each: ``composer.py`` (editing, saved as you go), ``preview.py``,
``report.py`` (a paged outbox model) and ``sending.py`` (the send job and its timers)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from smarketer.campaigns import details, outbox
from smarketer.campaigns.details import CampaignDetails
from smarketer.ui import dialogs
from smarketer.ui.campaigns.composer import DEFAULT_BODY, Composer
from smarketer.ui.campaigns.preview import PreviewPane
from smarketer.ui.campaigns.report import ReportPane
from smarketer.ui.campaigns.sending import SendController
from smarketer.ui.hub import Hub
from smarketer.ui.sections import EmptyState, Section, title_label
from smarketer.ui.workers import announce, save_now

IdRole = Qt.ItemDataRole.UserRole + 1
PREVIEW_TAB, REPORT_TAB = 1, 2


class CampaignsSection(Section):
    label = "Campaigns"
    new_item_text = "&New Campaign"

    def __init__(self, hub: Hub, parent=None):
        super().__init__(parent)
        self.hub = hub
        # Built top down: the containers join the section first and each part joins its
        # container once (built bottom up, every widget is re-parented once per level).
        header = QHBoxLayout()
        self.layout_.addLayout(header)
        self.splitter = QSplitter()
        self.layout_.addWidget(self.splitter, 1)
        self.list = QListWidget()
        self.splitter.addWidget(self.list)
        right = QWidget()
        self.splitter.addWidget(right)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        right_layout.addWidget(self.tabs, 1)
        self.composer = Composer(hub)
        self.tabs.addTab(self.composer, self.tr("Compose"))
        self.preview = PreviewPane(self.composer)
        self.tabs.addTab(self.preview, self.tr("Preview"))
        self.report = ReportPane()
        self.tabs.addTab(self.report, self.tr("Report"))
        self.sending = SendController(hub, self.composer, self.preview, right)
        right_layout.addWidget(self.sending)

        header.addWidget(title_label(self.tr("Campaigns")))
        header.addStretch(1)
        self.unsub_button = QPushButton(self.tr("Import unsubscribes…"))
        self.unsub_button.setToolTip(self.tr("A file of addresses that must never be emailed"))
        self.unsub_button.clicked.connect(self.import_unsubscribes)
        self.new_button = QPushButton(self.tr("New campaign"))
        self.new_button.setToolTip(self.tr("Start a campaign (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_item)
        self.optouts_button = QPushButton()
        self.optouts_button.clicked.connect(self.show_optouts)
        for button in (self.optouts_button, self.sending.inbox_button, self.unsub_button, self.new_button):
            header.addWidget(button)

        self.list.setAccessibleName(self.tr("Campaigns"))
        self.list.currentItemChanged.connect(lambda item, _p: self.load(item.data(IdRole) if item else None))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([260, 900])
        self.empty = EmptyState(
            self.tr("No campaigns yet"),
            self.tr(
                "Write one personal email to a segment of your contacts; Smarketer sends it "
                "through your own account, one recipient at a time, at a polite pace."
            ),
            self.tr("New campaign"),
            self.new_item,
        )
        self.layout_.addWidget(self.empty, 1)

        self.composer.renamed.connect(self._renamed)
        self.composer.counted.connect(self._counted)
        self.sending.changed.connect(lambda campaign_id: self.reload(select=campaign_id))
        self.sending.sent.connect(lambda: self.report.fill(self.campaign))
        self.sending.inbox_read.connect(self.reload)
        self.reload()

    @property
    def campaign(self) -> CampaignDetails | None:
        """The campaign shown (the composer keeps it up to date as it saves)."""
        return self.composer.campaign

    # opt-outs and unsubscribes

    def show_optouts(self):
        from smarketer.ui.campaigns.inbox_ui import OptOutsDialog

        dialog = OptOutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(lambda: (self._update_optouts(), announce(self.hub, ("contact",))))
        dialog.open()
        return dialog

    def _update_optouts(self) -> None:
        from smarketer.inbox.process import to_confirm

        waiting = len(to_confirm())
        self.optouts_button.setText(self.tr("Opt-outs to confirm ({})").format(waiting))
        self.optouts_button.setVisible(waiting > 0)

    def import_unsubscribes(self) -> None:
        path = dialogs.ask_open_file(
            self, self.tr("A file of addresses to unsubscribe"), "Text or CSV (*.txt *.csv);;All files (*)"
        )
        if path is None:
            return
        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError as exc:
            dialogs.show_error(self, self.tr("Cannot read the file"), f"{path}: {exc}")
            return
        known, total = save_now(
            outbox.unsubscribe_list, outbox.addresses_in(text), changes=("contact",), hub=self.hub
        )
        self.hub.notify.emit(
            self.tr("{} addresses suppressed; {} of them were contacts and are now unsubscribed.").format(
                total, known
            )
        )

    # Section interface

    def reload(self, select: int | None = None) -> None:
        self.composer.flush()  # save what was typed before the form is refilled
        self._update_optouts()
        current = select or (self.campaign.id if self.campaign else None)
        self.composer.fill_choices()
        self.list.blockSignals(True)
        self.list.clear()
        for c in details.campaign_list():
            item = QListWidgetItem(self._list_text(c))
            item.setData(IdRole, c.id)
            self.list.addItem(item)
            if c.id == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        has = self.list.count() > 0
        self.splitter.setVisible(has)
        self.empty.setVisible(not has)
        item = self.list.currentItem()
        self.load(item.data(IdRole) if item else None)

    def new_item(self) -> None:
        number = len(details.campaign_list()) + 1
        name = self.tr("Campaign {}").format(number)
        while outbox.find_campaign(name):
            number += 1
            name = self.tr("Campaign {}").format(number)
        # No audience is chosen for the owner: the first segment is rarely the right one.
        campaign = outbox.create_campaign(name, *outbox.NO_AUDIENCE, self.tr("Hello from us"), DEFAULT_BODY)
        self.reload(select=campaign.id)
        self.tabs.setCurrentIndex(0)
        self.composer.name.setFocus()
        self.composer.name.selectAll()

    def load(self, campaign_id: int | None) -> None:
        """Show one campaign in every tab."""
        campaign = details.campaign_details(campaign_id) if campaign_id else None
        if campaign is None or self.campaign is None or campaign.id != self.campaign.id:
            self.preview.index = 0
        self.composer.show_campaign(campaign)
        self.sending.update_buttons()
        if self.tabs.currentIndex() == PREVIEW_TAB:
            self.preview.show_recipient(0)
        elif self.tabs.currentIndex() == REPORT_TAB:
            self.report.fill(campaign)

    def _tab_changed(self, index: int) -> None:
        if index == PREVIEW_TAB:
            self.preview.show_recipient(self.preview.index)
        elif index == REPORT_TAB:
            self.report.fill(self.campaign)

    def _counted(self, _summary) -> None:
        if self.tabs.currentIndex() == PREVIEW_TAB:
            self.preview.show_recipient(self.preview.index)

    def _renamed(self, campaign: CampaignDetails) -> None:
        item = self.list.currentItem()
        if item is not None:
            item.setText(f"{campaign.name}\n{campaign.status}")

    def _list_text(self, c: CampaignDetails) -> str:
        text = ("    ↳ " if c.parent_id else "") + f"{c.name}\n{c.status}"
        if c.total:
            text += self.tr(" · {}/{} sent").format(f"{c.sent:,}", f"{c.total:,}")
        return text
