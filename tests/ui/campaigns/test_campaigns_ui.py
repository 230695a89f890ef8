"""The Campaigns section with a real SMTP server: compose, preview, send with progress."""

import pytest
from PySide6.QtCore import Qt

from smarketer.campaigns import outbox
from smarketer.contacts.listing import ContactFilter
from smarketer.contacts.saved_segments import find_segment, save_segment
from smarketer.db.models.campaigns import Campaign, OutboxMessage


@pytest.fixture
def campaign_window(make_window, store, account, recipients, qtbot):
    save_segment("Workshop people", ContactFilter(tags=("workshop",)))
    window = make_window(store)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    return window


def test_empty_state_then_compose_preview_and_send(campaign_window, smtp_server, qtbot):
    _, server = smtp_server
    section = campaign_window.campaigns
    assert section.empty.isVisible()
    qtbot.keyClick(campaign_window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    campaign = Campaign.get()
    assert section.composer.name.hasFocus()
    assert section.composer.audience.currentIndex() == 0  # no audience is chosen for the owner
    assert "Choose who receives it" in section.composer.info.text()
    section.composer.audience.setCurrentIndex(
        section.composer.audience.findData(f"segment\t{find_segment('Workshop people').id}")
    )
    section.composer.audience.activated.emit(section.composer.audience.currentIndex())
    section.composer.name.setText("Spring workshop")
    section.composer.name.editingFinished.emit()
    section.composer.subject.setText("Spring, {{ contact.first_name | default('friend') }}")
    section.composer.subject.editingFinished.emit()
    section.composer.body.setPlainText("Dear {{ contact.first_name }}, join us.")
    section.composer.save_draft()
    assert "Counting" in section.composer.info.text()  # the count comes from a worker
    qtbot.waitUntil(lambda: "4 recipients" in section.composer.info.text())

    section.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: "Recipient 1 of 4" in section.preview.label.text())
    assert (
        "Subject:</b> Spring, Zoë" in section.preview.preview.toHtml()
        or "Spring, Zoë" in section.preview.preview.toPlainText()
    )
    qtbot.mouseClick(section.preview.next_button, Qt.MouseButton.LeftButton)
    assert (
        "&lt;script&gt;" in section.preview.preview.toHtml()
        or "<script>" in section.preview.preview.toPlainText()
    )
    qtbot.mouseClick(section.sending.buttons["send"], Qt.MouseButton.LeftButton)
    review = section.sending.review_dialog
    qtbot.waitUntil(review.send_button.isEnabled, timeout=10000)
    assert review.send_button.text() == "Send to 4"
    assert server.messages == []  # nothing left before the confirmation
    qtbot.mouseClick(review.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Done: 4 sent" in section.sending.status.text(), timeout=20000)
    assert Campaign.get_by_id(campaign.id).status == "done"
    assert sorted(r for r, _ in server.messages) == sorted(
        ["zoe@example.com", "bobby@example.com", "hans@example.dk", "ada@example.com"]
    )
    section.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: "4 sent" in section.report.summary.text())
    assert section.report.table.model().rowCount() == 4


def test_preview_loads_no_remote_content(campaign_window):
    section = campaign_window.campaigns
    assert section.preview.preview.loadResource(0, None) is None
    assert not section.preview.preview.openLinks()


def test_pause_and_resume_buttons_follow_the_state(campaign_window, qtbot):
    section = campaign_window.campaigns
    section.new_item()
    c = Campaign.get()
    outbox.update_campaign(c.id, audience_kind="tag", audience="workshop")
    outbox.start(c.id, at=outbox.utc_now().replace(year=2099))
    section.reload()
    assert section.sending.buttons["pause"].isEnabled() and not section.sending.buttons["resume"].isEnabled()
    section.sending.pause()
    assert Campaign.get_by_id(c.id).status == "paused"
    assert section.sending.buttons["resume"].isEnabled()
    assert OutboxMessage.select().count() == 4


def test_the_audience_shown_is_the_campaigns_own(campaign_window):
    section = campaign_window.campaigns
    save_segment("Another", ContactFilter(statuses=("lead",)))
    tagged = outbox.create_campaign("By tag", "tag", "workshop", "Hi", "Hello")
    section.reload(select=tagged.id)
    assert section.composer.audience.currentText() == "Tag: workshop"
    section.composer.subject.setText("Hi again")
    section.composer.subject.editingFinished.emit()
    assert Campaign.get_by_id(tagged.id).audience_kind == "tag"  # never switched by a save


def test_add_a_follow_up_step(campaign_window, monkeypatch, qtbot):
    from smarketer.ui import dialogs

    section = campaign_window.campaigns
    section.new_item()
    parent = Campaign.get()
    monkeypatch.setattr(dialogs, "ask_number", lambda *a, **k: 5)
    section.sending.buttons["follow"].click()
    step = Campaign.get(Campaign.parent == parent.id)
    assert step.delay_days == 5 and step.subject.startswith("Re: ")
    assert section.campaign.id == step.id
    assert not section.composer.audience.isEnabled()
    qtbot.waitUntil(lambda: "Follow-up 5 days after" in section.composer.info.text())
    assert section.list.currentItem().text().startswith("    ↳ ")
