"""/api/v1 endpoints. Entry points over the domains' queries and services."""
from __future__ import annotations

from flask import Blueprint, Response, request
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from app.auth.access import require_permission
from app.auth.roles import Permission
from app.territory.queries import communes_geojson
from app.errors import ValidationFailed
from app.i18n import msg
from app.web import db_session, services
from gis.crs import reproject

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

GEOJSON = "application/geo+json"


@blueprint.get("/communes")
@require_permission(Permission.VIEW_MAP)
def list_communes() -> Response:
    """The communes of the territory as GeoJSON (EPSG:4326), properties insee and name."""
    return Response(communes_geojson(db_session()), mimetype=GEOJSON)


def feature_collection(features: list[str], matched: int | None) -> Response:
    """A GeoJSON FeatureCollection of features already built as JSON texts (by PostGIS),
    sent without parsing them; ``numberMatched`` is left out when unknown."""
    count = f'"numberMatched":{matched},' if matched is not None else ""
    return Response(f'{{"type":"FeatureCollection",{count}"numberReturned":{len(features)},'
                    f'"features":[{",".join(features)}]}}', mimetype=GEOJSON)


def json_object() -> dict:
    """The request's JSON body, which must be an object."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed(msg("Send a JSON object."))
    return body


def storage_geometry(geometry: object) -> BaseGeometry | None:
    """A GeoJSON geometry in longitude/latitude, reprojected to the storage SRID."""
    if geometry is None:
        return None
    try:
        geom = shape(geometry)
    except Exception:  # noqa: BLE001 - shapely raises many kinds on malformed GeoJSON
        raise ValidationFailed(msg("Invalid geometry."), {"geometry": msg("This is not a GeoJSON geometry.")}) from None
    if geom.is_empty:
        return geom
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValidationFailed(msg("Invalid geometry."), {"geometry": msg("Coordinates must be longitude/latitude (EPSG:4326).")})
    return reproject(geom, 4326, services().settings.storage_srid)
