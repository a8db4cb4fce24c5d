"""What makes a printed map readable and measurable: the intervention's place, the day's
route, the scale bar, the north arrow and the scale text.

The scale bar is a round true-ground length drawn through the projection's scale factor,
and the north arrow points to true north (rotated from grid north by the meridian
convergence), so a foreman can measure on the paper and orient it with a compass.
"""
from __future__ import annotations

import math

import numpy as np
import shapely
from reportlab.lib.colors import HexColor, black, white

from print_templates.fonts import SANS, SANS_BOLD, text_width
from print_templates.map_layers import add_lines
from print_templates.map_view import MapView, crs_name, nice_bar

SCALE_BAR_HEIGHT = 3.0  # points; tests find the bar's segments by this height
STOP_RADIUS = 7.5
FURNITURE_BACKGROUND = 0.85  # opacity of the white boxes under the furniture


def scale_label(denominator: int) -> str:
    """``1:1 000`` (no-break space between thousands)."""
    return "1:" + f"{denominator:,}".replace(",", "\u00a0")


def draw_target(canvas, view: MapView, target, colour: str) -> None:
    """The place of the intervention: a ring with a crosshair on each point, its lines or
    areas outlined."""
    canvas.saveState()
    canvas.setStrokeColor(HexColor(colour))
    points = [part for part in shapely.get_parts(target) if part.geom_type == "Point"]
    others = [part for part in shapely.get_parts(target) if part.geom_type != "Point"]
    canvas.setLineWidth(1.6)
    for x, y in view.to_page(shapely.get_coordinates(points)) if points else ():
        canvas.circle(x, y, 9, stroke=1, fill=0)
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            canvas.line(x + dx * 5, y + dy * 5, x + dx * 15, y + dy * 15)
    if others:
        canvas.setStrokeAlpha(0.7)
        canvas.setLineWidth(3.2)
        path = canvas.beginPath()
        for part in others:
            add_lines(path, view, part)
        canvas.drawPath(path, stroke=1, fill=0)
    canvas.restoreState()


def draw_route(canvas, view: MapView, stops: tuple[tuple[float, float], ...], colour: str) -> None:
    """The day's stops as numbered discs joined in order by straight lines; a disc that
    would hide another is moved aside, with a leader line to its place."""
    if not stops:
        return
    points = view.to_page(np.asarray(stops, dtype=float))
    canvas.saveState()
    canvas.setStrokeColor(HexColor(colour), alpha=0.8)
    canvas.setLineWidth(1.6)
    canvas.setLineJoin(1)
    if len(points) > 1:
        path = canvas.beginPath()
        path.moveTo(*points[0])
        for x, y in points[1:]:
            path.lineTo(x, y)
        canvas.drawPath(path, stroke=1, fill=0)
    discs = _spread(points)
    canvas.setLineWidth(0.6)
    for (x, y), (dx, dy) in zip(points, discs):
        if (x, y) != (dx, dy):
            canvas.line(x, y, dx, dy)
    canvas.setStrokeColor(white, alpha=1)
    canvas.setLineWidth(1)
    for number, (x, y) in enumerate(discs, start=1):
        canvas.setFillColor(HexColor(colour))
        canvas.circle(x, y, STOP_RADIUS, stroke=1, fill=1)
        canvas.setFillColor(white)
        canvas.setFont(SANS_BOLD, 7 if number < 100 else 5.5)
        canvas.drawCentredString(x, y - 2.5, str(number))
    canvas.restoreState()


def _spread(points: np.ndarray) -> list[tuple[float, float]]:
    """Where each stop's disc goes: at its place, else the nearest free spot around it."""
    around = [(ring * 2.2 * STOP_RADIUS * math.cos(angle), ring * 2.2 * STOP_RADIUS * math.sin(angle))
              for ring in (1, 2, 3) for angle in (math.radians(45 + 45 * k) for k in range(8))]
    placed: list[tuple[float, float]] = []
    for x, y in points:
        candidates = [(float(x), float(y))] + [(x + dx, y + dy) for dx, dy in around]
        placed.append(next((c for c in candidates
                            if all(math.hypot(c[0] - px, c[1] - py) >= 2 * STOP_RADIUS for px, py in placed)),
                           candidates[0]))
    return placed


