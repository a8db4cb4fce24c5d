"""Writing vector exports: GeoPackage, zipped Shapefile, GeoJSON and CSV, batch by batch.

Pure library (pyogrio/GDAL, pyarrow, shapely): no ``app`` and no flask. The caller gives
the target CRS, the layers (a name, a geometry kind, typed fields) and, per layer, an
iterable of batches (WKB geometries already in the target CRS + rows of values in field
order). Each layer is one Arrow stream written through one open GDAL dataset, so only
one batch is in memory at a time; appending batch by batch with ``pyogrio.raw.write``
reopens the file at each call (GeoJSON: re-reads it whole, measured 4 to 6 times slower).
"""
from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import shapely
from pyogrio.raw import write_arrow
from pyproj import CRS

FIELD_KINDS = ("text", "integer", "decimal", "boolean", "date")
_ARROW_TYPES = {"text": pa.string(), "integer": pa.int64(), "decimal": pa.float64(),
                "boolean": pa.bool_(), "date": pa.date32()}
# A layer's declared geometry type per kind: lines and polygons as Multi*, which also
# hold the single ones (the caller sends ST_Multi geometries for the layered formats).
LAYER_GEOMETRY_TYPES = {"point": "Point", "line": "MultiLineString", "polygon": "MultiPolygon", None: "Unknown"}
SHAPEFILE_NAME_LENGTH = 10
FIELD_NAMES_FILE = "field_names.csv"


@dataclass(frozen=True)
class Field:
    """One typed column of an export."""

    name: str
    kind: str  # one of FIELD_KINDS


@dataclass(frozen=True)
class Batch:
    """Some features of one layer: WKB geometries and their rows (values in field order)."""

    wkb: list[bytes]
    rows: list[tuple]


@dataclass(frozen=True)
class Layer:
    """One layer to write; ``batches`` is consumed once, while writing."""

    name: str
    geometry_kind: str | None  # point, line, polygon; None when mixed (GeoJSON, CSV)
    fields: tuple[Field, ...]
    batches: Iterable[Batch]
    title: str = ""  # a human name (GeoPackage identifier)


@dataclass(frozen=True)
class Format:
    """An export format: its file extension, media type and whether it holds several layers."""

    code: str
    extension: str
    media_type: str
    layered: bool


FORMATS = {
    "gpkg": Format("gpkg", "gpkg", "application/geopackage+sqlite3", True),
    "shp": Format("shp", "zip", "application/zip", True),
    "geojson": Format("geojson", "geojson", "application/geo+json", False),
    "csv": Format("csv", "csv", "text/csv", False),
}


def write_export(fmt: str, path: Path, srid: int, layers: Iterable[Layer], *,
                 csv_cell: Callable[[object], str]) -> None:
    """Write ``layers`` to ``path`` in format ``fmt`` (a key of FORMATS).

    GeoJSON and CSV take exactly one layer; ``csv_cell`` makes a text cell safe for
    spreadsheets (formula neutralisation is the caller's policy).
    """
    if fmt == "gpkg":
        write_geopackage(path, srid, layers)
    elif fmt == "shp":
        write_shapefile_zip(path, srid, layers)
    elif fmt == "geojson":
        (layer,) = layers
        write_geojson(path, srid, layer)
    elif fmt == "csv":
        (layer,) = layers
        write_csv(path, srid, layer, cell=csv_cell)
    else:
        raise ValueError(f"unknown export format {fmt!r}")


def write_geopackage(path: Path, srid: int, layers: Iterable[Layer]) -> None:
    """One GeoPackage, one table per layer."""
    for index, layer in enumerate(layers):
        options = {"IDENTIFIER": layer.title} if layer.title else None
        _write_layer(path, "GPKG", srid, layer, append=index > 0, layer_options=options)


def write_shapefile_zip(path: Path, srid: int, layers: Iterable[Layer]) -> None:
    """A zip of one Shapefile per layer (UTF-8, with its .cpg), plus the field-name table.

    DBF field names hold 10 characters: ``field_names.csv`` (layer, field, name) gives the
    full name of every shortened one, so that a re-import restores them.
    """
    directory = path.parent / (path.stem + "-shp")
    directory.mkdir()
    renamed: list[tuple[str, str, str]] = []
    for layer in layers:
        short = shapefile_field_names([f.name for f in layer.fields])
        renamed += [(layer.name, short[f.name], f.name) for f in layer.fields if short[f.name] != f.name]
        _write_layer(directory / f"{layer.name}.shp", "ESRI Shapefile", srid, layer, names=short, encoding="UTF-8")
    with open(directory / FIELD_NAMES_FILE, "w", encoding="utf-8", newline="") as table:
        csv.writer(table).writerows([("layer", "field", "name"), *renamed])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(directory.iterdir()):
            archive.write(file, file.name)


