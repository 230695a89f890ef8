"""Files as other programs write them: every encoding, quoting mistakes, each exporter's
header conventions, people whose only address is broken, and a report safe to open."""

import csv
import random

import pytest

from smarketer.contacts.editing import ContactData, save_contact
from smarketer.contacts.listing import ContactFilter, contact_ids
from smarketer.contacts.tags import tag_names
from smarketer.db.models.contacts import Contact
from smarketer.exchange import encoding
from smarketer.exchange.files import UnreadableFile, plan_import, replan, run_import
from smarketer.exchange.records import Rejected
from tests.conftest import DATA

IMPORTS = DATA / "imports"  # replaced by a copy (see conftest)

WESTERN = "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿßœšžÀÁÂÄÅÆÇÈÉÊËÎÏÑÒÓÔÖØÙÚÛÜÝŒŠŽŸ"


def western_name(rng: random.Random) -> str:
    """A random name in letters that Windows-1252 has: mostly ASCII, a few accented."""
    parts = []
    for _ in range(rng.choice((1, 1, 1, 2))):
        length = rng.randint(2, 10)
        letters = [
            rng.choice(WESTERN) if rng.random() < 0.25 else rng.choice("abcdefghijklmnopqrstuvwxyz")
            for _ in range(length)
        ]
        parts.append("".join(letters).capitalize())
    joiner = rng.choice([" ", "-", " ", "’", " de "]) if len(parts) > 1 else ""
    return joiner.join(parts)


@pytest.mark.parametrize("seed", range(24))
def test_random_western_names_in_cp1252_come_back_exactly(store, tmp_path, seed):
    rng = random.Random(seed)
    rows = rng.choice([1, 2, 3, 5, 8, 13, 40, 120, 500]) if seed >= 4 else (1, 2, 3, 500)[seed]
    delimiter = ",;"[seed % 2]
    people = [(western_name(rng), western_name(rng), f"p{i}@example.com") for i in range(rows)]
    path = tmp_path / f"excel-{seed}.csv"
    with open(path, "w", encoding="cp1252", newline="") as fh:
        out = csv.writer(fh, delimiter=delimiter)
        out.writerow(["First Name", "Last Name", "E-mail Address"])
        out.writerows(people)
    plan = plan_import(path)
    assert (plan.layout.encoding, plan.layout.delimiter) == ("cp1252", delimiter)
    summary = run_import(plan)
    assert (summary.created, summary.rejected) == (rows, [])
    got = sorted(Contact.select(Contact.first_name, Contact.last_name, Contact.email).tuples())
    assert got == sorted(people)


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        ("Imię,Nazwisko,Email\nŁukasz,Wałęsa,a@x.pl\nMałgorzata,Żółkiewska,b@x.pl\n", "cp1250", "cp1250"),
        ("Имя,Фамилия,Email\nИван,Петров,a@x.ru\nМария,Смирнова,b@x.ru\n", "cp1251", "cp1251"),
        (
            "Name,Email\nJürgen Müller,a@x.de\nRené Fässler,b@x.de\nChloé Bérard,c@x.fr\n",
            "mac-roman",
            "mac-roman",
        ),
        ("Name,Email\nJürgen Müller,a@x.de\nRené Fässler,b@x.de\nChloé Bérard,c@x.fr\n", "cp850", "cp850"),
        ("Name,Email\nZoë Łukasiewicz,z@x.org\n", "utf-8", "utf-8"),
        ("Name,Email\nZoë Łukasiewicz,z@x.org\n", "utf-8-sig", "utf-8-sig"),
        ("Name,Email\nZoë Łukasiewicz,z@x.org\n", "utf-16", "utf-16"),
        ("Name,Email\nZoë Łukasiewicz,z@x.org\n", "utf-16-le", "utf-16-le"),
        ("Name,Email\nZoë Łukasiewicz,z@x.org\n", "utf-16-be", "utf-16-be"),
        ("Name,Email\nZoë Łukasiewicz,z@x.org\n", "utf-32", "utf-32"),
        ("Name,Email\nZoë Łukasiewicz,z@x.org\n", "utf-32-le", "utf-32-le"),
    ],
)
def test_the_encoding_is_recognised_and_names_come_back(store, tmp_path, text, codec, expected):
    path = tmp_path / "file.csv"
    path.write_bytes(text.encode(codec))
    plan = plan_import(path)
    assert plan.layout.encoding == expected
    run_import(plan)
    first_row = text.splitlines()[1].split(",")
    names = {f"{c.first_name} {c.last_name}".strip() for c in Contact.select()}
    assert " ".join(first_row[:-1]) in names or first_row[0] in {c.first_name for c in Contact.select()}


