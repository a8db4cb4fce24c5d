"""The Montpellier open-data shapefiles, imported through the real steps: every feature
arrives, at the right place, with its accents."""
from __future__ import annotations

import pytest
from pyogrio.raw import read
from sqlalchemy import text

from gis.sources import unpack_shapefile

from tests.imports.conftest import DATA


def _assets_of(db, import_id: int) -> list[dict]:
    return [dict(r) for r in db.execute(text(
        "SELECT a.reference, a.external_ref, a.attributes, a.status, c.insee, "
        "ST_X(ST_Transform(a.geom, 4326)) AS lon, ST_Y(ST_Transform(a.geom, 4326)) AS lat "
        "FROM asset_history h JOIN assets a ON a.id = h.asset_id JOIN communes c ON c.id = a.commune_id "
        "WHERE h.import_id = :id AND h.change = 'created' ORDER BY a.external_ref::int"), {"id": import_id}).mappings()]


def test_defibrillators_all_arrive_at_their_own_coordinates(db, montpellier, upload, configure, run_step, tmp_path):
    imp = upload("defibrillateurs.zip", DATA / "defibrillateurs.zip")
    layer = imp.layers[0]
    assert layer["feature_count"] == 167
    assert "Nom" in layer["fields"]
    assert imp.settings["diagnosis"]["label"].startswith("EPSG:2154")  # IGNF WKT recognised as Lambert-93
    configure(imp, {"crs": "file", "asset_type": "defibrillator", "map.external_ref": "Id",
                    "map.attributes.location_detail": "Nom"})
    run_step(imp, "validate")
    assert imp.counts["create"] == 167 and imp.counts["error"] == 0, imp.counts
    imp.status = "committing"
    run_step(imp, "commit")
    assert imp.status == "committed"
    assets = _assets_of(db, imp.id)
    assert len(assets) == 167
    by_id = {a["external_ref"]: a for a in assets}
    assert by_id["1"]["attributes"]["location_detail"] == "Maison de la Prévention Santé"
    assert by_id["2"]["attributes"]["location_detail"] == "Hôtel de Ville"
    assert {a["insee"] for a in assets} == {"34172"}
    assert all(a["reference"].startswith("DAE-34172-") for a in assets)
    # The file carries each point's WGS84 coordinates as text attributes: compare.
    shp = next(unpack_shapefile(DATA / "defibrillateurs.zip", tmp_path / "check").glob("*.shp"))
    _, _, _, (ids, _, _, _, xs, ys) = read(shp)
    for fid, x, y in list(zip(ids, xs, ys))[:20]:
        asset = by_id[str(fid)]
        assert asset["lon"] == pytest.approx(float(x.replace(",", ".")), abs=2e-5)
        assert asset["lat"] == pytest.approx(float(y.replace(",", ".")), abs=2e-5)


def test_fountains_in_geographic_rgf93_with_an_accented_field_name(db, montpellier, upload, configure, run_step):
    imp = upload("fontaines.zip", DATA / "fontaines.zip")
    layer = imp.layers[0]
    assert layer["feature_count"] == 48 and "CatÉgorie" in layer["fields"]
    assert imp.settings["diagnosis"]["label"].startswith("EPSG:4171") and imp.settings["diagnosis"]["problem"] is None
    configure(imp, {"crs": "file", "asset_type": "fountain", "map.external_ref": "Dossier",
                    "const.attributes.drinking_water": "true"})
    run_step(imp, "validate")
    assert imp.counts["create"] == 48 and imp.counts["error"] == 0, imp.counts
    imp.status = "committing"
    run_step(imp, "commit")
    # Square Théophraste Renaudot: 3.87576, 43.615 in the file's own longitude/latitude.
    lon, lat = db.execute(text(
        "SELECT ST_X(ST_Transform(a.geom, 4171)), ST_Y(ST_Transform(a.geom, 4171)) FROM assets a "
        "JOIN asset_history h ON h.asset_id = a.id WHERE h.import_id = :id AND a.external_ref = '1056'"),
        {"id": imp.id}).one()
    assert (lon, lat) == (pytest.approx(3.87576, abs=1e-7), pytest.approx(43.615, abs=1e-7))


