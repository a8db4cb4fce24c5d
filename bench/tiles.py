"""Map-serving benchmark: vector tiles and items over 1,000,000 assets, against raw ST_AsMVT and TiPg.

One run, one database (``vigie_bench`` by default, dropped and rebuilt unless ``--reuse``):

1. build: migrations, the Dijon demo, ``generate-inventory --scale 10`` (~1.09 M assets; the
   tile triggers fill ``asset_grid`` during the load), VACUUM ANALYZE;
2. our app under gunicorn (2 workers x 4 threads), logged in as ``admin`` over HTTP;
3. ``/tiles/assets/{z}/{x}/{y}.mvt`` over Dijon centre, zooms 8-20 and the 3x3 tiles
   around the centre at z16/z17 (no If-None-Match: generation is measured, not 304s);
4. the raw floor: ``ST_AsMVT`` of every asset of the tile at full detail, psycopg directly;
5. TiPg (``bench/.venv-tipg``, created if missing) on the same table and tiles, and its items;
6. our items: ``/ogc/collections/street_light/items`` and ``/api/v1/assets`` on the same bbox.

Sequential requests on one keep-alive connection, timed with ``time.perf_counter()``
around request + full body read. Bodies are uncompressed (``Accept-Encoding: identity``).

Run: ``.venv/bin/python bench/tiles.py [--reuse] [--database-url URL]``. Only the tables go
to stdout; short progress lines go to stderr.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import p50, p95, print_table, progress  # noqa: E402 - after the path is set

DEFAULT_URL = "postgresql+psycopg://vigie:vigie@127.0.0.1/vigie_bench"
REDIS_URL = "redis://127.0.0.1:6379/10"
TIPG_VENV = ROOT / "bench" / ".venv-tipg"
CENTRE = (5.0415, 47.3220)  # Dijon, Place de la Libération
MAIN_ZOOMS = (10, 12, 14, 16, 18)
ALL_ZOOMS = tuple(range(8, 21))
NEIGHBOUR_ZOOMS = (16, 17)  # the last aggregated zoom and the first full-detail one
TILE_TARGET_BYTES = 256 * 1024
TILE_TARGET_P95 = 0.050
MIN_ASSETS = 1_000_000
WARMUP = 3
REPS = 40
SLOW_S = 2.0      # a request slower than this gets only SLOW_REPS timed repetitions
SLOW_REPS = 3
LOGIN, PASSWORD = "admin", "vigie-demo"


# ---- statistics and tables ---------------------------------------------------------------

def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.1f}"


def num(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


# ---- MVT -------------------------------------------------------------------------------------

def _varint(buf: memoryview, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = buf[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, i
        shift += 7


def _skip(buf: memoryview, i: int, wire: int) -> int:
    if wire == 0:
        return _varint(buf, i)[1]
    if wire == 1:
        return i + 8
    if wire == 2:
        length, i = _varint(buf, i)
        return i + length
    if wire == 5:
        return i + 4
    raise ValueError(f"unexpected protobuf wire type {wire}")


def count_mvt_features(data: bytes) -> int:
    """Features in all layers of an MVT, by walking the protobuf (fast on 20 MB tiles)."""
    buf, i, total = memoryview(data), 0, 0
    while i < len(buf):
        key, i = _varint(buf, i)
        if key == (3 << 3 | 2):  # Tile.layers
            length, i = _varint(buf, i)
            end = i + length
            while i < end:
                inner, i = _varint(buf, i)
                if inner == (2 << 3 | 2):  # Layer.features
                    total += 1
                i = _skip(buf, i, inner & 7)
        else:
            i = _skip(buf, i, key & 7)
    return total


def decode_our_tile(data: bytes) -> tuple[str, int, int]:
    """(layer, features, assets represented) of one of our tiles, with mapbox_vector_tile."""
    import mapbox_vector_tile

    layers = mapbox_vector_tile.decode(data)
    if not layers:
        return "-", 0, 0
    (name, layer), = layers.items()
    features = layer["features"]
    if name == "asset_counts":
        return "grid", len(features), sum(f["properties"]["total"] for f in features)
    return "detail", len(features), len(features)


# ---- tiles and places --------------------------------------------------------------------------

def centre_tile(z: int) -> tuple[int, int]:
    from pyproj import Transformer

    from gis.tiles import tiles_covering

    x, y = Transformer.from_crs(4326, 3857, always_xy=True).transform(*CENTRE)
    x0, y0, _, _ = tiles_covering(z, (x, y, x, y))
    return x0, y0


def tile_bbox_lonlat(z: int, x: int, y: int) -> str:
    from pyproj import Transformer

    from gis.tiles import tile_bounds

    minx, miny, maxx, maxy = tile_bounds(z, x, y)
    to_lonlat = Transformer.from_crs(3857, 4326, always_xy=True)
    west, south = to_lonlat.transform(minx, miny)
    east, north = to_lonlat.transform(maxx, maxy)
    return f"{west:.7f},{south:.7f},{east:.7f},{north:.7f}"


# ---- database ------------------------------------------------------------------------------------

def libpq_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def check_bench_database(url: str) -> None:
    from sqlalchemy.engine import make_url

    name = make_url(url).database or ""
    if name == "vigie" or name.startswith("vigie_test"):
        raise SystemExit(f"refusing to use database {name!r}: the benchmark drops and rebuilds its database")
    host = make_url(url).host or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing host {host!r}: the benchmark runs on the loopback only")


def asset_count(url: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(libpq_url(url), connect_timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM assets").fetchone()[0]
    except psycopg.Error:
        return None


def build_database(url: str) -> dict:
    """Recreate, migrate, load the demo and ~1.09 M assets, VACUUM ANALYZE; timings."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app.db import STORAGE_SRID, make_engine
    from app.db_admin import recreate_database, run_alembic
    from app.demo.dijon import load_demo
    from app.demo.inventory import load_demo_inventory
    from app.inventory.maintenance import reorganise_after_bulk_load

    timings = {}
    start = perf_counter()
    progress("recreating the database and running the migrations")
    recreate_database(url)
    run_alembic(url, ("upgrade", "head"))
    engine = make_engine(url, pool_size=1)
    try:
        with Session(engine) as session:
            load_demo(session, STORAGE_SRID)
            session.commit()
        timings["database, migrations, demo"] = perf_counter() - start
        progress("generating the inventory (scale 10, a few minutes)")
        started = perf_counter()
        with Session(engine) as session:
            counts = load_demo_inventory(session, STORAGE_SRID, scale=10)
            session.commit()
            if counts is not None:
                reorganise_after_bulk_load(session)  # what `vigie generate-inventory` does too
                session.commit()
        if counts is None:
            raise SystemExit("the fresh database already had assets")
        timings["inventory, scale 10 (with asset_grid triggers, commit)"] = perf_counter() - started
        progress("VACUUM ANALYZE")
        started = perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        timings["VACUUM ANALYZE"] = perf_counter() - started
    finally:
        engine.dispose()
    timings["total"] = perf_counter() - start
    return timings


