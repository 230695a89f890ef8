"""CSV files from other apps: sniffing, streaming rows with quoting errors found; and the
spreadsheet-safe export.

``sniff(path)`` finds the encoding (see ``encoding``: decided on the whole file, never
patched), the delimiter and the header row (LinkedIn puts notes above it);
``headers.guess_mapping`` knows the column names of many exporters. ``read_rows()`` streams
the file: a 200 MB file is never read whole. A quote left open (which would swallow the
following rows into one cell) is found by what it does, reported with its line number, and
the rows it swallowed are read again on their own.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from smarketer.errors import UserError
from smarketer.exchange import encoding as encodings
from smarketer.exchange.headers import guess_mapping, is_known, ordered_mapping
from smarketer.exchange.records import Incoming, Rejected, neutralise, record_from_cells

__all__ = ["CsvLayout", "UnreadableFile", "count_rows", "guess_mapping", "read_rows", "sniff"]

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
MAX_FIELD_LINES = 200  # a cell spanning more lines than this is a quote left open
csv.field_size_limit(16 * 1024 * 1024)

_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive or an Excel workbook (.xlsx); save it as CSV first",
    b"\xd0\xcf\x11\xe0": "an old Excel or Word file (.xls/.doc); save it as CSV first",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"SQLite format 3": "a SQLite database",
}


class UnreadableFile(UserError, ValueError):
    """The file as a whole cannot be imported; the message says why, naming the file."""


@dataclass(frozen=True)
class CsvLayout:
    encoding: str
    delimiter: str
    header_row: int  # rows before the header (LinkedIn's notes), 0 for most files
    headers: tuple[str, ...]

    def describe(self) -> str:
        return f"{encodings.label(self.encoding)}, {DELIMITERS.get(self.delimiter, self.delimiter)}"


def _check_text(path: Path, head: bytes) -> None:
    if not head:
        raise UnreadableFile(f"{path}: the file is empty")
    for signature, what in _BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise UnreadableFile(f"{path}: this is {what}, not a CSV or vCard file")


def _head_lines(path: Path, encoding: str, count: int = 40) -> list[str]:
    lines = []
    for line in encodings.TextLines(path, encoding):
        lines.append(line)
        if len(lines) >= count:
            break
    return lines


def sniff(path: Path, encoding: str | None = None, delimiter: str | None = None) -> CsvLayout:
    """Find encoding, delimiter and header row (or take the ones given); raise
    UnreadableFile with the reason."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
        _check_text(path, head)
        try:
            encoding = encodings.canonical(encoding) if encoding else encodings.detect(path)
        except LookupError as exc:
            raise UnreadableFile(f"{path}: {exc}") from None
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if delimiter is not None and delimiter not in DELIMITERS:
        raise UnreadableFile(f"{path}: the delimiter must be one of comma, semicolon, tab or bar (, ; \\t |)")
    lines = _head_lines(path, encoding)
    text = "".join(lines)
    if sum(ch < " " and ch not in "\r\n\t" for ch in text[:4096]) > 200:
        raise UnreadableFile(f"{path}: this looks like a binary file, not CSV")
    lines = [line.lstrip("\ufeff") for line in text.splitlines()]
    if not any(line.strip() for line in lines):
        raise UnreadableFile(f"{path}: the file has no text in it")

    def count_outside_quotes(line: str, d: str) -> int:
        return re.sub(r'"[^"]*"', "", line).count(d)

    best: tuple[int, int, str, list[str]] = (-1, 0, delimiter or ",", [])
    for index, line in enumerate(lines[:30]):
        if not line.strip():
            continue
        d = delimiter or max(DELIMITERS, key=lambda c: count_outside_quotes(line, c))
        cells = next(csv.reader([line], delimiter=d), [])
        score = sum(is_known(c) for c in cells)
        if score > best[0] and (score >= 2 or best[0] < 0):
            best = (score, index, d, cells)
        if score >= 3:
            break
    _score, line_index, delimiter, _cells = best
    # The header's position counted in CSV rows (a quoted preamble may span lines).
    rows = list(csv.reader(io.StringIO("\n".join(lines[: line_index + 1])), delimiter=delimiter))
    header_row = len(rows) - 1
    headers = tuple(h.strip() for h in rows[-1]) if rows else ()
    if not any(headers):
        raise UnreadableFile(f"{path}: no header row found")
    return CsvLayout(encoding, delimiter, header_row, headers)


class _TrackedLines:
    """Hands lines to csv.reader and remembers which physical lines each record took."""

    def __init__(self, lines: Iterator[str], first_number: int):
        self.lines = lines
        self.number = first_number - 1
        self.taken: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.number += 1
        self.taken.append(line)
        return line


@dataclass
class _Record:
    first: int  # physical line numbers, 1-based
    last: int
    cells: list[str]
    lines: list[str]

    @property
    def where(self) -> str:
        return f"line {self.first}" if self.first == self.last else f"lines {self.first}–{self.last}"


