"""The pure writer (gis/export_formats): files GDAL reads back, Shapefile names, CSV cells."""
from __future__ import annotations

import csv
import io
import zipfile

import pyogrio
import pytest
import shapely
from pyogrio.raw import read

from gis.export_formats import Batch, Field, Layer, shapefile_field_names, write_export

FIELDS = (Field("reference", "text"), Field("height_m", "decimal"), Field("seats", "integer"),
          Field("wall_mounted", "boolean"), Field("installed_on", "date"), Field("colour_temperature_k", "integer"))


def _layer(name: str, rows: list[tuple], kind: str | None = "point") -> Layer:
    points = [shapely.to_wkb(shapely.Point(850000 + i, 6690000 + i)) for i in range(len(rows))]
    return Layer(name, kind, FIELDS, [Batch(points[:1], rows[:1]), Batch(points[1:], rows[1:])], title=name.title())


ROWS = [("BA-é", 1.5, 4, True, "2020-01-02", 3000), ("=cmd", None, None, None, None, -5)]


def test_shapefile_names_are_cut_to_ten_characters_without_collisions():
    names = shapefile_field_names(["installed_on", "installed_by", "installed_at", "reference", "Installed_o"])
    assert names == {"installed_on": "installed_", "installed_by": "installe_1", "installed_at": "installe_2",
                     "reference": "reference", "Installed_o": "Installe_3"}
    assert all(len(short) <= 10 for short in names.values())


def test_geopackage_holds_typed_layers(tmp_path):
    path = tmp_path / "out.gpkg"
    write_export("gpkg", path, 2154, iter([_layer("bench", ROWS), _layer("tree", ROWS[:1])]), csv_cell=str)
    assert sorted(pyogrio.list_layers(path)[:, 0]) == ["bench", "tree"]
    info = pyogrio.read_info(path, layer="bench")
    assert info["crs"] == "EPSG:2154" and info["features"] == 2
    assert list(info["fields"]) == [f.name for f in FIELDS]
    assert list(info["dtypes"]) == ["object", "float64", "int64", "bool", "datetime64[D]", "int64"]
    assert info["layer_metadata"] == {"IDENTIFIER": "Bench"}


def test_shapefile_zip_has_one_set_of_files_per_layer_and_the_full_names(tmp_path):
    path = tmp_path / "out.zip"
    write_export("shp", path, 3947, [_layer("bench_point", ROWS)], csv_cell=str)
    names = set(zipfile.ZipFile(path).namelist())
    assert names == {f"bench_point.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg")} | {"field_names.csv"}
    table = list(csv.reader(io.TextIOWrapper(zipfile.ZipFile(path).open("field_names.csv"), "utf-8")))
    assert table == [["layer", "field", "name"], ["bench_point", "wall_mount", "wall_mounted"],
                     ["bench_point", "installed_", "installed_on"], ["bench_point", "colour_tem", "colour_temperature_k"]]
    meta, _fids, _geometry, data = read(f"/vsizip/{path}/bench_point.shp")
    assert meta["crs"] == "EPSG:3947" and meta["encoding"] == "UTF-8"
    assert list(data[0]) == ["BA-é", "=cmd"]  # the writer leaves cells alone: neutralising is for CSV


def test_csv_writes_numbers_as_numbers_and_text_through_the_cell_function(tmp_path):
    path = tmp_path / "out.csv"
    write_export("csv", path, 4326, [_layer("assets", ROWS, kind=None)], csv_cell=lambda v: f"<{v}>")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [f.name for f in FIELDS] + ["x", "y", "wkt"]
    assert rows[1][:6] == ["<BA-é>", "1.5", "4", "true", "2020-01-02", "3000"]
    assert rows[2][:6] == ["<=cmd>", "", "", "", "", "-5"]
    assert rows[1][6:] == ["850000", "6690000", "POINT (850000 6690000)"]


def test_an_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError):
        write_export("kml", tmp_path / "out.kml", 4326, [], csv_cell=str)