def write_geojson(path: Path, srid: int, layer: Layer) -> None:
    """One FeatureCollection. In WGS 84 it follows RFC 7946; in any other CRS it carries
    the (GeoJSON 2008) ``crs`` member GDAL writes, which QGIS and GDAL read."""
    if srid == 4326:
        options = {"RFC7946": "YES"}
    else:
        options = {"COORDINATE_PRECISION": str(coordinate_precision(srid))}
    _write_layer(path, "GeoJSON", srid, layer, layer_options=options)


def write_csv(path: Path, srid: int, layer: Layer, *, cell: Callable[[object], str]) -> None:
    """One CSV, UTF-8 with a BOM (spreadsheets then read accents right), comma-separated:
    the fields, then ``x``/``y`` (the point, or the centroid of a line or polygon) and
    ``wkt``. Text cells go through ``cell``; numbers are written as numbers."""
    precision = coordinate_precision(srid)
    formatters = [_csv_formatter(field.kind, cell) for field in layer.fields]
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([f.name for f in layer.fields] + ["x", "y", "wkt"])
        for batch in layer.batches:
            geometries = shapely.from_wkb(batch.wkb)
            centroids = shapely.centroid(geometries)
            xs = shapely.get_x(centroids).round(precision)
            ys = shapely.get_y(centroids).round(precision)
            wkts = shapely.to_wkt(geometries, rounding_precision=precision, trim=True)
            for row, x, y, wkt in zip(batch.rows, xs, ys, wkts):
                writer.writerow([("" if value is None else fmt(value)) for fmt, value in zip(formatters, row)]
                                + [_number(x), _number(y), wkt])


def shapefile_field_names(names: list[str]) -> dict[str, str]:
    """Each name cut to 10 characters, made unique with a numbered suffix (``name_1``…)."""
    taken: set[str] = set()
    short: dict[str, str] = {}
    for name in names:
        candidate = name[:SHAPEFILE_NAME_LENGTH]
        number = 0
        while candidate.lower() in taken:  # DBF names are case-insensitive
            number += 1
            suffix = f"_{number}"
            candidate = name[:SHAPEFILE_NAME_LENGTH - len(suffix)] + suffix
        taken.add(candidate.lower())
        short[name] = candidate
    return short


def coordinate_precision(srid: int) -> int:
    """Decimals kept in text formats: 7 in degrees (about 1 cm), 3 in metres (1 mm)."""
    return 7 if CRS.from_epsg(srid).is_geographic else 3


def _write_layer(path: Path, driver: str, srid: int, layer: Layer, *, append: bool = False,
                 layer_options: dict | None = None, names: dict[str, str] | None = None,
                 encoding: str | None = None) -> None:
    """Stream one layer into ``path`` through a single open GDAL dataset."""
    names = names or {}
    schema = pa.schema([(names.get(f.name, f.name), _ARROW_TYPES[f.kind]) for f in layer.fields]
                       + [("geometry", pa.binary())])
    reader = pa.RecordBatchReader.from_batches(schema, _record_batches(schema, layer))
    write_arrow(reader, str(path), layer=layer.name, driver=driver, geometry_name="geometry",
                geometry_type=LAYER_GEOMETRY_TYPES[layer.geometry_kind], crs=f"EPSG:{srid}",
                append=append, layer_options=layer_options, encoding=encoding)


def _record_batches(schema: pa.Schema, layer: Layer) -> Iterator[pa.RecordBatch]:
    """The layer's batches as Arrow record batches, column by column."""
    for batch in layer.batches:
        if not batch.rows:
            continue
        columns = list(zip(*batch.rows))
        arrays = [pa.array([_arrow_value(field.kind, v) for v in column], type=_ARROW_TYPES[field.kind])
                  for field, column in zip(layer.fields, columns)]
        yield pa.record_batch(arrays + [pa.array(batch.wkb, type=pa.binary())], schema=schema)


def _arrow_value(kind: str, value: object) -> object:
    """A value as Arrow takes it for ``kind`` (dates may come as ISO text, e.g. from JSON)."""
    if value is None:
        return None
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if kind == "text" and not isinstance(value, str):
        return _text(value)
    return value


def _csv_formatter(kind: str, cell: Callable[[object], str]) -> Callable[[object], str]:
    """How a non-null value of ``kind`` is written in a CSV cell."""
    if kind in ("integer", "decimal"):
        return _number
    if kind == "boolean":
        return lambda value: "true" if value else "false"
    if kind == "date":
        return lambda value: str(value)[:10]
    return lambda value: cell(_text(value))


def _number(value: object) -> str:
    """A number as text, integral floats without their ``.0`` (coordinates, counts)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(value: object) -> str:
    """A value of a column typed as text (kinds merged across types) in JSON spelling."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
