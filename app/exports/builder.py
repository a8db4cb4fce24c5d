"""Building an export file from a selection: the one function every export goes through.

GeoPackage and Shapefile get one layer per asset type (each with its own typed
attributes); GeoJSON and CSV one collection whose columns are the union of the types'
attributes. Column names are stable (the API's property names, then the attribute
names) so that the import finds them again.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Permission
from app.csv_cells import safe_cell
from app.errors import PermissionDenied, ValidationFailed
from app.exports import queries
from app.exports.queries import FIXED_COLUMNS, SelectedType
from app.i18n import msg
from app.inventory.models import AssetType
from app.inventory.queries import AssetFilter
from gis.export_formats import FORMATS, Field, Layer, write_export

# Attribute kinds → column kinds (an enum is written as its stored value).
COLUMN_KINDS = {"text": "text", "enum": "text", "integer": "integer", "decimal": "decimal",
                "boolean": "boolean", "date": "date"}
FIXED_FIELDS = tuple(Field(name, kind) for name, kind, _sql in FIXED_COLUMNS)
# Names an attribute column may not take: the fixed ones and the CSV's geometry columns.
TAKEN_NAMES = frozenset(name for name, _kind, _sql in FIXED_COLUMNS) | {"x", "y", "wkt"}


def check_can_export(session: Session, actor: User, flt: AssetFilter) -> None:
    """Refuse an export ``actor`` may not make. Every export (pages, API) calls this first.

    Reading the inventory is enough, except for the sensitive types (CCTV cameras): a user
    whose role may not see their positions is refused when naming them, and the selection
    (``app.inventory.queries``) leaves them out of any other export.
    """
    if not actor.can(Permission.VIEW_MAP):
        raise PermissionDenied(msg("Your role does not allow this."))
    if flt.type_codes and not actor.can(Permission.VIEW_SENSITIVE_POSITIONS):
        hidden = session.scalars(select(AssetType.code).where(AssetType.is_sensitive,
                                                              AssetType.code.in_(flt.type_codes))).all()
        if hidden:
            raise PermissionDenied(msg("Your role does not allow exporting the positions of these assets: %(types)s.",
                                       types=", ".join(sorted(hidden))))


def build_export(session: Session, actor: User, flt: AssetFilter, fmt: str, srid: int, directory: Path,
                 language: str) -> Path:
    """Write the selection into ``directory`` as ``fmt`` in EPSG ``srid``; returns the file's path."""
    check_can_export(session, actor, flt)
    types = queries.types_in_selection(session, actor, flt)
    if not types:
        raise ValidationFailed(msg("No asset matches this selection: there is nothing to export."))
    path = directory / f"assets.{FORMATS[fmt].extension}"
    if FORMATS[fmt].layered:
        layers: Iterator[Layer] | list[Layer] = _type_layers(session, actor, flt, srid, types, language,
                                                             kind_in_name=fmt == "shp")
    else:
        layers = [_collection(session, actor, flt, srid, types)]
    write_export(fmt, path, srid, layers, csv_cell=safe_cell)
    return path


def _type_layers(session: Session, actor: User, flt: AssetFilter, srid: int, types: list[SelectedType],
                 language: str, *, kind_in_name: bool) -> Iterator[Layer]:
    """One layer per type, named by its code (``_point``/``_line``/``_polygon`` added for
    Shapefiles, which hold one kind each); read one after the other, while written."""
    titles: set[str] = set()
    for selected in types:
        names = [spec["name"] for spec in selected.attribute_schema]
        fields = FIXED_FIELDS + tuple(Field(_column_name(spec["name"]), COLUMN_KINDS[spec["kind"]])
                                      for spec in selected.attribute_schema)
        title = selected.label_fr if language == "fr" else selected.label_en
        title = title if title not in titles else f"{title} ({selected.code})"  # GeoPackage titles are unique
        titles.add(title)
        batches = queries.selection_batches(session, actor, replace(flt, type_codes=[selected.code]), srid, names,
                                            multi=selected.geometry_kind != "point")
        name = f"{selected.code}_{selected.geometry_kind}" if kind_in_name else selected.code
        yield Layer(name, selected.geometry_kind, fields, batches, title=title)


def _collection(session: Session, actor: User, flt: AssetFilter, srid: int, types: list[SelectedType]) -> Layer:
    """One layer of every selected asset; an attribute two types type differently is
    written as a decimal (whole and decimal numbers) or as text."""
    kinds: dict[str, str] = {}
    for selected in types:
        for spec in selected.attribute_schema:
            kind, before = COLUMN_KINDS[spec["kind"]], kinds.get(spec["name"])
            if before is not None and before != kind:
                kind = "decimal" if {before, kind} == {"integer", "decimal"} else "text"
            kinds[spec["name"]] = kind
    fields = FIXED_FIELDS + tuple(Field(_column_name(name), kind) for name, kind in kinds.items())
    batches = queries.selection_batches(session, actor, flt, srid, list(kinds))
    return Layer("assets", None, fields, batches)


def _column_name(attribute: str) -> str:
    """An attribute's column: its name, or ``attr_<name>`` when a fixed column has it."""
    return f"attr_{attribute}" if attribute in TAKEN_NAMES else attribute
