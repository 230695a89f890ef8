"""On a big store the contact list reads a search's ordered ids in a worker: the list keeps
its rows meanwhile, the newest search wins, and a saved contact stays selected."""

import threading

import pytest
from PySide6.QtCore import Qt

from smarketer.contacts import listing, saved_segments
from smarketer.ui.contacts import model as contact_model
from smarketer.ui.contacts.model import ContactTableModel
from smarketer.ui.workers import wait_for_all


@pytest.fixture
def section(window, qtbot, monkeypatch):
    monkeypatch.setattr(ContactTableModel, "BACKGROUND_FROM", 50)  # the demo store's 60 is big
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.contacts.model.loading)  # the first list, whole
    return window.contacts


def test_the_first_visit_shows_a_first_part_at_once_and_the_rest_from_a_worker(window, qtbot, monkeypatch):
    monkeypatch.setattr(ContactTableModel, "BACKGROUND_FROM", 50)  # the demo store's 60 is big
    threads = []
    real = listing.contact_ids

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(contact_model, "contact_ids", recording)
    whole = real(listing.ContactFilter())
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    section = window.contacts
    assert section.model.partial and section.model.rowCount() == 50  # shown with the window
    assert section.model.index(0, 0).data()
    assert section.count_label.text() == "Counting matches…"
    qtbot.waitUntil(lambda: not section.model.loading)
    assert [section.model.contact_id(r) for r in range(section.model.rowCount())] == whole
    assert threads and threading.main_thread() not in threads
    listed = section.segment_panel.list
    trash = listed.item(listed.count() - 1)
    qtbot.waitUntil(lambda: trash.text().startswith("Trash ("))  # its count from a worker too


def test_a_search_runs_in_a_worker_and_its_rows_arrive(section, qtbot, monkeypatch):
    threads = []
    real = listing.first_ids

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(contact_model, "first_ids", recording)
    last = listing.fetch_rows([section.model.contact_id(59)])
    name = next(iter(last.values())).email.split("@")[0]
    section.filters.search.setText(name)
    section.apply_filters()
    assert section.model.loading and section.model.rowCount() == 60  # still the old rows
    qtbot.waitUntil(lambda: section.model.rowCount() == 1)
    assert threads and threading.main_thread() not in threads
    assert section.count_label.text() == "1 shown of 60"


def test_the_newest_search_wins(section, qtbot, monkeypatch):
    release = threading.Event()
    real = listing.first_ids
    calls = []

    def slow_first(f, *args, **kwargs):
        calls.append(f.text)
        if len(calls) == 1:
            release.wait(20)
        return real(f, *args, **kwargs)

    monkeypatch.setattr(contact_model, "first_ids", slow_first)
    section.filters.search.setText("zzzz-nobody")
    section.apply_filters()
    qtbot.waitUntil(lambda: len(calls) == 1)
    section.filters.search.clear()
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
    assert listing.fetch_rows([current])[current].email == "aaron@example.com"


def test_segment_sizes_are_counted_in_a_worker(section, qtbot):
    segment = saved_segments.find_segment("Workshop leads")
    expected = f"Workshop leads ({listing.count(saved_segments.segment_filter(segment)):,})"
    section.reload()
    listed = section.segment_panel.list
    texts = lambda: [listed.item(i).text() for i in range(listed.count())]  # noqa: E731
    assert "Workshop leads" in texts()  # the name at once, its size from the worker
    qtbot.waitUntil(lambda: expected in texts())


def test_a_long_list_shows_its_first_page_then_the_rest(section, qtbot, monkeypatch):
    """A broad search shows its first page as soon as it is found, says it is counting, and
    gets the rest from a second job without losing the selection."""
    monkeypatch.setattr(ContactTableModel, "PAGE", 10)
    monkeypatch.setattr(listing, "NARROW_MATCH", 0)  # as if "e" matched thousands
    whole = listing.contact_ids(listing.ContactFilter(text="e"))
    assert len(whole) > 20
    release = threading.Event()
    real = listing.contact_ids

    def slow_in_a_worker(*args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            release.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(contact_model, "contact_ids", slow_in_a_worker)
    section.filters.search.setText("e")
    section.apply_filters()
    qtbot.waitUntil(lambda: section.model.partial)
    assert section.model.ids() == whole  # an export now takes the whole list, not the page
    assert [section.model.contact_id(r) for r in range(section.model.rowCount())] == whole[:10]
    assert section.count_label.text() == "Counting matches…"
    section.select_contact(whole[3])
    release.set()
    qtbot.waitUntil(lambda: not section.model.loading)
    assert section.model.rowCount() == len(whole) and not section.model.partial
    assert section.model.contact_id(section.table.currentIndex().row()) == whole[3]
    assert section.count_label.text().startswith(f"{len(whole):,} ")  # "60 contacts" or "N shown of 60"
