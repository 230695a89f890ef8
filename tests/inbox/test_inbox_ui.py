"""Checking the inbox from the Campaigns section, and confirming an opt-out."""

import pytest

from smarketer.campaigns.account import remember_for_session
from smarketer.db.models.contacts import Contact
from smarketer.inbox.account import ImapAccount, save_imap_account
from tests.inbox.test_inbox import FIXTURES, fill, sent_campaign  # noqa: F401
from tests.ui.conftest import make_window, ui_state  # noqa: F401


@pytest.fixture
def inbox_window(make_window, store, dovecot, sent_campaign, qtbot):  # noqa: F811
    account = save_imap_account(
        ImapAccount(host="127.0.0.1", port=dovecot["port"], security="none", username="owner")
    )
    remember_for_session(account, "secret")
    fill(dovecot, ["reply-threaded.eml", "keyword-optout.eml", "gmail-bounce.eml"])
    window = make_window(store)
    window.go_to_section("Campaigns")
    return window


def test_check_inbox_then_confirm_the_opt_out(inbox_window, sent_campaign, qtbot):  # noqa: F811
    _campaign, people = sent_campaign
    section = inbox_window.campaigns
    assert not section.optouts_button.isVisible()
    job = section.sending.check_inbox()
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    assert "3 new message(s)" in inbox_window.toast.label.text()
    assert section.optouts_button.isVisible()
    assert section.optouts_button.text() == "Opt-outs to confirm (1)"
    dialog = section.show_optouts()
    assert dialog.list.item(0).text().startswith("bobby@example.com")
    dialog.confirm()
    assert Contact.get_by_id(people["Bobby"].id).unsubscribed_at is not None
    assert not section.optouts_button.isVisible()
    section.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: "Replies: 1" in section.report.summary.text())  # counted in a worker
    dialog.close()
