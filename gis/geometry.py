"""Geometry checks and clean-ups for reference data (never applied to user edits)."""
from __future__ import annotations

from shapely import make_valid, union_all
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry


def as_valid_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """Return a valid MultiPolygon made of the polygonal parts of ``geom``."""
    if not geom.is_valid:
        geom = make_valid(geom)
    polygons = _polygons_of(geom)
    if not polygons:
        raise ValueError("geometry has no polygonal part")
    result = MultiPolygon(polygons)
    if not result.is_valid:  # touching parts: dissolve them
        result = MultiPolygon(_polygons_of(union_all(polygons)))
    return result


def union_without_slivers(parts: list[BaseGeometry], max_hole_area: float) -> MultiPolygon:
    """Union ``parts`` and drop interior holes up to ``max_hole_area`` (in CRS units²).

    Neighbouring outlines simplified independently leave thin gaps between them;
    those gaps become small holes in the union and are not part of the real outline.
    """
    union = union_all([make_valid(p) for p in parts])
    kept = []
    for polygon in _polygons_of(union):
        holes = [ring for ring in polygon.interiors if Polygon(ring).area > max_hole_area]
        kept.append(Polygon(polygon.exterior, holes))
    return as_valid_multipolygon(MultiPolygon(kept))


def _polygons_of(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom] if not geom.is_empty else []
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _polygons_of(g)]
    return []
