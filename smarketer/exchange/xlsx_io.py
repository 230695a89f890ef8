"""Excel workbooks (.xlsx) in and out, with openpyxl.

Import reads one sheet (the owner picks it when there are several), finds the header row as
for CSV and streams the rows (read-only mode: a large sheet is never loaded whole). Export
writes every cell as typed text: a spreadsheet never runs it as a formula, so no apostrophe
is needed and phone numbers look as typed.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

from smarketer.exchange.csv_io import EXPORT_COLUMNS, CsvLayout, UnreadableFile, cell_text
from smarketer.exchange.headers import guess_mapping, is_known, ordered_mapping
from smarketer.exchange.records import Incoming, Rejected, record_from_cells

XLSX = "xlsx"  # the layout's "encoding" for a workbook


def is_workbook(path: Path) -> bool:
    """An .xlsx file by content: a ZIP holding a workbook part."""
    if not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def _open(path: Path):
    import openpyxl  # imported on first use: most imports are CSV

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise UnreadableFile(f"{path}: not a readable Excel workbook ({exc})") from None


def sheet_names(path: Path) -> list[str]:
    workbook = _open(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _rows(path: Path, sheet: str) -> Iterator[list[str]]:
    workbook = _open(path)
    try:
        if sheet not in workbook.sheetnames:
            raise UnreadableFile(
                f"{path}: no sheet named {sheet!r} (sheets: {', '.join(workbook.sheetnames)})"
            )
        for row in workbook[sheet].iter_rows(values_only=True):
            yield [_text(v) for v in row]
    finally:
        workbook.close()


def sniff(path: Path, sheet: str | None = None) -> CsvLayout:
    """The header row of ``sheet`` (the first sheet by default); the sheet's name is kept
    in the layout's delimiter field."""
    sheet = sheet or sheet_names(path)[0]
    best: tuple[int, int, list[str]] = (-1, 0, [])
    for index, cells in enumerate(_rows(path, sheet)):
        if index >= 30:
            break
        score = sum(is_known(c) for c in cells)
        if any(c.strip() for c in cells) and score > best[0] and (score >= 2 or best[0] < 0):
            best = (score, index, cells)
        if score >= 3:
            break
    _score, header_row, headers = best
    while headers and not headers[-1].strip():
        headers = headers[:-1]
    if not headers:
        raise UnreadableFile(f"{path}: the sheet {sheet!r} is empty")
    return CsvLayout(XLSX, sheet, header_row, tuple(h.strip() for h in headers))


def read_rows(
    path: Path, layout: CsvLayout, mapping: dict[int, str], limit: int | None = None
) -> Iterator[Incoming | Rejected]:
    ordered = ordered_mapping(mapping, layout.headers)
    produced = 0
    for number, cells in enumerate(_rows(path, layout.delimiter), 1):
        if number <= layout.header_row + 1 or not any(c.strip() for c in cells):
            continue
        yield record_from_cells(f"row {number}", cells, ordered, layout.headers)
        produced += 1
        if limit is not None and produced >= limit:
            return


def count_rows(path: Path, layout: CsvLayout) -> int:
    return sum(1 for _ in read_rows(path, layout, {}))


def plan_mapping(layout: CsvLayout) -> dict[int, str]:
    return guess_mapping(layout.headers)


def export_xlsx(contact_ids: list[int], path: Path) -> int:
    """Write contacts to one sheet, every cell typed text (never a formula)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    from smarketer.exchange.export import contact_dicts

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")

    def text_cell(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text even when it starts with "=": never run as a formula
        return cell

    sheet.append([text_cell(label) for label, _ in EXPORT_COLUMNS])
    n = 0
    for data in contact_dicts(contact_ids):
        sheet.append([text_cell(cell_text(data[key])) for _, key in EXPORT_COLUMNS])
        n += 1
    workbook.save(path)
    return n
