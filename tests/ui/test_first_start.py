"""A first start as an owner who installed the wheel or the bundle meets it: an empty store,
a way into a demo from the empty state, and where the log is."""

from PySide6.QtCore import Qt

from smarketer import paths
from smarketer.contacts.listing import count


def test_open_the_demo_from_the_empty_contacts_page(make_window, store, qtbot):
    window = make_window(store)
    window.go_to_section("Contacts")
    section = window.contacts
    assert section.pages.currentWidget() is section.empty
    assert section.open_demo.isVisible()

    qtbot.mouseClick(section.open_demo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.store_path == paths.demo_database(), timeout=60_000)
    assert count() > 50
    qtbot.waitUntil(lambda: section.pages.currentWidget() is section.splitter)
    assert "demo.db" in window.windowTitle()
    assert window.actions["demo"].isEnabled()


def test_about_says_where_the_log_is(window):
    box = window.about()
    assert str(paths.log_file()) in box.informativeText()
    assert any(b.text() == "Show Log Folder" for b in box.buttons())
    box.close()
