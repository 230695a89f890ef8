"""Importing real-shaped exports from other apps, and the bad files people really have."""

import csv

import pytest

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.contacts.listing import ContactFilter, contact_ids, count
from smarketer.contacts.tags import tag_names
from smarketer.db.models.contacts import Company, Contact, ContactTag
from smarketer.exchange import csv_io
from smarketer.exchange.files import UnreadableFile, plan_import, run_import
from smarketer.exchange.importer import ImportCancelled
from tests.conftest import DATA

# On both backends: a SQLite file and a PostgreSQL server (skipped without one).
pytestmark = pytest.mark.usefixtures("backend")

IMPORTS = DATA / "imports"


def imported(name, **kw):
    return run_import(plan_import(IMPORTS / name), **kw)


def by_email(email):
    return Contact.get(Contact.email == email)


def tags_of(contact):
    return tag_names(contact.id)


def test_google_contacts(store):
    summary = imported("google-contacts.csv")
    assert (summary.created, summary.rejected) == (3, [])
    zoe = by_email("zoe@nordlicht.example")
    assert (zoe.first_name, zoe.last_name, zoe.title) == ("Zoë", "Łukasiewicz", "Owner")
    assert zoe.company.name == "Nordlicht Bakery"
    assert zoe.other_emails == ["zoe.l@gmail.example"]
    assert zoe.notes == "Met at the fair.\nWants a quote in spring."  # embedded newline
    assert (zoe.city, zoe.postal_code, zoe.country) == ("Kraków", "31-019", "Poland")
    assert zoe.phone == "+48 601 234 567"
    assert tags_of(zoe) == ["VIP", "Workshop"]  # "* myContacts" is Google's, not a tag


def test_google_contacts_legacy_format(store):
    summary = imported("google-contacts-legacy.csv")
    assert summary.created == 1
    anna = by_email("anna.becker@example.de")
    assert (anna.first_name, anna.last_name, anna.title) == ("Anna", "Becker", "Managing Director")
    assert anna.company.name == "Atlas Consulting"
    assert tags_of(anna) == ["Clients"]


def test_outlook_windows_1252(store):
    plan = plan_import(IMPORTS / "outlook.csv")
    assert plan.layout.encoding.replace("_", "").lower() in {"cp1252", "windows1252"}
    summary = run_import(plan)
    assert summary.created == 1
    j = by_email("juergen@mueller-druck.example")
    assert (j.first_name, j.last_name) == ("Jürgen", "Müller")
    assert j.title == "Geschäftsführer"  # "Job Title", not Outlook's "Title" (Herr)
    assert j.notes == "Preis: 1.200 € pro Auflage"
    assert (j.street, j.city, j.country) == ("Hauptstraße 5", "Berlin", "Deutschland")
    assert tags_of(j) == ["Druckerei", "Fair 2026"]


def test_linkedin_connections_with_notes_above_the_header(store):
    plan = plan_import(IMPORTS / "linkedin-Connections.csv")
    assert plan.layout.headers[:2] == ("First Name", "Last Name")
    summary = run_import(plan, tag="linkedin")
    assert summary.created == 2
    s = by_email("siobhan@harbour.example")
    assert (s.title, s.company.name) == ("Practice Manager", "Harbour Physiotherapy")
    assert s.website == "https://www.linkedin.com/in/siobhanwalsh"
    priya = Contact.get(Contact.first_name == "Priya")  # no email: still a contact
    assert tags_of(priya) == ["linkedin"]


def test_mailchimp_consent_tags_and_unsubscribes(store):
    summary = imported("mailchimp-subscribed.csv")
    assert summary.created == 2
    camille = by_email("camille@lyon.example")
    assert camille.consent and camille.consent_at.isoformat().startswith("2025-09-12")
    assert tags_of(camille) == ["newsletter", "webinar"]
    imported("mailchimp-unsubscribed.csv", policy="update")
    camille = by_email("camille@lyon.example")
    assert camille.unsubscribed_at.isoformat().startswith("2026-02-01")
    # a re-import of the subscribed list does not resubscribe anyone
    imported("mailchimp-subscribed.csv", policy="overwrite")
    assert by_email("camille@lyon.example").unsubscribed_at is not None


def test_excel_unicode_text_utf16_tabs(store):
    plan = plan_import(IMPORTS / "excel-unicode.txt")
    assert plan.layout.delimiter == "\t"
    assert run_import(plan).created == 2
    assert by_email("minh@example.vn").first_name == "Đặng Văn"


def test_semicolon_utf8_bom_and_local_phone(store):
    from smarketer.settings import BusinessProfile, save_profile

    save_profile(BusinessProfile(name="Shop", locale="de_DE"))
    plan = plan_import(IMPORTS / "excel-semicolon.csv")
    assert (plan.layout.delimiter, plan.layout.headers[0]) == (";", "Vorname")
    run_import(plan)
    assert by_email("juergen@mueller-druck.example").phone == "+49 30 1234567"


@pytest.mark.parametrize(
    ("policy", "title", "phone", "counts"),
    [
        ("skip", "Owner", "", (0, 0, 1)),
        ("update", "Owner", "+48 601 234 567", (0, 1, 0)),
        ("overwrite", "Baker", "+48 601 234 567", (0, 1, 0)),
    ],
)
def test_duplicate_policies(store, tmp_path, policy, title, phone, counts):
    save_contact(ContactData(first_name="Zoë", email="zoe@nordlicht.example", title="Owner"))
    path = tmp_path / "again.csv"
    path.write_text(
        "Email,First Name,Job Title,Phone\nZOE@nordlicht.example,Zoe,Baker,+48 601 234 567\n",
        encoding="utf-8",
    )
    s = run_import(plan_import(path), policy=policy)
    assert (s.created, s.updated, s.skipped) == counts
    zoe = by_email("zoe@nordlicht.example")
    assert (zoe.title, zoe.phone, zoe.first_name) == (title, phone, "Zoe" if policy == "overwrite" else "Zoë")
    assert Contact.select().count() == 1


