"""Validation: the whole file into ``import_rows``, every row checked, nothing else written.

Rows are read in batches and COPYed (see ``rows.py``); then set-based SQL places them in
their commune, refuses what lies outside the territory or the user's communes, and
matches them against the inventory (same reference → update or skip, same place → skip).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.i18n import msg
from app.imports.mapping import ImportSettings
from app.imports.models import Import
from app.imports.rows import STAGING_COLUMNS, RowReader
from app.inventory.models import AssetType
from gis import crs as crs_lib
from gis.sources import read_batches

Progress = Callable[[int, int], None]
BATCH_SIZE = 10_000


def stage_rows(session: Session, actor: User, imp: Import, storage_srid: int,
               progress: Progress = lambda done, total: None) -> dict:
    """Validate every row of the import's file into ``import_rows``; return the counts."""
    settings = ImportSettings.from_json(imp.settings)
    asset_type = session.scalar(select(AssetType).where(AssetType.code == settings.asset_type))
    reader = RowReader(settings, asset_type, crs_lib.crs_from_user(settings.crs), storage_srid)
    session.execute(text("DELETE FROM import_rows WHERE import_id = :id"), {"id": imp.id})
    total = int(imp.counts.get("features") or 0)
    columns = sorted({s["source"] for s in settings.fields.values() if "source" in s})
    connection = session.connection().connection.driver_connection
    done = 0
    for batch in read_batches(Path(imp.source_path), settings.layer, settings.csv, BATCH_SIZE, columns):
        rows = reader.rows(batch)
        with connection.cursor() as cursor, cursor.copy(f"COPY import_rows ({STAGING_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row.copy_values(imp.id))
        done += len(rows)
        progress(done, max(total, done))
    _check_in_database(session, actor, imp.id, asset_type, settings)
    counts = _counts(session, imp.id)
    counts["features"] = total
    counts["unmapped"] = {target: dict(counter.most_common()) for target, counter in reader.unmapped.items()}
    return counts


def _check_in_database(session: Session, actor: User, import_id: int, asset_type: AssetType,
                       settings: ImportSettings) -> None:
    params = {"id": import_id, "type_id": asset_type.id}
    session.execute(text("ANALYZE import_rows"))
    session.execute(text("DROP TABLE IF EXISTS commune_pieces"))
    session.connection().exec_driver_sql(_COMMUNE_PIECES)
    for statement in (_IN_COMMUNE_POINTS, _IN_COMMUNE_SHAPES, _IN_TERRITORY_SLIVERS):
        session.execute(text(statement), params)
    _refuse(session, import_id, "geometry", msg("Outside the métropole."), "commune_id IS NULL")
    if actor.commune_ids is not None:
        session.execute(text(
            "UPDATE import_rows SET action = 'error', messages = messages || jsonb_build_object('geometry', "
            "CAST(:message AS jsonb)) WHERE import_id = :id AND action <> 'error' AND NOT (commune_id = ANY(:scope))"),
            {**params, "scope": list(actor.commune_ids),
             "message": _json(msg("Outside the communes you may edit."))})
    # The SQL fills in the row and the reference: the message goes as its template alone.
    session.execute(text(_SAME_KEY_IN_FILE), {**params, "message": msg("The same reference as row %(row)s.").template})
    if "reference" in settings.fields:
        session.execute(text(_MATCH_REFERENCE), {**params, "on_match": settings.on_match})
        _refuse(session, import_id, "reference", msg("No asset of this type has this reference."),
                "core ? 'reference' AND asset_id IS NULL")
    if "external_ref" in settings.fields:
        session.execute(text(_MATCH_EXTERNAL_REF), {**params, "on_match": settings.on_match})
    if settings.proximity_m > 0:
        session.execute(text(_NEAR_DUPLICATE), {**params, "distance": settings.proximity_m,
                                                 "message": msg("Already in the inventory %(distance)s m away: %(reference)s.").template})


def _refuse(session: Session, import_id: int, field: str, message, condition: str) -> None:
    session.execute(text(
        f"UPDATE import_rows SET action = 'error', messages = messages || jsonb_build_object(CAST(:field AS text), CAST(:message AS jsonb)) "
        f"WHERE import_id = :id AND action <> 'error' AND {condition}"),
        {"id": import_id, "field": field, "message": _json(message)})


def _json(message) -> str:
    return json.dumps(message)


# Points: against the communes cut into small pieces (a point-in-polygon test on a few
# dozen vertices instead of thousands: 1,000,000 points in seconds, not a minute).
_COMMUNE_PIECES = """
CREATE TEMP TABLE commune_pieces ON COMMIT DROP AS SELECT id, ST_Subdivide(geom, 64) AS geom FROM communes;
CREATE INDEX ON commune_pieces USING gist (geom);
ANALYZE commune_pieces;
"""
_IN_COMMUNE_POINTS = """
UPDATE import_rows r SET commune_id = p.id FROM commune_pieces p
WHERE r.import_id = :id AND r.action <> 'error' AND GeometryType(r.geom) = 'POINT' AND ST_Intersects(p.geom, r.geom)
"""
# Lines and polygons: the commune of a point on them, and wholly inside the territory (as on the map).
_IN_COMMUNE_SHAPES = """
UPDATE import_rows r SET commune_id = c.id FROM communes c, territory_outline o
WHERE r.import_id = :id AND r.action <> 'error' AND GeometryType(r.geom) <> 'POINT'
  AND ST_Intersects(c.geom, ST_PointOnSurface(r.geom)) AND ST_Within(r.geom, o.geom)
"""
# In the territory but between two simplified commune outlines: the nearest commune.
_IN_TERRITORY_SLIVERS = """
UPDATE import_rows r SET commune_id = (
    SELECT c.id FROM communes c ORDER BY c.geom <-> ST_PointOnSurface(r.geom) LIMIT 1)
WHERE r.import_id = :id AND r.action <> 'error' AND r.commune_id IS NULL
  AND EXISTS (SELECT 1 FROM territory_outline o WHERE ST_Within(r.geom, o.geom))
"""
_SAME_KEY_IN_FILE = """
UPDATE import_rows r SET action = 'error', messages = r.messages || jsonb_build_object(
    'reference', jsonb_build_array(CAST(:message AS text), jsonb_build_object('row', d.first_row)))
FROM (
    SELECT id, min(row_number) OVER (PARTITION BY COALESCE(core->>'reference', core->>'external_ref')) AS first_row
    FROM import_rows WHERE import_id = :id AND COALESCE(core->>'reference', core->>'external_ref') IS NOT NULL
) d
WHERE r.id = d.id AND r.row_number > d.first_row AND r.action <> 'error'
"""
_MATCH_REFERENCE = """
UPDATE import_rows r SET asset_id = a.id, action = CAST(:on_match AS text)
FROM assets a
WHERE r.import_id = :id AND r.action = 'create' AND a.reference = r.core->>'reference'
  AND a.type_id = :type_id AND a.status <> 'decommissioned'
"""
_MATCH_EXTERNAL_REF = """
UPDATE import_rows r SET asset_id = a.id, action = CAST(:on_match AS text)
FROM assets a
WHERE r.import_id = :id AND r.action = 'create' AND r.core->>'external_ref' IS NOT NULL
  AND a.type_id = :type_id AND a.external_ref = r.core->>'external_ref' AND a.status <> 'decommissioned'
"""
_NEAR_DUPLICATE = """
UPDATE import_rows r SET action = 'skip', asset_id = n.id, messages = r.messages || jsonb_build_object(
    'geometry', jsonb_build_array(CAST(:message AS text),
                                  jsonb_build_object('distance', round(n.distance::numeric, 1), 'reference', n.reference)))
FROM import_rows s CROSS JOIN LATERAL (
    SELECT a.id, a.reference, ST_Distance(a.geom, s.geom) AS distance FROM assets a
    WHERE a.type_id = :type_id AND a.status <> 'decommissioned' AND ST_DWithin(a.geom, s.geom, :distance)
    ORDER BY a.geom <-> s.geom LIMIT 1
) n
WHERE s.id = r.id AND r.import_id = :id AND r.action = 'create'
"""


def _counts(session: Session, import_id: int) -> dict:
    rows = session.execute(text("SELECT action, count(*) FROM import_rows WHERE import_id = :id GROUP BY action"),
                           {"id": import_id}).all()
    counts = {"create": 0, "update": 0, "skip": 0, "error": 0}
    counts.update({action: n for action, n in rows})
    counts["rows"] = sum(counts[a] for a in ("create", "update", "skip", "error"))
    return counts
