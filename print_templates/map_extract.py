"""Printed maps as platypus flowables: the work order's extract around its place, the day
pack's route, and the legend under a map. Vector drawing only (no basemap, no raster):
500 pages of maps stay small and the map looks the same without any internet access.
"""
from __future__ import annotations

import numpy as np
import shapely
from reportlab.lib.colors import HexColor, black
from reportlab.platypus import Flowable

from print_templates.fonts import SANS, text_width
from print_templates.map_data import AssetStyle, MapExtract, RouteMap
from print_templates.map_furniture import (
    draw_north_arrow, draw_route, draw_scale_bar, draw_scale_text, draw_target, frame_outline, furniture_boxes,
)
from print_templates.map_layers import (
    BOUNDARY, CONCERNED_RADIUS, Labels, add_shape, draw_assets, draw_communes, draw_roads, reserve_points,
)
from print_templates.map_view import MapView, fit_view
from print_templates.wording import Wording

PAPER = HexColor("#fbfaf6")


class _MapFlowable(Flowable):
    """A framed map: the layers clipped to the frame, then the furniture over them."""

    def __init__(self, view: MapView, wording: Wording) -> None:
        super().__init__()
        self.view, self.wording = view, wording
        self.width, self.height = view.width, view.height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        clip = canvas.beginPath()
        clip.rect(0, 0, self.width, self.height)
        canvas.clipPath(clip, stroke=0, fill=0)
        canvas.setFillColor(PAPER)
        canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        labels = Labels(self.width, self.height)
        for box in furniture_boxes(self.view, self.wording.scale):
            labels.reserve(box)
        self.draw_layers(canvas, labels)
        canvas.restoreState()
        draw_scale_bar(canvas, self.view)
        draw_north_arrow(canvas, self.view, self.wording.north)
        draw_scale_text(canvas, self.view, self.wording.scale)
        frame_outline(canvas, self.view)

    def draw_layers(self, canvas, labels: Labels) -> None:
        """Draw the map's content in frame coordinates (each kind of map says what)."""
        raise NotImplementedError


class WorkOrderMap(_MapFlowable):
    """The intervention's place centred at the chosen scale, with what surrounds it."""

    def __init__(self, extract: MapExtract, width: float, height: float, wording: Wording, accent: str) -> None:
        super().__init__(MapView(extract.srid, extract.centre, extract.scale, width, height), wording)
        self.extract, self.accent = extract, accent

    def draw_layers(self, canvas, labels: Labels) -> None:
        extract = self.extract
        targets = [part for part in shapely.get_parts(extract.target) if part.geom_type == "Point"]
        reserve_points(labels, self.view.to_page(shapely.get_coordinates(targets)) if targets else (), 10)
        draw_roads(canvas, self.view, extract.roads, labels)
        draw_communes(canvas, self.view, extract.communes, labels)
        draw_assets(canvas, self.view, extract.assets, dict(extract.styles), labels)
        draw_target(canvas, self.view, extract.target, self.accent)


class RouteMapFlowable(_MapFlowable):
    """The day's stops and route, at the largest round scale that shows them all."""

    def __init__(self, route: RouteMap, width: float, height: float, wording: Wording, accent: str) -> None:
        xs = [x for x, _ in route.stops] or [0.0]
        ys = [y for _, y in route.stops] or [0.0]
        super().__init__(fit_view(route.srid, (min(xs), min(ys), max(xs), max(ys)), width, height), wording)
        self.route, self.accent = route, accent

    def draw_layers(self, canvas, labels: Labels) -> None:
        reserve_points(labels, self.view.to_page(np.asarray(self.route.stops, dtype=float)), 8)
        draw_roads(canvas, self.view, self.route.roads, labels)
        draw_communes(canvas, self.view, self.route.communes, labels)
        draw_route(canvas, self.view, self.route.stops, self.accent)


class Legend(Flowable):
    """One line (or more) of symbols and their meaning, under a map."""

    ITEM_GAP, SIZE, ROW = 10.0, 7.0, 11.0

    def __init__(self, extract: MapExtract, wording: Wording, accent: str) -> None:
        super().__init__()
        present = {a.type_code for a in extract.assets}
        self.items: list[tuple[str, object]] = [(wording.legend_place, ("target", accent))]
        if any(a.concerned for a in extract.assets):
            self.items.append((wording.legend_concerned, ("concerned", None)))
        self.items += [(style.label, ("style", style)) for code, style in sorted(
            extract.styles.items(), key=lambda item: item[1].label) if code in present and code != "road_segment"]
        if extract.roads:
            self.items.append((wording.legend_road, ("road", None)))
        if extract.communes:
            self.items.append((wording.legend_boundary, ("boundary", None)))
        self.rows: list[list[tuple[float, str, object]]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.rows, row, x = available_width, [], [], 0.0
        for label, mark in self.items:
            width = 14 + text_width(label, SANS, self.SIZE)
            if row and x + width > available_width:
                self.rows.append(row)
                row, x = [], 0.0
            row.append((x, label, mark))
            x += width + self.ITEM_GAP
        if row:
            self.rows.append(row)
        self.height = len(self.rows) * self.ROW + 2
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        for n, row in enumerate(self.rows):
            y = self.height - (n + 1) * self.ROW + 3
            for x, label, (kind, value) in row:
                _legend_mark(canvas, kind, value, x + 5, y + 2.5)
                canvas.setFillColor(black)
                canvas.setFont(SANS, self.SIZE)
                canvas.drawString(x + 13, y, label)


def _legend_mark(canvas, kind: str, value, x: float, y: float) -> None:
    canvas.saveState()
    if kind == "target":
        canvas.setStrokeColor(HexColor(value))
        canvas.setLineWidth(1.2)
        canvas.circle(x, y, 4, stroke=1, fill=0)
    elif kind == "road":
        canvas.setStrokeColor(HexColor("#9a9a9a"))
        canvas.setLineWidth(4.5)
        canvas.line(x - 5, y, x + 5, y)
        canvas.setStrokeColor(HexColor("#ffffff"))
        canvas.setLineWidth(3)
        canvas.line(x - 5, y, x + 5, y)
    elif kind == "concerned":  # drawn bigger, with a black outline
        canvas.setStrokeColor(black)
        canvas.setLineWidth(1.0)
        canvas.setFillColor(HexColor("#ffffff"))
        canvas.circle(x, y, CONCERNED_RADIUS, stroke=1, fill=1)
    elif kind == "boundary":
        canvas.setStrokeColor(BOUNDARY)
        canvas.setDash([3, 1.5, 1, 1.5])
        canvas.line(x - 5, y, x + 5, y)
    else:
        _legend_style(canvas, value, x, y)
    canvas.restoreState()


def _legend_style(canvas, style: AssetStyle, x: float, y: float) -> None:
    colour = HexColor(style.colour)
    if style.geometry_kind == "line":
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(1.4)
        canvas.line(x - 5, y, x + 5, y)
    elif style.geometry_kind == "polygon":
        canvas.setFillColor(colour, alpha=0.35)
        canvas.setStrokeColor(colour)
        canvas.rect(x - 4.5, y - 3, 9, 6, stroke=1, fill=1)
    else:
        path = canvas.beginPath()
        add_shape(path, style.symbol, x, y, 3.0)
        canvas.setFillColor(colour)
        canvas.setStrokeColor(HexColor("#333333"))
        canvas.setLineWidth(0.35)
        canvas.drawPath(path, stroke=1, fill=1)
