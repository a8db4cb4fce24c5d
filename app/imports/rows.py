"""Turning one batch of a file's features into staged rows: geometry and values, checked.

The checks that need the database (territory, commune, duplicates) run afterwards in SQL
over the whole staging table (``app/imports/staging.py``); here every row is checked on
its own, with the same rules as an edit on the map (``validate_core``,
``validate_attributes``, ``check_geometry_shape``'s kinds).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import shapely
from pyproj import CRS
from shapely.validation import explain_validity

from app.i18n import Msg, msg
from app.imports.mapping import ImportSettings, choices_of
from app.inventory.attributes import validate_attributes
from app.inventory.models import AssetType
from app.inventory.placement import GEOMETRY_TYPES_OF_KIND
from app.inventory.services import validate_core
from gis.crs import to_storage
from gis.sources import Batch

_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T].*)?$")
_TRUE = {"true", "1", "oui", "yes", "vrai", "o", "y", "on"}
_FALSE = {"false", "0", "non", "no", "faux", "n", "off"}
MAX_UNMAPPED_VALUES = 30


@dataclass
class StagedRow:
    """A row ready for ``COPY import_rows``."""

    row_number: int
    geom_hex: str | None
    core: dict
    attributes: dict
    messages: dict[str, Msg]

    def copy_values(self, import_id: int) -> tuple:
        """The row in the column order of ``STAGING_COLUMNS``."""
        return (import_id, self.row_number, "error" if self.messages else "create", self.geom_hex,
                json.dumps(self.core, default=str), json.dumps(self.attributes, default=str),
                json.dumps(self.messages))


STAGING_COLUMNS = "import_id, row_number, action, geom, core, attributes, messages"


@dataclass
class RowReader:
    """Converts batches for one import; collects the source values no mapping knows."""

    settings: ImportSettings
    asset_type: AssetType
    source_crs: CRS
    storage_srid: int
    unmapped: dict[str, Counter] = field(default_factory=dict)

    def rows(self, batch: Batch) -> list[StagedRow]:
        """The staged rows of one batch."""
        geometries, geometry_errors = self._geometries(batch)
        staged = []
        for i in range(len(batch)):
            messages: dict[str, Msg] = {}
            if geometry_errors[i] is not None:
                messages["geometry"] = geometry_errors[i]
            core, attributes = self._values(batch, i, messages)
            staged.append(StagedRow(batch.first_row + i, geometries[i], core, attributes, messages))
        return staged

    def _geometries(self, batch: Batch) -> tuple[list[str | None], list[Msg | None]]:
        geoms = shapely.from_wkb(np.array(batch.wkb, dtype=object), on_invalid="ignore")
        geoms = shapely.force_2d(geoms)
        geoms = np.array([_single_part(g) for g in geoms], dtype=object)
        present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        if present.any():
            geoms[present] = to_storage(geoms[present], self.source_crs, self.storage_srid, self.settings.swap_axes)
        allowed = GEOMETRY_TYPES_OF_KIND[self.asset_type.geometry_kind]
        errors: list[Msg | None] = []
        for geom, has in zip(geoms, present):
            errors.append(self._geometry_error(geom, has, allowed))
        hexes = shapely.to_wkb(shapely.set_srid(geoms, self.storage_srid), hex=True, include_srid=True)
        return [h if e is None else None for h, e in zip(hexes, errors)], errors

    def _geometry_error(self, geom, present: bool, allowed: tuple[str, ...]) -> Msg | None:
        if not present:
            return msg("No geometry.")
        if geom.geom_type not in allowed:
            return msg("A %(given)s, but this asset type is drawn as a %(kind)s.", given=geom.geom_type,
                       kind=self.asset_type.geometry_kind)
        if not np.isfinite(shapely.get_coordinates(geom)).all():
            return msg("The coordinates cannot be converted to the storage system.")
        if not geom.is_valid:
            return msg("Invalid geometry (%(reason)s).", reason=explain_validity(geom))
        return None

    def _values(self, batch: Batch, i: int, messages: dict[str, Msg]) -> tuple[dict, dict]:
        core: dict = {}
        attributes: dict = {}
        for target, source in self.settings.fields.items():
            raw = batch.columns[source["source"]][i] if "source" in source else source["constant"]
            value = self._mapped(target, _cell(raw))
            if target.startswith("attributes."):
                attributes[target[len("attributes."):]] = value
            else:
                core[target] = value
        core.setdefault("status", "in_service")
        if core.get("installed_on"):
            core["installed_on"] = _iso_date(core["installed_on"])
        reference = core.pop("reference", None)
        errors: dict[str, Msg] = {}
        core = validate_core(None, self.asset_type, core, None, errors)
        clean, attribute_errors = validate_attributes(self.asset_type.attribute_schema, attributes)
        errors.update({f"attributes.{name}": error for name, error in attribute_errors.items()})
        messages.update(errors)
        if core.get("installed_on") is not None:
            core["installed_on"] = core["installed_on"].isoformat()
        if reference is not None:
            core["reference"] = reference
        return core, clean

    def _mapped(self, target: str, text: str | None) -> str | None:
        """A cell after the value mapping; an unknown value of a closed list is counted."""
        if text is None:
            return None
        mapping = self.settings.values.get(target, {})
        if text in mapping:
            return mapping[text]
        allowed = choices_of(self.asset_type, target)
        if allowed is None or text in allowed:
            return text
        if allowed == ["true", "false"] and text.lower() in _TRUE | _FALSE:
            return "true" if text.lower() in _TRUE else "false"
        counter = self.unmapped.setdefault(target, Counter())
        if text in counter or len(counter) < MAX_UNMAPPED_VALUES:
            counter[text] += 1
        return text


def _single_part(geom):
    """A multi-geometry of one part, as that part (shapefiles often store lines as multi)."""
    if geom is not None and geom.geom_type.startswith("Multi") and len(geom.geoms) == 1:
        return geom.geoms[0]
    return geom


def _cell(raw: object) -> str | None:
    """A source value as the text the validators read (None when empty)."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, float):
        if raw != raw:  # NaN: an empty numeric cell
            return None
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    text = str(raw).strip()
    return text or None


def _iso_date(text: str) -> str:
    """``26/05/2010 13:45`` → ``2010-05-26``; anything else is left for the validator."""
    match = _FRENCH_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return text
    return text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", text) else text
