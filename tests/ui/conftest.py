import pytest
from PySide6.QtCore import QSettings, Qt

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


@pytest.fixture
def window(make_window, demo_store):
    return make_window(demo_store)
