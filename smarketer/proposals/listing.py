"""Proposals as people read them in lists and as text, surviving any row already in a store.

A store may hold rows no current version would write (an older version's JSON import let
``quantity: 1e400`` in; a file edited by hand may hold "abc" where a number belongs). Such a
proposal is listed and shown with its problem named, never allowed to stop the others: the
identifying columns are read as plain SQL values, and everything that converts or computes runs
under one guard per proposal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from smarketer.db import db
from smarketer.db.models import Proposal
from smarketer.proposals import presentation, service
from smarketer.proposals.presentation import PrintedItem, TotalRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProposalSummary:
    id: int
    label: str
    title: str
    client: str
    status: str
    issued: str
    total: str  # formatted; "" when it cannot be computed
    problem: str = ""  # why this proposal cannot be priced or read, in one line


@dataclass(frozen=True)
class ProposalView:
    """Everything `proposal show` prints."""

    summary: ProposalSummary
    valid_until: str
    rounding: str
    items: list[PrintedItem]
    totals: list[TotalRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _label(number, revision) -> str:
    return f"{number}" if revision in (1, "1", None) else f"{number}-R{revision}"


def _problem(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:159] + "…"


def _raw(proposal_id: int | None = None) -> list[tuple]:
    sql = "SELECT id, number, revision, title, status, issue_date, valid_until, rounding FROM proposal"
    if proposal_id is not None:
        return db.execute_sql(sql + " WHERE id = ?", (proposal_id,)).fetchall()
    return db.execute_sql(sql + " ORDER BY issue_date DESC, number DESC, revision DESC").fetchall()


def _summary(row: tuple) -> tuple[ProposalSummary, Proposal | None, object]:
    """The summary, the model row and its totals (None for both when damaged)."""
    pid, number, revision, title, status, issued = row[:6]
    base = dict(
        id=pid,
        label=_label(number, revision),
        title=str(title or ""),
        status=str(status or ""),
        issued=str(issued or ""),
    )
    client = ""
    try:
        proposal = Proposal.get_by_id(pid)
        contact = service.client_of(proposal)
        client = (contact.full_name or contact.email) if contact else ""
        totals = service.totals(proposal)
        total = presentation.money(totals.total, proposal.currency, proposal.locale)
    except Exception as exc:  # noqa: BLE001 - one damaged proposal must not hide the others
        log.warning("proposal %s cannot be read: %s", base["label"], exc, exc_info=True)
        return ProposalSummary(**base, client=client, total="", problem=_problem(exc)), None, None
    return ProposalSummary(**base, client=client, total=total), proposal, totals


def summary(proposal_id: int) -> ProposalSummary:
    return _summary(_raw(proposal_id)[0])[0]


def summaries() -> list[ProposalSummary]:
    """Every proposal, newest first; a damaged one carries its ``problem``."""
    return [_summary(row)[0] for row in _raw()]


def _raw_items(proposal_id: int) -> list[PrintedItem]:
    """The stored lines as they are, for a proposal that cannot be priced."""
    rows = db.execute_sql(
        "SELECT kind, description, quantity, unit, unit_price, discount, tax_rate, optional "
        "FROM proposal_item WHERE proposal_id = ? ORDER BY position, id",
        (proposal_id,),
    )
    out = []
    for kind, description, quantity, unit, price, discount, rate, optional in rows:
        if kind == "heading":
            out.append(PrintedItem(True, str(description or "")))
            continue
        out.append(
            PrintedItem(
                False,
                str(description or ""),
                f"{str(quantity)[:24]} {unit or ''}".strip(),
                str(price)[:24],
                f"{str(discount)[:12]} %",
                f"{str(rate)[:12]} %",
                "",
                bool(optional),
            )
        )
    return out


def view(proposal_id: int) -> ProposalView:
    [row] = _raw(proposal_id)
    summary, proposal, totals = _summary(row)
    valid_until, rounding = str(row[6] or ""), str(row[7] or "")
    if proposal is None or totals is None:
        return ProposalView(summary, valid_until, rounding, _raw_items(proposal_id))
    currency, locale = proposal.currency, proposal.locale
    return ProposalView(
        summary,
        valid_until,
        rounding,
        presentation.items(service.items(proposal.id), totals, currency, locale),
        presentation.total_rows(totals, proposal.document_discount, proposal.rounding, currency, locale),
        presentation.notes(totals, proposal.rounding, currency, locale),
    )


def find_id(number: str) -> int | None:
    """Like service.find, reading plain SQL values (P-2026-0001 is the newest revision,
    P-2026-0001-R1 the first)."""
    number = number.strip()
    base, _, rev = number.rpartition("-R")
    if base and rev.isdigit():
        row = db.execute_sql(
            "SELECT id FROM proposal WHERE number = ? AND revision = ?", (base, int(rev))
        ).fetchone()
    else:
        row = db.execute_sql(
            "SELECT id FROM proposal WHERE number = ? ORDER BY revision DESC", (number,)
        ).fetchone()
    return row[0] if row else None
