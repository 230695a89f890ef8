"""On a big store the contact list reads a search's ordered ids in a worker: the list keeps
its rows meanwhile, the newest search wins, and a saved contact stays selected."""

import threading

import pytest
from PySide6.QtCore import Qt

from smarketer import contacts
from smarketer.ui.contacts.model import ContactTableModel
from smarketer.ui.workers import wait_for_all


@pytest.fixture
def section(window, qtbot, monkeypatch):
    monkeypatch.setattr(ContactTableModel, "BACKGROUND_FROM", 50)  # the demo store's 60 is big
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    return window.contacts


def test_a_search_runs_in_a_worker_and_its_rows_arrive(section, qtbot, monkeypatch):
    threads = []
    real = contacts.contact_ids

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(contacts, "contact_ids", recording)
    last = contacts.fetch_rows([section.model.contact_id(59)])
    name = next(iter(last.values())).email.split("@")[0]
    section.search.setText(name)
    section.apply_filters()
    assert section.model.loading and section.model.rowCount() == 60  # still the old rows
    qtbot.waitUntil(lambda: section.model.rowCount() == 1)
    assert threads and threading.main_thread() not in threads
    assert section.count_label.text() == "1 shown of 60"


def test_the_newest_search_wins(section, qtbot, monkeypatch):
    release = threading.Event()
    real = contacts.contact_ids
    calls = []

    def slow_first(f, *args, **kwargs):
        calls.append(f.text)
        if len(calls) == 1:
            release.wait(20)
        return real(f, *args, **kwargs)

    monkeypatch.setattr(contacts, "contact_ids", slow_first)
    section.search.setText("zzzz-nobody")
    section.apply_filters()
    qtbot.waitUntil(lambda: len(calls) == 1)
    section.search.clear()
    section.apply_filters()
    qtbot.waitUntil(lambda: len(calls) == 2 and not section.model.loading)
    assert section.model.rowCount() == 60
    release.set()
    assert wait_for_all()
    qtbot.wait(50)  # the overtaken result arrives, and is dropped
    assert section.model.rowCount() == 60 and not section.model.loading


def test_a_saved_contact_is_selected_once_the_list_has_it(section, qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = section.editor
    qtbot.keyClicks(editor.first_name, "Aaron")
    qtbot.keyClicks(editor.last_name, "Aardvark")
    editor.email.setText("aaron@example.com")
    editor.save()
    qtbot.waitUntil(lambda: section.model.rowCount() == 61 and section.table.currentIndex().isValid())
    current = section.model.contact_id(section.table.currentIndex().row())
    assert current == editor.contact_id
    assert contacts.fetch_rows([current])[current].email == "aaron@example.com"


def test_segment_sizes_are_counted_in_a_worker(section, qtbot):
    segment = contacts.find_segment("Workshop leads")
    expected = f"Workshop leads ({contacts.count(contacts.segment_filter(segment)):,})"
    section.reload()
    texts = lambda: [section.segments.item(i).text() for i in range(section.segments.count())]  # noqa: E731
    assert "Workshop leads" in texts()  # the name at once, its size from the worker
    qtbot.waitUntil(lambda: expected in texts())
