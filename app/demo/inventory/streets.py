"""Synthetic streets: per commune a quadtree of square blocks (smaller where denser) plus radial avenues."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from app.demo.inventory.seeds import STREAM_AVENUES, STREAM_STREETS, seeded_rng
from app.demo.inventory.territory import Commune, Density

# Street synthesis: a lattice of 5 m units, root blocks of 1,280 m, smallest 20 m.
UNIT_M, ROOT_UNITS, MIN_UNITS = 5.0, 256, 4
AVENUES = 10
MIN_PIECE_M = 10.0
SPAN_M = 300.0  # streets are cut into spans to sample places along them
MORTON_CELL_M = 250.0


@dataclass(frozen=True)
class _Frame:
    """The axes of a commune's street grid: rotated by an angle around a pivot."""

    px: float
    py: float
    cos: float
    sin: float

    def to_world(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Frame coordinates (u, v) → world coordinates (x, y)."""
        return self.px + self.cos * u - self.sin * v, self.py + self.sin * u + self.cos * v

    def to_frame(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World coordinates (x, y) → frame coordinates (u, v)."""
        dx, dy = x - self.px, y - self.py
        return self.cos * dx + self.sin * dy, -self.sin * dx + self.cos * dy


@dataclass
class Spans:
    """Streets cut into spans of at most SPAN_M, to sample places along them."""

    x0: np.ndarray
    y0: np.ndarray
    ux: np.ndarray  # unit direction; the normal is (-uy, ux)
    uy: np.ndarray
    length: np.ndarray
    dens: np.ndarray
    first: np.ndarray  # per street piece: the index of its first span
    span_length: np.ndarray  # per street piece: the length of its spans


@dataclass
class Streets:
    """A commune's street pieces (straight, inside its area) and their crossings."""

    pieces: np.ndarray  # (n, 4) x0, y0, x1, y1 in a Morton order, so neighbours follow
    side: np.ndarray  # (n,) ±1: which pavement the lights stand on
    corners: np.ndarray  # (m, 2)
    corner_dens: np.ndarray
    spans: Spans
    angle: float
    length: np.ndarray  # of each piece


def street_plans(communes: list[Commune], density: Density, seed: int, target_m: float) -> list[Streets]:
    """Every commune's streets, their total length calibrated on ``target_m``."""
    avenues = _avenues(density, seed)
    lam = target_m / sum(_density_integral(c.area, density) for c in communes)
    plans = [_commune_streets(c, density, lam, avenues, seed) for c in communes]
    for _ in range(2):  # block sizes are quantised: correct the street density twice
        lam *= target_m / max(sum(float(p.length.sum()) for p in plans), 1.0)
        plans = [_commune_streets(c, density, lam, avenues, seed) for c in communes]
    return plans


def _density_integral(area: BaseGeometry, density: Density, step: float = 150.0) -> float:
    """∫ density dA over ``area`` (m²), on a regular sample."""
    minx, miny, maxx, maxy = area.bounds
    xs, ys = np.meshgrid(np.arange(minx, maxx, step), np.arange(miny, maxy, step))
    xs, ys = xs.ravel(), ys.ravel()
    inside = shapely.contains_xy(area, xs, ys)
    return float(density.at(xs[inside], ys[inside]).sum()) * step * step


def _avenues(density: Density, seed: int) -> np.ndarray:
    """Radial avenues out of Dijon centre, as segments (x0, y0, x1, y1)."""
    rng = seeded_rng(seed, STREAM_AVENUES)
    angles = (np.arange(AVENUES) + rng.uniform(-0.3, 0.3, AVENUES)) * 2 * math.pi / AVENUES
    inner, outer = 150.0, 16_000.0
    return np.column_stack([density.cx + inner * np.cos(angles), density.cy + inner * np.sin(angles),
                            density.cx + outer * np.cos(angles), density.cy + outer * np.sin(angles)])


def _commune_streets(commune: Commune, density: Density, lam: float, avenues: np.ndarray, seed: int) -> Streets:
    """A quadtree street grid for the commune (``lam``: metres of street per m² at density 1)."""
    rng = seeded_rng(seed, commune.key, STREAM_STREETS)
    angle = float(rng.uniform(0, math.pi / 2))
    centre = commune.area.centroid
    frame = _Frame(centre.x, centre.y, math.cos(angle), math.sin(angle))
    area_in_frame = shapely.transform(commune.area, lambda xy: np.column_stack(frame.to_frame(xy[:, 0], xy[:, 1])))
    shapely.prepare(area_in_frame)
    origin, leaves = _quadtree_leaves(area_in_frame, frame, density, lam, rng)
    grid = _grid_segments(leaves, origin, frame)
    pieces = _clip_segments(np.vstack([grid, avenues]), commune.area)
    corners = _leaf_corners(leaves, origin, frame, commune.area)
    if not len(pieces):
        pieces, corners = _fallback_streets(commune.area, angle)
    if not len(corners):
        corners = (pieces[:, :2] + pieces[:, 2:]) / 2
    pieces = pieces[_morton_order((pieces[:, 0] + pieces[:, 2]) / 2, (pieces[:, 1] + pieces[:, 3]) / 2)]
    side = rng.choice((-1.0, 1.0), len(pieces))
    length = np.hypot(pieces[:, 2] - pieces[:, 0], pieces[:, 3] - pieces[:, 1])
    return Streets(pieces, side, corners, density.at(corners[:, 0], corners[:, 1]),
                   _spans_of(pieces, density), angle, length)


def _quadtree_leaves(area: BaseGeometry, frame: _Frame, density: Density, lam: float,
                     rng: np.random.Generator) -> tuple[tuple[float, float], np.ndarray]:
    """Leaf blocks (i, j, size) in lattice units of the frame: smaller where denser."""
    minu, minv, maxu, maxv = area.bounds
    root_m = ROOT_UNITS * UNIT_M
    origin = (minu - float(rng.uniform(0, root_m)), minv - float(rng.uniform(0, root_m)))
    ii, jj = np.meshgrid(np.arange(int((maxu - origin[0]) // root_m) + 1),
                         np.arange(int((maxv - origin[1]) // root_m) + 1), indexing="ij")
    cells, size, leaves = np.column_stack([ii.ravel(), jj.ravel()]) * ROOT_UNITS, ROOT_UNITS, []
    while len(cells):
        cell_m = size * UNIT_M
        u0, v0 = origin[0] + cells[:, 0] * UNIT_M, origin[1] + cells[:, 1] * UNIT_M
        touching = shapely.intersects(shapely.box(u0, v0, u0 + cell_m, v0 + cell_m), area)
        cells, u0, v0 = cells[touching], u0[touching], v0[touching]
        # A grid of square blocks of side b has 2/b metres of street per m².
        block = 2.0 / (lam * density.at(*frame.to_world(u0 + cell_m / 2, v0 + cell_m / 2)))
        split = (cell_m > block * rng.uniform(0.75, 1.35, len(cells))) & (size > MIN_UNITS)
        leaf = ~split
        if size == ROOT_UNITS:  # sparse countryside: only some root blocks have roads at all
            leaf &= rng.random(len(cells)) < cell_m / block
        leaves.append(np.column_stack([cells[leaf], np.full(int(leaf.sum()), size)]))
        size //= 2
        offsets = np.array([[0, 0], [size, 0], [0, size], [size, size]])
        cells = (cells[split][:, None, :] + offsets[None]).reshape(-1, 2)
    return origin, np.concatenate(leaves)


def _grid_segments(leaves: np.ndarray, origin: tuple[float, float], frame: _Frame) -> np.ndarray:
    """The leaves' sides merged into straight streets, as world segments."""
    if not len(leaves):
        return np.empty((0, 4))
    i, j, s = leaves.T
    rows = _merge_intervals(np.concatenate([j, j + s]), np.concatenate([i, i]), np.concatenate([i + s, i + s]))
    cols = _merge_intervals(np.concatenate([i, i + s]), np.concatenate([j, j]), np.concatenate([j + s, j + s]))
    u = np.concatenate([rows[1], cols[0], rows[2], cols[0]]).reshape(2, -1)  # start, end
    v = np.concatenate([rows[0], cols[1], rows[0], cols[2]]).reshape(2, -1)
    x, y = frame.to_world(origin[0] + u * UNIT_M, origin[1] + v * UNIT_M)
    return np.column_stack([x[0], y[0], x[1], y[1]])


def _merge_intervals(coord: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, ...]:
    """Union of integer intervals [start, end] on each line ``coord``: (coord, start, end)."""
    order = np.lexsort((start, coord))
    coord, start, end = coord[order], start[order], end[order]
    offset = (int(end.max()) + 1) * coord.astype(np.int64)  # lines one after another on one axis
    run_end = np.maximum.accumulate(offset + end)
    new = np.ones(len(coord), dtype=bool)
    new[1:] = offset[1:] + start[1:] > run_end[:-1]
    heads = np.flatnonzero(new)
    return coord[heads], start[heads], np.maximum.reduceat(end, heads)


def _leaf_corners(leaves: np.ndarray, origin: tuple[float, float], frame: _Frame, area: BaseGeometry) -> np.ndarray:
    """Street crossings: the leaves' corners inside the area."""
    i, j, s = leaves.T
    lattice = np.unique(np.column_stack([np.concatenate([i, i + s, i, i + s]),
                                         np.concatenate([j, j, j + s, j + s])]), axis=0)
    x, y = frame.to_world(origin[0] + lattice[:, 0] * UNIT_M, origin[1] + lattice[:, 1] * UNIT_M)
    inside = shapely.contains_xy(area, x, y)
    return np.column_stack([x[inside], y[inside]])


def _clip_segments(segments: np.ndarray, area: BaseGeometry) -> np.ndarray:
    """The parts of straight segments inside ``area``, as segments (x0, y0, x1, y1)."""
    parts = shapely.get_parts(shapely.intersection(shapely.linestrings(segments.reshape(-1, 2, 2)), area))
    parts = parts[(shapely.get_type_id(parts) == 1) & (shapely.length(parts) >= MIN_PIECE_M)]
    if not len(parts):
        return np.empty((0, 4))
    coords, index = shapely.get_coordinates(parts, return_index=True)
    first = np.searchsorted(index, np.arange(len(parts)))
    last = np.r_[first[1:], len(index)] - 1
    return np.column_stack([coords[first], coords[last]])


def _fallback_streets(area: BaseGeometry, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """Two crossing streets through the middle of a commune the grid missed."""
    centre = area.representative_point()
    half = 400.0
    ends = [(half * math.cos(a), half * math.sin(a)) for a in (angle, angle + math.pi / 2)]
    segments = np.array([[centre.x - dx, centre.y - dy, centre.x + dx, centre.y + dy] for dx, dy in ends])
    return _clip_segments(segments, area), np.array([[centre.x, centre.y]])


def _morton_order(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Indices sorting points along a Z-order curve (neighbours stay close)."""
    if not len(x):
        return np.arange(0)
    ix = ((x - x.min()) // MORTON_CELL_M).astype(np.int64)
    iy = ((y - y.min()) // MORTON_CELL_M).astype(np.int64)
    code = np.zeros(len(x), dtype=np.int64)
    for bit in range(16):
        code |= ((ix >> bit) & 1) << (2 * bit) | ((iy >> bit) & 1) << (2 * bit + 1)
    return np.argsort(code, kind="stable")


def _spans_of(pieces: np.ndarray, density: Density) -> Spans:
    """Cut street pieces into spans of equal length, at most SPAN_M."""
    dx, dy = pieces[:, 2] - pieces[:, 0], pieces[:, 3] - pieces[:, 1]
    length = np.hypot(dx, dy)
    count = np.maximum(np.ceil(length / SPAN_M), 1).astype(int)
    first = (np.cumsum(count) - count).astype(int)
    piece = np.repeat(np.arange(len(pieces)), count)
    k = np.arange(len(piece)) - first[piece]
    span_length = length / count
    ux, uy = dx / length, dy / length
    x0 = pieces[piece, 0] + ux[piece] * k * span_length[piece]
    y0 = pieces[piece, 1] + uy[piece] * k * span_length[piece]
    half = span_length[piece] / 2
    dens = density.at(x0 + ux[piece] * half, y0 + uy[piece] * half)
    return Spans(x0, y0, ux[piece], uy[piece], span_length[piece], dens, first, span_length)
