"""Exports of the selection through the page and the API, read back with pyogrio."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta

import pyogrio
import pytest
import shapely
from pyogrio.raw import read
from pyproj import Transformer
from shapely.geometry import LineString
from sqlalchemy import text

from app.inventory import queries, services
from app.inventory.queries import AssetFilter
from tests.conftest import DIJON_CENTRE, TALANT, storage_point
from tests.exports.conftest import DAIX, DAIX_INSEE, local_today

FIXED = ["reference", "type", "status", "commune", "commune_name", "condition", "installed_on", "manufacturer",
         "model", "external_ref", "parent_reference", "version"]
MAKER = "Société Métallerie d'Auxonne"


@pytest.fixture()
def daix_assets(make_asset):
    """A bench (accents in its manufacturer) and a street light in Daix."""
    bench = make_asset("bench", DAIX, {"material": "wood", "seats": 4, "manufacturer": MAKER,
                                       "installed_on": "2019-05-17", "condition": 2})
    light = make_asset("street_light", (DAIX[0] + 0.001, DAIX[1]), {"height_m": 8.5, "wall_mounted": False})
    return bench, light


def _xy(lonlat, srid):
    return Transformer.from_crs(4326, srid, always_xy=True).transform(*lonlat)


def _point(wkb: bytes) -> tuple[float, float]:
    point = shapely.from_wkb(wkb)
    return point.x, point.y


def test_geopackage_in_cc47_one_layer_per_type(client, login_as, download, daix_assets):
    bench, _light = daix_assets
    login_as("asset_manager")
    path = download(f"/inventory/export?commune={DAIX_INSEE}&format=gpkg&crs=3947")
    assert path.name == f"vigie-assets-{local_today()}.gpkg"
    assert sorted(pyogrio.list_layers(path)[:, 0]) == ["bench", "street_light"]
    meta, _fids, geometry, data = read(path, layer="bench", return_fids=True)
    assert meta["crs"] == "EPSG:3947" and len(geometry) == 1
    assert list(meta["fields"]) == FIXED + ["material", "seats"]
    row = dict(zip(meta["fields"], (column[0] for column in data)))
    assert row["reference"] == bench.reference and row["manufacturer"] == MAKER
    assert (row["type"], row["commune"], row["commune_name"], row["status"]) == ("bench", DAIX_INSEE, "Daix", "in_service")
    assert (row["material"], row["seats"], row["condition"], str(row["installed_on"])) == ("wood", 4, 2, "2019-05-17")
    x, y = _point(geometry[0])
    expected = _xy(DAIX, 3947)
    assert abs(x - expected[0]) < 0.01 and abs(y - expected[1]) < 0.01
    info = pyogrio.read_info(path, layer="street_light")
    assert info["features"] == 1 and info["layer_metadata"] == {"IDENTIFIER": "Mât d'éclairage"}
    assert list(info["fields"][-3:]) == ["height_m", "material", "wall_mounted"]


def test_shapefile_zip_layout_names_and_accents(client, login_as, download, daix_assets):
    bench, _light = daix_assets
    login_as("asset_manager")
    path = download(f"/inventory/export?commune={DAIX_INSEE}&type=bench&format=shp&crs=2154")
    assert path.suffix == ".zip"
    names = set(zipfile.ZipFile(path).namelist())
    assert names == {f"bench_point.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg")} | {"field_names.csv"}
    meta, _fids, geometry, data = read(f"/vsizip/{path}/bench_point.shp")
    assert meta["crs"] == "EPSG:2154" and meta["encoding"] == "UTF-8" and len(geometry) == 1
    assert all(len(name) <= 10 for name in meta["fields"]) and len(set(meta["fields"])) == len(meta["fields"])
    row = dict(zip(meta["fields"], (column[0] for column in data)))
    assert row["reference"] == bench.reference and row["manufactur"] == MAKER
    table = list(csv.reader(io.TextIOWrapper(zipfile.ZipFile(path).open("field_names.csv"), "utf-8")))
    assert ["bench_point", "commune_na", "commune_name"] in table and ["bench_point", "installed_", "installed_on"] in table


@pytest.fixture()
def circuit(db, settings, editor):
    """A lighting circuit drawn as a line in Daix."""
    start, end = storage_point(settings, *DAIX), storage_point(settings, DAIX[0] + 0.002, DAIX[1] + 0.001)
    return services.create_asset(db, editor, "lighting_circuit", LineString([start.coords[0], end.coords[0]]),
                                 settings.storage_srid, {"circuit_number": 3})


def test_lines_go_to_their_own_shapefile_and_table(client, login_as, download, circuit):
    login_as("asset_manager")
    path = download(f"/inventory/export?commune={DAIX_INSEE}&type=lighting_circuit&format=shp&crs=2154")
    assert "lighting_circuit_line.shp" in zipfile.ZipFile(path).namelist()
    info = pyogrio.read_info(f"/vsizip/{path}/lighting_circuit_line.shp")
    assert info["geometry_type"] in ("LineString", "MultiLineString") and info["features"] == 1
    package = download(f"/inventory/export?commune={DAIX_INSEE}&type=lighting_circuit&format=gpkg&crs=2154")
    layer = pyogrio.read_info(package, layer="lighting_circuit")
    assert layer["geometry_type"] == "MultiLineString" and layer["features"] == 1
    assert layer["fields"][-2:].tolist() == ["circuit_number", "switching"]


def test_geojson_in_wgs84_follows_rfc7946(client, login_as, download, daix_assets):
    bench, _light = daix_assets
    login_as("councillor")  # reading the inventory is enough to export it
    path = download(f"/api/v1/assets/export?commune={DAIX_INSEE}&type=bench&format=geojson")
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in collection and len(collection["features"]) == 1
    feature = collection["features"][0]
    assert feature["properties"]["reference"] == bench.reference and feature["properties"]["manufacturer"] == MAKER
    lon, lat = feature["geometry"]["coordinates"]
    assert abs(lon - DAIX[0]) < 1e-7 and abs(lat - DAIX[1]) < 1e-7


def test_geojson_in_lambert93_carries_its_crs(client, login_as, download, daix_assets, make_asset):
    _bench, light = daix_assets
    lamp = make_asset("luminaire", DAIX, {"lamp_technology": "led", "power_w": 40, "parent_id": light.id})
    login_as("asset_manager")
    path = download(f"/api/v1/assets/export?commune={DAIX_INSEE}&format=geojson&crs=EPSG:2154")
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert collection["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::2154"
    assert pyogrio.read_info(path)["crs"] == "EPSG:2154" and len(collection["features"]) == 3
    # One collection for the three types: the union of their attributes.
    properties = {f["properties"]["reference"]: f["properties"] for f in collection["features"]}
    assert set(properties[lamp.reference]) == set(FIXED) | {"material", "seats", "height_m", "wall_mounted",
                                                             "lamp_technology", "power_w", "colour_temperature_k",
                                                             "serial_number", "last_relamped_on"}
    assert properties[lamp.reference]["parent_reference"] == light.reference
    x, y = collection["features"][0]["geometry"]["coordinates"]
    assert 830_000 < x < 870_000 and 6_680_000 < y < 6_710_000  # metres around Dijon, not degrees


def test_csv_neutralises_formulas_but_keeps_negative_numbers(client, login_as, download, make_asset):
    camera = make_asset("cctv_camera", DAIX, {"mounting_height_m": 4, "direction_deg": -45.5, "field_of_view_deg": 60,
                                              "range_m": 30, "manufacturer": "=HYPERLINK(\"http://evil\")",
                                              "model": "-12"})
    login_as("asset_manager")
    path = download(f"/inventory/export?commune={DAIX_INSEE}&format=csv&crs=4326")
    assert path.name == f"vigie-assets-{local_today()}-epsg4326.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0]["reference"] == camera.reference
    assert rows[0]["manufacturer"] == "'=HYPERLINK(\"http://evil\")" and rows[0]["model"] == "'-12"
    assert rows[0]["direction_deg"] == "-45.5" and rows[0]["mounting_height_m"] == "4"
    assert abs(float(rows[0]["x"]) - DAIX[0]) < 1e-7 and rows[0]["wkt"].startswith("POINT (4.9578")


def test_a_commune_limited_user_never_exports_another_commune(client, login_as, download, make_asset):
    in_dijon = make_asset("bench", DIJON_CENTRE)
    in_talant = make_asset("bench", TALANT)
    login_as("councillor", communes=["21617"])
    path = download("/api/v1/assets/export?type=bench&format=geojson")
    references = {f["properties"]["reference"] for f in json.loads(path.read_text())["features"]}
    assert in_talant.reference in references and in_dijon.reference not in references
    assert {f["properties"]["commune"] for f in json.loads(path.read_text())["features"]} == {"21617"}


def test_an_asset_decommissioned_today_is_exported_as_of_yesterday(db, settings, editor, client, login_as, download,
                                                                   make_asset):
    bench = make_asset("bench", DAIX, {"seats": 3})
    db.execute(text("ALTER TABLE asset_history DISABLE TRIGGER asset_history_append_only"))
    db.execute(text("UPDATE asset_history SET recorded_at = '2020-01-01' WHERE asset_id = :id"), {"id": bench.id})
    db.execute(text("ALTER TABLE asset_history ENABLE TRIGGER asset_history_append_only"))
    services.decommission_asset(db, editor, bench.id, 1, settings.storage_srid, "Removed")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    login_as("asset_manager")
    then = download(f"/inventory/export?commune={DAIX_INSEE}&as_of={yesterday}&format=gpkg&crs=2154")
    assert then.name.endswith(f"-as-of-{yesterday}.gpkg")
    meta, _fids, _geometry, data = read(then, layer="bench")
    row = dict(zip(meta["fields"], (column[0] for column in data)))
    assert (row["reference"], row["status"], row["version"]) == (bench.reference, "in_service", 1)
    today = client.get(f"/inventory/export?commune={DAIX_INSEE}&format=gpkg&crs=2154")
    assert today.status_code == 400 and 'class="form-summary"' in today.get_data(as_text=True)
    gone = download(f"/inventory/export?commune={DAIX_INSEE}&status=decommissioned&format=csv")
    rows = list(csv.DictReader(io.StringIO(gone.read_text(encoding="utf-8-sig"))))
    assert [(r["reference"], r["status"]) for r in rows] == [(bench.reference, "decommissioned")]


def test_the_api_takes_the_list_filters_and_counts_the_same(client, login_as, download, daix_assets, db):
    user = login_as("asset_manager")
    path = download(f"/api/v1/assets/export?commune={DAIX_INSEE}&status=in_service&format=gpkg&crs=3857")
    exported = sum(pyogrio.read_info(path, layer=name)["features"] for name in pyogrio.list_layers(path)[:, 0])
    assert exported == queries.count_asset_features(db, user, AssetFilter(communes=[DAIX_INSEE], statuses=["in_service"])) == 2
    assert pyogrio.read_info(path, layer="bench")["crs"] == "EPSG:3857"


def test_bad_format_and_crs_get_a_400_naming_each_field(client, login_as):
    login_as("asset_manager")
    response = client.get("/api/v1/assets/export?format=kml&crs=9999&bbox=1,2")
    assert response.status_code == 400
    fields = response.json["fields"]
    assert set(fields) == {"format", "crs", "bbox"}
    assert "kml" in fields["format"] and "gpkg" in fields["format"] and "9999" in fields["crs"]
    missing = client.get("/api/v1/assets/export")
    assert missing.status_code == 400 and set(missing.json["fields"]) == {"format"}


def test_bad_input_on_the_page_is_shown_at_its_field(client, login_as):
    login_as("asset_manager")
    page = client.get("/inventory/export?format=kml&crs=2154&as_of=31/12/2020")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert html.count('class="field-error"') == 2 and "kml" in html and "AAAA-MM-JJ" in html  # as_of: in French
    form = client.get(f"/inventory/export?commune={DAIX_INSEE}")
    assert form.status_code == 200 and 'name="commune" value="21223"' in form.get_data(as_text=True)


def test_exports_need_a_login(client):
    assert client.get("/api/v1/assets/export?format=csv").status_code == 401
    assert client.get("/inventory/export?format=csv").status_code == 302


def test_the_list_page_offers_the_export_with_its_filters(client, login_as):
    login_as("councillor")
    html = client.get(f"/inventory?commune={DAIX_INSEE}&status=faulty").get_data(as_text=True)
    assert 'data-testid="export-form"' in html
    assert 'name="commune" value="21223"' in html and 'name="status" value="faulty"' in html
    assert '<option value="2154" selected>' in html


def test_the_api_export_keeps_only_the_assets_of_the_bbox(client, login_as, download, daix_assets):
    bench, light = daix_assets  # 0.001° (~75 m) apart, east-west
    login_as("asset_manager")
    x0, y0 = DAIX[0] - 0.0003, DAIX[1] - 0.0003
    x1, y1 = DAIX[0] + 0.0003, DAIX[1] + 0.0003
    path = download(f"/api/v1/assets/export?format=geojson&crs=4326&bbox={x0},{y0},{x1},{y1}")
    meta, _fids, _geometry, data = read(path, return_fids=True)
    references = list(data[list(meta["fields"]).index("reference")])
    assert references == [bench.reference] and light.reference not in references
