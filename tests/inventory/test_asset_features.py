"""The stored GeoJSON features (asset_features): written by the database's triggers in the
transaction of every change, identical to the feature built from the asset's state."""
from __future__ import annotations

import json

from shapely.geometry import LineString
from sqlalchemy import text

from app.inventory import queries, services
from app.inventory.queries import AssetFilter
from app.territory.models import Commune
from tests.conftest import TALANT, storage_point

# Every asset whose stored feature is missing or differs from the one built now.
_STALE = """
SELECT a.id FROM assets a JOIN asset_types t ON t.id = a.type_id LEFT JOIN communes c ON c.id = a.commune_id
LEFT JOIN asset_features f ON f.asset_id = a.id
WHERE f.feature IS DISTINCT FROM asset_feature_text(a.id, a.geom, a.attributes, t.code, a.reference, a.status,
    c.insee, c.name, a.version, a.installed_on, a.manufacturer, a.model, a.condition, a.parent_id, a.external_ref)
"""


def stored_feature(db, asset_id: int) -> dict:
    return json.loads(db.execute(text("SELECT feature FROM asset_features WHERE asset_id = :id"),
                                 {"id": asset_id}).scalar_one())


def test_a_new_asset_has_its_feature_in_the_same_transaction(db, make_asset):
    bench = make_asset("bench", properties={"material": "wood"})
    feature = stored_feature(db, bench.id)
    assert feature["id"] == bench.id and feature["geometry"]["type"] == "Point"
    assert feature["properties"]["reference"] == bench.reference and feature["properties"]["material"] == "wood"
    assert feature["properties"]["version"] == 1 and feature["properties"]["type"] == "bench"


def test_a_move_an_attribute_and_a_status_change_rewrite_the_feature(db, settings, editor, make_asset):
    bench = make_asset("bench", properties={"material": "wood"})
    services.update_asset(db, editor, bench.id, 1, settings.storage_srid, geom=storage_point(settings, *TALANT),
                          properties={"material": "metal", "condition": 2})
    services.update_asset(db, editor, bench.id, 2, settings.storage_srid, properties={"status": "faulty"},
                          reason="broken slat")
    feature = stored_feature(db, bench.id)
    assert feature["properties"]["version"] == 3 and feature["properties"]["status"] == "faulty"
    assert feature["properties"]["material"] == "metal" and feature["properties"]["condition"] == 2
    assert feature["properties"]["commune_name"] == "Talant"
    assert feature["geometry"]["coordinates"] == [round(TALANT[0], 7), round(TALANT[1], 7)]
    assert db.execute(text(_STALE)).scalars().all() == []


def test_a_line_keeps_its_shape(db, settings, editor):
    line = LineString([(5.03, 47.32), (5.031, 47.321), (5.033, 47.3205)])
    from gis.crs import reproject

    asset = services.create_asset(db, editor, "road_segment", reproject(line, 4326, settings.storage_srid),
                                  settings.storage_srid, {"name": "Rue de test"})
    coordinates = stored_feature(db, asset.id)["geometry"]["coordinates"]
    assert [[round(x, 6), round(y, 6)] for x, y in coordinates] == [list(p) for p in line.coords]


def test_renaming_a_commune_rewrites_the_features_of_its_assets_only(db, make_asset):
    in_talant = make_asset("bench", lonlat=TALANT)
    in_dijon = make_asset("bench")
    talant = db.get(Commune, in_talant.commune_id)
    talant.name = "Talant-sur-Ouche"
    db.flush()
    assert stored_feature(db, in_talant.id)["properties"]["commune_name"] == "Talant-sur-Ouche"
    assert stored_feature(db, in_dijon.id)["properties"]["commune_name"] == "Dijon"
    assert db.execute(text(_STALE)).scalars().all() == []


def test_lists_sorted_by_another_key_keep_that_order(db, editor, make_asset):
    ids = [make_asset("bench", properties={"condition": condition}).id for condition in (3, 5, 1)]
    for sort, expected in (("condition", [1, 3, 5]), ("-condition", [5, 3, 1])):
        for bbox in (None, (5.0, 47.3, 5.1, 47.35)):
            page = queries.feature_page(db, editor, AssetFilter(asset_ids=ids, sort=sort, bbox=bbox), 10, 0)
            assert [json.loads(f)["properties"]["condition"] for f in page.features] == expected, (sort, bbox)
