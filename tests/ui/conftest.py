import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt

from smarketer.ui import style
from smarketer.ui.hub import Hub
from smarketer.ui.main_window import MainWindow
from smarketer.ui.workers import wait_for_all


@pytest.fixture
def ui_state(tmp_path):
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, qapp, ui_state):
    qapp.setStyle(style.make_style())
    style.apply(qapp, Qt.ColorScheme.Light)
    made = []

    def make(path):
        window = MainWindow(path, Hub(), ui_state)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        made.append(window)
        return window

    yield make
    wait_for_all()
    # Gone before the store's fixture drops it: a window left for the next event loop would
    # still refresh (another seat's change, a late job) from a store that is no more.
    for window in made:
        if shiboken6.isValid(window):
            window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def window(make_window, demo_store):
    return make_window(demo_store)
