"""Writing a validated import into the inventory, and undoing it; each in one transaction.

New assets are inserted set-based (a million rows in minutes), with a ``created`` history
row naming the import. Matched assets go through ``update_asset``, the same service as an
edit on the map, one history row each. Undo decommissions what the import created and
puts back what it changed, again with history naming the import.
"""
from __future__ import annotations

from typing import Callable

import shapely
from geoalchemy2.shape import to_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.errors import Conflict, ValidationFailed
from app.i18n import msg
from app.imports.models import Import
from app.inventory.models import ASSET_STATE_COLUMNS, Asset, AssetHistory, AssetType
from app.inventory.services import CORE_FIELDS, update_asset

Progress = Callable[[int, int], None]
CHUNK_ROWS = 20_000
_STATE = ", ".join(ASSET_STATE_COLUMNS)


def commit_rows(session: Session, actor: User, imp: Import, storage_srid: int,
                progress: Progress = lambda done, total: None) -> dict:
    """Create and update the assets of a validated import; return how many of each."""
    asset_type = session.scalar(select(AssetType).where(AssetType.code == imp.settings["asset_type"]))
    reason = f"Import #{imp.id} ({imp.filename})"
    last_row = session.execute(text("SELECT coalesce(max(row_number), 0) FROM import_rows WHERE import_id = :id"),
                               {"id": imp.id}).scalar_one()
    created = 0
    # The map's aggregates and tile versions are brought up to date once, for all the rows.
    session.execute(text("SET LOCAL vigie.defer_tile_bookkeeping = 'on'"))
    for low in range(1, last_row + 1, CHUNK_ROWS):
        created += session.execute(text(_CREATE), {
            "id": imp.id, "low": low, "high": low + CHUNK_ROWS - 1, "prefix": asset_type.reference_prefix,
            "type_id": asset_type.id, "actor_id": actor.id, "reason": reason}).rowcount
        progress(min(low + CHUNK_ROWS - 1, last_row), last_row)
    session.execute(text("SET LOCAL vigie.defer_tile_bookkeeping = 'off'"))
    session.execute(text(_TILE_BOOKKEEPING), {"id": imp.id, "type_id": asset_type.id})
    updated = 0
    for row in session.execute(text(
            "SELECT asset_id, ST_AsBinary(geom) AS geom, core, attributes FROM import_rows "
            "WHERE import_id = :id AND action = 'update' ORDER BY row_number"), {"id": imp.id}).all():
        properties = {k: v for k, v in row.core.items() if k in CORE_FIELDS}
        properties.update(row.attributes)
        update_asset(session, actor, row.asset_id, None, storage_srid, geom=_shape(row.geom),
                     properties=properties, reason=reason, import_id=imp.id)
        updated += 1
    return {"created": created, "updated": updated}


# OFFSET 0 keeps the inner query apart, so that nextval() runs once per row, after the sort
# (PostgreSQL evaluates volatile output columns after ORDER BY): numbers follow the file;
# numbers past 999,999 keep all their digits (as create_asset's {number:06d} does).
_CREATE = f"""
WITH created AS (
    INSERT INTO assets (reference, type_id, geom, commune_id, status, installed_on, manufacturer, model,
                        condition, attributes, external_ref, version)
    SELECT CAST(:prefix AS text) || '-' || q.insee || '-' || CASE WHEN q.n < 1000000 THEN lpad(q.n::text, 6, '0') ELSE q.n::text END,
           :type_id, q.geom, q.commune_id, q.core->>'status', CAST(q.core->>'installed_on' AS date),
           q.core->>'manufacturer', q.core->>'model', CAST(q.core->>'condition' AS smallint),
           jsonb_strip_nulls(q.attributes), q.core->>'external_ref', 1
    FROM (
        SELECT r.geom, r.commune_id, r.core, r.attributes, c.insee, nextval('asset_reference_seq') AS n
        FROM import_rows r JOIN communes c ON c.id = r.commune_id
        WHERE r.import_id = :id AND r.action = 'create' AND r.row_number BETWEEN :low AND :high
        ORDER BY r.row_number
        OFFSET 0
    ) q
    RETURNING id, {_STATE}
)
INSERT INTO asset_history (asset_id, actor_id, change, reason, changes, import_id, {_STATE})
SELECT id, :actor_id, 'created', :reason, '{{}}', :id, {_STATE} FROM created
"""


