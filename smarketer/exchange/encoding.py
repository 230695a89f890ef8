"""Which text encoding a file is in, decided on the whole file, and reading its lines without
ever replacing a byte silently.

Order of evidence: a byte-order mark (UTF-8, UTF-16, UTF-32); the NUL pattern of BOM-less
UTF-16/32; strict UTF-8 over the whole file; then the single-byte code pages, scored on every
distinct word that holds a byte above 127. Windows-1252 (what Excel writes on a Western
European Windows) wins unless another code page reads the file far more plausibly, e.g. Polish
"ł" (0xB3) reads as "³" inside words in Windows-1252, Russian reads as runs of accented
capitals. Lines that the chosen encoding cannot decode are reported by number, never patched.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 1 << 20
MAX_WORDS = 50_000  # distinct words scored (plenty: evidence repeats)

#: Encodings offered in the import preview and accepted by ``--encoding``, with labels.
ENCODINGS: dict[str, str] = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 LE (no BOM)",
    "utf-16-be": "UTF-16 BE (no BOM)",
    "utf-32": "UTF-32",
    "cp1252": "Windows-1252 (Western Europe)",
    "iso8859-15": "ISO-8859-15 (Western Europe, €)",
    "cp1250": "Windows-1250 (Central Europe)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1257": "Windows-1257 (Baltic)",
    "mac-roman": "Mac OS Roman",
    "cp850": "DOS Latin-1 (850)",
    "koi8-r": "KOI8-R (Russian)",
    "latin-1": "ISO-8859-1 (Latin-1)",
}
# Single-byte candidates, most likely first (ties go to the earlier one).
_SINGLE_BYTE = [
    "cp1252",
    "iso8859-15",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1257",
    "mac-roman",
    "cp850",
    "koi8-r",
    "latin-1",
]
_WORD = re.compile(rb"[0-9A-Za-z\x80-\xff]*[\x80-\xff][0-9A-Za-z\x80-\xff]*")
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|"
    rb"[\xf0-\xf4][\x80-\xbf]{3}"
)
_INSIDE_OK = set("’‘·–—")  # apostrophes, Catalan middle dot, dashes: fine inside a word
_UNDECODABLE = 10  # penalty per word a code page cannot decode at all


def label(encoding: str) -> str:
    return ENCODINGS.get(canonical(encoding), encoding)


def canonical(encoding: str) -> str:
    """The name this module uses for ``encoding`` (any spelling Python knows); LookupError."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise LookupError(f"unknown encoding {encoding!r}; use one of {', '.join(ENCODINGS)}") from None
    for known in ENCODINGS:
        if codecs.lookup(known).name == name:
            return known if not (known == "utf-8" and encoding.lower().endswith("sig")) else "utf-8-sig"
    return name


