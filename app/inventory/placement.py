"""Where an asset may be: geometry kind, validity, inside the territory, its commune.

User geometries are checked, never repaired: an invalid one is refused with the reason.
"""
from __future__ import annotations

from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from app.i18n import msg

GEOMETRY_TYPES_OF_KIND = {
    "point": ("Point",),
    "line": ("LineString", "MultiLineString"),
    "polygon": ("Polygon", "MultiPolygon"),
}

_COMMUNE_OF = text(
    """
    SELECT c.id, c.insee,
           ST_Within(g.geom, o.geom) AS inside
    FROM (SELECT ST_GeomFromEWKT(:ewkt) AS geom) AS g
    CROSS JOIN territory_outline AS o
    LEFT JOIN LATERAL (
        SELECT id, insee FROM communes
        ORDER BY geom <-> ST_PointOnSurface(g.geom), ST_Distance(geom, ST_PointOnSurface(g.geom))
        LIMIT 1
    ) AS c ON true
    """
)


def check_geometry_shape(geom: BaseGeometry | None, geometry_kind: str) -> None:
    """Refuse a missing, empty, wrong-kind or invalid geometry."""
    if geom is None or geom.is_empty:
        raise ValidationFailed(msg("The geometry is missing."), {"geometry": msg("The geometry is missing or empty: draw the asset on the map.")})
    if geom.geom_type not in GEOMETRY_TYPES_OF_KIND[geometry_kind]:
        raise ValidationFailed(
            msg("Wrong kind of geometry."),
            {"geometry": msg("This asset type is drawn as a %(kind)s, not a %(given)s.", kind=geometry_kind, given=geom.geom_type)},
        )
    if not geom.is_valid:
        raise ValidationFailed(
            msg("Invalid geometry."),
            {"geometry": msg("The geometry is invalid (%(reason)s); correct it, it is not repaired automatically.", reason=explain_validity(geom))},
        )


def commune_of(session: Session, geom: BaseGeometry, srid: int) -> tuple[int, str]:
    """The commune (id, INSEE) of a geometry inside the territory; refuse one outside it.

    A geometry in a sliver between two simplified commune outlines goes to the nearest.
    """
    row = session.execute(_COMMUNE_OF, {"ewkt": f"SRID={srid};{geom.wkt}"}).one_or_none()
    if row is None or not row.inside or row.id is None:
        raise ValidationFailed(
            msg("Outside the territory."),
            {"geometry": msg("The geometry is outside the métropole.")},
        )
    return row.id, row.insee
