"""The dashboard as a one-page PDF (reportlab, charts as vector drawings) and as CSV.

Landscape A4 in three bands: the figures beside the funnel and the open pipeline; won revenue
for 12 months beside the forecast; the three attribution tables. Every table is sized to its
share of the frame (names wrap, figure columns are as wide as their widest entry, the font
shrinks before anything leaves the page) and every chart keeps its labels inside its box:
category labels are measured, long stage names go on a horizontal axis, a chart with two
series has a legend, and money axes read "€40K".
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from babel import numbers
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from smarketer import settings
from smarketer.dashboard import Dashboard
from smarketer.exchange.records import neutralise
from smarketer.money import format_money_rate, format_money_short
from smarketer.proposals.pdf import BOLD, FONT, register_fonts

ACCENT = colors.HexColor("#2f6f5e")
LIGHT = colors.HexColor("#9cc9b9")
RULE = colors.HexColor("#d9dedb")
PAGE = landscape(A4)
MARGIN = 12 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN - 12  # the frame keeps 6 pt of padding on each side
GUTTER = 10  # points between side-by-side blocks
TABLE_ROWS = 8  # rows per attribution table
PAD = 3  # cell padding, left and right


def figures_rows(d: Dashboard, money) -> list[list[str]]:
    rows = [["Figure", d.period.label.capitalize(), "Before", "Change"]]
    for t in d.tiles:
        fmt = (
            (lambda v: money(v))
            if t.money
            # noqa: E731
            else ((lambda v: f"{v:.0f} %") if t.percent else (lambda v: f"{v:,.0f}"))
        )
        rows.append([t.label, fmt(t.value), fmt(t.previous), t.change_text])
    return rows


# ---------------------------------------------------------------- tables


def _fitted_table(rows: list[list[str]], width: float, empty: str = "") -> Table:
    """The first column wraps and takes what the figure columns leave; the font shrinks
    (8 → 6 pt) until the figure columns leave the name column at least a third."""
    if len(rows) == 1 and empty:
        rows = rows + [[empty] + [""] * (len(rows[0]) - 1)]
    for size in (8, 7.5, 7, 6.5, 6):
        figures = [
            max(stringWidth(str(row[c]), BOLD if r == 0 else FONT, size) for r, row in enumerate(rows))
            + 2 * PAD
            + 1
            for c in range(1, len(rows[0]))
        ]
        if width - sum(figures) >= width / 3:
            break
    name = ParagraphStyle("name", fontName=FONT, fontSize=size, leading=size + 2)
    head = ParagraphStyle("head", parent=name, fontName=BOLD)
    cells = [[Paragraph(_escape(row[0]), head if r == 0 else name), *row[1:]] for r, row in enumerate(rows)]
    table = Table(cells, colWidths=[width - sum(figures), *figures], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), size),
                ("LEADING", (0, 0), (-1, -1), size + 2),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _clip(name: str, limit: int = 60) -> str:
    """A name as a table cell shows it: one line, at most ``limit`` characters."""
    name = " ".join(str(name).split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _clip_to(text: str, width: float, size: float) -> str:
    """``text`` cut with "…" so it is at most ``width`` points wide in FONT at ``size``."""
    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _titled(title: str, body, width: float) -> Table:
    heading = ParagraphStyle("h", fontName=BOLD, fontSize=9, leading=12, textColor=ACCENT)
    block = Table([[Paragraph(_escape(title), heading)], [body]], colWidths=[width])
    block.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return block


def _side_by_side(blocks: list, widths: list[float]) -> Table:
    """Blocks in one row, GUTTER points apart, together exactly the frame's width."""
    cells: list[object] = []
    col_widths: list[float] = []
    for index, (block, width) in enumerate(zip(blocks, widths, strict=True)):
        if index:
            cells.append("")
            col_widths.append(GUTTER)
        cells.append(block)
        col_widths.append(width)
    row = Table([cells], colWidths=col_widths)
    row.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return row


def _shares(*fractions: float) -> list[float]:
    room = FRAME_WIDTH - GUTTER * (len(fractions) - 1)
    return [room * f for f in fractions]


# ---------------------------------------------------------------- charts

AXIS_FONT = 7


def _style_axes(chart, value_format) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = AXIS_FONT
        axis.strokeColor = colors.HexColor("#8a948f")
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = value_format
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = RULE
    chart.categoryAxis.visibleTicks = 0
    for index, color in enumerate((ACCENT, LIGHT)):
        chart.bars[index].fillColor = color
        chart.bars[index].strokeColor = None


