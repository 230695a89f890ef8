"""The Dashboard: which efforts brought in money. Tiles, charts, attribution tables; every
tile, bar and funnel step opens the list of what it counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
)
from PySide6.QtCore import QEvent, QMargins, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from smarketer import dashboard
from smarketer.dashboard_figures import Figures, compute_figures
from smarketer.ui import dialogs, style
from smarketer.ui.geometry import fit_to_screen
from smarketer.ui.hub import Hub
from smarketer.ui.refresh import Refresh
from smarketer.ui.sections import NEXT_TURN_MS, Section, title_label
from smarketer.ui.text_table import TextTable
from smarketer.ui.workers import run_job

PERIOD_LABELS = [
    ("month", "This month"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("ytd", "This year"),
    ("custom", "Custom…"),
]


class TileButton(QFrame):
    clicked = Signal(str)

    def __init__(self, key: str, parent=None):
        super().__init__(parent)
        self.key = key
        self.setProperty("role", "card")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.value = QLabel()
        self.value.setProperty("role", "figure")
        self.caption = title_label("", "subtitle")
        self.change = title_label("", "subtitle")
        box = QVBoxLayout(self)
        box.addWidget(self.value)
        box.addWidget(self.caption)
        box.addWidget(self.change)
        self.setAccessibleName(key)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        self.clicked.emit(self.key)


def _chart(title: str) -> QChartView:
    chart = QChart()
    chart.setTitle(title)
    chart.setProperty("base_title", title)
    chart.legend().setVisible(False)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(6)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(220)
    return view


def theme_chart(chart: QChart, palette: QPalette) -> None:
    """Colours from the palette in use, so a chart is dark in dark mode, light in light."""
    text = palette.color(QPalette.ColorRole.WindowText)
    chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
    chart.setBackgroundPen(palette.color(QPalette.ColorRole.Mid))
    chart.setTitleBrush(text)
    chart.legend().setLabelColor(text)
    grid = QColor(style.tones().chart_grid)
    for axis in chart.axes():
        axis.setLabelsColor(text)
        axis.setGridLineColor(grid)
        axis.setLinePenColor(palette.color(QPalette.ColorRole.Mid))
    series_colours = style.tones().chart_series
    for series in chart.series():
        for index, bar_set in enumerate(series.barSets()):
            colour = QColor(series_colours[index % len(series_colours)])
            bar_set.setColor(colour)
            bar_set.setBorderColor(colour)


class DashboardSection(Section):
    label = "Dashboard"
    open_list = Signal(str, list)  # "contacts" | "deals" | "proposals", ids

    def __init__(self, hub: Hub, parent=None):
        super().__init__(parent)
        self.hub = hub
        self.data: dashboard.Dashboard | None = None
        self.figures: Figures | None = None
        self.loading = False
        self.job = None
        self.elsewhere = Refresh(compute_figures, self._show, self)
        header = QHBoxLayout()
        header.addWidget(title_label(self.tr("Dashboard")))
        header.addStretch(1)
        self.period_box = QComboBox()
        self.period_box.setAccessibleName(self.tr("Period"))
        for key, text in PERIOD_LABELS:
            self.period_box.addItem(self.tr(text), key)
        self.period_box.setCurrentIndex(1)
        self.start = QDateEdit(date.today().replace(day=1))
        self.end = QDateEdit(date.today())
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.hide()
            edit.dateChanged.connect(lambda _d: self.reload())
        self.period_box.currentIndexChanged.connect(self._period_changed)
        self.export_pdf = QPushButton(self.tr("Export PDF…"))
        self.export_pdf.clicked.connect(self.export_report)
        self.export_csv = QPushButton(self.tr("Export tables…"))
        self.export_csv.clicked.connect(self.export_tables)
        for widget in (self.period_box, self.start, self.end, self.export_csv, self.export_pdf):
            header.addWidget(widget)
        self.layout_.addLayout(header)

        body = QWidget()
        column = QVBoxLayout(body)
        self.tiles_layout = QGridLayout()
        self.tiles: dict[str, TileButton] = {}
        for index, (key, label, *_rest) in enumerate(dashboard.TILES):
            tile = TileButton(key)
            tile.value.setText("…")  # until the first figures arrive (seconds on a big store)
            tile.caption.setText(self.tr(label))
            tile.change.setText(self.tr("computing…"))
            tile.clicked.connect(self.drill)
            self.tiles[key] = tile
            self.tiles_layout.addWidget(tile, 0, index)
        column.addLayout(self.tiles_layout)
        charts = QGridLayout()
        self.funnel_view = _chart(self.tr("Funnel"))
        self.pipeline_view = _chart(self.tr("Open pipeline by stage (total, weighted)"))
        self.revenue_view = _chart(self.tr("Won revenue, last 12 months"))
        self.forecast_view = _chart(self.tr("Forecast, next 6 months (weighted)"))
        charts.addWidget(self.funnel_view, 0, 0)
        charts.addWidget(self.pipeline_view, 0, 1)
        charts.addWidget(self.revenue_view, 1, 0)
        charts.addWidget(self.forecast_view, 1, 1)
        column.addLayout(charts)
        self.tables = QTabWidget()
        self.campaign_table = self._table(
            [
                self.tr(t)
                for t in (
                    "Campaign",
                    "Emails sent",
                    "Deals",
                    "Proposals",
                    "Won",
                    "Revenue",
                    "Revenue per email",
                )
            ]
        )
        self.source_table = self._table(
            [self.tr(t) for t in ("Lead source", "Contacts", "Deals", "Proposals", "Won", "Revenue")]
        )
        self.referrer_table = self._table(
            [self.tr(t) for t in ("Referrer", "Referrals", "Their deals", "Won", "Revenue")]
        )
        self.tables.addTab(self.campaign_table, self.tr("By campaign"))
        self.tables.addTab(self.source_table, self.tr("By lead source"))
        self.tables.addTab(self.referrer_table, self.tr("By referrer"))
        self.tables.setMinimumHeight(220)
        self.attribution_note = title_label("", "subtitle")
        column.addWidget(self.tables)
        column.addWidget(self.attribution_note)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.layout_.addWidget(scroll, 1)
        self.reload()

    @staticmethod
    def _table(headers: Sequence[str]) -> TextTable:
        return TextTable(headers)

    # data

    def current_period(self) -> dashboard.Period:
        kind = self.period_box.currentData()
        if kind == "custom":
            return dashboard.period(
                "custom", start=self.start.date().toPython(), end=self.end.date().toPython()
            )
        return dashboard.period(kind)

    def _period_changed(self) -> None:
        custom = self.period_box.currentData() == "custom"
        self.start.setVisible(custom)
        self.end.setVisible(custom)
        self.reload()

    def reload(self) -> None:
        """Compute in the background (hundreds of ms on a big store); the newest wins."""
        try:
            p = self.current_period()
        except ValueError:
            return
        self.loading = True
        job = run_job(
            compute_figures, p, on_success=lambda f: self._show(f, job), on_failure=self._failed, parent=self
        )
        self.job = job

    def changed_elsewhere(self) -> None:
        """Another seat changed the store: the figures are computed again in a worker (one at
        a time however often it changes; the chosen period stays)."""
        try:
            self.elsewhere.request(self.current_period())
        except ValueError:
            return

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.hub.notify.emit(self.tr("The dashboard could not be computed: {}").format(exc))

    def _show(self, figures: Figures, job=None) -> None:
        try:
            current = self.current_period()
        except ValueError:
            current = None
        if figures.data.period != current or (job is not None and job is not self.job):
            return  # computed for a period no longer chosen, or a newer computation is under way
        self.figures = figures
        self.money = figures.money
        self.data = figures.data
        for tile in self.data.tiles:
            widget = self.tiles[tile.key]
            value = (
                self.money(tile.value)
                if tile.money
                else (f"{tile.value:.0f} %" if tile.percent else f"{tile.value:,.0f}")
            )
            widget.value.setText(value)
            widget.caption.setText(self.tr(tile.label))
            change = tile.change
            widget.change.setText(
                self.tr("new this period")
                if change is None and tile.value
                else "—"
                if change is None
                else self.tr("{} vs before").format(tile.change_text)
            )
        # The charts and the tables on the next turns of the event loop: all at once they
        # held the window for a tenth of a second on a big store.
        QTimer.singleShot(NEXT_TURN_MS, self, lambda: self._show_charts(figures))

    def _show_charts(self, figures: Figures) -> None:
        if self.figures is not figures:
            return  # newer figures arrived meanwhile: they show themselves
        self._charts()
        QTimer.singleShot(NEXT_TURN_MS, self, lambda: self._show_tables(figures))

    def _show_tables(self, figures: Figures) -> None:
        if self.figures is not figures:
            return
        self._tables()
        self.attribution_note.setText(
            self.tr(
                "A deal counts for the campaign it came from, else for the last campaign email "
                "its contact received within {} days before it was opened."
            ).format(figures.attribution_days)
        )
        self.loading = False

    def changeEvent(self, event) -> None:  # noqa: N802 - charts follow light and dark
        if event.type() == QEvent.Type.PaletteChange:
            for view in (self.funnel_view, self.pipeline_view, self.revenue_view, self.forecast_view):
                theme_chart(view.chart(), self.palette())
        super().changeEvent(event)

    def _bars(
        self,
        view: QChartView,
        labels: list[str],
        series_values: list[list],
        horizontal: bool = False,
        on_click=None,
        names: tuple[str, ...] = (),
        money: bool = False,
        tips: list[str] | None = None,
        empty: str = "",
    ) -> None:
        """Bars with round ticks, money labels where it is money, a legend when there are
        two series, a tooltip per bar, and an honest word when there is nothing to draw."""
        chart = view.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        series = QHorizontalBarSeries() if horizontal else QBarSeries()
        for index, values in enumerate(series_values):
            bar_set = QBarSet(names[index] if index < len(names) else "")
            bar_set.append([float(v) for v in values])
            series.append(bar_set)
        chart.addSeries(series)
        chart.legend().setVisible(len(names) > 1)
        top = max((max(v) for v in series_values if v), default=0)
        nothing = top == 0
        chart.setTitle(chart.property("base_title") + (f" · {empty}" if nothing and empty else ""))
        categories = QBarCategoryAxis()
        categories.append(labels)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        categories.setLabelsFont(small)
        values_axis = QCategoryAxis()
        values_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        values_axis.setLabelsFont(small)
        ticks = dashboard.nice_ticks(top)
        for tick in ticks:
            values_axis.append(self.money(tick) if money else f"{tick:,.0f}", float(tick))
        values_axis.setRange(0, float(ticks[-1]))
        values_axis.setLabelsVisible(not nothing)
        if tips:
            series.hovered.connect(
                lambda status, index, _set: (
                    QToolTip.showText(QCursor.pos(), tips[index])
                    if status and 0 <= index < len(tips)
                    else None
                )
            )
        if horizontal:
            chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
            chart.addAxis(values_axis, Qt.AlignmentFlag.AlignBottom)
        else:
            chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
            chart.addAxis(values_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values_axis)
        chart.layout().invalidate()  # else a first fill can leave the axes no room: no labels
        if on_click:
            series.clicked.connect(lambda index, _set: on_click(index))
        theme_chart(chart, self.palette())

    def _charts(self) -> None:
        d = self.data
        assert d is not None and self.figures is not None
        full = self.figures.full_money
        # Horizontal bars are drawn bottom-up: reversed, the funnel reads top-down in order.
        funnel = list(reversed(d.funnel))
        self._bars(
            self.funnel_view,
            [f"{self.tr(s)} · {v:,.0f}" for s, v in funnel],
            [[v for _, v in funnel]],
            horizontal=True,
            on_click=lambda i: self.drill(dashboard.FUNNEL_KEYS[funnel[i][0]]),
            tips=[self.tr("{}: {:,.0f} in this period (click for the list)").format(s, v) for s, v in funnel],
            empty=self.tr("nothing in this period"),
        )
        self._bars(
            self.pipeline_view,
            [s for s, *_ in d.pipeline],
            [[t for _, t, _ in d.pipeline], [w for *_, w in d.pipeline]],
            on_click=lambda i: self.open_list.emit("deals", dashboard.deals_in_stage(d.pipeline[i][0])),
            names=(self.tr("Total"), self.tr("Weighted by probability")),
            money=True,
            tips=[
                self.tr("{}: {} in total, {} weighted").format(s, full(t), full(w)) for s, t, w in d.pipeline
            ],
            empty=self.tr("no open deals"),
        )
        self._bars(
            self.revenue_view,
            [m.strftime("%b") for m, _ in d.revenue_by_month],
            [[v for _, v in d.revenue_by_month]],
            money=True,
            tips=[f"{m:%B %Y}: {full(v)}" for m, v in d.revenue_by_month],
            empty=self.tr("no deals won yet"),
        )
        self._bars(
            self.forecast_view,
            [m.strftime("%b") for m, _ in d.forecast],
            [[v for _, v in d.forecast]],
            money=True,
            tips=[f"{m:%B %Y}: {full(v)} weighted" for m, v in d.forecast],
            empty=self.tr("no open deals with a close date"),
        )

    def _tables(self) -> None:
        f = self.figures
        assert f is not None
        self.campaign_table.set_rows(f.campaigns)
        self.source_table.set_rows(f.sources)
        self.referrer_table.set_rows(f.referrers)

    def chart_values(self, view: QChartView) -> list[list[float]]:
        series = view.chart().series()[0]
        return [[bar_set.at(i) for i in range(bar_set.count())] for bar_set in series.barSets()]

    # click-through and export

    def drill(self, key: str) -> None:
        kind, ids = dashboard.drill(key, self.current_period())
        self.open_list.emit(kind, ids)

    def export_report(self) -> None:
        from smarketer.reports import write_report_pdf

        if self.data is None:
            return
        path = dialogs.ask_save_file(
            self, self.tr("Save the dashboard as"), "dashboard.pdf", "PDF documents (*.pdf)"
        )
        if path is not None:
            write_report_pdf(self.data, path)
            self.hub.notify.emit(self.tr("Saved {}.").format(path.name))

    def export_tables(self) -> None:
        from smarketer.reports import write_tables_csv

        if self.data is None:
            return
        path = dialogs.ask_save_file(
            self, self.tr("Save the attribution tables as"), "attribution.csv", "CSV (*.csv)"
        )
        if path is not None:
            write_tables_csv(self.data, path)
            self.hub.notify.emit(self.tr("Saved {}.").format(path.name))


class MatchesDialog(QDialog):
    """The contacts, deals or proposals behind a figure; double-click opens one."""

    opened = Signal(str, int)

    def __init__(self, kind: str, ids: list[int], parent=None):
        super().__init__(parent)
        self.kind, self.ids = kind, ids
        self.setWindowTitle(self.tr("{} {}").format(len(ids), kind))
        fit_to_screen(self, 520, 420)
        self.list = QListWidget()
        for text in self.labels():
            self.list.addItem(text)
        self.list.itemActivated.connect(lambda _i: self._open())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)

    def labels(self) -> list[str]:
        return dashboard.labels(self.kind, self.ids)

    def _open(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.ids):
            self.opened.emit(self.kind, self.ids[row])
