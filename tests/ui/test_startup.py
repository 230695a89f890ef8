"""Starting fast: a section is built when first shown (the ones with timers a little later),
and heavy modules are imported only when something needs them."""

import json
import os
import subprocess
import sys

from PySide6.QtCore import Qt

from smarketer.ui import main_window


def built(window):
    return [s.label for s in window.built_sections()]


def test_sections_are_built_when_first_shown(make_window, demo_store, qtbot, monkeypatch):
    monkeypatch.setattr(main_window, "BACKGROUND_BUILD_MS", 60_000)
    window = make_window(demo_store)
    assert built(window) == ["Dashboard"]
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert built(window) == ["Dashboard", "Contacts"]
    assert window.stack.currentWidget() is window.contacts
    assert window.contacts.model.rowCount() == 60
    # a change elsewhere does not build the sections nobody has looked at
    window.hub.data_changed.emit("deal")
    assert built(window) == ["Dashboard", "Contacts"]
    # File → New acts on the section shown, building nothing else
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section().label == "Proposals"
    assert built(window) == ["Dashboard", "Contacts", "Proposals"]


def test_sections_with_timers_are_built_soon_after_the_window(make_window, demo_store, qtbot, monkeypatch):
    monkeypatch.setattr(main_window, "BACKGROUND_BUILD_MS", 10)
    monkeypatch.setattr(main_window, "BACKGROUND_RETRY_MS", 10)
    window = make_window(demo_store)
    qtbot.waitUntil(lambda: {"Today", "Campaigns"} <= set(built(window)))
    assert window.current_section().label == "Dashboard"  # still on the page it was showing
    assert window.stack.currentWidget() is window.dashboard


def test_background_sections_wait_while_a_job_runs(make_window, demo_store, qtbot, monkeypatch):
    import threading

    from smarketer.ui.workers import run_job

    monkeypatch.setattr(main_window, "BACKGROUND_BUILD_MS", 60_000)
    monkeypatch.setattr(main_window, "BACKGROUND_RETRY_MS", 10)
    window = make_window(demo_store)
    release = threading.Event()
    run_job(release.wait, 10)
    window._background_timer.start(0)  # the start's wait over
    qtbot.wait(300)  # thirty tries
    assert not {"Today", "Campaigns"} & set(built(window))  # the job still runs: nothing built
    release.set()
    qtbot.waitUntil(lambda: {"Today", "Campaigns"} <= set(built(window)))


START = """
import json, os, sys
from pathlib import Path
from smarketer.db import open_database
from smarketer.ui.app import make_application
from smarketer.ui.hub import Hub
from smarketer.ui.main_window import MainWindow
from smarketer.ui.workers import wait_for_all
import smarketer.ui.warm_up as warm_up
warm_up.WARM_UP_MS = 600_000  # what a section imports by itself, not the imports ahead
app = make_application()
open_database(Path(sys.argv[1]))
window = MainWindow(Path(sys.argv[1]), Hub())
window.show()
app.processEvents()
wait_for_all()
print(json.dumps(sorted(sys.modules)))
"""


def run_python(script: str, *args: str) -> list[str]:
    """Run ``script`` in a fresh offscreen interpreter; its printed lines."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().splitlines()


def modules_loaded(script: str, store) -> set[str]:
    """The modules a start-up script (START or a variant) had imported when it finished."""
    return set(json.loads(run_python(script, str(store))[-1]))


def test_the_window_opens_without_the_heavy_modules(demo_store):
    loaded = modules_loaded(START, demo_store)
    heavy = {
        "PySide6.QtPdf",
        "PySide6.QtPdfWidgets",
        "reportlab",
        "jinja2",
        "markdown",
        "qtawesome",
        "qtpy",
        "phonenumbers",
        "email_validator",
        "vobject",
    }
    assert loaded & heavy == set()
    assert "smarketer.ui.dashboard" in loaded and "smarketer.ui.deals.board" not in loaded


def test_the_campaigns_section_builds_without_keyring_or_sign_in_modules(demo_store):
    """The section built soon after the window loads the keyring, address checks and the
    sign-in client (authlib, requests) only when a password, an address or a token is needed."""
    script = START.replace("window.show()", "window.section('Campaigns')\nwindow.section('Today')")
    loaded = modules_loaded(script, demo_store)
    assert "smarketer.ui.campaigns.section" in loaded
    assert loaded & {"keyring", "email_validator", "authlib", "requests"} == set()


def test_damage_found_after_the_window_is_up_is_shown(make_window, demo_store, qtbot, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from smarketer.db import close_database, open_database
    from smarketer.ui.app import check_for_damage
    from tests.db.test_database import scribble_over_an_index

    close_database()  # the copy is made from the whole file
    broken = scribble_over_an_index(demo_store, tmp_path)
    open_database(demo_store)
    window = make_window(demo_store)
    job = check_for_damage(window, broken)
    qtbot.waitUntil(lambda: job.done)
    box = window.findChild(QMessageBox, "smarketerMessage")
    assert box is not None and box.isVisible()
    assert "damaged" in box.windowTitle() and str(broken) in box.text() and "Restore" in box.text()


def test_templates_load_jinja2_and_markdown_only_when_used():
    """Building the Campaigns section imports its modules; Jinja2 and Markdown come with the
    first template checked or filled in (in a worker, as a rule)."""
    script = (
        "import sys, json\n"
        "import smarketer.ui.campaigns.section, smarketer.campaigns.audience\n"
        "print(json.dumps(sorted(m for m in ('jinja2', 'markdown') if m in sys.modules)))\n"
        "from smarketer.campaigns import templates\n"
        "print(templates.render('Hi {{ contact.first_name }}', '**Hello** {{ contact.first_name }}',"
        " {'contact': {'first_name': 'Ann'}}).html)\n"
    )
    first, html = run_python(script)[:2]
    assert json.loads(first) == []
    assert "<strong>Hello</strong> Ann" in html


def test_the_settings_section_builds_without_the_sign_in_client(demo_store):
    script = START.replace("window.show()", "window.section('Settings')")
    loaded = modules_loaded(script, demo_store)
    assert "smarketer.ui.settings_page" in loaded
    assert loaded & {"authlib", "requests", "jinja2", "markdown"} == set()


def test_the_keyring_is_looked_for_in_a_worker(make_window, demo_store, qtbot, monkeypatch):
    import threading

    from smarketer.campaigns import account

    threads = []
    real = account.keyring_available
    monkeypatch.setattr(
        account, "keyring_available", lambda: threads.append(threading.current_thread()) or real()
    )
    window = make_window(demo_store)
    form = window.section("Settings").account_form
    qtbot.waitUntil(lambda: "keyring" in form.password_state.text())
    assert threads and threading.main_thread() not in threads


def test_the_sections_modules_are_imported_in_a_worker_once_the_window_is_up(
    make_window, demo_store, qtbot, monkeypatch
):
    import threading

    from smarketer.ui import warm_up

    threads = []
    monkeypatch.setattr(warm_up, "WARM_UP_MS", 0)
    monkeypatch.setattr(warm_up, "import_modules", lambda: threads.append(threading.current_thread()))
    make_window(demo_store)
    qtbot.waitUntil(lambda: bool(threads))
    assert threading.main_thread() not in threads


def test_the_modules_imported_ahead_are_free_of_qt():
    """Only the core's modules are imported in that worker: never a Qt module (nor ui's)."""
    from smarketer.ui.warm_up import MODULES

    script = (
        "import importlib, json, sys\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('PySide6', 'smarketer.ui')))))\n"
    )
    assert json.loads(run_python(script, *MODULES)[-1]) == []
