"""The OpenAPI 3.0 description of /ogc (QGIS reads it: the limit bounds and, per collection,
the property filters it may send as query parameters)."""
from __future__ import annotations

from flask import url_for

from app.inventory.models import ASSET_STATUSES
from app.ogc import interventions
from app.ogc.documents import GEOJSON, JSON
from app.ogc.params import DEFAULT_LIMIT, MAX_LIMIT

_SCHEMA_TYPES = {"text": "string", "integer": "integer", "decimal": "number", "boolean": "boolean",
                 "date": "string", "enum": "string"}

_PARAMETERS = {
    "f": {"name": "f", "in": "query", "required": False, "style": "form", "explode": False,
          "schema": {"type": "string", "enum": ["json", "geojson"], "default": "json"}},
    "limit": {"name": "limit", "in": "query", "required": False, "style": "form", "explode": False,
              "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
    "offset": {"name": "offset", "in": "query", "required": False, "style": "form", "explode": False,
               "schema": {"type": "integer", "minimum": 0, "default": 0}},
    "bbox": {"name": "bbox", "in": "query", "required": False, "style": "form", "explode": False,
             "description": "minx,miny,maxx,maxy in CRS84 (longitude, latitude).",
             "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}},
    "datetime": {"name": "datetime", "in": "query", "required": False, "style": "form", "explode": False,
                 "description": "One instant (RFC 3339, or a date: its end): the inventory as it was then. "
                                "Intervals are refused.",
                 "schema": {"type": "string"}},
    "status": {"name": "status", "in": "query", "required": False, "style": "form", "explode": False,
               "schema": {"type": "string", "enum": list(ASSET_STATUSES)}},
    "commune": {"name": "commune", "in": "query", "required": False, "style": "form", "explode": False,
                "description": "INSEE code of the commune.", "schema": {"type": "string"}},
}


def openapi_document(asset_types: list[dict]) -> dict:
    """The API description, with one items path per collection (its own property filters)."""
    paths: dict = {
        "/": _get("Landing page", JSON),
        "/api": _get("This API description", "application/vnd.oai.openapi+json;version=3.0"),
        "/conformance": _get("Conformance classes", JSON),
        "/collections": _get("Collections (asset types, interventions)", JSON),
        "/collections/{collectionId}": _get("One collection", JSON, [_path_parameter("collectionId")]),
    }
    for asset_type in asset_types:
        paths[f"/collections/{asset_type['code']}/items"] = _items_path(asset_type)
        paths[f"/collections/{asset_type['code']}/items/{{featureId}}"] = _get(
            f"One {asset_type['label_en']}", GEOJSON, [_path_parameter("featureId")])
    collection = f"/collections/{interventions.COLLECTION_ID}"
    paths[f"{collection}/items"] = _get("Interventions", GEOJSON, interventions.openapi_parameters())
    paths[f"{collection}/items/{{featureId}}"] = _get("One intervention", GEOJSON, [_path_parameter("featureId")])
    return {
        "openapi": "3.0.3",
        "info": {"title": "Vigie", "version": "1.0.0",
                 "description": "OGC API - Features of the Vigie asset registry."},
        "servers": [{"url": url_for("ogc.landing", _external=True).rstrip("/")}],
        "paths": paths,
        "components": {"parameters": _PARAMETERS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }


def _items_path(asset_type: dict) -> dict:
    shared = [{"$ref": f"#/components/parameters/{name}"} for name in _PARAMETERS]
    own = [_attribute_parameter(spec) for spec in asset_type["attribute_schema"] if spec["name"] not in _PARAMETERS]
    return _get(f"{asset_type['label_en']} features", GEOJSON, shared + own)


def _attribute_parameter(spec: dict) -> dict:
    schema: dict = {"type": _SCHEMA_TYPES.get(spec["kind"], "string")}
    if spec["kind"] == "date":
        schema["format"] = "date"
    if spec.get("choices"):
        schema["enum"] = [choice["value"] for choice in spec["choices"]]
    return {"name": spec["name"], "in": "query", "required": False, "style": "form", "explode": False,
            "description": spec.get("label_en", spec["name"]), "schema": schema}


def _path_parameter(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _get(summary: str, media_type: str, parameters: list | None = None) -> dict:
    return {"get": {"summary": summary, "parameters": parameters or [],
                    "responses": {"200": {"description": summary, "content": {media_type: {}}}}}}
