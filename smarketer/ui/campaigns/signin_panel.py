"""The provider choice and "Sign in with Google/Microsoft", shared by Settings → Email account,
Settings → Inbox and the setup assistant. The sign-in itself (browser, loopback answer, keyring)
is the core's ``smarketer.oauth.signin``; it waits for the browser in a background job."""

from __future__ import annotations

import webbrowser

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smarketer.campaigns.account import apply_provider
from smarketer.oauth.providers import PROVIDERS, provider
from smarketer.oauth.tokens import Grant, has_refresh_token
from smarketer.ui.forms import set_field_visible
from smarketer.ui.workers import run_job

open_url = webbrowser.open  # the one seam tests replace: the system browser


def start_sign_in(
    provider_key: str, username: str, client_id: str, client_secret: str, on_success, on_failure
):
    """The browser sign-in as a cancellable background job."""
    from smarketer.oauth.signin import sign_in  # authlib and requests: when someone signs in

    return run_job(
        sign_in,
        provider_key,
        username,
        client_id,
        client_secret,
        open_url=open_url,
        cancellable=True,
        on_success=on_success,
        on_failure=on_failure,
    )


def failure_text(exc: BaseException) -> str:
    from smarketer.jobs import Cancelled

    return "Sign-in cancelled." if isinstance(exc, Cancelled) else str(exc)


def on_panel(errors: dict[str, str]) -> dict[str, str]:
    """An account's field errors with the sign-in method's shown at the provider row."""
    errors = dict(errors)
    if "auth" in errors:
        errors["provider"] = errors.pop("auth")
    return errors


