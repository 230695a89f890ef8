"""Proposals as people read them in lists and as text, surviving any row already in a store.

A store may hold rows no current version would write (an older version's JSON import let
``quantity: 1e400`` in; a file edited by hand may hold "abc" where a number belongs). Such a
proposal is listed and shown with its problem named, never allowed to stop the others: the
identifying columns are read as plain SQL values, and everything that converts or computes runs
under one guard per proposal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from smarketer.db import db
from smarketer.db.models.proposals import Proposal
from smarketer.proposals import contents, presentation
from smarketer.proposals.contents import items
from smarketer.proposals.drafts import client_of, for_deal
from smarketer.proposals.presentation import PrintedItem, TotalRow
from smarketer.proposals.pricing import ProposalTotals

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProposalSummary:
    """A proposal as lists show it: plain values (a table formats them, JSON writes them)."""

    id: int
    number: str
    revision: int
    label: str
    title: str
    status: str
    issue_date: date | None
    valid_until: date | None
    currency: str
    locale: str
    client_id: int | None = None
    client: str = ""
    deal_id: int | None = None
    total: Decimal | None = None  # None when it cannot be computed
    problem: str = ""  # why this proposal cannot be priced or read, in one line

    @property
    def total_text(self) -> str:
        """The total in the proposal's own currency and language; "" when it cannot be priced."""
        return "" if self.total is None else presentation.money(self.total, self.currency, self.locale)


@dataclass(frozen=True)
class ProposalLine:
    """One stored line. Numbers are Decimals, or the stored text when it is not a number."""

    kind: str  # item | heading
    description: str
    quantity: Decimal | str | None = None  # None on a heading
    unit: str = ""
    unit_price: Decimal | str | None = None
    discount: Decimal | str | None = None
    tax_rate: Decimal | str | None = None
    optional: bool = False
    amount: Decimal | None = None  # after the line's discount; None for headings and when unpriced


@dataclass(frozen=True)
class ProposalView:
    """Everything `proposal show` prints (the table) or writes (the JSON)."""

    summary: ProposalSummary
    rounding: str
    document_discount: Decimal | str
    lines: list[ProposalLine]
    totals: ProposalTotals | None = None  # None when it cannot be priced

    def printed_items(self) -> list[PrintedItem]:
        """The lines as the PDF prints them; for an unpriced proposal the stored text as it is."""
        s = self.summary
        if self.totals is None:
            return [_raw_printed(line) for line in self.lines]
        return presentation.items(self.lines, self.totals, s.currency, s.locale)

    def total_rows(self) -> list[TotalRow]:
        if self.totals is None:
            return []
        s = self.summary
        return presentation.total_rows(  # (priced: the discount is the stored Decimal)
            self.totals, Decimal(self.document_discount), self.rounding, s.currency, s.locale
        )

    def notes(self) -> list[str]:
        if self.totals is None:
            return []
        return presentation.notes(self.totals, self.rounding, self.summary.currency, self.summary.locale)


def _label(number, revision) -> str:
    return f"{number}" if revision in (1, "1", None) else f"{number}-R{revision}"


def _problem(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:159] + "…"


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


_COLUMNS = "id, number, revision, title, status, issue_date, valid_until, currency, locale, rounding"


def _raw(proposal_id: int | None = None) -> list[tuple]:
    sql = f"SELECT {_COLUMNS} FROM proposal"
    if proposal_id is not None:
        return db.execute_sql(sql + " WHERE id = ?", (proposal_id,)).fetchall()
    return db.execute_sql(sql + " ORDER BY issue_date DESC, number DESC, revision DESC").fetchall()


