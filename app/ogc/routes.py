"""/ogc: OGC API - Features, Part 1 (Core, GeoJSON, OpenAPI 3.0), read-only.

Same access as /api/v1/assets: a login session or an API token (Authorization: Bearer),
the VIEW_MAP permission, and the user's commune scope (enforced by the inventory and
intervention queries).
Errors are JSON: 400 for a bad or unknown parameter, 401, 403, 404.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify
from flask_login import current_user

from app.auth.access import require_permission
from app.auth.roles import Permission
from app.errors import DomainError, NotFound, ValidationFailed
from app.i18n import msg
from app.inventory import queries
from app.ogc import documents, extents, interventions, items, openapi, params
from app.web import current_language, db_session, services, translate

blueprint = Blueprint("ogc", __name__, url_prefix="/ogc")


@blueprint.get("/")
@require_permission(Permission.VIEW_MAP)
def landing() -> Response:
    """The landing page."""
    params.check_format()
    return jsonify(documents.landing_page())


@blueprint.get("/api")
@require_permission(Permission.VIEW_MAP)
def api() -> Response:
    """The OpenAPI 3.0 description."""
    body = json.dumps(openapi.openapi_document(queries.asset_types(db_session())), ensure_ascii=False)
    return Response(body, mimetype=documents.OPENAPI)


@blueprint.get("/conformance")
@require_permission(Permission.VIEW_MAP)
def conformance() -> Response:
    """The conformance classes."""
    params.check_format()
    return jsonify(documents.conformance())


@blueprint.get("/collections")
@require_permission(Permission.VIEW_MAP)
def collections() -> Response:
    """One collection per asset type, and the interventions."""
    params.check_format()
    db = db_session()
    body = documents.collections(queries.asset_types(db), _extents(), current_language())
    body["collections"].append(interventions.collection(db, _extents()))
    return jsonify(body)


@blueprint.get("/collections/<code>")
@require_permission(Permission.VIEW_MAP)
def collection(code: str) -> Response:
    """One collection."""
    params.check_format()
    if code == interventions.COLLECTION_ID:
        return jsonify(interventions.collection(db_session(), _extents()))
    return jsonify(documents.collection(_asset_type(code), _extents(), current_language()))


@blueprint.get("/collections/<code>/items", endpoint="items")
@require_permission(Permission.VIEW_MAP)
def items_of(code: str) -> Response:
    """A page of the collection's features, filtered; paged with next/prev links."""
    if code == interventions.COLLECTION_ID:
        return Response(interventions.items_text(db_session(), current_user), mimetype=documents.GEOJSON)
    query = params.items_query(_asset_type(code))
    page = items.fetch_page(db_session(), current_user, query)
    links = documents.items_links(code, query.offset, query.limit, page.more)
    return Response(items.feature_collection_text(page, links), mimetype=documents.GEOJSON)


@blueprint.get("/collections/<code>/items/<int:feature_id>")
@require_permission(Permission.VIEW_MAP)
def item(code: str, feature_id: int) -> Response:
    """One feature of the collection (404 outside the user's scope or of another type)."""
    if code == interventions.COLLECTION_ID:
        found = interventions.feature(db_session(), current_user, feature_id)
        return Response(json.dumps(found, ensure_ascii=False), mimetype=documents.GEOJSON)
    params.reject_unknown_parameters(("f",))
    params.check_format()
    _asset_type(code)
    feature = queries.asset_feature(db_session(), current_user, feature_id)
    if feature["properties"]["type"] != code:
        raise NotFound(msg("No asset %(id)s.", id=feature_id))
    feature["links"] = documents.feature_links(code, feature_id)
    return Response(json.dumps(feature, ensure_ascii=False, default=str), mimetype=documents.GEOJSON)


@blueprint.errorhandler(ValidationFailed)
def invalid_parameter(error: ValidationFailed) -> tuple[Response, int]:
    """400, as OGC API asks for a bad or unknown parameter (the rest of Vigie answers 422)."""
    return _error(error, 400, "InvalidParameterValue")


@blueprint.errorhandler(NotFound)
def not_found(error: NotFound) -> tuple[Response, int]:
    """404 for an unknown collection or feature."""
    return _error(error, 404, "NotFound")


def _error(error: DomainError, status: int, code: str) -> tuple[Response, int]:
    db_session().rollback()
    message = translate(error.message)
    fields = {name: translate(m) for name, m in error.field_errors.items()}
    description = " ".join([message, *(f"{name}: {text}" for name, text in fields.items())])
    body = {"code": code, "description": description, "error": type(error).__name__, "message": message}
    if fields:
        body["fields"] = fields
    return jsonify(body), status


def _asset_type(code: str) -> dict:
    asset_type = queries.asset_type(db_session(), code)
    if asset_type is None:
        raise NotFound(msg("No asset type %(code)s.", code=code))
    return asset_type


def _extents() -> extents.Extents:
    return extents.extents(db_session(), services().settings.database_url)
