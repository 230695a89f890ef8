"""Writing read records into the store: validation, duplicates by email, one transaction.

Rules:
- a record needs a name or an email; an address that is not valid is kept as written in
  ``email_to_fix`` (the contact still comes in, and the "email needs fixing" filter finds it);
- duplicates are matched by email (case-insensitive), against the store and earlier rows of
  the same file: ``skip`` leaves the contact alone, ``update`` fills only its empty fields,
  ``overwrite`` replaces fields the file has a value for (never blanks one it lacks);
- tags (and the import's own tag) are added, never removed;
- an unsubscribe or bounce, once recorded, stays whatever a later file says;
- everything happens in one transaction: a cancel or a crash leaves nothing half-imported.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from peewee import fn

from smarketer import paths
from smarketer.contacts.columns import COLUMNS, LINE_FIELDS, new_row
from smarketer.contacts.tags import clean_tags
from smarketer.db import db
from smarketer.db.fields import InstantField, utc_now
from smarketer.db.models.campaigns import Suppression
from smarketer.db.models.contacts import LIFECYCLE_STATUSES, Company, Contact, ImportRun, Tag
from smarketer.db.raw import insert_rows, raw_cursor
from smarketer.db.rows import tuples
from smarketer.db.search import BulkIndexing, sort_key
from smarketer.db.writes import on_server, write_transaction
from smarketer.exchange.records import MAX_FIELD, MAX_NOTES, Incoming, Rejected, neutralise, parse_flag
from smarketer.jobs import Cancelled
from smarketer.validation import normalise_email, normalise_phone

POLICIES = ("skip", "update", "overwrite")
# The columns a file's text goes into as it is (emails and the company are looked at first).
TEXT_FIELDS = (*(f for f in LINE_FIELDS if f not in ("email", "company")), "notes", "email_to_fix")
_TEXT_FIELDS = frozenset(TEXT_FIELDS)


class ImportCancelled(Cancelled):
    """The owner cancelled; the transaction was rolled back and nothing was imported."""


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    email_to_fix: int = 0  # contacts kept with an address that is not valid
    report: Path | None = None  # the rejected rows, in the data folder
    report_copy: Path | None = None  # the same, next to the imported file (when writable)
    run_id: int | None = None  # the import history entry (for undo)

    @property
    def read(self) -> int:
        return self.created + self.updated + self.skipped + len(self.rejected)

    def text(self) -> str:
        line = (
            f"{self.created} created, {self.updated} updated, {self.skipped} skipped, "
            f"{len(self.rejected)} rejected"
        )
        if self.email_to_fix:
            line += (
                f"\n{self.email_to_fix} kept with an email address that needs fixing "
                '(the filter "Email needs fixing" lists them)'
            )
        if self.report:
            line += f"\nRejected rows and their reasons: {self.report}"
        if self.report_copy:
            line += f"\nand next to the file: {self.report_copy}"
        return line


def _too_long(values: dict[str, object]) -> str | None:
    for key, value in values.items():
        limit = MAX_NOTES if key == "notes" else MAX_FIELD
        if isinstance(value, str) and len(value) > limit:
            return f"{key.replace('_', ' ')} is too long ({len(value):,} characters, at most {limit:,})"
    return None


_DOT_ATOM = re.compile(
    r"([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@([A-Za-z0-9.-]+)"
)
_INTERNATIONAL_PHONE = re.compile(r"\+[1-9][0-9]{0,2}(?:[ -][0-9]{1,8}){1,6}")
_PLAIN_PHONE = re.compile(r"\+?[0-9 ()./-]{9,40}")  # digits and punctuation only
_NOT_DIGITS = str.maketrans(dict.fromkeys("+ ()./-"))
_SUBSCRIBER = 4  # the last digits: never looked at by the parser's or formatter's rules …
_LEADING = 5  # … when this many come before them (area codes run up to 5 digits and more)


class Checks:
    """Email and phone checks for a bulk import, fast where they can be: a plain ASCII
    address has its local part checked by pattern and its domain validated once per distinct
    domain; a phone already written in international form (+CC, digit groups) is taken as
    it is, one written otherwise is checked once per region, length and leading digits.
    Anything else goes through the full validators."""

    def __init__(self) -> None:
        self.domains: dict[str, str | ValueError] = {}
        self.phones: dict[tuple, tuple[str, list[int]] | ValueError] = {}

    def email(self, value: str) -> str:
        value = value.strip()
        match = _DOT_ATOM.fullmatch(value)
        if match is None or len(value) > 254 or len(match.group(1)) > 64:
            return normalise_email(value)
        local, domain = match.groups()
        key = domain.lower()
        if key not in self.domains:
            try:
                self.domains[key] = normalise_email(f"a@{domain}").split("@", 1)[1]
            except ValueError as exc:
                self.domains[key] = exc
        checked = self.domains[key]
        if isinstance(checked, ValueError):
            raise checked
        return f"{local}@{checked}"

    def phone(self, value: str, region: str | None) -> str:
        if _INTERNATIONAL_PHONE.fullmatch(value):
            length = len(value) - 1 - value.count(" ") - value.count("-")  # all but + and separators
            if 7 <= length <= 15:
                return value
        if not _PLAIN_PHONE.fullmatch(value):
            return normalise_phone(value, region)
        # A number written some other way (a local "030 1234567"): how it is read and written
        # depends on the region, its length and its leading digits, not on its last four. So the
        # full check runs once per such family and the others reuse its answer.
        digits = value.translate(_NOT_DIGITS)
        if len(digits) < 9:
            return normalise_phone(value, region)
        key = (region, value.lstrip().startswith("+"), len(digits), digits[:-_SUBSCRIBER])
        known = self.phones.get(key)
        if known is None:
            try:
                written = normalise_phone(value, region)
            except ValueError as exc:
                self.phones[key] = exc
                raise
            places = [i for i, c in enumerate(written) if c.isdigit()]
            national = len(places) - len(written.split(" ", 1)[0]) + 1  # digits after +CC
            places = places[-_SUBSCRIBER:]
            if (
                national >= _SUBSCRIBER + _LEADING
                and "".join(written[i] for i in places) == digits[-_SUBSCRIBER:]
            ):
                self.phones[key] = (written, places)
            return written
        if isinstance(known, ValueError):
            raise known
        written, places = known
        chars = list(written)
        for place, digit in zip(places, digits[-_SUBSCRIBER:], strict=True):
            chars[place] = digit
        return "".join(chars)


_FULL_CHECKS = Checks()


def clean_record(
    record: Incoming, region: str | None, checks: Checks = _FULL_CHECKS
) -> dict[str, object] | Rejected:
    """Validate one record: a dict of contact columns (plus tags) or a Rejected."""
    v = record.values
    problem = _too_long(v)
    if problem:
        return Rejected(record.where, problem, record.raw)
    row: dict[str, object] = {k: str(x).strip() for k, x in v.items() if x and k in _TEXT_FIELDS}
    email = str(v.get("email", "")).strip()
    others = v.get("other_emails")
    listed = [email, *(str(o) for o in others)] if isinstance(others, list) else [email]
    candidates = [e for e in listed if e.strip()]
    good: list[str] = []
    to_fix: list[str] = []
    for candidate in candidates:
        try:
            good.append(checks.email(candidate))
        except ValueError:
            to_fix.append(candidate.strip())
    good = list(dict.fromkeys(good))
    if good:
        row["email"] = good[0]
    if good[1:]:
        row["other_emails"] = good[1:]
    if to_fix:
        row["email_to_fix"] = ", ".join(to_fix)  # kept as written, for the owner to correct
    if not (row.get("first_name") or row.get("last_name") or good or to_fix):
        return Rejected(record.where, "no name and no email address", record.raw)
    if row.get("phone"):
        try:
            row["phone"] = checks.phone(str(row["phone"]), region)
        except ValueError:
            pass  # kept as written: a phone number nobody can parse is still worth having
    status = str(v.get("status", "")).strip().lower()
    if status in LIFECYCLE_STATUSES:
        row["status"] = status
    if v.get("company"):
        row["company"] = str(v["company"]).strip()
    for flag, column in (
        ("consent", "consent_at"),
        ("unsubscribed", "unsubscribed_at"),
        ("bounced", "bounced_at"),
    ):
        parsed = parse_flag(str(v[flag])) if flag in v else None
        if parsed:
            row[column] = parsed[1] or utc_now()
    if "do_not_email" in v and parse_flag(str(v["do_not_email"])):
        row["do_not_email"] = True
    tags = v.get("tags")
    row["tags"] = clean_tags(tags) if tags and isinstance(tags, list) else ()
    return row


_STAMP = InstantField().db_value
_PLACE = {column: n for n, column in enumerate(COLUMNS)}
_INSTANTS = frozenset({"consent_at", "unsubscribed_at", "bounced_at"})


def _json_ids(ids: list[int]) -> str:
    """``json.dumps(ids)`` for a list of ints, without the encoder's cost per row."""
    return f"[{', '.join(map(str, ids))}]"