def _bom(head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _nul_pattern(head: bytes) -> str | None:
    sample = head[:8192]
    n = len(sample) // 4 * 4
    if n < 4:
        return None
    sample = sample[:n]
    quarter = n // 4

    def zeros(offset: int, step: int) -> float:
        part = sample[offset::step]
        return part.count(0) / max(1, len(part))

    if min(zeros(1, 4), zeros(2, 4), zeros(3, 4)) > 0.9 and zeros(0, 4) < 0.5:
        return "utf-32-le"
    if min(zeros(0, 4), zeros(1, 4), zeros(2, 4)) > 0.9 and zeros(3, 4) < 0.5:
        return "utf-32-be"
    if sample[1::2].count(0) > quarter:
        return "utf-16-le"
    if sample[0::2].count(0) > quarter:
        return "utf-16-be"
    return None


def _oddness(word: str) -> int:
    """How implausible this decoding of one word is as human text (0 = fine)."""
    odd = 0
    last = len(word) - 1
    has_ascii_letter = any("a" <= c.lower() <= "z" for c in word)
    for i, ch in enumerate(word):
        if ch < "\x80":
            continue
        category = unicodedata.category(ch)
        if category[0] == "C":
            odd += _UNDECODABLE
        elif category[0] != "L":
            inside = 0 < i < last and word[i - 1].isalpha() and word[i + 1].isalpha()
            if inside and ch not in _INSIDE_OK:
                odd += 1
            elif not inside and category in ("No", "Sk", "Sm"):  # ³ ¹ ¨ ´ ¸ ¬ at an edge
                odd += 1
        elif "LATIN" not in unicodedata.name(ch, "") and has_ascii_letter:
            odd += 1  # a Cyrillic or Greek letter glued to Latin ones
        elif i and ch.isupper() and (word[i - 1].islower() or word[i + 1 : i + 2].islower()):
            odd += 1  # "MŸller", "RenŽ": a capital inside a lower-case word
    for run in re.findall(r"[^\x00-\x7f]{3,}", word):
        if all(c.isalpha() and "LATIN" in unicodedata.name(c, "") for c in run):
            odd += len(run) - 2  # Western words rarely hold three accented letters in a row
    return odd


def score(words: Counter[bytes], encoding: str) -> int:
    total = 0
    for word, count in words.items():
        try:
            total += _oddness(word.decode(encoding)) * count
        except UnicodeDecodeError:
            total += _UNDECODABLE * count
    return total


def choose_single_byte(words: Counter[bytes]) -> str:
    """The code page that reads ``words`` (byte strings) most plausibly, preferring cp1252."""
    scores = {enc: score(words, enc) for enc in _SINGLE_BYTE}
    best = min(_SINGLE_BYTE, key=lambda enc: scores[enc])
    western = scores["cp1252"]
    if best != "cp1252" and not (scores[best] * 3 < western and western - scores[best] >= 3):
        return "cp1252"  # the evidence for another code page is not strong
    return best


@dataclass
class _Evidence:
    words: Counter[bytes] = field(default_factory=Counter)
    utf8_words: int = 0  # words holding valid multi-byte UTF-8
    other_words: int = 0  # words holding high bytes that are not UTF-8

    def add(self, chunk: bytes) -> None:
        for match in _WORD.finditer(chunk):
            word = match.group()
            if len(self.words) < MAX_WORDS or word in self.words:
                self.words[word] += 1


def detect(path: Path) -> str:
    """The encoding of the whole file at ``path`` (read in chunks, never whole)."""

    def chunks() -> Iterator[bytes]:
        with open(path, "rb") as fh:
            yield from iter(lambda: fh.read(CHUNK), b"")

    return _detect(chunks)


def detect_bytes(data: bytes) -> str:
    return _detect(lambda: iter([data]))


def _valid_utf8(chunks: Iterator[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _detect(read: Callable[[], Iterator[bytes]]) -> str:
    """``read()`` gives the bytes in chunks, afresh at each call: a file that is valid UTF-8
    (most are) takes one quick pass; only another one is read again to weigh its words."""
    chunks = read()
    head = next(chunks, b"")
    marked = _bom(head) or _nul_pattern(head)
    valid = bool(marked) or _valid_utf8(itertools.chain([head], chunks))
    getattr(chunks, "close", lambda: None)()  # the file, when it is one
    if valid:
        return marked or "utf-8"
    evidence = _Evidence()
    tail = b""
    for chunk in read():
        block = tail + chunk
        cut = block.rfind(b"\n") + 1 or len(block)  # keep words whole across chunks
        block, tail = block[:cut], block[cut:]
        evidence.add(block)
    evidence.add(tail)
    for word, count in evidence.words.items():
        try:
            word.decode("utf-8")
            evidence.utf8_words += count * bool(_UTF8_SEQUENCE.search(word))
        except UnicodeDecodeError:
            evidence.other_words += count
    if evidence.utf8_words >= 3 * max(1, evidence.other_words):
        return "utf-8"  # a UTF-8 file with a few broken lines: those are reported by number
    return choose_single_byte(evidence.words)


@dataclass
class TextLines:
    """Iterate over a file's lines as text (line ends kept); lines that the encoding cannot
    decode are given with their bad bytes as \\xNN escapes and their numbers collected in
    ``bad_lines`` (1-based) with the first bad byte, so the caller rejects them by number."""

    path: Path
    encoding: str
    bad_lines: dict[int, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[str]:
        self.bad_lines.clear()
        if self.encoding.startswith(("utf-16", "utf-32")):
            yield from self._wide()
            return
        codec = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        for number, raw in enumerate(_byte_lines(self.path), 1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                self.bad_lines[number] = f"0x{raw[exc.start]:02X} at byte {exc.start + 1}"
                text = raw.decode(codec, errors="backslashreplace")
            yield text.replace("\0", "")

    def _wide(self) -> Iterator[str]:
        with open(self.path, encoding=self.encoding, errors="strict", newline="") as fh:
            number = 0
            try:
                for number, line in enumerate(fh, 1):  # noqa: B007 - used after the loop
                    yield line.lstrip("\ufeff") if number == 1 else line
            except UnicodeDecodeError as exc:
                self.bad_lines[number + 1] = f"0x{exc.object[exc.start]:02X}"
                yield ""  # the rest cannot be read in this encoding: the caller reports it


def _byte_lines(path: Path) -> Iterator[bytes]:
    """Lines of a file as bytes, ends kept; old Mac files (CR only) split on CR."""
    with open(path, "rb") as fh:
        head = fh.read(CHUNK)
        separator = b"\r" if b"\r" in head and b"\n" not in head else b"\n"
        pending = head
        while True:
            parts = pending.split(separator)
            yield from (p + separator for p in parts[:-1])
            chunk = fh.read(CHUNK)
            if not chunk:
                if parts[-1]:
                    yield parts[-1]
                return
            pending = parts[-1] + chunk
