"""The first-run assistant: business, region, email account (optional, with a test), and a
first import (optional). It can be skipped, and reopened from Settings."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from smarketer import settings
from smarketer.campaigns import account as smtp
from smarketer.ui.forms import set_field_visible
from smarketer.ui.settings_page import CURRENCIES, fill_locales


class FirstRunWizard(QWizard):
    import_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to Smarketer"))
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, self.tr("Skip setup"))
        self.customButtonClicked.connect(lambda _b: self.skip())
        profile = settings.load_profile()

        business = QWizardPage()
        business.setTitle(self.tr("Your business"))
        business.setSubTitle(
            self.tr(
                "Printed on every email and proposal; the postal address "
                "is required by law in marketing emails."
            )
        )
        self.name = QLineEdit(profile.name)
        self.address = QPlainTextEdit(profile.address)
        self.address.setTabChangesFocus(True)
        self.error = QLabel()
        self.error.setProperty("role", "fieldError")
        form = QFormLayout(business)
        form.addRow(self.tr("Business name"), self.name)
        form.addRow(self.tr("Postal address"), self.address)
        form.addRow("", self.error)

        region = QWizardPage()
        region.setTitle(self.tr("Money and language"))
        self.currency = QComboBox()
        self.currency.addItems(CURRENCIES)
        self.currency.setCurrentText(profile.currency)
        self.locale_box = QComboBox()
        fill_locales(self.locale_box)
        self.locale_box.setCurrentIndex(max(0, self.locale_box.findData(profile.locale)))
        form = QFormLayout(region)
        form.addRow(self.tr("Currency"), self.currency)
        form.addRow(self.tr("Language and region"), self.locale_box)

        mail = QWizardPage()
        mail.setTitle(self.tr("Your email account (optional)"))
        mail.setSubTitle(
            self.tr(
                "Campaigns and proposals go out through your own mailbox. You can do this later in Settings."
            )
        )
        from smarketer.ui.campaigns.signin_panel import SignInPanel

        self.signin = SignInPanel()
        self.signin.provider_chosen.connect(self.choose_provider)
        self.signin.wanted.connect(self.sign_in)
        self.signin.method_chosen.connect(self.choose_method)
        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.example.com")
        self.from_address = QLineEdit()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.test_button = QPushButton(self.tr("Send test email to myself"))
        self.test_button.clicked.connect(self.send_test)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.mail_form = form = QFormLayout(mail)
        form.addRow(self.tr("Provider"), self.signin)
        form.addRow(self.tr("Server"), self.host)
        form.addRow(self.tr("From address"), self.from_address)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.test_button, self.test_result)

        contacts_page = QWizardPage()
        contacts_page.setTitle(self.tr("Your contacts (optional)"))
        contacts_page.setSubTitle(
            self.tr("Bring them in from Google Contacts, Outlook, LinkedIn, Apple Contacts or Mailchimp.")
        )
        self.import_button = QPushButton(self.tr("Import contacts after setup…"))
        self.import_button.setCheckable(True)
        box = QVBoxLayout(contacts_page)
        box.addWidget(self.import_button)
        box.addStretch(1)

        for page in (business, region, mail, contacts_page):
            self.addPage(page)

    def validateCurrentPage(self) -> bool:  # noqa: N802
        if self.currentId() == 0:
            _clean, errors = settings.validate_profile(self._profile())
            if "name" in errors:
                self.error.setText(errors["name"])
                return False
        return super().validateCurrentPage()

    def _profile(self) -> settings.BusinessProfile:
        return replace(
            settings.load_profile(),
            name=self.name.text(),
            address=self.address.toPlainText(),
            currency=self.currency.currentText(),
            locale=self.locale_box.currentData(),
        )

    def _account(self) -> smtp.SmtpAccount:
        typed = replace(
            smtp.load_account(),
            host=self.host.text(),
            port=587,
            security="starttls",
            from_address=self.from_address.text(),
            username=self.username.text(),
            provider="other",
            auth="password",
        )
        key = self.signin.key()
        if key == "other":
            return typed
        preset = smtp.apply_provider(typed, key)
        return replace(
            preset,
            client_id=self.signin.client_id.text().strip(),
            client_secret=self.signin.client_secret.text().strip(),
            auth="password" if self.signin.use_password.isChecked() else preset.auth,
        )

    def choose_provider(self, key: str) -> None:
        """The provider's server and sign-in; a password row only where one is used."""
        self.signin.use_password.setChecked(False)
        account = self._account()
        self.signin.show_for(key, account.username, account.client_id, account.client_secret, account.auth)
        self.host.setText(account.host)
        self.host.setEnabled(key == "other")
        self.choose_method(account.auth)

    def choose_method(self, auth: str) -> None:
        set_field_visible(self.mail_form, self.password, auth == "password")

    def sign_in(self):
        """Save the account, then sign in through the browser (in the background)."""
        try:
            saved = smtp.save_account(self._account())
        except smtp.AccountInvalid as exc:
            self.test_result.setText(" ".join(exc.errors.values()))
            return None
        return self.signin.start(saved.username)

    def send_test(self):
        """The server's exact reply, shown on the page (the work runs in the background)."""
        from smarketer.campaigns.transport import send_test
        from smarketer.ui.campaigns.account_form import test_failure_text, test_message
        from smarketer.ui.workers import run_job

        account, errors = smtp.validate_account(self._account())
        if errors:
            self.test_result.setText(" ".join(errors.values()))
            return None
        self.test_result.setText(self.tr("Sending…"))
        secret = smtp.credentials(account) if account.auth == "oauth2" else self.password.text() or None
        self.job = run_job(
            send_test,
            account,
            secret,
            test_message(account),
            on_success=lambda reply: self.test_result.setText(self.tr("Accepted: {}").format(reply)),
            on_failure=lambda exc: self.test_result.setText(test_failure_text(exc)),
            parent=self,
        )
        return self.job

    def accept(self) -> None:
        settings.save_profile(self._profile())
        if self.host.text().strip() and self.from_address.text().strip():
            try:
                saved = smtp.save_account(self._account())
                if self.password.text() and saved.auth == "password":
                    smtp.store_password(saved, self.password.text())
            except smtp.AccountInvalid:
                pass  # left for Settings, where every field shows its problem
        settings.mark_setup_done()
        super().accept()
        if self.import_button.isChecked():
            self.import_requested.emit()

    def skip(self) -> None:
        settings.mark_setup_done()
        self.reject()
