"""Places beside the streets: random points along spans, rows of trees, crossings, offsets."""
from __future__ import annotations

import math

import numpy as np

from app.demo.inventory.profiles import PROFILES
from app.demo.inventory.streets import Spans, Streets


def points_along(spans: Spans, count: int, power: float, offsets: tuple[float, float],
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``count`` places beside the streets, denser where the town is: (x, y, density)."""
    weights = spans.length * spans.dens ** power
    index = rng.choice(len(weights), size=count, p=weights / weights.sum())
    t = rng.random(count) * spans.length[index]
    offset = rng.uniform(*offsets, count) * rng.choice((-1.0, 1.0), count)
    x = spans.x0[index] + t * spans.ux[index] - offset * spans.uy[index]
    y = spans.y0[index] + t * spans.uy[index] + offset * spans.ux[index]
    return x, y, spans.dens[index]


def tree_rows(spans: Spans, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Street trees in rows along some spans, 8-12 m apart, 7 m off the axis."""
    weights = spans.length * spans.dens ** PROFILES["tree"].density_power
    xs, ys, ds, planted = [], [], [], 0
    while planted < count:
        for k in rng.choice(len(weights), size=max(8, count // 20), p=weights / weights.sum()):
            gap = rng.uniform(8.0, 12.0)
            t = np.arange(min(rng.uniform(2.0, 6.0), spans.length[k] / 2), spans.length[k], gap)[: count - planted]
            offset = rng.choice((-7.0, 7.0))
            xs.append(spans.x0[k] + t * spans.ux[k] - offset * spans.uy[k])
            ys.append(spans.y0[k] + t * spans.uy[k] + offset * spans.ux[k])
            ds.append(np.full(len(t), spans.dens[k]))
            planted += len(t)
            if planted >= count:
                break
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ds)


def pick_corners(streets: Streets, count: int, power: float, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``count`` crossings, favouring dense places, distinct when possible."""
    weights = streets.corner_dens ** power
    replace = count > len(weights)
    return rng.choice(len(weights), size=count, replace=replace, p=weights / weights.sum())


def point_along(streets: Streets, piece: int, t: float, offset: float) -> tuple[float, float]:
    """The point at ``t`` along a piece, ``offset`` metres to its lit side."""
    x0, y0, x1, y1 = streets.pieces[piece]
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    side = streets.side[piece] * offset
    return x0 + t * ux - side * uy, y0 + t * uy + side * ux
