"""The Campaigns section never reads a whole audience on the GUI thread: counts, merge-field
checks and the report come from workers, and a result overtaken by a newer request is dropped."""

import threading

import pytest
from PySide6.QtCore import Qt

from smarketer.campaigns import audience, outbox
from smarketer.contacts.listing import ContactFilter
from smarketer.contacts.saved_segments import save_segment
from smarketer.ui.workers import wait_for_all


@pytest.fixture
def section(make_window, store, account, recipients, qtbot):
    save_segment("Workshop people", ContactFilter(tags=("workshop",)))
    outbox.create_campaign("Spring", "tag", "workshop", "Hi", "Hello {{ sender.name }}")
    window = make_window(store)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    return window.campaigns


def test_counts_come_from_a_worker_thread(section, qtbot, monkeypatch):
    threads = []
    real = audience.summarize

    def recording(campaign_id):
        threads.append(threading.current_thread())
        return real(campaign_id)

    monkeypatch.setattr(audience, "summarize", recording)
    section.composer.save_draft()
    assert section.composer.info.text() == "Counting recipients…"
    qtbot.waitUntil(lambda: "4 recipients" in section.composer.info.text())
    assert threads and threading.main_thread() not in threads
    # the segment's size is filled in by a worker too
    qtbot.waitUntil(lambda: section.composer.audience.findText("Segment: Workshop people (4)") >= 0)


def test_a_stale_result_is_dropped(section, qtbot, monkeypatch):
    qtbot.waitUntil(lambda: "4 recipients" in section.composer.info.text())
    release = threading.Event()
    real = audience.summarize
    calls = []

    def slow_first(campaign_id):
        calls.append(campaign_id)
        if len(calls) == 1:
            release.wait(20)  # the first request is overtaken while it runs
        return real(campaign_id)

    monkeypatch.setattr(audience, "summarize", slow_first)
    section.composer.body.setPlainText("Dear {{ contact.last_name }},")  # Ada has no last name
    section.composer.save_draft()
    qtbot.waitUntil(lambda: len(calls) >= 1)
    section.composer.body.setPlainText("Dear friend,")
    section.composer.save_draft()
    # (>= 2: another refresh, e.g. the list's, may ask for a count too on a slow machine)
    qtbot.waitUntil(lambda: len(calls) >= 2 and "4 recipients" in section.composer.info.text(), timeout=20000)
    assert section.composer.warnings.text() == ""
    release.set()
    assert wait_for_all()
    qtbot.wait(50)  # let the first job's queued result arrive
    assert section.composer.warnings.text() == ""  # the old body's warning never shows
    assert "4 recipients" in section.composer.info.text()


def test_missing_fields_are_reported_after_counting(section, qtbot):
    section.composer.body.setPlainText("Dear {{ contact.last_name }},")
    section.composer.save_draft()
    qtbot.waitUntil(lambda: "lack a field" in section.composer.warnings.text())
    assert "Ada has no last_name" in section.composer.warnings.text()