def _legend(drawing: Drawing, names: list[str], y: float) -> None:
    if len(names) < 2:
        return
    legend = Legend()
    legend.x, legend.y = 0, y
    legend.fontName, legend.fontSize = FONT, AXIS_FONT
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx = legend.dy = 7
    legend.deltax = max(stringWidth(n, FONT, AXIS_FONT) for n in names) + 22
    legend.colorNamePairs = list(zip((ACCENT, LIGHT), names, strict=False))
    drawing.add(legend)


def _series(series: list[list]) -> list[tuple[float, ...]]:
    return [tuple(float(v) for v in values) or (0.0,) for values in series] or [(0.0,)]


def _max_label(value_format, series) -> float:
    top = max((v for values in _series(series) for v in values), default=0) or 1
    return max(stringWidth(value_format(top * f), FONT, AXIS_FONT) for f in (1, 1.25))


def _horizontal_chart(
    labels: list[str], series: list[list], names: list[str], width: float, height: float, value_format
) -> Drawing:
    """Categories down the left, each name measured so none is cut or overlaps."""
    drawing = Drawing(width, height)
    labels = [_clip_to(_clip(t, 80), width * 0.4, AXIS_FONT) for t in labels]
    label_width = max((stringWidth(t, FONT, AXIS_FONT) for t in labels), default=0) + 6
    legend_room = 12 if len(names) > 1 else 0
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 12
    chart.width = width - label_width - _max_label(value_format, series) / 2 - 2
    chart.height = height - chart.y - legend_room - 2
    chart.data = _series(series)
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.reverseDirection = 1  # the first category at the top
    chart.barSpacing, chart.groupSpacing = 1, 5
    _style_axes(chart, value_format)
    # many stages: smaller labels rather than labels on top of each other
    chart.categoryAxis.labels.fontSize = max(4, min(AXIS_FONT, chart.height / max(1, len(labels)) - 1.5))
    drawing.add(chart)
    _legend(drawing, names, height - 6)
    return drawing


def _vertical_chart(
    labels: list[str], series: list[list], names: list[str], width: float, height: float, value_format
) -> Drawing:
    drawing = Drawing(width, height)
    legend_room = 12 if len(names) > 1 else 0
    chart = VerticalBarChart()
    chart.x = _max_label(value_format, series) + 6
    chart.y = 14
    chart.width = width - chart.x - 4
    chart.height = height - chart.y - legend_room - 4
    chart.data = _series(series)
    chart.categoryAxis.categoryNames = labels or [""]
    chart.groupSpacing = 4
    _style_axes(chart, value_format)
    drawing.add(chart)
    _legend(drawing, names, height - 6)
    return drawing


def _compact(currency: str, locale: str):
    def fmt(value: float) -> str:
        return numbers.format_compact_currency(
            value, currency, locale=locale, fraction_digits=1 if 0 < value < 10_000 else 0
        )

    return fmt


def _months(series) -> list[str]:
    """ "Dec 25", "Jan 26", "Feb" …: the year where it starts and where it changes."""
    return [
        m.strftime("%b %y") if i == 0 or m.month == 1 else m.strftime("%b") for i, (m, _) in enumerate(series)
    ]


def _count(value: float) -> str:
    return f"{value:,.0f}"


# ---------------------------------------------------------------- the page


def _attribution_band(d: Dashboard, money, rate, rows: int, clip: int) -> Table:
    w3 = _shares(0.44, 0.28, 0.28)
    campaigns = [["Campaign", "Sent", "Deals", "Proposals", "Won", "Revenue", "Per email"]]
    campaigns += [
        [
            _clip(r.name, clip),
            f"{r.recipients:,}",
            f"{r.deals:,}",
            f"{r.proposals:,}",
            f"{r.won:,}",
            money(r.revenue),
            rate(r.revenue_per_email) if r.revenue_per_email is not None else "—",
        ]
        for r in d.campaigns[:rows]
    ]
    sources = [["Lead source", "Deals", "Won", "Revenue"]]
    sources += [
        [_clip(r.name, clip), f"{r.deals:,}", f"{r.won:,}", money(r.revenue)] for r in d.sources[:rows]
    ]
    referrers = [["Referrer", "Referrals", "Won", "Revenue"]]
    referrers += [
        [_clip(r.name, clip), f"{r.recipients:,}", f"{r.won:,}", money(r.revenue)] for r in d.referrers[:rows]
    ]
    return _side_by_side(
        [
            _titled("By campaign", _fitted_table(campaigns, w3[0], "No campaign emails yet."), w3[0]),
            _titled("By lead source", _fitted_table(sources, w3[1], "No deals yet."), w3[1]),
            _titled("By referrer", _fitted_table(referrers, w3[2], "No referrals yet."), w3[2]),
        ],
        w3,
    )


