"""One way to run a job: run_job announces what the job changed and, without a failure
handler of the caller's own, shows the failure (one line for a UserError, the crash handler
for a bug, nothing for a cancel)."""

import sys

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from smarketer.errors import UserError
from smarketer.jobs import Cancelled
from smarketer.ui.hub import Hub
from smarketer.ui.workers import run_job


def boxes_saying(text: str) -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and text in w.text()]


def test_a_job_announces_its_changes_once_it_succeeded(qtbot):
    hub = Hub()
    seen = []
    hub.data_changed.connect(seen.append)
    with qtbot.waitSignal(run_job(lambda: 42, changes={"contact"}, hub=hub).finished):
        pass
    assert seen == ["contact"]
    seen.clear()
    with qtbot.waitSignal(
        run_job(_fail, "no", changes={"contact"}, hub=hub, on_failure=lambda e: None).finished
    ):
        pass
    assert seen == []  # nothing changed by a failed job is announced


def test_a_user_error_shows_as_one_line(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    with qtbot.waitSignal(run_job(_fail_user, "That file is not a CSV.", parent=parent).finished):
        pass
    (box,) = boxes_saying("That file is not a CSV.")
    assert box.text() == "That file is not a CSV." and box.detailedText() == ""
    box.close()


def test_a_bug_goes_to_the_crash_handler(qtbot, monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, exc, tb: seen.append((kind, str(exc), tb)))
    with qtbot.waitSignal(run_job(_fail, "boom").finished):
        pass
    assert seen and seen[0][:2] == (RuntimeError, "boom") and seen[0][2] is not None


def test_a_cancel_shows_nothing(qtbot, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", lambda *a: (_ for _ in ()).throw(AssertionError("shown")))
    with qtbot.waitSignal(run_job(_cancelled).finished):
        pass
    assert not boxes_saying("Cancelled")


def test_callbacks_of_a_closed_widget_are_not_called(qtbot):
    """A result arriving after its widget was deleted (its window closed) is dropped, and
    what the job changed is still announced."""
    hub = Hub()
    seen, called = [], []
    hub.data_changed.connect(seen.append)
    owner = QWidget()
    job = run_job(lambda: 1, on_success=called.append, parent=owner, changes={"contact"}, hub=hub)
    import shiboken6

    shiboken6.delete(owner)
    qtbot.waitUntil(lambda: job.done)
    assert called == [] and seen == ["contact"]


def test_changes_need_the_hub():
    import pytest

    with pytest.raises(TypeError):
        run_job(lambda: None, changes={"contact"})


def _fail(text: str):
    raise RuntimeError(text)


def _fail_user(text: str):
    raise UserError(text)


def _cancelled():
    raise Cancelled()
