"""Intervention tiles: one point per intervention (a point on its geometry, which may be a
point, a line, a polygon or a collection of its assets' geometries) at every zoom from 8
on, the intervention id as MVT feature id, and status, priority (1-4), kind, overdue,
at_risk and reference as properties.

Interventions are thousands, not millions, so there is no aggregation and one version
for all of them: ``tile_cache_state`` row 2, bumped by a trigger on any change to
``interventions``. An edit therefore changes the ETag of *every* intervention tile, not
only of the tiles it touches; the browser refetches the few tiles on screen, which is
acceptable at this volume. Overdue and at risk change with time alone, so the ETag also
carries the current 5-minute bucket: a revalidated tile is at most that stale.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.db import STORAGE_SRID
from app.interventions.models import OPEN_STATUSES
from app.interventions.queries import AT_RISK_SQL, OVERDUE_SQL, InterventionFilter, where_clause
from app.tiles.models import INTERVENTIONS_STATE_ID
from app.tiles.queries import EXTENT, MIN_ZOOM

LAYER = "interventions"
TIME_BUCKET_SECONDS = 300


def with_default_statuses(flt: InterventionFilter) -> InterventionFilter:
    """``flt``, showing the open interventions when it names no status."""
    return flt if flt.statuses else dataclasses.replace(flt, statuses=list(OPEN_STATUSES))


def fingerprint(flt: InterventionFilter, actor: User) -> str:
    """A stable text of the filter and the user's commune scope, for the ETag."""
    values = {name: sorted(value) if isinstance(value, list) else value
              for name, value in dataclasses.asdict(flt).items()}
    scope = None if actor.commune_ids is None else sorted(actor.commune_ids)
    return json.dumps([values, scope], sort_keys=True, default=str)


def tile_etag(session: Session, z: int, x: int, y: int, filter_fingerprint: str, at: datetime) -> str:
    """The ETag of an intervention tile: changes with any intervention, and every 5 minutes."""
    version = session.execute(text("SELECT version FROM tile_cache_state WHERE id = :id"),
                              {"id": INTERVENTIONS_STATE_ID}).scalar_one()
    bucket = int(at.timestamp()) // TIME_BUCKET_SECONDS
    raw = f"{LAYER}/{z}/{x}/{y}|{filter_fingerprint}|{version}|{bucket}"
    return hashlib.sha1(raw.encode()).hexdigest()[:24]


def intervention_tile(session: Session, actor: User, z: int, x: int, y: int, flt: InterventionFilter) -> bytes:
    """The interventions of the tile that ``flt`` and the actor's scope allow, as MVT bytes."""
    if z < MIN_ZOOM:
        return b""
    params: dict = {"z": z, "x": x, "y": y}
    where = where_clause(actor, flt, params)
    sql = f"""
        WITH b AS (SELECT ST_TileEnvelope(:z, :x, :y) AS env,
                          ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.02), {STORAGE_SRID}) AS search)
        SELECT ST_AsMVT(q, '{LAYER}', {EXTENT}, 'geom', 'id') FROM (
            SELECT i.id, i.status, i.priority::integer AS priority, i.kind, i.reference,
                   coalesce({OVERDUE_SQL}, false) AS overdue, coalesce({AT_RISK_SQL}, false) AS at_risk,
                   ST_AsMVTGeom(ST_Transform(ST_PointOnSurface(i.geom), 3857), b.env, {EXTENT}, 64, true) AS geom
            FROM interventions i LEFT JOIN communes c ON c.id = i.commune_id, b
            WHERE i.geom && b.search AND {where}
        ) AS q WHERE q.geom IS NOT NULL"""
    return bytes(session.execute(text(sql), params).scalar_one())
