"""The choices of an import's mapping step: layer, CRS, target type, fields and values.

They are kept as JSON on the import (``Import.settings``) and remembered per source
(``ImportMapping``), keyed by the layer's geometry type and field names, so that the next
file of the same source comes pre-filled.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from app.i18n import Msg, msg
from app.imports.models import ImportMapping
from app.inventory.models import ASSET_STATUSES, AssetType
from gis import crs as crs_lib
from gis.sources import CsvGeometry

# Targets besides the type's attributes (``attributes.<name>``).
CORE_TARGETS = ("reference", "external_ref", "status", "installed_on", "manufacturer", "model", "condition")
MATCH_ACTIONS = ("update", "skip")
MAX_PROXIMITY_M = 100.0


@dataclass(frozen=True)
class ImportSettings:
    """Everything the validation needs to turn a file's rows into assets."""

    layer: str | None
    crs: str  # what crs_from_user reads: "EPSG:2154" or a WKT
    asset_type: str
    fields: dict[str, dict] = field(default_factory=dict)  # target → {"source": name} | {"constant": value}
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # target → {source value: value}
    csv: CsvGeometry | None = None
    swap_axes: bool = False
    proximity_m: float = 0.0
    on_match: str = "update"

    def as_json(self) -> dict:
        """The settings as stored on the import."""
        return {"layer": self.layer, "crs": self.crs, "asset_type": self.asset_type, "fields": self.fields,
                "values": self.values, "swap_axes": self.swap_axes, "proximity_m": self.proximity_m,
                "on_match": self.on_match,
                "csv": None if self.csv is None else {"x": self.csv.x, "y": self.csv.y, "wkt": self.csv.wkt}}

    @classmethod
    def from_json(cls, data: dict) -> "ImportSettings":
        """The settings stored by ``as_json``."""
        csv = data.get("csv")
        return cls(layer=data.get("layer"), crs=data["crs"], asset_type=data["asset_type"],
                   fields=data.get("fields", {}), values=data.get("values", {}),
                   csv=CsvGeometry(**csv) if csv else None, swap_axes=bool(data.get("swap_axes")),
                   proximity_m=float(data.get("proximity_m") or 0), on_match=data.get("on_match", "update"))


def parse_settings(session: Session, form: dict[str, str], source_fields: list[str], file_crs: str | None,
                   layers: list[str], is_csv: bool) -> ImportSettings:
    """Read the mapping form; every wrong choice is reported at its field."""
    errors: dict[str, Msg] = {}
    layer = form.get("layer") or (layers[0] if layers else None)
    if layers and layer not in layers:
        errors["layer"] = msg("Choose one of the file's layers.")
    crs = _crs_choice((form.get("crs_other") or form.get("crs", "")).strip(), file_crs, errors)
    asset_type = session.scalar(select(AssetType).where(AssetType.code == form.get("asset_type", "")))
    if asset_type is None:
        errors["asset_type"] = msg("Choose the type of asset to create.")
    csv = _csv_choice(form, source_fields, errors) if is_csv else None
    fields, values = ({}, {}) if asset_type is None else _field_choices(form, asset_type, source_fields, errors)
    proximity = _number(form.get("proximity_m", "0"), "proximity_m", errors)
    on_match = form.get("on_match", "update")
    if on_match not in MATCH_ACTIONS:
        errors["on_match"] = msg("Choose what to do with an asset already in the inventory.")
    if errors:
        raise ValidationFailed(msg("Some choices are not valid."), errors)
    return ImportSettings(layer=layer, crs=crs, asset_type=asset_type.code, fields=fields, values=values, csv=csv,
                          swap_axes=form.get("swap_axes") in ("1", "on", "true"), proximity_m=proximity,
                          on_match=on_match)


def _crs_choice(raw: str, file_crs: str | None, errors: dict[str, Msg]) -> str:
    if raw in ("", "file"):
        if file_crs is None:
            errors["crs"] = msg("The file does not say its coordinate system: choose it.")
        return file_crs or ""
    try:
        crs_lib.crs_from_user(raw)
    except ValueError:
        errors["crs"] = msg("Unknown coordinate system %(value)s (e.g. EPSG:2154).", value=raw)
    return raw


