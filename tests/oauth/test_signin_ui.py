"""The app's side: provider presets fill the account forms, "Sign in with …" signs in through
the (test) browser in the background, and a campaign paused for a revoked sign-in offers
"Sign in again…"."""

import pytest

from smarketer.campaigns import account as smtp
from smarketer.campaigns import outbox
from smarketer.db.models.campaigns import Campaign
from smarketer.inbox import account as imap
from smarketer.ui.campaigns import signin_panel
from tests.oauth.conftest import PROVIDER
from tests.oauth.provider_server import CLIENT_ID, USER
from tests.ui.conftest import make_window, ui_state  # noqa: F401


@pytest.fixture
def settings_page(make_window, store, qtbot):  # noqa: F811
    window = make_window(store)
    window.go_to_section("Settings")
    return window.section("Settings")


def choose(panel, key):
    panel.provider.setCurrentIndex(panel.provider.findData(key))
    panel.provider.activated.emit(panel.provider.currentIndex())


def test_gmail_preset_fills_the_form_and_offers_sign_in_with_google(settings_page):
    form = settings_page.account_form
    form.from_address.setText("anna@gmail.com")
    choose(form.signin, "gmail")
    assert (form.host.text(), form.port.value(), form.security.currentData()) == (
        "smtp.gmail.com",
        465,
        "ssl",
    )
    assert (form.rate.value(), form.daily_cap.value()) == (20, 400)
    assert form.username.text() == "anna@gmail.com"
    assert not form.password.isVisible() and form.signin.button.isVisible()
    assert form.signin.button.text() == "Sign in with Google"
    assert "about 500 recipients a day" in form.signin.help.text()
    assert form.signin.state.text() == "Not signed in yet."
    form.signin.use_password.setChecked(True)  # an app password after all
    assert form.password.isVisible() and not form.signin.button.isVisible()
    assert form.account().auth == "password"
    choose(form.signin, "gmail")
    assert form.account().auth == "oauth2" and not form.password.isVisible()
    choose(form.signin, "icloud")  # an app password, and where to make one
    assert form.password.isVisible() and not form.signin.button.isVisible()
    assert "App-Specific Passwords" in form.signin.help.text()
    inbox = settings_page.inbox_form
    choose(inbox.signin, "microsoft")
    assert (inbox.host.text(), inbox.port.value()) == ("outlook.office365.com", 993)
    assert inbox.signin.button.text() == "Sign in with Microsoft"


def test_the_setup_assistant_offers_sign_in_with_google(qtbot, store):
    from smarketer.ui.first_run import FirstRunWizard

    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.name.setText("Hollis & Reed")
    wizard.next()
    wizard.next()
    wizard.from_address.setText("anna@hollisreed.ie")
    choose(wizard.signin, "google-workspace")
    assert wizard.host.text() == "smtp.gmail.com" and not wizard.host.isEnabled()
    assert wizard.signin.button.isVisible() and not wizard.password.isVisible()
    assert "2,000 messages a day" in wizard.signin.help.text()
    wizard.accept()
    saved = smtp.load_account()
    assert (saved.provider, saved.auth, saved.port, saved.daily_cap) == (
        "google-workspace",
        "oauth2",
        465,
        1800,
    )


def test_sign_in_from_settings_through_the_browser(
    provider, settings_page, browser, qtbot, monkeypatch, memory_keyring
):
    monkeypatch.setattr(signin_panel, "open_url", browser)
    form = settings_page.account_form
    form.from_address.setText(USER)
    choose(form.signin, PROVIDER)
    form.signin.advanced.setChecked(True)
    form.signin.client_id.setText(CLIENT_ID)
    form.host.setText("127.0.0.1")
    job = form.signin.button.click() or form.signin.job
    assert form.signin.state.text() == "Finish signing in in your browser…"
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    assert form.signin.state.text() == (
        f"Signed in to Test Mail as {USER}. The sign-in is kept in the system keyring."
    )
    saved = smtp.load_account()
    assert (saved.provider, saved.auth, saved.client_id) == (PROVIDER, "oauth2", CLIENT_ID)
    assert len(memory_keyring.store) == 1
    settings_page.reload()
    assert form.signin.state.text() == f"Signed in as {USER}."
    assert imap.load_imap_account().auth == "password"  # the inbox is set on its own


def test_a_paused_campaign_offers_sign_in_again(
    make_window,  # noqa: F811
    store,
    provider,
    browser,  # noqa: F811
    qtbot,
    monkeypatch,
    memory_keyring,
):
    monkeypatch.setattr(signin_panel, "open_url", browser)
    from smarketer.contacts.editing import ContactData, save_contact
    from smarketer.settings import BusinessProfile, save_profile

    save_profile(BusinessProfile(name="Hollis & Reed", address="12 Quay Street", email=USER))
    save_contact(ContactData(first_name="Ada", email="ada@example.com", tags=("workshop",)))
    smtp.save_account(
        smtp.SmtpAccount(
            host="127.0.0.1",
            port=2525,
            security="none",
            username=USER,
            from_address=USER,
            provider=PROVIDER,
            auth="oauth2",
            client_id=CLIENT_ID,
        )
    )
    made = outbox.create_campaign("Spring", "tag", "workshop", "Hi", "Hello")
    Campaign.update(
        status="paused", pause_reason="Your sign-in to Test Mail has expired or was revoked. Sign in again."
    ).where(Campaign.id == made.id).execute()
    window = make_window(store)
    window.go_to_section("Campaigns")
    section = window.campaigns
    section.load(made.id)
    button = section.sending.buttons["signin"]
    assert button.isVisible() and button.text() == "Sign in again…"
    job = section.sending.sign_in_again()
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    assert "Signed in to Test Mail" in section.sending.status.text()
    assert "Resume to go on sending." in section.sending.status.text()
    assert not button.isVisible()
    assert section.sending.buttons["resume"].isEnabled()