def _records(lines: Iterator[str], first_number: int, delimiter: str) -> Iterator[_Record]:
    tracked = _TrackedLines(lines, first_number)
    reader = csv.reader(tracked, delimiter=delimiter)
    while True:
        tracked.taken = []
        first = tracked.number + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        yield _Record(first, tracked.number, cells, tracked.taken)


def _quote_left_open(record: _Record, width: int, delimiter: str) -> bool:
    """A record spanning lines whose multi-line cell holds what look like further rows."""
    spanning = [c for c in record.cells if "\n" in c]
    if not spanning or record.last == record.first:
        return False
    if record.last - record.first > MAX_FIELD_LINES or len(record.cells) != width:
        return True
    need = max(2, -(-width * 6 // 10))
    for cell in spanning:
        for inner in cell.split("\n")[1:]:
            if len(next(csv.reader([inner], delimiter=delimiter), [])) >= need:
                return True
    return False


def _checked(records: Iterator[_Record], width: int, delimiter: str) -> Iterator[_Record | Rejected]:
    """Records, with each quote left open reported and the lines it swallowed read again."""
    for record in records:
        if not _quote_left_open(record, width, delimiter):
            yield record
            continue
        first_line = record.lines[0].rstrip("\r\n")
        yield Rejected(
            f"line {record.first}",
            f"a quote opened on line {record.first} is not closed where it should "
            f"be (lines {record.first}–{record.last} would have become one "
            "contact); fix the quote and import this line again",
            first_line.split(delimiter),
        )
        yield from _checked(_records(iter(record.lines[1:]), record.first + 1, delimiter), width, delimiter)


def read_rows(
    path: Path, layout: CsvLayout, mapping: dict[int, str], limit: int | None = None
) -> Iterator[Incoming | Rejected]:
    """Stream the data rows as records; ``where`` gives the line number(s) in the file."""
    width = len(layout.headers)
    text = encodings.TextLines(Path(path), layout.encoding)
    records = _records(iter(text), 1, layout.delimiter)
    for _ in range(layout.header_row + 1):
        next(records, None)
    ordered = ordered_mapping(mapping, layout.headers)
    produced = 0
    for record in _checked(records, width, layout.delimiter):
        if isinstance(record, Rejected):
            yield record
        else:
            cells = record.cells
            if not any(c.strip() for c in cells):
                continue
            bad = [n for n in range(record.first, record.last + 1) if n in text.bad_lines]
            if bad:
                yield Rejected(
                    record.where,
                    f"line {bad[0]} holds bytes that are not "
                    f"{encodings.label(layout.encoding)} "
                    f"({text.bad_lines[bad[0]]}); choose the file's encoding or "
                    "fix the line",
                    cells,
                )
            elif len(cells) > width and any(c.strip() for c in cells[width:]):
                yield Rejected(
                    record.where,
                    f"{len(cells)} cells but the header has {width} (a delimiter inside an unquoted value?)",
                    cells,
                )
            else:
                yield record_from_cells(record.where, cells, ordered, layout.headers)
        produced += 1
        if limit is not None and produced >= limit:
            return


def count_rows(path: Path, layout: CsvLayout) -> int:
    """Data rows, counted by streaming (for the progress bar)."""
    records = _records(iter(encodings.TextLines(Path(path), layout.encoding)), 1, layout.delimiter)
    return max(0, sum(1 for _ in records) - layout.header_row - 1)


EXPORT_COLUMNS = [
    ("First name", "first_name"),
    ("Last name", "last_name"),
    ("Email", "email"),
    ("Other emails", "other_emails"),
    ("Phone", "phone"),
    ("Job title", "title"),
    ("Company", "company"),
    ("Street", "street"),
    ("Postal code", "postal_code"),
    ("City", "city"),
    ("Region", "region"),
    ("Country", "country"),
    ("Website", "website"),
    ("Status", "status"),
    ("Lead source", "lead_source"),
    ("Tags", "tags"),
    ("Consent", "consent_at"),
    ("Consent source", "consent_source"),
    ("Unsubscribed", "unsubscribed_at"),
    ("Bounced", "bounced_at"),
    ("Do not email", "do_not_email"),
    ("Email to fix", "email_to_fix"),
    ("Notes", "notes"),
]


def export_csv(contact_ids: list[int], path: Path) -> int:
    """Write contacts as UTF-8 CSV with a BOM (spreadsheets read it right), formula-safe."""
    from smarketer.exchange.export import contact_dicts

    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        out.writerow([label for label, _ in EXPORT_COLUMNS])
        n = 0
        for data in contact_dicts(contact_ids):
            out.writerow([neutralise(cell_text(data[key])) for _, key in EXPORT_COLUMNS])
            n += 1
    return n


def cell_text(value: object) -> str:
    """A contact value as an export cell's text."""
    if value is None or value is False:
        return ""
    if value is True:
        return "yes"
    if isinstance(value, list | tuple):
        return ", ".join(value)
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="seconds")
    return str(value)
