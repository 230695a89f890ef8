"""CSV files from other apps: sniffing, guessing the column mapping, streaming rows; and
the spreadsheet-safe export.

``sniff(path)`` finds the encoding (UTF-8 with or without BOM, UTF-16, Windows-1252 and
others via charset-normalizer), the delimiter and the header row (LinkedIn puts notes above
it). ``guess_mapping(headers)`` knows the header names of Google Contacts, Outlook, LinkedIn,
Apple-style and Mailchimp exports. ``read_rows()`` streams the file: a 200 MB file is never
read whole.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from smarketer.exchange.records import MULTI, Incoming, Rejected, collect, neutralise

SAMPLE_BYTES = 256 * 1024
DELIMITERS = [",", ";", "\t", "|"]
csv.field_size_limit(16 * 1024 * 1024)

_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive or an Excel workbook (.xlsx); save it as CSV first",
    b"\xd0\xcf\x11\xe0": "an old Excel or Word file (.xls/.doc); save it as CSV first",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"SQLite format 3": "a SQLite database",
}


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported; the message says why, naming the file."""


@dataclass(frozen=True)
class CsvLayout:
    encoding: str
    delimiter: str
    header_row: int  # rows before the header (LinkedIn's notes), 0 for most files
    headers: tuple[str, ...]


