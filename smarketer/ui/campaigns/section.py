"""The Campaigns section: compose to an audience, preview each recipient's email, send with
progress, pause, resume and cancel, and read the report."""

from __future__ import annotations

import json
from datetime import UTC

from PySide6.QtCore import QAbstractTableModel, QDateTime, QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from smarketer import contacts
from smarketer.campaigns import account as smtp
from smarketer.campaigns import audience as recipients
from smarketer.campaigns import outbox, sender, templates
from smarketer.campaigns.compose import header_text, parts
from smarketer.campaigns.outbox import CampaignError
from smarketer.db.models import Campaign, Contact, EmailTemplate
from smarketer.ui import dialogs
from smarketer.ui.campaigns.fields_menu import insert_field_button
from smarketer.ui.flow import button_row
from smarketer.ui.hub import Hub
from smarketer.ui.sections import EmptyState, Section, title_label
from smarketer.ui.workers import run_job

IdRole = Qt.ItemDataRole.UserRole + 1
DEFAULT_BODY = """Hello {{ contact.first_name | default("there") }},

write your email here in **Markdown**. Merge fields: {{ contact.company | default("") }},
{{ sender.name }}.

Best wishes,
{{ sender.name }}
"""


class OfflinePreview(QTextBrowser):
    """Shows the email without ever loading remote content (no tracking, no surprises)."""

    def loadResource(self, kind, url):  # noqa: N802
        return None


