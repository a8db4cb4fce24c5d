"""Assets scattered along the streets, without parents: furniture, signs, trees, cameras, cables, parks."""
from __future__ import annotations

import math
from typing import Callable, Iterator

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from app.demo.inventory.copy_loader import Record
from app.demo.inventory.lifecycle import draw_life
from app.demo.inventory.placement import pick_corners, point_along, points_along, tree_rows
from app.demo.inventory.profiles import PROFILES
from app.demo.inventory.records import InventoryRun
from app.demo.inventory.seeds import python_random
from app.demo.inventory.streets import Streets
from app.demo.inventory.territory import Commune


def _place_points(run: InventoryRun, commune: Commune, streets: Streets, code: str, count: int,
                  rng: np.random.Generator) -> Iterator[Record]:
    """Street furniture beside the streets, 2-9 m off the axis."""
    offsets = (2.0, 5.0) if code in ("bollard", "road_sign") else (4.0, 9.0)
    x, y, dens = points_along(streets.spans, count, PROFILES[code].density_power, offsets, rng)
    yield from _point_assets(run, commune, code, x, y, dens, rng)


def _place_trees(run: InventoryRun, commune: Commune, streets: Streets, code: str, count: int,
                 rng: np.random.Generator) -> Iterator[Record]:
    """Street trees, in rows."""
    x, y, dens = tree_rows(streets.spans, count, rng)
    yield from _point_assets(run, commune, code, x, y, dens, rng)


def _place_cameras(run: InventoryRun, commune: Commune, streets: Streets, code: str, count: int,
                   rng: np.random.Generator) -> Iterator[Record]:
    """Cameras at crossings (on a corner of it), mostly in the centres."""
    corners = pick_corners(streets, count, PROFILES[code].density_power, rng)
    angle = rng.uniform(0, 2 * math.pi, count)
    radius = rng.uniform(3.0, 6.0, count)
    x = streets.corners[corners, 0] + radius * np.cos(angle)
    y = streets.corners[corners, 1] + radius * np.sin(angle)
    yield from _point_assets(run, commune, code, x, y, streets.corner_dens[corners], rng)


def _point_assets(run: InventoryRun, commune: Commune, code: str, x: np.ndarray, y: np.ndarray, dens: np.ndarray,
                  rng: np.random.Generator) -> Iterator[Record]:
    """Assets of ``code`` at the given points, each with its own life."""
    rnd = python_random(rng)
    for k in range(len(x)):
        life = draw_life(rnd, code, float(dens[k]))
        yield run.asset(code, commune, run.point(x[k], y[k]), None, life)[1]


def _place_cables(run: InventoryRun, commune: Commune, streets: Streets, code: str, count: int,
                  rng: np.random.Generator) -> Iterator[Record]:
    """Fibre cables along 150-1,500 m of a street, 2.5 m off its axis."""
    rnd = python_random(rng)
    length = streets.length
    dens = streets.spans.dens[streets.spans.first]
    weights = length * dens ** PROFILES[code].density_power
    for piece in rng.choice(len(length), size=count, p=weights / weights.sum()):
        span = min(float(length[piece]), rng.uniform(150.0, 1500.0))
        t0 = rng.uniform(0.0, float(length[piece]) - span)
        line = LineString([point_along(streets, int(piece), t0, -2.5),
                           point_along(streets, int(piece), t0 + span, -2.5)])
        yield run.asset(code, commune, run.shape(line), None, draw_life(rnd, code, float(dens[piece])))[1]


def _place_green_spaces(run: InventoryRun, commune: Commune, streets: Streets, code: str, count: int,
                        rng: np.random.Generator) -> Iterator[Record]:
    """Parks and squares beside the streets: larger where the town is sparser."""
    rnd = python_random(rng)
    made = 0
    for _ in range(count * 50):  # a few blobs fall mostly outside the commune: draw again
        x, y, dens = points_along(streets.spans, 1, PROFILES[code].density_power, (20.0, 60.0), rng)
        radius = min(200.0, rng.uniform(25.0, 60.0) / math.sqrt(min(1.0, float(dens[0]))))
        polygon = _largest_polygon(shapely.intersection(_blob(float(x[0]), float(y[0]), radius, rng), commune.area))
        if polygon is None or polygon.area < 400.0:
            continue
        yield run.asset(code, commune, run.shape(polygon), None, draw_life(rnd, code, float(dens[0])))[1]
        made += 1
        if made == count:
            return


def _blob(x: float, y: float, radius: float, rng: np.random.Generator) -> Polygon:
    """A rounded, star-shaped (hence simple) polygon around (x, y)."""
    n = 14
    angles = (np.arange(n) + rng.uniform(-0.3, 0.3, n)) * 2 * math.pi / n
    radii = radius * rng.uniform(0.75, 1.15, n)
    stretch, turn = rng.uniform(0.6, 1.4), rng.uniform(0, math.pi)
    u, v = radii * np.cos(angles) * stretch, radii * np.sin(angles)
    return Polygon(np.column_stack([x + u * math.cos(turn) - v * math.sin(turn),
                                    y + u * math.sin(turn) + v * math.cos(turn)]))


def _largest_polygon(geom: BaseGeometry) -> Polygon | None:
    """The largest valid polygon of ``geom``, if any."""
    polygons = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and g.is_valid and not g.is_empty]
    return max(polygons, key=lambda g: g.area) if polygons else None


Placer = Callable[[InventoryRun, Commune, Streets, str, int, np.random.Generator], Iterator[Record]]
PLACERS: dict[str, Placer] = {
    "cctv_camera": _place_cameras, "road_sign": _place_points, "bench": _place_points, "litter_bin": _place_points,
    "tree": _place_trees, "fountain": _place_points, "defibrillator": _place_points,
    "parking_meter": _place_points, "ev_charger": _place_points, "bollard": _place_points,
    "info_panel": _place_points, "green_space": _place_green_spaces, "fibre_cable": _place_cables,
}
