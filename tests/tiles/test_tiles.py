"""Vector tiles: detail and aggregates, kept current by triggers, revalidated by ETag."""
from __future__ import annotations

from datetime import date, timedelta

import mapbox_vector_tile
import pytest
from pyproj import Transformer

from app.inventory import services
from gis.tiles import tiles_covering
from tests.conftest import TALANT, storage_point

# Fénay: a commune no other test draws in, so counts here are this test's own.
FENAY = (5.0610, 47.2330)
_to_3857 = Transformer.from_crs(4326, 3857, always_xy=True)


def _tile_of(lonlat, z):
    x, y = _to_3857.transform(*lonlat)
    tx, ty, _, _ = tiles_covering(z, (x, y, x, y))
    return z, tx, ty


def _layer(response, name):
    return mapbox_vector_tile.decode(response.data).get(name, {"features": []})["features"]


def _counts(client, lonlat, z, query=""):
    features = _layer(client.get("/tiles/assets/%d/%d/%d.mvt%s" % (*_tile_of(lonlat, z), query)), "asset_counts")
    return sum(f["properties"]["total"] for f in features), sum(f["properties"].get("faulty") or 0 for f in features)


def test_detail_tile_has_each_asset_with_its_id_and_properties(client, login_as, make_asset):
    login_as("councillor")
    bench = make_asset("bench", lonlat=FENAY)
    response = client.get("/tiles/assets/%d/%d/%d.mvt" % _tile_of(FENAY, 17))
    assert response.status_code == 200 and response.mimetype == "application/vnd.mapbox-vector-tile"
    mine = [f for f in _layer(response, "assets") if f["id"] == bench.id]
    assert len(mine) == 1
    assert mine[0]["properties"] == {"type": "bench", "status": "in_service"}


def test_low_zoom_tiles_count_assets_and_follow_edits(db, client, login_as, make_asset, settings, editor):
    login_as("councillor")
    before_total, before_faulty = _counts(client, FENAY, 12)
    benches_before = _counts(client, FENAY, 12, "?type=bench")[0]
    lights = [make_asset("street_light", lonlat=(FENAY[0] + i * 1e-4, FENAY[1]), properties={"height_m": 6}) for i in range(3)]
    assert _counts(client, FENAY, 12) == (before_total + 3, before_faulty)
    services.update_asset(db, editor, lights[0].id, 1, settings.storage_srid,
                          properties={"status": "faulty"}, reason="Lampe éteinte")
    assert _counts(client, FENAY, 12) == (before_total + 3, before_faulty + 1)
    assert _counts(client, FENAY, 12, "?type=bench")[0] == benches_before  # the type filter applies
    faulty_lights = _counts(client, FENAY, 12, "?type=street_light&status=faulty")
    assert faulty_lights[0] == faulty_lights[1] >= 1
    services.decommission_asset(db, editor, lights[1].id, 1, settings.storage_srid, reason="Dépose")
    assert _counts(client, FENAY, 12) == (before_total + 2, before_faulty + 1)


def test_an_edit_changes_the_etag_of_the_tiles_it_touches_only(db, client, login_as, make_asset, settings, editor):
    login_as("councillor")
    here, far = _tile_of(FENAY, 16), _tile_of(TALANT, 16)
    bench = make_asset("bench", lonlat=FENAY)
    etag_here = client.get("/tiles/assets/%d/%d/%d.mvt" % here).headers["ETag"]
    etag_far = client.get("/tiles/assets/%d/%d/%d.mvt" % far).headers["ETag"]
    assert client.get("/tiles/assets/%d/%d/%d.mvt" % here, headers={"If-None-Match": etag_here}).status_code == 304
    services.update_asset(db, editor, bench.id, 1, settings.storage_srid, properties={"seats": 3})
    assert client.get("/tiles/assets/%d/%d/%d.mvt" % here, headers={"If-None-Match": etag_here}).status_code == 304
    services.update_asset(db, editor, bench.id, 2, settings.storage_srid,
                          geom=storage_point(settings, FENAY[0] + 2e-5, FENAY[1]))
    fresh = client.get("/tiles/assets/%d/%d/%d.mvt" % here, headers={"If-None-Match": etag_here})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag_here
    assert client.get("/tiles/assets/%d/%d/%d.mvt" % far, headers={"If-None-Match": etag_far}).status_code == 304


def test_as_of_tiles_show_the_past(client, login_as, make_asset):
    login_as("councillor")
    bench = make_asset("bench", lonlat=FENAY)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    path = "/tiles/assets/%d/%d/%d.mvt" % _tile_of(FENAY, 17)
    assert bench.id in [f["id"] for f in _layer(client.get(path), "assets")]
    assert bench.id not in [f["id"] for f in _layer(client.get(path + "?as_of=" + yesterday), "assets")]
    low_now = _counts(client, FENAY, 12)[0]
    low_then = _counts(client, FENAY, 12, "?as_of=" + yesterday)[0]
    assert low_then <= low_now - 1


def test_commune_scope_applies_to_tiles(client, login_as, make_asset):
    bench = make_asset("bench", lonlat=FENAY)
    login_as("councillor", communes=["21617"])
    assert bench.id not in [f["id"] for f in _layer(client.get("/tiles/assets/%d/%d/%d.mvt" % _tile_of(FENAY, 17)), "assets")]
    assert _counts(client, FENAY, 12)[0] == 0


def test_communes_tile_and_bad_requests(client, login_as):
    login_as("councillor")
    communes = _layer(client.get("/tiles/communes/%d/%d/%d.mvt" % _tile_of((5.05, 47.30), 8)), "communes")
    assert len(communes) == 23 and {"insee", "name"} <= set(communes[0]["properties"])
    assert client.get("/tiles/nothing/10/1/1.mvt").status_code == 404
    assert client.get("/tiles/assets/10/5000/1.mvt").status_code == 404
    assert client.get("/tiles/assets/16/1/1.mvt?status=broken").status_code == 422


def test_tiles_need_a_login(client):
    assert client.get("/tiles/assets/12/2105/1461.mvt").status_code in (302, 401)
