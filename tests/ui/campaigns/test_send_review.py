"""Nothing leaves without a review: Send now and Schedule show the figures first (issue 14)."""

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from smarketer.campaigns import outbox
from smarketer.campaigns.account import load_account, save_account
from smarketer.campaigns.review import estimate_finish, review_send
from smarketer.contacts.editing import ContactData, save_contact, unsubscribe
from smarketer.db.models.campaigns import Campaign, OutboxMessage


@pytest.fixture
def campaign(store, account, recipients):
    """Four tagged recipients with consent, one without, one unsubscribed, one bounced."""
    for first, email, extra in (
        ("Noconsent", "nc@example.com", {}),
        ("Gone", "gone@example.com", {"unsub": True}),
        ("Bounce", "b@example.com", {"bounce": True}),
    ):
        c = save_contact(
            ContactData(first_name=first, email=email, tags=("workshop",), consent=first != "Noconsent")
        )
        if extra.get("unsub"):
            unsubscribe([c.id])
        if extra.get("bounce"):
            type(c).update(bounced_at=outbox.utc_now()).where(type(c).id == c.id).execute()
    return outbox.create_campaign(
        "Invite", "tag", "workshop", "Hello {{ contact.first_name }}", "Dear {{ contact.last_name }}, hi."
    )


def test_the_review_counts_recipients_left_out_consent_and_fields(campaign):
    r = review_send(campaign.id)
    assert r.recipients == 5  # four with consent and one without (consent is not required)
    assert r.left_out == {"unsubscribed": 1, "bounced": 1}
    assert r.without_consent == 1 and not r.consent_required
    assert r.missing_field == 2  # Ada and Noconsent have no last name
    assert "has no last_name" in r.missing_example
    assert r.from_address == "hello@hollisreed.example" and r.server == "127.0.0.1"
    assert r.confirm_text() == "Send to 5"
    assert r.can_send and not r.problem
    save_account(load_account().__class__(**{**load_account().__dict__, "only_with_consent": True}))
    r = review_send(campaign.id)
    assert r.recipients == 4 and r.left_out["no recorded consent"] == 1


def test_the_estimate_follows_the_rate_and_the_daily_cap():
    start = datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert estimate_finish(1, start, 20, 400) == (start, 1)
    assert estimate_finish(21, start, 20, 400) == (start + timedelta(minutes=1), 1)
    # 1,240 at 20/min with 400 a day (100 already sent): 300 today, then 400 a day.
    last, days = estimate_finish(1240, start, 20, 400, sent_last_day=100)
    assert days == 4
    assert last == start + timedelta(days=3) + timedelta(seconds=3 * 139)


def test_a_campaign_without_an_audience_cannot_be_sent(store, account):
    draft = outbox.create_campaign("New", *outbox.NO_AUDIENCE, "Hi", "Hello")
    r = review_send(draft.id)
    assert not r.can_send and "Choose who receives it" in r.problem
    with pytest.raises(outbox.CampaignError, match="Choose who receives it"):
        outbox.start(draft.id)


@pytest.fixture
def section(make_window, store, campaign, qtbot):
    window = make_window(store)
    window.go_to_section("Campaigns")
    window.campaigns.reload(select=campaign.id)
    return window.campaigns


def test_send_now_asks_first_and_cancel_sends_nothing(section, campaign, smtp_server, qtbot):
    _, server = smtp_server
    qtbot.mouseClick(section.sending.buttons["send"], Qt.MouseButton.LeftButton)
    review = section.sending.review_dialog
    assert review.isVisible() and not review.send_button.isEnabled()  # figures come first
    qtbot.waitUntil(review.send_button.isEnabled, timeout=10000)
    assert review.send_button.text() == "Send to 5"
    assert "5" in review.values["recipients"].text()
    assert review.values["left_out"].text() == "2 (1 bounced, 1 unsubscribed)"
    assert "1 have no recorded consent" in review.values["consent"].text()
    assert review.values["fields"].text().startswith("2 lack a field")
    assert "hello@hollisreed.example" in review.values["from"].text()
    assert "100,000 per minute" in review.values["pace"].text()
    assert review.values["last"].text().startswith("about today at")
    assert OutboxMessage.select().count() == 0  # nothing queued while reviewing
    qtbot.mouseClick(review.cancel_button, Qt.MouseButton.LeftButton)
    assert Campaign.get_by_id(campaign.id).status == "draft"
    assert OutboxMessage.select().count() == 0 and server.messages == []


