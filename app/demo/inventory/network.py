"""Networks with a hierarchy: lighting (cabinets, circuits, masts, luminaires) and traffic junctions."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Iterator

import numpy as np
from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry

from app.demo.inventory.copy_loader import Record
from app.demo.inventory.dates import LAST_INSTALL
from app.demo.inventory.lifecycle import Life, draw_child_life, draw_life
from app.demo.inventory.placement import pick_corners, point_along
from app.demo.inventory.profiles import PROFILES
from app.demo.inventory.quotas import split_in_groups
from app.demo.inventory.records import InventoryRun
from app.demo.inventory.seeds import STREAM_JUNCTIONS, STREAM_LIGHTS, python_random, seeded_rng
from app.demo.inventory.streets import Spans, Streets
from app.demo.inventory.territory import Commune

MASTS_AT_SCALE_1 = 35_000
MAST_GAP_M = (25.0, 35.0)
MAST_OFFSET_M = 5.0  # masts stand on the pavement, beside the street axis
CABINET_MASTS = (80, 150)
CIRCUITS_PER_CABINET = (2, 4)
CIRCUIT_SHARE = (0.7, 1.3)  # circuits of one cabinet differ by this much


@dataclass
class _Masts:
    """The lit street-light positions of a commune, along its pieces in order."""

    piece: np.ndarray
    t: np.ndarray  # distance from the piece's start
    dens: np.ndarray

    def __len__(self) -> int:
        return len(self.t)


def _lit_masts(streets: Streets, scale: float, rng: np.random.Generator) -> _Masts:
    """Stations every 25-35 m along each piece; below scale 1, only on some spans."""
    pieces, stations = [np.zeros(0, dtype=int)], [np.zeros(0)]
    for k, length in enumerate(streets.length):
        gaps = rng.uniform(*MAST_GAP_M, int(length // MAST_GAP_M[0]) + 1)
        t = rng.uniform(3.0, 15.0) + np.concatenate([[0.0], np.cumsum(gaps[:-1])])
        t = t[t <= length - 3.0]
        pieces.append(np.full(len(t), k))
        stations.append(t)
    piece, t = np.concatenate(pieces), np.concatenate(stations)
    span = _span_of(streets.spans, piece, t)
    lit = _lit_spans(streets.spans.length, scale, rng)[span] if scale < 1.0 else np.ones(len(t), dtype=bool)
    return _Masts(piece[lit], t[lit], streets.spans.dens[span[lit]])


def _span_of(spans: Spans, piece: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The span of each point at ``t`` along ``piece``."""
    spans_per_piece = np.diff(np.r_[spans.first, len(spans.length)])
    k = np.minimum(t // spans.span_length[piece], spans_per_piece[piece] - 1)
    return spans.first[piece] + k.astype(int)


def _lit_spans(length: np.ndarray, scale: float, rng: np.random.Generator) -> np.ndarray:
    """A random share ``scale`` of the street length, span by span."""
    if not len(length):
        return np.zeros(0, dtype=bool)
    order = rng.permutation(len(length))
    cumulated = np.cumsum(length[order])
    lit = np.zeros(len(length), dtype=bool)
    lit[order[cumulated - length[order] / 2 < scale * cumulated[-1]]] = True
    return lit


def lighting_assets(run: InventoryRun, commune: Commune, streets: Streets) -> Iterator[Record]:
    """Cabinets of 80-150 masts, each with 2-4 circuits; each mast with its luminaire."""
    rng = seeded_rng(run.seed, commune.key, STREAM_LIGHTS)
    rnd = python_random(rng)
    masts = _lit_masts(streets, run.scale, rng)
    if not len(masts):
        return
    count = max(1, round(len(masts) / (sum(CABINET_MASTS) / 2)))
    start = 0
    for size in split_in_groups(len(masts), count, rng, *CABINET_MASTS):
        yield from _cabinet(run, commune, streets, masts, start, size, rng, rnd)
        start += size


def _cabinet(run: InventoryRun, commune: Commune, streets: Streets, masts: _Masts, start: int, size: int,
             rng: np.random.Generator, rnd: random.Random) -> Iterator[Record]:
    """A cabinet by its first mast, its circuits and their masts[start:start + size]."""
    piece, t = int(masts.piece[start]), float(masts.t[start])
    x, y = point_along(streets, piece, min(t + 2.0, float(streets.length[piece])), MAST_OFFSET_M + 3.0)
    dens = float(masts.dens[start])
    cabinet = draw_life(rnd, "lighting_cabinet", dens)
    cabinet_id, record = run.asset("lighting_cabinet", commune, run.point(x, y), None, cabinet)
    yield record
    circuits = split_in_groups(size, rnd.randint(*CIRCUITS_PER_CABINET), rng, *CIRCUIT_SHARE)
    for number, count in enumerate(circuits, start=1):
        circuit = draw_child_life(rnd, "lighting_circuit", dens, cabinet, index=number)
        line = _circuit_line(streets, masts, start, start + count)
        circuit_id, record = run.asset("lighting_circuit", commune, run.shape(line), cabinet_id, circuit)
        yield record
        for k in range(start, start + count):
            yield from _mast(run, commune, streets, masts, k, circuit_id, cabinet, rnd)
        start += count


def _mast(run: InventoryRun, commune: Commune, streets: Streets, masts: _Masts, k: int, circuit_id: int,
          cabinet: Life, rnd: random.Random) -> Iterator[Record]:
    """A mast under its circuit, then its luminaire under it."""
    piece, t, dens = int(masts.piece[k]), float(masts.t[k]), float(masts.dens[k])
    if cabinet.final_status == "planned":
        life = draw_life(rnd, "street_light", dens, final="planned")
    else:
        installed = min(cabinet.installed_on + timedelta(days=rnd.randint(0, 700)), LAST_INSTALL)
        life = draw_life(rnd, "street_light", dens, installed=installed)
    mast_id, record = run.asset("street_light", commune, run.point(*point_along(streets, piece, t, MAST_OFFSET_M)),
                                circuit_id, life)
    yield record
    luminaire = draw_child_life(rnd, "luminaire", dens, life)
    # The lantern hangs 1.5 m over the street from the top of the mast.
    where = run.point(*point_along(streets, piece, t, MAST_OFFSET_M - 1.5))
    yield run.asset("luminaire", commune, where, mast_id, luminaire)[1]


def _circuit_line(streets: Streets, masts: _Masts, lo: int, hi: int) -> BaseGeometry:
    """The cable along the circuit's masts: one segment per street piece it follows."""
    pieces, stations = masts.piece[lo:hi], masts.t[lo:hi]
    heads = np.flatnonzero(np.r_[True, pieces[1:] != pieces[:-1]])
    tails = np.r_[heads[1:], len(pieces)] - 1
    segments = []
    for head, tail in zip(heads, tails):
        piece, t0, t1 = int(pieces[head]), float(stations[head]), float(stations[tail])
        if t1 - t0 < 1.0:  # a lone mast: a short stretch of cable on both sides
            t0, t1 = max(0.0, t0 - 8.0), min(float(streets.length[piece]), t1 + 8.0)
        segments.append([point_along(streets, piece, t0, MAST_OFFSET_M),
                         point_along(streets, piece, t1, MAST_OFFSET_M)])
    return LineString(segments[0]) if len(segments) == 1 else MultiLineString(segments)


def junction_assets(run: InventoryRun, commune: Commune, streets: Streets, count: int) -> Iterator[Record]:
    """Traffic-light junctions at crossings, each with 4-12 signal heads around it."""
    if not count:
        return
    rng = seeded_rng(run.seed, commune.key, STREAM_JUNCTIONS)
    rnd = python_random(rng)
    for corner in pick_corners(streets, count, PROFILES["traffic_junction"].density_power, rng):
        (x, y), dens = streets.corners[corner], float(streets.corner_dens[corner])
        junction = draw_life(rnd, "traffic_junction", dens)
        junction_id, record = run.asset("traffic_junction", commune, run.point(x, y), None, junction)
        yield record
        heads = rnd.randint(4, 12)
        for h in range(heads):
            angle = streets.angle + 2 * math.pi * (h + rnd.uniform(-0.2, 0.2)) / heads
            radius = rnd.uniform(5.0, 9.0)
            head = draw_child_life(rnd, "signal_head", dens, junction, index=h)
            where = run.point(x + radius * math.cos(angle), y + radius * math.sin(angle))
            yield run.asset("signal_head", commune, where, junction_id, head)[1]
