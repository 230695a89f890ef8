"""The Proposals section: every proposal on the left, the editor on the right, and the
actions of its life: preview, export, mark sent, accept, decline, revise, duplicate."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smarketer.proposals import lifecycle, listing
from smarketer.proposals.drafts import ProposalError, client_of, create_proposal, delete_proposal
from smarketer.proposals.lifecycle import expire_overdue, new_revision, sent_pdf
from smarketer.ui import dialogs
from smarketer.ui.flow import button_row
from smarketer.ui.hub import Hub
from smarketer.ui.proposals.catalog import BlocksDialog, CatalogDialog
from smarketer.ui.proposals.editor import ProposalEditor
from smarketer.ui.refresh import Refresh
from smarketer.ui.sections import EmptyState, Section, title_label
from smarketer.ui.workers import run_job, save_now

PDF_FILTER = "PDF documents (*.pdf)"
IdRole = Qt.ItemDataRole.UserRole + 1


def _first_read() -> list[listing.ProposalSummary]:
    expire_overdue()
    return listing.summaries()


class ProposalsSection(Section):
    label = "Proposals"
    new_item_text = "&New Proposal"

    def __init__(self, hub: Hub, parent=None):
        super().__init__(parent)
        self.hub = hub
        self.job = None
        header = QHBoxLayout()
        header.addWidget(title_label(self.tr("Proposals")))
        header.addStretch(1)
        self.catalog_button = QPushButton(self.tr("Catalog…"))
        self.catalog_button.setToolTip(self.tr("Your products and services, with prices"))
        self.catalog_button.clicked.connect(self.edit_catalog)
        self.blocks_button = QPushButton(self.tr("Blocks…"))
        self.blocks_button.setToolTip(self.tr("Reusable text: about us, case studies, terms"))
        self.blocks_button.clicked.connect(self.edit_blocks)
        self.new_button = QPushButton(self.tr("New proposal"))
        self.new_button.setToolTip(self.tr("Start a proposal (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_item)
        for button in (self.catalog_button, self.blocks_button, self.new_button):
            header.addWidget(button)
        self.layout_.addLayout(header)
        # Built top down: the containers join the section first and each part joins its
        # container once (built bottom up, every widget is re-parented once per level).
        self.splitter = QSplitter()
        self.layout_.addWidget(self.splitter, 1)
        self.splitter.hide()  # until the list is read: neither it nor "No proposals yet"

        self.list = QTableWidget(0, 5)
        self.list.setHorizontalHeaderLabels(
            [self.tr("Number"), self.tr("Title"), self.tr("Client"), self.tr("Status"), self.tr("Total")]
        )
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.list.verticalHeader().hide()
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setAccessibleName(self.tr("Proposals"))
        self.list.currentCellChanged.connect(lambda row, *_: self._selected(row))

        self.splitter.addWidget(self.list)
        right = QWidget()
        self.splitter.addWidget(right)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.editor = ProposalEditor(right)
        right_layout.addWidget(self.editor, 1)
        self.editor.changed.connect(self._edited)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, tip, slot in [
            ("preview", "Preview", "See the PDF as the client will", self.preview),
            ("export", "Export PDF…", "Save the PDF to a file", self.export),
            ("sent", "Mark as sent", "Keep this exact PDF as sent; the deal moves on", self.mark_sent),
            (
                "email",
                "Email to client",
                "Send the PDF to the client from your own account",
                self.email_client,
            ),
            ("accept", "Accept", "The client said yes: the deal is won", self.accept),
            ("decline", "Decline", "The client said no", self.decline),
            ("revise", "New revision", "Change a sent proposal; the sent PDF is kept", self.revise),
            ("duplicate", "Duplicate", "A new proposal with the same content", self.duplicate),
            ("delete", "Delete draft", "Only the newest draft of the year", self.delete),
        ]:
            button = QPushButton(self.tr(text))
            button.setToolTip(self.tr(tip))
            button.clicked.connect(slot)
            self.buttons[key] = button
        right_layout.addWidget(button_row(*self.buttons.values()))
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([300, 900])
        self.empty = EmptyState(
            self.tr("No proposals yet"),
            self.tr(
                "Put a price on a deal: line items from your catalog, your about-us and "
                "terms, exact totals, and a branded PDF the client can sign."
            ),
            self.tr("New proposal"),
            self.new_item,
        )
        self.layout_.addWidget(self.empty, 1)
        self.empty.hide()
        self.elsewhere = Refresh(listing.summaries, self._show_elsewhere, self)
        # The first read in a worker (it grows with the proposals and their lines).
        run_job(_first_read, on_success=self._first_fill, parent=self)

    # Section interface

    @property
    def loading(self) -> bool:
        """Whether the first read has not arrived yet (tests wait for it)."""
        return self.splitter.isHidden() and self.empty.isHidden()

    def reload(self, select: int | None = None) -> None:
        expire_overdue()
        self._fill(listing.summaries(), select or self.current_id())  # a damaged one is listed

    def _first_fill(self, proposals: list[listing.ProposalSummary]) -> None:
        if self.loading:  # not already filled by an action of the owner's (New proposal)
            self._fill(proposals, None)

    def changed_elsewhere(self) -> None:
        """Another seat changed proposals: the list is read again in a worker (the selection
        kept), and the open proposal too unless something is typed in it."""
        self.elsewhere.request()

    def _show_elsewhere(self, proposals: list[listing.ProposalSummary]) -> None:
        typing = self.editor.has_changes()
        self._fill(proposals, self.current_id(), load_editor=not typing)

    def _fill(self, proposals: list[listing.ProposalSummary], current: int | None, load_editor=True) -> None:
        self.list.blockSignals(True)
        self.list.setRowCount(len(proposals))
        for row, p in enumerate(proposals):
            self._fill_row(row, p)
        self.list.blockSignals(False)
        self.splitter.setVisible(bool(proposals))
        self.empty.setVisible(not proposals)
        ids = [p.id for p in proposals]
        row = ids.index(current) if current in ids else (0 if ids else -1)
        self.list.blockSignals(True)
        self.list.setCurrentCell(row, 0)
        self.list.blockSignals(False)
        if load_editor or self.editor.proposal is None or self.editor.proposal.id != self.current_id():
            self.editor.load(ids[row] if row >= 0 else None)  # always fresh: its status may change
        self._update_buttons()

    def new_item(self) -> None:
        proposal = create_proposal(self.tr("New proposal"))
        self.reload(select=proposal.id)
        self.editor.title.setFocus()
        self.editor.title.selectAll()
        self.hub.notify.emit(self.tr("Drafted {}.").format(proposal.label))

    def new_for_deal(self, deal_id: int) -> None:
        from smarketer.pipeline.deal_board import deal_heading

        proposal = create_proposal(deal_heading(deal_id).title, deal_id=deal_id)
        self.reload(select=proposal.id)

    # selection

    def current_id(self) -> int | None:
        cell = self.list.item(self.list.currentRow(), 0) if self.list.currentRow() >= 0 else None
        return cell.data(IdRole) if cell else None

    def _selected(self, row: int) -> None:
        proposal_id = self.current_id() if row >= 0 else None
        if self.editor.proposal is None or self.editor.proposal.id != proposal_id:
            self.editor.load(proposal_id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        p = self.editor.proposal
        status = p.status if p else None
        enable = {
            "preview": p is not None,
            "export": p is not None,
            "sent": status == "draft",
            "email": p is not None and status in ("draft", "sent") and self._can_email(p),
            "accept": status in ("sent", "expired"),
            "decline": status in ("sent", "expired"),
            "revise": status not in (None, "draft"),
            "duplicate": p is not None,
            "delete": status == "draft",
        }
        for key, on in enable.items():
            self.buttons[key].setEnabled(on)
        if p is not None and p.sent_pdf_id:
            self.buttons["export"].setText(self.tr("Export sent PDF…"))
        else:
            self.buttons["export"].setText(self.tr("Export PDF…"))

    def _can_email(self, p) -> bool:
        from smarketer.campaigns.account import load_account

        client = client_of(p)
        ready = load_account().configured and client is not None and bool(client.email)
        self.buttons["email"].setToolTip(
            self.tr("Send the PDF to the client from your own account")
            if ready
            else self.tr("Needs your email account (Settings) and a client with an email address")
        )
        return ready

    def email_client(self) -> None:
        from smarketer.campaigns import account as smtp
        from smarketer.proposals.mailing import email_proposal

        p = self.editor.proposal
        account = smtp.load_account()
        password = None
        if account.username:
            try:
                password = smtp.credentials(account)
            except smtp.PasswordUnavailable:
                password = dialogs.ask_password(
                    self,
                    self.tr("Email password"),
                    self.tr("Password for your email account (kept for this session only):"),
                )
                if not password:
                    return
                smtp.remember_for_session(account, password)
        self.hub.notify.emit(self.tr("Emailing {}…").format(p.label))
        self.buttons["email"].setEnabled(False)

        def done(reply: str) -> None:
            self.hub.notify.emit(self.tr("{} emailed to the client ({}).").format(p.label, reply))
            self.reload(select=p.id)

        def failed(exc: BaseException) -> None:
            dialogs.show_error(self, self.tr("Not emailed"), str(exc))
            self._update_buttons()

        self.job = run_job(
            email_proposal,
            p.id,
            password,
            on_success=done,
            on_failure=failed,
            changes=("proposal",),
            hub=self.hub,
            parent=self,
        )

    def _texts(self, p: listing.ProposalSummary) -> tuple[str, ...]:
        return (
            p.label,
            p.title,
            p.client,
            p.status.capitalize(),
            p.total_text or self.tr("Cannot be priced"),
        )

    def _fill_row(self, row: int, p: listing.ProposalSummary) -> None:
        for column, text in enumerate(self._texts(p)):
            cell = QTableWidgetItem(text)
            cell.setData(IdRole, p.id)
            if p.problem:
                cell.setToolTip(p.problem)
            if column == 4:
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.setItem(row, column, cell)

    def _edited(self, proposal_id: int) -> None:
        row = self.list.currentRow()
        if row >= 0:
            summary = listing.summary(proposal_id)
            for column, text in enumerate(self._texts(summary)):
                self.list.item(row, column).setText(text)
                self.list.item(row, column).setToolTip(summary.problem)
        self._update_buttons()  # e.g. Email once a client with an address is chosen

    # PDF work runs in the background

    def _with_pdf(self, then, busy: str) -> None:
        p = self.editor.proposal
        if p is None:
            return
        kept = sent_pdf(p.id)
        if kept is not None:
            then(kept)
            return
        self.hub.notify.emit(busy)
        self.job = run_job(
            _pdf_of,
            p.id,
            on_success=then,
            on_failure=lambda exc: dialogs.show_error(self, self.tr("The PDF could not be made"), str(exc)),
            parent=self,
        )

    def preview(self) -> None:
        p = self.editor.proposal

        def show(data: bytes) -> None:
            from smarketer.ui.proposals.preview import PdfPreview  # QtPdf: when first previewed

            dialog = PdfPreview(f"{p.label} · {p.title}", data, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
            self.preview_dialog = dialog

        self._with_pdf(show, self.tr("Making the PDF…"))

    def export(self) -> None:
        p = self.editor.proposal
        if p is None:
            return
        path = dialogs.ask_save_file(self, self.tr("Export the proposal as"), f"{p.label}.pdf", PDF_FILTER)
        if path is None:
            return

        def write(data: bytes) -> None:
            try:
                path.write_bytes(data)
            except OSError as exc:
                dialogs.show_error(self, self.tr("Export failed"), f"{path}: {exc.strerror or exc}")
                return
            self.hub.notify.emit(self.tr("Saved {}.").format(path.name))

        self._with_pdf(write, self.tr("Making the PDF…"))

    def mark_sent(self) -> None:
        p = self.editor.proposal

        def sent(data: bytes) -> None:
            try:
                save_now(lifecycle.mark_sent, p.id, data, changes=("proposal",), hub=self.hub)
            except ProposalError as exc:
                dialogs.show_error(self, self.tr("Not marked as sent"), str(exc))
                return
            self.hub.notify.emit(self.tr("{} marked as sent; its PDF is kept.").format(p.label))
            self.reload(select=p.id)

        self._with_pdf(sent, self.tr("Making the PDF…"))

    def _act(self, action, message: str) -> None:
        p = self.editor.proposal
        try:
            result = save_now(action, p.id, changes=("proposal",), hub=self.hub)
        except ProposalError as exc:
            dialogs.show_error(self, self.tr("Not done"), str(exc))
            return
        self.hub.notify.emit(message)
        self.reload(select=result.id)  # the proposal acted on, or the new one

    def accept(self) -> None:
        self._act(lifecycle.accept, self.tr("Accepted: the deal is won."))

    def decline(self) -> None:
        self._act(lifecycle.decline, self.tr("Marked as declined."))

    def revise(self) -> None:
        self._act(new_revision, self.tr("New revision drafted; the sent PDF is kept."))

    def duplicate(self) -> None:
        self._act(lifecycle.duplicate, self.tr("Duplicated."))

    def delete(self) -> None:
        p = self.editor.proposal
        dialogs.confirm(
            self,
            self.tr("Delete draft?"),
            self.tr("Delete the draft {}?").format(p.label),
            lambda: self._act(delete_proposal, self.tr("Draft deleted.")),
            yes_text=self.tr("Delete"),
            destructive=True,
        )

    # catalog and blocks

    def edit_catalog(self) -> QDialog:
        dialog = CatalogDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def edit_blocks(self) -> QDialog:
        dialog = BlocksDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


def _pdf_of(proposal_id: int) -> bytes:
    """The proposal's PDF, made in a worker (where reportlab is imported the first time)."""
    from smarketer.proposals.pdf import build_pdf

    return build_pdf(proposal_id)
