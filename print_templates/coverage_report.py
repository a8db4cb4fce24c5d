"""The commune's coverage report: A4 portrait, the dashboard's figures and its coverage map.

Frozen data in (labels already translated, values formatted, geometries in the storage
CRS), PDF out. The map is drawn as vectors like the work order's: the commune outline,
the lit areas, the dark stretches and, for readers allowed to see them, the CCTV sectors,
with a scale bar and a north arrow.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color, HexColor
from reportlab.platypus import Paragraph, Spacer, Table
from shapely.geometry.base import BaseGeometry

from print_templates.branding import Branding
from print_templates.document import CONTENT_WIDTH, DocumentInfo, Part, write_document
from print_templates.map_extract import _MapFlowable
from print_templates.map_layers import add_lines
from print_templates.map_view import fit_view
from print_templates.styles import grid_style, para, section_title, style, table_style
from print_templates.wording import Wording

MAP_HEIGHT = 330.0
LIT, DARK, CCTV, OUTLINE = "#ffbf00", "#b2182b", "#1f78b4", "#5b6876"
JUDGEMENT_COLOURS = {"better": "#2e7d32", "worse": "#c62828", "": "#5b6876"}
TREND_MARKS = {"up": "▲", "down": "▼", "flat": "=", "": ""}


@dataclass(frozen=True)
class ReportFigure:
    label: str
    value: str
    previous: str  # already worded, e.g. "before: 92.1 %"
    trend: str  # up, down, flat or ""
    judgement: str  # better, worse or ""


@dataclass(frozen=True)
class CoverageMapData:
    srid: int
    outline: BaseGeometry
    lit: BaseGeometry | None
    dark: BaseGeometry | None
    cctv: BaseGeometry | None  # None: the reader may not see camera positions


@dataclass(frozen=True)
class CoverageReport:
    reference: str  # running header and footer, e.g. "Talant · 2026-11-22"
    title: str
    subtitle: str
    figures_title: str
    figures: tuple[ReportFigure, ...]
    map_title: str
    map: CoverageMapData
    legend: tuple[str, str, str]  # lit, dark, CCTV
    notes: tuple[str, ...]


def render_coverage_report(report: CoverageReport, branding: Branding, wording: Wording, printed: str) -> bytes:
    """The PDF of one commune's report."""
    out = io.BytesIO()
    info = DocumentInfo(title=report.title, author=branding.organisation, subject=report.subtitle,
                        language=wording.language, keywords=(report.reference,))
    write_document(out, info, [Part(report.reference, _story(report, branding, wording))], branding, wording, printed)
    return out.getvalue()


def _story(report: CoverageReport, branding: Branding, wording: Wording) -> list:
    colour = branding.primary_colour
    story = [para(branding.organisation, "label", colour), para(report.title, "heading"), para(report.subtitle),
             section_title(report.figures_title, colour), _figures(report.figures), Spacer(0, 6),
             section_title(report.map_title, colour)]
    box = report.map.outline.bounds
    view = fit_view(report.map.srid, box, CONTENT_WIDTH, MAP_HEIGHT)
    story += [CoverageMap(view, wording, report.map), Spacer(0, 3), _legend(report)]
    story += [Spacer(0, 6)] + [para(note, "small") for note in report.notes]
    return story


def _figures(figures: tuple[ReportFigure, ...]) -> Table:
    rows = []
    for figure in figures:
        trend_colour = JUDGEMENT_COLOURS[figure.judgement]
        rows.append([para(figure.label), para(figure.value, "value"),
                     Paragraph(f'<font color="{trend_colour}">{TREND_MARKS[figure.trend]} {escape(figure.previous)}</font>',
                               style("body"))])
    table = Table(rows, colWidths=[CONTENT_WIDTH * 0.5, CONTENT_WIDTH * 0.2, CONTENT_WIDTH * 0.3])
    table.setStyle(table_style(grid_style(header=False)))
    return table


def _legend(report: CoverageReport) -> Table:
    marks = [(LIT, report.legend[0]), (DARK, report.legend[1])] + ([(CCTV, report.legend[2])] if report.map.cctv else [])
    cells = [Paragraph(f'<font color="{colour}">■</font> {escape(label)}', style("body")) for colour, label in marks]
    return Table([cells], colWidths=[CONTENT_WIDTH / 3] * len(cells), hAlign="LEFT")


class CoverageMap(_MapFlowable):
    """The commune with its lit areas, dark stretches and CCTV sectors."""

    def __init__(self, view, wording: Wording, data: CoverageMapData) -> None:
        super().__init__(view, wording)
        self.data = data

    def draw_layers(self, canvas, labels) -> None:
        self._fill(canvas, self.data.outline, HexColor("#f4f5f7"))
        if self.data.lit is not None:
            self._fill(canvas, self.data.lit, HexColor(LIT))
        if self.data.cctv is not None:
            self._fill(canvas, self.data.cctv, Color(0.12, 0.47, 0.71, alpha=0.35))
        if self.data.dark is not None:
            self._stroke(canvas, self.data.dark, HexColor(DARK), 1.6)
        self._stroke(canvas, self.data.outline, HexColor(OUTLINE), 0.8)

    def _fill(self, canvas, geom: BaseGeometry, colour) -> None:
        path = canvas.beginPath()
        add_lines(path, self.view, geom)
        canvas.setFillColor(colour)
        canvas.drawPath(path, stroke=0, fill=1, fillMode=0)  # even-odd: holes stay holes

    def _stroke(self, canvas, geom: BaseGeometry, colour, width: float) -> None:
        path = canvas.beginPath()
        add_lines(path, self.view, geom)
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(width)
        canvas.drawPath(path, stroke=1, fill=0)