def _summary(row: tuple) -> tuple[ProposalSummary, Proposal | None, ProposalTotals | None]:
    """The summary, the model row and its totals (None for both when damaged)."""
    pid, number, revision, title, status, issued, valid_until, currency, locale = row[:9]
    base = dict(
        id=pid,
        number=str(number or ""),
        revision=revision if isinstance(revision, int) else 1,
        label=_label(number, revision),
        title=str(title or ""),
        status=str(status or ""),
        issue_date=_day(issued),
        valid_until=_day(valid_until),
        currency=str(currency or ""),
        locale=str(locale or ""),
    )
    client: dict = {}
    try:
        proposal = Proposal.get_by_id(pid)
        contact = client_of(proposal)
        client = dict(
            client_id=contact.id if contact else None,
            client=(contact.full_name or contact.email) if contact else "",
            deal_id=proposal.deal_id,
        )
        totals = contents.totals(proposal)
        presentation.money(totals.total, proposal.currency, proposal.locale)  # its locale can write it
    except Exception as exc:  # noqa: BLE001 - one damaged proposal must not hide the others
        log.warning("proposal %s cannot be read: %s", base["label"], exc, exc_info=True)
        return ProposalSummary(**base, **client, problem=_problem(exc)), None, None
    return ProposalSummary(**base, **client, total=totals.total), proposal, totals


def summary(proposal_id: int) -> ProposalSummary:
    return _summary(_raw(proposal_id)[0])[0]


def summaries_for_deal(deal_id: int) -> list[ProposalSummary]:
    """The proposals made for a deal (a damaged one carries its ``problem``)."""
    return [summary(p.id) for p in for_deal(deal_id)]


def summaries() -> list[ProposalSummary]:
    """Every proposal, newest first; a damaged one carries its ``problem``."""
    return [_summary(row)[0] for row in _raw()]


def _stored(value) -> Decimal | str:
    """A stored number as a Decimal, or its text as it is when it is not a finite number."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return number if number.is_finite() else str(value)


def _raw_lines(proposal_id: int) -> list[ProposalLine]:
    """The stored lines as they are, for a proposal that cannot be priced."""
    rows = db.execute_sql(
        "SELECT kind, description, quantity, unit, unit_price, discount, tax_rate, optional "
        "FROM proposal_item WHERE proposal_id = ? ORDER BY position, id",
        (proposal_id,),
    )
    out = []
    for kind, description, quantity, unit, price, discount, rate, optional in rows:
        if kind == "heading":
            out.append(ProposalLine("heading", str(description or "")))
            continue
        out.append(
            ProposalLine(
                "item",
                str(description or ""),
                _stored(quantity),
                str(unit or ""),
                _stored(price),
                _stored(discount),
                _stored(rate),
                bool(optional),
            )
        )
    return out


def _raw_printed(line: ProposalLine) -> PrintedItem:
    if line.kind == "heading":
        return PrintedItem(True, line.description)
    return PrintedItem(
        False,
        line.description,
        f"{str(line.quantity)[:24]} {line.unit}".strip(),
        str(line.unit_price)[:24],
        f"{str(line.discount)[:12]} %",
        f"{str(line.tax_rate)[:12]} %",
        "",
        line.optional,
    )


def view(proposal_id: int) -> ProposalView:
    [row] = _raw(proposal_id)
    summary, proposal, totals = _summary(row)
    rounding = str(row[9] or "")
    if proposal is None or totals is None:
        discount = db.execute_sql("SELECT document_discount FROM proposal WHERE id = ?", (proposal_id,))
        return ProposalView(summary, rounding, _stored(discount.fetchone()[0]), _raw_lines(proposal_id))
    lines = [
        ProposalLine("heading", item.description)
        if item.kind == "heading"
        else ProposalLine(
            item.kind,
            item.description,
            item.quantity,
            item.unit,
            item.unit_price,
            item.discount,
            item.tax_rate,
            item.optional,
            amounts.net if amounts is not None else None,
        )
        for item, amounts in zip(items(proposal.id), totals.lines, strict=True)
    ]
    return ProposalView(summary, rounding, proposal.document_discount, lines, totals)


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
