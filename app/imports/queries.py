"""Reads for the import pages: the list, the report's rows, the preview, the territory's box."""
from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.i18n import Msg, msg
from app.imports.models import Import

REPORT_PAGE = 200
PREVIEW_LIMIT = 5_000


def recent_imports(session: Session, limit: int = 50) -> list[dict]:
    """The latest imports with their author, newest first."""
    rows = session.execute(text(
        "SELECT i.id, i.created_at, i.filename, i.status, i.counts, i.settings->>'asset_type' AS asset_type, "
        "u.display_name AS author FROM imports i JOIN users u ON u.id = i.created_by_id "
        "ORDER BY i.id DESC LIMIT :limit"), {"limit": limit}).mappings().all()
    return [dict(row) for row in rows]


def get_import(session: Session, import_id: int) -> Import:
    """The import, or NotFound."""
    imp = session.get(Import, import_id)
    if imp is None:
        raise NotFound(msg("No import %(id)s.", id=import_id))
    return imp


def last_error(imp: Import) -> Msg | None:
    """The reason the last step failed, if it did."""
    if not imp.error:
        return None
    template, params = json.loads(imp.error)
    return Msg(template, params)


def report_rows(session: Session, import_id: int, actions: tuple[str, ...] = ("error", "skip"),
                limit: int | None = REPORT_PAGE) -> list[dict]:
    """The rows refused or skipped, with their messages ({field: Msg}), in file order."""
    rows = session.execute(text(
        "SELECT r.row_number, r.action, r.messages, a.reference AS asset_reference FROM import_rows r "
        "LEFT JOIN assets a ON a.id = r.asset_id "
        "WHERE r.import_id = :id AND r.action = ANY(:actions) ORDER BY r.row_number"
        + (" LIMIT :limit" if limit else "")), {"id": import_id, "actions": list(actions), "limit": limit}).mappings()
    return [{**row, "messages": {f: Msg(m[0], m[1]) for f, m in row["messages"].items()}} for row in rows]


def preview_features(session: Session, import_id: int, bbox: tuple[float, float, float, float] | None) -> dict:
    """Up to PREVIEW_LIMIT staged rows as GeoJSON (WGS84), with their action."""
    where = "r.import_id = :id AND r.geom IS NOT NULL"
    params: dict = {"id": import_id, "limit": PREVIEW_LIMIT}
    if bbox:
        where += " AND r.geom && ST_Transform(ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326), ST_SRID(r.geom))"
        params.update(x0=bbox[0], y0=bbox[1], x1=bbox[2], y1=bbox[3])
    document = session.execute(text(
        "SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object("
        "'type', 'Feature', 'id', q.row_number, 'geometry', ST_AsGeoJSON(ST_Transform(q.geom, 4326), 6)::json, "
        "'properties', json_build_object('row', q.row_number, 'action', q.action))), '[]'::json))::text "
        f"FROM (SELECT r.row_number, r.action, r.geom FROM import_rows r WHERE {where} "
        "ORDER BY r.row_number LIMIT :limit) q"), params).scalar_one()
    return json.loads(document)


def preview_extent(session: Session, import_id: int) -> list[float] | None:
    """The staged rows' extent in WGS84 (for the preview map), or None."""
    row = session.execute(text(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM ("
        "SELECT ST_Transform(ST_SetSRID(ST_Extent(geom)::geometry, Find_SRID('public', 'import_rows', 'geom')), 4326) AS e "
        "FROM import_rows WHERE import_id = :id) q"), {"id": import_id}).one()
    return None if row[0] is None else [float(v) for v in row]


def territory_box(session: Session, storage_srid: int) -> dict:
    """The territory's bounding box in the storage SRID (to diagnose a file's CRS)."""
    row = session.execute(text(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e FROM territory_outline) q"
    )).one()
    return {"srid": storage_srid, "box": tuple(float(v) for v in row)}


def created_assets(session: Session, import_id: int) -> int:
    """How many assets the import created that are still in the inventory (not decommissioned)."""
    return session.execute(text(
        "SELECT count(*) FROM asset_history h JOIN assets a ON a.id = h.asset_id "
        "WHERE h.import_id = :id AND h.change = 'created' AND a.status <> 'decommissioned'"),
        {"id": import_id}).scalar_one()
