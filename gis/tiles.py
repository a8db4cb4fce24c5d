"""Web Mercator tile arithmetic (EPSG:3857), shared by the tile server and its tests."""
from __future__ import annotations

import math

ORIGIN = 20037508.342789244  # half the width of the Web Mercator square, metres
WORLD = 2 * ORIGIN


def tile_size_m(z: int) -> float:
    """Width of one tile at zoom ``z``, in Web Mercator metres."""
    return WORLD / (1 << z)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) of tile z/x/y in EPSG:3857 (XYZ scheme, y down)."""
    size = tile_size_m(z)
    minx = -ORIGIN + x * size
    maxy = ORIGIN - y * size
    return minx, maxy - size, minx + size, maxy


def tiles_covering(z: int, bounds: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the tiles at zoom ``z`` that cover an EPSG:3857 extent."""
    size = tile_size_m(z)
    minx, miny, maxx, maxy = bounds
    last = (1 << z) - 1
    clamp = lambda v: max(0, min(last, v))  # noqa: E731
    return (clamp(math.floor((minx + ORIGIN) / size)), clamp(math.floor((ORIGIN - maxy) / size)),
            clamp(math.floor((maxx + ORIGIN) / size)), clamp(math.floor((ORIGIN - miny) / size)))


def is_valid_tile(z: int, x: int, y: int) -> bool:
    """Whether z/x/y names a tile of the XYZ pyramid."""
    return 0 <= z <= 24 and 0 <= x < (1 << z) and 0 <= y < (1 << z)
