"""The proposal as a branded PDF, built with reportlab platypus.

``build_pdf(proposal_id)`` gathers plain data from the store (``document_of``) and
``render(document)`` turns it into bytes: logo and business details, the client's address, number
and dates, intro and content sections, the items table (its header repeated on every page, no
row split across pages: a very long description is cut into continuation rows), totals, an
acceptance block and "Page n of N". DejaVu Sans is embedded so any Latin, Greek, Cyrillic or
Vietnamese name prints. Nothing here touches the network: every text is escaped, so a client
named ``<img src=...>`` is printed, never fetched.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from xml.sax.saxutils import escape

import babel
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from smarketer import settings
from smarketer.money import format_day
from smarketer.proposals import contents, presentation
from smarketer.proposals.drafts import client_of
from smarketer.proposals.presentation import PrintedItem, TotalRow
from smarketer.proposals.pricing import ProposalTotals

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
LETTER_TERRITORIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "PR"}
CHUNK = 600  # characters of description per table row; longer ones continue below
ACCENT = colors.HexColor("#2f6f5e")
MUTED = colors.HexColor("#5f6865")
OPTIONAL_FILL = colors.HexColor("#f3f6f5")
SIDE = 16 * mm  # left and right page margins


@cache
def register_fonts() -> None:
    """Once per process (it costs about 0.2 s)."""
    folder = resources.files("smarketer.resources") / "fonts"
    for name, filename in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        with resources.as_file(folder / filename) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@dataclass
class ProposalDocument:
    """Everything the PDF shows, as plain text (formatted in the proposal's locale)."""

    label: str
    title: str
    business_name: str
    business_lines: list[str]
    client_lines: list[str]
    issue_date: str
    valid_until: str
    intro: str
    sections: list[tuple[str, str]]
    items: list[PrintedItem]
    totals: list[TotalRow]
    notes: list[str]
    closing: str
    logo: bytes | None
    author: str
    letter: bool
    warnings: list[str] = field(default_factory=list)


def document_of(proposal_id: int) -> ProposalDocument:
    from smarketer.db.models.proposals import Proposal

    proposal = Proposal.get_by_id(proposal_id)
    profile = settings.load_profile()
    totals: ProposalTotals = contents.totals(proposal)
    currency, locale = proposal.currency, proposal.locale
    client = client_of(proposal)
    client_lines = []
    if client:
        client_lines.append(client.full_name or client.email)
        if client.company_id and client.company:
            client_lines.append(client.company.name)
        client_lines += [
            p
            for p in (
                client.street,
                " ".join(x for x in (client.postal_code, client.city) if x),
                presentation.country_name(client.country or "", locale),
            )
            if p
        ]
        if client.email and client.full_name:
            client_lines.append(client.email)
    rows = presentation.items(contents.items(proposal.id), totals, currency, locale)
    warnings = []
    if not any(not r.heading for r in rows):
        warnings.append("This proposal has no priced items yet.")
    logo = settings.logo_bytes(profile)
    try:
        territory = babel.Locale.parse(locale).territory
    except (ValueError, babel.UnknownLocaleError):
        territory = None
    business = [line for line in profile.address.splitlines()]
    business += [p for p in (profile.email, profile.phone, profile.website) if p]
    return ProposalDocument(
        label=proposal.label,
        title=proposal.title,
        business_name=profile.name or "Your business",
        business_lines=business,
        client_lines=client_lines,
        issue_date=format_day(proposal.issue_date, locale),
        valid_until=format_day(proposal.valid_until, locale),
        intro=proposal.intro,
        sections=[(s.title, s.body) for s in contents.sections(proposal.id)],
        items=rows,
        totals=presentation.total_rows(
            totals, proposal.document_discount, proposal.rounding, currency, locale
        ),
        notes=presentation.notes(totals, proposal.rounding, currency, locale),
        closing=proposal.closing,
        logo=logo,
        author=profile.name,
        letter=territory in LETTER_TERRITORIES,
        warnings=warnings,
    )


def build_pdf(proposal_id: int) -> bytes:
    return render(document_of(proposal_id))


# ---------------------------------------------------------------- rendering


def _styles():
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=13)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=MUTED),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "title": ParagraphStyle(
            "title", parent=base, fontName=BOLD, fontSize=18, leading=22, textColor=ACCENT, spaceAfter=4
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=BOLD, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "cellr": ParagraphStyle("cellr", parent=base, fontSize=8.5, leading=11, alignment=TA_RIGHT),
        "optional": ParagraphStyle(
            "optional", parent=base, fontSize=8.5, leading=11, alignment=TA_RIGHT, textColor=MUTED
        ),
        "head": ParagraphStyle(
            "head", parent=base, fontName=BOLD, fontSize=8.5, leading=11, textColor=colors.white
        ),
        "headr": ParagraphStyle(
            "headr",
            parent=base,
            fontName=BOLD,
            fontSize=8.5,
            leading=11,
            textColor=colors.white,
            alignment=TA_RIGHT,
        ),
    }