def test_duplicates_inside_one_file(store, tmp_path):
    path = tmp_path / "dups.csv"
    path.write_text("Email,Name\na@example.com,Ann One\nA@EXAMPLE.COM,Ann Two\n", encoding="utf-8")
    s = run_import(plan_import(path), policy="skip")
    assert (s.created, s.skipped) == (1, 1)


def test_bad_rows_are_rejected_with_reasons_and_a_report(store, tmp_path):
    path = tmp_path / "messy.csv"
    long_notes = "x" * 10_000
    path.write_text(
        "First Name,Last Name,Email,Notes\n"
        "Good,One,good@example.com,fine\n"
        "Bad,Email,not-an-email,\n"
        ",,,only notes\n"
        "Too,Many,many@example.com,notes,extra cell\n"
        "Short,Row\n"
        f"Long,Notes,long@example.com,{long_notes}\n"
        f"{'N' * 5000},Name,huge@example.com,\n"
        "Nul\0Byte,Here,nul@example.com,\n"
        "\n",
        encoding="utf-8",
    )
    s = run_import(plan_import(path))
    assert s.created == 5  # Good, Bad Email (kept, address to fix), Short Row, Long Notes, Nul
    reasons = {r.where: r.reason for r in s.rejected}
    kept = Contact.get(Contact.first_name == "Bad")
    assert (kept.email, kept.email_to_fix) == ("", "not-an-email")
    assert s.email_to_fix == 1 and "1 kept with an email address that needs fixing" in s.text()
    assert contact_ids(ContactFilter(email_to_fix=True)) == [kept.id]
    assert reasons["line 4"] == "no name and no email address"
    assert "5 cells but the header has 4" in reasons["line 5"]
    assert "first name is too long (5,000 characters" in reasons["line 8"]
    assert len(by_email("long@example.com").notes) == 10_000
    assert Contact.get(Contact.email == "nul@example.com").first_name == "NulByte"
    with open(s.report, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["where", "reason", "original"]
    assert rows[1][:2] == ["line 4", reasons["line 4"]] and rows[1][2:5] == ["", "", ""]
    assert s.report_copy == tmp_path / s.report.name and s.report_copy.read_bytes() == s.report.read_bytes()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03binary\xff\xfe\x00\x00" * 200, "binary"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\n\n   \n", "no text"),
    ],
)
def test_unreadable_files_say_why(store, tmp_path, content, message):
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message) as info:
        run_import(plan_import(path))
    assert str(path) in str(info.value)
    assert Contact.select().count() == 0


def test_header_only_imports_nothing(store, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("First Name,Last Name,Email\n", encoding="utf-8")
    s = run_import(plan_import(path))
    assert s.read == 0 and s.report is None


def test_a_file_with_no_name_or_email_column_is_refused(store, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Colour,Size\nred,XL\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="no column is mapped"):
        run_import(plan_import(path))


def test_cancel_leaves_nothing_half_imported(store, tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("Email,First Name\n")
        for i in range(3000):
            fh.write(f"p{i}@example.com,Person {i}\n")
    seen = []
    with pytest.raises(ImportCancelled):
        run_import(
            plan_import(path),
            tag="fair",
            progress=lambda d, t: seen.append((d, t)),
            cancelled=lambda: len(seen) >= 2,
        )
    assert seen[0] == (500, 3000)
    assert Contact.select().count() == 0
    assert Company.select().count() == 0 and ContactTag.select().count() == 0


def test_import_tag_and_search_after_import(store):
    imported("google-contacts.csv", tag="Fair 2026")
    assert count(ContactFilter(tags=("fair 2026",))) == 3
    assert count(ContactFilter(text="lukas")) == 1


def test_large_file_is_streamed(store, tmp_path, monkeypatch):
    """Reading happens row by row: the reader never asks for the whole file."""
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("Email,First Name,Notes\n")
        for i in range(20000):
            fh.write(f"p{i}@example.com,P{i},{'n' * 200}\n")
    plan = plan_import(path)
    records = plan.records()
    first = next(records)
    assert first.values["email"] == "p0@example.com"
    assert csv_io.count_rows(path, plan.layout) == 20000


def triggers(backend):
    """The search triggers' names (a server's stay; its imports ask them to wait instead)."""
    from smarketer.db import db

    if backend == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    return sorted(r[0] for r in db.execute_sql(sql).fetchall())


def test_search_triggers_survive_imports_and_cancels(store, tmp_path, backend):
    before = triggers(backend)
    imported("google-contacts.csv")
    assert triggers(backend) == before
    assert count(ContactFilter(text="zoe")) >= 1  # indexed at the import's end
    path = tmp_path / "big.csv"
    path.write_text("Email\n" + "".join(f"x{i}@example.com\n" for i in range(1200)))
    with pytest.raises(ImportCancelled):
        run_import(plan_import(path), cancelled=lambda: True)
    assert triggers(backend) == before
    save_contact(ContactData(first_name="Later", last_name="Addition"))
    assert count(ContactFilter(text="addit")) == 1
