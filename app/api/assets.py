"""/api/v1/assets: the registry as GeoJSON (EPSG:4326). Geometries are reprojected here,
at the edge, to and from the storage SRID."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from app.api.routes import GEOJSON, blueprint, feature_collection, storage_geometry
from app.auth.access import require_permission
from app.auth.roles import Permission
from app.errors import ValidationFailed
from app.i18n import msg
from app.dispatch.network import are_road_segments
from app.inventory import queries, services
from app.jobs.road_network import request_rebuild
from app.request_args import bbox_arg, datetime_arg, int_arg, list_arg
from app.web import db_session, services as app_services

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


@blueprint.get("/assets")
@require_permission(Permission.VIEW_MAP)
def list_assets():
    """Assets filtered by bbox, type, status, commune and as-of date; paginated."""
    limit = int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = int_arg("offset", 0, 0, None)
    flt = asset_filter()
    db = db_session()
    page = queries.feature_page(db, current_user, flt, limit, offset)
    return feature_collection(page.features, page.matched)


def asset_filter() -> queries.AssetFilter:
    """The filter of the query string (bbox, type, status, commune, as_of, q, attr, parent,
    sort), shared with the export; ValidationFailed names a wrong parameter."""
    args = request.args
    return queries.AssetFilter(
        bbox=bbox_arg(),
        type_codes=list_arg("type"),
        statuses=list_arg("status"),
        communes=list_arg("commune"),
        as_of=datetime_arg("as_of"),
        reference=args.get("q") or None,
        attribute=_attribute_arg(args.get("attr")),
        parent_id=int_arg("parent", None, 1, None),
        sort=_sort_arg(args.get("sort")),
    )


@blueprint.post("/assets")
@require_permission(Permission.EDIT_INVENTORY)
def create_asset():
    """Create an asset from a GeoJSON Feature; only properties.type and geometry are required."""
    feature = _json_feature()
    properties = dict(feature.get("properties") or {})
    type_code = properties.pop("type", None)
    db = db_session()
    asset = services.create_asset(db, current_user, type_code, storage_geometry(feature.get("geometry")),
                                  app_services().settings.storage_srid, properties, feature.get("reason"))
    _street_network_follows(db, [asset.id])
    db.commit()
    return jsonify(queries.asset_feature(db, current_user, asset.id)), 201, {"Content-Type": GEOJSON}


@blueprint.get("/assets/<int:asset_id>")
@require_permission(Permission.VIEW_MAP)
def get_asset(asset_id: int):
    """One asset, current or ``as_of`` a past date."""
    feature = queries.asset_feature(db_session(), current_user, asset_id, datetime_arg("as_of"))
    return jsonify(feature), 200, {"Content-Type": GEOJSON}


@blueprint.patch("/assets/<int:asset_id>")
@require_permission(Permission.EDIT_INVENTORY)
def patch_asset(asset_id: int):
    """Partial update; ``properties.version`` must be the version the client last saw (else 409)."""
    feature = _json_feature()
    properties = dict(feature.get("properties") or {})
    version = properties.pop("version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationFailed(msg("Missing version."), {"version": msg("Send the version you last saw (properties.version).")})
    geometry = storage_geometry(feature["geometry"]) if feature.get("geometry") is not None else None
    db = db_session()
    services.update_asset(db, current_user, asset_id, version, app_services().settings.storage_srid,
                          geometry, properties, feature.get("reason"))
    _street_network_follows(db, [asset_id])
    db.commit()
    return jsonify(queries.asset_feature(db, current_user, asset_id)), 200, {"Content-Type": GEOJSON}


@blueprint.post("/assets/bulk")
@require_permission(Permission.EDIT_INVENTORY)
def bulk_update_assets():
    """Set the same properties on many assets: all or nothing, one history entry each."""
    body = request.get_json(silent=True)
    ids = body.get("asset_ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ValidationFailed(msg("Select at least one asset."), {"asset_ids": msg("Select at least one asset.")})
    properties = body.get("properties")
    if not isinstance(properties, dict) or not properties:
        raise ValidationFailed(msg("Choose a field and its value."), {"properties": msg("Choose a field and its value.")})
    db = db_session()
    updated = services.bulk_update(db, current_user, ids, properties, app_services().settings.storage_srid,
                                   body.get("reason"))
    _street_network_follows(db, [asset.id for asset in updated])
    db.commit()
    return jsonify(updated=[asset.id for asset in updated])


@blueprint.get("/asset-types")
@require_permission(Permission.VIEW_MAP)
def list_asset_types():
    """The asset types with their attribute schemas (forms, legend)."""
    return jsonify(asset_types=queries.asset_types(db_session()))


@blueprint.get("/assets/<int:asset_id>/history")
@require_permission(Permission.VIEW_MAP)
def get_asset_history(asset_id: int):
    """The asset's history, oldest first."""
    return jsonify(history=queries.asset_history(db_session(), current_user, asset_id))


def _json_feature() -> dict:
    feature = request.get_json(silent=True)
    if not isinstance(feature, dict):
        raise ValidationFailed(msg("Send a GeoJSON Feature as JSON."))
    return feature


def _attribute_arg(raw: str | None) -> tuple[str, str] | None:
    if not raw:
        return None
    name, sep, value = raw.partition(":")
    if not sep or not name:
        raise ValidationFailed(msg("Invalid parameter."), {"attr": msg("Expected name:value.")})
    return name, value


def _sort_arg(raw: str | None) -> str:
    if not raw:
        return "id"
    if raw.lstrip("-") not in queries.SORT_KEYS:
        raise ValidationFailed(msg("Invalid parameter."), {"sort": msg("Unknown sort key.")})
    return raw


def _street_network_follows(db, asset_ids: list[int]) -> None:
    """An edit of road segments: the routable street network is rebuilt once committed."""
    if are_road_segments(db, asset_ids):
        request_rebuild(db, app_services().redis)