def write_report_pdf(d: Dashboard, path: Path) -> Path:
    register_fonts()
    profile = settings.load_profile()
    money = lambda v: format_money_short(v, profile.currency, profile.locale)  # noqa: E731
    rate = lambda v: format_money_rate(v, profile.currency, profile.locale)  # noqa: E731
    axis_money = _compact(profile.currency, profile.locale)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=f"Dashboard, {d.period.label}",
        author=profile.name,
        subject="Smarketer dashboard",
        creator="Smarketer",
    )
    title = ParagraphStyle("t", fontName=BOLD, fontSize=14, leading=18, textColor=ACCENT)
    small = ParagraphStyle("s", fontName=FONT, fontSize=7, leading=9, textColor=colors.HexColor("#5f6865"))

    # band 3 first: the attribution tables take what they need, the charts share the rest;
    # with long names, fewer rows and shorter names rather than a second page
    heading = Paragraph(_escape(f"{profile.name or 'Smarketer'}: {d.period.label}"), title)
    height = PAGE[1] - 20 * mm - 12
    spacing = 3 * mm + 5 * mm + 5 * mm + 3 * mm + 2 * 16  # spacers and two chart titles
    for rows, clip in ((TABLE_ROWS, 60), (TABLE_ROWS, 36), (6, 28), (4, 24), (3, 20)):
        third = _attribution_band(d, money, rate, rows, clip)
        note = Paragraph(
            "A deal counts for the campaign it came from, else for the last campaign email its "
            "contact received within the attribution window before it was opened. Tables show "
            f"the first {rows} rows; Export tables… in the app writes them all. Win rate "
            "changes are in percentage points (pp).",
            small,
        )
        fixed = sum(f.wrap(FRAME_WIDTH, height)[1] for f in (heading, third, note)) + spacing
        band = min(62 * mm, (height - fixed) / 1.9 - 1)
        if band >= 34 * mm:
            break
    band = max(band, 30 * mm)

    # band 1: figures, funnel, open pipeline
    w1 = _shares(0.34, 0.28, 0.38)
    funnel = _horizontal_chart(
        [s for s, _ in d.funnel], [[v for _, v in d.funnel]], ["Count"], w1[1], band, _count
    )
    pipeline = _horizontal_chart(
        [s for s, *_ in d.pipeline],
        [[t for _, t, _ in d.pipeline], [w for *_, w in d.pipeline]],
        ["Total", "Weighted by probability"],
        w1[2],
        band,
        axis_money,
    )
    first = _side_by_side(
        [
            _titled("Figures", _fitted_table(figures_rows(d, money), w1[0]), w1[0]),
            _titled("Funnel", funnel, w1[1]),
            _titled("Open pipeline by stage", pipeline, w1[2]),
        ],
        w1,
    )

    # band 2: won revenue and forecast
    w2 = _shares(0.62, 0.38)
    revenue = _vertical_chart(
        _months(d.revenue_by_month),
        [[v for _, v in d.revenue_by_month]],
        ["Won"],
        w2[0],
        band * 0.9,
        axis_money,
    )
    forecast = _vertical_chart(
        _months(d.forecast), [[v for _, v in d.forecast]], ["Weighted"], w2[1], band * 0.9, axis_money
    )
    second = _side_by_side(
        [
            _titled("Won revenue, last 12 months", revenue, w2[0]),
            _titled("Forecast, next 6 months (weighted)", forecast, w2[1]),
        ],
        w2,
    )

    story = [
        heading,
        Spacer(1, 3 * mm),
        first,
        Spacer(1, 5 * mm),
        second,
        Spacer(1, 5 * mm),
        third,
        Spacer(1, 3 * mm),
        note,
    ]
    doc.build(story)
    Path(path).write_bytes(out.getvalue())
    return Path(path)


def write_tables_csv(d: Dashboard, path: Path) -> Path:
    """The three attribution tables, one after the other, spreadsheet-safe."""
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        for title, rows in (
            ("By campaign", d.campaigns),
            ("By lead source", d.sources),
            ("By referrer", d.referrers),
        ):
            out.writerow([title])
            out.writerow(["Name", "Recipients or contacts", "Deals", "Proposals", "Won", "Revenue"])
            for r in rows:
                out.writerow(
                    [neutralise(str(r.name)), r.recipients, r.deals, r.proposals, r.won, f"{r.revenue:f}"]
                )
            out.writerow([])
    return Path(path)
