"""The communes as the generator sees them, and the density of the built-up area."""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from gis.crs import transformer

DIJON_CENTRE_LONLAT = (5.0415, 47.3220)  # place de la Libération
# Assets are placed at most 9 m from a street, and streets stay this far inside their
# commune (and off its neighbours' overlapping outlines): each asset is inside its commune.
MARGIN_M = 12.0

# Density of the built-up area, relative to Dijon centre: a dense core, each other
# commune's village centre, and a few roads everywhere.
CORE_RADIUS_M = 2800.0
VILLAGE_WEIGHT, VILLAGE_RADIUS_M = 0.15, 700.0
RURAL_FLOOR = 0.005


@dataclass(frozen=True)
class Commune:
    """A commune as the generator sees it."""

    id: int
    insee: str
    area: BaseGeometry  # where its assets go: inside it, off its neighbours, MARGIN_M in

    @property
    def key(self) -> int:
        """A number naming the commune in random seeds (INSEE codes may hold letters)."""
        return zlib.crc32(self.insee.encode())


@dataclass(frozen=True)
class Density:
    """Relative density of the built-up area: about 1 at Dijon centre."""

    cx: float
    cy: float
    villages: np.ndarray  # (n, 2) centres of the other communes

    def at(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Density at points (x, y) of the storage SRID."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        core = 1.0 / (1.0 + (np.hypot(x - self.cx, y - self.cy) / CORE_RADIUS_M) ** 3)
        village = np.zeros_like(x)
        for vx, vy in self.villages:
            village = np.maximum(village, np.exp(-np.hypot(x - vx, y - vy) / VILLAGE_RADIUS_M))
        return core + VILLAGE_WEIGHT * village + RURAL_FLOOR


def load_territory(session: Session, srid: int) -> tuple[list[Commune], Density]:
    """The communes (with their placement areas) and the density field."""
    rows = session.execute(text("SELECT id, insee, ST_AsBinary(geom) FROM communes ORDER BY insee")).all()
    if not rows:
        raise ValidationFailed("There are no communes: load the territory first (vigie load-demo).")
    shapes = [shapely.from_wkb(bytes(row[2])) for row in rows]
    cx, cy = transformer(4326, srid).transform(*DIJON_CENTRE_LONLAT)
    villages = [shapely.get_coordinates(s.point_on_surface())[0] for s in shapes if not s.contains(Point(cx, cy))]
    communes = [Commune(row[0], row[1], _placement_area(shapes, k)) for k, row in enumerate(rows)]
    density = Density(cx, cy, np.array(villages).reshape(-1, 2))
    return [c for c in communes if not c.area.is_empty], density


def _placement_area(shapes: list[BaseGeometry], k: int) -> BaseGeometry:
    """The commune minus its neighbours' overlapping outlines, MARGIN_M inside."""
    area = shapes[k]
    for j, other in enumerate(shapes):
        if j != k and area.intersects(other):
            area = area.difference(other)
    area = area.buffer(-MARGIN_M)
    shapely.prepare(area)
    return area
