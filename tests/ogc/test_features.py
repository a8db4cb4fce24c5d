"""/ogc over HTTP: OGC API - Features Part 1 (core, GeoJSON) on the registry, with the user's scope."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from app.inventory.catalogue import CATALOGUE
from tests.conftest import csrf_token_from
from tests.inventory.conftest import DIJON_CENTRE, TALANT
from tests.ogc.http import feature_ids, get_json

# A quiet corner of Dijon (Parc de la Colombière side): no other test puts assets here.
CORNER = (5.0480, 47.3050)
CORNER_BBOX = "5.0470,47.3040,5.0530,47.3080"


def _near(i: int) -> tuple[float, float]:
    return CORNER[0] + 0.0005 * i, CORNER[1] + 0.0002 * i


def _path(href: str) -> str:
    assert href.startswith("http://localhost/ogc/")
    return href.removeprefix("http://localhost")


def test_landing_page_conformance_and_api(client, login_as):
    login_as("councillor")
    landing = get_json(client, "/ogc/")
    assert landing["title"] == "Vigie"
    rels = {link["rel"]: link for link in landing["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= set(rels)
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    conformance = get_json(client, _path(rels["conformance"]["href"]))["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conformance
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conformance
    api = get_json(client, _path(rels["service-desc"]["href"]))
    assert api["openapi"].startswith("3.0") and api["components"]["parameters"]["limit"]["schema"]["maximum"] == 10_000
    lights = [p["name"] for p in api["paths"]["/collections/street_light/items"]["get"]["parameters"] if "name" in p]
    assert {"material", "height_m", "wall_mounted"} <= set(lights)
    assert get_json(client, "/ogc/?f=json")["title"] == "Vigie"
    assert get_json(client, "/ogc/?f=html", 400)["code"] == "InvalidParameterValue"


def test_one_collection_per_asset_type_titled_in_the_users_language(client, login_as):
    login_as("councillor")
    body = get_json(client, "/ogc/collections")
    collections = {c["id"]: c for c in body["collections"]}
    assert set(collections) == {entry["code"] for entry in CATALOGUE} | {"interventions"} and len(collections) == 21
    light = collections["street_light"]
    assert light["title"] == "Mât d'éclairage" and light["itemType"] == "feature"
    minx, miny, maxx, maxy = light["extent"]["spatial"]["bbox"][0]
    assert 4.8 < minx < 5.0 < 5.1 < maxx < 5.3 and 47.1 < miny < 47.3 < 47.35 < maxy < 47.5
    assert len(light["extent"]["temporal"]["interval"][0]) == 2
    items = next(link for link in light["links"] if link["rel"] == "items")
    assert items["type"] == "application/geo+json" and items["href"].endswith("/ogc/collections/street_light/items")
    assert get_json(client, "/ogc/collections/bench")["id"] == "bench"
    client.post("/language", data={"language": "en", "csrf_token": csrf_token_from(client.get("/inventory").text)})
    assert get_json(client, "/ogc/collections/street_light")["title"] == "Street-light mast"


def test_items_are_geojson_in_crs84_within_the_bbox(client, login_as, make_asset):
    login_as("councillor")
    inside = [make_asset("bench", lonlat=_near(i), properties={"seats": i}) for i in range(3)]
    make_asset("litter_bin", lonlat=_near(1))
    make_asset("bench", lonlat=DIJON_CENTRE)
    response = client.get(f"/ogc/collections/bench/items?bbox={CORNER_BBOX}")
    assert response.status_code == 200 and response.content_type == "application/geo+json"
    body = response.json
    assert body["type"] == "FeatureCollection" and body["timeStamp"].endswith("Z")
    assert sorted(feature_ids(body)) == sorted(a.id for a in inside)
    assert body["numberReturned"] == 3 and body["numberMatched"] == 3
    first = next(f for f in body["features"] if f["id"] == inside[0].id)
    assert first["geometry"]["coordinates"] == pytest.approx(list(_near(0)), abs=1e-6)
    assert first["properties"]["type"] == "bench" and first["properties"]["commune"] == "21231"
    assert "next" not in {link["rel"] for link in body["links"]}
    three_d = "5.0470,47.3040,0,5.0530,47.3080,100"
    assert sorted(feature_ids(get_json(client, f"/ogc/collections/bench/items?bbox={three_d}"))) == sorted(a.id for a in inside)


def test_next_links_page_through_every_item(client, login_as, make_asset, monkeypatch):
    login_as("councillor")
    created = {make_asset("bench", lonlat=_near(i)).id for i in range(7)}
    url, seen, pages = f"/ogc/collections/bench/items?bbox={CORNER_BBOX}&limit=3", [], []
    while url:
        page = get_json(client, url)
        pages.append(page)
        seen += feature_ids(page)
        links = {link["rel"]: link for link in page["links"]}
        assert links["self"]["href"].startswith("http://localhost/ogc/collections/bench/items?")
        url = _path(links["next"]["href"]) if "next" in links else None
    assert [p["numberReturned"] for p in pages] == [3, 3, 1] and set(seen) == created and len(seen) == 7
    assert all(p["numberMatched"] == 7 for p in pages)
    assert "prev" in {link["rel"] for link in pages[1]["links"]}
    assert "prev" not in {link["rel"] for link in pages[0]["links"]}
    monkeypatch.setattr("app.ogc.items.COUNT_CAP", 5)  # beyond the cap, numberMatched is left out...
    assert "numberMatched" not in get_json(client, f"/ogc/collections/bench/items?bbox={CORNER_BBOX}&limit=2")
    last = get_json(client, f"/ogc/collections/bench/items?bbox={CORNER_BBOX}&limit=2&offset=6")
    assert last["numberMatched"] == 7  # ...but the last page knows it for free
    assert get_json(client, f"/ogc/collections/bench/items?bbox={CORNER_BBOX}&offset=50")["numberReturned"] == 0


def test_datetime_gives_the_inventory_as_of_an_instant(client, db, login_as, make_asset):
    login_as("councillor")
    old, new = make_asset("bench", lonlat=_near(0)), make_asset("bench", lonlat=_near(1))
    db.execute(text("ALTER TABLE asset_history DISABLE TRIGGER asset_history_append_only"))
    db.execute(text("UPDATE asset_history SET recorded_at = '2020-01-01' WHERE asset_id = :id"), {"id": old.id})
    db.execute(text("ALTER TABLE asset_history ENABLE TRIGGER asset_history_append_only"))
    url = f"/ogc/collections/bench/items?bbox={CORNER_BBOX}"
    assert sorted(feature_ids(get_json(client, url))) == sorted([old.id, new.id])
    assert feature_ids(get_json(client, url + "&datetime=2021-06-01T12:00:00Z")) == [old.id]
    assert feature_ids(get_json(client, url + "&datetime=2021-06-01")) == [old.id]
    assert feature_ids(get_json(client, url + "&datetime=2019-12-31T23:59:59Z")) == []
    assert "datetime" in get_json(client, url + "&datetime=2020-01-01/2021-01-01", 400)["fields"]
    assert "datetime" in get_json(client, url + "&datetime=yesterday", 400)["fields"]


def test_property_filters_on_status_commune_and_the_types_attributes(client, login_as, make_asset, settings, db):
    login_as("councillor")
    steel = make_asset("street_light", lonlat=_near(0), properties={"height_m": 8, "material": "steel"})
    alu = make_asset("street_light", lonlat=_near(1), properties={"height_m": 6.5, "material": "aluminium",
                                                                   "wall_mounted": True, "status": "faulty"})
    talant = make_asset("street_light", lonlat=TALANT, properties={"height_m": 8, "material": "steel"})
    url = f"/ogc/collections/street_light/items?bbox={CORNER_BBOX}"
    assert feature_ids(get_json(client, url + "&material=steel")) == [steel.id]
    assert feature_ids(get_json(client, url + "&height_m=8.0")) == [steel.id]
    assert feature_ids(get_json(client, url + "&height_m=6.5&wall_mounted=true")) == [alu.id]
    assert feature_ids(get_json(client, url + "&status=faulty")) == [alu.id]
    assert sorted(feature_ids(get_json(client, url + "&status=faulty,in_service"))) == sorted([steel.id, alu.id])
    everywhere = get_json(client, "/ogc/collections/street_light/items?commune=21617&material=steel")
    assert talant.id in feature_ids(everywhere) and steel.id not in feature_ids(everywhere)
    assert get_json(client, url + "&material=gold", 400)["fields"]["material"].startswith("Valeur inconnue gold")
    assert "height_m" in get_json(client, url + "&height_m=tall", 400)["fields"]
    assert "status" in get_json(client, url + "&status=broken", 400)["fields"]


def test_a_user_limited_to_a_commune_sees_only_its_assets(client, login_as, make_asset):
    in_talant, in_dijon = make_asset("bench", lonlat=TALANT), make_asset("bench", lonlat=DIJON_CENTRE)
    login_as("field_agent", communes=["21617"])
    every = get_json(client, "/ogc/collections/bench/items?bbox=4.95,47.30,5.06,47.35&limit=10000")
    assert in_talant.id in feature_ids(every) and in_dijon.id not in feature_ids(every)
    assert {f["properties"]["commune"] for f in every["features"]} == {"21617"}
    assert get_json(client, f"/ogc/collections/bench/items/{in_talant.id}")["id"] == in_talant.id
    assert get_json(client, f"/ogc/collections/bench/items/{in_dijon.id}", 404)["code"] == "NotFound"


def test_one_feature_and_404s(client, login_as, make_asset):
    login_as("councillor")
    bench = make_asset("bench", lonlat=_near(0))
    feature = get_json(client, f"/ogc/collections/bench/items/{bench.id}")
    assert feature["type"] == "Feature" and feature["properties"]["reference"] == bench.reference
    assert {link["rel"] for link in feature["links"]} == {"self", "collection"}
    assert get_json(client, f"/ogc/collections/litter_bin/items/{bench.id}", 404)["code"] == "NotFound"
    assert get_json(client, "/ogc/collections/bench/items/999999999", 404)["code"] == "NotFound"
    assert get_json(client, "/ogc/collections/no_such_type", 404)["message"] == "Aucun type d'équipement no_such_type."
    assert get_json(client, "/ogc/collections/no_such_type/items", 404)["code"] == "NotFound"
    assert client.get("/ogc/collections/bench/items/abc").status_code == 404
    assert client.get("/ogc/nowhere").is_json
    assert get_json(client, f"/ogc/collections/bench/items/{bench.id}?datetime=2020-01-01", 400)["code"]


@pytest.mark.parametrize("query, field", [
    ("bbox=1,2,3", "bbox"), ("bbox=5.1,47,5.0,48", "bbox"), ("bbox=a,b,c,d", "bbox"), ("bbox=0,0,200,10", "bbox"),
    ("limit=0", "limit"), ("limit=10001", "limit"), ("limit=ten", "limit"), ("offset=-1", "offset"),
    ("foo=1", "foo"), ("sortby=id", "sortby"), ("f=html", "f"),
])
def test_bad_or_unknown_parameters_get_400_json(client, login_as, query, field):
    login_as("councillor")
    body = get_json(client, f"/ogc/collections/bench/items?{query}", 400)
    assert body["code"] == "InvalidParameterValue" and field in body["fields"] and body["description"]


def test_limit_bounds_are_accepted(client, login_as):
    login_as("councillor")
    assert get_json(client, "/ogc/collections/bench/items?limit=1")["numberReturned"] <= 1
    assert get_json(client, "/ogc/collections/bench/items?limit=10000&f=json")["type"] == "FeatureCollection"


def test_authentication_is_required_by_cookie_or_token(client, app, db, make_user, make_asset):
    from app.auth.services import create_api_token

    assert get_json(client, "/ogc/collections", 401)["error"] == "authentication_required"
    assert get_json(client, "/ogc/", 401)["error"] == "authentication_required"
    bench = make_asset("bench", lonlat=_near(0))
    token = create_api_token(db, make_user("councillor", communes=["21231"]), "QGIS")
    headers = {"Authorization": f"Bearer {token}"}
    found = client.get(f"/ogc/collections/bench/items?bbox={CORNER_BBOX}", headers=headers).json
    assert [feature["id"] for feature in found["features"]] == [bench.id]
    assert client.get("/ogc/collections", headers={"Authorization": "Bearer vgt_wrong"}).status_code == 401


def test_behind_a_trusted_proxy_links_carry_the_public_host_and_scheme(settings, db, make_user):
    """With VIGIE_TRUSTED_PROXIES=1 the OGC links name the host the client used; without, a
    forged X-Forwarded-Host is ignored."""
    import dataclasses

    from sqlalchemy.orm import Session

    from app import create_app

    make_user("dispatcher", login="proxied")
    connection = db.connection()
    forwarded = {"X-Forwarded-Host": "vigie.dijon.example", "X-Forwarded-Proto": "https"}
    for proxies, expected in ((1, "https://vigie.dijon.example/ogc/"), (0, "http://localhost/ogc/")):
        app = create_app(dataclasses.replace(settings, trusted_proxies=proxies))
        app.extensions["vigie"] = dataclasses.replace(
            app.extensions["vigie"],
            session_factory=lambda: Session(bind=connection, join_transaction_mode="create_savepoint"))
        client = app.test_client()
        page = client.get("/login")
        client.post("/login", data={"login": "proxied", "password": "correct-horse-battery",
                                    "csrf_token": csrf_token_from(page.text)})
        landing = client.get("/ogc/", headers=forwarded).json
        assert {link["href"] for link in landing["links"] if link["rel"] == "self"} == {expected}