_TILE_BOOKKEEPING = """
SELECT asset_grid_apply(array_agg(geom), array_agg(:type_id), array_agg(core->>'status'), 1),
       tile_versions_touch(array_agg(geom))
FROM import_rows WHERE import_id = :id AND action = 'create'
"""


def undo_rows(session: Session, actor: User, imp: Import, storage_srid: int) -> dict:
    """Decommission what the import created, restore what it changed; refuse (writing
    nothing) when any of those assets was changed since by someone else."""
    changed_since = session.execute(text(_CHANGED_SINCE), {"id": imp.id}).scalars().all()
    if changed_since:
        raise Conflict(msg("These assets changed after the import, so it cannot be undone as a whole: %(references)s.",
                           references=", ".join(changed_since)))
    reason = f"Undo of import #{imp.id} ({imp.filename})"
    # Read before the undo writes its own history rows (they name the import too).
    states_before = session.scalars(select(AssetHistory).from_statement(text(_STATE_BEFORE_UPDATES)),
                                    {"id": imp.id}).all()
    decommissioned = session.execute(text(_DECOMMISSION_CREATED), {
        "id": imp.id, "actor_id": actor.id, "reason": reason}).rowcount
    for before in states_before:
        _restore(session, actor, before, storage_srid, reason, imp.id)
    return {"decommissioned": decommissioned, "restored": len(states_before)}


def _restore(session: Session, actor: User, before: AssetHistory, storage_srid: int, reason: str, import_id: int) -> None:
    current = session.get(Asset, before.asset_id)
    properties = {name: getattr(before, name) for name in CORE_FIELDS}
    if properties.get("installed_on") is not None:
        properties["installed_on"] = properties["installed_on"].isoformat()
    attributes = dict(before.attributes or {})
    attributes.update({name: None for name in (current.attributes or {}) if name not in attributes})
    try:
        update_asset(session, actor, before.asset_id, None, storage_srid, geom=to_shape(before.geom),
                     properties={**properties, **attributes}, reason=reason, import_id=import_id)
    except ValidationFailed as error:
        raise ValidationFailed(msg("%(reference)s cannot be restored: %(reason)s",
                                   reference=current.reference, reason=str(error.message))) from None


# Assets the import touched whose latest history row is not the import's own.
_CHANGED_SINCE = """
SELECT a.reference FROM assets a
WHERE a.id IN (SELECT asset_id FROM asset_history WHERE import_id = :id)
  AND (SELECT h.import_id FROM asset_history h WHERE h.asset_id = a.id
       ORDER BY h.recorded_at DESC, h.id DESC LIMIT 1) IS DISTINCT FROM :id
ORDER BY a.reference LIMIT 20
"""
_DECOMMISSION_CREATED = f"""
WITH gone AS (
    UPDATE assets a SET status = 'decommissioned', version = a.version + 1, updated_at = now()
    FROM asset_history h
    WHERE h.import_id = :id AND h.change = 'created' AND a.id = h.asset_id AND a.status <> 'decommissioned'
    RETURNING a.id, h.status AS status_before, {", ".join("a." + c for c in ASSET_STATE_COLUMNS)}
)
INSERT INTO asset_history (asset_id, actor_id, change, reason, changes, import_id, {_STATE})
SELECT id, :actor_id, 'decommissioned', :reason, jsonb_build_object('status', jsonb_build_array(status_before, 'decommissioned')),
       :id, {_STATE} FROM gone
"""
# For each asset the import updated, its history row just before the import's.
_STATE_BEFORE_UPDATES = """
SELECT DISTINCT ON (h.asset_id) h.* FROM asset_history i
JOIN asset_history h ON h.asset_id = i.asset_id AND h.recorded_at <= i.recorded_at AND h.id < i.id
WHERE i.import_id = :id AND i.change <> 'created'
ORDER BY h.asset_id, h.recorded_at DESC, h.id DESC
"""


def _shape(wkb: bytes) -> BaseGeometry:
    return shapely.from_wkb(bytes(wkb))
