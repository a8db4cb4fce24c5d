"""Helpers of the reports tests: assets placed in metres around the centre of a commune of
their own.

Coverage figures are per commune, and browser tests commit assets into the real communes
(a street light in Dijon, benches in Magny…), so these tests add a commune nobody else
uses, a 4 km square west of the métropole, inside the test's transaction.
"""
from __future__ import annotations

import pytest
from shapely.geometry import LineString, Point, Polygon
from sqlalchemy import text

from tests.conftest import storage_point

QUIET_INSEE, QUIET_NAME = "99001", "Essai-sur-Ouche"
QUIET_CENTRE = (4.70, 47.20)  # WGS84, outside the métropole
QUIET_HALF_SIDE_M = 2000


@pytest.fixture(autouse=True)
def quiet_commune(db, settings) -> int:
    """The tests' commune, added to the territory; its id."""
    params = {"srid": settings.storage_srid, "lon": QUIET_CENTRE[0], "lat": QUIET_CENTRE[1], "half": QUIET_HALF_SIDE_M,
              "insee": QUIET_INSEE, "name": QUIET_NAME}
    square = "ST_Expand(ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :srid), :half)"
    db.execute(text(f"INSERT INTO communes (insee, name, geom) VALUES (:insee, :name, ST_Multi({square}))"), params)
    db.execute(text(f"UPDATE territory_outline SET geom = ST_Multi(ST_Union(geom, {square}))"), params)
    return db.execute(text("SELECT id FROM communes WHERE insee = :insee"), params).scalar_one()


@pytest.fixture()
def origin(settings):
    """The tests' commune's centre in the storage CRS (metres): (x, y)."""
    point = storage_point(settings, *QUIET_CENTRE)
    return point.x, point.y


@pytest.fixture()
def place(db, settings, editor, origin):
    """place("street_light", (dx, dy), {"height_m": 8}) → an asset at origin + (dx, dy) metres;
    a list of offsets makes a line, a list of lists a polygon."""
    from app.inventory import services

    def make(type_code: str, offsets, attributes: dict | None = None, status: str = "in_service", actor=None):
        x0, y0 = origin
        if isinstance(offsets[0], (int, float)):
            geom = Point(x0 + offsets[0], y0 + offsets[1])
        elif isinstance(offsets[0][0], (int, float)):
            geom = LineString([(x0 + dx, y0 + dy) for dx, dy in offsets])
        else:
            geom = Polygon([(x0 + dx, y0 + dy) for dx, dy in offsets[0]])
        return services.create_asset(db, actor or editor, type_code, geom, settings.storage_srid,
                                     {"status": status, **(attributes or {})})

    return make


def commune_snapshot(db, insee: str = QUIET_INSEE) -> dict:
    """Today's figures of a commune (after a refresh)."""
    from sqlalchemy import text

    row = db.execute(text("SELECT s.* FROM coverage_snapshots s JOIN communes c ON c.id = s.commune_id "
                          "WHERE c.insee = :insee ORDER BY s.day DESC LIMIT 1"), {"insee": insee}).mappings().one()
    return dict(row)
