"""Reading rendered PDFs back as a reader sees them: every word with its box (pdfminer.six).

``read(data)`` gives one ``Page`` per page; ``page.rows()`` groups the words into visual lines
(top to bottom), each a list of words left to right. Coordinates are PDF points, origin at the
bottom left of the page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTPage


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def baseline(self) -> float:
        return round(self.y0, 0)


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(" ".join(w.text for w in row) for row in self.rows())

    def rows(self, tolerance: float = 2.5) -> list[list[Word]]:
        """Words sharing a baseline (within ``tolerance`` points), top row first."""
        rows: list[list[Word]] = []
        for word in sorted(self.words, key=lambda w: (-w.y0, w.x0)):
            if rows and abs(rows[-1][0].y0 - word.y0) <= tolerance:
                rows[-1].append(word)
            else:
                rows.append([word])
        return [sorted(row, key=lambda w: w.x0) for row in rows]

    def cells(self, gap: float = 6) -> list[list[Word]]:
        """Like rows(), with words closer than ``gap`` points joined by a space: one Word per
        table cell or phrase ("Unit price", "2 days", "Tax 21 % on €0.12")."""
        out = []
        for row in self.rows():
            merged = [row[0]]
            for word in row[1:]:
                last = merged[-1]
                if word.x0 - last.x1 < gap:
                    merged[-1] = Word(
                        f"{last.text} {word.text}",
                        last.x0,
                        min(last.y0, word.y0),
                        word.x1,
                        max(last.y1, word.y1),
                    )
                else:
                    merged.append(word)
            out.append(merged)
        return out

    def outside(self) -> list[Word]:
        """Words not wholly inside the page box."""
        return [w for w in self.words if w.x0 < 0 or w.y0 < 0 or w.x1 > self.width or w.y1 > self.height]

    def overlaps(self, slack: float = 0.3) -> list[tuple[str, str]]:
        """Pairs of words whose boxes intersect by more than ``slack`` points each way: text
        printed over other text (crowded labels, a cell running into the next)."""
        words = sorted(self.words, key=lambda w: w.x0)
        found = []
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                if b.x0 >= a.x1 - slack:
                    break
                if min(a.y1, b.y1) - max(a.y0, b.y0) > slack:
                    found.append((a.text, b.text))
        return found

    def find(self, text: str) -> list[Word]:
        return [w for w in self.words if w.text == text]


def _chars(item):
    if isinstance(item, LTChar):
        yield item
        return
    for child in getattr(item, "_objs", ()) or ():
        yield from _chars(child)


def _words(page: LTPage) -> list[Word]:
    """Characters joined into words: a space, or a gap wider than a third of the font size,
    ends a word (so separate table cells never merge)."""
    words: list[Word] = []
    chars = sorted(_chars(page), key=lambda c: (-round(c.y0, 0), c.x0))
    current: list[LTChar] = []

    def flush():
        if current:
            words.append(
                Word(
                    "".join(c.get_text() for c in current),
                    current[0].x0,
                    min(c.y0 for c in current),
                    current[-1].x1,
                    max(c.y1 for c in current),
                )
            )
            current.clear()

    for char in chars:
        text = char.get_text()
        if current:
            last = current[-1]
            same_line = abs(round(last.y0, 0) - round(char.y0, 0)) < 1
            gap = char.x0 - last.x1
            if not same_line or gap > char.size / 3 or gap < -char.size:
                flush()
        if text.isspace() and text != "\u00a0":
            flush()
            continue
        current.append(char)
    flush()
    return words


def read(data: bytes) -> list[Page]:
    pages = []
    for number, layout in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams()), 1):
        x0, y0, x1, y1 = layout.bbox
        pages.append(Page(number, x1 - x0, y1 - y0, _words(layout)))
    return pages