def test_the_whole_file_decides_not_the_first_256_kb(store, tmp_path):
    path = tmp_path / "long.csv"
    filler = "".join(f"Person{i},Plain,p{i}@example.com\r\n" for i in range(12_000))
    path.write_bytes(
        ("First Name,Last Name,Email\r\n" + filler).encode("ascii")
        + "Zoë,Lefèvre,zoe@example.com\r\n".encode("cp1252")
    )
    assert path.stat().st_size > 256 * 1024
    plan = plan_import(path)
    assert plan.layout.encoding == "cp1252"
    run_import(plan)
    assert Contact.get(Contact.email == "zoe@example.com").last_name == "Lefèvre"


def test_bytes_that_are_not_the_encoding_are_rejected_by_line_never_replaced(store, tmp_path):
    path = tmp_path / "mixed.csv"
    good = "".join(f"Zoë{i},Łukasiewicz,z{i}@example.com\n" for i in range(5))
    path.write_bytes(
        ("First Name,Last Name,Email\n" + good).encode() + "Jürgen,Müller,j@example.com\n".encode("cp1252")
    )
    plan = plan_import(path)
    assert plan.layout.encoding == "utf-8"
    summary = run_import(plan)
    assert summary.created == 5
    [rejected] = summary.rejected
    assert rejected.where == "line 7" and "0xFC" in rejected.reason and "UTF-8" in rejected.reason
    assert not any("\ufffd" in c.first_name + c.last_name for c in Contact.select())
    # Told the right encoding, the same file is read as Windows-1252: no line is lost.
    plan = replan(plan, encoding="cp1252")
    assert [r.values.get("first_name") for r in plan.records() if not isinstance(r, Rejected)][-1] == "Jürgen"


def test_encoding_and_delimiter_can_be_chosen(store, tmp_path):
    path = tmp_path / "pipes.csv"
    path.write_bytes("Name|Email\nRené Fässler|r@example.ch\n".encode("cp1252"))
    plan = plan_import(path, encoding="latin-1", delimiter="|")
    assert (plan.layout.encoding, plan.layout.delimiter) == ("latin-1", "|")
    assert plan.layout.describe() == "ISO-8859-1 (Latin-1), bar"
    assert plan.preview()[0].values == {
        "first_name": "René",
        "last_name": "Fässler",
        "email": "r@example.ch",
        "other_emails": [],
    }
    with pytest.raises(UnreadableFile, match="unknown encoding"):
        plan_import(path, encoding="klingon")
    assert encoding.canonical("Windows-1252") == "cp1252"


