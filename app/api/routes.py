"""/api/v1 endpoints. Entry points over the domains' queries and services."""
from __future__ import annotations

from flask import Blueprint, Response

from app.auth.access import require_permission
from app.auth.roles import Permission
from app.territory.queries import communes_geojson
from app.web import db_session

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

GEOJSON = "application/geo+json"


@blueprint.get("/communes")
@require_permission(Permission.VIEW_MAP)
def list_communes() -> Response:
    """The communes of the territory as GeoJSON (EPSG:4326), properties insee and name."""
    return Response(communes_geojson(db_session()), mimetype=GEOJSON)
