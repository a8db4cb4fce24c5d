"""The geometry of a printed map: which ground a frame of the page shows at 1:scale, and
the projection facts its scale bar and north arrow need to be right.

Ground coordinates are in the storage CRS (projected, metres). A projected metre is not
exactly a metre on the ground: the projection's point scale factor ``k`` (0.9992 for
Lambert-93 at Dijon) says how many grid metres one true metre makes, and grid north
differs from true north by the meridian convergence (about 1.5° at Dijon). Both are
measured here with pyproj at the map's centre.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from pyproj import CRS, Geod

from gis.crs import transformer

PT_PER_MM = 72 / 25.4
# Scales a map may be drawn at when it must fit a set of places (the day's route).
FIT_SCALES = (500, 1000, 2000, 2500, 5000, 7500, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000, 75_000,
              100_000, 150_000, 250_000)
_GEOD = Geod(ellps="GRS80")


@lru_cache(maxsize=16)
def crs_name(srid: int) -> str:
    """The CRS's name with its code, e.g. ``RGF93 v1 / Lambert-93 (EPSG:2154)``."""
    return f"{CRS.from_epsg(srid).name} (EPSG:{srid})"


def to_wgs84(srid: int, x: float, y: float) -> tuple[float, float]:
    """(longitude, latitude) in degrees of a point of the storage CRS."""
    lon, lat = transformer(srid, 4326).transform(x, y)
    return float(lon), float(lat)


def grid_facts(srid: int, x: float, y: float) -> tuple[float, float]:
    """(k, north): the point scale factor (grid metres per true metre) and the direction of
    true north, in degrees clockwise from grid north, at ``(x, y)``."""
    lon, lat = to_wgs84(srid, x, y)
    step = 100.0  # metres on the ground, northwards
    _, lat2, _ = _GEOD.fwd(lon, lat, 0.0, step)
    x2, y2 = transformer(4326, srid).transform(lon, lat2)
    dx, dy = x2 - x, y2 - y
    return math.hypot(dx, dy) / step, math.degrees(math.atan2(dx, dy))


@dataclass(frozen=True)
class MapView:
    """A frame of ``width`` × ``height`` points showing the ground around ``centre`` at 1:``scale``."""

    srid: int
    centre: tuple[float, float]
    scale: int
    width: float
    height: float

    @property
    def pt_per_metre(self) -> float:
        """Points of paper per grid metre."""
        return PT_PER_MM * 1000 / self.scale

    @cached_property
    def facts(self) -> tuple[float, float]:
        """(k, north) at the centre; see ``grid_facts``."""
        return grid_facts(self.srid, *self.centre)

    def ground_box(self, margin: float = 0.0) -> tuple[float, float, float, float]:
        """The grid box the frame shows, widened by ``margin`` points on every side."""
        half_w = (self.width / 2 + margin) / self.pt_per_metre
        half_h = (self.height / 2 + margin) / self.pt_per_metre
        cx, cy = self.centre
        return cx - half_w, cy - half_h, cx + half_w, cy + half_h

    def to_page(self, coords: np.ndarray) -> np.ndarray:
        """Grid coordinates (n × 2) → points from the frame's lower-left corner."""
        return (coords - np.asarray(self.centre)) * self.pt_per_metre + (self.width / 2, self.height / 2)

    def bar_points(self, ground_metres: float) -> float:
        """The length on paper of ``ground_metres`` true metres (through the scale factor)."""
        return ground_metres * self.facts[0] * self.pt_per_metre


def fit_view(srid: int, box: tuple[float, float, float, float], width: float, height: float,
             margin: float = 24.0) -> MapView:
    """The largest-scale view from ``FIT_SCALES`` that shows ``box`` within ``margin`` points."""
    minx, miny, maxx, maxy = box
    centre = ((minx + maxx) / 2, (miny + maxy) / 2)
    for scale in FIT_SCALES:
        view = MapView(srid, centre, scale, width, height)
        if (maxx - minx) * view.pt_per_metre <= width - 2 * margin and \
                (maxy - miny) * view.pt_per_metre <= height - 2 * margin:
            return view
    return MapView(srid, centre, FIT_SCALES[-1], width, height)


def nice_bar(view: MapView, max_fraction: float = 0.3) -> tuple[float, int]:
    """(true metres, segments) of a scale bar of a round length at most ``max_fraction`` of the frame."""
    limit = max_fraction * view.width / (view.facts[0] * view.pt_per_metre)
    magnitude = 10 ** math.floor(math.log10(limit))
    for leading in (5, 2, 1):
        if leading * magnitude <= limit:
            return leading * magnitude, {5: 5, 2: 4, 1: 5}[leading]
    return magnitude, 5
