"""The command line, run as a user runs it: a separate process, its output and exit code."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from smarketer import __version__


@pytest.fixture
def cli(smarketer_home, tmp_path):
    def run(*args):
        env = dict(os.environ, SMARKETER_HOME=str(smarketer_home))
        return subprocess.run(
            [sys.executable, "-m", "smarketer", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=60,
        )

    return run


def test_version(cli):
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"smarketer {__version__}"


def test_demo_then_backup_leaves_a_valid_copy(cli, tmp_path):
    assert cli("demo", "d.db").returncode == 0
    result = cli("--db", "d.db", "backup", "-o", "b.db")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(tmp_path / "b.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] >= 200
    conn.close()


def test_demo_refuses_to_replace_a_file(cli, tmp_path):
    (tmp_path / "d.db").write_text("precious")
    result = cli("demo", "d.db")
    assert result.returncode == 1
    assert "already exists" in result.stderr
    assert (tmp_path / "d.db").read_text() == "precious"


def test_demo_of_a_chosen_size_and_its_bound(cli, tmp_path):
    result = cli("demo", "big.db", "--contacts", "1500")
    assert result.returncode == 0, result.stderr
    assert "1,500 contacts" in result.stdout
    conn = sqlite3.connect(tmp_path / "big.db")
    assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 1500
    conn.close()
    refused = cli("demo", "huge.db", "--contacts", "100001")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "smarketer: error: A demo store holds 1 to 100,000 contacts, not 100,001."
    )
    assert not (tmp_path / "huge.db").exists()


def test_restore_needs_force_then_restores(cli, tmp_path):
    cli("demo", "d.db")
    cli("--db", "d.db", "backup", "-o", "b.db")
    refused = cli("--db", "d.db", "restore", "b.db")
    assert refused.returncode == 1
    assert refused.stderr.strip() == "smarketer: error: d.db: already exists; add --force to overwrite it"
    done = cli("--db", "d.db", "restore", "b.db", "--force")
    assert done.returncode == 0, done.stderr
    assert "kept as" in done.stdout
    new = cli("--db", "fresh.db", "restore", "b.db")  # a missing target needs no --force
    assert new.returncode == 0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
        (["backup"], 2, "the following arguments are required: -o/--output"),
        (["--db", "missing/x.db", "backup", "-o", "b.db"], 1, "missing/x.db: does not exist"),
        (["--db", "d.db", "backup", "-o", "nofolder/b.db"], 1, "the folder nofolder does not exist"),
        (["--db", "notes.txt", "backup", "-o", "b.db"], 1, "not a SQLite database"),
        (["demo", "nofolder/d.db"], 1, "the folder nofolder does not exist"),
    ],
)
def test_mistakes_give_one_line_and_non_zero_exit(cli, tmp_path, args, code, message):
    cli("demo", "d.db")
    (tmp_path / "notes.txt").write_text("just notes")
    result = cli(*args)
    assert result.returncode == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert lines[0].startswith("smarketer")


def test_import_prints_the_summary_and_tags(cli, tmp_path):
    from tests.conftest import DATA

    result = cli("--db", "s.db", "import", DATA / "imports" / "google-contacts.csv", "--tag", "Fair 2026")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "Imported google-contacts.csv: 3 created, 0 updated, 0 skipped, 0 rejected"
    )
    again = cli("--db", "s.db", "import", DATA / "imports" / "apple-contacts.vcf", "--on-duplicate", "update")
    assert "0 created, 2 updated" in again.stdout
    conn = sqlite3.connect(tmp_path / "s.db")
    assert (
        conn.execute(
            "SELECT count(*) FROM contact_tag JOIN tag ON tag.id = tag_id WHERE tag.name = 'Fair 2026'"
        ).fetchone()[0]
        == 3
    )
    conn.close()


def test_import_with_a_chosen_encoding_and_delimiter(cli, tmp_path):
    (tmp_path / "pl.csv").write_bytes("Name|Email\nŁukasz Wałęsa|l@example.pl\n".encode("cp1250"))
    result = cli("--db", "s.db", "import", "pl.csv", "--encoding", "cp1250", "--delimiter", "bar")
    assert result.returncode == 0, result.stderr
    assert "Reading pl.csv as Windows-1250 (Central Europe), bar" in result.stderr
    conn = sqlite3.connect(tmp_path / "s.db")
    assert conn.execute("SELECT first_name, last_name FROM contact").fetchall() == [("Łukasz", "Wałęsa")]
    conn.close()
    wrong = cli("--db", "s.db", "import", "pl.csv", "--encoding", "klingon")
    assert wrong.returncode == 1 and wrong.stderr.count("\n") == 1
    assert "unknown encoding 'klingon'" in wrong.stderr


def test_import_undo_and_history(cli, tmp_path):
    (tmp_path / "a.csv").write_text("Name,Email\nAl One,al@example.com\nBo Two,bo@example.com\n")
    assert cli("--db", "s.db", "import", "a.csv").returncode == 0
    conn = sqlite3.connect(tmp_path / "s.db")
    conn.execute(
        "INSERT INTO activity (contact_id, kind, summary, body, occurred_at) "
        "SELECT id, 'note', 'hi', 'hi', '2026-11-23T10:00:00+00:00' FROM contact "
        "WHERE email = 'bo@example.com'"
    )
    conn.commit()
    listed = cli("--db", "s.db", "import", "--history")
    assert listed.stdout.splitlines()[0].split() == [
        "ID",
        "Imported",
        "File",
        "Created",
        "Updated",
        "Skipped",
        "Rejected",
        "Undone",
    ]
    assert listed.stdout.splitlines()[1].split()[-5:] == ["a.csv", "2", "0", "0", "0"]
    document = json.loads(cli("--db", "s.db", "import", "--history", "--json").stdout)
    [run] = document["imports"]
    assert (run["source"], run["created"], run["undone_at"]) == ("a.csv", 2, None)
    assert run["started_at"].endswith("+00:00")  # ISO with its zone; the table is localised
    refused = cli("--db", "s.db", "import", "--undo")
    assert refused.returncode == 1 and "Bo Two: has a note" in refused.stderr
    assert "run again with --undo --yes to undo the other 1" in refused.stderr
    done = cli("--db", "s.db", "import", "--undo", "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("Undid the import of a.csv: 1 contacts taken back; 1 used since were kept")
    assert conn.execute("SELECT email FROM contact").fetchall() == [("bo@example.com",)]
    conn.close()
    again = cli("--db", "s.db", "import", "--undo")
    assert again.returncode == 1 and "there is no import to undo" in again.stderr
    undone = json.loads(cli("--db", "s.db", "import", "--history", "--json").stdout)["imports"][0]
    assert undone["undone_at"] is not None
    assert (
        cli("--db", "s.db", "import", "a.csv", "--json").stderr.strip().endswith("--json goes with --history")
    )


def test_import_of_an_unreadable_file_fails_clearly(cli, tmp_path):
    (tmp_path / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    result = cli("--db", "s.db", "import", "photo.csv")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "smarketer: error: photo.csv: this is a PNG image, not a CSV or vCard file"
    )
    missing = cli("--db", "s.db", "import", "nope.csv")
    assert missing.returncode == 1 and "nope.csv: no such file" in missing.stderr


def test_export_contacts_of_a_segment(cli, tmp_path):
    cli("demo", "d.db")
    conn = sqlite3.connect(tmp_path / "d.db")
    conn.execute("""INSERT INTO segment (name, filter, created_at) VALUES ('VIPs',
                 '{"tags": ["vip"]}', '2026-01-01T00:00:00+00:00')""")
    conn.commit()
    vips = conn.execute(
        "SELECT count(DISTINCT contact_id) FROM contact_tag JOIN tag "
        "ON tag.id = tag_id WHERE tag.name = 'vip'"
    ).fetchone()[0]
    conn.close()
    result = cli("--db", "d.db", "export", "contacts", "-o", "vip.vcf", "--segment", "vips")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Exported {vips} contacts to vip.vcf"
    assert (tmp_path / "vip.vcf").read_text().count("BEGIN:VCARD") == vips
    all_csv = cli("--db", "d.db", "export", "contacts", "-o", "all.csv")
    assert "Exported 240 contacts" in all_csv.stdout
    unknown = cli("--db", "d.db", "export", "contacts", "-o", "x.csv", "--segment", "nope")
    assert unknown.returncode == 1
    assert "no segment named 'nope' (segments: " in unknown.stderr and "VIPs" in unknown.stderr


def test_deals_list_and_tasks(cli, tmp_path):
    from datetime import date, timedelta

    from smarketer.db import close_database, open_database
    from smarketer.pipeline.deals import DealData, save_deal
    from smarketer.pipeline.tasks import add_task

    open_database(tmp_path / "s.db")
    a = save_deal(DealData(title="Website", value="1000.50"))
    save_deal(DealData(title="Logo", value="500", probability=50))
    add_task("Call back", date.today() - timedelta(days=1), deal_id=a.id)
    add_task("Next week", date.today() + timedelta(days=7), deal_id=a.id)
    close_database()
    result = cli("--db", "s.db", "deals", "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["Stage", "Deal", "Contact"]
    assert "Website" in lines[1] and "10%" in lines[1]
    assert lines[-1].split()[:3] == ["Total", "2", "deals"]
    assert "€1,500.50" in lines[-1] and "€350.05" in lines[-1]  # 1000.50 × 10 % + 500 × 50 %
    tasks = cli("--db", "s.db", "tasks")
    assert "Call back" in tasks.stdout and "(overdue)" in tasks.stdout
    assert "Next week" not in tasks.stdout
    bad = cli("--db", "s.db", "deals", "list", "--stage", "nope")
    assert bad.returncode == 1 and "no stage named 'nope'" in bad.stderr


def test_proposal_import_show_pdf_and_list(cli, tmp_path):
    import io
    import json

    from pypdf import PdfReader

    (tmp_path / "p.json").write_text(
        json.dumps(
            {
                "title": "Website refresh",
                "client": {"email": "zoe@example.com", "first_name": "Zoë", "last_name": "Łukasiewicz"},
                "rounding": "line",
                "document_discount": "5",
                "items": [
                    {"heading": "Phase 1"},
                    {
                        "description": "Workshop",
                        "quantity": 2,
                        "unit": "day",
                        "unit_price": 450.10,
                        "discount": "10",
                        "tax_rate": 23,
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    created = cli("--db", "s.db", "proposal", "import", "p.json")
    assert created.returncode == 0, created.stderr
    # 2 × 450.10 = 900.20; −10 % = 810.18; −5 % (40.51) = 769.67; +23 % (177.02) = 946.69
    assert created.stdout.strip() == "Created draft P-2026-0001: Website refresh (€946.69)"
    shown = cli("--db", "s.db", "proposal", "show", "P-2026-0001")
    assert "PHASE 1" in shown.stdout and "1  Workshop" in shown.stdout
    assert shown.stdout.strip().splitlines()[-1].split() == ["Total", "€946.69"]
    listed = cli("--db", "s.db", "proposal", "list")
    assert "P-2026-0001  Website refresh  Zoë Łukasiewicz  draft" in listed.stdout
    written = cli("--db", "s.db", "proposal", "pdf", "P-2026-0001", "-o", "out.pdf")
    assert written.returncode == 0
    text = PdfReader(io.BytesIO((tmp_path / "out.pdf").read_bytes())).pages[0].extract_text()
    assert "€946.69" in text and "Zoë Łukasiewicz" in text


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            '{"title": "x", "items": [{"description": "a", "quantity": 0}]}',
            "items[0].quantity: must be more than 0",
        ),
        ('{"title": "x", "items": [{"unit_price": "ten"}]}', "items[0].unit_price: 'ten' is not a number"),
        ('{"title": ""}', "title: A proposal needs a title."),
        ("{bad", "not valid JSON (line 1, column 2"),
        ("[1, 2]", "must be a JSON object"),
    ],
)
def test_proposal_import_refuses_bad_documents(cli, tmp_path, document, message):
    (tmp_path / "p.json").write_text(document, encoding="utf-8")
    result = cli("--db", "s.db", "proposal", "import", "p.json")
    assert result.returncode == 1
    assert message in result.stderr
    conn = sqlite3.connect(tmp_path / "s.db")
    assert conn.execute("SELECT count(*) FROM proposal").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM proposal_sequence").fetchone()[0] == 0
    conn.close()


def test_check_reads_every_page_and_names_the_damage(cli, tmp_path):
    from tests.db.test_database import scribble_over_an_index

    assert cli("demo", "d.db").returncode == 0
    result = cli("--db", "d.db", "check")
    assert result.returncode == 0, result.stderr
    assert "no damage found" in result.stdout
    broken = scribble_over_an_index(tmp_path / "d.db", tmp_path)
    result = cli("--db", broken, "check")
    assert result.returncode == 1
    assert "is damaged" in result.stderr and "Traceback" not in result.stderr