BATCH = 2000


class _NewIds:
    """Ids for a table's new rows, given out before the rows are written in batches. On a
    SQLite file they follow the largest id, read inside the import's write transaction (which
    keeps every other writer out until it commits). On a server they come from the table's
    identity sequence, a batch at a time, so two seats importing at once never take the same
    id (a sequence hands out each number once, committed or not)."""

    def __init__(self, cursor, table: str) -> None:
        self.cursor = cursor
        self.table = table
        self.free: list[int] = []
        self.next_id = 0
        if not on_server():
            self.next_id = cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]

    def take(self) -> int:
        if self.next_id:
            self.next_id += 1
            return self.next_id - 1
        if not self.free:
            rows = self.cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, ?)",
                (self.table, BATCH),
            ).fetchall()
            self.free = sorted((r[0] for r in rows), reverse=True)
        return self.free.pop()


class _Writer:
    """Writes through prepared SQL with caches of emails, companies and tags, new contacts in
    batches (their ids given out up front by ``_NewIds``; COPY on a server), and indexes for
    search once at the end, so 100,000 rows take seconds, not minutes."""

    def __init__(self, policy: str, tag: str | None, run_id: int):
        self.policy = policy
        self.run_id = run_id
        self.changes: list[tuple] = []  # import_change rows waiting to be written
        self.new_companies: list[int] = []
        self.new_tags: list[int] = []
        self.extra_tags = clean_tags([tag] if tag else [])
        self.by_email: dict[str, int] = {
            e.lower(): cid
            for cid, e in tuples(Contact.select(Contact.id, Contact.email).where(Contact.email != ""))
        }
        self.companies: dict[str, int] = {
            n.lower(): cid for cid, n in tuples(Company.select(Company.id, Company.name))
        }
        self.tags: dict[str, int] = {n.lower(): tid for tid, n in tuples(Tag.select(Tag.id, Tag.name))}
        self.suppressed: set[str] = {e for (e,) in tuples(Suppression.select(fn.lower(Suppression.email)))}
        self.now_instant = datetime.now(UTC)
        self.now = _STAMP(self.now_instant)
        self.blank = list(new_row(self.now_instant).values())  # a new contact's columns, in COLUMNS order
        self.cursor = raw_cursor()
        self.contact_ids = _NewIds(self.cursor, "contact")
        self.inserts: list[list[object]] = []  # new contacts waiting to be written
        self.company_ids = _NewIds(self.cursor, "company")
        self.new_company_rows: list[tuple] = []  # new companies waiting to be written
        self.index = BulkIndexing(db.obj)
        self.tagged: list[tuple[int, int]] = []

    def company_id(self, name: str) -> int:
        key = name.lower()
        if key not in self.companies:
            company_id = self.company_ids.take()
            self.new_company_rows.append((company_id, name, self.now, self.now))
            self.companies[key] = company_id
            self.new_companies.append(company_id)
        return self.companies[key]

    def tag_ids(self, names) -> list[int]:
        ids = []
        for name in (*names, *self.extra_tags):
            key = name.lower()
            if key not in self.tags:
                self.cursor.execute("INSERT INTO tag (name) VALUES (?)", (name,))
                self.tags[key] = self.cursor.lastrowid
                self.new_tags.append(self.cursor.lastrowid)
            ids.append(self.tags[key])
        return list(dict.fromkeys(ids))

    def write(self, row: dict[str, object], summary: ImportSummary) -> None:
        tags = row.pop("tags")
        company = row.pop("company", None)
        email = str(row.get("email", "")).lower()
        existing = self.by_email.get(email) if email else None
        if existing is not None and self.policy == "skip":
            summary.skipped += 1
            return
        if company:
            row["company_id"] = self.company_id(str(company))
        if "consent_at" in row:
            row["consent"] = True
            row.setdefault("consent_source", "import")
        elif "consent_source" in row:
            del row["consent_source"]  # a source without consent means nothing
        if email and email in self.suppressed and "unsubscribed_at" not in row:
            row["unsubscribed_at"] = datetime.now(UTC)  # suppression outlives any re-import
        tag_ids = self.tag_ids(tags)
        if existing is None:
            contact_id = self._insert(row)
            if email:
                self.by_email[email] = contact_id
            summary.created += 1
            self.changes.append((self.run_id, contact_id, True, "{}", _json_ids(tag_ids), self.now))
            self.tagged.extend((contact_id, t) for t in tag_ids)
        else:
            contact_id = existing
            self._flush_tags()  # this file may have tagged the contact already
            had = {
                t
                for (t,) in self.cursor.execute(
                    "SELECT tag_id FROM contact_tag WHERE contact_id = ?", (contact_id,)
                )
            }
            replaced, stamp = self._update(existing, row)
            added = [t for t in tag_ids if t not in had]
            if replaced or added:
                self.changes.append(
                    (self.run_id, contact_id, False, json.dumps(replaced), json.dumps(added), stamp)
                )
            self.tagged.extend((contact_id, t) for t in added)  # what it had stays as it is
            summary.updated += 1
        self.index.touched(contact_id)
        if len(self.inserts) >= BATCH or len(self.tagged) > 5000:
            self._flush_tags()

    def _flush_tags(self) -> None:
        """Write what waits: new companies, new contacts, then their tags and history rows."""
        insert_rows(self.cursor, "company", ("id", "name", "created_at", "updated_at"), self.new_company_rows)
        self.new_company_rows.clear()
        insert_rows(self.cursor, "contact", COLUMNS, self.inserts)
        self.inserts.clear()
        insert_rows(self.cursor, "contact_tag", ("contact_id", "tag_id"), self.tagged)
        self.tagged.clear()
        insert_rows(
            self.cursor,
            "import_change",
            ("run_id", "contact_id", "created", "replaced", "added_tags", "stamp"),
            self.changes,
        )
        self.changes.clear()

    def _insert(self, row: dict[str, object]) -> int:
        contact_id = self.contact_ids.take()
        values = self.blank.copy()  # a new contact's defaults, in COLUMNS order
        values[_PLACE["id"]] = contact_id
        for key, value in row.items():
            if key in _INSTANTS and isinstance(value, datetime):
                value = _STAMP(value)
            elif key == "other_emails":
                value = json.dumps(value, ensure_ascii=False)
            values[_PLACE[key]] = value
        values[_PLACE["sort_name"]] = sort_key(str(row.get("first_name", "")), str(row.get("last_name", "")))
        self.inserts.append(values)
        return contact_id

    def _update(self, contact_id: int, row: dict[str, object]) -> tuple[dict, str]:
        """Apply ``row`` under the policy; return the stored values it replaced (for undo)
        and the contact's updated_at after it."""
        cursor = self.cursor.execute("SELECT * FROM contact WHERE id = ?", (contact_id,))
        before = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
        contact = Contact.get_by_id(contact_id)
        changes: dict[str, object] = {}
        for key, value in row.items():
            if key == "email":
                continue
            current = getattr(contact, key)
            if key in {"unsubscribed_at", "bounced_at", "consent_at"}:
                if current is None:
                    changes[key] = value  # recorded once, never cleared by a file
            elif key == "other_emails" and isinstance(value, list):
                merged = list(dict.fromkeys([*contact.other_emails, *value]))
                if merged != contact.other_emails:
                    changes[key] = merged
            elif self.policy == "overwrite" or current in (None, "", False):
                if value != current:
                    changes[key] = value
        if not changes:
            return {}, before["updated_at"]
        for key, value in changes.items():
            setattr(contact, key, value)
        contact.updated_at = self.now_instant
        contact.save()
        columns = {"company_id" if k == "company" else k for k in changes}
        return {k: before[k] for k in (*columns, "updated_at", "sort_name")}, self.now

    def finish(self) -> None:
        self._flush_tags()
        self.index.finish()


