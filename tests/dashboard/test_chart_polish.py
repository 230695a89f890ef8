"""Dashboard polish: round axis ticks, rate changes in points, growth in words, money with
its currency everywhere, an honest empty chart, legends, charts that follow dark mode."""

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from smarketer import dashboard
from smarketer.dashboard import Tile, nice_ticks
from smarketer.ui import style
from tests.dashboard.test_dashboard import history  # noqa: F401 - the known history
from tests.ui.conftest import make_window, ui_state  # noqa: F401


def test_ticks_are_round_numbers_that_cover_the_top():
    assert nice_ticks(51425) == [Decimal(v) for v in (0, 20000, 40000, 60000)]
    assert nice_ticks(38569)[-1] >= 38569
    for top in (1, 7, 129, 999, 38569, 1_234_567):
        ticks = nice_ticks(top)
        steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
        assert len(steps) == 1 and ticks[-1] >= top, top
        step = steps.pop()
        assert step.normalize().as_tuple().digits[0] in (1, 2, 5) or step == Decimal("25")
    assert nice_ticks(0) == [0, 1, 2, 3, 4]  # an empty axis: no "1, 1, 1, 0, 0"


def test_growth_from_almost_nothing_is_a_factor_not_a_huge_percentage():
    assert Tile("emails", "Emails", Decimal(7692), Decimal(1)).change_text == "×7,692"
    assert Tile("revenue", "Won", Decimal(153), Decimal(100), money=True).change_text == "+53 %"


def test_revenue_per_email_keeps_its_cents_when_small():
    from smarketer.money import format_money_rate

    assert format_money_rate(Decimal("0.34"), "EUR", "en_IE") == "€0.34"  # was shown as "€0"
    assert format_money_rate(Decimal("3000.00"), "EUR", "en_IE") == "€3,000"


def test_drill_down_amounts_carry_the_currency(history):  # noqa: F811
    kind, ids = dashboard.drill("revenue", dashboard.period("30d"))
    assert kind == "deals"
    assert all("€" in text for text in dashboard.labels(kind, ids))


def test_charts_have_legends_round_money_ticks_and_follow_dark(
    make_window,  # noqa: F811
    store,
    history,  # noqa: F811
    qtbot,
    qapp,
):
    window = make_window(store)
    section = window.dashboard
    qtbot.waitUntil(lambda: not section.loading, timeout=10000)
    pipeline = section.pipeline_view.chart()
    assert pipeline.legend().isVisible()
    names = [s.label() for s in pipeline.series()[0].barSets()]
    assert names == ["Total", "Weighted by probability"]
    axis = next(a for a in pipeline.axes(Qt.Orientation.Vertical))
    labels = axis.categoriesLabels()
    assert labels[0] == "€0" and all("€" in text for text in labels)
    header = section.campaign_table.horizontalHeader()
    last = section.campaign_table.columnCount() - 1
    assert header.sectionSize(last) >= header.fontMetrics().horizontalAdvance("Revenue per email")
    light = pipeline.backgroundBrush().color()
    window.set_appearance("dark")
    try:
        assert pipeline.backgroundBrush().color() == qapp.palette().color(QPalette.ColorRole.Base)
        assert pipeline.backgroundBrush().color().lightness() < light.lightness()
        assert style.contrast(pipeline.titleBrush().color(), pipeline.backgroundBrush().color()) >= 4.5
    finally:
        window.set_appearance("system")


def test_an_empty_store_says_so_on_its_charts(make_window, store, qtbot):  # noqa: F811
    window = make_window(store)
    section = window.dashboard
    qtbot.waitUntil(lambda: not section.loading, timeout=10000)
    chart = section.revenue_view.chart()
    assert "no deals won yet" in chart.title()
    assert not chart.axes(Qt.Orientation.Vertical)[0].labelsVisible()
