"""GET /tiles/{layer}/{z}/{x}/{y}.mvt — Mapbox vector tiles, revalidated by ETag."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, Response, request
from flask_login import current_user

from app.api.interventions import intervention_filter
from app.auth.access import require_permission
from app.auth.roles import Permission
from app.errors import NotFound, ValidationFailed
from app.i18n import msg
from app.inventory.models import ASSET_STATUSES
from app.request_args import datetime_arg, list_arg
from app.tiles import interventions, queries
from app.web import db_session
from gis.tiles import is_valid_tile

blueprint = Blueprint("tiles", __name__, url_prefix="/tiles")

MVT = "application/vnd.mapbox-vector-tile"
LAYERS = ("assets", "road_segments", "communes", interventions.LAYER)
ROAD_SEGMENTS_FROM_ZOOM = 12


@blueprint.get("/<layer>/<int:z>/<int:x>/<int:y>.mvt")
@require_permission(Permission.VIEW_MAP)
def tile(layer: str, z: int, x: int, y: int) -> Response:
    """One tile; 304 when the browser's copy is still current."""
    if layer not in LAYERS or not is_valid_tile(z, x, y):
        raise NotFound(msg("No such tile."))
    db = db_session()
    if layer == interventions.LAYER:
        return _intervention_tile(db, z, x, y)
    flt = _filter(layer)
    etag = queries.tile_etag(db, layer, z, x, y, flt.fingerprint())
    if etag in request.if_none_match:
        return _with_cache_headers(Response(status=304), etag)
    return _with_cache_headers(Response(_render(db, layer, z, x, y, flt), mimetype=MVT), etag)


def _intervention_tile(db, z: int, x: int, y: int) -> Response:
    """Interventions filtered like /api/v1/interventions (status defaults to the open ones)."""
    flt = interventions.with_default_statuses(intervention_filter())
    fingerprint = interventions.fingerprint(flt, current_user)
    etag = interventions.tile_etag(db, z, x, y, fingerprint, datetime.now(timezone.utc))
    if etag in request.if_none_match:
        return _with_cache_headers(Response(status=304), etag)
    body = interventions.intervention_tile(db, current_user, z, x, y, flt)
    return _with_cache_headers(Response(body, mimetype=MVT), etag)


def _render(db, layer: str, z: int, x: int, y: int, flt: queries.TileFilter) -> bytes:
    if layer == "communes":
        return queries.commune_tile(db, z, x, y)
    if layer == "road_segments":
        return queries.asset_detail_tile(db, z, x, y, flt) if z >= ROAD_SEGMENTS_FROM_ZOOM else b""
    if z < queries.MIN_ZOOM:
        return b""
    if z < queries.DETAIL_FROM_ZOOM:
        return queries.asset_grid_tile(db, z, x, y, flt)
    return queries.asset_detail_tile(db, z, x, y, flt)


def _filter(layer: str) -> queries.TileFilter:
    types = tuple(sorted(list_arg("type")))
    if layer == "road_segments":
        types = ("road_segment",)
    statuses = tuple(sorted(list_arg("status")))
    unknown = [s for s in statuses if s not in ASSET_STATUSES]
    if unknown:
        raise ValidationFailed(msg("Invalid parameter."), {"status": msg("Unknown status %(value)s.", value=unknown[0])})
    scope = current_user.commune_ids
    return queries.TileFilter(type_codes=types, statuses=statuses, as_of=datetime_arg("as_of"),
                              commune_ids=tuple(sorted(scope)) if scope is not None else None,
                              hide_sensitive=not current_user.can(Permission.VIEW_SENSITIVE_POSITIONS))


def _with_cache_headers(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    # Tiles depend on the user's scope, and must be revalidated so that an edit shows at once.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Vary"] = "Cookie, Authorization"
    return response