def _text(value: str) -> str:
    """Escaped for reportlab's mini-markup, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def _paragraphs(text: str, style) -> list:
    return [Paragraph(_text(block), style) for block in text.strip().split("\n\n") if block]


def _chunks(description: str) -> list[str]:
    if len(description) <= CHUNK:
        return [description]
    pieces: list[str] = []
    for paragraph in description.split("\n"):
        pieces += textwrap.wrap(paragraph, CHUNK, break_long_words=True, replace_whitespace=False) or [""]
    rows, current = [], ""
    for piece in pieces:
        if current and len(current) + len(piece) + 1 > CHUNK:
            rows.append(current)
            current = piece
        else:
            current = f"{current}\n{piece}" if current else piece
    rows.append(current)
    return rows


class _NumberedCanvas(canvas.Canvas):
    """Two-pass page numbers: "Page n of N" once the page count is known."""

    footer_text = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):  # noqa: N802
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        width, _height = self._pagesize
        self.setFont(FONT, 8)
        self.setFillColor(MUTED)
        self.drawString(SIDE, 10 * mm, self.footer_text)
        self.drawRightString(width - SIDE, 10 * mm, f"Page {self._pageNumber} of {total}")


PAD = 6  # reportlab's default cell padding, left and right
FIGURE_PAD = 4  # figure columns sit a little closer, leaving the description more room
MIN_DESCRIPTION = 0.42  # of the frame's width


def _fit(texts, font: str, size: float, pad: float = PAD) -> float:
    return max((pdfmetrics.stringWidth(t, font, size) for t in texts), default=0) + 2 * pad + 1


def _items_table(items: list[PrintedItem], width: float, s) -> Table:
    """Description | Qty | Unit price | [Disc.] | Tax | Amount, each figure column as wide as
    its widest entry (figures never wrap); the description takes the rest."""
    discounts = any(i.discount for i in items)
    columns = [("Qty", lambda i: i.quantity), ("Unit price", lambda i: i.unit_price)]
    if discounts:
        columns.append(("Disc.", lambda i: i.discount))
    columns += [("Tax", lambda i: i.tax_rate), ("Amount", lambda i: i.amount)]
    priced = [i for i in items if not i.heading]
    # Very long figures first get a smaller font, then take room from the description; a
    # figure is never broken inside (the quantity's unit may go to a second line at worst).
    for size, share in ((8.5, MIN_DESCRIPTION), (7.5, MIN_DESCRIPTION), (6.5, MIN_DESCRIPTION), (6.5, 0.25)):
        widths = [
            max(_fit([head], BOLD, 8.5, FIGURE_PAD), _fit([get(i) for i in priced], FONT, size, FIGURE_PAD))
            for head, get in columns
        ]
        room = width * (1 - share)
        if sum(widths) <= room:
            break
    else:
        widths[0] = max(18 * mm, widths[0] - (sum(widths) - room))
    figure_style = ParagraphStyle("fig", parent=s["cellr"], fontSize=size, leading=size + 2.5)
    optional_style = ParagraphStyle("opt", parent=s["optional"], fontSize=size, leading=size + 2.5)
    headers = ["Description"] + [head for head, _ in columns]
    rows = [[Paragraph(t, s["headr"] if n else s["head"]) for n, t in enumerate(headers)]]
    blank = [""] * len(columns)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d9dedb")),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (1, 0), (-1, -1), FIGURE_PAD),
        ("RIGHTPADDING", (1, 0), (-1, -1), FIGURE_PAD),
    ]
    for item in items:
        if item.heading:
            rows.append([Paragraph(f"<b>{_text(item.description)}</b>", s["cell"]), *blank])
            style.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
            continue
        parts = _chunks(item.description)
        label = _text(parts[0])
        figure = figure_style
        if item.optional:
            label = f'<font color="{ACCENT.hexval()}"><b>Optional</b></font> · {label}'
            figure = optional_style
        rows.append(
            [Paragraph(label, s["cell"])] + [Paragraph(_text(get(item)), figure) for _, get in columns]
        )
        if item.optional:
            style.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), OPTIONAL_FILL))
        for more in parts[1:]:
            rows.append([Paragraph(_text(more), s["cell"]), *blank])
    if len(rows) == 1:
        rows.append([Paragraph("No items yet.", s["small"]), *blank])
    table = Table(rows, colWidths=[width - sum(widths), *widths], repeatRows=1, splitByRow=1)
    table.setStyle(TableStyle(style))
    return table


def _totals_table(totals: list[TotalRow], width: float, s) -> Table:
    amount = max(40 * mm, _fit([r.amount for r in totals], BOLD, 9.5))
    table = Table(
        [
            [
                Paragraph(f"<b>{_text(r.label)}</b>" if r.strong else _text(r.label), s["right"]),
                Paragraph(f"<b>{_text(r.amount)}</b>" if r.strong else _text(r.amount), s["right"]),
            ]
            for r in totals
        ],
        colWidths=[width - amount, amount],
    )
    table.setStyle(
        TableStyle([("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT), ("TOPPADDING", (0, 0), (-1, -1), 2)])
    )
    return table


def render(doc: ProposalDocument) -> bytes:
    register_fonts()
    s = _styles()
    out = io.BytesIO()
    pagesize = LETTER if doc.letter else A4
    template = SimpleDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=SIDE,
        rightMargin=SIDE,
        topMargin=16 * mm,
        bottomMargin=20 * mm,
        title=f"{doc.label} {doc.title}",
        author=doc.author,
        subject=f"Proposal {doc.label}",
        creator="Smarketer",
    )
    width = pagesize[0] - 2 * SIDE - 12  # the frame keeps 6 pt of padding on each side
    story: list = []

    # header: logo and business details
    left: list = []
    if doc.logo:
        try:
            reader = ImageReader(io.BytesIO(doc.logo))
            w, h = reader.getSize()
            scale = min(50 * mm / w, 20 * mm / h)
            left.append(Image(io.BytesIO(doc.logo), width=w * scale, height=h * scale))
        except Exception:  # noqa: BLE001 - a broken logo must not stop the proposal
            doc.warnings.append("The logo could not be read and was left out.")
    if not left:
        left.append(Paragraph(_text(doc.business_name), s["title"]))
    right = [Paragraph(f"<b>{_text(doc.business_name)}</b>", s["right"])]
    right += [Paragraph(_text(line), s["small"]) for line in doc.business_lines]
    for p in right[1:]:
        p.style = ParagraphStyle("r", parent=s["small"], alignment=TA_RIGHT)
    header = Table([[left, right]], colWidths=[width * 0.5, width * 0.5])
    header.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [header, Spacer(1, 10 * mm)]

    # client and document facts
    client = [Paragraph(_text(line), s["base"]) for line in doc.client_lines] or [Paragraph("—", s["base"])]
    facts = Table(
        [
            [Paragraph("Proposal", s["small"]), Paragraph(_text(doc.label), s["right"])],
            [Paragraph("Date", s["small"]), Paragraph(doc.issue_date, s["right"])],
            [Paragraph("Valid until", s["small"]), Paragraph(doc.valid_until, s["right"])],
        ],
        colWidths=[25 * mm, 45 * mm],
    )
    facts.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    block = Table([[client, facts]], colWidths=[width - 70 * mm, 70 * mm])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [block, Spacer(1, 8 * mm), Paragraph(_text(doc.title), s["title"])]
    story += _paragraphs(doc.intro, s["base"])
    for title, body in doc.sections:
        story.append(Paragraph(_text(title), s["h2"]))
        story += _paragraphs(body, s["base"])

    # items
    story.append(Paragraph("Prices", s["h2"]))
    story.append(_items_table(doc.items, width, s))
    story.append(Spacer(1, 3 * mm))

    # totals, notes, closing and acceptance stay together: never an acceptance block alone
    ending: list = [_totals_table(doc.totals, width, s)]
    ending += [Paragraph(_text(note), s["small"]) for note in doc.notes + doc.warnings]
    if doc.closing:
        ending.append(Spacer(1, 6 * mm))
        ending += _paragraphs(doc.closing, s["base"])
    sign = Table(
        [
            [
                Paragraph("Accepted by (name)", s["small"]),
                Paragraph("Signature", s["small"]),
                Paragraph("Date", s["small"]),
            ],
            ["", "", ""],
        ],
        colWidths=[width * 0.4, width * 0.35, width * 0.25],
        rowHeights=[None, 14 * mm],
    )
    sign.setStyle(
        TableStyle([("LINEBELOW", (0, 1), (-1, 1), 0.5, colors.black), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    ending += [
        Spacer(1, 8 * mm),
        Paragraph("Acceptance", s["h2"]),
        Paragraph(_text(f"To accept proposal {doc.label}, sign and return this page."), s["base"]),
        Spacer(1, 4 * mm),
        sign,
    ]
    story.append(KeepTogether(ending))

    class Canvas(_NumberedCanvas):
        footer_text = f"{doc.business_name} · {doc.label}"

    template.build(story, canvasmaker=Canvas)
    return out.getvalue()
