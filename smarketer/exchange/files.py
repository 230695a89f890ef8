"""Import and export by file: the entry points the CLI and the import dialog use."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from smarketer import settings
from smarketer.exchange import csv_io, vcard_io, xlsx_io
from smarketer.exchange.csv_io import CsvLayout, UnreadableFile
from smarketer.exchange.importer import ImportSummary, import_records
from smarketer.exchange.records import Incoming, Rejected

__all__ = ["ImportPlan", "UnreadableFile", "export_contacts", "plan_import", "replan", "run_import"]


@dataclass
class ImportPlan:
    """What was found in a file before importing: its kind, layout and column mapping."""

    path: Path
    kind: str  # "csv", "xlsx" or "vcard"
    layout: CsvLayout | None = None  # for xlsx: the sheet's name in place of the delimiter
    mapping: dict[int, str] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)  # a workbook's sheets, to pick from

    def records(self, limit: int | None = None) -> Iterable[Incoming | Rejected]:
        if self.kind == "vcard":
            records = vcard_io.read_cards(self.path)
            return records if limit is None else itertools.islice(records, limit)
        reader = xlsx_io if self.kind == "xlsx" else csv_io
        return reader.read_rows(self.path, self.layout, self.mapping, limit)

    def count(self) -> int:
        """Rows to read (for progress), 0 when it would take a pass of its own to know."""
        if self.kind == "csv" and self.layout is not None:
            return csv_io.count_rows(self.path, self.layout)
        return 0

    def preview(self, limit: int = 50) -> list[Incoming | Rejected]:
        return list(self.records(limit))


def plan_import(
    path: Path, encoding: str | None = None, delimiter: str | None = None, sheet: str | None = None
) -> ImportPlan:
    """Look at a file (by content, not extension); raise UnreadableFile with the reason.
    ``encoding`` and ``delimiter`` replace what would be detected (CSV only); ``sheet``
    picks a workbook's sheet (the first by default)."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(f"{path}: no such file")
    if path.is_dir():
        raise UnreadableFile(f"{path}: is a folder, not a file")
    try:
        is_vcard = vcard_io.looks_like_vcard(path)
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if is_vcard:
        return ImportPlan(path, "vcard")
    if xlsx_io.is_workbook(path):
        layout = xlsx_io.sniff(path, sheet)
        return ImportPlan(path, "xlsx", layout, xlsx_io.plan_mapping(layout), xlsx_io.sheet_names(path))
    layout = csv_io.sniff(path, encoding, delimiter)
    return ImportPlan(path, "csv", layout, csv_io.guess_mapping(layout.headers))


def replan(plan: ImportPlan, encoding: str | None = None, delimiter: str | None = None) -> ImportPlan:
    """The same file read with another encoding or delimiter; the column mapping is kept
    when the header row reads the same."""
    if plan.kind == "vcard" or plan.layout is None:
        return plan
    if plan.kind == "xlsx":  # the "delimiter" names the sheet
        new = plan_import(plan.path, sheet=delimiter or plan.layout.delimiter)
    else:
        new = plan_import(plan.path, encoding or plan.layout.encoding, delimiter or plan.layout.delimiter)
    if new.layout and new.layout.headers == plan.layout.headers:
        new.mapping = dict(plan.mapping)
    return new


def run_import(
    plan: ImportPlan,
    *,
    policy: str = "skip",
    tag: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportSummary:
    """Import every record of ``plan`` in one transaction (see importer's rules)."""
    if plan.kind != "vcard" and not any(
        t in plan.mapping.values() for t in ("email", "first_name", "last_name", "full_name")
    ):
        raise UnreadableFile(f"{plan.path}: no column is mapped to a name or an email")
    total = plan.count()
    return import_records(
        plan.records(),
        policy=policy,
        tag=tag,
        region=settings.load_profile().region,
        source_name=plan.path.name,
        source_path=plan.path,
        total=total,
        progress=progress,
        cancelled=cancelled,
    )


def export_contacts(contact_ids: list[int], path: Path, vcard_version: str = "3.0") -> int:
    """Write contacts to ``path``: vCard for .vcf/.vcard, a workbook for .xlsx, CSV
    otherwise. Returns the count."""
    path = Path(path)
    if not path.parent.is_dir():
        raise UnreadableFile(f"{path}: the folder {path.parent} does not exist")
    if path.suffix.lower() in {".vcf", ".vcard"}:
        return vcard_io.export_vcards(contact_ids, path, vcard_version)
    if path.suffix.lower() == ".xlsx":
        return xlsx_io.export_xlsx(contact_ids, path)
    return csv_io.export_csv(contact_ids, path)
