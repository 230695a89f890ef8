"""The Dashboard section, its PDF report and CSV tables, and the report command."""

import csv
import io
import os
import subprocess
import sys

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from smarketer import dashboard
from smarketer.reports import write_report_pdf, write_tables_csv
from smarketer.ui.dashboard import MatchesDialog
from tests.dashboard.test_dashboard import history  # noqa: F401 - the known history
from tests.ui.conftest import make_window, ui_state  # noqa: F401


@pytest.fixture
def dash_window(make_window, store, history, qtbot):  # noqa: F811
    window = make_window(store)
    assert window.current_section() is window.dashboard  # the first entry
    qtbot.waitUntil(lambda: not window.dashboard.loading, timeout=10000)  # computed off-thread
    return window


def test_tiles_and_chart_series_hold_the_figures(dash_window, history):  # noqa: F811
    section = dash_window.dashboard
    assert section.tiles["revenue"].value.text() == "€3,000"
    assert section.tiles["deals"].value.text() == "3"
    assert section.tiles["win_rate"].value.text() == "50 %"
    assert section.chart_values(section.funnel_view) == [[1.0, 1.0, 3.0, 3.0]]  # Won … first
    totals, weighted = section.chart_values(section.pipeline_view)
    assert totals[0] == 500.0 and weighted[0] == 50.0
    assert section.campaign_table.text(0, 0) in ("Autumn", "Spring")
    names = [section.campaign_table.text(r, 0) for r in range(section.campaign_table.rowCount())]
    autumn = names.index("Autumn")
    assert section.campaign_table.text(autumn, 5) == "€3,000"


def test_clicking_a_tile_opens_the_list_and_an_item(dash_window, history, qtbot):  # noqa: F811
    section = dash_window.dashboard
    qtbot.mouseClick(section.tiles["revenue"], Qt.MouseButton.LeftButton)
    dialog = dash_window.findChild(MatchesDialog)
    assert dialog.kind == "deals" and dialog.ids == [history["ann_deal"].id]
    assert dialog.list.item(0).text().startswith("Ann's site")
    dialog.list.setCurrentRow(0)
    dialog.list.itemActivated.emit(dialog.list.item(0))
    assert dash_window.current_section() is dash_window.deals


def test_period_selector_changes_the_figures(dash_window, history, qtbot):  # noqa: F811
    section = dash_window.dashboard
    section.period_box.setCurrentIndex(section.period_box.findData("ytd"))
    qtbot.waitUntil(lambda: section.tiles["revenue"].value.text() == "€13,000")  # August counts


def test_pdf_report_reads_back_with_its_figures(history, tmp_path):  # noqa: F811
    d = dashboard.build(dashboard.period("30d"))
    path = write_report_pdf(d, tmp_path / "report.pdf")
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in ("Won revenue", "€3,000", "Autumn", "Website form", "Rita", "Funnel"):
        assert expected in text, expected
    write_tables_csv(d, tmp_path / "t.csv")
    with open(tmp_path / "t.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["By campaign"] and ["Rita", "2", "2", "0", "1", "3000"] in rows


def test_report_command(history, tmp_path, smarketer_home, store):  # noqa: F811
    from smarketer.db import close_database

    close_database()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "smarketer",
            "--db",
            str(store),
            "report",
            "--period",
            "30d",
            "-o",
            str(tmp_path / "r.pdf"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "SMARKETER_HOME": str(smarketer_home)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Won revenue" in result.stdout and "€3,000" in result.stdout
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_tiles_say_they_are_computing_until_the_figures_come(store, history, qtbot):  # noqa: F811
    from smarketer.ui.dashboard import DashboardSection
    from smarketer.ui.hub import Hub

    section = DashboardSection(Hub())
    qtbot.addWidget(section)
    tile = section.tiles["revenue"]  # the figures are computed off the GUI thread: not here yet
    assert (tile.value.text(), tile.caption.text(), tile.change.text()) == (
        "…",
        "Won revenue",
        "computing…",
    )
    qtbot.waitUntil(lambda: not section.loading, timeout=10000)
    assert tile.value.text() == "€3,000" and "computing" not in tile.change.text()


def test_figures_and_their_tables_are_made_off_the_gui_thread(store, history, qtbot, monkeypatch):  # noqa: F811
    import threading

    from smarketer.ui.dashboard import DashboardSection
    from smarketer.ui.hub import Hub

    threads = []
    real_build = dashboard.build
    monkeypatch.setattr(
        dashboard, "build", lambda p: threads.append(threading.current_thread()) or real_build(p)
    )
    section = DashboardSection(Hub())
    qtbot.addWidget(section)
    qtbot.waitUntil(lambda: not section.loading, timeout=10000)
    assert threads and threading.main_thread() not in threads
    rows = [section.source_table.text(r, 0) for r in range(section.source_table.rowCount())]
    assert "Website form" in rows  # the rows arrived, formatted in the worker
    autumn = [section.campaign_table.text(r, 0) for r in range(section.campaign_table.rowCount())].index(
        "Autumn"
    )
    assert section.campaign_table.text(autumn, 5) == "€3,000"


def test_an_older_computation_arriving_late_is_dropped(dash_window, qtbot):
    import dataclasses

    section = dash_window.dashboard
    older = section.job
    stale = dataclasses.replace(section.figures, campaigns=[["Stale"] + [""] * 6])
    section.reload()  # e.g. a deal moved meanwhile
    newer = section.job
    qtbot.waitUntil(lambda: newer.done and not section.loading, timeout=10000)
    older.succeeded.emit(stale)  # the first job's answer comes last
    names = [section.campaign_table.text(r, 0) for r in range(section.campaign_table.rowCount())]
    assert "Stale" not in names and "Autumn" in names
