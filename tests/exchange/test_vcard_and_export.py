"""vCard import of 2.1/3.0/4.0 files, and exports that read back the same."""

import csv
import re
from datetime import UTC, datetime

import pytest
import vobject

from smarketer.contacts.editing import ContactData, save_contact, unsubscribe
from smarketer.contacts.listing import ContactFilter, contact_ids, count
from smarketer.contacts.tags import tag_names
from smarketer.db.models.contacts import Contact
from smarketer.exchange.files import export_contacts, plan_import, run_import
from tests.conftest import DATA

IMPORTS = DATA / "imports"


def test_apple_contacts_vcard_3(store):
    plan = plan_import(IMPORTS / "apple-contacts.vcf")
    assert plan.kind == "vcard"
    s = run_import(plan)
    assert (s.created, s.rejected) == (2, [])
    zoe = Contact.get(Contact.email == "zoe@nordlicht.example")  # item1.EMAIL, type=pref
    assert (zoe.first_name, zoe.last_name, zoe.title) == ("Zoë", "Łukasiewicz", "Owner")
    assert zoe.other_emails == ["zoe.l@gmail.example"]
    assert (zoe.street, zoe.city, zoe.postal_code) == ("ul. Floriańska 3", "Kraków", "31-019")
    assert zoe.notes == "Met at the fair.\nWants a quote in spring."
    assert tag_names(zoe.id) == ["VIP", "Workshop"]


def test_android_vcard_2_1_quoted_printable_and_photo(store):
    s = run_import(plan_import(IMPORTS / "android-2.1.vcf"))
    assert (s.created, s.rejected) == (2, [])
    zoe = Contact.get(Contact.email == "zoe.l@gmail.example")
    assert (zoe.first_name, zoe.last_name) == ("Zoë", "Łukasiewicz")
    assert zoe.notes.endswith("long enough to be soft-wrapped by the phone.")
    assert Contact.get(Contact.last_name == "Müller").email == "juergen@mueller-druck.example"


def test_vcard_4(store):
    run_import(plan_import(IMPORTS / "vcard-4.vcf"))
    minh = Contact.get(Contact.email == "minh@example.vn")
    assert (minh.first_name, minh.last_name) == ("Minh", "Đặng")
    assert "84" in minh.phone


def test_a_broken_card_is_reported_and_the_others_still_import(store):
    s = run_import(plan_import(IMPORTS / "vcard-with-broken-card.vcf"))
    assert s.created == 2
    [bad] = s.rejected
    assert bad.where == "card 2 (line 7)"
    assert "not a valid vCard" in bad.reason


def test_a_card_cut_short_is_reported(store, tmp_path):
    path = tmp_path / "cut.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:A B\nEMAIL:a@example.com\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Cut Off\n",
        encoding="utf-8",
    )
    s = run_import(plan_import(path))
    assert s.created == 1
    assert "no END:VCARD" in s.rejected[0].reason


def test_vcard_is_recognised_by_content_not_extension(store, tmp_path):
    path = tmp_path / "contacts.txt"
    path.write_bytes((IMPORTS / "apple-contacts.vcf").read_bytes())
    assert plan_import(path).kind == "vcard"


@pytest.fixture
def tricky(store):
    zoe = save_contact(
        ContactData(
            first_name="Zoë",
            last_name="Łukasiewicz",
            email="zoe@nordlicht.example",
            other_emails=("zoe.l@gmail.example", "zoe@home.example"),
            phone="+48 601 234 567",
            title="Owner",
            company="Nordlicht Bakery",
            street="ul. Floriańska 3",
            city="Kraków",
            region="Małopolska",
            postal_code="31-019",
            country="Poland",
            website="https://nordlicht.example",
            notes='Line one\nLine two, with comma; and "quotes"',
            tags=("vip", "workshop"),
            status="customer",
            lead_source="Trade fair",
            consent=True,
            consent_source="signed form at the fair",
        )
    )
    Contact.update(
        consent_at=datetime(2026, 3, 4, 10, 30, tzinfo=UTC),
        bounced_at=datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC),
    ).where(Contact.id == zoe.id).execute()
    evil = save_contact(
        ContactData(
            first_name='=HYPERLINK("http://evil.example")',
            last_name="@SUM(A1)",
            email="formula@example.com",
            notes="-2+3",
            title="+cmd|' /C calc'!A0",
            do_not_email=True,
            phone="+44 20 7946 0000",
        )
    )
    unsubscribe([evil.id])
    Contact.update(
        email_to_fix="formula@@example",  # exports keep instants to the second
        unsubscribed_at=datetime(2026, 7, 1, 12, 0, tzinfo=UTC),
    ).where(Contact.id == evil.id).execute()


