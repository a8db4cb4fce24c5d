"""The layers of a printed map, drawn as vectors (paths and text, no raster image) on a
canvas whose origin is the frame's lower-left corner and which is clipped to the frame.

Symbols of one type are drawn as one path (one fill operation), so a map of a thousand
assets stays a few kilobytes and fast to draw. Labels are placed greedily, the assets the
work order is about first, then by distance to the centre; a label that would overlap
one already placed is left out.
"""
from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import shapely
from reportlab.lib.colors import HexColor, black, white
from reportlab.pdfgen.canvas import FILL_EVEN_ODD

from print_templates.fonts import SANS, SANS_BOLD, SANS_ITALIC, text_width
from print_templates.map_data import AssetStyle, CommuneOutline, MapAsset, Road
from print_templates.map_view import MapView

ROAD_WIDTH_M = 7.0  # a street drawn at its real width, within ROAD_WIDTH_PT
ROAD_WIDTH_PT = (3.0, 16.0)
SYMBOL_RADIUS = 2.8
CONCERNED_RADIUS = 4.2
LABEL_SIZE = 5.4
MAX_LABELS = 90
TARGET_CLEARANCE = 16.0  # a concerned asset's label may stand beyond the target's ring
BOUNDARY = HexColor("#7b3294")
ALERT_STATUSES = ("faulty", "out_of_service")
_UNIT_SHAPES = {
    "triangle": [(0, 1.25), (-1.1, -0.7), (1.1, -0.7)],
    "diamond": [(0, 1.35), (1.35, 0), (0, -1.35), (-1.35, 0)],
    "star": [(1.45 * math.sin(a) * (1 if i % 2 == 0 else 0.45), 1.45 * math.cos(a) * (1 if i % 2 == 0 else 0.45))
             for i, a in enumerate(math.radians(36 * n) for n in range(10))],
    "cross": [(-0.4, 1.2), (0.4, 1.2), (0.4, 0.4), (1.2, 0.4), (1.2, -0.4), (0.4, -0.4), (0.4, -1.2),
              (-0.4, -1.2), (-0.4, -0.4), (-1.2, -0.4), (-1.2, 0.4), (-0.4, 0.4)],
    "camera": [(-1.2, 0.8), (0.6, 0.8), (0.6, 0.3), (1.3, 0.75), (1.3, -0.75), (0.6, -0.3), (0.6, -0.8), (-1.2, -0.8)],
}


