"""Coordinate reference systems: cached transformers, always in x/y (lon/lat) order."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import Transformer
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