def _csv_choice(form: dict[str, str], source_fields: list[str], errors: dict[str, Msg]) -> CsvGeometry:
    wkt, x, y = (form.get(name, "").strip() or None for name in ("csv_wkt", "csv_x", "csv_y"))
    for name, value in (("csv_wkt", wkt), ("csv_x", x), ("csv_y", y)):
        if value and value not in source_fields:
            errors[name] = msg("The file has no column %(name)s.", name=value)
    if not wkt and not (x and y):
        errors["csv_x"] = msg("Choose the X (longitude) and Y (latitude) columns, or a WKT column.")
    return CsvGeometry(x=x, y=y, wkt=wkt)


def _field_choices(form: dict[str, str], asset_type: AssetType, source_fields: list[str],
                   errors: dict[str, Msg]) -> tuple[dict, dict]:
    fields: dict[str, dict] = {}
    values: dict[str, dict[str, str]] = {}
    for target in targets_of(asset_type):
        source = form.get(f"map.{target}", "").strip()
        constant = form.get(f"const.{target}", "").strip()
        if source:
            if source not in source_fields:
                errors[f"map.{target}"] = msg("The file has no column %(name)s.", name=source)
            fields[target] = {"source": source}
        elif constant:
            fields[target] = {"constant": constant}
        pairs = _value_pairs(form, target)
        if pairs:
            values[target] = pairs
    if not fields:
        errors["fields"] = msg("Map at least one column, or every row would be empty.")
    return fields, values


def _value_pairs(form: dict[str, str], target: str) -> dict[str, str]:
    """``values.<target>.<n>.from`` / ``.to`` pairs of the value-mapping table."""
    pairs = {}
    prefix = f"values.{target}."
    for key, source in form.items():
        if key.startswith(prefix) and key.endswith(".from"):
            chosen = form.get(key[: -len(".from")] + ".to", "").strip()
            if chosen:
                pairs[source] = chosen
    return pairs


def _number(raw: str, name: str, errors: dict[str, Msg]) -> float:
    try:
        value = float((raw or "0").replace(",", "."))
    except ValueError:
        errors[name] = msg("Expected a number.")
        return 0.0
    if not 0 <= value <= MAX_PROXIMITY_M:
        errors[name] = msg("Expected a distance from 0 to %(max)s m.", max=int(MAX_PROXIMITY_M))
    return value


def targets_of(asset_type: AssetType) -> list[str]:
    """Every field a source column can fill for this type."""
    return list(CORE_TARGETS) + [f"attributes.{spec['name']}" for spec in asset_type.attribute_schema]


def choices_of(asset_type: AssetType, target: str) -> list[str] | None:
    """The allowed values of a target with a closed list (enum, boolean, status), else None."""
    if target == "status":
        return [s for s in ASSET_STATUSES if s != "decommissioned"]
    if target == "condition":
        return ["1", "2", "3", "4", "5"]
    spec = next((s for s in asset_type.attribute_schema if f"attributes.{s['name']}" == target), None)
    if spec is None:
        return None
    if spec["kind"] == "enum":
        return [choice["value"] for choice in spec.get("choices", [])]
    if spec["kind"] == "boolean":
        return ["true", "false"]
    return None


def source_key(geometry_type: str | None, fields: list[str]) -> str:
    """What identifies "the same source" across files: its geometry type and field names."""
    signature = f"{geometry_type or '-'}|{'|'.join(sorted(fields))}"
    return hashlib.sha256(signature.encode()).hexdigest()[:40]


def remembered_settings(session: Session, key: str) -> dict | None:
    """The settings last used for this source, if any."""
    return session.scalar(select(ImportMapping.settings).where(ImportMapping.source_key == key))


def remember_settings(session: Session, key: str, settings: ImportSettings, user_id: int) -> None:
    """Keep these settings for the next import of the same source (the layer-independent part)."""
    stored = session.scalar(select(ImportMapping).where(ImportMapping.source_key == key).with_for_update())
    data = settings.as_json()
    if stored is None:
        session.add(ImportMapping(source_key=key, settings=data, updated_by_id=user_id))
    else:
        stored.settings, stored.updated_by_id = data, user_id
    session.flush()