def draw_scale_bar(canvas, view: MapView) -> None:
    """A round ground length in alternate black and white segments, bottom left."""
    metres, segments = nice_bar(view)
    length = view.bar_points(metres)
    unit = "km" if metres >= 1000 else "m"
    value = (lambda m: f"{m / 1000:g}") if unit == "km" else (lambda m: f"{m:g}")
    labels = [(0, "0"), (length / 2, value(metres / 2)), (length, f"{value(metres)} {unit}")]
    x0, y0 = 12.0, 10.0
    right = x0 + length + text_width(labels[-1][1], SANS, 6.5) / 2 + 4
    _box(canvas, 6, 4, right - 6 + 2, 22)
    canvas.saveState()
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.5)
    step = length / segments
    for i in range(segments):
        canvas.setFillColor(black if i % 2 == 0 else white)
        canvas.rect(x0 + i * step, y0, step, SCALE_BAR_HEIGHT, stroke=1, fill=1)
    canvas.setFillColor(black)
    canvas.setFont(SANS, 6.5)
    for offset, text in labels:
        canvas.drawCentredString(x0 + offset, y0 + SCALE_BAR_HEIGHT + 3, text)
    canvas.restoreState()


def draw_north_arrow(canvas, view: MapView, label: str) -> None:
    """An arrow to true north with its letter, top right."""
    north = view.facts[1]
    cx, cy = view.width - 20, view.height - 24
    _box(canvas, cx - 13, cy - 17, 26, 36)
    canvas.saveState()
    canvas.translate(cx, cy)
    canvas.rotate(-north)  # reportlab turns counter-clockwise; the angle is clockwise
    left, right = canvas.beginPath(), canvas.beginPath()
    for path, side in ((left, -5), (right, 5)):
        path.moveTo(0, 11)
        path.lineTo(side, -9)
        path.lineTo(0, -5)
        path.close()
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.6)
    canvas.setFillColor(black)
    canvas.drawPath(left, stroke=1, fill=1)
    canvas.setFillColor(white)
    canvas.drawPath(right, stroke=1, fill=1)
    canvas.setFillColor(black)
    canvas.setFont(SANS_BOLD, 8)
    canvas.drawCentredString(0, 12.5, label)
    canvas.restoreState()


def draw_scale_text(canvas, view: MapView, scale_template: str) -> None:
    """``Scale 1:1 000`` and the grid's CRS, bottom right."""
    text = scale_template % {"denominator": scale_label(view.scale)}
    crs = crs_name(view.srid)
    width = max(text_width(text, SANS_BOLD, 7.5), text_width(crs, SANS, 5.5))
    x = view.width - width - 10
    _box(canvas, x - 4, 4, width + 8, 20)
    canvas.setFillColor(black)
    canvas.setFont(SANS_BOLD, 7.5)
    canvas.drawString(x, 14, text)
    canvas.setFont(SANS, 5.5)
    canvas.drawString(x, 7, crs)


def furniture_boxes(view: MapView, scale_template: str) -> list[tuple[float, float, float, float]]:
    """Where the scale bar, scale text and north arrow go (labels keep off them)."""
    metres, _ = nice_bar(view)
    bar_right = 12 + view.bar_points(metres) + 30
    text = scale_template % {"denominator": scale_label(view.scale)}
    text_left = view.width - max(text_width(text, SANS_BOLD, 7.5), text_width(crs_name(view.srid), SANS, 5.5)) - 16
    return [(0, 0, bar_right, 28), (text_left, 0, view.width, 26),
            (view.width - 36, view.height - 44, view.width, view.height)]


def _box(canvas, x: float, y: float, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setFillColor(white, alpha=FURNITURE_BACKGROUND)
    canvas.setStrokeColor(HexColor("#9aa5b1"))
    canvas.setLineWidth(0.4)
    canvas.roundRect(x, y, width, height, 2, stroke=1, fill=1)
    canvas.restoreState()


def frame_outline(canvas, view: MapView) -> None:
    """The frame's border, drawn last over everything."""
    canvas.saveState()
    canvas.setStrokeColor(HexColor("#1d2733"))
    canvas.setLineWidth(0.8)
    canvas.rect(0, 0, view.width, view.height, stroke=1, fill=0)
    canvas.restoreState()