class SignInPanel(QWidget):
    """Provider, sign-in state and button, and Advanced (the owner's own client ID)."""

    provider_chosen = Signal(str)
    method_chosen = Signal(str)  # password | oauth2: an app password instead of signing in
    signed_in = Signal(str)  # the result in words
    wanted = Signal()  # the button was pressed: the form saves, then calls start()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.provider = QComboBox()
        for key, preset in PROVIDERS.items():
            self.provider.addItem(self.tr(preset.name), key)
        self.provider.activated.connect(lambda _i: self.provider_chosen.emit(self.key()))
        self.help = QLabel()
        self.help.setProperty("role", "subtitle")
        self.help.setWordWrap(True)
        self.button = QPushButton()
        self.button.clicked.connect(self._pressed)
        self.cancel_button = QPushButton(self.tr("Cancel sign-in"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.client_id = QLineEdit()
        self.client_id.setPlaceholderText(self.tr("the project's (leave empty)"))
        self.client_secret = QLineEdit()
        self.client_secret.setPlaceholderText(self.tr("Google desktop apps only"))
        self.use_password = QCheckBox(self.tr("Use an app password instead of signing in"))
        self.use_password.toggled.connect(self._method_toggled)
        self.advanced = QCheckBox(self.tr("Advanced: use your own client ID"))
        self.advanced.toggled.connect(self._show_advanced)
        self.advanced_body = QWidget()
        advanced_form = QFormLayout(self.advanced_body)
        advanced_form.setContentsMargins(0, 0, 0, 0)
        advanced_form.addRow(self.tr("Client ID"), self.client_id)
        advanced_form.addRow(self.tr("Client secret"), self.client_secret)
        self.advanced_body.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.state, 1)
        self.signin_row = QWidget()
        self.signin_row.setLayout(row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.provider)
        layout.addWidget(self.help)
        layout.addWidget(self.signin_row)
        layout.addWidget(self.use_password)
        layout.addWidget(self.advanced)
        layout.addWidget(self.advanced_body)
        self.job = None
        self.username = ""
        self.show_for("other", "", "", "", "password")

    def key(self) -> str:
        return self.provider.currentData()

    def _show_advanced(self, on: bool) -> None:
        self.advanced_body.setVisible(on and self.advanced.isVisibleTo(self))

    def show_for(self, key: str, username: str, client_id: str, client_secret: str, auth: str) -> None:
        """Show an account's provider, sign-in method and whether its mailbox is signed in."""
        self.provider.setCurrentIndex(max(0, self.provider.findData(key)))
        self.use_password.blockSignals(True)
        self.use_password.setChecked(auth == "password")
        self.use_password.blockSignals(False)
        self.client_id.setText(client_id)
        self.client_secret.setText(client_secret)
        self.advanced.setChecked(bool(client_id))
        self.username = username
        self.refresh()

    def refresh(self) -> None:
        preset = provider(self.key())
        self.help.setText(" ".join(filter(None, (self.tr(preset.limits), self.tr(preset.password_help)))))
        self.help.setVisible(bool(preset.limits or preset.password_help))
        signing_in = preset.oauth and not self.use_password.isChecked()
        self.use_password.setVisible(preset.oauth)
        self.signin_row.setVisible(signing_in)
        self.advanced.setVisible(signing_in)
        self.advanced_body.setVisible(signing_in and self.advanced.isChecked())
        if not signing_in:
            return
        self.button.setText(self.tr(preset.button))
        if self.job is not None and not self.job.done:
            return
        if self.username and has_refresh_token(Grant(preset.key, self.username)):
            self.state.setText(self.tr("Signed in as {}.").format(self.username))
        else:
            self.state.setText(self.tr("Not signed in yet."))

    def _method_toggled(self, password: bool) -> None:
        self.refresh()
        self.method_chosen.emit("password" if password else "oauth2")

    def _pressed(self) -> None:
        self.wanted.emit()

    def start(self, username: str):
        """Open the browser and wait for the answer in the background; returns the job."""
        preset = provider(self.key())
        self.username = username
        self.button.setEnabled(False)
        self.cancel_button.show()
        self.state.setText(self.tr("Finish signing in in your browser…"))
        self.job = start_sign_in(
            preset.key,
            username,
            self.client_id.text().strip(),
            self.client_secret.text().strip(),
            self._done,
            self._failed,
        )
        return self.job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _finish(self, text: str) -> None:
        self.button.setEnabled(True)
        self.cancel_button.hide()
        self.state.setText(text)

    def _done(self, result) -> None:
        self._finish(result.text())
        self.signed_in.emit(result.text())

    def _failed(self, exc: BaseException) -> None:
        self._finish(self.tr(failure_text(exc)))


class SignsIn:
    """The sign-in half of a mailbox form (Settings → Email account, Settings → Inbox): a
    ``SignInPanel`` as ``self.signin`` beside a password row (``self.password`` in
    ``self.form``). Choosing a provider fills in its servers, choosing a method shows the
    password row or the sign-in button, and the button saves the form, then signs in.

    The form provides ``account()`` (what is typed), ``show_account(account)`` and
    ``save()`` (the saved account, or None when a field is wrong)."""

    signin: SignInPanel
    form: QFormLayout
    password: QLineEdit
    auth: str

    def connect_sign_in(self) -> None:
        self.signin.provider_chosen.connect(self.choose_provider)
        self.signin.wanted.connect(self.sign_in)
        self.signin.method_chosen.connect(self.choose_method)

    def show_sign_in(self, account) -> None:
        """Show an account's provider and sign-in method (and the password row if it uses one)."""
        self.signin.show_for(
            account.provider, account.username, account.client_id, account.client_secret, account.auth
        )
        self.choose_method(account.auth)

    def sign_in_fields(self) -> dict[str, str]:
        """The account fields the panel holds."""
        return {
            "provider": self.signin.key(),
            "auth": self.auth,
            "client_id": self.signin.client_id.text().strip(),
            "client_secret": self.signin.client_secret.text().strip(),
        }

    def choose_provider(self, key: str) -> None:
        """Fill in the provider's servers and sign-in method (and, for sending, rate and cap)."""
        self.show_account(apply_provider(self.account(), key))  # type: ignore[attr-defined]

    def choose_method(self, auth: str) -> None:
        self.auth = auth
        set_field_visible(self.form, self.password, auth == "password")

    def sign_in(self):
        """Save, then sign the mailbox in through the browser (in the background)."""
        saved = self.save()  # type: ignore[attr-defined]
        return self.signin.start(saved.username) if saved is not None else None