def test_an_unclosed_quote_is_reported_by_line_and_swallows_nobody(store, tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text(
        "First Name,Last Name,Email\n"
        'Ada,"Lovelace,ada@example.org\n'
        "Bob,Smith,bob@example.org\n"
        "Cid,Jones,cid@example.org\n"
        'Dee,"Quoted",dee@example.org\n'
        'Eve,"Multi\nline",eve@example.org\n',
        encoding="utf-8",
    )
    preview = plan_import(path).preview()
    assert preview[0].where == "line 2" and "quote opened on line 2" in preview[0].reason
    summary = run_import(plan_import(path))
    assert summary.created == 4
    assert [(r.where, r.raw) for r in summary.rejected] == [
        ("line 2", ["Ada", '"Lovelace', "ada@example.org"])
    ]
    assert Contact.get(Contact.email == "dee@example.org").last_name == "Quoted"
    assert Contact.get(Contact.email == "eve@example.org").last_name == "Multi\nline"


def test_an_unclosed_quote_at_the_end_of_the_file(store, tmp_path):
    path = tmp_path / "tail.csv"
    path.write_text(
        'Name,Email,Notes\nAnn Lee,ann@example.org,"fine\nBen Ode,ben@example.org,ok\n'
        "Cat Ray,cat@example.org,ok\n",
        encoding="utf-8",
    )
    summary = run_import(plan_import(path))
    assert summary.created == 2
    assert summary.rejected[0].where == "line 2"


def imported(name):
    return run_import(plan_import(IMPORTS / name))


def contact(email):
    return Contact.get(Contact.email == email)


def test_google_legacy_multi_values_in_one_cell(store):
    summary = imported("google-legacy-multi.csv")
    assert (summary.created, summary.rejected) == (2, [])
    ada = contact("ada@example.org")
    assert ada.other_emails == ["ada.lovelace@example.net", "ada.home@example.com"]
    assert ada.phone == "+44 20 7946 0000"
    assert "+44 20 7946 0001" in ada.notes
    assert tag_names(ada.id) == ["Engines", "VIP"]
    assert (ada.company.name, ada.title) == ("Analytical Ltd", "Mathematician")
    assert contact("charles@example.org").first_name == "Charles Xavier"


def test_outlook_in_german(store):
    assert imported("outlook-german.csv").created == 1
    j = contact("juergen@mueller-druck.example")
    assert (j.first_name, j.last_name, j.title) == ("Jürgen", "Müller", "Geschäftsführer")
    assert j.other_emails == ["j.mueller@privat.example"]
    assert (j.street, j.city, j.postal_code, j.country) == ("Hauptstraße 5", "Berlin", "10115", "Deutschland")
    assert j.phone == "+49 30 1234567"
    assert j.notes == "Rückruf im März\nMobiltelefon: +49 151 2345678"
    assert tag_names(j.id) == ["Druck", "Kunden"]


def test_thunderbird(store):
    assert imported("thunderbird.csv").created == 1
    s = contact("soren@example.dk")
    assert (s.first_name, s.last_name, s.company.name, s.title) == (
        "Søren",
        "Kierkegaard",
        "Either/Or ApS",
        "Author",
    )
    assert s.other_emails == ["sk@example.net"]
    assert (s.street, s.city, s.postal_code) == ("Amagertorv 1", "København", "1160")
    assert s.website == "https://either.example"
    assert "Home Address: Nytorv 2" in s.notes and "Web Page 2: https://or.example" in s.notes
    assert "Home Phone: +45 33 98 76 54" in s.notes


def test_hubspot(store):
    assert imported("hubspot.csv").created == 1
    g = contact("grace@cobol.example")
    assert (g.company.name, g.title, g.status, g.lead_source) == (
        "COBOL Inc",
        "Rear Admiral",
        "customer",
        "Organic Search",
    )
    assert g.phone == "+1 202 555 0100"  # already international: kept as written
    assert (g.city, g.region, g.country, g.website) == (
        "Arlington",
        "VA",
        "United States",
        "https://cobol.example",
    )


def test_pipedrive(store):
    assert imported("pipedrive.csv").created == 1
    a = contact("alan@bletchley.example")
    assert (a.first_name, a.last_name, a.company.name, a.title) == (
        "Alan",
        "Turing",
        "Bletchley Works",
        "Cryptanalyst",
    )
    assert a.other_emails == ["alan@home.example"] and a.phone == "+44 7700 900123"
    assert tag_names(a.id) == ["Hot lead"]


def test_zoho(store):
    assert imported("zoho.csv").created == 1
    h = contact("hedy@freq.example")
    assert (h.company.name, h.title, h.lead_source, h.notes.splitlines()[0]) == (
        "Frequency Hopping LLC",
        "Inventor",
        "Trade Show",
        "Met at the expo.",
    )
    assert (h.street, h.city, h.postal_code) == ("10 Film Road", "Los Angeles", "90001")
    assert h.unsubscribed_at is not None  # "Email Opt Out: true"
    assert "Other City: Vienna" in h.notes


def test_label_style_headers(store):
    assert imported("label-style.csv").created == 1
    m = contact("marie@radium.example")  # the work address is primary
    assert m.other_emails == ["marie@home.example", "mc@other.example"]
    assert m.phone == "+33 1 23 45 67 89" and "Home Mobile: +33 6 12 34 56 78" in m.notes
    assert (m.city, m.country, m.website) == ("Paris", "France", "https://radium.example")
    assert "Home City: Sceaux" in m.notes


def test_apple_numbers_style(store):
    assert imported("apple-numbers.csv").created == 1
    e = contact("emmy@algebra.example")
    assert (e.first_name, e.company.name, e.notes.splitlines()[0]) == (
        "Emmy",
        "Göttingen Algebra",
        "Rings and ideals",
    )
    assert e.other_emails == ["emmy@home.example"]


def test_a_person_whose_only_email_is_invalid_is_kept(store, tmp_path):
    path = tmp_path / "typo.csv"
    path.write_text(
        "Name,Email,Phone,Notes\nIda Typo,ida@@example,+44 20 7946 0002,Call her\nJo Fine,jo@example.com,,\n",
        encoding="utf-8",
    )
    summary = run_import(plan_import(path))
    assert (summary.created, summary.rejected, summary.email_to_fix) == (2, [], 1)
    ida = Contact.get(Contact.first_name == "Ida")
    assert (ida.email, ida.email_to_fix, ida.notes) == ("", "ida@@example", "Call her")
    assert contact_ids(ContactFilter(email_to_fix=True)) == [ida.id]
    assert "email needs fixing" in ContactFilter(email_to_fix=True).describe()
    data = ContactData.of(ida)
    save_contact(data.__class__(**{**data.__dict__, "email": "ida@example.com"}), ida.id)
    assert contact_ids(ContactFilter(email_to_fix=True)) == []


def test_the_rejected_rows_report_is_safe_in_a_spreadsheet(store, tmp_path):
    path = tmp_path / "evil.csv"
    path.write_text(
        'Name,Email,Notes\n,,"=HYPERLINK(""http://evil.example"",""x"")"\n,,@SUM(1+1)\n', encoding="utf-8"
    )
    summary = run_import(plan_import(path))
    assert len(summary.rejected) == 2
    for report in (summary.report, summary.report_copy):
        with open(report, encoding="utf-8-sig", newline="") as fh:
            cells = [c for row in csv.reader(fh) for c in row]
        assert [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
        assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert summary.report_copy.parent == tmp_path
    assert str(summary.report_copy) in summary.text()


@pytest.mark.parametrize(
    "address",
    [
        "Ann.Lee+tag@Example.COM",
        "o'brien@example.ie",
        "a@bücher.example",
        "zoë@example.com",
        "x@localhost",
        "a..b@example.com",
        "a@-bad-.example",
        "user@example",
        "a" * 65 + "@x.org",
        "ok@example.com.",
        "first.last@sub.domain.example.co.uk",
    ],
)
def test_the_fast_email_check_agrees_with_the_full_validator(address):
    from smarketer.exchange.importer import Checks
    from smarketer.validation import normalise_email

    def outcome(check):
        try:
            return check(address)
        except ValueError:
            return "invalid"

    assert outcome(Checks().email) == outcome(normalise_email)


def test_phones_already_international_are_kept_and_others_normalised():
    from smarketer.exchange.importer import Checks

    checks = Checks()
    assert checks.phone("+49 30 1234567", "DE") == "+49 30 1234567"
    assert checks.phone("030 1234567", "DE") == "+49 30 1234567"
    assert checks.phone("+49301234567", "DE") == "+49 30 1234567"
    with pytest.raises(ValueError):
        checks.phone("call me", "DE")


@pytest.mark.parametrize("region", ["DE", "AT", "IE", "GB", "US", "IT", "AR", "MX", "JP", "BR", None])
def test_the_fast_phone_check_agrees_with_the_full_validator(region):
    """Local numbers are checked once per family (region, length, all but the last four
    digits): every member must come out as the full check writes it, or be refused alike."""
    import random

    import phonenumbers

    from smarketer.exchange.importer import Checks
    from smarketer.validation import normalise_phone

    def outcome(check, value):
        try:
            return check(value, region)
        except ValueError:
            return "invalid"

    rng = random.Random(region)
    checks = Checks()
    bases = []
    for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
        example = region and phonenumbers.example_number_for_type(region, kind)
        if example:
            bases.append(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL))
    bases += [
        "0" + "1234567890123"[: rng.randint(7, 12)],
        "+4930123456",
        "+49 (0)89 123456",
        "0049 33203 1234",
    ]
    for _ in range(150):
        base = rng.choice(bases)
        varied = "".join(str(rng.randint(0, 9)) if c.isdigit() and i > 3 else c for i, c in enumerate(base))
        for _ in range(4):  # members of one family: only the last four digits differ
            value = varied[:-4] + "".join(str(rng.randint(0, 9)) for _ in range(4))
            assert outcome(checks.phone, value) == outcome(normalise_phone, value), value
    # Short numbers, whose area code reaches into the last four digits: pairs that a family
    # key of all but the last four digits would write alike, wrongly.
    for first, second in [
        ("+493926253", "+493928079"),
        ("+490865586", "+490861777"),
        ("0049908392", "0049901652"),
    ]:
        for value in (first, second):
            assert outcome(checks.phone, value) == outcome(normalise_phone, value), value
    assert checks.phones  # the families were remembered
