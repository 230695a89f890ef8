"""The dashboard as a one-page PDF (reportlab, charts as vector drawings) and as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from smarketer import settings
from smarketer.dashboard import Dashboard
from smarketer.exchange.records import neutralise
from smarketer.money import format_money_short
from smarketer.proposals.pdf import BOLD, FONT, register_fonts

ACCENT = colors.HexColor("#2f6f5e")
LIGHT = colors.HexColor("#9cc9b9")


def figures_rows(d: Dashboard, money) -> list[list[str]]:
    rows = [["Figure", d.period.label.capitalize(), "Before", "Change"]]
    for t in d.tiles:
        fmt = (lambda v: money(v)) if t.money else (  # noqa: E731
            (lambda v: f"{v:.0f} %") if t.percent else (lambda v: f"{v:,.0f}"))
        change = "—" if t.change is None else f"{'+' if t.change >= 0 else ''}{t.change} %"
        rows.append([t.label, fmt(t.value), fmt(t.previous), change])
    return rows


def _bar_chart(title: str, labels: list[str], series: list[list[float]], width: float,
               horizontal: bool = False) -> Drawing:
    drawing = Drawing(width, 58 * mm)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (32 * mm if horizontal else 12 * mm), 8 * mm
    chart.width, chart.height = width - chart.x - 4 * mm, 40 * mm
    chart.data = [tuple(float(v) for v in values) for values in series] or [(0,)]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    for index, color in enumerate((ACCENT, LIGHT)):
        if index < len(chart.data):
            chart.bars[index].fillColor = color
    drawing.add(chart)
    drawing.add(String(0, 53 * mm, title, fontName=BOLD, fontSize=8))
    return drawing


def write_report_pdf(d: Dashboard, path: Path) -> Path:
    register_fonts()
    profile = settings.load_profile()
    money = lambda v: format_money_short(v, profile.currency, profile.locale)  # noqa: E731
    out = io.BytesIO()
    pagesize = landscape(A4)
    doc = SimpleDocTemplate(out, pagesize=pagesize, leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=10 * mm, bottomMargin=10 * mm,
                            title=f"Dashboard, {d.period.label}", author=profile.name,
                            subject="Smarketer dashboard", creator="Smarketer")
    width = pagesize[0] - 24 * mm - 12
    title = ParagraphStyle("t", fontName=BOLD, fontSize=14, leading=18, textColor=ACCENT)
    small = ParagraphStyle("s", fontName=FONT, fontSize=7, leading=9)
    table_style = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 7),
                              ("LEADING", (0, 0), (-1, -1), 8.5),
                              ("FONTNAME", (0, 0), (-1, 0), BOLD),
                              ("LINEBELOW", (0, 0), (-1, 0), 0.5, ACCENT),
                              ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                              ("TOPPADDING", (0, 0), (-1, -1), 1),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
    figures = Table(figures_rows(d, money), colWidths=[40 * mm, 26 * mm, 26 * mm, 18 * mm])
    figures.setStyle(table_style)
    quarter = width / 4
    charts = Table([[
        _bar_chart("Funnel", [s for s, _ in reversed(d.funnel)],
                   [[v for _, v in reversed(d.funnel)]], quarter, horizontal=True),
        _bar_chart("Open pipeline (total, weighted)", [s[:10] for s, *_ in d.pipeline],
                   [[t for _, t, _ in d.pipeline], [w for *_, w in d.pipeline]], quarter),
        _bar_chart("Won revenue, 12 months", [m.strftime("%b") for m, _ in d.revenue_by_month],
                   [[v for _, v in d.revenue_by_month]], quarter),
        _bar_chart("Forecast, 6 months", [m.strftime("%b") for m, _ in d.forecast],
                   [[v for _, v in d.forecast]], quarter)]], colWidths=[quarter] * 4)
    campaigns = [["Campaign", "Sent", "Deals", "Proposals", "Won", "Revenue", "Per email"]]
    campaigns += [[r.name[:40], str(r.recipients), str(r.deals), str(r.proposals), str(r.won),
                   money(r.revenue), money(r.revenue_per_email)
                   if r.revenue_per_email is not None else "—"] for r in d.campaigns[:8]]
    sources = [["Lead source", "Deals", "Won", "Revenue"]]
    sources += [[r.name[:30], str(r.deals), str(r.won), money(r.revenue)]
                for r in d.sources[:8]]
    referrers = [["Referrer", "Referrals", "Revenue"]]
    referrers += [[r.name[:30], str(r.recipients), money(r.revenue)] for r in d.referrers[:8]]
    tables = []
    for rows, widths in ((campaigns, [44, 12, 12, 16, 10, 20, 18]), (sources, [40, 14, 12, 22]),
                         (referrers, [40, 16, 22])):
        t = Table(rows, colWidths=[w * mm for w in widths])
        t.setStyle(table_style)
        tables.append(t)
    bottom = Table([tables], colWidths=[136 * mm, 92 * mm, 80 * mm][:3])
    bottom.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [Paragraph(f"{profile.name or 'Smarketer'}: {d.period.label}", title),
             Spacer(1, 2 * mm), figures, Spacer(1, 3 * mm), charts, Spacer(1, 2 * mm), bottom,
             Spacer(1, 2 * mm),
             Paragraph("A deal counts for the campaign it came from, else for the last campaign "
                       "email its contact received within the attribution window before it "
                       "was opened.", small)]
    doc.build(story)
    Path(path).write_bytes(out.getvalue())
    return Path(path)


def write_tables_csv(d: Dashboard, path: Path) -> Path:
    """The three attribution tables, one after the other, spreadsheet-safe."""
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        for title, rows in (("By campaign", d.campaigns), ("By lead source", d.sources),
                            ("By referrer", d.referrers)):
            out.writerow([title])
            out.writerow(["Name", "Recipients or contacts", "Deals", "Proposals", "Won",
                          "Revenue"])
            for r in rows:
                out.writerow([neutralise(str(r.name)), r.recipients, r.deals, r.proposals,
                              r.won, f"{r.revenue:f}"])
            out.writerow([])
    return Path(path)
