"""vCard 2.1, 3.0 and 4.0 files: import card by card (a broken card is reported and the
cards around it still come in), and export as 3.0 or 4.0.

vobject parses each card. Before that, this module unfolds vCard 2.1 quoted-printable soft
line breaks (which vobject does not) and drops photos, logos, sounds and keys, which the app
does not keep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import vobject

from smarketer.exchange import encoding as encodings
from smarketer.exchange.csv_io import UnreadableFile
from smarketer.exchange.export import contact_dicts
from smarketer.exchange.records import Incoming, Rejected, split_full_name, split_tags

MAX_BYTES = 64 * 1024 * 1024
_SKIPPED = re.compile(r"^(?:[\w-]+\.)?(PHOTO|LOGO|SOUND|KEY)[;:]", re.I)
_QP = re.compile(r"ENCODING=QUOTED-PRINTABLE|;QUOTED-PRINTABLE[;:]", re.I)


def looks_like_vcard(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(2048)
    encoding = encodings.detect_bytes(head) if head else "utf-8"
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff \r\n\t")
    return text[:11].upper() == "BEGIN:VCARD"


_TEXT_PROPERTIES = re.compile(r"^(?:[\w-]+\.)?(NOTE|FN|TITLE|ROLE|ORG|N|ADR|LABEL)[;:]", re.I)
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")


def _escape_commas(line: str) -> str:
    """vCard 2.1 (and many sloppy 3.0 writers) leave commas in text unescaped; vobject would
    read them as list separators and drop the rest of a note. Escape them."""
    if not _TEXT_PROPERTIES.match(line) or ":" not in line:
        return line
    head, value = line.split(":", 1)
    return f"{head}:{_UNESCAPED_COMMA.sub(lambda _m: chr(92) + ',', value)}"


def _clean_lines(text: str) -> list[tuple[int, str]]:
    """(line number, logical line): folded lines joined, 2.1 quoted-printable soft breaks
    joined, photos and other binary properties dropped, commas in text escaped."""
    logical: list[list] = []  # [first line number, text]
    for number, line in enumerate(text.splitlines(), 1):
        if line[:1] in (" ", "\t") and logical:
            logical[-1][1] += line[1:]  # RFC 2425 folding
        else:
            logical.append([number, line])
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(logical):
        number, line = logical[i]
        i += 1
        if _QP.search(line.split(":", 1)[0]):
            while line.endswith("=") and i < len(logical):
                line = line[:-1] + logical[i][1]
                i += 1
        if _SKIPPED.match(line):
            if "BASE64" in line.split(":", 1)[0].upper():  # 2.1: data runs to a blank line
                while i < len(logical) and logical[i][1].strip() and ":" not in logical[i][1]:
                    i += 1
            continue
        out.append((number, _escape_commas(line)))
    return out


def _cards(lines: list[tuple[int, str]]) -> Iterator[tuple[int, int, int, str]]:
    """(card number, first and last line number, text) for each BEGIN:VCARD … END:VCARD."""
    current: list[str] | None = None
    start = count = number = 0
    for number, line in lines:
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            current, start = [line.strip()], number
        elif current is not None:
            current.append(line)
            if upper == "END:VCARD":
                count += 1
                yield count, start, number, "\r\n".join(current) + "\r\n"
                current = None
    if current is not None:
        yield count + 1, start, number, "\r\n".join(current)


def _decode(path: Path, data: bytes) -> tuple[str, dict[int, str], str]:
    """The text, the lines (1-based) the encoding cannot decode, and the encoding."""
    encoding = encodings.detect_bytes(data)
    if encoding.startswith(("utf-16", "utf-32")):
        try:
            return data.decode(encoding).lstrip("\ufeff"), {}, encoding
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"{path}: not valid {encoding} at byte {exc.start}") from None
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    bad: dict[int, str] = {}
    lines = []
    for number, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), 1):
        try:
            lines.append(raw.decode(codec))
        except UnicodeDecodeError as exc:
            bad[number] = f"0x{raw[exc.start]:02X}"
            lines.append(raw.decode(codec, errors="backslashreplace"))
    return "\n".join(lines).replace("\0", ""), bad, encoding


def _text(value) -> str:
    if isinstance(value, list):
        return " ".join(_text(v) for v in value if v)
    return str(value or "").strip()


def card_to_record(card, where: str, raw: str) -> Incoming:
    values: dict[str, object] = {}
    contents = card.contents
    if "n" in contents:
        name = contents["n"][0].value
        values["first_name"] = _text(getattr(name, "given", ""))
        values["last_name"] = _text(getattr(name, "family", ""))
    if not (values.get("first_name") or values.get("last_name")) and "fn" in contents:
        values["first_name"], values["last_name"] = split_full_name(_text(contents["fn"][0].value))

    def ranked(prop: str) -> list[str]:
        items = contents.get(prop, [])
        preferred = [
            i for i in items if "PREF" in [t.upper() for t in i.params.get("TYPE", [])] or "PREF" in i.params
        ]
        return [_text(i.value) for i in preferred + [i for i in items if i not in preferred]]

    emails = [e for e in ranked("email") if e]
    if emails:
        values["email"], values["other_emails"] = emails[0], emails[1:]
    extra: list[str] = []
    phones = [p for p in ranked("tel") if p]
    if phones:
        values["phone"] = phones[0]
        extra += [f"Phone: {p}" for p in phones[1:]]
    if "org" in contents:
        org = contents["org"][0].value
        values["company"] = _text(org[0] if isinstance(org, list) and org else org)
    if "title" in contents:
        values["title"] = _text(contents["title"][0].value)
    if "adr" in contents:
        adr = contents["adr"][0].value
        values["street"] = _text(getattr(adr, "street", ""))
        values["city"] = _text(getattr(adr, "city", ""))
        values["region"] = _text(getattr(adr, "region", ""))
        values["postal_code"] = _text(getattr(adr, "code", ""))
        values["country"] = _text(getattr(adr, "country", ""))
    for adr in contents.get("adr", [])[1:]:
        text = ", ".join(
            _text(getattr(adr.value, part, "")) for part in ("street", "code", "city", "region", "country")
        )
        extra.append(f"Address: {', '.join(p for p in text.split(', ') if p)}")
    urls = [_text(u.value) for u in contents.get("url", []) if _text(u.value)]
    if urls:
        values["website"] = urls[0]
        extra += [f"Website: {u}" for u in urls[1:]]
    notes = [_text(n.value) for n in contents.get("note", [])]
    if notes or extra:
        values["notes"] = "\n".join([*notes, *extra])
    for name, column in OWN_PROPERTIES.items():
        found = contents.get(name.lower())
        if found:
            values[_OWN_TARGETS.get(column, column)] = _text(found[0].value)
    tags: list[str] = []
    for categories in contents.get("categories", []):
        value = categories.value
        tags.extend(split_tags(",".join(value) if isinstance(value, list) else str(value)))
    values["tags"] = tags
    return Incoming(where, {k: v for k, v in values.items() if v}, [raw])


def read_cards(path: Path) -> Iterator[Incoming | Rejected]:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableFile(f"{path}: a vCard file over 64 MB is not supported; split it")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise UnreadableFile(f"{path}: the file is empty")
    text, bad_lines, encoding = _decode(path, data)
    found = False
    for number, line, last, card_text in _cards(_clean_lines(text)):
        found = True
        where = f"card {number} (line {line})"
        bad = [n for n in bad_lines if line <= n <= last]
        if bad:
            yield Rejected(
                where,
                f"line {bad[0]} holds bytes that are not {encodings.label(encoding)} ({bad_lines[bad[0]]})",
                [card_text[:2000]],
            )
        elif not card_text.rstrip().upper().endswith("END:VCARD"):
            yield Rejected(where, "the card has no END:VCARD (file cut short?)", [card_text[:2000]])
            continue
        try:
            card = vobject.readOne(card_text, ignoreUnreadable=False)
            yield card_to_record(card, where, card_text[:2000])
        except Exception as exc:  # noqa: BLE001 - vobject raises many kinds; report each card
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            yield Rejected(where, f"not a valid vCard: {message}", [card_text[:2000]])
    if not found:
        raise UnreadableFile(f"{path}: no BEGIN:VCARD found; this is not a vCard file")


def export_vcards(contact_ids: list[int], path: Path, version: str = "3.0") -> int:
    """Write contacts as vCard 3.0 or 4.0."""
    if version not in {"3.0", "4.0"}:
        raise ValueError("vCard export writes version 3.0 or 4.0")
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for data in contact_dicts(contact_ids):
            fh.write(_to_vcard(data, version).serialize())
            n += 1
    return n


#: Smarketer's own fields, carried in X- properties so a round trip loses nothing and
#: re-mails nobody: property -> contact column.
OWN_PROPERTIES = {
    "X-SMARKETER-STATUS": "status",
    "X-SMARKETER-LEAD-SOURCE": "lead_source",
    "X-SMARKETER-CONSENT": "consent_at",
    "X-SMARKETER-CONSENT-SOURCE": "consent_source",
    "X-SMARKETER-UNSUBSCRIBED": "unsubscribed_at",
    "X-SMARKETER-BOUNCED": "bounced_at",
    "X-SMARKETER-DO-NOT-EMAIL": "do_not_email",
    "X-SMARKETER-EMAIL-TO-FIX": "email_to_fix",
}
# ... and the import target each one feeds.
_OWN_TARGETS = {"consent_at": "consent", "unsubscribed_at": "unsubscribed", "bounced_at": "bounced"}


def _own_value(value) -> str:
    if value is None or value is False or value == "":
        return ""
    if value is True:
        return "yes"
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="seconds")
    return str(value)


def _to_vcard(d: dict, version: str):
    card = vobject.vCard()
    card.add("version").value = version
    card.add("n").value = vobject.vcard.Name(family=d["last_name"], given=d["first_name"])
    card.add("fn").value = (
        " ".join(p for p in (d["first_name"], d["last_name"]) if p)
        or d["email"]
        or d.get("email_to_fix", "")
        or "?"
    )
    for i, address in enumerate([d["email"], *d["other_emails"]]):
        if address:
            line = card.add("email")
            line.value = address
            if version == "4.0":
                if i == 0:
                    line.params["PREF"] = ["1"]
            elif i == 0:  # 3.0: a TYPE list, not one quoted value (INTERNET is the default)
                line.params["TYPE"] = ["INTERNET", "PREF"]
    if d["phone"]:
        line = card.add("tel")
        line.value = d["phone"]
        if version == "4.0":
            line.params["PREF"] = ["1"]
        else:
            line.params["TYPE"] = ["VOICE", "PREF"]
    if d["company"]:
        card.add("org").value = [d["company"]]
    if d["title"]:
        card.add("title").value = d["title"]
    if any(d[k] for k in ("street", "city", "region", "postal_code", "country")):
        card.add("adr").value = vobject.vcard.Address(
            street=d["street"],
            city=d["city"],
            region=d["region"],
            code=d["postal_code"],
            country=d["country"],
        )
    if d["website"]:
        card.add("url").value = d["website"]
    if d["notes"]:
        card.add("note").value = d["notes"]
    if d["tags"]:
        card.add("categories").value = list(d["tags"])
    for name, column in OWN_PROPERTIES.items():
        value = _own_value(d.get(column))
        if value:
            card.add(name.lower()).value = value
    return card
