"""Export benchmark: the whole demo inventory (~110 k assets) in each format and CRS.

1. Each case runs ``app.exports.builder.build_export`` as ``admin`` over the whole inventory
   (no filter), in a temporary directory, in its own process so that its peak memory (RSS)
   is its own; the median of ``--reps`` runs is printed with the file size.
2. The writer alone, on 110,000 synthetic points in batches of 5,000: one Arrow stream
   through one open dataset (what ``gis/export_formats.py`` does) against ``pyogrio.raw.write``
   called once per batch with ``append=True``.

Run: ``.venv/bin/python bench/exports.py [--database-url URL] [--reps 3]`` against a database
loaded by ``make run`` (default: ``vigie``; it is only read). Tables go to stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql+psycopg://vigie:vigie@127.0.0.1/vigie"
# (format, EPSG, inventory as of one year ago?)
CASES = [("gpkg", 2154, False), ("gpkg", 4326, False), ("gpkg", 3947, False), ("shp", 2154, False),
         ("geojson", 4326, False), ("geojson", 2154, False), ("csv", 4326, False), ("csv", 2154, False),
         ("gpkg", 2154, True), ("csv", 4326, True)]
SYNTHETIC_POINTS, SYNTHETIC_BATCH = 110_000, 5_000


def run_case(fmt: str, srid: int, past: bool) -> dict:
    """One export, in this process: seconds, bytes, assets and peak RSS."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.auth.models import User
    from app.db import make_engine, make_session_factory
    from app.exports.builder import build_export
    from app.exports.queries import types_in_selection
    from app.inventory.queries import AssetFilter

    engine = make_engine(os.environ["VIGIE_DATABASE_URL"])
    make_session_factory(engine)  # registers every domain's models
    flt = AssetFilter(as_of=datetime.now(timezone.utc) - timedelta(days=365) if past else None)
    with Session(engine) as session, tempfile.TemporaryDirectory() as directory:
        admin = session.scalar(select(User).where(User.login == "admin"))
        assets = sum(t.count for t in types_in_selection(session, admin, flt))
        start = time.perf_counter()
        path = build_export(session, admin, flt, fmt, srid, Path(directory), "fr")
        seconds = time.perf_counter() - start
        size = path.stat().st_size
    return {"seconds": seconds, "bytes": size, "assets": assets,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def writer_comparison() -> list[tuple[str, str, float]]:
    """Seconds to write the synthetic points, per driver, streamed or appended per batch."""
    import numpy as np
    import shapely
    from pyogrio.raw import write

    from gis.export_formats import Batch, Field, Layer, write_geojson, write_geopackage

    rng = np.random.default_rng(1)
    xs, ys = 850_000 + rng.random(SYNTHETIC_POINTS) * 20_000, 6_690_000 + rng.random(SYNTHETIC_POINTS) * 20_000

    def batches():
        for i in range(0, SYNTHETIC_POINTS, SYNTHETIC_BATCH):
            wkb = list(shapely.to_wkb(shapely.points(xs[i:i + SYNTHETIC_BATCH], ys[i:i + SYNTHETIC_BATCH])))
            yield Batch(wkb, [(f"EP-21231-{j:06d}", float(j % 17)) for j in range(i, i + len(wkb))])

    fields = (Field("reference", "text"), Field("height_m", "decimal"))
    results = []
    with tempfile.TemporaryDirectory() as directory:
        for driver, extension, streamed in (("GPKG", "gpkg", write_geopackage), ("GeoJSON", "geojson", None)):
            start = time.perf_counter()
            layer = Layer("street_light", "point", fields, batches())
            if streamed is None:
                write_geojson(Path(directory) / f"s.{extension}", 2154, layer)
            else:
                streamed(Path(directory) / f"s.{extension}", 2154, [layer])
            results.append((driver, "one stream (write_arrow)", time.perf_counter() - start))
            start = time.perf_counter()
            for index, batch in enumerate(batches()):
                names = [np.array([r[0] for r in batch.rows], dtype=object), np.array([r[1] for r in batch.rows])]
                write(str(Path(directory) / f"a.{extension}"), np.array(batch.wkb, dtype=object), names,
                      ["reference", "height_m"], layer="street_light", driver=driver, geometry_type="Point",
                      crs="EPSG:2154", append=index > 0)
            results.append((driver, "raw.write, append per batch", time.perf_counter() - start))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("VIGIE_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("FORMAT", "SRID", "PAST"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        fmt, srid, past = args.child
        print(json.dumps(run_case(fmt, int(srid), past == "1")))
        return
    env = {**os.environ, "VIGIE_DATABASE_URL": args.database_url}
    print(f"## {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — {os.cpu_count()} cores, Python {platform.python_version()}\n")
    print("| format | CRS | inventory | assets | median s | min s | file MB | peak RSS MB |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for fmt, srid, past in CASES:
        runs = []
        for _ in range(args.reps):
            output = subprocess.run([sys.executable, __file__, "--child", fmt, str(srid), "1" if past else "0"],
                                    env=env, check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(output.strip().splitlines()[-1]))
            print(f"{fmt} {srid} {'past' if past else 'now'}: {runs[-1]['seconds']:.2f} s", file=sys.stderr)
        times = [r["seconds"] for r in runs]
        print(f"| {fmt} | EPSG:{srid} | {'a year ago' if past else 'today'} | {runs[0]['assets']:,} | "
              f"{statistics.median(times):.2f} | {min(times):.2f} | {runs[0]['bytes'] / 1e6:.1f} | "
              f"{max(r['rss_mb'] for r in runs):.0f} |")
    print(f"\n{SYNTHETIC_POINTS:,} synthetic points, batches of {SYNTHETIC_BATCH:,}, two fields:\n")
    print("| driver | writing | s |")
    print("| --- | --- | ---: |")
    for driver, how, seconds in writer_comparison():
        print(f"| {driver} | {how} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
