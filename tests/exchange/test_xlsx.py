"""Excel workbooks: a sheet picked from several, typed cells read as text, and an export
whose cells are text a spreadsheet never runs."""

import zipfile
from datetime import datetime

import openpyxl
import pytest

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.contacts.listing import contact_ids
from smarketer.contacts.tags import tag_names
from smarketer.db import close_database, open_database
from smarketer.db.models.contacts import Contact
from smarketer.exchange.files import UnreadableFile, export_contacts, plan_import, replan, run_import


def workbook(path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_a_workbook_is_read_from_the_sheet_picked(store, tmp_path):
    path = workbook(
        tmp_path / "fair.xlsx",
        {
            "Notes": [["Collected at the fair"], ["ignore this sheet"]],
            "People": [
                ["Exported 2026-11-01"],
                [],
                ["First Name", "Last Name", "E-mail Address", "Mobile Phone", "Met on"],
                ["Zoë", "Łukasiewicz", "zoe@nordlicht.example", 48601234567, datetime(2026, 10, 3, 14, 0)],
                ["Jo", "Fine", "jo@example.com", None, None],
            ],
        },
    )
    plan = plan_import(path)
    assert (plan.kind, plan.sheets, plan.layout.delimiter) == ("xlsx", ["Notes", "People"], "Notes")
    plan = replan(plan, delimiter="People")
    assert plan.layout.header_row == 2
    assert plan.layout.headers[:3] == ("First Name", "Last Name", "E-mail Address")
    plan.mapping[4] = "notes_field"
    summary = run_import(plan)
    assert (summary.created, summary.rejected) == (2, [])
    zoe = Contact.get(Contact.email == "zoe@nordlicht.example")
    assert zoe.last_name == "Łukasiewicz"
    assert zoe.phone == "48601234567"  # a number cell, read as its digits (not 4.86E+10)
    assert zoe.notes == "Met on: 2026-10-03T14:00:00"
    with pytest.raises(UnreadableFile, match="no sheet named 'Nope'"):
        plan_import(path, sheet="Nope")


def test_xlsx_round_trip_and_cells_are_text(store, tmp_path):
    save_contact(
        ContactData(
            first_name='=HYPERLINK("http://evil.example")',
            last_name="@SUM(A1)",
            email="formula@example.com",
            phone="+44 20 7946 0000",
            notes="Line one\nLine two",
            tags=("vip",),
            status="customer",
            lead_source="Fair",
            company="Acme",
        )
    )
    save_contact(
        ContactData(
            first_name="René", last_name="Fässler", email="rene@example.ch", other_emails=("r@example.net",)
        )
    )
    keys = ("first_name", "last_name", "email", "other_emails", "phone", "notes", "status", "lead_source")

    def snapshot():
        return sorted(
            (
                tuple(str(getattr(c, k)) for k in keys),
                c.company.name if c.company else "",
                tuple(tag_names(c.id)),
            )
            for c in Contact.select()
        )

    before = snapshot()
    out = tmp_path / "out.xlsx"
    assert export_contacts(contact_ids(), out) == 2
    with zipfile.ZipFile(out) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "HYPERLINK" in sheet_xml
    ws = openpyxl.load_workbook(out).active
    cells = [c for row in ws.iter_rows() for c in row if c.value]
    assert {c.data_type for c in cells} == {"s"}
    assert "+44 20 7946 0000" in [c.value for c in cells]  # no apostrophe needed
    close_database()
    open_database(tmp_path / "fresh.db")
    summary = run_import(plan_import(out))
    assert (summary.created, summary.rejected) == (2, [])
    assert snapshot() == before
    out2 = tmp_path / "again.xlsx"
    export_contacts(contact_ids(), out2)
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(out2).active.iter_rows()]
    assert rows == [[c.value for c in r] for r in openpyxl.load_workbook(out).active.iter_rows()]


def test_a_broken_workbook_says_why(store, tmp_path):
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "not xml")
    with pytest.raises(UnreadableFile, match="not a readable Excel workbook"):
        plan_import(path)