def _normal(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


# Target -> header names (normalised), best first. Sources: Google Contacts (old and new
# export), Outlook, LinkedIn Connections.csv, Apple-style and Mailchimp audience exports,
# and Smarketer's own export.
SYNONYMS: dict[str, list[str]] = {
    "first_name": ["firstname", "givenname", "first", "forename", "vorname", "prenom"],
    "last_name": ["lastname", "familyname", "surname", "last", "nachname", "nom"],
    "full_name": ["name", "fullname", "displayname", "contactname", "contact"],
    "email": ["email", "emailaddress", "email1value", "primaryemail", "workemail", "mail",
              "emailaddresses", "e-mail"],
    "other_emails": ["otheremails", "email2address", "email3address", "email2value",
                     "email3value", "secondaryemail", "homeemail"],
    "phone": ["phone", "phonenumber", "mobilephone", "businessphone", "phone1value", "mobile",
              "telephone", "primaryphone", "workphone", "homephone", "tel", "telefon"],
    "title": ["jobtitle", "position", "organizationtitle", "organization1title", "role",
              "title"],
    "company": ["company", "organization", "organizationname", "organization1name",
                "companyname", "organisation", "firma", "employer"],
    "street": ["street", "address", "businessstreet", "address1street", "streetaddress",
               "homestreet", "addressline1", "address1"],
    "postal_code": ["postalcode", "zip", "zipcode", "postcode", "businesspostalcode",
                    "address1postalcode", "homepostalcode", "plz"],
    "city": ["city", "businesscity", "address1city", "homecity", "town", "locality"],
    "region": ["region", "state", "businessstate", "address1region", "province", "homestate"],
    "country": ["country", "businesscountryregion", "address1country", "countryregion", "cc",
                "homecountryregion"],
    "website": ["website", "webpage", "website1value", "url", "homepage", "web"],
    "notes": ["notes", "note", "comments", "description"],
    "status": ["status", "lifecyclestatus", "lifecyclestage", "stage"],
    "lead_source": ["leadsource", "source"],
    "tags": ["tags", "labels", "groupmembership", "categories", "groups", "tag"],
    "consent": ["consent", "consentdate", "optintime", "confirmtime", "gdprconsent",
                "marketingconsent", "emailconsent"],
    "unsubscribed": ["unsubscribed", "unsubtime", "optouttime", "unsubscribeddate"],
    "bounced": ["bounced", "cleantime", "bounceddate"],
}
_KNOWN = {name for names in SYNONYMS.values() for name in names}


def guess_mapping(headers) -> dict[int, str]:
    """Column index -> target field. Each single-valued target is taken once, by the
    best-ranked header that names it ("Job Title" wins over Outlook's honorific "Title")."""
    normal = [_normal(h) for h in headers]
    mapping: dict[int, str] = {}
    for target, names in SYNONYMS.items():
        for name in names:
            columns = [i for i, h in enumerate(normal) if h == name and i not in mapping]
            if not columns:
                continue
            if target in MULTI:
                mapping.update({i: target for i in columns})
            else:
                mapping[columns[0]] = target
                break
    return mapping


def _detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:  # a character cut by the end of the sample
            return "utf-8"
    best = from_bytes(sample).best()
    if best is None or best.encoding in {"ascii", "utf_8"}:
        return "cp1252"
    # Where the guess decodes this text exactly as Windows-1252 would, say the common one.
    if "cp1252" in best.could_be_from_charset:
        return "cp1252"
    return best.encoding


def _check_text(path: Path, sample: bytes) -> None:
    if not sample:
        raise UnreadableFile(f"{path}: the file is empty")
    for signature, what in _BINARY_SIGNATURES.items():
        if sample.startswith(signature):
            raise UnreadableFile(f"{path}: this is {what}, not a CSV or vCard file")


def sniff(path: Path) -> CsvLayout:
    """Find encoding, delimiter and header row; raise UnreadableFile with the reason."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot be read ({exc.strerror or exc})") from None
    _check_text(path, sample)
    encoding = _detect_encoding(sample)
    text = sample.decode(encoding, errors="replace")
    if text.count("\0") > len(text) // 20 or sum(
            ch < " " and ch not in "\r\n\t" for ch in text[:4096]) > 200:
        raise UnreadableFile(f"{path}: this looks like a binary file, not CSV")
    text = text.lstrip("\ufeff").replace("\0", "")
    lines = text.splitlines()[:40]
    if not any(line.strip() for line in lines):
        raise UnreadableFile(f"{path}: the file has no text in it")

    def count_outside_quotes(line: str, delimiter: str) -> int:
        return re.sub(r'"[^"]*"', "", line).count(delimiter)

    best = (-1, 0, ",", [])
    for index, line in enumerate(lines[:30]):
        if not line.strip():
            continue
        delimiter = max(DELIMITERS, key=lambda d: count_outside_quotes(line, d))
        cells = next(csv.reader([line], delimiter=delimiter), [])
        score = sum(_normal(c) in _KNOWN for c in cells)
        if score > best[0] and (score >= 2 or best[0] < 0):
            best = (score, index, delimiter, cells)
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


def read_rows(path: Path, layout: CsvLayout, mapping: dict[int, str],
              limit: int | None = None) -> Iterator[Incoming | Rejected]:
    """Stream the data rows as records; ``where`` is the row number as a spreadsheet shows it."""
    width = len(layout.headers)
    with open(path, encoding=layout.encoding, errors="replace", newline="") as fh:
        reader = csv.reader((line.replace("\0", "") for line in fh), delimiter=layout.delimiter)
        try:
            for _ in range(layout.header_row + 1):
                next(reader, None)
            produced = 0
            for cells in reader:
                row_number = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                where = f"row {row_number}"
                if len(cells) > width and any(c.strip() for c in cells[width:]):
                    yield Rejected(where, f"{len(cells)} cells but the header has {width} "
                                   "(a delimiter inside an unquoted value?)", cells)
                else:
                    values: dict[str, object] = {}
                    for index, target in mapping.items():
                        if index < len(cells):
                            collect(values, target, cells[index])
                    yield Incoming(where, values, cells)
                produced += 1
                if limit is not None and produced >= limit:
                    return
        except csv.Error as exc:
            yield Rejected(f"row {reader.line_num}", f"the file stops being valid CSV here "
                           f"({exc}); the rows after it were not read", [])


def count_rows(path: Path, layout: CsvLayout) -> int:
    """Data rows, counted by streaming (for the progress bar)."""
    with open(path, encoding=layout.encoding, errors="replace", newline="") as fh:
        reader = csv.reader((line.replace("\0", "") for line in fh), delimiter=layout.delimiter)
        try:
            return max(0, sum(1 for _ in reader) - layout.header_row - 1)
        except csv.Error:
            return 0


EXPORT_COLUMNS = [
    ("First name", "first_name"), ("Last name", "last_name"), ("Email", "email"),
    ("Other emails", "other_emails"), ("Phone", "phone"), ("Job title", "title"),
    ("Company", "company"), ("Street", "street"), ("Postal code", "postal_code"),
    ("City", "city"), ("Region", "region"), ("Country", "country"), ("Website", "website"),
    ("Status", "status"), ("Lead source", "lead_source"), ("Tags", "tags"),
    ("Consent", "consent_at"), ("Unsubscribed", "unsubscribed_at"), ("Bounced", "bounced_at"),
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
            out.writerow([neutralise(_cell(data[key])) for _, key in EXPORT_COLUMNS])
            n += 1
    return n


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(value)
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="seconds")
    return str(value)
