"""Tile SQL: every tile is one PostGIS query returning MVT bytes.

Assets: full detail from zoom 17 (row id as the MVT feature id, which measured both
smaller and faster than an id property; type and status only: the reference doubled
the bytes and the card fetches it anyway); below, counts per grid cell read from
``asset_grid`` (current inventory) or, for a past date, aggregated from the history.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import STORAGE_SRID
from app.inventory.queries import SENSITIVE_TYPES_HIDDEN
from app.tiles.models import GRID_CELLS_PER_TILE

DETAIL_FROM_ZOOM = 17
MIN_ZOOM = 8
EXTENT = 4096
_O = 20037508.342789244
_W = 2 * _O


@dataclass(frozen=True)
class TileFilter:
    """What an asset tile shows: types, statuses, the inventory as of a date, a commune scope."""

    type_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    as_of: datetime | None = None
    commune_ids: tuple[int, ...] | None = None
    hide_sensitive: bool = False  # leave out the sensitive types (the user may not see their positions)
    params: dict = field(default_factory=dict, compare=False)

    def fingerprint(self) -> str:
        """A stable text of the filter, for the ETag."""
        scope = "all" if self.commune_ids is None else ",".join(map(str, sorted(self.commune_ids)))
        return f"t={','.join(sorted(self.type_codes))};s={','.join(sorted(self.statuses))};" \
               f"a={self.as_of.isoformat() if self.as_of else ''};c={scope};h={int(self.hide_sensitive)}"


def tile_etag(session: Session, layer: str, z: int, x: int, y: int, fingerprint: str) -> str:
    """The ETag of a tile: changes when an asset in it (or everything) changes."""
    global_version, tile_version = session.execute(
        text("SELECT (SELECT version FROM tile_cache_state WHERE id = 1), "
             "(SELECT version FROM tile_versions WHERE z = :z AND x = :x AND y = :y)"),
        {"z": min(z, 20), "x": x >> max(0, z - 20), "y": y >> max(0, z - 20)},
    ).one()
    raw = f"{layer}/{z}/{x}/{y}|{fingerprint}|{global_version}|{tile_version or 0}"
    return hashlib.sha1(raw.encode()).hexdigest()[:24]


def _asset_clauses(flt: TileFilter, params: dict, alias: str = "s") -> str:
    clauses = []
    if flt.type_codes:
        clauses.append(f"{alias}.type_id IN (SELECT id FROM asset_types WHERE code = ANY(:types))")
        params["types"] = list(flt.type_codes)
    if flt.statuses:
        clauses.append(f"{alias}.status = ANY(:statuses)")
        params["statuses"] = list(flt.statuses)
    else:
        clauses.append(f"{alias}.status <> 'decommissioned'")
    if flt.commune_ids is not None:
        clauses.append(f"{alias}.commune_id = ANY(:scope)")
        params["scope"] = list(flt.commune_ids)
    if flt.hide_sensitive:
        clauses.append(SENSITIVE_TYPES_HIDDEN.format(alias=alias))
    return " AND ".join(clauses)


def _states(as_of: datetime | None, params: dict) -> str:
    if as_of is None:
        return "assets"
    params["as_of"] = as_of
    return ("(SELECT h.asset_id AS id, h.geom, h.type_id, h.status, h.reference, h.commune_id FROM asset_history h "
            "WHERE h.recorded_at <= :as_of AND NOT EXISTS (SELECT 1 FROM asset_history h2 WHERE h2.asset_id = h.asset_id "
            "AND h2.recorded_at <= :as_of AND (h2.recorded_at, h2.id) > (h.recorded_at, h.id)))")


def asset_detail_tile(session: Session, z: int, x: int, y: int, flt: TileFilter) -> bytes:
    """Every asset of the tile with its id, type and status."""
    params = {"z": z, "x": x, "y": y}
    where = _asset_clauses(flt, params)
    sql = f"""
        WITH b AS (SELECT ST_TileEnvelope(:z, :x, :y) AS env,
                          ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.02), {STORAGE_SRID}) AS search)
        SELECT ST_AsMVT(q, 'assets', {EXTENT}, 'geom', 'id') FROM (
            SELECT s.id, t.code AS type, s.status,
                   ST_AsMVTGeom(ST_Transform(s.geom, 3857), b.env, {EXTENT}, 64, true) AS geom
            FROM {_states(flt.as_of, params)} AS s JOIN asset_types t ON t.id = s.type_id, b
            WHERE s.geom && b.search AND {where}
        ) AS q WHERE q.geom IS NOT NULL"""
    return bytes(session.execute(text(sql), params).scalar_one())


def asset_grid_tile(session: Session, z: int, x: int, y: int, flt: TileFilter) -> bytes:
    """Counts per grid cell with the status mix: where assets are and how many."""
    if flt.as_of is not None or flt.commune_ids is not None:
        return _grid_from_rows(session, z, x, y, flt)
    g = GRID_CELLS_PER_TILE
    params: dict = {"z": z, "cx0": x * g, "cx1": x * g + g - 1, "cy0": y * g, "cy1": y * g + g - 1,
                    "cell": _W / (g * (1 << z))}
    if flt.type_codes:
        filters = ["type_id IN (SELECT id FROM asset_types WHERE code = ANY(:types))"]
        params["types"] = list(flt.type_codes)
        if flt.hide_sensitive:  # the all-types counts (type 0) blend them in; one type's would not
            filters.append("type_id IN (SELECT id FROM asset_types WHERE NOT is_sensitive)")
    else:
        filters = ["type_id = 0"]  # the all-types rows the triggers keep beside each type's
    if flt.statuses:
        filters.append("status = ANY(:statuses)")
        params["statuses"] = list(flt.statuses)
    sql = f"""
        SELECT ST_AsMVT(q, 'asset_counts', {EXTENT}, 'geom') FROM (
            SELECT c.total, c.faulty, c.out_of_service, c.planned,
                   ST_AsMVTGeom(ST_SetSRID(ST_MakePoint({-_O} + (c.cx + 0.5) * :cell, {_O} - (c.cy + 0.5) * :cell), 3857),
                                ST_TileEnvelope(:z, :x, :y), {EXTENT}, 0, false) AS geom
            FROM (
                SELECT cx, cy, sum(n)::int AS total,
                       (sum(n) FILTER (WHERE status = 'faulty'))::int AS faulty,
                       (sum(n) FILTER (WHERE status = 'out_of_service'))::int AS out_of_service,
                       (sum(n) FILTER (WHERE status = 'planned'))::int AS planned
                FROM asset_grid
                WHERE z = :z AND cx BETWEEN :cx0 AND :cx1 AND cy BETWEEN :cy0 AND :cy1
                      {''.join(' AND ' + f for f in filters)}
                GROUP BY cx, cy HAVING sum(n) > 0
            ) AS c
        ) AS q"""
    params.update({"x": x, "y": y})
    return bytes(session.execute(text(sql), params).scalar_one())


def _grid_from_rows(session: Session, z: int, x: int, y: int, flt: TileFilter) -> bytes:
    """The same counts computed from the rows (a past date, or a commune-limited user)."""
    g = GRID_CELLS_PER_TILE
    params = {"z": z, "x": x, "y": y, "cell": _W / (g * (1 << z))}
    where = _asset_clauses(flt, params)
    sql = f"""
        WITH b AS (SELECT ST_TileEnvelope(:z, :x, :y) AS env,
                          ST_Transform(ST_TileEnvelope(:z, :x, :y), {STORAGE_SRID}) AS search)
        SELECT ST_AsMVT(q, 'asset_counts', {EXTENT}, 'geom') FROM (
            SELECT count(*)::int AS total,
                   (count(*) FILTER (WHERE p.status = 'faulty'))::int AS faulty,
                   (count(*) FILTER (WHERE p.status = 'out_of_service'))::int AS out_of_service,
                   (count(*) FILTER (WHERE p.status = 'planned'))::int AS planned,
                   ST_AsMVTGeom(ST_SetSRID(ST_MakePoint({-_O} + (p.cx + 0.5) * :cell, {_O} - (p.cy + 0.5) * :cell), 3857),
                                (SELECT env FROM b), {EXTENT}, 0, false) AS geom
            FROM (
                SELECT s.status,
                       floor((ST_X(pt) + {_O}) / :cell)::int AS cx, floor(({_O} - ST_Y(pt)) / :cell)::int AS cy
                FROM {_states(flt.as_of, params)} AS s, b,
                     LATERAL ST_Transform(ST_PointOnSurface(s.geom), 3857) AS pt
                WHERE s.geom && b.search AND {where} AND ST_Intersects(pt, b.env)
            ) AS p
            GROUP BY p.cx, p.cy
        ) AS q"""
    return bytes(session.execute(text(sql), params).scalar_one())


def commune_tile(session: Session, z: int, x: int, y: int) -> bytes:
    """Commune outlines with their INSEE code and name."""
    sql = f"""
        WITH b AS (SELECT ST_TileEnvelope(:z, :x, :y) AS env,
                          ST_Transform(ST_TileEnvelope(:z, :x, :y), {STORAGE_SRID}) AS search)
        SELECT ST_AsMVT(q, 'communes', {EXTENT}, 'geom', 'id') FROM (
            SELECT c.id, c.insee, c.name,
                   ST_AsMVTGeom(ST_Transform(c.geom, 3857), b.env, {EXTENT}, 64, true) AS geom
            FROM communes c, b WHERE c.geom && b.search
        ) AS q WHERE q.geom IS NOT NULL"""
    return bytes(session.execute(text(sql), {"z": z, "x": x, "y": y}).scalar_one())