class Labels:
    """The boxes of what is already drawn and labelled, so that a new label overlaps none of
    them; kept in a grid of cells, so a check looks at its neighbourhood only."""

    CELL = 24.0

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = defaultdict(list)

    def _cells(self, box: tuple[float, float, float, float]):
        x0, y0, x1, y1 = box
        for i in range(int(x0 // self.CELL), int(x1 // self.CELL) + 1):
            for j in range(int(y0 // self.CELL), int(y1 // self.CELL) + 1):
                yield i, j

    def reserve(self, box: tuple[float, float, float, float]) -> None:
        """Mark ``box`` (x0, y0, x1, y1) as taken (a symbol, the target)."""
        for cell in self._cells(box):
            self.cells[cell].append(box)

    def place(self, box: tuple[float, float, float, float]) -> bool:
        """Reserve ``box`` for a label if it is inside the frame and free."""
        x0, y0, x1, y1 = box
        if x0 < 2 or y0 < 2 or x1 > self.width - 2 or y1 > self.height - 2:
            return False
        for cell in self._cells(box):
            if any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in self.cells.get(cell, ())):
                return False
        self.reserve(box)
        return True


def add_shape(path, symbol: str, x: float, y: float, r: float) -> None:
    """Add one point symbol centred on (x, y) with radius ``r`` to ``path``."""
    if symbol == "square":
        path.rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8)
    elif symbol in _UNIT_SHAPES:
        shape = _UNIT_SHAPES[symbol]
        path.moveTo(x + shape[0][0] * r, y + shape[0][1] * r)
        for dx, dy in shape[1:]:
            path.lineTo(x + dx * r, y + dy * r)
        path.close()
    else:
        path.circle(x, y, r)


def add_lines(path, view: MapView, geom) -> None:
    """Add the lines of ``geom`` (its rings, for polygons) to ``path``."""
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon":
            for ring in (part.exterior, *part.interiors):
                _add_coords(path, view.to_page(np.asarray(ring.coords)), close=True)
        elif part.geom_type in ("LineString", "LinearRing"):
            _add_coords(path, view.to_page(np.asarray(part.coords)), close=False)


def _add_coords(path, coords: np.ndarray, close: bool) -> None:
    if len(coords) < 2:
        return
    path.moveTo(*coords[0])
    for x, y in coords[1:]:
        path.lineTo(x, y)
    if close:
        path.close()


def draw_communes(canvas, view: MapView, communes: tuple[CommuneOutline, ...], labels: Labels) -> None:
    """Commune boundaries as a dashed line, their names in italics."""
    path = canvas.beginPath()
    for commune in communes:
        add_lines(path, view, commune.boundary)
    canvas.saveState()
    canvas.setStrokeColor(BOUNDARY)
    canvas.setLineWidth(1.1)
    canvas.setDash([5, 2, 1, 2])
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.restoreState()
    canvas.setFillColor(BOUNDARY)
    for commune in communes:
        if commune.label_at is None:
            continue
        x, y = view.to_page(np.asarray([commune.label_at]))[0]
        width = text_width(commune.name, SANS_ITALIC, 8)
        if labels.place((x - width / 2, y - 2, x + width / 2, y + 8)):
            canvas.setFont(SANS_ITALIC, 8)
            canvas.drawCentredString(x, y, commune.name)


def draw_roads(canvas, view: MapView, roads: tuple[Road, ...], labels: Labels) -> None:
    """Roads as white bands with a grey casing at (about) their real width; one name each."""
    if not roads:
        return
    width = min(max(ROAD_WIDTH_M * view.pt_per_metre, ROAD_WIDTH_PT[0]), ROAD_WIDTH_PT[1])
    path = canvas.beginPath()
    for road in roads:
        add_lines(path, view, road.geom)
    canvas.saveState()
    canvas.setLineCap(1)
    canvas.setLineJoin(1)
    for colour, line_width in ((HexColor("#9a9a9a"), width + 1.6), (white, width)):
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(line_width)
        canvas.drawPath(path, stroke=1, fill=0)
    canvas.restoreState()
    named: set[str] = set()
    for road in roads:
        if road.name and road.name not in named and _label_road(canvas, view, road, labels, width):
            named.add(road.name)


def _label_road(canvas, view: MapView, road: Road, labels: Labels, width: float) -> bool:
    """The street's name along its longest straight piece, upright, if it fits there."""
    coords = view.to_page(shapely.get_coordinates(road.geom))
    if len(coords) < 2:
        return False
    steps = np.diff(coords, axis=0)
    lengths = np.hypot(steps[:, 0], steps[:, 1])
    i = int(np.argmax(lengths))
    size = min(7.0, max(5.0, width * 0.7))
    text = road.name
    if text_width(text, SANS, size) > lengths[i] * 0.9:
        return False
    angle = math.degrees(math.atan2(steps[i, 1], steps[i, 0]))
    if angle > 90 or angle < -90:
        angle -= 180 * math.copysign(1, angle)
    mid = coords[i] + steps[i] / 2
    half = text_width(text, SANS, size) / 2
    reach = abs(half * math.cos(math.radians(angle))) + size, abs(half * math.sin(math.radians(angle))) + size
    if not labels.place((mid[0] - reach[0], mid[1] - reach[1], mid[0] + reach[0], mid[1] + reach[1])):
        return False
    canvas.saveState()
    canvas.translate(*mid)
    canvas.rotate(angle)
    canvas.setFont(SANS, size)
    canvas.setFillColor(HexColor("#444444"))
    canvas.drawCentredString(0, -size * 0.35, text)
    canvas.restoreState()
    return True


def draw_assets(canvas, view: MapView, assets: tuple[MapAsset, ...], styles: dict[str, AssetStyle],
                labels: Labels) -> None:
    """Areas, then lines, then point symbols (one path per type); then the references."""
    fallback = AssetStyle("circle", "#777777", "")
    groups: dict[tuple[str, bool], list[MapAsset]] = defaultdict(list)
    for asset in assets:
        groups[(asset.type_code, asset.concerned)].append(asset)
    for kind in ("Polygon", "Line", "Point"):
        for (code, concerned), members in sorted(groups.items(), key=lambda item: item[0][1]):
            style = styles.get(code, fallback)
            chosen = [a for a in members if a.geom.geom_type.removeprefix("Multi").replace("String", "") == kind]
            if chosen:
                _draw_group(canvas, view, kind, chosen, style, concerned, labels)
    _label_assets(canvas, view, assets, labels)


def reserve_points(labels: Labels, points, radius: float) -> None:
    """Keep labels off the symbols at ``points`` (page coordinates)."""
    for x, y in points:
        labels.reserve((x - radius, y - radius, x + radius, y + radius))


def _draw_group(canvas, view: MapView, kind: str, members: list[MapAsset], style: AssetStyle,
                concerned: bool, labels: Labels) -> None:
    colour = HexColor(style.colour)
    path = canvas.beginPath()
    canvas.saveState()
    if kind == "Point":
        radius = CONCERNED_RADIUS if concerned else SYMBOL_RADIUS
        points = view.to_page(shapely.get_coordinates([a.geom for a in members]))
        reserve_points(labels, points, radius)
        for (x, y) in points:
            add_shape(path, style.symbol, x, y, radius)
        canvas.setFillColor(colour)
        canvas.setStrokeColor(black if concerned else HexColor("#333333"))
        canvas.setLineWidth(1.0 if concerned else 0.35)
        canvas.drawPath(path, stroke=1, fill=1)
        alarms = [p for p, a in zip(points, members) if a.status in ALERT_STATUSES]
        if alarms:  # a faulty asset carries a red ring
            ring = canvas.beginPath()
            for (x, y) in alarms:
                ring.circle(x, y, radius + 1.4)
            canvas.setStrokeColor(HexColor("#b3261e"))
            canvas.setLineWidth(0.8)
            canvas.drawPath(ring, stroke=1, fill=0)
    else:
        for asset in members:
            add_lines(path, view, asset.geom)
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(2.2 if concerned else 1.2)
        if kind == "Polygon":
            canvas.setFillColor(colour, alpha=0.35)
        canvas.drawPath(path, stroke=1, fill=1 if kind == "Polygon" else 0, fillMode=FILL_EVEN_ODD)
    canvas.restoreState()


def _label_assets(canvas, view: MapView, assets: tuple[MapAsset, ...], labels: Labels) -> None:
    """References beside their symbols: the concerned assets first, the nearest next."""
    centre = np.asarray((view.width / 2, view.height / 2))
    anchors = view.to_page(np.asarray([a.geom.representative_point().coords[0] for a in assets]).reshape(-1, 2))
    order = sorted(range(len(assets)), key=lambda i: (not assets[i].concerned,
                                                       float(np.hypot(*(anchors[i] - centre)))))
    placed = 0
    for i in order:
        asset, (x, y) = assets[i], anchors[i]
        font, size = (SANS_BOLD, LABEL_SIZE + 1) if asset.concerned else (SANS, LABEL_SIZE)
        width = text_width(asset.reference, font, size)
        offsets = (CONCERNED_RADIUS + 1.5, TARGET_CLEARANCE) if asset.concerned else (SYMBOL_RADIUS + 1.5,)
        for offset in offsets:
            if _place_label(canvas, labels, asset.reference, font, size, x, y, offset, width):
                placed += 1
                break
        if placed >= MAX_LABELS and not asset.concerned:
            break


def _place_label(canvas, labels: Labels, text: str, font: str, size: float, x: float, y: float, offset: float,
                 width: float) -> bool:
    """Write ``text`` right, left, above or below (x, y) at ``offset``, where it is free."""
    for lx, ly in ((x + offset, y - size * 0.35), (x - offset - width, y - size * 0.35),
                   (x - width / 2, y + offset), (x - width / 2, y - offset - size)):
        if labels.place((lx - 0.5, ly - 1.5, lx + width + 0.5, ly + size)):
            _halo_text(canvas, lx, ly, text, font, size)
            return True
    return False


def _halo_text(canvas, x: float, y: float, text: str, font: str, size: float) -> None:
    """Text on a pale box, readable over symbols and lines (the box, not a stroked copy
    of the text, so that the text is extracted once)."""
    canvas.saveState()
    canvas.setFillColor(white, alpha=0.75)
    canvas.rect(x - 0.5, y - 1.2, text_width(text, font, size) + 1, size + 1.2, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#1d2733"), alpha=1)
    canvas.setFont(font, size)
    canvas.drawString(x, y, text)
    canvas.restoreState()