class CampaignsSection(Section):
    label = "Campaigns"
    new_item_text = "&New Campaign"
    status_text = Signal(str)  # from the sending worker, queued to the GUI thread

    def __init__(self, hub: Hub, parent=None):
        super().__init__(parent)
        self.hub = hub
        self.job = None
        self.preview_ids: list[int] = []
        self.preview_index = 0
        header = QHBoxLayout()
        header.addWidget(title_label(self.tr("Campaigns")))
        header.addStretch(1)
        self.unsub_button = QPushButton(self.tr("Import unsubscribes…"))
        self.unsub_button.setToolTip(self.tr("A file of addresses that must never be emailed"))
        self.unsub_button.clicked.connect(self.import_unsubscribes)
        self.new_button = QPushButton(self.tr("New campaign"))
        self.new_button.setToolTip(self.tr("Start a campaign (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_item)
        self.inbox_button = QPushButton(self.tr("Check inbox"))
        self.inbox_button.setToolTip(
            self.tr("Read replies, bounces and unsubscribes from your mailbox (Settings → Inbox)")
        )
        self.inbox_button.clicked.connect(lambda: self.check_inbox(ask=True))
        self.optouts_button = QPushButton()
        self.optouts_button.clicked.connect(self.show_optouts)
        header.addWidget(self.optouts_button)
        header.addWidget(self.inbox_button)
        header.addWidget(self.unsub_button)
        header.addWidget(self.new_button)
        self.layout_.addLayout(header)

        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Campaigns"))
        self.list.currentItemChanged.connect(lambda item, _p: self.load(item.data(IdRole) if item else None))

        # composing
        self.name = QLineEdit()
        self.audience = QComboBox()
        self.audience.setAccessibleName(self.tr("Audience"))
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.plain_only = QCheckBox(self.tr("Plain text only (looks like a personal email)"))
        self.template_box = QComboBox()
        self.template_box.setAccessibleName(self.tr("Saved templates"))
        self.template_box.activated.connect(self._use_template)
        self.save_template_button = QPushButton(self.tr("Save as template…"))
        self.save_template_button.clicked.connect(self.save_template)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_box, 1)
        template_row.addWidget(self.save_template_button)
        form = QFormLayout()
        for text, widget in (
            (self.tr("Name"), self.name),
            (self.tr("Audience"), self.audience),
            (self.tr("Subject"), self.subject),
            (self.tr("Body"), self.body),
        ):
            widget.setAccessibleName(text)
            form.addRow(text, widget)
        self.insert_field = insert_field_button(self._field_target)
        self._last_text_edit = self.body  # where Insert field puts a field
        for edit in (self.subject, self.body):
            edit.installEventFilter(self)
        options = QHBoxLayout()
        options.addWidget(self.plain_only, 1)
        options.addWidget(self.insert_field)
        form.addRow("", options)
        form.addRow(self.tr("Template"), template_row)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setProperty("role", "fieldError")
        self.warnings.setWordWrap(True)
        for signal in (self.subject.editingFinished, self.audience.activated, self.plain_only.toggled):
            signal.connect(lambda *_: self.save_draft())
        self._body_timer = QTimer(self, singleShot=True, interval=600)
        self._body_timer.timeout.connect(self.save_draft)
        self.body.textChanged.connect(self._body_timer.start)
        self.name.editingFinished.connect(self.save_draft)

        self.preview = OfflinePreview()
        self.preview.setOpenLinks(False)
        self.preview.setAccessibleName(self.tr("Preview"))
        self.preview_label = QLabel()
        self.prev_button = QPushButton(self.tr("◀ Previous"))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.prev_button.clicked.connect(lambda: self.show_preview(self.preview_index - 1))
        self.next_button.clicked.connect(lambda: self.show_preview(self.preview_index + 1))
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.preview_label, 1, Qt.AlignmentFlag.AlignCenter)
        nav.addWidget(self.next_button)
        preview_page = QWidget()
        preview_layout = QVBoxLayout(preview_page)
        preview_layout.addLayout(nav)
        preview_layout.addWidget(self.preview, 1)

        self.report_rows = ReportRowsModel(
            [self.tr("Recipient"), self.tr("State"), self.tr("Server reply")], self
        )
        self.report = QTableView()
        self.report.setModel(self.report_rows)
        self.report.verticalHeader().hide()
        header = self.report.horizontalHeader()  # addresses whole; the reply gets the rest
        header.setResizeContentsPrecision(200)  # measured on the first rows, not 100,000
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.report.setWordWrap(False)
        self.report.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.report_summary = QLabel()
        self.report_summary.setWordWrap(True)
        report_page = QWidget()
        report_layout = QVBoxLayout(report_page)
        report_layout.addWidget(self.report_summary)
        report_layout.addWidget(self.report, 1)

        compose_page = QWidget()
        compose_layout = QVBoxLayout(compose_page)
        compose_layout.addLayout(form)
        compose_layout.addWidget(self.info)
        compose_layout.addWidget(self.warnings)
        self.tabs = QTabWidget()
        self.tabs.addTab(compose_page, self.tr("Compose"))
        self.tabs.addTab(preview_page, self.tr("Preview"))
        self.tabs.addTab(report_page, self.tr("Report"))
        self.tabs.currentChanged.connect(self._tab_changed)

        self.buttons: dict[str, QPushButton] = {}
        self.signin_job = None
        for key, text, slot in [
            ("test", "Send test email to myself", self.send_test),
            ("send", "Send now", self.send_now),
            ("schedule", "Schedule…", self.schedule),
            ("pause", "Pause", self.pause),
            ("resume", "Resume", self.resume),
            ("cancel", "Cancel campaign", self.cancel),
            ("follow", "Add follow-up…", self.add_follow_up),
            ("signin", "Sign in again…", self.sign_in_again),
        ]:
            button = QPushButton(self.tr(text))
            button.clicked.connect(slot)
            self.buttons[key] = button
        actions = button_row(*self.buttons.values())  # wraps on a narrow window
        self.progress = QProgressBar()
        self.progress.hide()
        self.sending_status = QLabel()
        self.sending_status.setWordWrap(True)
        self.status_text.connect(self.sending_status.setText)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.tabs, 1)
        right_layout.addWidget(self.progress)
        right_layout.addWidget(self.sending_status)
        right_layout.addWidget(actions)
        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(right)
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
        self.layout_.addWidget(self.splitter, 1)
        self.layout_.addWidget(self.empty, 1)
        self.campaign: Campaign | None = None
        self._loading = False
        # Counting recipients and checking merge fields read the whole audience: they run in
        # a worker, debounced; a result for an older request is dropped.
        self.summary: recipients.AudienceSummary | None = None
        self._summary_request = 0
        self._summary_timer = QTimer(self, singleShot=True, interval=150)
        self._summary_timer.timeout.connect(self._count_recipients)
        self._report_request = 0
        self._counts_request = 0
        self.scheduler = QTimer(self, interval=60_000)
        self.scheduler.timeout.connect(self.start_due)
        self.scheduler.start()
        self.inbox_timer = QTimer(self)
        self.inbox_timer.timeout.connect(lambda: self.check_inbox(ask=False))
        self._schedule_inbox()
        self.inbox_job = None
        self.reload()

    # the inbox

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - remember subject or body
        if event.type() == QEvent.Type.FocusIn and obj in (self.subject, self.body):
            self._last_text_edit = obj
        return super().eventFilter(obj, event)

    def _field_target(self):
        return self._last_text_edit

    def _schedule_inbox(self) -> None:
        from smarketer.inbox.account import load_imap_account

        account = load_imap_account()
        self.inbox_timer.stop()
        if account.configured:
            self.inbox_timer.start(account.sync_minutes * 60_000)

    def check_inbox(self, ask: bool = True):
        """Read new messages in the background; without ``ask`` never prompts (timer)."""
        from smarketer.inbox import account as imap
        from smarketer.inbox.sync import sync

        if self.inbox_job is not None and not self.inbox_job.done:
            return None
        account = imap.load_imap_account()
        if not account.configured:
            if ask:
                dialogs.show_error(
                    self, self.tr("No inbox yet"), self.tr("Set up your inbox in Settings → Inbox first.")
                )
            return None
        try:
            password = smtp.credentials(account)
        except smtp.PasswordUnavailable:
            if not ask:
                return None
            password = dialogs.ask_password(
                self, self.tr("Inbox password"), self.tr("Password for your inbox (this session):")
            )
            if not password:
                return None
            smtp.remember_for_session(account, password)
        self.inbox_button.setEnabled(False)

        def done(result) -> None:
            self.inbox_button.setEnabled(True)
            self.hub.toast.emit(result.text(), "", None)
            self.hub.data_changed.emit("contact")
            self.reload()

        def failed(exc: BaseException) -> None:
            self.inbox_button.setEnabled(True)
            self.hub.notify.emit(str(exc))

        self.inbox_job = run_job(sync, account, password, on_success=done, on_failure=failed)
        return self.inbox_job

    def show_optouts(self):
        from smarketer.ui.campaigns.inbox_ui import OptOutsDialog

        dialog = OptOutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(lambda: (self._update_optouts(), self.hub.data_changed.emit("contact")))
        dialog.open()
        return dialog

    def _update_optouts(self) -> None:
        from smarketer.inbox.process import to_confirm

        waiting = len(to_confirm())
        self.optouts_button.setText(self.tr(f"Opt-outs to confirm ({waiting})"))
        self.optouts_button.setVisible(waiting > 0)

    # Section interface

    def reload(self, select: int | None = None) -> None:
        if self._body_timer.isActive():  # save what was typed before the form is refilled
            self._body_timer.stop()
            self.save_draft()
        self._update_optouts()
        current = select or (self.campaign.id if self.campaign else None)
        self._fill_audiences()
        self._fill_templates()
        self.list.blockSignals(True)
        self.list.clear()
        for c, counts in outbox.campaigns_with_counts():
            total = sum(counts.values())
            item = QListWidgetItem(
                ("    ↳ " if c.parent_id else "")
                + f"{c.name}\n{c.status}"
                + (f" · {counts.get('sent', 0)}/{total} sent" if total else "")
            )
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

    def add_follow_up(self) -> None:
        c = self.campaign
        if c is None:
            return
        days = dialogs.ask_number(
            self,
            self.tr("Follow-up"),
            self.tr("Send to those who have not replied, after how many days?"),
            4,
            1,
            365,
        )
        if days is None:
            return
        step = outbox.create_follow_up(
            c.id,
            days,
            'Hello {{ contact.first_name | default("there") }},\n\njust checking '
            "that my last email reached you. Would a short call help?\n\n{{ sender.name }}\n",
        )
        self.reload(select=step.id)

    def new_item(self) -> None:
        number = len(outbox.campaigns_with_counts()) + 1
        name = self.tr(f"Campaign {number}")
        while outbox.find_campaign(name):
            number += 1
            name = self.tr(f"Campaign {number}")
        # No audience is chosen for the owner: the first segment is rarely the right one.
        campaign = outbox.create_campaign(name, *outbox.NO_AUDIENCE, self.tr("Hello from us"), DEFAULT_BODY)
        self.reload(select=campaign.id)
        self.tabs.setCurrentIndex(0)
        self.name.setFocus()
        self.name.selectAll()

    # audiences and templates

    def _fill_audiences(self) -> None:
        """Names now; each segment's count follows from a worker."""
        self.audience.blockSignals(True)
        self.audience.clear()
        self.audience.addItem(self.tr("Choose who receives it…"), _key(*outbox.NO_AUDIENCE))
        for segment in contacts.segments():
            self.audience.addItem(
                self.tr("Segment: {}").format(segment.name), _key("segment", str(segment.id))
            )
        for tag in contacts.all_tag_names():
            self.audience.addItem(self.tr(f"Tag: {tag}"), _key("tag", tag))
        self.audience.blockSignals(False)
        self._counts_request += 1
        request = self._counts_request
        self.counts_job = run_job(
            _segment_counts, on_success=lambda counts: self._show_counts(request, counts)
        )

    def _show_counts(self, request: int, counts: dict[str, int]) -> None:
        if request != self._counts_request:
            return  # the list was refilled meanwhile
        for index in range(self.audience.count()):
            count = counts.get(self.audience.itemData(index))
            if count is not None:
                self.audience.setItemText(index, f"{self.audience.itemText(index)} ({count:,})")

    def _fill_templates(self) -> None:
        self.template_box.clear()
        self.template_box.addItem(self.tr("Use a saved template…"))
        for t in outbox.saved_templates():
            self.template_box.addItem(t.name, t.id)

    def _use_template(self, index: int) -> None:
        template_id = self.template_box.itemData(index)
        if template_id is None:
            return
        t = EmailTemplate.get_by_id(template_id)
        self.subject.setText(t.subject)
        self.body.setPlainText(t.body)
        self.plain_only.setChecked(t.plain_only)
        self.save_draft()
        self.template_box.setCurrentIndex(0)

    def save_template(self) -> None:
        name = dialogs.ask_text(self, self.tr("Save template"), self.tr("Template name:"), self.name.text())
        if not name:
            return
        try:
            outbox.save_template(
                name, self.subject.text(), self.body.toPlainText(), self.plain_only.isChecked()
            )
        except templates.TemplateProblem as exc:
            self.warnings.setText(str(exc))
            return
        self._fill_templates()
        self.hub.notify.emit(self.tr(f"Saved template {name}."))

    # loading and saving a campaign

    def load(self, campaign_id: int | None) -> None:
        if self._body_timer.isActive():  # keep what was just typed in the previous campaign
            self._body_timer.stop()
            self.save_draft()
        self._loading = True
        if self.campaign is None or self.campaign.id != campaign_id:
            self.preview_index = 0
            self.warnings.clear()
            self.summary = None
        self.campaign = Campaign.get_or_none(Campaign.id == campaign_id) if campaign_id else None
        c = self.campaign
        editable = c is not None and c.status in ("draft", "scheduled")
        for widget in (self.name, self.audience, self.subject, self.body, self.plain_only, self.template_box):
            widget.setEnabled(editable)
        if c is not None and c.parent_id:
            self.audience.setEnabled(False)  # a follow-up goes to its step's non-repliers
        if c is not None:
            self.name.setText(c.name)
            index = self.audience.findData(_key(c.audience_kind, c.audience))
            if index < 0:
                label = (
                    self.tr(f"{len(json.loads(c.audience))} picked contacts")
                    if c.audience_kind == "contacts"
                    else self.tr("(audience removed)")
                )
                self.audience.addItem(label, _key(c.audience_kind, c.audience))
                index = self.audience.count() - 1
            self.audience.setCurrentIndex(max(0, index))
            self.subject.setText(c.subject)
            if self.body.toPlainText() != c.body:
                self.body.setPlainText(c.body)
                self._body_timer.stop()  # loading is no edit: nothing to save
            self.plain_only.setChecked(c.plain_only)
        self._loading = False
        self._update_info()
        self._update_buttons()
        if self.tabs.currentIndex() == 1:
            self.show_preview(0)
        elif self.tabs.currentIndex() == 2:
            self._fill_report()

    def save_draft(self) -> None:
        c = self.campaign
        if self._loading or c is None or c.status not in ("draft", "scheduled"):
            return
        if not Campaign.select().where(Campaign.id == c.id).exists():  # removed meanwhile
            self.campaign = None
            return
        kind, audience = _split(self.audience.currentData()) or (c.audience_kind, c.audience)
        fields = {
            "subject": self.subject.text(),
            "body": self.body.toPlainText(),
            "plain_only": self.plain_only.isChecked(),
            "audience_kind": kind,
            "audience": audience,
        }
        name = self.name.text().strip()
        if name and name.lower() != c.name.lower():
            if outbox.find_campaign(name):
                self.warnings.setText(self.tr(f"There is already a campaign named {name}."))
                return
            fields["name"] = name
        try:
            self.campaign = outbox.update_campaign(c.id, **fields)
        except (CampaignError, templates.TemplateProblem) as exc:
            self.warnings.setText(str(exc))
            return
        if "name" in fields:
            self.list.currentItem().setText(f"{name}\n{self.campaign.status}")
        self._update_info()

    def _update_info(self) -> None:
        """Recount shortly, in a worker (edits come in bursts); "counting…" meanwhile."""
        self._summary_request += 1  # the last summary stays usable (preview) until then
        self._summary_timer.stop()
        if self.campaign is None:
            self.info.clear()
            self.warnings.clear()
            return
        if not self.campaign.parent_id and not outbox.has_audience(self.campaign):
            self.info.setText(self.tr("Choose who receives it: a segment or a tag (save one in Contacts)."))
            self.warnings.clear()
            return
        self.info.setText(self.tr("Counting recipients…"))
        self._summary_timer.start()

    def _count_recipients(self) -> None:
        if self.campaign is None:
            return
        request = self._summary_request
        self.summary_job = run_job(
            recipients.summarize,
            self.campaign.id,
            on_success=lambda summary: self._show_summary(request, summary),
            on_failure=lambda exc: self._summary_failed(request, exc),
        )

    def _summary_failed(self, request: int, exc: BaseException) -> None:
        if request == self._summary_request and self.campaign is not None:
            self.info.setText(self.tr("The recipients could not be counted: {}").format(exc))

    def _show_summary(self, request: int, summary: recipients.AudienceSummary) -> None:
        c = self.campaign
        if request != self._summary_request or c is None or summary.campaign_id != c.id:
            return  # asked for an older text or another campaign: a newer count is coming
        self.summary = summary
        excluded = ", ".join(f"{n:,} {why}" for why, n in sorted(summary.excluded.items()))
        if c.parent_id:
            self.info.setText(
                self.tr(
                    f"Follow-up {c.delay_days} days after {c.parent.name}: "
                    f"{len(summary.eligible):,} due now, {summary.waiting:,} later; left out: "
                    + (excluded or "none")
                    + "."
                )
            )
        else:
            consent = (
                self.tr(
                    f" {summary.without_consent:,} have no recorded consent"
                    + (" and are left out." if summary.only_with_consent else ".")
                )
                if summary.without_consent
                else ""
            )
            self.info.setText(
                self.tr(
                    f"{len(summary.eligible):,} recipients"
                    + (f" · left out: {excluded}" if excluded else "")
                    + "."
                    + consent
                )
            )
        if summary.problem:
            self.warnings.setText(summary.problem)
        elif summary.missing_example:
            name, field = summary.missing_example
            self.warnings.setText(
                self.tr(
                    f"{summary.missing_count:,} recipient(s) lack a field the template uses "
                    f"without a default, e.g. {name} has no {field}."
                )
            )
        else:
            self.warnings.clear()
        if self.tabs.currentIndex() == 1:
            self.show_preview(self.preview_index)

    def _update_buttons(self) -> None:
        status = self.campaign.status if self.campaign else None
        sending = self.job is not None and not self.job.done
        enable = {
            "test": status is not None and not sending,
            "send": status in ("draft", "scheduled") and not sending,
            "schedule": status in ("draft", "scheduled") and not sending,
            "pause": sending or status in ("sending", "scheduled"),
            "resume": status == "paused" and not sending,
            "cancel": status in ("draft", "scheduled", "paused", "sending"),
            "follow": status is not None,
        }
        for key, on in enable.items():
            self.buttons[key].setEnabled(on)
        signin = self.buttons["signin"]  # a paused campaign whose provider sign-in ended
        signin.setVisible(status == "paused" and smtp.needs_sign_in(smtp.load_account()))
        signin.setEnabled(not sending and self.signin_job is None)

    def sign_in_again(self):
        """Sign the sending account in again (browser, in the background); then Resume."""
        from smarketer.ui.campaigns.signin_panel import failure_text, start_sign_in

        a = smtp.load_account()
        self.sending_status.setText(self.tr("Finish signing in in your browser…"))

        def done(result) -> None:
            self.signin_job = None
            text = result.text() + " " + self.tr("Resume to go on sending.")
            self.sending_status.setText(text)
            self.hub.notify.emit(text)
            self._update_buttons()

        def failed(exc: BaseException) -> None:
            self.signin_job = None
            self.sending_status.setText(self.tr(failure_text(exc)))
            self._update_buttons()

        self.signin_job = start_sign_in(a.provider, a.username, a.client_id, a.client_secret, done, failed)
        self._update_buttons()
        return self.signin_job

    # preview and report

    def _tab_changed(self, index: int) -> None:
        if index == 1:
            self.show_preview(self.preview_index)
        elif index == 2:
            self._fill_report()

    def show_preview(self, index: int) -> None:
        if self.campaign is None:
            return
        if self.summary is None:  # the count arrives from a worker, then shows the preview
            self.preview.setPlainText(self.tr("Counting recipients…"))
            self.preview_label.clear()
            self.prev_button.setEnabled(False)
            self.next_button.setEnabled(False)
            return
        self.preview_ids = self.summary.eligible
        if not self.preview_ids:
            self.preview.setPlainText(self.tr("Nobody in this audience can be emailed."))
            self.preview_label.clear()
            return
        self.preview_index = max(0, min(index, len(self.preview_ids) - 1))
        contact = Contact.get_by_id(self.preview_ids[self.preview_index])
        try:
            msg = outbox.preview(self.campaign, contact.id)
        except Exception as exc:  # noqa: BLE001 - a missing field shows as text, not a crash
            self.preview.setPlainText(self.tr(f"This recipient's email cannot be made: {exc}"))
        else:
            text, body = parts(msg)
            header = (
                f"<p><b>To:</b> {_esc(header_text(msg, 'To'))}<br>"
                f"<b>Subject:</b> {_esc(header_text(msg, 'Subject'))}</p><hr>"
            )
            if body and not self.campaign.plain_only:
                self.preview.setHtml(header + body)
            else:
                self.preview.setHtml(header + f"<pre style='white-space:pre-wrap'>{_esc(text)}</pre>")
        self.preview_label.setText(
            self.tr(
                f"Recipient {self.preview_index + 1} of "
                f"{len(self.preview_ids)}: "
                f"{contact.full_name or contact.email}"
            )
        )
        self.prev_button.setEnabled(self.preview_index > 0)
        self.next_button.setEnabled(self.preview_index < len(self.preview_ids) - 1)

    def _fill_report(self) -> None:
        if self.campaign is None:
            return
        self._report_request += 1
        request = self._report_request
        self.report_summary.setText(self.tr("Counting…"))
        self.report_job = run_job(
            _report_data, self.campaign.id, on_success=lambda data: self._show_report(request, data)
        )

    def _show_report(self, request: int, data) -> None:
        if request != self._report_request or self.campaign is None:
            return
        r, rows = data
        self.report_rows.set_rows(rows)
        states = ", ".join(f"{n} {s}" for s, n in sorted(r.by_state.items())) or "nothing queued"
        excluded = ", ".join(f"{n} {why}" for why, n in sorted(r.excluded.items())) or "none"
        unknown = (
            self.tr(f" {len(r.unknown)} unknown: check your Sent folder before sending them again.")
            if r.unknown
            else ""
        )
        rate = f" ({r.reply_rate:.0%})" if r.reply_rate is not None else ""
        self.report_summary.setText(
            self.tr(
                f"{states}. Replies: {r.replies}{rate}. Left out: {excluded}. "
                f"Unsubscribed since: {r.unsubscribed_since}. "
                f"Deals opened by recipients: {r.deals_opened}.{unknown}"
                + (f" Paused: {self.campaign.pause_reason}" if self.campaign.pause_reason else "")
            )
        )

    # sending

    def _password(self) -> tuple[bool, str | None]:
        account = smtp.load_account()
        if not account.username:
            return True, None
        try:
            return True, smtp.credentials(account)
        except smtp.PasswordUnavailable:
            password = dialogs.ask_password(
                self,
                self.tr("Email password"),
                self.tr(f"Password for {account.username} at {account.host} (kept for this session only):"),
            )
            if password:
                smtp.remember_for_session(account, password)
            return password is not None, password

    def send_test(self):
        """One email to the owner's own address; returns the job (None if not sent)."""
        from smarketer.campaigns.transport import send_test

        c = self.campaign
        account = smtp.load_account()
        try:
            outbox.ready_to_send(account)
            if self.summary is None:
                raise CampaignError("Still counting the recipients: try again in a moment.")
            ids = self.summary.eligible
            if not ids:
                raise CampaignError("Nobody in this audience can be emailed.")
            msg = outbox.preview(c, ids[min(self.preview_index, len(ids) - 1)])
        except Exception as exc:  # noqa: BLE001
            dialogs.show_error(self, self.tr("No test sent"), str(exc))
            return None
        del msg["To"]
        msg["To"] = account.from_address  # the test goes to the owner, not the recipient
        ok, password = self._password()
        if not ok:
            return None
        self.sending_status.setText(self.tr("Sending a test to yourself…"))
        self.test_job = run_job(
            send_test,
            account,
            password,
            msg,
            on_success=lambda reply: self.sending_status.setText(
                self.tr(f"Test sent to {account.from_address}: {reply}")
            ),
            on_failure=lambda exc: self.sending_status.setText(self.tr(f"The test failed: {exc}")),
        )
        return self.test_job

    def review(self, at=None, on_confirmed=None):
        """The send review (figures off the GUI thread); ``on_confirmed`` runs on "Send to N"."""
        from smarketer.ui.campaigns.review_dialog import SendReviewDialog

        self.save_draft()
        dialog = SendReviewDialog(self.campaign.id, at, send_test=self.send_test, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if on_confirmed:
            dialog.confirmed.connect(on_confirmed)
        dialog.open()
        self.review_dialog = dialog
        return dialog

    def send_now(self):
        """Send now, after the owner confirms the send review."""
        c = self.campaign

        def confirmed() -> None:
            self._start_in_background(outbox.start, c.id, self.tr("Not sent"))

        return self.review(on_confirmed=confirmed)

    def _start_in_background(self, start, campaign_id: int, title: str, **kwargs) -> None:
        """Queueing reads the whole audience: a worker does it, then the sender starts."""
        self.buttons["send"].setEnabled(False)
        self.buttons["resume"].setEnabled(False)
        self.sending_status.setText(self.tr("Queueing the recipients…"))

        def failed(exc: BaseException) -> None:
            self.sending_status.clear()
            self._update_buttons()
            dialogs.show_error(self, title, str(exc))

        def started(_result) -> None:
            if kwargs.get("at"):
                self.sending_status.clear()
                self.hub.notify.emit(
                    self.tr("Scheduled (Smarketer must be open then, or run: smarketer campaign send).")
                )
                self.reload()
            else:
                self._run_sender(campaign_id)

        self.start_job = run_job(start, campaign_id, on_success=started, on_failure=failed, **kwargs)

    def _run_sender(self, campaign_id: int) -> None:
        ok, password = self._password()
        if not ok:
            outbox.pause(campaign_id, self.tr("Waiting for the email password."))
            self.reload(select=campaign_id)
            return
        self.progress.setRange(0, 0)
        self.progress.show()
        self.sending_status.setText(self.tr("Sending…"))
        self.job = run_job(
            sender.send_campaign,
            campaign_id,
            password=password,
            status=self.status_text.emit,
            on_progress=self._progressed,
            on_success=self._finished,
            on_failure=self._failed,
        )
        self.reload(select=campaign_id)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.sending_status.setText(self.tr(f"Sent {done} of {total}…"))

    def _finished(self, result) -> None:
        self.progress.hide()
        text = (
            self.tr(f"Done: {result.sent} sent, {result.failed} failed.")
            if result.status == "done"
            else self.tr(f"Paused: {result.reason}")
        )
        self.sending_status.setText(text)
        self.hub.notify.emit(text)
        self.hub.data_changed.emit("campaign")
        self.reload()
        self._fill_report()

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.sending_status.setText(self.tr(f"Sending stopped: {exc}"))
        self.reload()

    def schedule(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Schedule"))
        when = QDateTimeEdit(QDateTime.currentDateTime().addSecs(3600))
        when.setCalendarPopup(True)
        when.setDisplayFormat("yyyy-MM-dd HH:mm")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QFormLayout(dialog)
        layout.addRow(self.tr("Send at"), when)
        layout.addRow(buttons)

        def accepted() -> None:
            at = when.dateTime().toPython().astimezone(UTC)
            campaign_id = self.campaign.id
            self.review(
                at,
                lambda: self._start_in_background(outbox.start, campaign_id, self.tr("Not scheduled"), at=at),
            )

        dialog.accepted.connect(accepted)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.schedule_dialog = dialog

    def start_due(self) -> None:
        """Every minute: scheduled campaigns whose time has come, and follow-ups now due."""
        if self.job is not None and not self.job.done:
            return
        if getattr(self, "due_job", None) is not None and not self.due_job.done:
            return
        self.due_job = run_job(
            _due_campaign,
            on_success=lambda campaign_id: campaign_id is not None and self._run_sender(campaign_id),
        )

    def pause(self) -> None:
        if self.job is not None and not self.job.done:
            self.job.cancel()
        if self.campaign:
            outbox.pause(self.campaign.id)
            self.reload()

    def resume(self) -> None:
        self._start_in_background(outbox.resume, self.campaign.id, self.tr("Not resumed"))

    def cancel(self) -> None:
        c = self.campaign

        def cancel() -> None:
            if self.job is not None and not self.job.done:
                self.job.cancel()
            outbox.cancel(c.id)
            self.reload()

        dialogs.confirm(
            self,
            self.tr("Cancel campaign?"),
            self.tr(f"Stop {c.name} for good? Emails already sent stay sent; the others are not sent."),
            cancel,
            yes_text=self.tr("Cancel campaign"),
            destructive=True,
        )

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
        known, total = outbox.unsubscribe_list(outbox.addresses_in(text))
        self.hub.notify.emit(
            self.tr(f"{total} addresses suppressed; {known} of them were contacts and are now unsubscribed.")
        )
        self.hub.data_changed.emit("contact")


class ReportRowsModel(QAbstractTableModel):
    """The outbox rows of the report as plain tuples: a view over 100,000 rows costs only
    the rows on screen."""

    def __init__(self, headers: list[str], parent=None):
        super().__init__(parent)
        self.headers = headers
        self.rows: list[tuple[str, ...]] = []

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            return self.rows[index.row()][index.column()]
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and section < len(self.headers)
        ):
            return self.headers[section]
        return None


# Jobs for the worker threads: plain data in, plain data out.


def _segment_counts() -> dict[str, int]:
    return {_key("segment", str(i)): n for i, n in contacts.segment_counts().items()}


def _report_data(campaign_id: int):
    rows = [(r.email, r.state, r.reply) for r in outbox.outbox_rows(campaign_id)]
    return outbox.report(campaign_id), rows


def _due_campaign() -> int | None:
    """The first scheduled campaign whose time has come, or follow-up now due."""
    due = outbox.due_scheduled() or outbox.due_follow_ups()
    return due[0].id if due else None


def _key(kind: str, audience: str) -> str:
    """Combo box data as text: Qt compares text reliably, Python tuples not at all."""
    return f"{kind}\t{audience}"


def _split(key: str | None) -> tuple[str, str] | None:
    if not key:
        return None
    kind, _, audience = key.partition("\t")
    return kind, audience


def _esc(text) -> str:
    import html

    return html.escape(str(text))
