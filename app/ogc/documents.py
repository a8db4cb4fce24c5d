"""The JSON documents of the API: landing page, conformance, collections, links."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext

from app.ogc.extents import Extents

JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]


def link(endpoint: str, rel: str, media_type: str, **values) -> dict:
    """An absolute link to ``endpoint``."""
    return {"href": url_for(endpoint, _external=True, **values), "rel": rel, "type": media_type}


def landing_page() -> dict:
    """The entry point: what the API is and where its parts are."""
    return {
        "title": "Vigie",
        "description": gettext("The public-space assets of the territory, one collection per asset type, "
                               "and the interventions on them."),
        "links": [
            link("ogc.landing", "self", JSON),
            link("ogc.api", "service-desc", OPENAPI),
            link("ogc.conformance", "conformance", JSON),
            link("ogc.collections", "data", JSON),
        ],
    }


def conformance() -> dict:
    """The conformance classes implemented."""
    return {"conformsTo": CONFORMANCE}


def collections(asset_types: list[dict], extents: Extents, language: str) -> dict:
    """Every collection (asset type)."""
    return {
        "links": [link("ogc.collections", "self", JSON)],
        "collections": [collection(t, extents, language) for t in asset_types],
    }


def collection(asset_type: dict, extents: Extents, language: str) -> dict:
    """One collection: an asset type, its extent and the link to its items."""
    code = asset_type["code"]
    extent: dict = {"temporal": {"interval": [[extents.starts.get(code), None]], "trs": GREGORIAN}}
    if extents.bbox is not None:
        extent["spatial"] = {"bbox": [extents.bbox], "crs": CRS84}
    return {
        "id": code,
        "title": asset_type["label_fr"] if language == "fr" else asset_type["label_en"],
        "itemType": "feature",
        "crs": [CRS84],
        "extent": extent,
        "links": [
            link("ogc.collection", "self", JSON, code=code),
            link("ogc.items", "items", GEOJSON, code=code),
        ],
    }


def items_links(code: str, offset: int, limit: int, more: bool) -> list[dict]:
    """self, next and prev of an items page (same query, other offset), and its collection."""
    args = {**request.args.to_dict(flat=False), "limit": limit}
    links = [{"href": request.url, "rel": "self", "type": GEOJSON},
             link("ogc.collection", "collection", JSON, code=code)]
    if more:
        links.append(link("ogc.items", "next", GEOJSON, code=code, **{**args, "offset": offset + limit}))
    if offset > 0:
        links.append(link("ogc.items", "prev", GEOJSON, code=code, **{**args, "offset": max(0, offset - limit)}))
    return links


def feature_links(code: str, feature_id: int) -> list[dict]:
    """self and collection of one feature."""
    return [link("ogc.item", "self", GEOJSON, code=code, feature_id=feature_id),
            link("ogc.collection", "collection", JSON, code=code)]
