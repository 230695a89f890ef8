"""`proposal list/show` and `report` through the real entry point: the table and the JSON."""

import json
from datetime import date

import pytest

from tests.cli.conftest import one_line_error

OFFER = {
    "title": "Website refresh",
    "client": {"email": "zoe@example.com", "first_name": "Zoë", "last_name": "Łukasiewicz"},
    "issue_date": "2026-03-09",
    "document_discount": "5",
    "items": [
        {"heading": "Phase 1"},
        {
            "description": "Workshop",
            "quantity": "2",
            "unit": "day",
            "unit_price": "450.10",
            "discount": "10",
            "tax_rate": "23",
        },
        {
            "description": "Photo shoot",
            "quantity": "1",
            "unit_price": "600",
            "tax_rate": "23",
            "optional": True,
        },
    ],
}


@pytest.fixture
def offer(run_cli, tmp_path):
    (tmp_path / "p.json").write_text(json.dumps(OFFER), encoding="utf-8")
    created = run_cli("proposal", "import", "p.json")
    assert created.returncode == 0, created.stderr
    return created


def test_proposal_list_as_a_table_and_as_json(run_cli, offer):
    listed = run_cli("proposal", "list")
    assert listed.lines[0].split() == ["Number", "Title", "Client", "Status", "Issued", "Total"]
    # 2 × 450.10 = 900.20; −10 % = 810.18; −5 % (40.51) = 769.67; +23 % (177.02) = 946.69
    assert listed.lines[1].split("  ")[0] == "P-2026-0001"
    assert "Zoë Łukasiewicz" in listed.lines[1] and "9 Mar 2026" in listed.lines[1]  # en_IE
    assert listed.lines[1].endswith("€946.69")
    [p] = run_cli("proposal", "list", "--json").json()["proposals"]
    assert (p["label"], p["title"], p["client"], p["status"]) == (
        "P-2026-0001",
        "Website refresh",
        "Zoë Łukasiewicz",
        "draft",
    )
    assert (p["issue_date"], p["total"], p["currency"], p["problem"]) == ("2026-03-09", "946.69", "EUR", "")
    assert isinstance(p["client_id"], int) and p["revision"] == 1


def test_proposal_show_as_a_table_and_as_json(run_cli, offer):
    shown = run_cli("proposal", "show", "P-2026-0001")
    assert shown.returncode == 0, shown.stderr
    assert "PHASE 1" in shown.stdout and "1  Workshop" in shown.stdout
    assert "Issued 9 Mar 2026" in shown.stdout and "2 days" in shown.stdout
    assert shown.lines[-2].split() == ["Total", "€946.69"]
    document = run_cli("proposal", "show", "P-2026-0001", "--json").json()["proposal"]
    heading, workshop, optional = document["items"]
    assert heading == {
        "kind": "heading",
        "description": "Phase 1",
        "quantity": None,
        "unit": "",
        "unit_price": None,
        "discount": None,
        "tax_rate": None,
        "optional": False,
        "amount": None,
    }
    assert (workshop["quantity"], workshop["unit"], workshop["unit_price"], workshop["amount"]) == (
        "2",
        "day",
        "450.10",
        "810.18",
    )
    assert optional["optional"] is True and optional["amount"] == "600.00"
    totals = document["totals"]
    assert (totals["subtotal"], totals["document_discount"], totals["net"], totals["total"]) == (
        "900.20",
        "40.51",
        "769.67",
        "946.69",
    )
    assert totals["taxes"] == [{"rate": "23", "base": "769.67", "tax": "177.02"}]
    assert totals["optional_total"] == "600.00" and document["document_discount"] == "5"
    assert document["valid_until"] > document["issue_date"] == "2026-03-09"


def test_an_unpriceable_proposal_in_json_names_its_problem(run_cli, offer, store_sql):
    store_sql("UPDATE proposal_item SET quantity = '1E+400' WHERE description = 'Workshop'")
    [p] = run_cli("proposal", "list", "--json").json()["proposals"]
    assert p["total"] is None and "1E+400 is too large" in p["problem"]
    shown = run_cli("proposal", "show", "P-2026-0001", "--json")
    assert "cannot be priced" in one_line_error(shown)
    document = json.loads(shown.stdout)["proposal"]
    assert document["totals"] is None and document["items"][1]["quantity"] == "1E+400"


def test_report_as_tables_and_as_json(run_cli):
    assert run_cli("demo", "store.db", db=None).returncode == 0
    text = run_cli("report", "--period", "ytd")
    assert text.returncode == 0, text.stderr
    document = run_cli("report", "--period", "ytd", "--json").json()
    assert document["period"]["label"] == "this year" and document["currency"] == "EUR"
    assert document["period"]["start"].startswith(f"{date.today().year}-")
    figures = {f["key"]: f for f in document["figures"]}
    assert figures["win_rate"]["unit"] == "percent" and figures["revenue"]["unit"] == "money"
    lines = text.stdout.splitlines()
    assert lines[1].split()[:3] == ["New", "contacts", f"{figures['contacts']['value']:,}"]
    assert isinstance(figures["contacts"]["value"], int)
    funnel = lines.index(next(line for line in lines if line.startswith("Funnel")))
    shown = dict(line.rsplit(None, 1) for line in lines[funnel + 1 : funnel + 5])
    assert {f["stage"]: f"{f['count']:,}" for f in document["funnel"]} == shown
    assert [m["month"][-2:] for m in document["revenue_by_month"]] == ["01"] * 12
    campaigns = {c["name"]: c for c in document["campaigns"]}
    assert campaigns and all(line in text.stdout for line in campaigns)
