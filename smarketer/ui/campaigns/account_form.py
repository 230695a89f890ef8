"""Settings → Email account: the SMTP server, the password in the keyring, limits, and a test
email whose failure shows the server's exact reply."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from smarketer import settings
from smarketer.campaigns import account as smtp
from smarketer.campaigns.compose import owner_test_message
from smarketer.campaigns.transport import ConnectionLost, SendFailed, TlsProblem, send_test
from smarketer.ui.campaigns.signin_panel import SignInPanel, SignsIn, on_panel
from smarketer.ui.forms import KeepsEdits, add_field_rows, show_field_errors
from smarketer.ui.workers import run_job


def test_message(account: smtp.SmtpAccount):
    return owner_test_message(account, settings.load_profile())


def test_failure_text(exc: BaseException) -> str:
    """Why the test email did not go, in words with the next step."""
    if isinstance(exc, SendFailed):
        return exc.explained()
    if isinstance(exc, (ConnectionLost, TlsProblem)):
        return str(exc)
    return f"The test failed: {exc}"


class AccountForm(SignsIn, KeepsEdits, QWidget):
    edit_name = "The email account"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.example.com")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.security = QComboBox()
        for key, text in (
            ("starttls", "STARTTLS (port 587)"),
            ("ssl", "SSL/TLS (port 465)"),
            ("none", "None (this computer only)"),
        ):
            self.security.addItem(self.tr(text), key)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_state = QLabel()
        self.password_state.setProperty("role", "subtitle")
        self.password_state.setWordWrap(True)
        self.from_address = QLineEdit()
        self.from_name = QLineEdit()
        self.reply_to = QLineEdit()
        self.rate = QSpinBox()
        self.rate.setRange(1, 1000)
        self.rate.setSuffix(self.tr(" per minute"))
        self.daily_cap = QSpinBox()
        self.daily_cap.setRange(1, 100000)
        self.unsubscribe_url = QLineEdit()
        self.unsubscribe_url.setPlaceholderText(self.tr("optional: https://… one-click page"))
        self.only_with_consent = QCheckBox(
            self.tr("Only email contacts with recorded consent (opt-in rules such as GDPR)")
        )
        self.signin = SignInPanel()
        self.connect_sign_in()
        self.fields = {
            "provider": (self.tr("Provider"), self.signin),
            "host": (self.tr("Server"), self.host),
            "port": (self.tr("Port"), self.port),
            "security": (self.tr("Security"), self.security),
            "username": (self.tr("User name"), self.username),
            "password": (self.tr("Password"), self.password),
            "from_address": (self.tr("From address"), self.from_address),
            "from_name": (self.tr("From name"), self.from_name),
            "reply_to": (self.tr("Reply-to"), self.reply_to),
            "rate_per_minute": (self.tr("Sending rate"), self.rate),
            "daily_cap": (self.tr("Daily cap"), self.daily_cap),
            "unsubscribe_url": (self.tr("Unsubscribe page"), self.unsubscribe_url),
            "only_with_consent": ("", self.only_with_consent),
        }
        self.form = form = QFormLayout()
        self.errors = add_field_rows(form, self.fields, extra={"password": self.password_state})
        self.save_button = QPushButton(self.tr("Save email account"))
        self.save_button.clicked.connect(self.save)
        self.test_button = QPushButton(self.tr("Send test email to myself"))
        self.test_button.clicked.connect(self.send_test)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.job = None
        self.load()

    def load(self) -> None:
        self.show_account(smtp.load_account())
        self.mark_clean()
        # finding the system's keyring loads its backends (a good part of a second): a worker
        self.keyring_job = run_job(smtp.keyring_available, on_success=self._show_keyring, parent=self)

    def _show_keyring(self, available: bool) -> None:
        self.password_state.setText(
            self.tr("Kept in the system keyring.")
            if available
            else self.tr(
                "No system keyring on this computer: the password is asked once per "
                "session and never written to disk."
            )
        )

    def show_account(self, a: smtp.SmtpAccount) -> None:
        self.show_sign_in(a)
        self.host.setText(a.host)
        self.port.setValue(a.port)
        self.security.setCurrentIndex(max(0, self.security.findData(a.security)))
        self.username.setText(a.username)
        self.password.clear()
        self.from_address.setText(a.from_address)
        self.from_name.setText(a.from_name)
        self.reply_to.setText(a.reply_to)
        self.rate.setValue(a.rate_per_minute)
        self.daily_cap.setValue(a.daily_cap)
        self.unsubscribe_url.setText(a.unsubscribe_url)
        self.only_with_consent.setChecked(a.only_with_consent)

    def account(self) -> smtp.SmtpAccount:
        return replace(
            smtp.SmtpAccount(),
            host=self.host.text(),
            port=self.port.value(),
            security=self.security.currentData(),
            username=self.username.text(),
            from_address=self.from_address.text(),
            from_name=self.from_name.text(),
            reply_to=self.reply_to.text(),
            rate_per_minute=self.rate.value(),
            daily_cap=self.daily_cap.value(),
            unsubscribe_url=self.unsubscribe_url.text(),
            only_with_consent=self.only_with_consent.isChecked(),
            **self.sign_in_fields(),
        )

    def save(self) -> smtp.SmtpAccount | None:
        try:
            saved = smtp.save_account(self.account())
        except smtp.AccountInvalid as exc:
            show_field_errors(self.fields, self.errors, on_panel(exc.errors))
            self.status.setText(self.tr("Not saved: fix the marked fields."))
            return None
        show_field_errors(self.fields, self.errors, {})
        if self.password.text():
            kept = smtp.store_password(saved, self.password.text())
            self.password.clear()
            self.status.setText(
                self.tr("Saved; the password is in the system keyring.")
                if kept
                else self.tr("Saved; the password is kept for this session only (no system keyring).")
            )
        else:
            self.status.setText(self.tr("Saved."))
        self.mark_clean()
        return saved

    def send_test(self) -> None:
        saved = self.save()
        if saved is None:
            return
        password = None
        if saved.username:
            try:
                password = smtp.credentials(saved)
            except smtp.PasswordUnavailable as exc:
                self.status.setText(str(exc))
                return
        self.test_button.setEnabled(False)
        self.status.setText(self.tr("Sending a test email…"))
        self.job = run_job(
            send_test,
            saved,
            password,
            test_message(saved),
            on_success=self._tested,
            on_failure=self._test_failed,
            parent=self,
        )

    def _tested(self, reply: str) -> None:
        self.test_button.setEnabled(True)
        self.status.setText(self.tr("The server accepted the test email: {}").format(reply))

    def _test_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        self.status.setText(test_failure_text(exc))