def test_the_review_sends_a_test_to_myself_then_sends_to_all(section, campaign, smtp_server, qtbot):
    _, server = smtp_server
    outbox.update_campaign(campaign.id, body="Dear {{ contact.last_name | default('you') }}.")
    section.reload(select=campaign.id)
    review = section.sending.send_now()
    qtbot.waitUntil(review.send_button.isEnabled, timeout=20000)
    # The test message is made for the section's first recipient: wait for its count too.
    qtbot.waitUntil(lambda: section.composer.summary is not None, timeout=20000)
    qtbot.mouseClick(review.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Test sent" in review.test_status.text(), timeout=20000)
    assert [rcpt for rcpt, _ in server.messages] == ["hello@hollisreed.example"]
    qtbot.mouseClick(review.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Done: 5 sent" in section.sending.status.text(), timeout=20000)
    assert len(server.messages) == 6


def test_schedule_shows_the_review_before_anything_is_queued(section, campaign, qtbot):
    section.sending.schedule()
    section.sending.schedule_dialog.accept()
    review = section.sending.review_dialog
    qtbot.waitUntil(review.send_button.isEnabled, timeout=10000)
    assert review.send_button.text() == "Schedule for 5"
    assert Campaign.get_by_id(campaign.id).status == "draft"
    qtbot.mouseClick(review.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: Campaign.get_by_id(campaign.id).status == "scheduled", timeout=10000)
    assert OutboxMessage.select().count() == 5


def test_refilling_the_form_never_changes_the_audience(section, campaign):
    """Loading a campaign is no edit: a reload right after must not save the refilled form."""
    other = outbox.create_campaign("Other", "tag", "workshop", "Hi", "A different body.")
    section.reload(select=other.id)
    section.reload(select=campaign.id)
    section.reload()
    assert (Campaign.get_by_id(campaign.id).audience_kind, Campaign.get_by_id(other.id).audience_kind) == (
        "tag",
        "tag",
    )


def test_a_long_review_keeps_its_buttons_on_a_small_screen(section, campaign, qtbot, tmp_path):
    """However much the review has to say, it stays within the screen and the buttons stay
    reachable at 1024×640: the figures scroll instead."""
    from dataclasses import replace

    from PySide6.QtCore import QSize

    from smarketer.ui import geometry

    review = section.sending.send_now()
    qtbot.waitUntil(review.send_button.isEnabled, timeout=10000)
    wrapped = replace(review.review, recipients=4465, without_consent=1064, days=12)  # lines wrap
    review.show_review(wrapped)
    bar = review.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() == 0)  # with room on screen, nothing scrolls
    long = replace(
        review.review,
        problem=" ".join(["The account refused this campaign for a reason that takes many words."] * 60),
        missing_example="contact.last_name " * 80,
    )
    review.show_review(long)
    area = geometry.available(review)
    assert review.height() <= area.height() - geometry.FRAME_ROOM.height()
    smallest = geometry.fitted_size(QSize(10_000, 10_000), geometry.SMALLEST_SCREEN)
    assert review.minimumSizeHint().height() <= smallest.height()
    review.resize(min(review.width(), smallest.width()), smallest.height())
    qtbot.waitUntil(lambda: review.height() == smallest.height())
    inside = review.rect()
    for button in (review.send_button, review.cancel_button):
        assert inside.contains(button.geometry().translated(review.buttons.pos())), button.text()
    bar = review.scroll.verticalScrollBar()
    assert bar.maximum() > 0  # the figures scroll …
    bar.setValue(bar.maximum())  # … down to the last of them
    assert review.test_button.visibleRegion().boundingRect().height() == review.test_button.height()
    review.grab().save(str(tmp_path / "review.png"))
    review.close()
