"""Signing in through the browser to a real local OAuth 2 provider: PKCE, state, the loopback
listener, the refresh token in the keyring, refresh, rotation, revocation and words."""

from urllib.parse import parse_qs, urlsplit

import pytest

from smarketer.oauth import tokens
from smarketer.oauth.signin import sign_in
from smarketer.oauth.tokens import Grant, SignInNeeded
from tests.oauth.conftest import PROVIDER, source
from tests.oauth.provider_server import CLIENT_ID, USER


def test_sign_in_through_the_browser_keeps_only_the_refresh_token_in_the_keyring(
    provider, browser, clock, memory_keyring
):
    result = sign_in(PROVIDER, USER, CLIENT_ID, open_url=browser, clock=clock)
    browser.join()

    asked = parse_qs(urlsplit(browser.visited[0]).query)
    assert asked["code_challenge_method"] == ["S256"] and len(asked["code_challenge"][0]) == 43
    assert asked["redirect_uri"][0].startswith("http://127.0.0.1:")
    assert asked["login_hint"] == [USER] and asked["scope"] == ["mail offline_access"]
    page = browser.pages[0]
    assert page.status_code == 200 and "You can close this tab" in page.text
    assert result.in_keyring and "Signed in to Test Mail as anna@hollisreed.example" in result.text()
    [issued] = provider.tokens
    assert memory_keyring.store == {("Smarketer OAuth", Grant(PROVIDER, USER).key): issued.refresh_token}
    assert source(clock).access_token() == issued.access_token  # no second request


def test_access_token_is_refreshed_before_it_expires_and_rotation_is_kept(
    signed_in, provider, clock, memory_keyring
):
    first = source(clock).access_token()
    clock.advance(3600 - 120)
    assert source(clock).access_token() == first  # still two minutes to go
    clock.advance(61)  # within a minute of expiry: renewed before the server would refuse
    renewed = source(clock).access_token()
    assert renewed != first and provider.username_for(renewed) == USER
    latest = provider.tokens[-1].refresh_token
    assert memory_keyring.store[("Smarketer OAuth", Grant(PROVIDER, USER).key)] == latest


def test_a_revoked_sign_in_says_sign_in_again_and_forgets_the_refresh_token(
    signed_in, provider, clock, memory_keyring
):
    provider.revoke_all()
    clock.advance(7200)
    with pytest.raises(
        SignInNeeded,
        match="Test Mail has expired or was revoked. Sign in "
        r"again \(Settings → Email account → Sign in with Test Mail\)",
    ):
        source(clock).access_token()
    assert memory_keyring.store == {}
    with pytest.raises(SignInNeeded, match="Not signed in to Test Mail"):
        source(clock).access_token()


def test_an_answer_with_another_state_is_refused(provider, browser, clock, memory_keyring):
    browser.rewrite = lambda url: url.replace("state=", "state=forged")
    with pytest.raises(SignInNeeded, match="did not belong to this sign-in"):
        sign_in(PROVIDER, USER, CLIENT_ID, open_url=browser, clock=clock)
    assert memory_keyring.store == {} and provider.tokens == []


def test_a_tenant_that_needs_admin_consent_is_explained(provider, browser, clock):
    provider.refused_consent = True
    with pytest.raises(SignInNeeded, match="requires an administrator to approve Smarketer"):
        sign_in(PROVIDER, USER, CLIENT_ID, open_url=browser, clock=clock)


def test_without_a_client_id_the_owner_is_told_where_to_register_one(provider):
    with pytest.raises(SignInNeeded, match="no registered client ID for Gmail"):
        sign_in("gmail", USER, open_url=lambda url: pytest.fail("no browser"))


def test_no_keyring_keeps_the_sign_in_for_this_session_only(provider, browser, clock):
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # the memory keyring fixture puts its own back
    result = sign_in(PROVIDER, USER, CLIENT_ID, open_url=browser, clock=clock)
    assert not result.in_keyring and "lasts until Smarketer closes" in result.text()
    tokens._access.clear()
    assert provider.username_for(source(clock).access_token()) == USER  # refreshed from memory


def test_device_code_sign_in_for_a_machine_without_a_browser(provider, clock, memory_keyring):
    """Microsoft's flow: the owner opens the page on a phone and types the code shown."""
    import re

    import requests

    from smarketer.oauth.signin import sign_in_with_code

    shown, polls = [], []

    def phone(seconds):  # while Smarketer waits, the owner signs in elsewhere
        polls.append(seconds)
        uri, code = re.search(r"Open (\S+) and enter the code (\S+)\.", shown[0]).groups()
        requests.get(uri, params={"user_code": code}, timeout=10)

    result = sign_in_with_code(PROVIDER, USER, CLIENT_ID, show=shown.append, sleep=phone, clock=clock)
    assert polls == [5.0] and result.in_keyring
    assert source(clock).access_token() == provider.tokens[-1].access_token
