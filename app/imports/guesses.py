"""The mapping step's first proposal: the source's remembered settings, else guesses from
column names, and a diagnosis of the file's CRS against the territory."""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.imports.mapping import remembered_settings, source_key
from app.inventory.models import AssetType
from gis import crs as crs_lib

_CORE_NAMES = {
    "reference": ("reference", "ref_vigie"),
    "external_ref": ("external_ref", "reference", "ref", "id", "identifiant", "objectid", "fid", "gid", "idarc", "code"),
    "status": ("status", "statut", "etat"),
    "installed_on": ("installed_on", "date_pose", "date_installation", "date_mise_en_service", "date_dcm"),
    "manufacturer": ("manufacturer", "fabricant", "marque"),
    "model": ("model", "modele"),
    "condition": ("condition", "etat_general"),
}
_CSV_NAMES = {
    "x": ("x", "lon", "lng", "long", "longitude", "coord_x", "easting"),
    "y": ("y", "lat", "latitude", "coord_y", "northing"),
    "wkt": ("wkt", "geom", "geometry", "the_geom", "geometrie"),
}


def initial_settings(session: Session, layer: dict, territory_box: dict) -> dict:
    """A first draft of the settings for ``layer`` (a layer description), not yet validated."""
    fields = list(layer["fields"])
    remembered = remembered_settings(session, source_key(layer["geometry_type"], fields))
    draft = dict(remembered) if remembered else {"fields": {}, "values": {}, "proximity_m": 0, "on_match": "update"}
    draft["layer"] = layer["name"]
    draft["remembered"] = remembered is not None
    if layer["format"] == "csv" and not draft.get("csv"):
        draft["csv"] = {key: _find(fields, names) for key, names in _CSV_NAMES.items()}
    draft["diagnosis"] = crs_diagnosis(layer, territory_box)
    if not remembered:
        draft["crs"] = "file" if layer["crs_wkt"] else (f"EPSG:{draft['diagnosis']['suggested']}"
                                                         if draft["diagnosis"]["suggested"] else "")
        if layer["format"] == "csv" and not layer["crs_wkt"]:
            draft["crs"] = "EPSG:4326"
    return draft


_VIGIE_REFERENCE = re.compile(r"^[A-Z]{1,6}-\d{5}-\d{6,}$")


def guess_fields(asset_type: AssetType, layer: dict) -> dict[str, dict]:
    """Targets filled by a column of the same name (or the attribute's label); a column is
    taken for Vigie's own reference only when its values look like one (``BA-21231-000042``)."""
    source_fields = list(layer["fields"])
    guesses = {target: _find(source_fields, names) for target, names in _CORE_NAMES.items()}
    samples = layer.get("samples", {}).get(guesses["reference"] or "", [])
    if not samples or not all(_VIGIE_REFERENCE.match(value) for value in samples):
        guesses["reference"] = None
    elif guesses["external_ref"] == guesses["reference"]:
        guesses["external_ref"] = None
    for spec in asset_type.attribute_schema:
        guesses[f"attributes.{spec['name']}"] = _find(source_fields, (spec["name"], spec["label_fr"], spec["label_en"]))
    return {target: {"source": source} for target, source in guesses.items() if source}


def asset_type_guess(session: Session, geometry_type: str | None) -> list[AssetType]:
    """The asset types whose geometry kind fits the layer's geometry type, in catalogue order."""
    kind = {"Point": "point", "LineString": "line", "Polygon": "polygon"}.get((geometry_type or "").replace("Multi", ""))
    query = select(AssetType).order_by(AssetType.id)
    if kind:
        query = query.where(AssetType.geometry_kind == kind)
    return list(session.scalars(query))


def crs_diagnosis(layer: dict, territory_box: dict) -> dict:
    """The file's CRS as a label, and whether its features would land on the territory."""
    declared = crs_lib.crs_from_user(layer["crs_wkt"]) if layer["crs_wkt"] else None
    problem, suggested = crs_lib.crs_diagnosis(
        tuple(layer["bounds"]) if layer.get("bounds") else None, declared, territory_box["srid"], territory_box["box"])
    return {"label": crs_lib.crs_label(declared) if declared else None, "problem": problem, "suggested": suggested}


def _find(source_fields: list[str], names) -> str | None:
    wanted = {_normal(name) for name in names}
    return next((field for field in source_fields if _normal(field) in wanted), None)


def _normal(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "_" for c in plain.lower()).strip("_")
