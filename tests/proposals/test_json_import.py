"""`proposal import` with hostile JSON, through the CLI's own entry point: one line naming the
place, exit 1, nothing written, and `proposal list` still works afterwards."""

import json
import logging
import sqlite3

import pytest

from smarketer.cli import main

ITEM = '{"title": "x", "items": [%s]}'
DIGITS = "9" * 5000


@pytest.fixture
def run(capsys, tmp_path, monkeypatch):
    """smarketer ARGS in this process (as `python -m smarketer` runs it): (code, out, err)."""
    monkeypatch.chdir(tmp_path)
    before = list(logging.getLogger().handlers)

    def call(*args):
        code = main(["--db", str(tmp_path / "s.db"), *map(str, args)])
        out, err = capsys.readouterr()
        return code, out, err

    yield call
    for handler in set(logging.getLogger().handlers) - set(before):  # the log file it opened
        logging.getLogger().removeHandler(handler)
        handler.close()


def counts(path) -> tuple[int, ...]:
    conn = sqlite3.connect(path)
    try:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("proposal", "proposal_item", "proposal_sequence", "contact", "activity")
        )
    finally:
        conn.close()


HOSTILE = [
    # numbers out of any sane range, in every spelling
    (ITEM % '{"quantity": 1e400}', "items[0].quantity: 1E+400 is too large (at most 1,000,000,000)"),
    (ITEM % '{"quantity": "1E+999999"}', "items[0].quantity: 1E+999999 is too large"),
    (ITEM % ('{"unit_price": ' + DIGITS + "}"), "items[0].unit_price: a number of 5,000 digits is too long"),
    (ITEM % ('{"unit_price": "' + DIGITS + '"}'), "items[0].unit_price: a number of 5,000 characters"),
    (ITEM % '{"description": "a"}, {"unit_price": -1}', "items[1].unit_price: must be at least 0"),
    (ITEM % '{"unit_price": 0.1234567}', "items[0].unit_price: 0.1234567 has more than 6 decimals"),
    (ITEM % '{"quantity": 0}', "items[0].quantity: must be more than 0"),
    (ITEM % '{"quantity": NaN}', "items[0].quantity: NaN is not a number"),
    (ITEM % '{"quantity": -Infinity}', "items[0].quantity: -Infinity is not a number"),
    (ITEM % '{"quantity": "1,000"}', "items[0].quantity: '1,000' is not a number"),
    (ITEM % '{"discount": 100.5}', "items[0].discount: 100.5 is too large (at most 100)"),
    (ITEM % '{"tax_rate": "12,5"}', "items[0].tax_rate: '12,5' is not a number"),
    ('{"title": "x", "document_discount": "1e3"}', "document_discount: 1000 is too large (at most 100)"),
    # the wrong kind of value
    (ITEM % '{"quantity": [1]}', "items[0].quantity: must be a number, not a list"),
    (ITEM % '{"unit_price": {"a": 1}}', "items[0].unit_price: must be a number, not an object"),
    (ITEM % '{"quantity": true}', "items[0].quantity: must be a number, not true/false"),
    (ITEM % '{"optional": "false"}', "items[0].optional: must be true or false (without quotes)"),
    (ITEM % '{"optional": 0}', "items[0].optional: must be true or false"),
    (ITEM % '{"description": 5}', "items[0].description: must be text, not a number"),
    (ITEM % '{"heading": ["a"]}', "items[0].heading: must be text, not a list"),
    (ITEM % '{"qty": 2}', "items[0]: unknown key 'qty'"),
    (ITEM % "7", "items[0]: must be an object, not a number"),
    ('{"title": "x", "items": {"a": 1}}', "items: must be a list, not an object"),
    ('{"title": ["x"]}', "title: must be text, not a list"),
    ('{"title": "x", "valid_day": 3}', "the document: unknown key 'valid_day'"),
    ('{"title": "x", "title": "y"}', "the key 'title' appears twice"),
    # days, dates, deals, codes
    ('{"title": "x", "valid_days": [1]}', "valid_days: must be a number, not a list"),
    ('{"title": "x", "valid_days": 1e9}', "valid_days: 1000000000 is too large (at most 3,650)"),
    ('{"title": "x", "valid_days": "abc"}', "valid_days: 'abc' is not a number"),
    ('{"title": "x", "valid_days": 1.5}', "valid_days: 1.5 is not a whole number"),
    ('{"title": "x", "valid_days": -1}', "valid_days: must be at least 0"),
    ('{"title": "x", "issue_date": "9999-12-31"}', "issue_date: 9999-12-31 is outside 2000–2099"),
    ('{"title": "x", "issue_date": "31/12/2026"}', "issue_date: '31/12/2026' is not a date"),
    ('{"title": "x", "issue_date": 20261231}', "issue_date: must be a date like"),
    ('{"title": "x", "deal": 1e30}', "deal: 1E+30 is too large"),
    ('{"title": "x", "deal": true}', "deal: must be a number, not true/false"),
    ('{"title": "x", "deal": 42}', "deal: no deal 42"),
    ('{"title": "x", "currency": "XYZ"}', "currency: XYZ is not a currency code"),
    ('{"title": "x", "rounding": "bankers"}', "rounding: must be line or global"),
    ('{"title": "x", "client": 5}', "client: must be an object, not a number"),
    ('{"title": "x", "client": "someone@"}', "client.email: "),
    ('{"title": "x", "client": {"phone": "1"}}', "client: unknown key 'phone'"),
    # sizes and shapes
    (ITEM % ",".join(["{}"] * 1001), "items: 1,001 lines is too many"),
    (ITEM % json.dumps({"description": "w" * 10_001}), "items[0].description: 10,001 characters"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply to be a proposal"),
    ('{"title": ' * 50_000, "nested too deeply"),
    ('{"title": ""}', "title: A proposal needs a title."),
    ("{bad", "not valid JSON (line 1, column 2"),
    ("[1, 2]", "the document must be a JSON object"),
]


@pytest.mark.parametrize(
    ("document", "message"), HOSTILE, ids=[f"{i}-{m[:30]}" for i, (_, m) in enumerate(HOSTILE)]
)
def test_hostile_json_is_refused_in_one_line_and_writes_nothing(run, tmp_path, document, message):
    (tmp_path / "p.json").write_text(document, encoding="utf-8")
    code, out, err = run("proposal", "import", "p.json")
    assert code == 1
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert counts(tmp_path / "s.db") == (0, 0, 0, 0, 0)
    code, out, err = run("proposal", "list")
    assert (code, err) == (0, "") and out.startswith("No proposals yet: smarketer proposal import")


def test_the_whole_document_is_checked_before_the_first_write(run, tmp_path):
    """A good client and many good lines, then one bad line: no contact, no number taken."""
    good = {"description": "Design", "quantity": "2", "unit_price": "95"}
    (tmp_path / "p.json").write_text(
        json.dumps(
            {
                "title": "Site",
                "client": {"email": "new@example.com", "first_name": "Ann"},
                "items": [good] * 20 + [{"quantity": "1e400"}],
            }
        ),
        encoding="utf-8",
    )
    code, _, err = run("proposal", "import", "p.json")
    assert (code, err.strip()) == (
        1,
        "smarketer: error: items[20].quantity: 1E+400 is too large (at most 1,000,000,000)",
    )
    assert counts(tmp_path / "s.db") == (0, 0, 0, 0, 0)


def test_bounds_that_are_fine_import_exactly(run, tmp_path):
    (tmp_path / "p.json").write_text(
        json.dumps(
            {
                "title": "Edges",
                "valid_days": 3650,
                "issue_date": "2026-11-23",
                "items": [
                    {
                        "description": "Bulk emails",
                        "quantity": "1000000000",
                        "unit_price": "0.000123",
                        "tax_rate": "0",
                    },
                    {
                        "description": "Retainer",
                        "quantity": "0.0001",
                        "unit_price": "999999999.99",
                        "discount": "12.3456",
                        "tax_rate": "21",
                        "optional": True,
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    code, out, err = run("proposal", "import", "p.json")
    assert code == 0, err
    assert out.strip() == "Created draft P-2026-0001: Edges (€123,000.00)"
    code, out, _ = run("proposal", "list")
    assert code == 0 and "P-2026-0001  Edges" in out and "€123,000.00" in out


DAMAGE = [
    ("UPDATE proposal_item SET quantity = '1E+400' WHERE id = ?", "quantity: 1E+400 is too large"),
    ("UPDATE proposal_item SET unit_price = '" + DIGITS + "' WHERE id = ?", "unit price:"),
    ("UPDATE proposal_item SET discount = 'abc' WHERE id = ?", "ConversionSyntax"),
    ("UPDATE proposal_item SET tax_rate = 'NaN' WHERE id = ?", "the tax rate NaN is not a number"),
    (
        "UPDATE proposal SET document_discount = 'zz' WHERE id = (SELECT proposal_id FROM "
        "proposal_item WHERE id = ?)",
        "ConversionSyntax",
    ),
    (
        "UPDATE proposal SET locale = 'xx_YY' WHERE id = (SELECT proposal_id FROM "
        "proposal_item WHERE id = ?)",
        "xx_YY",
    ),
]


def test_list_and_show_survive_any_row_already_in_a_store(run, tmp_path):
    """Rows an older version let in (or a hand edit): listed and shown as damaged, never a
    crash; the sound proposals around them are unaffected."""
    document = {
        "title": "Sound",
        "items": [{"description": "Design", "quantity": "2", "unit": "day", "unit_price": "450"}],
    }
    (tmp_path / "p.json").write_text(json.dumps(document), encoding="utf-8")
    for _ in range(len(DAMAGE) + 1):
        assert run("proposal", "import", "p.json")[0] == 0
    conn = sqlite3.connect(tmp_path / "s.db")
    for item_id, (sql, _) in enumerate(DAMAGE, 1):  # proposal n+1 keeps its one sound item
        conn.execute(sql, (item_id,))
    conn.commit()
    conn.close()
    code, out, err = run("proposal", "list")
    assert code == 0
    assert out.count("cannot be priced") == len(DAMAGE)
    assert "P-2026-0007  Sound" in out and "€900.00" in out
    assert "Traceback" not in err and len(err.strip().splitlines()) == len(DAMAGE)
    for number, (_, message) in enumerate(DAMAGE, 1):
        code, out, err = run("proposal", "show", f"P-2026-{number:04d}")
        assert code == 1 and "Design" in out
        assert err.count("\n") == 1 and "cannot be priced" in err and message in err, err
        code, _, err = run("proposal", "pdf", f"P-2026-{number:04d}", "-o", "x.pdf")
        assert code == 1 and err.count("\n") == 1 and "cannot be priced" in err
    code, out, err = run("proposal", "show", "P-2026-0007")
    assert (code, err) == (0, "")
    assert "2 days" in out and "€450.00" in out and "Total" in out