def test_parking_meters_keep_their_accents(db, montpellier, upload, configure, run_step):
    imp = upload("horodateurs-2011.zip", DATA / "horodateurs-2011.zip")
    assert imp.layers[0]["feature_count"] == 823
    form = {"crs": "file", "asset_type": "parking_meter", "map.external_ref": "NUMERO",
            "map.attributes.tariff_zone": "ADRESSE", "map.installed_on": "F05_DATE"}
    configure(imp, form)
    run_step(imp, "validate")
    # 86 meters share the number "0" (a placeholder in the source): all but the first are refused.
    assert imp.counts["error"] == 85, imp.counts
    assert _first_errors(db, imp.id)[0][1]["reference"] == ["The same reference as row %(row)s.", {"row": 738}]
    del form["map.external_ref"]
    configure(imp, form)
    run_step(imp, "validate")
    assert imp.counts["error"] == 0 and imp.counts["create"] == 823, (imp.counts, _first_errors(db, imp.id))
    imp.status = "committing"
    run_step(imp, "commit")
    zones = set(db.execute(text(
        "SELECT a.attributes->>'tariff_zone' FROM assets a JOIN asset_history h ON h.asset_id = a.id "
        "WHERE h.import_id = :id"), {"id": imp.id}).scalars())
    assert len(zones) > 100 and any(ch in "".join(z for z in zones if z) for ch in "éèàç"), sorted(zones, key=str)[:20]
    first, last = db.execute(text("SELECT min(a.installed_on), max(a.installed_on) FROM assets a JOIN asset_history h "
                                  "ON h.asset_id = a.id WHERE h.import_id = :id"), {"id": imp.id}).one()
    assert first.year >= 2000 and last.year <= 2012  # "26/05/2010 13:45" read as a French date


def test_the_street_network_arrives_as_road_segments(db, montpellier, upload, configure, run_step):
    imp = upload("filaire-voies.zip", DATA / "filaire-voies.zip")
    assert imp.layers[0]["feature_count"] == 8011 and imp.layers[0]["geometry_type"] == "LineString"
    form = {"crs": "file", "asset_type": "road_segment", "map.external_ref": "IDARC", "map.attributes.name": "LIB_OFF",
            "map.attributes.one_way": "SENS_CIRCU", "map.attributes.ownership": "DOMANIALIT"}
    configure(imp, form)
    run_step(imp, "validate")
    unmapped = imp.counts["unmapped"]
    assert "SENS UNIQUE" in unmapped["attributes.one_way"], unmapped
    one_way = {"SENS UNIQUE": "true"} | {v: "false" for v in unmapped["attributes.one_way"] if v != "SENS UNIQUE"}
    ownership = {v: ("private" if "PRIV" in v.upper() else "public") for v in unmapped.get("attributes.ownership", {})}
    for target, pairs in (("attributes.one_way", one_way), ("attributes.ownership", ownership)):
        for n, (source, value) in enumerate(pairs.items()):
            form[f"values.{target}.{n}.from"], form[f"values.{target}.{n}.to"] = source, value
    configure(imp, form)
    run_step(imp, "validate")
    assert imp.counts["error"] == 0 and imp.counts["create"] == 8011, (imp.counts, _first_errors(db, imp.id))
    imp.status = "committing"
    run_step(imp, "commit")
    row = db.execute(text(
        "SELECT count(*) AS n, count(*) FILTER (WHERE (a.attributes->>'one_way')::boolean) AS one_way, "
        "round(sum(ST_Length(a.geom))) AS metres FROM assets a JOIN asset_history h ON h.asset_id = a.id "
        "WHERE h.import_id = :id"), {"id": imp.id}).mappings().one()
    assert row["n"] == 8011 and 0 < row["one_way"] < 8011
    names = db.execute(text("SELECT a.attributes->>'name' FROM assets a JOIN asset_history h ON h.asset_id = a.id "
                            "WHERE h.import_id = :id AND a.external_ref = '293'"), {"id": imp.id}).scalar_one()
    assert names == "Place de la Célette"


def _first_errors(db, import_id: int) -> list:
    return db.execute(text("SELECT row_number, messages FROM import_rows WHERE import_id = :id AND action = 'error' "
                           "ORDER BY row_number LIMIT 5"), {"id": import_id}).all()
