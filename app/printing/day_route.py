"""The order a crew visits its day's jobs in, until dispatch (#8) brings depots and a real
optimiser: it replaces ``day_route`` and nothing else needs to change.

The planned time windows come first: jobs are taken by planned start. Jobs that start
at the same time (the board plans a day's jobs at 08:00) are visited nearest-neighbour,
from the previous stop, or from the first of them for the first window of the day.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby


@dataclass(frozen=True)
class Stop:
    """A job to visit: its id, planned start and place (grid metres)."""

    id: int
    start: datetime | None
    x: float
    y: float


def day_route(stops: list[Stop]) -> list[Stop]:
    """``stops`` in visiting order: by planned start, nearest-neighbour among equal starts."""
    ordered = sorted(stops, key=lambda s: (s.start is None, s.start or datetime.min, s.id))
    route: list[Stop] = []
    for _, window in groupby(ordered, key=lambda s: s.start):
        remaining = list(window)
        current = route[-1] if route else remaining.pop(0)
        if not route:
            route.append(current)
        while remaining:
            nearest = min(remaining, key=lambda s: (math.hypot(s.x - current.x, s.y - current.y), s.id))
            remaining.remove(nearest)
            route.append(nearest)
            current = nearest
    return route


def route_length_m(route: list[Stop]) -> float:
    """The length in metres of the straight lines joining the stops in order."""
    return sum(math.hypot(b.x - a.x, b.y - a.y) for a, b in zip(route, route[1:]))