def environment_rows(url: str) -> list[list[str]]:
    import psycopg

    with psycopg.connect(libpq_url(url)) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
        postgis = conn.execute("SELECT postgis_lib_version()").fetchone()[0]
        assets = conn.execute("SELECT count(*) FROM assets").fetchone()[0]
        shown = conn.execute("SELECT count(*) FROM assets WHERE status <> 'decommissioned'").fetchone()[0]
        grid = conn.execute("SELECT count(*) FROM asset_grid").fetchone()[0]
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
    mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal:"))
    return [
        ["date", dt.date.today().isoformat()],
        ["CPU cores", str(os.cpu_count())],
        ["RAM", f"{mem_kb / 1024 / 1024:.1f} GiB"],
        ["PostgreSQL", pg],
        ["PostGIS", postgis],
        ["Python", platform.python_version()],
        ["assets (not decommissioned)", f"{assets:,} ({shown:,})"],
        ["asset_grid rows", f"{grid:,}"],
        ["database size", size],
    ]


# ---- HTTP ----------------------------------------------------------------------------------------

class Client:
    """One keep-alive connection to a loopback server, with its cookies; reconnects when closed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict | None = None) -> tuple[int, http.client.HTTPResponse, bytes, float]:
        """(status, response, body, seconds): the time covers sending and reading the whole body."""
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=180)
                self.conn.connect()  # outside the timing
            sent = {"Accept-Encoding": "identity", **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            try:
                started = perf_counter()
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
                seconds = perf_counter() - started
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: retry once on a new one.
                self.close()
                if attempt == 2:
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or ():
                jar = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value
            if response.will_close:
                self.close()
            return response.status, response, data, seconds
        raise AssertionError("unreachable")

    def get(self, path: str) -> tuple[int, bytes, float]:
        status, _, data, seconds = self.request("GET", path)
        return status, data, seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server process in its own process group, stopped (group only) on exit."""

    def __init__(self, name: str, command: list[str], env: dict, cwd: Path, port: int,
                 workdir: Path | None = None) -> None:
        self.name, self.port, self.workdir = name, port, workdir
        self.log = tempfile.NamedTemporaryFile("w+", prefix=f"bench-{name}-", suffix=".log", delete=False)
        self.process = subprocess.Popen(command, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self, path: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("GET", path)
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer {path} within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        self.log.flush()
        return "".join(Path(self.log.name).read_text(errors="replace").splitlines(True)[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.log.close()
        os.unlink(self.log.name)
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def start_vigie(url: str) -> Server:
    port = free_port()
    env = {**os.environ, "VIGIE_DATABASE_URL": url, "VIGIE_REDIS_URL": REDIS_URL, "VIGIE_DEMO_MODE": "1",
           "VIGIE_SECRET_KEY": "bench-secret-key-0123456789abcdef"}
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
               "--threads", "4", "wsgi:app"]
    server = Server("gunicorn", command, env, ROOT, port)
    try:
        server.wait_ready("/login")
    except BaseException:
        server.stop()
        raise
    return server


def login(client: Client) -> None:
    status, page, _ = client.get("/login")
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.decode())
    if status != 200 or not match:
        raise RuntimeError(f"GET /login: {status}, no csrf_token")
    form = urllib.parse.urlencode({"login": LOGIN, "password": PASSWORD, "csrf_token": match.group(1)})
    status, _, _, _ = client.request("POST", "/login", body=form,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise RuntimeError(f"POST /login as {LOGIN}: HTTP {status} (expected a 302 redirect)")


def ensure_tipg_venv() -> Path:
    uvicorn = TIPG_VENV / "bin" / "uvicorn"
    if uvicorn.exists() and (TIPG_VENV / "bin" / "python").exists():
        check = subprocess.run([str(TIPG_VENV / "bin" / "python"), "-c", "import tipg"], capture_output=True)
        if check.returncode == 0:
            return uvicorn
    progress("creating bench/.venv-tipg (pip install tipg uvicorn)")
    subprocess.run(["python3", "-m", "venv", str(TIPG_VENV)], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([str(TIPG_VENV / "bin" / "pip"), "install", "--quiet", "tipg", "uvicorn"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900)
    return uvicorn


def start_tipg(url: str) -> tuple[Server, str]:
    uvicorn = ensure_tipg_venv()
    version = subprocess.run([str(TIPG_VENV / "bin" / "python"), "-c",
                              "import importlib.metadata as m; print(m.version('tipg'))"],
                             capture_output=True, text=True).stdout.strip()
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": libpq_url(url),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": '["public.assets"]',
        # TiPg truncates a tile at 10,000 features by default: lift it so that TiPg serves
        # the same content as the raw floor (every asset of the tile).
        "TIPG_MAX_FEATURES_PER_TILE": "5000000",
    }
    command = [str(uvicorn), "tipg.main:app", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]
    # An empty working directory, so that no stray .env is read by pydantic-settings.
    workdir = Path(tempfile.mkdtemp(prefix="bench-tipg-"))
    server = Server("tipg", command, env, workdir, port, workdir=workdir)
    try:
        server.wait_ready("/collections/public.assets")
    except BaseException:
        server.stop()
        raise
    return server, version


# ---- measurements ------------------------------------------------------------------------------

class Series:
    """Timed repetitions of one request; the last body is kept."""

    def __init__(self, samples: list[float], body: bytes) -> None:
        self.samples, self.body = samples, body

    @property
    def p50(self) -> float:
        return p50(self.samples)

    @property
    def p95(self) -> float:
        return p95(self.samples)

    @property
    def n(self) -> int:
        return len(self.samples)


def measure(fetch, reps: int = REPS, warmup: int = WARMUP, slow_reps: int | None = None) -> Series:
    """``fetch()`` -> (body, seconds). With ``slow_reps``, a first call slower than SLOW_S
    (after one warm-up) caps the series at ``slow_reps`` timed calls."""
    first_body, first = fetch()
    if slow_reps is not None and first > SLOW_S:
        samples, body = [], first_body
        for _ in range(slow_reps):
            body, seconds = fetch()
            samples.append(seconds)
        return Series(samples, body)
    for _ in range(warmup - 1):
        fetch()
    samples, body = [], first_body
    for _ in range(reps):
        body, seconds = fetch()
        samples.append(seconds)
    return Series(samples, body)


def http_fetcher(client: Client, path: str):
    def fetch() -> tuple[bytes, float]:
        status, body, seconds = client.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}: {body[:300]!r}")
        return body, seconds
    return fetch


RAW_SQL = """
    WITH b AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
                      ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => 0.02), {srid}) AS search)
    SELECT ST_AsMVT(q, 'assets', 4096, 'geom', 'id') FROM (
        SELECT s.id, t.code AS type, s.status,
               ST_AsMVTGeom(ST_Transform(s.geom, 3857), b.env, 4096, 64, true) AS geom
        FROM assets AS s JOIN asset_types t ON t.id = s.type_id, b
        WHERE s.geom && b.search AND s.status <> 'decommissioned'
    ) AS q WHERE q.geom IS NOT NULL"""


def raw_floor(url: str, tiles: dict[int, tuple[int, int]]) -> dict[int, Series]:
    """The full-detail tile in SQL, as the app's detail query, for every zoom: the floor."""
    import psycopg

    from app.db import STORAGE_SRID

    sql = RAW_SQL.format(srid=STORAGE_SRID)
    results = {}
    with psycopg.connect(libpq_url(url), prepare_threshold=None, autocommit=True) as conn:
        conn.execute("SET max_parallel_workers_per_gather = 0")

        for z, (x, y) in tiles.items():
            def fetch(z=z, x=x, y=y) -> tuple[bytes, float]:
                started = perf_counter()
                body = bytes(conn.execute(sql, {"z": z, "x": x, "y": y}).fetchone()[0])
                return body, perf_counter() - started

            progress(f"raw ST_AsMVT z{z}")
            if z <= 12:  # hundreds of thousands of points: seconds each
                results[z] = measure(fetch, reps=SLOW_REPS, warmup=1)
            else:
                results[z] = measure(fetch)
    return results


def tipg_queries(url: str) -> tuple[str, str]:
    """TiPg's ``properties`` parameter (every column of assets but the geometry and the box
    derived from it, which only our index needs) and the street lights' filter for items."""
    import psycopg

    with psycopg.connect(libpq_url(url)) as conn:
        columns = [row[0] for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'assets' "
            "AND column_name NOT IN ('geom', 'geom_box') ORDER BY ordinal_position")]
        light = conn.execute("SELECT id FROM asset_types WHERE code = 'street_light'").fetchone()[0]
    street_lights = urllib.parse.urlencode({"filter-lang": "cql2-text",
                                            "filter": f"type_id={light} AND status<>'decommissioned'"})
    return "properties=" + ",".join(columns), street_lights


# ---- main ---------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"benchmark database (default {DEFAULT_URL})")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database when it already holds 1,000,000 assets or more")
    args = parser.parse_args()
    url = args.database_url
    check_bench_database(url)
    run_started = perf_counter()

    # 1. The database.
    existing = asset_count(url) if args.reuse else None
    if existing is not None and existing >= MIN_ASSETS:
        build = None
        progress(f"reusing {url.rsplit('/', 1)[-1]} ({existing:,} assets)")
    else:
        build = build_database(url)

    print_table("Environment", ["item", "value"], environment_rows(url))
    if build is None:
        print_table("Generation", ["step", "seconds"], [["(reused: --reuse)", "-"]])
    else:
        print_table("Generation", ["step", "seconds"], [[k, f"{v:,.1f}"] for k, v in build.items()])

    tiles = {z: centre_tile(z) for z in ALL_ZOOMS}
    z14_bbox = tile_bbox_lonlat(14, *tiles[14])

    servers: list[Server] = []
    try:
        # 2-3. Our tiles over HTTP.
        progress("starting gunicorn")
        vigie = start_vigie(url)
        servers.append(vigie)
        client = Client(vigie.port)
        login(client)

        ours: dict[int, Series] = {}
        for z in ALL_ZOOMS:
            progress(f"our tile z{z}")
            ours[z] = measure(http_fetcher(client, f"/tiles/assets/{z}/{tiles[z][0]}/{tiles[z][1]}.mvt"))
        neighbours: dict[int, dict[tuple[int, int], Series]] = {}
        for z in NEIGHBOUR_ZOOMS:
            progress(f"our 3x3 tiles z{z}")
            cx, cy = tiles[z]
            neighbours[z] = {(x, y): measure(http_fetcher(client, f"/tiles/assets/{z}/{x}/{y}.mvt"))
                             for x in (cx - 1, cx, cx + 1) for y in (cy - 1, cy, cy + 1)}

        # 6. Our items (measured now, while the app is up).
        items_ours: list[tuple[str, Series]] = []
        ogc_path = "/ogc/collections/street_light/items"
        ogc_status, _, _ = client.get("/ogc/collections/street_light")
        ogc_present = ogc_status == 200
        item_paths = ([f"{ogc_path}?bbox={z14_bbox}&limit=1000"] if ogc_present else []) + \
                     [f"/api/v1/assets?bbox={z14_bbox}&limit=1000"]
        for path in item_paths:
            progress(f"our items {path.split('?')[0]}")
            items_ours.append((path, measure(http_fetcher(client, path))))
        client.close()
        vigie.stop()
        servers.remove(vigie)

        # 4. The raw floor.
        raw = raw_floor(url, {z: tiles[z] for z in MAIN_ZOOMS})

        # 5. TiPg.
        progress("starting TiPg")
        tipg, tipg_version = start_tipg(url)
        servers.append(tipg)
        tclient = Client(tipg.port)
        tipg_properties, tipg_street_lights = tipg_queries(url)
        tipg_tiles: dict[int, Series] = {}
        for z in MAIN_ZOOMS:
            progress(f"TiPg tile z{z}")
            tipg_tiles[z] = measure(http_fetcher(
                tclient, f"/collections/public.assets/tiles/WebMercatorQuad/{z}/{tiles[z][0]}/{tiles[z][1]}"
                         f"?{tipg_properties}"),
                slow_reps=SLOW_REPS)
        progress("TiPg items")
        tipg_items_path = f"/collections/public.assets/items?bbox={z14_bbox}&limit=1000&{tipg_properties}"
        tipg_items = measure(http_fetcher(tclient, tipg_items_path))
        tipg_lights = measure(http_fetcher(tclient, f"{tipg_items_path}&{tipg_street_lights}"))
        tclient.close()
    finally:
        for server in servers:
            server.stop()

    # ---- tables ----------------------------------------------------------------------------
    decoded = {z: decode_our_tile(s.body) for z, s in ours.items()}

    def ok(series: Series) -> str:
        misses = []
        if len(series.body) > TILE_TARGET_BYTES:
            misses.append("size")
        if series.p95 >= TILE_TARGET_P95:
            misses.append("p95")
        return "ok" if not misses else "MISS " + "+".join(misses)

    rows = []
    for z in MAIN_ZOOMS:
        s, (kind, features, assets) = ours[z], decoded[z]
        rows.append([f"z{z}", f"{tiles[z][0]}/{tiles[z][1]}", kind, s.n, ms(s.p50), ms(s.p95), num(len(s.body)),
                     num(features), num(assets), ok(s)])
    print_table("Our tiles: /tiles/assets/{z}/{x}/{y}.mvt, the tile containing Dijon centre (gunicorn 2x4, keep-alive)",
                ["zoom", "x/y", "layer", "n", "p50 ms", "p95 ms", "bytes", "features", "assets", "target"], rows,
                ("grid = asset_counts (32x32 cells per tile, from asset_grid); detail = one feature per asset",
                 "target: bytes <= 262,144 (256 KiB) and p95 < 50 ms"))

    rows = []
    for z in ALL_ZOOMS:
        s, (kind, features, assets) = ours[z], decoded[z]
        rows.append([f"z{z}", f"{tiles[z][0]}/{tiles[z][1]}", kind, ms(s.p95), num(len(s.body)), num(assets), ok(s)])
    for z in NEIGHBOUR_ZOOMS:
        worst_time = max(neighbours[z].items(), key=lambda item: item[1].p95)
        worst_size = max(neighbours[z].items(), key=lambda item: len(item[1].body))
        combined = Series(worst_time[1].samples, worst_size[1].body)
        assets = decode_our_tile(worst_size[1].body)[2]
        rows.append([f"z{z} max of 3x3", f"p95 {worst_time[0][0]}/{worst_time[0][1]}, "
                     f"bytes {worst_size[0][0]}/{worst_size[0][1]}", "grid" if z < 16 else "detail",
                     ms(worst_time[1].p95), num(len(worst_size[1].body)), num(assets), ok(combined)])
    print_table(f"Our tiles, every zoom (n={REPS} after {WARMUP} warm-up requests each)",
                ["zoom", "x/y", "layer", "p95 ms", "bytes", "assets", "target"], rows)

    rows = []
    for z in MAIN_ZOOMS:
        s = raw[z]
        rows.append([f"z{z}", f"{tiles[z][0]}/{tiles[z][1]}", s.n, ms(s.p50), ms(s.p95), num(len(s.body)),
                     num(count_mvt_features(s.body))])
    print_table("Raw floor: ST_AsMVT of every asset of the tile at full detail (psycopg, no HTTP, no aggregation)",
                ["zoom", "x/y", "n", "p50 ms", "p95 ms", "bytes", "features"], rows,
                ("same SQL as the app's detail tiles (id as feature id; type and status; buffer 64);",
                 "prepare_threshold=None, max_parallel_workers_per_gather = 0; z10/z12: 1 warm-up + 3 runs"))

    rows = []
    for z in MAIN_ZOOMS:
        s = tipg_tiles[z]
        rows.append([f"z{z}", f"{tiles[z][0]}/{tiles[z][1]}", s.n, ms(s.p50), ms(s.p95), num(len(s.body)),
                     num(count_mvt_features(s.body))])
    print_table(f"TiPg {tipg_version}: /collections/public.assets/tiles/WebMercatorQuad/{{z}}/{{x}}/{{y}} (uvicorn, 1 worker)",
                ["zoom", "x/y", "n", "p50 ms", "p95 ms", "bytes", "features"], rows,
                ("stock settings except TIPG_MAX_FEATURES_PER_TILE=5000000 (default 10,000 truncates the tile);",
                 "every column of assets as properties (properties=, all but geom_box, the box our covering",
                 "index needs), decommissioned included, buffer 256;",
                 f"a tile slower than {SLOW_S:.0f} s after 1 warm-up gets {SLOW_REPS} timed runs"))

    rows = []
    for z in MAIN_ZOOMS:
        rows.append([f"z{z}", ms(ours[z].p50), ms(raw[z].p50), ms(tipg_tiles[z].p50), num(len(ours[z].body)),
                     num(len(raw[z].body)), num(len(tipg_tiles[z].body))])
    print_table("Tiles side by side (p50)", ["zoom", "ours ms", "raw ms", "TiPg ms", "ours bytes", "raw bytes",
                                              "TiPg bytes"], rows)

    def feature_count(body: bytes) -> str:
        document = json.loads(body)
        returned = len(document.get("features", []))
        matched = document.get("numberMatched")
        return f"{returned:,}" + (f" of {matched:,}" if isinstance(matched, int) else "")

    rows = []
    for label, tipg_series in (("TiPg, street lights", tipg_lights), ("TiPg, every type", tipg_items)):
        rows.append([label, tipg_series.n, ms(tipg_series.p50), ms(tipg_series.p95), num(len(tipg_series.body)),
                     feature_count(tipg_series.body), "1.0"])
    for path, s in items_ours:
        same_query = tipg_lights if path.startswith(ogc_path) else tipg_items
        rows.append([path.split("?")[0], s.n, ms(s.p50), ms(s.p95), num(len(s.body)), feature_count(s.body),
                     f"{same_query.p50 / s.p50:.1f}"])
    notes = [f"bbox = the z14 centre tile {tiles[14][0]}/{tiles[14][1]}: {z14_bbox}; limit=1000",
             "TiPg items: /collections/public.assets/items with the same bbox and limit; its street lights:",
             "  a CQL2 filter type_id=<street light> AND status<>'decommissioned', as our OGC collection",
             "/api/v1/assets and TiPg every type: every asset type (ours without decommissioned ones)",
             "TiPg p50 / p50: against TiPg on the same query (street lights, or every type)",
             "target: p50 < 25 ms and at least 3x faster than TiPg"]
    if not ogc_present:
        notes.append(f"{ogc_path} was missing (HTTP {ogc_status}): only /api/v1/assets measured")
    print_table("Items, limit 1,000 (GeoJSON)", ["endpoint", "n", "p50 ms", "p95 ms", "bytes", "features",
                                                 "TiPg p50 / p50"], rows, tuple(notes))

    print_table("Run", ["step", "seconds"], [["whole benchmark", f"{perf_counter() - run_started:,.0f}"]])


if __name__ == "__main__":
    main()
