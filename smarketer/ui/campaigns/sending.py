"""Sending a campaign: the buttons under it, the send job with its progress, the send review,
scheduling, and the timers that start due campaigns and read the inbox."""

from __future__ import annotations

from datetime import UTC

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smarketer.campaigns import account as smtp
from smarketer.campaigns import details, outbox
from smarketer.campaigns.details import CampaignDetails
from smarketer.campaigns.outbox import CampaignError
from smarketer.ui import dialogs
from smarketer.ui.campaigns.composer import Composer
from smarketer.ui.campaigns.preview import PreviewPane
from smarketer.ui.flow import button_row
from smarketer.ui.hub import Hub
from smarketer.ui.workers import Job, run_job

FOLLOW_UP_BODY = (
    'Hello {{ contact.first_name | default("there") }},\n\njust checking '
    "that my last email reached you. Would a short call help?\n\n{{ sender.name }}\n"
)


class SendController(QWidget):
    """Owns the send job and its timers; acts on the campaign the composer shows."""

    #: A campaign changed state: show the list again, selecting this id (or the current one).
    changed = Signal(object)
    #: A send ended: the report has new figures.
    sent = Signal()
    #: The inbox was read: replies, bounces and unsubscribes may have changed contacts.
    inbox_read = Signal()

    def __init__(self, hub: Hub, composer: Composer, preview: PreviewPane, parent=None):
        super().__init__(parent)
        self.hub, self.composer, self.preview = hub, composer, preview
        self.job: Job | None = None
        self.signin_job: Job | None = None
        self.inbox_job: Job | None = None
        self.due_job: Job | None = None
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in [
            ("test", self.tr("Send test email to myself"), self.send_test),
            ("send", self.tr("Send now"), self.send_now),
            ("schedule", self.tr("Schedule…"), self.schedule),
            ("pause", self.tr("Pause"), self.pause),
            ("resume", self.tr("Resume"), self.resume),
            ("cancel", self.tr("Cancel campaign"), self.cancel),
            ("follow", self.tr("Add follow-up…"), self.add_follow_up),
            ("signin", self.tr("Sign in again…"), self.sign_in_again),
        ]:
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[key] = button
        self.progress = QProgressBar()
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(button_row(*self.buttons.values()))  # wraps on a narrow window
        self.inbox_button = QPushButton(self.tr("Check inbox"))  # shown in the section's header
        self.inbox_button.setToolTip(
            self.tr("Read replies, bounces and unsubscribes from your mailbox (Settings → Inbox)")
        )
        self.inbox_button.clicked.connect(lambda: self.check_inbox(ask=True))

        self.scheduler = QTimer(self, interval=60_000)
        self.scheduler.timeout.connect(self.start_due)
        self.scheduler.start()
        self.inbox_timer = QTimer(self)
        self.inbox_timer.timeout.connect(lambda: self.check_inbox(ask=False))
        self.schedule_inbox()

    @property
    def campaign(self) -> CampaignDetails | None:
        return self.composer.campaign

    @property
    def sending(self) -> bool:
        return self.job is not None and not self.job.done

    def update_buttons(self) -> None:
        status = self.campaign.status if self.campaign else None
        sending = self.sending
        enable = {
            "test": status is not None and not sending,
            "send": status in details.EDITABLE and not sending,
            "schedule": status in details.EDITABLE and not sending,
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

    # the inbox

    def schedule_inbox(self) -> None:
        from smarketer.inbox.account import load_imap_account

        account = load_imap_account()
        self.inbox_timer.stop()
        if account.configured:
            self.inbox_timer.start(account.sync_minutes * 60_000)

    def check_inbox(self, ask: bool = True) -> Job | None:
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
            self.inbox_read.emit()

        def failed(exc: BaseException) -> None:
            self.inbox_button.setEnabled(True)
            self.hub.notify.emit(str(exc))

        self.inbox_job = run_job(
            sync,
            account,
            password,
            on_success=done,
            on_failure=failed,
            changes=("contact",),
            hub=self.hub,
            parent=self,
        )
        return self.inbox_job

    # follow-ups and signing in

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
        step = outbox.create_follow_up(c.id, days, FOLLOW_UP_BODY)
        self.changed.emit(step.id)

    def sign_in_again(self) -> Job | None:
        """Sign the sending account in again (browser, in the background); then Resume."""
        from smarketer.ui.campaigns.signin_panel import failure_text, start_sign_in

        a = smtp.load_account()
        self.status.setText(self.tr("Finish signing in in your browser…"))

        def done(result) -> None:
            self.signin_job = None
            text = result.text() + " " + self.tr("Resume to go on sending.")
            self.status.setText(text)
            self.hub.notify.emit(text)
            self.update_buttons()

        def failed(exc: BaseException) -> None:
            self.signin_job = None
            self.status.setText(failure_text(exc))
            self.update_buttons()

        self.signin_job = start_sign_in(a.provider, a.username, a.client_id, a.client_secret, done, failed)
        self.update_buttons()
        return self.signin_job

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
                self.tr("Password for {} at {} (kept for this session only):").format(
                    account.username, account.host
                ),
            )
            if password:
                smtp.remember_for_session(account, password)
            return password is not None, password

    def send_test(self) -> Job | None:
        """One email to the owner's own address; returns the job (None if not sent)."""
        from smarketer.campaigns.transport import send_test

        c = self.campaign
        summary = self.composer.summary
        account = smtp.load_account()
        try:
            outbox.ready_to_send(account)
            if c is None or summary is None:
                raise CampaignError("Still counting the recipients: try again in a moment.")
            ids = summary.eligible
            if not ids:
                raise CampaignError("Nobody in this audience can be emailed.")
            recipient = ids[min(self.preview.index, len(ids) - 1)]
            msg = details.email_for_owner(c.id, recipient, account.from_address)
        except Exception as exc:  # noqa: BLE001
            dialogs.show_error(self, self.tr("No test sent"), str(exc))
            return None
        ok, password = self._password()
        if not ok:
            return None
        self.status.setText(self.tr("Sending a test to yourself…"))
        self.test_job = run_job(
            send_test,
            account,
            password,
            msg,
            on_success=lambda reply: self.status.setText(
                self.tr("Test sent to {}: {}").format(account.from_address, reply)
            ),
            on_failure=lambda exc: self.status.setText(self.tr("The test failed: {}").format(exc)),
            parent=self,
        )
        return self.test_job

    def review(self, at=None, on_confirmed=None):
        """The send review (figures off the GUI thread); ``on_confirmed`` runs on "Send to N"."""
        from smarketer.ui.campaigns.review_dialog import SendReviewDialog

        self.composer.save_draft()
        assert self.campaign is not None
        dialog = SendReviewDialog(self.campaign.id, at, send_test=self.send_test, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if on_confirmed:
            dialog.confirmed.connect(on_confirmed)
        dialog.open()
        self.review_dialog = dialog
        return dialog

    def send_now(self):
        """Send now, after the owner confirms the send review."""
        assert self.campaign is not None
        campaign_id = self.campaign.id

        def confirmed() -> None:
            self._start_in_background(outbox.start, campaign_id, self.tr("Not sent"))

        return self.review(on_confirmed=confirmed)

    def _start_in_background(self, start, campaign_id: int, title: str, **kwargs) -> None:
        """Queueing reads the whole audience: a worker does it, then the sender starts."""
        self.buttons["send"].setEnabled(False)
        self.buttons["resume"].setEnabled(False)
        self.status.setText(self.tr("Queueing the recipients…"))

        def failed(exc: BaseException) -> None:
            self.status.clear()
            self.update_buttons()
            dialogs.show_error(self, title, str(exc))

        def started(_result) -> None:
            if kwargs.get("at"):
                self.status.clear()
                self.hub.notify.emit(
                    self.tr("Scheduled (Smarketer must be open then, or run: smarketer campaign send).")
                )
                self.changed.emit(None)
            else:
                self._run_sender(campaign_id)

        self.start_job = run_job(
            start, campaign_id, on_success=started, on_failure=failed, **kwargs, parent=self
        )

    def _run_sender(self, campaign_id: int) -> None:
        ok, password = self._password()
        if not ok:
            outbox.pause(campaign_id, self.tr("Waiting for the email password."))
            self.changed.emit(campaign_id)
            return
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText(self.tr("Sending…"))
        from smarketer.campaigns import sender  # with Jinja2: loaded when the first campaign goes

        self.job = run_job(
            sender.send_campaign,
            campaign_id,
            password=password,
            on_status=self.status.setText,
            on_progress=self._progressed,
            on_success=self._finished,
            on_failure=self._failed,
            changes=("campaign",),
            hub=self.hub,
            parent=self,
        )
        self.changed.emit(campaign_id)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(self.tr("Sent {} of {}…").format(done, total))

    def _finished(self, result) -> None:
        self.progress.hide()
        text = (
            self.tr("Done: {} sent, {} failed.").format(f"{result.sent:,}", f"{result.failed:,}")
            if result.status == "done"
            else self.tr("Paused: {}").format(result.reason)
        )
        self.status.setText(text)
        self.hub.notify.emit(text)
        self.changed.emit(None)
        self.sent.emit()

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.status.setText(self.tr("Sending stopped: {}").format(exc))
        self.changed.emit(None)

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
            assert self.campaign is not None
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
        if self.sending or (self.due_job is not None and not self.due_job.done):
            return

        def start(campaign_id: int | None) -> None:
            if campaign_id is not None:
                self._run_sender(campaign_id)

        self.due_job = run_job(_due_campaign, on_success=start, parent=self)

    def pause(self) -> None:
        if self.sending:
            assert self.job is not None
            self.job.cancel()
        if self.campaign:
            outbox.pause(self.campaign.id)
            self.changed.emit(None)

    def resume(self) -> None:
        assert self.campaign is not None
        self._start_in_background(outbox.resume, self.campaign.id, self.tr("Not resumed"))

    def cancel(self) -> None:
        c = self.campaign
        assert c is not None

        def cancel() -> None:
            if self.sending:
                assert self.job is not None
                self.job.cancel()
            outbox.cancel(c.id)
            self.changed.emit(None)

        dialogs.confirm(
            self,
            self.tr("Cancel campaign?"),
            self.tr("Stop {} for good? Emails already sent stay sent; the others are not sent.").format(
                c.name
            ),
            cancel,
            yes_text=self.tr("Cancel campaign"),
            destructive=True,
        )


def _due_campaign() -> int | None:
    """The first scheduled campaign whose time has come, or follow-up now due (a worker job)."""
    due = outbox.due_scheduled() or outbox.due_follow_ups()
    return due[0].id if due else None
