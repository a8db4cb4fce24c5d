"""Coordinate reference systems: cached transformers, always in x/y (lon/lat) order."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely import transform
from shapely.geometry.base import BaseGeometry


@lru_cache(maxsize=64)
def transformer(from_srid: int, to_srid: int) -> Transformer:
    """A cached pyproj transformer between two EPSG codes, x/y axis order."""
    return Transformer.from_crs(from_srid, to_srid, always_xy=True)


def reproject(geom: BaseGeometry, from_srid: int, to_srid: int) -> BaseGeometry:
    """Return ``geom`` reprojected; the input is not modified."""
    if from_srid == to_srid:
        return geom
    t = transformer(from_srid, to_srid)
    return transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


# CRSs a French local authority's files come in, tried when a file's own CRS puts its
# features outside the territory (or when it has none).
CANDIDATE_SRIDS = (2154, 4326, 4171, 3947, 3946, 3948, 27572, 3857)


def crs_from_user(text: str) -> CRS:
    """A CRS from what a user or a file gives: ``EPSG:2154``, ``2154`` or WKT; ValueError if unknown."""
    value = text.strip()
    if value.isdigit():
        value = f"EPSG:{value}"
    try:
        return CRS.from_user_input(value)
    except CRSError as error:
        raise ValueError(str(error)) from None


def epsg_code(crs: CRS) -> int | None:
    """The EPSG code that ``crs`` is (also for WKT written with another authority, e.g. IGNF)."""
    return crs.to_epsg(min_confidence=70)


def crs_label(crs: CRS) -> str:
    """``EPSG:2154 — RGF93 v1 / Lambert-93``, or the CRS's own name when no EPSG code fits."""
    code = epsg_code(crs)
    return f"EPSG:{code} — {crs.name}" if code else crs.name


def to_storage(geoms: np.ndarray, source: CRS, storage_srid: int, swap_axes: bool = False) -> np.ndarray:
    """Reproject an array of shapely geometries from ``source`` into the storage SRID."""
    t = _transformer_from(source.to_wkt(), storage_srid)
    if swap_axes:
        return shapely.transform(geoms, lambda xy: np.column_stack(t.transform(xy[:, 1], xy[:, 0])))
    return shapely.transform(geoms, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


@lru_cache(maxsize=16)
def _transformer_from(source_wkt: str, storage_srid: int) -> Transformer:
    return Transformer.from_crs(CRS.from_wkt(source_wkt), CRS.from_epsg(storage_srid), always_xy=True)


Box = tuple[float, float, float, float]


def lands_in(bounds: Box, source: CRS, storage_srid: int, territory: Box, swap_axes: bool = False) -> bool:
    """Whether a layer's bounds, read in ``source``, overlap the territory's box (storage SRID)."""
    xmin, ymin, xmax, ymax = bounds
    if swap_axes:
        xmin, ymin, xmax, ymax = ymin, xmin, ymax, xmax
    if source.is_geographic and not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        return False
    try:
        t = _transformer_from(source.to_wkt(), storage_srid)
        x0, y0, x1, y1 = t.transform_bounds(xmin, ymin, xmax, ymax)
    except Exception:  # noqa: BLE001 - pyproj raises several kinds for out-of-domain boxes
        return False
    if not all(np.isfinite([x0, y0, x1, y1])):
        return False
    return x0 <= territory[2] and x1 >= territory[0] and y0 <= territory[3] and y1 >= territory[1]


def crs_diagnosis(bounds: Box | None, declared: CRS | None, storage_srid: int, territory: Box) -> tuple[str | None, int | None]:
    """Why a layer's features would miss the territory, and the CRS that would put them in it.

    Returns (problem, suggested EPSG code): problem is None when the declared CRS lands the
    features on the territory, else ``axes_swapped``, ``metres_as_degrees``, ``wrong_crs``
    or ``no_crs`` (with a suggestion when one candidate fits).
    """
    if bounds is None:
        return None, None
    if declared is not None and lands_in(bounds, declared, storage_srid, territory):
        return None, None
    if declared is not None and declared.is_geographic and lands_in(bounds, declared, storage_srid, territory, swap_axes=True):
        return "axes_swapped", epsg_code(declared)
    suggestion = next((srid for srid in CANDIDATE_SRIDS
                       if lands_in(bounds, CRS.from_epsg(srid), storage_srid, territory)), None)
    if declared is None:
        return "no_crs", suggestion
    if declared.is_geographic and max(abs(v) for v in bounds) > 180:
        return "metres_as_degrees", suggestion
    return "wrong_crs", suggestion
