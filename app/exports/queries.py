"""Reads of an export: the asset types a selection holds, and its rows streamed in batches.

The selection is the inventory read layer's (``AssetFilter``, as-of states, the user's
commune scope); geometries are reprojected by PostGIS and read as WKB from a server-side
cursor, one batch at a time.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.inventory.queries import AssetFilter, selection_sql
from gis.export_formats import Batch

BATCH_SIZE = 5000

# The columns every export starts with (the API's property names, which the import guesses
# from), then the type's attributes. SQL over the state ``s`` and its commune ``c``.
FIXED_COLUMNS = (
    ("reference", "text", "s.reference"),
    ("type", "text", "t.code"),
    ("status", "text", "s.status"),
    ("commune", "text", "c.insee"),
    ("commune_name", "text", "c.name"),
    ("condition", "integer", "s.condition"),
    ("installed_on", "date", "s.installed_on"),
    ("manufacturer", "text", "s.manufacturer"),
    ("model", "text", "s.model"),
    ("external_ref", "text", "s.external_ref"),
    ("parent_reference", "text", "(SELECT p.reference FROM assets p WHERE p.id = s.parent_id)"),
    ("version", "integer", "s.version"),
)


@dataclass(frozen=True)
class SelectedType:
    """An asset type present in a selection, with its schema and how many assets it has there."""

    code: str
    label_fr: str
    label_en: str
    geometry_kind: str
    attribute_schema: list[dict]
    count: int


def types_in_selection(session: Session, actor: User, flt: AssetFilter) -> list[SelectedType]:
    """The types of the assets ``flt`` selects for ``actor``, by code, with their counts."""
    params: dict = {}
    source = selection_sql(actor, replace(flt, sort="id"), params)
    rows = session.execute(text(
        "SELECT t.code, t.label_fr, t.label_en, t.geometry_kind, t.attribute_schema, count(*) AS n "
        f"{source} GROUP BY t.id ORDER BY t.code"), params).all()
    return [SelectedType(r.code, r.label_fr, r.label_en, r.geometry_kind,
                         r.attribute_schema if isinstance(r.attribute_schema, list) else json.loads(r.attribute_schema),
                         r.n) for r in rows]


def selection_batches(session: Session, actor: User, flt: AssetFilter, srid: int, attribute_names: list[str],
                      *, multi: bool = False) -> Iterator[Batch]:
    """The selected assets by reference, in batches: WKB in ``srid`` (``multi``: lines and
    polygons as Multi*), then FIXED_COLUMNS and the attributes named, in that order."""
    params: dict = {"srid": srid}
    source = selection_sql(actor, replace(flt, sort="id"), params)
    geometry = "ST_Multi(s.geom)" if multi else "s.geom"
    columns = ", ".join(sql for _name, _kind, sql in FIXED_COLUMNS)
    statement = text(
        f"SELECT ST_AsBinary(ST_Transform({geometry}, :srid)) AS wkb, s.attributes, {columns} "
        f"{source} ORDER BY s.reference"
    ).execution_options(yield_per=BATCH_SIZE)
    result = session.execute(statement, params)
    for partition in result.partitions(BATCH_SIZE):  # yield_per alone does not size them for text()
        yield Batch(
            wkb=[bytes(row[0]) for row in partition],
            rows=[(*row[2:], *_attribute_values(row[1], attribute_names)) for row in partition],
        )


def _attribute_values(attributes: dict | str | None, names: list[str]) -> list:
    if not attributes:
        return [None] * len(names)
    if isinstance(attributes, str):
        attributes = json.loads(attributes)
    return [attributes.get(name) for name in names]