KEYS = (
    "first_name",
    "last_name",
    "email",
    "other_emails",
    "phone",
    "title",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "website",
    "notes",
    "status",
    "lead_source",
    "consent",
    "consent_at",
    "consent_source",
    "unsubscribed_at",
    "bounced_at",
    "do_not_email",
    "email_to_fix",
)


def snapshot():
    return sorted(
        (
            tuple(str(getattr(c, k)) for k in KEYS),
            c.company.name if c.company else "",
            tuple(tag_names(c.id)),
        )
        for c in Contact.select()
    )


def round_trip(tmp_path, name, **kw):
    from smarketer.db import close_database, open_database

    before = snapshot()
    out = tmp_path / name
    assert export_contacts(contact_ids(), out, **kw) == 2
    close_database()
    open_database(tmp_path / f"fresh-{name}.db")
    s = run_import(plan_import(out))
    assert (s.created, s.rejected) == (2, [])
    return before, snapshot(), out


def test_csv_round_trip(tricky, tmp_path):
    before, after, out = round_trip(tmp_path, "out.csv")
    assert after == before
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for spreadsheets
    with open(out, encoding="utf-8-sig", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    dangerous = [
        c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not re.fullmatch(r"\+[0-9 -]+", c)
    ]
    assert dangerous == []
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert "+48 601 234 567" in cells and "+44 20 7946 0000" in cells  # no apostrophe


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vcard_round_trip_keeps_every_field_and_mails_nobody_again(tricky, tmp_path, version):
    before, after, out = round_trip(tmp_path, f"out-{version}.vcf", vcard_version=version)
    assert after == before
    assert count(ContactFilter(reachable_only=True)) == 0  # bounced, unsubscribed
    cards = list(vobject.readComponents(out.read_text(encoding="utf-8")))
    assert [c.version.value for c in cards] == [version, version]
    zoe = next(c for c in cards if c.n.value.family == "Łukasiewicz")
    emails = zoe.contents["email"]
    if version == "3.0":
        assert [e.params.get("TYPE") for e in emails] == [["INTERNET", "PREF"], None, None]
        assert "EMAIL;TYPE=INTERNET,PREF:zoe@nordlicht.example" in out.read_text()
    else:
        assert [e.params.get("PREF") for e in emails] == [["1"], None, None]
        assert "TYPE" not in emails[1].params
    assert zoe.contents["x-smarketer-consent"][0].value == "2026-03-04T10:30:00+00:00"


def test_export_of_a_segment_only(tricky, tmp_path):
    ids = contact_ids(ContactFilter(tags=("vip",)))
    assert export_contacts(ids, tmp_path / "vip.csv") == 1


def test_folded_notes_with_commas_keep_every_word(store, tmp_path):
    path = tmp_path / "folded.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A B\r\nN:B;A;;;\r\n"
        "NOTE:first part\\, escaped, then a folded line that goes on and on and o\r\n"
        " n, with commas, to the end\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    run_import(plan_import(path))
    assert Contact.get().notes == (
        "first part, escaped, then a folded line that goes on and on and on, with commas, to the end"
    )


def test_exported_vcard_3_passes_an_independent_validator(store, tmp_path):
    vcard_validator = pytest.importorskip("vcard.vcard_validator")
    save_contact(
        ContactData(  # the validator reads Latin-1 text only
            first_name="René",
            last_name="Fässler",
            email="rene@example.ch",
            other_emails=("r.f@example.net",),
            phone="+41 44 668 18 00",
            title="Owner",
            company="Fässler AG",
            street="Bahnhofstrasse 1",
            city="Zürich",
            postal_code="8001",
            country="Switzerland",
            website="https://example.ch",
            notes="Line one\nLine two, yes",
            tags=("vip", "fair"),
            status="customer",
            lead_source="Referral",
            consent=True,
            consent_source="form",
        )
    )
    save_contact(ContactData(first_name="Only", email="only@example.com"))
    out = tmp_path / "checked.vcf"
    export_contacts(contact_ids(), out, vcard_version="3.0")
    assert vcard_validator.validate_file(str(out), False) == ""
    broken = tmp_path / "quoted.vcf"  # the old export's quoted TYPE list is caught
    broken.write_text(out.read_text().replace("TYPE=INTERNET,PREF", 'TYPE="INTERNET,PREF"'))
    assert vcard_validator.validate_file(str(broken), False) != ""
