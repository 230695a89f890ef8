"""Import history and undo.

Each import is an ``ImportRun``; each contact it made or changed is an ``ImportChange`` with
the values it replaced and the tags it attached, stamped with the contact's ``updated_at``
right after the import. Undo deletes what the import made and puts back what it replaced,
in one transaction, unless a contact has been used since: edited (its ``updated_at`` moved),
or, for one the import made, given a note, deal, task, proposal or email. Those are named and
left as they are; the rest can still be undone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from peewee import fn

from smarketer.contacts.columns import COLUMNS
from smarketer.db import db
from smarketer.db.fields import utc_now
from smarketer.db.models.contacts import Company, Contact, ContactTag, ImportChange, ImportRun, Tag
from smarketer.db.rows import tuples
from smarketer.errors import UserError


class UndoRefused(UserError, ValueError):
    """The import cannot be undone (as asked); the message says why."""


# Tables whose rows mean a contact has been used (contact_id column in each).
_USED_BY = {
    "activity": "a note or timeline entry",
    "deal": "a deal",
    "task": "a task",
    "proposal": "a proposal",
    "outbox_message": "an email",
    "inbound_message": "an email received",
}
# What an import may have replaced and undo puts back: every column but the row's identity and
# bookkeeping, the email it was matched on and the referral (which files do not carry).
_RESTORABLE = frozenset(COLUMNS) - {
    "id",
    "version",
    "changed_by",
    "created_at",
    "deleted_at",
    "email",
    "referred_by_id",
}


@dataclass(frozen=True)
class ImportRunInfo:
    """One line of the import history."""

    id: int
    source: str
    started_at: datetime
    created: int
    updated: int
    skipped: int
    rejected: int
    undone_at: datetime | None

    def describe(self) -> str:
        when = self.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        state = " (undone)" if self.undone_at else ""
        return (
            f"{when} {self.source}: {self.created} created, {self.updated} updated, "
            f"{self.skipped} skipped, {self.rejected} rejected{state}"
        )


@dataclass
class UndoCheck:
    """What undoing ``run`` would do: how many contacts it can take back, and which were
    used since (contact id, name, why) and would be left as they are."""

    run: ImportRunInfo
    undoable: int = 0
    used: list[tuple[int, str, str]] = field(default_factory=list)

    def describe_used(self, limit: int = 10) -> str:
        lines = [f"{name}: {why}" for _cid, name, why in self.used[:limit]]
        if len(self.used) > limit:
            lines.append(f"… and {len(self.used) - limit} more")
        return "\n".join(lines)


def _info(run: ImportRun) -> ImportRunInfo:
    return ImportRunInfo(
        run.id, run.source, run.started_at, run.created, run.updated, run.skipped, run.rejected, run.undone_at
    )


def history(limit: int = 50) -> list[ImportRunInfo]:
    """The latest imports, newest first."""
    return [_info(r) for r in ImportRun.select().order_by(ImportRun.id.desc()).limit(limit)]


def last_undoable() -> ImportRunInfo | None:
    run = ImportRun.select().where(ImportRun.undone_at.is_null()).order_by(ImportRun.id.desc()).first()
    return _info(run) if run else None


def _run(run_id: int) -> ImportRun:
    run = ImportRun.get_or_none(ImportRun.id == run_id)
    if run is None:
        raise UndoRefused(f"no import number {run_id} in the history")
    if run.undone_at is not None:
        raise UndoRefused(f"the import of {run.source} was already undone")
    return run


def check_undo(run_id: int) -> UndoCheck:
    """Which contacts of the import can be taken back, and which were used since."""
    run = _run(run_id)
    check = UndoCheck(_info(run))
    changes: list[tuple[int, bool, str]] = list(  # (contact id, made by the import, stamp)
        tuples(
            ImportChange.select(ImportChange.contact, ImportChange.created, ImportChange.stamp).where(
                ImportChange.run == run.id
            )
        )
    )
    created = [cid for cid, made, _stamp in changes if made]
    used: dict[int, str] = {}
    for table, why in _USED_BY.items():
        for start in range(0, len(created), 900):
            page = created[start : start + 900]
            rows = db.execute_sql(
                f"SELECT DISTINCT contact_id FROM {table} WHERE contact_id IN ({', '.join('?' * len(page))})",
                page,
            ).fetchall()
            for (cid,) in rows:
                used.setdefault(cid, f"has {why}")
    stamps = {cid: stamp for cid, _made, stamp in changes}
    for start in range(0, len(changes), 900):
        page = [cid for cid, _made, _stamp in changes[start : start + 900]]
        for cid, updated in db.execute_sql(
            f"SELECT id, updated_at FROM contact WHERE id IN ({', '.join('?' * len(page))})", page
        ).fetchall():
            if updated != stamps[cid]:
                used.setdefault(cid, "edited since the import")
    names: dict[int, str] = (
        dict(
            tuples(
                Contact.select(
                    Contact.id, fn.trim(Contact.first_name.concat(" ").concat(Contact.last_name))
                ).where(Contact.id.in_(list(used)))
            )
        )
        if used
        else {}
    )
    check.used = sorted(
        ((cid, names.get(cid) or f"contact {cid}", why) for cid, why in used.items()),
        key=lambda u: u[1].lower(),
    )
    check.undoable = len({cid for cid, _made, _stamp in changes}) - len(used)
    return check


def undo_import(run_id: int, keep_used: bool = False) -> int:
    """Undo an import; return how many contacts were taken back. Contacts used since are
    left alone only with ``keep_used`` (otherwise a UndoRefused names them)."""
    with db.atomic():
        check = check_undo(run_id)
        if check.used and not keep_used:
            raise UndoRefused(
                f"{len(check.used)} contacts of this import were used since "
                f"(e.g. {check.used[0][1]}: {check.used[0][2]}); undo the rest "
                "to leave them as they are"
            )
        run = ImportRun.get_by_id(run_id)
        leave = {cid for cid, _name, _why in check.used}
        done: set[int] = set()
        for change in ImportChange.select().where(ImportChange.run == run_id):
            cid = change.contact_id
            if cid in leave:
                continue
            done.add(cid)
            if change.created:
                Contact.delete().where(Contact.id == cid).execute()
                continue
            replaced = {k: v for k, v in change.replaced.items() if k in _RESTORABLE}
            if replaced:
                columns = ", ".join(f"{k} = ?" for k in replaced)
                db.execute_sql(f"UPDATE contact SET {columns} WHERE id = ?", [*replaced.values(), cid])
            if change.added_tags:
                ContactTag.delete().where(
                    (ContactTag.contact == cid) & ContactTag.tag.in_(change.added_tags)
                ).execute()
            if replaced or change.added_tags:  # an open editor must not save the import back
                Contact.update(Contact.bumped()).where(Contact.id == cid).execute()
        if run.new_companies:
            Company.delete().where(
                Company.id.in_(run.new_companies)
                & ~fn.EXISTS(Contact.select().where(Contact.company == Company.id))
            ).execute()
        if run.new_tags:
            Tag.delete().where(
                Tag.id.in_(run.new_tags) & ~fn.EXISTS(ContactTag.select().where(ContactTag.tag == Tag.id))
            ).execute()
        run.undone_at = utc_now()
        run.save()
    return len(done)
