"""Import benchmark: 30,000 points from a zipped Lambert-93 Shapefile, 1,000,000 GeoJSON points.

Each import runs end to end as the worker runs it: store and describe the file, map it,
validate every row into the staging table, commit (one transaction), in a child process
whose peak memory (max RSS) is reported. The database is ``vigie_bench_imports``
(dropped and recreated; the Dijon territory, accounts and the ~110 k-asset demo are loaded).

Run: ``.venv/bin/python bench/imports.py`` (needs the set-up of ``make test``; ~10 min).
Tables go to stdout, progress to stderr.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import print_table, progress  # noqa: E402 - after the path is set
DEFAULT_URL = "postgresql+psycopg://vigie:vigie@127.0.0.1/vigie_bench_imports"


def build_database(url: str) -> None:
    """A fresh database with the territory, the demo accounts and the demo inventory."""
    from sqlalchemy.orm import Session

    from app.db import STORAGE_SRID, make_engine
    from app.db_admin import recreate_database, run_alembic
    from app.demo.dijon import load_demo
    from app.demo.inventory import load_demo_inventory

    recreate_database(url)
    run_alembic(url, ("upgrade", "head"))
    engine = make_engine(url)
    with Session(engine) as session:
        load_demo(session, STORAGE_SRID)
        load_demo_inventory(session, STORAGE_SRID, scale=1)
        session.commit()
    engine.dispose()


def random_points(count: int, seed: int):
    """``count`` WGS84 points inside the métropole's communes (uniform)."""
    import numpy as np
    import shapely

    outline = _territory_wgs84()
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = outline.bounds
    xs, ys = [], []
    while sum(len(x) for x in xs) < count:
        x = rng.uniform(x0, x1, count)
        y = rng.uniform(y0, y1, count)
        inside = shapely.contains_xy(outline, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
    return np.concatenate(xs)[:count], np.concatenate(ys)[:count]


def _territory_wgs84():
    import shapely
    from shapely.geometry import shape

    from app.demo.dijon import COMMUNES_FILE

    features = json.loads(COMMUNES_FILE.read_text())["features"]
    outline = shapely.union_all([shape(f["geometry"]) for f in features])
    shapely.prepare(outline)
    return outline


MATERIALS = ("bois", "métal", "béton")


def write_shapefile_zip(path: Path, count: int) -> None:
    """``count`` benches in Lambert-93 (a .prj without EPSG code, as real exports have)."""
    import numpy as np
    import pyogrio
    import shapely
    from pyproj import Transformer

    xs, ys = random_points(count, seed=30)
    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(xs, ys)
    geoms = shapely.to_wkb(shapely.points(x, y))
    folder = path.parent / "shp"
    folder.mkdir(exist_ok=True)
    ids = np.array([f"B{i:06d}" for i in range(count)], dtype=object)
    materials = np.array([MATERIALS[i % 3] for i in range(count)], dtype=object)
    seats = np.array([i % 5 + 2 for i in range(count)], dtype=np.int32)
    pyogrio.raw.write(folder / "bancs.shp", geoms, [ids, materials, seats], ["IDENT", "MATERIAU", "PLACES"],
                      geometry_type="Point", crs="EPSG:2154", driver="ESRI Shapefile", encoding="UTF-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)


def write_geojson(path: Path, count: int) -> None:
    """``count`` benches as one GeoJSON FeatureCollection (WGS84), written as a stream."""
    xs, ys = random_points(count, seed=1_000)
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"type":"FeatureCollection","features":[\n')
        for i in range(count):
            if i:
                out.write(",\n")
            out.write(f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{xs[i]:.7f},{ys[i]:.7f}]}},'
                      f'"properties":{{"ident":"G{i:07d}","materiau":"{MATERIALS[i % 3]}","places":{i % 5 + 2}}}}}')
        out.write("\n]}\n")


def run_one(url: str, file: Path, id_field: str, material_field: str, seats_field: str) -> dict:
    """One import, end to end, in this process (the child); returns timings and peak RSS."""
    os.environ["VIGIE_DATABASE_URL"] = url
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.auth.models import User
    from app.db import STORAGE_SRID, make_engine
    from app.imports import services

    engine = make_engine(url)
    timings = {}
    with Session(engine) as session:
        actor = session.scalar(select(User).where(User.login == "manager"))
        started = time.perf_counter()
        with open(file, "rb") as stream:
            imp = services.receive_upload(session, actor, file.name, stream, Path(tempfile.mkdtemp()), 2 * 1024**3)
        form = {"crs": "file", "asset_type": "bench", "map.external_ref": id_field, "proximity_m": "0",
                "map.attributes.material": material_field, "map.attributes.seats": seats_field, "on_match": "update",
                "values.attributes.material.1.from": "bois", "values.attributes.material.1.to": "wood",
                "values.attributes.material.2.from": "métal", "values.attributes.material.2.to": "metal",
                "values.attributes.material.3.from": "béton", "values.attributes.material.3.to": "concrete"}
        services.configure(session, actor, imp.id, form)
        session.commit()
        timings["upload + describe"] = time.perf_counter() - started
        step = time.perf_counter()
        services.run_validation(session, imp.id, STORAGE_SRID, lambda done, total: None)
        session.commit()
        timings["validate"] = time.perf_counter() - step
        counts = dict(imp.counts)
        imp.status = "committing"
        session.commit()
        step = time.perf_counter()
        services.run_commit(session, imp.id, STORAGE_SRID, lambda done, total: None)
        session.commit()
        timings["commit"] = time.perf_counter() - step
        timings["total"] = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"timings": timings, "counts": counts, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--geojson-features", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=4, metavar=("FILE", "ID", "MATERIAL", "SEATS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.database_url, Path(args.child[0]), *args.child[1:])))
        return
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        raise SystemExit("refusing a database whose name does not contain 'bench' (it is dropped)")
    work = Path(tempfile.mkdtemp(prefix="vigie-bench-imports-"))
    progress("building the database (territory, accounts, demo inventory)")
    build_database(args.database_url)
    progress("writing the files")
    shp = work / "bancs-lambert93.zip"
    write_shapefile_zip(shp, 30_000)
    geojson = work / "bancs.geojson"
    write_geojson(geojson, args.geojson_features)
    rows = []
    for file, fields, count in ((shp, ("IDENT", "MATERIAU", "PLACES"), 30_000),
                                (geojson, ("ident", "materiau", "places"), args.geojson_features)):
        progress(f"importing {file.name} ({count:,} features)")
        out = subprocess.run([sys.executable, __file__, "--database-url", args.database_url, "--child", str(file), *fields],
                             capture_output=True, text=True, cwd=ROOT)
        if out.returncode:
            raise SystemExit(f"the import of {file.name} failed:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        t = result["timings"]
        rows.append([file.name, f"{count:,}", f"{file.stat().st_size / 1024**2:.0f} MB", f"{t['upload + describe']:.1f}",
                     f"{t['validate']:.1f}", f"{t['commit']:.1f}", f"{t['total']:.1f}", f"{result['peak_mb']:.0f}",
                     f"{result['counts']['create']:,}"])
    headers = ["file", "features", "size", "upload+describe s", "validate s", "commit s", "total s", "peak RSS MB", "created"]
    print_table(f"Imports, {dt.date.today()}, {platform.node()}, {os.cpu_count()} cores", headers, rows)


if __name__ == "__main__":
    main()
