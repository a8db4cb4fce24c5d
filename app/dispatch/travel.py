"""Travel times between places, in seconds.

On the street network (pgRouting over the imported road segments) when one is loaded,
otherwise along the straight line lengthened by a detour factor at an urban speed. Every
caller asks here, so ranking crews and ordering a day use the same estimate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import STORAGE_SRID

# Straight-line fallback: streets are about 1.3 times longer than the crow flies in a
# European city, driven at about 25 km/h door to door by a crew van.
DETOUR_FACTOR = 1.3
URBAN_SPEED_M_PER_S = 25_000 / 3600
# On the network: a place is joined to the nearest street along a straight access leg
# at walking pace; a place farther than this from any street is off the network.
ACCESS_SPEED_M_PER_S = 5_000 / 3600
MAX_ACCESS_M = 300.0


@dataclass(frozen=True)
class Place:
    """A point in the storage SRID (metres)."""

    x: float
    y: float


@dataclass(frozen=True)
class Leg:
    """How far and how long from one place to another, and how it was estimated."""

    seconds: float
    metres: float
    method: str  # "network" or "straight_line"


def straight_line_leg(origin: Place, destination: Place) -> Leg:
    """The fallback estimate: crow-flies distance × detour factor at urban speed."""
    metres = math.hypot(destination.x - origin.x, destination.y - origin.y) * DETOUR_FACTOR
    return Leg(seconds=metres / URBAN_SPEED_M_PER_S, metres=metres, method="straight_line")


def travel_matrix(session: Session, places: list[Place]) -> list[list[Leg]]:
    """``matrix[i][j]``: from ``places[i]`` to ``places[j]`` (one-way streets make it
    asymmetric on the network). One SQL statement for the whole matrix."""
    found = _network_costs(session, places, None)
    return [[_leg(found, places, i, j) for j in range(len(places))] for i in range(len(places))]


def legs_to(session: Session, origins: list[Place], destination: Place) -> list[Leg]:
    """From each of ``origins`` to ``destination`` (ranking crews for one job). One SQL
    statement for all of them."""
    places = [*origins, destination]
    found = _network_costs(session, places, len(origins))
    return [_leg(found, places, i, len(origins)) for i in range(len(origins))]


def _leg(found: dict[tuple[int, int], tuple[float, float]] | None, places: list[Place], i: int, j: int) -> Leg:
    if i == j or places[i] == places[j]:
        return Leg(seconds=0.0, metres=0.0, method="network" if found else "straight_line")
    if found and (i, j) in found:
        seconds, metres = found[(i, j)]
        return Leg(seconds=seconds, metres=metres, method="network")
    return straight_line_leg(places[i], places[j])


# Each place is snapped to the nearest edge (pgRouting's "points": the edge and the
# fraction along it, so a place on a one-way street leaves it forwards only). The same
# snapping is computed for the access legs and inside pgRouting's points query, which
# must be self-contained text: the coordinates are written into it as float literals.
# A fraction of exactly 0 or 1 (a place on a junction) is nudged inside the edge: pgRouting
# would answer for the vertex instead of the point.
_SNAP = """
SELECT p.pid, e.id AS edge_id, least(greatest(ST_LineLocatePoint(e.geom, p.pt), 1e-6), 1 - 1e-6) AS fraction, ST_Distance(e.geom, p.pt) AS access_m
FROM (VALUES {values}) v(pid, x, y)
CROSS JOIN LATERAL (SELECT v.pid, ST_SetSRID(ST_MakePoint(v.x, v.y), {srid}) AS pt) p
CROSS JOIN LATERAL (SELECT id, geom FROM road_network_edges ORDER BY geom <-> p.pt LIMIT 1) e
WHERE ST_DWithin(e.geom, p.pt, {max_access})"""
_EDGES_BY_TIME = "SELECT id, source, target, cost, reverse_cost FROM road_network_edges"
_EDGES_BY_LENGTH = ("SELECT id, source, target, length_m AS cost, "
                    "CASE WHEN reverse_cost < 0 THEN -1 ELSE length_m END AS reverse_cost FROM road_network_edges")


def _network_costs(session: Session, places: list[Place], destination: int | None
                   ) -> dict[tuple[int, int], tuple[float, float]] | None:
    """{(i, j): (seconds, metres)} for the pairs with a route on the network (access legs
    included); None when no network is loaded. ``destination``: only towards that index
    (many-to-one), else every pair. Metres are the shortest distance on the network."""
    if len(places) < 2 or not _network_loaded(session):
        return None
    values = ", ".join(f"({n + 1}, {float(p.x)!r}, {float(p.y)!r})" for n, p in enumerate(places))
    snap = _SNAP.format(values=values, srid=STORAGE_SRID, max_access=MAX_ACCESS_M)
    points = f"SELECT pid, edge_id, fraction FROM ({snap}) s"
    if destination is None:
        call = ("pgr_withPointsCostMatrix({edges}, :points, (SELECT array_agg(-pid) FROM snapped), "
                "directed => true)")
    else:
        call = ("(SELECT start_pid AS start_vid, end_pid AS end_vid, agg_cost FROM pgr_withPointsCost({edges}, "
                ":points, (SELECT array_agg(-pid) FROM snapped WHERE pid <> :dest), -(:dest)::bigint, "
                "directed => true)) c")
    rows = session.execute(text(f"""
        WITH snapped AS ({snap}),
        ok AS (SELECT count(*) >= 2 AND bool_or(pid = coalesce(:dest, pid)) AS go FROM snapped),
        by_time AS (SELECT * FROM {call.format(edges=":by_time")} WHERE (SELECT go FROM ok)),
        by_length AS (SELECT * FROM {call.format(edges=":by_length")} WHERE (SELECT go FROM ok))
        SELECT -t.start_vid AS i, -t.end_vid AS j,
               t.agg_cost + (a.access_m + b.access_m) / :access_speed AS seconds,
               coalesce(l.agg_cost, t.agg_cost * :speed) + a.access_m + b.access_m AS metres
        FROM by_time t
        JOIN snapped a ON a.pid = -t.start_vid JOIN snapped b ON b.pid = -t.end_vid
        LEFT JOIN by_length l ON l.start_vid = t.start_vid AND l.end_vid = t.end_vid"""),
        {"points": points, "by_time": _EDGES_BY_TIME, "by_length": _EDGES_BY_LENGTH, "dest":
         None if destination is None else destination + 1, "access_speed": ACCESS_SPEED_M_PER_S,
         "speed": URBAN_SPEED_M_PER_S})
    return {(row.i - 1, row.j - 1): (row.seconds, row.metres) for row in rows}


def _network_loaded(session: Session) -> bool:
    return session.execute(text("SELECT EXISTS (SELECT 1 FROM road_network_edges)")).scalar()
