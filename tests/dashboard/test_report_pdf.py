"""The one-page report read back word by word: nothing leaves the page, nothing overlaps, with
ordinary figures and with hostile ones (long names, huge sums, many stages)."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from smarketer import dashboard
from smarketer.attribution import AttributionRow
from smarketer.dashboard import Dashboard, Period, Tile
from smarketer.reports import figures_rows, write_report_pdf
from smarketer.settings import BusinessProfile, save_profile
from tests.dashboard.test_dashboard import history  # noqa: F401 - the known history
from tests.pdf_reading import read


def check_page(path):
    pages = read(path.read_bytes())
    assert len(pages) == 1
    [page] = pages
    assert not page.outside(), [(w.text, w.x0, w.x1) for w in page.outside()]
    assert not page.overlaps(), page.overlaps()[:5]
    low = min(w.y0 for w in page.words)
    assert low < page.height * 0.2  # the page is used: content reaches its bottom fifth
    return page


def months(start: date, count: int) -> list[date]:
    out = [start]
    while len(out) < count:
        last = out[-1]
        out.append(date(last.year + last.month // 12, last.month % 12 + 1, 1))
    return out


def hostile() -> Dashboard:
    huge = D("987654321098.76")
    stages = [
        "New lead",
        "Contacted",
        "Qualified and waiting for a budget decision",
        "Proposal sent",
        "Negotiation of the framework agreement with procurement",
        "Verbal yes",
        "Legal",
        "Contract sent",
        "Signed, awaiting purchase order",
        "Kick-off",
        "Паспорт проекта",
        "On hold",
    ]
    name = ("Autumn newsletter with a very long name that goes on and on " * 5).strip()
    return Dashboard(
        period=Period(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 11, 24, tzinfo=UTC), "this year"),
        tiles=[
            Tile("contacts", "New contacts", D(123456), D(99999)),
            Tile("emails", "Emails sent", D(1234567), D(0)),
            Tile("deals", "Deals opened", D(4321), D(4000)),
            Tile("proposals", "Proposals sent", D(999), D(1000)),
            Tile("revenue", "Won revenue", huge, huge / 3, money=True),
            Tile("win_rate", "Win rate", D("57.1"), D("34.2"), percent=True),
        ],
        funnel=[
            ("Contacts reached", D(123456)),
            ("Deals opened", D(4321)),
            ("Proposals sent", D(999)),
            ("Won", D(321)),
        ],
        pipeline=[(s, huge / (i + 1), huge / (i + 3)) for i, s in enumerate(stages)],
        revenue_by_month=[(m, huge / 12 * (i % 5)) for i, m in enumerate(months(date(2025, 12, 1), 12))],
        forecast=[(m, huge / 6) for m in months(date(2026, 11, 1), 6)],
        campaigns=[AttributionRow(i, f"{i} {name}", 123456, 4321, 999, 321, huge) for i in range(12)],
        sources=[AttributionRow(i, f"Source {name}", 0, 4321, 999, 321, huge) for i in range(12)],
        referrers=[
            AttributionRow(i, f"Ærøskøbing-Łukasiewicz {name}", 123, 0, 0, 321, huge) for i in range(12)
        ],
    )


def test_a_hostile_report_stays_on_its_page(store, tmp_path):
    save_profile(BusinessProfile(name="Hollis & Reed " * 8, currency="EUR", locale="en_IE"))
    page = check_page(write_report_pdf(hostile(), tmp_path / "r.pdf"))
    text = page.text
    assert "+23 pp" in text  # win rate: 57 % after 34 % is 23 points, not +67 %
    assert "Total" in text and "Weighted by probability" in text  # the pipeline's legend
    assert "Proposal sent" in text and "Паспорт проекта" in text  # short labels whole


def test_the_known_history_report_reads_back(history, tmp_path):  # noqa: F811
    d = dashboard.build(dashboard.period("30d", today=date(2026, 11, 23)))
    page = check_page(write_report_pdf(d, tmp_path / "r.pdf"))
    for expected in (
        "Won revenue",
        "€3,000",
        "Autumn",
        "Website form",
        "Rita",
        "Funnel",
        "Open pipeline by stage",
        "Negotiation",
    ):
        assert expected in page.text, expected


@pytest.mark.parametrize(
    ("value", "previous", "percent", "text"),
    [
        (D("57.1"), D("34.2"), True, "+23 pp"),
        (D(20), D(40), True, "−20 pp"),
        (D(40), D(0), True, "+40 pp"),
        (D(110), D(100), False, "+10 %"),
        (D(5), D(0), False, "—"),
    ],
)
def test_changes_are_relative_except_for_rates(value, previous, percent, text):
    tile = Tile("x", "X", value, previous, percent=percent)
    assert tile.change_text == text
    d = Dashboard(Period(datetime.now(UTC), datetime.now(UTC), "now"), [tile], [], [], [], [], [], [], [])
    assert figures_rows(d, str)[1][3] == text
