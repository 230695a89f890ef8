"""Settings → Inbox, and the opt-outs waiting for the owner's confirmation."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from smarketer.campaigns import account as smtp
from smarketer.inbox import account as imap
from smarketer.inbox import process
from smarketer.ui.campaigns.signin_panel import SignInPanel, SignsIn, on_panel
from smarketer.ui.forms import KeepsEdits, add_field_rows, show_field_errors
from smarketer.ui.geometry import fit_to_screen


class InboxForm(SignsIn, KeepsEdits, QWidget):
    edit_name = "The inbox settings"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.host = QLineEdit()
        self.host.setPlaceholderText("imap.example.com")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.security = QComboBox()
        for key, text in (
            ("ssl", "SSL/TLS (port 993)"),
            ("starttls", "STARTTLS (port 143)"),
            ("none", "None (this computer only)"),
        ):
            self.security.addItem(self.tr(text), key)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.folders = QLineEdit()
        self.folders.setPlaceholderText("INBOX")
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 1440)
        self.minutes.setSuffix(self.tr(" minutes"))
        self.soft_limit = QSpinBox()
        self.soft_limit.setRange(1, 20)
        self.soft_limit.setSuffix(self.tr(" soft bounces"))
        self.soft_limit.setToolTip(
            self.tr(
                "Stop emailing an address after this many temporary failures (mailbox full, server busy…)"
            )
        )
        self.deal_on_reply = QCheckBox(self.tr("Open a deal when a campaign recipient replies"))
        self.signin = SignInPanel()
        self.connect_sign_in()
        self.fields = {
            "provider": (self.tr("Provider"), self.signin),
            "host": (self.tr("Server"), self.host),
            "port": (self.tr("Port"), self.port),
            "security": (self.tr("Security"), self.security),
            "username": (self.tr("User name"), self.username),
            "password": (self.tr("Password"), self.password),
            "folders": (self.tr("Folders to read"), self.folders),
            "sync_minutes": (self.tr("Read every"), self.minutes),
            "soft_bounce_limit": (self.tr("Suppress after"), self.soft_limit),
            "deal_on_reply": ("", self.deal_on_reply),
        }
        self.form = form = QFormLayout()
        self.errors = add_field_rows(form, self.fields)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save inbox"))
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        self.load()

    def load(self) -> None:
        self.show_account(imap.load_imap_account())
        self.deal_on_reply.setChecked(process.deal_on_reply())
        self.mark_clean()

    def show_account(self, a: imap.ImapAccount) -> None:
        self.show_sign_in(a)
        self.host.setText(a.host)
        self.port.setValue(a.port)
        self.security.setCurrentIndex(max(0, self.security.findData(a.security)))
        self.username.setText(a.username)
        self.folders.setText(", ".join(a.folders))
        self.minutes.setValue(a.sync_minutes)
        self.soft_limit.setValue(a.soft_bounce_limit)

    def account(self) -> imap.ImapAccount:
        return replace(
            imap.load_imap_account(),
            host=self.host.text(),
            port=self.port.value(),
            security=self.security.currentData(),
            username=self.username.text(),
            folders=tuple(f.strip() for f in self.folders.text().split(",")),
            sync_minutes=self.minutes.value(),
            soft_bounce_limit=self.soft_limit.value(),
            **self.sign_in_fields(),
        )

    def save(self) -> imap.ImapAccount | None:
        try:
            saved = imap.save_imap_account(self.account())
        except smtp.AccountInvalid as exc:
            show_field_errors(self.fields, self.errors, on_panel(exc.errors))
            return None
        show_field_errors(self.fields, self.errors, {})
        process.set_deal_on_reply(self.deal_on_reply.isChecked())
        if self.password.text():
            kept = smtp.store_password(saved, self.password.text())
            self.password.clear()
            self.status.setText(
                self.tr("Saved; the password is in the system keyring.")
                if kept
                else self.tr("Saved; the password is kept for this session.")
            )
        else:
            self.status.setText(self.tr("Saved."))
        self.mark_clean()
        return saved


class OptOutsDialog(QDialog):
    """People who wrote "unsubscribe" or "stop" in plain words: one click to honour it."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Opt-outs to confirm"))
        fit_to_screen(self, 560, 360)
        self.list = QListWidget()
        confirm = QPushButton(self.tr("Unsubscribe them"))
        confirm.clicked.connect(self.confirm)
        dismiss = QPushButton(self.tr("Not an opt-out"))
        dismiss.clicked.connect(self.dismiss)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(confirm)
        row.addWidget(dismiss)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("These replies read like a request to be left alone.")))
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.load()

    def load(self) -> None:
        self.list.clear()
        for message in process.to_confirm():
            item = QListWidgetItem(f"{message.from_address}: “{message.snippet or message.subject}”")
            item.setData(Qt.ItemDataRole.UserRole, message.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)

    def _current(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def confirm(self) -> None:
        if (message_id := self._current()) is not None:
            process.confirm_optout(message_id)
            self.load()
            self.changed.emit()

    def dismiss(self) -> None:
        if (message_id := self._current()) is not None:
            process.dismiss(message_id)
            self.load()
            self.changed.emit()