Progress = Callable[[int, int], None]
IMPORT_WAIT_MS = 600_000  # how long an import waits for another seat's import to finish


@contextmanager
def _one_import_at_a_time() -> Iterator[None]:
    """Imports queue one after the other, like the seats' other writes, but an import waits
    for another seat's import as long as it takes (the store's usual wait is seconds): on a
    SQLite file by waiting longer for the write lock, on a server with an advisory lock. So
    the duplicates rule holds between two files imported at once."""
    if on_server():
        yield
        return
    before = db.execute_sql("PRAGMA busy_timeout").fetchone()[0]
    db.execute_sql(f"PRAGMA busy_timeout = {IMPORT_WAIT_MS}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA busy_timeout = {int(before)}")


def import_records(
    records: Iterable[Incoming | Rejected],
    *,
    policy: str = "skip",
    tag: str | None = None,
    region: str | None = None,
    source_name: str = "import",
    total: int = 0,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    report_dir: Path | None = None,
    source_path: Path | None = None,
) -> ImportSummary:
    """Write ``records`` in one transaction; see the module's rules. ``total`` (if known)
    is what progress counts toward."""
    if policy not in POLICIES:
        raise ValueError(f"unknown duplicate policy {policy!r}; use {', '.join(POLICIES)}")
    summary = ImportSummary()
    checks = Checks()  # each distinct email domain validated once per import
    with _one_import_at_a_time(), write_transaction() as transaction:
        if on_server():  # another seat's import goes first; a seat's single saves do not wait
            db.execute_sql("SELECT pg_advisory_xact_lock(hashtext('smarketer import'))")
        run = ImportRun.create(source=source_name)
        summary.run_id = run.id
        writer = _Writer(policy, tag, run.id)
        for n, record in enumerate(records, 1):
            if isinstance(record, Rejected):
                summary.rejected.append(record)
            else:
                row = clean_record(record, region, checks)
                if isinstance(row, Rejected):
                    summary.rejected.append(row)
                else:
                    summary.email_to_fix += bool(row.get("email_to_fix"))
                    writer.write(row, summary)
            if n % 500 == 0:
                if cancelled and cancelled():
                    transaction.rollback()
                    raise ImportCancelled("Import cancelled: nothing was imported.")
                if progress:
                    progress(n, max(total, n))
        writer.finish()
        ImportRun.update(
            created=summary.created,
            updated=summary.updated,
            skipped=summary.skipped,
            rejected=len(summary.rejected),
            new_companies=writer.new_companies,
            new_tags=writer.new_tags,
        ).where(ImportRun.id == run.id).execute()
    if progress:
        progress(summary.read, summary.read)
    if summary.rejected:
        summary.report = write_report(summary.rejected, source_name, report_dir)
        if source_path is not None:
            summary.report_copy = copy_report(summary.report, Path(source_path).parent)
    return summary


def write_report(rejected: list[Rejected], source_name: str, folder: Path | None = None) -> Path:
    """A CSV of every rejected row with its reason and its original cells, safe to open in a
    spreadsheet (cells that would run as formulas are made text, as in the export)."""
    folder = folder or paths.data_dir() / "import-reports"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{Path(source_name).stem}-rejected-{stamp}.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        out.writerow(["where", "reason", "original"])
        for r in rejected:
            out.writerow([neutralise(c) for c in (r.where, r.reason, *r.raw)])
    return path


def copy_report(report: Path, folder: Path) -> Path | None:
    """A copy of the report beside the imported file; None when that folder is not writable."""
    target = folder / report.name
    try:
        shutil.copyfile(report, target)
    except OSError:
        return None
    return target
