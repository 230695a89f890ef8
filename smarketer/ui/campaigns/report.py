"""The Report tab: the figures of a campaign and its outbox, one row per recipient, read a
page at a time (a campaign to 100,000 people costs the rows scrolled to, not all of them)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from smarketer.campaigns import details, outbox
from smarketer.campaigns.details import CampaignDetails, OutboxLine
from smarketer.ui.workers import run_job

_ROOT = QModelIndex()


class OutboxModel(QAbstractTableModel):
    """A campaign's outbox rows in queue order; more are read as the view scrolls down."""

    PAGE = 500

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers = [self.tr("Recipient"), self.tr("State"), self.tr("Server reply")]
        self.campaign_id: int | None = None
        self.lines: list[OutboxLine] = []
        self._more = False

    def show_page(self, campaign_id: int | None, first: list[OutboxLine]) -> None:
        """Show a campaign's first page (read in a worker); the rest follows on scrolling."""
        self.beginResetModel()
        self.campaign_id, self.lines = campaign_id, list(first)
        self._more = len(first) >= self.PAGE
        self.endResetModel()

    def canFetchMore(self, parent=_ROOT) -> bool:  # noqa: N802
        return not parent.isValid() and self._more and self.campaign_id is not None

    def fetchMore(self, parent=_ROOT) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        assert self.campaign_id is not None
        after = self.lines[-1].id if self.lines else 0
        page = details.outbox_page(self.campaign_id, after, self.PAGE)
        self._more = len(page) >= self.PAGE
        if page:
            self.beginInsertRows(_ROOT, len(self.lines), len(self.lines) + len(page) - 1)
            self.lines.extend(page)
            self.endInsertRows()

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        line = self.lines[index.row()]
        return (line.email, line.state, line.reply)[index.column()]

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.headers)
        ):
            return self.headers[section]
        return None


class ReportPane(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = OutboxModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()  # addresses whole; the reply gets the rest
        header.setResizeContentsPrecision(200)  # measured on the first rows, not 100,000
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._request = 0
        self.campaign: CampaignDetails | None = None

    def fill(self, campaign: CampaignDetails | None) -> None:
        """Count in a worker; a result for an older request (or campaign) is dropped."""
        self.campaign = campaign
        self._request += 1
        if campaign is None:
            return
        request = self._request
        self.summary.setText(self.tr("Counting…"))
        self.job = run_job(
            _report_data,
            campaign.id,
            OutboxModel.PAGE,
            on_success=lambda data: self._show(request, campaign, data),
            parent=self,
        )

    def _show(self, request: int, campaign: CampaignDetails, data) -> None:
        if request != self._request:
            return
        r, first = data
        self.model.show_page(campaign.id, first)
        states = ", ".join(f"{n} {s}" for s, n in sorted(r.by_state.items())) or self.tr("nothing queued")
        excluded = ", ".join(f"{n} {why}" for why, n in sorted(r.excluded.items())) or self.tr("none")
        rate = f" ({r.reply_rate:.0%})" if r.reply_rate is not None else ""
        text = self.tr(
            "{}. Replies: {}{}. Left out: {}. Unsubscribed since: {}. Deals opened by recipients: {}."
        ).format(states, r.replies, rate, excluded, r.unsubscribed_since, r.deals_opened)
        if r.unknown:
            text += self.tr(" {} unknown: check your Sent folder before sending them again.").format(
                len(r.unknown)
            )
        if campaign.pause_reason:
            text += self.tr(" Paused: {}").format(campaign.pause_reason)
        self.summary.setText(text)


def _report_data(campaign_id: int, page: int):
    """The figures and the first page of the outbox (a worker job)."""
    return outbox.report(campaign_id), details.outbox_page(campaign_id, 0, page)
