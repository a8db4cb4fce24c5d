"""Reading inventory files: safe unpacking of uploads, layer description, streamed batches.

Everything GDAL reads goes through pyogrio; features come out in Arrow batches, so a
file of a million features is never held in memory. Problems are raised as
``SourceError(code, **details)``: the application turns the code into a sentence in
the user's language.
"""
from __future__ import annotations

import codecs
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterator

import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

FORMATS = {".zip": "shapefile", ".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson",
           ".geojsonl": "geojsonseq", ".geojsons": "geojsonseq", ".csv": "csv"}
SHAPEFILE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml"}


@dataclass(frozen=True)
class UnpackLimits:
    """Bounds on what an uploaded zip may expand to (zip bombs, odd archives)."""

    max_total_bytes: int = 2 * 1024**3
    max_members: int = 200
    max_ratio: int = 200  # uncompressed / compressed, per member


class SourceError(Exception):
    """A file that cannot be read as an inventory; ``code`` names the reason."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(f"{code}: {details}")
        self.code = code
        self.details = details


@dataclass(frozen=True)
class CsvGeometry:
    """Which CSV columns hold the geometry: x + y, or one WKT column."""

    x: str | None = None
    y: str | None = None
    wkt: str | None = None

    def open_options(self) -> dict[str, str]:
        """GDAL CSV open options that build the geometry from these columns."""
        if self.wkt:
            return {"GEOM_POSSIBLE_NAMES": self.wkt, "KEEP_GEOM_COLUMNS": "NO"}
        if self.x and self.y:
            return {"X_POSSIBLE_NAMES": self.x, "Y_POSSIBLE_NAMES": self.y, "KEEP_GEOM_COLUMNS": "NO"}
        return {}


@dataclass(frozen=True)
class LayerInfo:
    """What a layer holds: CRS (WKT or None), geometry type, fields, count, bounds."""

    name: str
    crs_wkt: str | None
    geometry_type: str | None
    fields: tuple[str, ...]
    field_types: tuple[str, ...]
    feature_count: int
    bounds: tuple[float, float, float, float] | None
    samples: dict[str, list[str]] = field(default_factory=dict)


def source_format(filename: str) -> str:
    """The format of an upload from its name; SourceError for anything else."""
    suffix = Path(filename).suffix.lower()
    if suffix not in FORMATS:
        raise SourceError("unsupported_format", suffix=suffix or filename)
    return FORMATS[suffix]


def unpack_shapefile(archive: Path, destination: Path, limits: UnpackLimits = UnpackLimits()) -> Path:
    """Extract the shapefiles of a zip into ``destination`` and return that folder (GDAL
    opens it as one dataset, a layer per shapefile).

    Member names are checked (no absolute paths, no ``..``), decoded from the legacy
    code page when the zip does not flag them UTF-8, and written under safe names; the
    total and per-member sizes are bounded before anything is extracted.
    """
    try:
        with zipfile.ZipFile(archive) as zf:
            members = _checked_members(zf, limits)
            stems = [name[:-4] for name, _ in members if name.lower().endswith(".shp")]
            if not stems:
                raise SourceError("zip_without_shp")
            destination.mkdir(parents=True, exist_ok=True)
            safe = _safe_names(stems)
            for name, info in members:
                part = next(((stem, suffix) for stem in stems if (suffix := _shapefile_suffix(name, stem))), None)
                if part is None:
                    continue
                with zf.open(info) as source, open(destination / f"{safe[part[0]]}{part[1]}", "wb") as target:
                    _copy_bounded(source, target, info.file_size)
    except zipfile.BadZipFile:
        raise SourceError("corrupt_zip") from None
    return destination


def _safe_names(stems: list[str]) -> dict[str, str]:
    """Each shapefile's name as plain ASCII, unique: it becomes the layer's name."""
    names: dict[str, str] = {}
    for stem in stems:
        plain = unicodedata.normalize("NFKD", PurePosixPath(stem).name).encode("ascii", "ignore").decode()
        base = "".join(c if c.isalnum() else "_" for c in plain).strip("_") or "layer"
        name, n = base, 1
        while name in names.values():
            n += 1
            name = f"{base}_{n}"
        names[stem] = name
    return names


def _checked_members(zf: zipfile.ZipFile, limits: UnpackLimits) -> list[tuple[str, zipfile.ZipInfo]]:
    infos = [info for info in zf.infolist() if not info.is_dir()]
    if len(infos) > limits.max_members:
        raise SourceError("zip_too_many_members", count=len(infos))
    total = 0
    members = []
    for info in infos:
        name = _member_name(info)
        path = PurePosixPath(name.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or ":" in path.parts[0]:
            raise SourceError("zip_unsafe_path", name=name)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise SourceError("zip_too_large", limit_mb=limits.max_total_bytes // 1024**2)
        if info.compress_size and info.file_size / info.compress_size > limits.max_ratio and info.file_size > 10 * 1024**2:
            raise SourceError("zip_bomb", name=name)
        members.append((str(path), info))
    return members


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name: zips from Windows tools store cp850/cp1252 bytes unflagged."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "cp850", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _shapefile_suffix(name: str, stem: str) -> str | None:
    """``.dbf`` etc. for a part of the chosen shapefile, else None (other files are skipped)."""
    lower = name.lower()
    if not lower.startswith(stem.lower() + "."):
        return None
    suffix = "." + lower[len(stem) + 1:]
    return suffix if suffix in SHAPEFILE_PARTS or suffix == ".shp.xml" else None


def _copy_bounded(source, target, declared_size: int) -> None:
    """Copy, refusing a member that expands beyond its declared size (a lying header)."""
    written = 0
    while chunk := source.read(1024 * 1024):
        written += len(chunk)
        if written > declared_size:
            raise SourceError("zip_bomb", name="?")
        target.write(chunk)


def list_layers(path: Path) -> list[str]:
    """The layer names of a dataset (one for most formats, several in a GeoPackage)."""
    try:
        return [str(name) for name, _ in pyogrio.list_layers(path)]
    except (DataSourceError, DataLayerError, OSError) as error:
        raise SourceError("unreadable", reason=_gdal_reason(error)) from None


def text_encoding(path: Path) -> str:
    """``utf-8`` when the whole file decodes as UTF-8, else ``cp1252`` (Excel's French CSVs)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def to_utf8(path: Path, encoding: str) -> None:
    """Rewrite a text file in UTF-8, streaming (GDAL's Arrow reader only reads UTF-8)."""
    converted = path.with_suffix(path.suffix + ".utf8")
    with open(path, encoding=encoding, errors="replace", newline="") as source, \
            open(converted, "w", encoding="utf-8", newline="") as out:
        while chunk := source.read(1024 * 1024):
            out.write(chunk)
    converted.replace(path)


def describe_layer(path: Path, layer: str | None, csv: CsvGeometry | None = None, sample_rows: int = 20) -> LayerInfo:
    """Describe one layer without reading all of it: fields, a few sample values, CRS."""
    options = csv.open_options() if csv else {}
    try:
        info = pyogrio.read_info(path, layer=layer, force_feature_count=True, **options)
        batch = next(iter(read_batches(path, layer, csv, batch_size=sample_rows)), None)
    except (DataSourceError, DataLayerError, OSError) as error:
        raise SourceError("unreadable", reason=_gdal_reason(error)) from None
    samples = {name: _distinct_text(values) for name, values in (batch.columns.items() if batch else [])}
    bounds = info.get("total_bounds")
    return LayerInfo(
        name=str(info.get("layer_name") or layer or ""), crs_wkt=info.get("crs"),
        geometry_type=info.get("geometry_type"), fields=tuple(str(f) for f in info["fields"]),
        field_types=tuple(str(t) for t in info["dtypes"]), feature_count=int(info["features"]),
        bounds=tuple(float(b) for b in bounds) if bounds is not None and len(bounds) == 4 else None,
        samples=samples,
    )


@dataclass
class Batch:
    """Consecutive features: 1-based row numbers, WKB geometries (None when missing), columns."""

    first_row: int
    wkb: list[bytes | None]
    columns: dict[str, list]

    def __len__(self) -> int:
        return len(self.wkb)


def read_batches(path: Path, layer: str | None, csv: CsvGeometry | None = None,
                 batch_size: int = 10_000, columns: list[str] | None = None) -> Iterator[Batch]:
    """Stream the layer's features in batches of ``batch_size`` (Arrow under the hood)."""
    options = csv.open_options() if csv else {}
    row = 1
    try:
        with pyogrio.raw.open_arrow(path, layer=layer, batch_size=batch_size, columns=columns,
                                    use_pyarrow=True, **options) as (meta, reader):
            geometry_name = meta.get("geometry_name") or "wkb_geometry"
            for record_batch in reader:
                data = record_batch.to_pydict()
                wkb = data.pop(geometry_name, None) or [None] * record_batch.num_rows
                yield Batch(row, wkb, data)
                row += record_batch.num_rows
    except (DataSourceError, DataLayerError) as error:
        raise SourceError("unreadable_at", row=row, reason=_gdal_reason(error)) from None
    except (OSError, ValueError, RuntimeError) as error:
        raise SourceError("unreadable_at", row=row, reason=_gdal_reason(error)) from None


def _distinct_text(values: list, limit: int = 5) -> list[str]:
    seen: list[str] = []
    for value in values:
        text = "" if value is None else str(value)
        if text and text not in seen:
            seen.append(text)
        if len(seen) == limit:
            break
    return seen


def _gdal_reason(error: Exception) -> str:
    """GDAL's message without the temporary path it names."""
    return str(error).split("\n")[0][:300]


def remove_tree(path: Path) -> None:
    """Delete an upload's working directory (ignore what is already gone)."""
    shutil.rmtree(path, ignore_errors=True)
