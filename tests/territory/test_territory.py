"""The Dijon territory: 23 communes after the 2019 merger, valid, with an outline."""
from __future__ import annotations

from sqlalchemy import text

from app.demo.dijon import load_dijon_territory


def test_23_communes_after_the_2019_merger(db):
    rows = dict(db.execute(text("SELECT insee, name FROM communes")).all())
    assert len(rows) == 23
    assert rows["21452"] == "Neuilly-Crimolois"
    assert "21213" not in rows  # Crimolois is gone
    assert rows["21231"] == "Dijon"


def test_geometries_are_valid_and_in_the_storage_srid(db, settings):
    invalid, srids = db.execute(
        text("SELECT count(*) FILTER (WHERE NOT ST_IsValid(geom)), array_agg(DISTINCT ST_SRID(geom)) FROM communes")
    ).one()
    assert invalid == 0
    assert srids == [settings.storage_srid]


def test_merged_commune_covers_both_former_communes(db):
    # A point inside former Crimolois and one inside former Neuilly-lès-Dijon (WGS84).
    for lon, lat in ((5.1195, 47.2700), (5.1005, 47.2795)):
        insee = db.execute(
            text("SELECT insee FROM communes WHERE ST_Contains(geom, ST_Transform(ST_SetSRID(ST_Point(:x, :y), 4326), ST_SRID(geom)))"),
            {"x": lon, "y": lat},
        ).scalar()
        assert insee == "21452"


def test_outline_is_one_valid_polygon_without_slivers(db):
    parts, rings, valid, outline_area, communes_area = db.execute(
        text(
            "SELECT ST_NumGeometries(o.geom), ST_NRings(o.geom), ST_IsValid(o.geom), ST_Area(o.geom), "
            "(SELECT sum(ST_Area(geom)) FROM communes) FROM territory_outline o"
        )
    ).one()
    assert (parts, rings, valid) == (1, 1, True)
    # The outline covers the communes: equal areas up to slivers and small overlaps.
    assert abs(outline_area - communes_area) / communes_area < 0.01
    assert 235e6 < outline_area < 245e6  # Dijon Métropole: about 240 km²


def test_loading_twice_changes_nothing(db, settings):
    before = db.execute(text("SELECT array_agg(id ORDER BY id) FROM communes")).scalar()
    assert load_dijon_territory(db, settings.storage_srid) == 23
    after = db.execute(text("SELECT array_agg(id ORDER BY id) FROM communes")).scalar()
    assert before == after


def test_communes_api_gives_geojson_in_wgs84(client, login_as):
    login_as("councillor")
    response = client.get("/api/v1/communes")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    collection = response.json
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 23
    dijon = next(f for f in collection["features"] if f["properties"]["insee"] == "21231")
    assert dijon["properties"]["name"] == "Dijon"
    assert dijon["geometry"]["type"] == "MultiPolygon"
    lon, lat = dijon["geometry"]["coordinates"][0][0][0]
    assert 4.9 < lon < 5.2 and 47.2 < lat < 47.4
