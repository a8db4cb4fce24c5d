"""Paragraph styles, table styles and small flowables shared by the printed layouts."""
from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, TableStyle

from print_templates.fonts import MONO, SANS, SANS_BOLD, register_fonts

INK = HexColor("#1d2733")
MUTED = HexColor("#5b6876")
LINE = HexColor("#9aa5b1")
SHADE = HexColor("#eef1f4")
PRIORITY_COLOURS = {1: "#b3261e", 2: "#d9600b", 3: "#0b5cad", 4: "#5b6876"}


@lru_cache(maxsize=16)
def style(name: str, colour: str = "#1d2733") -> ParagraphStyle:
    """The paragraph style ``name`` (body, small, label, value, title, section, mono, big,
    heading, organisation, badge)."""
    register_fonts()  # paragraphs need the font family when they are made, not when drawn
    specs = {
        "body": dict(fontName=SANS, fontSize=8.5, leading=11),
        "small": dict(fontName=SANS, fontSize=7, leading=8.8),
        "label": dict(fontName=SANS, fontSize=6.8, leading=8.5, textColor=MUTED),
        "value": dict(fontName=SANS_BOLD, fontSize=8.5, leading=10.5),
        "title": dict(fontName=SANS_BOLD, fontSize=9, leading=11, textColor=HexColor(colour)),
        "section": dict(fontName=SANS_BOLD, fontSize=10, leading=12, spaceBefore=7, spaceAfter=3,
                        textColor=HexColor(colour)),
        "mono": dict(fontName=MONO, fontSize=7.5, leading=9.5),
        "big": dict(fontName=MONO, fontSize=17, leading=20, textColor=INK),
        "heading": dict(fontName=SANS_BOLD, fontSize=15, leading=19, spaceBefore=2, spaceAfter=2),
        "organisation": dict(fontName=SANS_BOLD, fontSize=10.5, leading=12.5, textColor=HexColor(colour)),
        "badge": dict(fontName=SANS_BOLD, fontSize=8.5, leading=10.5, textColor=white),
    }
    return ParagraphStyle(name, **{"textColor": INK, **specs[name]})


def para(text: str | None, style_name: str = "body", colour: str = "#1d2733") -> Paragraph:
    """A paragraph of plain text (escaped: user text is never markup); newlines kept."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style(style_name, colour))


def section_title(text: str, colour: str) -> Paragraph:
    """A section's title in the organisation's colour."""
    return para(text, "section", colour)


def table_style(commands: list[tuple]) -> TableStyle:
    """A table style whose plain-text cells use the embedded font (reportlab's default,
    Helvetica, is neither embedded nor able to print every accent)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), *commands])


def grid_style(header: bool = True) -> list[tuple]:
    """A light grid table style, with a shaded header row if ``header``."""
    commands = [("GRID", (0, 0), (-1, -1), 0.4, LINE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    return commands


class QrCode(Flowable):
    """A QR code of ``value`` drawn as one vector path (faster and smaller than a widget)."""

    def __init__(self, value: str, size: float, border: int = 2) -> None:
        super().__init__()
        self.value, self.width, self.height, self.border = value, size, size, border
        code = QRCode(None, QRErrorCorrectLevel.M)
        code.addData(value)
        code.make()
        self.modules = code.modules

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        count = len(self.modules)
        box = self.width / (count + 2 * self.border)
        path = self.canv.beginPath()
        for r, row in enumerate(self.modules):
            y = self.height - (r + self.border + 1) * box
            c = 0
            while c < count:
                if row[c]:
                    start = c
                    while c < count and row[c]:
                        c += 1
                    path.rect((start + self.border) * box, y, (c - start) * box, box)
                else:
                    c += 1
        self.canv.setFillColor(black)
        self.canv.drawPath(path, stroke=0, fill=1)


class TickBox(Flowable):
    """An empty (or ticked) square to tick by hand."""

    def __init__(self, size: float = 8.0, ticked: bool = False) -> None:
        super().__init__()
        self.width = self.height = size
        self.ticked = ticked

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.7)
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        if self.ticked:
            canvas.setLineWidth(1.2)
            canvas.lines([(1.6, self.height * 0.5, self.width * 0.42, 1.6),
                          (self.width * 0.42, 1.6, self.width - 1.2, self.height - 1.2)])
