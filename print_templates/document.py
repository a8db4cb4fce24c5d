"""One PDF made of parts (a work order, a day pack's cover), each starting on a new A4
page, with a running header on continuation pages and a footer numbering the part's
pages (``Page 1/2``).

The story is pulled from an iterable of parts one part at a time (``_Feed``), so a pack
of 500 work orders never holds more than one work order's data and flowables; the
finished pages are compressed content streams of vector drawing and text (no raster
image), which is what the PDF being written holds. A part's page count is only known when
it ends, so the footers reference a PDF form XObject that is defined then.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterable, Iterator

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import ActionFlowable, BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate

from print_templates.branding import Branding
from print_templates.fonts import MONO, SANS, SANS_BOLD, register_fonts, text_width
from print_templates.wording import Wording

MARGIN = 13 * mm
FOOTER_HEIGHT = 8 * mm
RUNNING_HEADER = 7 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN


@dataclass(frozen=True)
class DocumentInfo:
    """The PDF's metadata: title, author (the organisation), subject, language."""

    title: str
    author: str
    subject: str
    language: str
    keywords: tuple[str, ...] = ()


@dataclass
class Part:
    """A run of pages: its reference (running header and footer) and its flowables."""

    reference: str
    flowables: list[Flowable] = field(default_factory=list)


class _Feed(list):
    """The story: platypus asks its length before every flowable; that is when the next
    part is pulled in, so parts are built one at a time and dropped once drawn."""

    def __init__(self, parts: Iterable[Part]) -> None:
        super().__init__()
        self._parts: Iterator[Part] | None = iter(parts)
        self._count = 0

    def __len__(self) -> int:
        while list.__len__(self) < 3 and self._parts is not None:
            part = next(self._parts, None)
            if part is None:
                self._parts = None
                break
            if self._count:
                self.append(PageBreak())
            self.extend([ActionFlowable(("partStarts", part, self._count)), *part.flowables,
                         ActionFlowable(("partEnds",))])
            self._count += 1
        return list.__len__(self)


class _Document(BaseDocTemplate):
    def __init__(self, out: BinaryIO, info: DocumentInfo, branding: Branding, wording: Wording, printed: str,
                 on_part: Callable[[int], None] | None) -> None:
        super().__init__(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                         bottomMargin=MARGIN + FOOTER_HEIGHT, title=info.title, author=info.author,
                         subject=info.subject, creator="Vigie", keywords=list(info.keywords), lang=info.language,
                         pageCompression=1, displayDocTitle=1, initialFontName=SANS, initialFontSize=8)
        body = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("page", [body], onPageEnd=self._page_ends)])
        self.branding, self.wording, self.printed, self.on_part = branding, wording, printed, on_part
        self.part: Part | None = None
        self.part_index = 0
        self.part_pages = 0
        self.parts_done = 0

    def handle_partStarts(self, part: Part, index: int) -> None:  # noqa: N802 - platypus's naming
        """A part begins (its first flowable follows, on a new page)."""
        self.part, self.part_index, self.part_pages = part, index, 0

    def handle_partEnds(self) -> None:  # noqa: N802 - platypus's naming
        """A part ends: its page count is known, so the form its footers show is defined."""
        canvas = self.canv
        canvas.beginForm(f"pages-{self.part_index}")
        canvas.setFont(SANS, 7)
        canvas.drawString(0, 0, str(self.part_pages + 1))  # the current page has not ended yet
        canvas.endForm()
        self.parts_done += 1
        if self.on_part:
            self.on_part(self.parts_done)

    def _page_ends(self, canvas, _doc) -> None:
        self.part_pages += 1
        canvas.saveState()
        if self.part_pages > 1 and self.part:
            self._running_header(canvas)
        self._footer(canvas)
        canvas.restoreState()

    def _running_header(self, canvas) -> None:
        top = A4[1] - MARGIN + 3 * mm
        canvas.setFillColor(HexColor(self.branding.primary_colour))
        canvas.setFont(SANS_BOLD, 8)
        canvas.drawString(MARGIN, top, self.branding.organisation)
        canvas.setFont(MONO, 8)
        canvas.drawRightString(A4[0] - MARGIN, top,
                               self.wording.continued % {"reference": self.part.reference})
        canvas.setStrokeColor(HexColor(self.branding.primary_colour))
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, top - 2.5 * mm, A4[0] - MARGIN, top - 2.5 * mm)

    def _footer(self, canvas) -> None:
        y = MARGIN
        canvas.setStrokeColor(HexColor("#9aa5b1"))
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, y + 3.2 * mm, A4[0] - MARGIN, y + 3.2 * mm)
        canvas.setFillColor(HexColor("#5b6876"))
        canvas.setFont(SANS, 7)
        footer = self.branding.footer or self.branding.organisation
        canvas.drawString(MARGIN, y, footer)
        middle = " · ".join(filter(None, (self.part.reference if self.part else "",
                                           self.wording.printed % {"date": self.printed})))
        canvas.drawCentredString(A4[0] / 2, y, middle)
        label = f"{self.wording.page} {self.part_pages}/"
        right = A4[0] - MARGIN - 9
        canvas.drawRightString(right, y, label)
        canvas.translate(right, y)
        canvas.doForm(f"pages-{self.part_index}")


def write_document(out: BinaryIO, info: DocumentInfo, parts: Iterable[Part], branding: Branding,
                   wording: Wording, printed: str, on_part: Callable[[int], None] | None = None) -> None:
    """Write the PDF of ``parts`` to ``out``; ``on_part(n)`` is called as each part is done."""
    register_fonts()
    _Document(out, info, branding, wording, printed, on_part).build(_Feed(parts))


def fits_width(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` points."""
    if text_width(text, font, size) <= width:
        return text
    while text and text_width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
