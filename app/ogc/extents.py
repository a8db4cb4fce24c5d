"""Extents of the collections: the territory's bbox and each type's first recorded change.

Both scan whole tables (~0.1 s on 100,000 assets) and barely change, so they are kept
for a few minutes per database.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

_TTL_SECONDS = 300.0
_cache: dict[str, tuple[float, "Extents"]] = {}


@dataclass(frozen=True)
class Extents:
    """The territory bbox in CRS84 and, per type code, the first instant of its history (ISO 8601)."""

    bbox: list[float] | None
    starts: dict[str, str]


def extents(session: Session, cache_key: str) -> Extents:
    """The extents, from the cache while it is fresh."""
    now = time.monotonic()
    cached = _cache.get(cache_key)
    if cached is not None and cached[0] > now:
        return cached[1]
    value = Extents(bbox=_territory_bbox(session), starts=_history_starts(session))
    _cache[cache_key] = (now + _TTL_SECONDS, value)
    return value


def _territory_bbox(session: Session) -> list[float] | None:
    row = session.execute(text(
        "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) "
        "FROM (SELECT ST_Extent(ST_Transform(geom, 4326)) AS b FROM territory_outline) AS e"
    )).one()
    return None if row[0] is None else [round(float(v), 6) for v in row]


def _history_starts(session: Session) -> dict[str, str]:
    rows = session.execute(text(
        "SELECT t.code, min(h.recorded_at) FROM asset_history h JOIN asset_types t ON t.id = h.type_id GROUP BY t.code"
    ))
    return {code: first.isoformat().replace("+00:00", "Z") for code, first in rows}
