"""CSV (X/Y with decimal commas, WKT, legacy encoding), GeoPackage layers, CRS mistakes."""
from __future__ import annotations

import json

import numpy as np
import pyogrio
import pytest
import shapely
from pyproj import Transformer
from sqlalchemy import text


def _stored_lonlat(db, import_id: int) -> list[tuple[float, float]]:
    return db.execute(text(
        "SELECT ST_X(ST_Transform(geom, 4326)), ST_Y(ST_Transform(geom, 4326)) FROM import_rows "
        "WHERE import_id = :id AND geom IS NOT NULL ORDER BY row_number"), {"id": import_id}).all()


def test_csv_with_lonlat_columns_decimal_commas_and_a_legacy_encoding(db, upload, configure, run_step):
    content = "nom;longitude;latitude;places\nBanc de l'Été;5,0415;47,3220;3\nBanc Zola;5.0420;47.3225;2\n"
    imp = upload("bancs.csv", content.encode("cp1252"))
    assert imp.settings["csv"] == {"x": "longitude", "y": "latitude", "wkt": None}
    configure(imp, {"crs": "EPSG:4326", "asset_type": "bench", "csv_x": "longitude", "csv_y": "latitude",
                    "map.external_ref": "nom", "map.attributes.seats": "places"})
    run_step(imp, "validate")
    assert imp.counts["create"] == 2, imp.counts
    rows = db.execute(text("SELECT core->>'external_ref', attributes->>'seats' FROM import_rows WHERE import_id = :id "
                           "ORDER BY row_number"), {"id": imp.id}).all()
    assert rows[0] == ("Banc de l'Été", "3")
    lon, lat = _stored_lonlat(db, imp.id)[0]
    assert (lon, lat) == (pytest.approx(5.0415, abs=1e-7), pytest.approx(47.322, abs=1e-7))


def test_csv_with_a_wkt_column(db, upload, configure, run_step):
    imp = upload("bancs.csv", b'nom,wkt\n"Banc A","POINT (5.0415 47.322)"\n"Banc B","POINT (5.043 47.323)"\n')
    assert imp.settings["csv"]["wkt"] == "wkt"
    configure(imp, {"crs": "EPSG:4326", "asset_type": "bench", "csv_wkt": "wkt", "map.external_ref": "nom"})
    run_step(imp, "validate")
    assert imp.counts["create"] == 2


def test_csv_without_geometry_columns_is_refused_at_the_column_fields(db, upload, configure):
    from app.errors import ValidationFailed

    imp = upload("bancs.csv", b"nom,places\nA,2\n")
    with pytest.raises(ValidationFailed) as refused:
        configure(imp, {"crs": "EPSG:4326", "asset_type": "bench", "map.external_ref": "nom"})
    assert "csv_x" in refused.value.field_errors


def test_a_geopackage_layer_is_chosen_and_lambert93_read(db, upload, configure, run_step, tmp_path):
    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True)
    path = tmp_path / "mobilier.gpkg"
    for layer, lon in (("bancs", 5.0415), ("corbeilles", 5.0430)):
        x, y = to_l93.transform([lon, lon + 0.001], [47.322, 47.322])
        pyogrio.raw.write(path, shapely.to_wkb(shapely.points(x, y)), [np.array(["a", "b"], dtype=object)], ["nom"],
                          layer=layer, geometry_type="Point", crs="EPSG:2154", driver="GPKG")
    imp = upload("mobilier.gpkg", path)
    assert [layer["name"] for layer in imp.layers] == ["bancs", "corbeilles"]
    configure(imp, {"layer": "corbeilles", "crs": "file", "asset_type": "litter_bin", "map.external_ref": "nom"})
    run_step(imp, "validate")
    assert imp.counts["create"] == 2
    assert _stored_lonlat(db, imp.id)[0][0] == pytest.approx(5.0430, abs=1e-7)


def _points_geojson(coordinates: list[tuple[float, float]], crs: str | None = None) -> bytes:
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(c)}, "properties": {"n": str(i)}}
        for i, c in enumerate(coordinates)]}
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(document).encode()


def test_swapped_latitude_and_longitude_are_diagnosed_and_can_be_swapped_back(db, upload, configure, run_step):
    imp = upload("inverses.geojson", _points_geojson([(47.3220, 5.0415), (47.3225, 5.0420)]))
    assert imp.settings["diagnosis"]["problem"] == "axes_swapped"
    configure(imp, {"crs": "file", "asset_type": "bench", "map.external_ref": "n"})
    run_step(imp, "validate")
    assert imp.counts["error"] == 2  # outside the métropole as given
    configure(imp, {"crs": "file", "asset_type": "bench", "map.external_ref": "n", "swap_axes": "1"})
    run_step(imp, "validate")
    assert imp.counts["create"] == 2
    assert _stored_lonlat(db, imp.id)[0][0] == pytest.approx(5.0415, abs=1e-7)


def test_lambert93_numbers_claimed_as_degrees_are_diagnosed(db, upload):
    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(5.0415, 47.322)
    imp = upload("l93.geojson", _points_geojson([(x, y)], crs="urn:ogc:def:crs:OGC:1.3:CRS84"))
    assert imp.settings["diagnosis"]["problem"] == "metres_as_degrees"
    assert imp.settings["diagnosis"]["suggested"] == 2154


def test_a_file_without_crs_gets_a_suggestion(db, upload, tmp_path):
    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform([5.0415], [47.322])
    folder = tmp_path / "shp"
    folder.mkdir()
    with pytest.warns(UserWarning, match="crs"):  # exactly the file we want: no .prj
        pyogrio.raw.write(folder / "bancs.shp", shapely.to_wkb(shapely.points(x, y)), [np.array(["a"], dtype=object)],
                          ["nom"], geometry_type="Point", driver="ESRI Shapefile")
    import zipfile

    archive = tmp_path / "bancs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
    imp = upload("bancs.zip", archive)
    assert imp.layers[0]["crs_wkt"] is None
    assert imp.settings["diagnosis"] == {"label": None, "problem": "no_crs", "suggested": 2154}
    assert imp.settings["crs"] == "EPSG:2154"


def test_a_zip_of_several_shapefiles_offers_each_as_a_layer(db, upload, configure, run_step, tmp_path):
    import zipfile

    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True)
    folder = tmp_path / "export"
    folder.mkdir()
    for name, lon in (("bench_point", 5.0415), ("litter_bin_point", 5.0430)):
        x, y = to_l93.transform([lon], [47.322])
        pyogrio.raw.write(folder / f"{name}.shp", shapely.to_wkb(shapely.points(x, y)), [np.array(["a"], dtype=object)],
                          ["nom"], geometry_type="Point", crs="EPSG:2154", driver="ESRI Shapefile")
    archive = tmp_path / "vigie-assets.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
    imp = upload("vigie-assets.zip", archive)
    assert sorted(layer["name"] for layer in imp.layers) == ["bench_point", "litter_bin_point"]
    configure(imp, {"layer": "litter_bin_point", "crs": "file", "asset_type": "litter_bin", "map.external_ref": "nom"})
    run_step(imp, "validate")
    assert imp.counts["create"] == 1
    assert _stored_lonlat(db, imp.id)[0][0] == pytest.approx(5.0430, abs=1e-7)
