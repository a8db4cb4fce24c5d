"""Coverage reports over 1,000,000 assets and 100,000 interventions: refresh and dashboard times.

On ``vigie_bench`` (built by ``bench/tiles.py``, ~1.09 M assets, at the head migration):

1. tops the interventions up to 100,000 with set-based SQL when fewer (corrective work on random
   assets over two years: reported, due 48 h later, most completed within 2-200 h, some open);
2. a full refresh (``coverage.refresh_all``: every cell of the territory, today's snapshot);
3. an incremental refresh after one edit: a street light of Dijon's centre goes faulty through
   ``inventory.services.update_asset`` (the triggers mark its cells), then ``refresh_dirty``;
4. the dashboards through the app (Flask test client, logged in as ``councillor``): the
   métropole, Dijon's, its CSV and PDF, p50/p95 over ``--runs`` requests after 3 warm-up ones.

Run: ``.venv/bin/python bench/coverage.py [--database-url URL] [--runs 30] [--skip-full]``.
Only the tables go to stdout. The edit of step 3 is committed (the bench database is scratch).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import p50, p95, print_table, progress  # noqa: E402 - after the path is set

DEFAULT_URL = "postgresql+psycopg://vigie:vigie@127.0.0.1/vigie_bench"
TARGET_INTERVENTIONS = 100_000
TARGET_PAGE_S = 1.0

_TOP_UP = """
WITH picked AS (
    SELECT a.id, a.geom, a.commune_id, a.type_id,
           now() - (random() * interval '730 days') AS reported_at, random() AS r
    FROM assets a TABLESAMPLE SYSTEM (12)
    WHERE a.status <> 'decommissioned' AND a.commune_id IS NOT NULL
    LIMIT :n
), made AS (
    INSERT INTO interventions (reference, version, kind, priority, status, problem, description, geom, commune_id,
                               checklist, reported_at, due_at, parts_used, completed_at, closed_at, outcome)
    SELECT 'INT-BENCH-' || lpad((row_number() OVER ())::text, 7, '0'), 1, 'corrective', 2,
           CASE WHEN p.r < 0.04 THEN 'new' WHEN p.r < 0.07 THEN 'assigned' ELSE 'closed' END,
           'out_of_order', 'bench', ST_PointOnSurface(p.geom), p.commune_id, '[]', p.reported_at,
           p.reported_at + interval '48 hours', '[]',
           CASE WHEN p.r >= 0.07 THEN p.reported_at + (2 + 198 * power(random(), 2)) * interval '1 hour' END,
           CASE WHEN p.r >= 0.07 THEN p.reported_at + interval '210 hours' END,
           CASE WHEN p.r >= 0.07 THEN 'back_in_service' END
    FROM picked p
    RETURNING id
)
SELECT count(*) FROM made
"""


def configure(url: str) -> None:
    os.environ.update(VIGIE_DATABASE_URL=url, VIGIE_REDIS_URL="redis://127.0.0.1:6379/10", VIGIE_DEMO_MODE="1",
                      VIGIE_SECRET_KEY="bench-secret-key-0123456789")


def top_up_interventions(engine) -> int:
    from sqlalchemy import text

    with engine.begin() as connection:
        count = connection.execute(text("SELECT count(*) FROM interventions")).scalar_one()
        if count < TARGET_INTERVENTIONS:
            progress(f"adding {TARGET_INTERVENTIONS - count:,} interventions")
            connection.execute(text(_TOP_UP), {"n": TARGET_INTERVENTIONS - count})
            connection.execute(text("ANALYZE interventions"))
        return connection.execute(text("SELECT count(*) FROM interventions")).scalar_one()


def full_refresh(engine) -> tuple[float, int]:
    from sqlalchemy.orm import Session

    from app.reports import coverage

    progress("full refresh (every cell)")
    with Session(engine) as session:
        start = time.perf_counter()
        summary = coverage.refresh_all(session)
        session.commit()
        return time.perf_counter() - start, summary.cells


def incremental_refresh(engine) -> tuple[float, float, int]:
    """(seconds of the edit with its triggers, seconds of the refresh, cells refreshed)."""
    from sqlalchemy import select, text
    from sqlalchemy.orm import Session

    import app.models  # noqa: F401 - every table, for the ORM's flush order
    from app.auth.models import User
    from app.db import STORAGE_SRID
    from app.inventory import services
    from app.reports import coverage

    with Session(engine) as session:
        coverage.refresh_dirty(session)  # whatever was left
        session.commit()
        light = session.execute(text("""
            SELECT a.id, a.version, a.status FROM assets a JOIN asset_types t ON t.id = a.type_id
            WHERE t.code = 'street_light' AND a.status IN ('in_service', 'faulty')
            ORDER BY a.geom <-> ST_Transform(ST_SetSRID(ST_MakePoint(5.0415, 47.3220), 4326), 2154) LIMIT 1""")).one()
        actor = session.scalars(select(User).where(User.login == "manager")).one()
        start = time.perf_counter()
        services.update_asset(session, actor, light.id, light.version, STORAGE_SRID,
                              properties={"status": "faulty" if light.status == "in_service" else "in_service"},
                              reason="bench")
        session.commit()
        edit = time.perf_counter() - start
        start = time.perf_counter()
        summary = coverage.refresh_dirty(session)
        session.commit()
        return edit, time.perf_counter() - start, summary.cells


def pages(runs: int) -> list[list[str]]:
    from app import create_app
    from app.settings import Settings

    app = create_app(Settings.from_env())
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"login": "councillor", "password": "vigie-demo",
                                       "csrf_token": token}).status_code == 302
    rows = []
    for label, path in (("métropole dashboard, 30 days", "/reports/"),
                        ("métropole dashboard, 365 days", "/reports/?period=365"),
                        ("Dijon dashboard, 30 days", "/reports/communes/21231"),
                        ("Dijon coverage GeoJSON", "/reports/communes/21231/coverage.geojson"),
                        ("métropole figures CSV", "/reports/figures.csv"),
                        ("Dijon PDF report", "/reports/communes/21231/report.pdf")):
        for _ in range(3):
            client.get(path)
        times, size = [], 0
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
            size = len(response.data)
        rows.append([label, str(runs), f"{p50(times) * 1000:.0f}", f"{p95(times) * 1000:.0f}", f"{size / 1024:.0f}",
                     "ok" if p95(times) < TARGET_PAGE_S else "MISSED"])
        progress(f"{label}: p50 {p50(times) * 1000:.0f} ms")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-full", action="store_true", help="keep the cells computed by an earlier run")
    args = parser.parse_args()
    configure(args.database_url)
    from sqlalchemy import text

    from app.db import make_engine

    engine = make_engine(args.database_url)
    interventions = top_up_interventions(engine)
    with engine.connect() as connection:
        assets = connection.execute(text("SELECT count(*) FROM assets")).scalar_one()
        lights = connection.execute(text("SELECT count(*) FROM assets WHERE type_id = "
                                         "(SELECT id FROM asset_types WHERE code = 'street_light')")).scalar_one()
    refresh_rows = []
    if not args.skip_full:
        seconds, cells = full_refresh(engine)
        refresh_rows.append(["full refresh", f"{cells:,} cells", f"{seconds:.1f} s"])
    edit, seconds, cells = incremental_refresh(engine)
    refresh_rows.append(["one edit (status of a light, triggers included)", "", f"{edit * 1000:.0f} ms"])
    refresh_rows.append(["incremental refresh after it", f"{cells} cells", f"{seconds * 1000:.0f} ms"])
    print_table(f"Coverage refresh — {assets:,} assets ({lights:,} street lights), {interventions:,} interventions, "
                f"{os.cpu_count()} cores", ["step", "size", "time"], refresh_rows)
    print_table("Dashboards (Flask test client, councillor, whole territory)",
                ["page", "runs", "p50 ms", "p95 ms", "KiB", f"p95 < {TARGET_PAGE_S:.0f} s"], pages(args.runs))


if __name__ == "__main__":
    main()
