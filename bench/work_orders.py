"""Work-order printing benchmark, on the demo database (``make run`` loads it into ``vigie``).

1. One work order with its map through ``GET /interventions/<id>/work-order.pdf``, in
   process (Flask test client, logged in as ``dispatcher``): 3 warm-up requests, then one
   request for each of ``--runs`` different open interventions with assets, at 1:1,000,
   and the same at 1:2,000 (more of the map); plus the demo's largest intervention (26 assets).
   Each time covers the request: reading the intervention, its assets, their history and the
   map's features, laying out and writing the PDF.
2. A pack of ``--pack`` work orders (the most recent interventions with assets) through the
   job function ``app.jobs.printing.print_work_orders``, in a child process of its own so
   that its peak RSS is the pack's: wall time, CPU time, pages, size, and the RSS sampled
   every 0.2 s (it must stay flat: the pack never holds its pages as images).
3. The demo's busiest crew day (cover page and route, then its work orders) the same way.

The database is only read. Run: ``.venv/bin/python bench/work_orders.py [--runs 30] [--pack 500]``
(about 2 minutes). Only the tables go to stdout; short progress lines go to stderr.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import p95, print_table, progress  # noqa: E402 - after the path is set

DEFAULT_URL = "postgresql+psycopg://vigie:vigie@127.0.0.1/vigie"
REDIS_URL = "redis://127.0.0.1:6379/10"  # required by the settings; the benchmark queues nothing
LOGIN, PASSWORD = "dispatcher", "vigie-demo"
WARMUP = 3
TARGET_ONE_P50 = 0.400
TARGET_PACK_S = 90.0


def configure(url: str, print_dir: str) -> None:
    """The settings the app and the job read (demo mode: the demo accounts log in)."""
    os.environ.update(VIGIE_DATABASE_URL=url, VIGIE_REDIS_URL=REDIS_URL, VIGIE_DEMO_MODE="1",
                      VIGIE_PRINT_DIR=print_dir, VIGIE_SECRET_KEY="bench-secret-key-0123456789")


def sample_ids(engine, limit: int, open_only: bool) -> list[int]:
    """The most recently reported interventions with assets (only the open ones if asked)."""
    from sqlalchemy import text

    status = "AND i.status IN ('planned', 'assigned', 'in_progress', 'on_hold', 'new', 'reopened')" if open_only else ""
    with engine.connect() as connection:
        return list(connection.execute(text(
            "SELECT i.id FROM interventions i WHERE EXISTS (SELECT 1 FROM intervention_assets ia "
            f"WHERE ia.intervention_id = i.id) {status} ORDER BY i.reported_at DESC, i.id LIMIT :n"), {"n": limit})
            .scalars())


def environment_rows(engine) -> list[list[str]]:
    """The machine and the data the figures were measured on."""
    from sqlalchemy import text

    with engine.connect() as connection:
        pg = connection.execute(text("SHOW server_version")).scalar()
        assets = connection.execute(text("SELECT count(*) FROM assets")).scalar()
        interventions = connection.execute(text("SELECT count(*) FROM interventions")).scalar()
    mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal:"))
    import reportlab

    return [["date", dt.date.today().isoformat()], ["CPU cores", str(os.cpu_count())],
            ["RAM", f"{mem_kb / 1024 / 1024:.1f} GiB"], ["PostgreSQL", pg], ["Python", platform.python_version()],
            ["reportlab", reportlab.Version], ["assets", f"{assets:,}"], ["interventions", f"{interventions:,}"]]


# ---- 1. one work order through its route --------------------------------------------------------

def one_work_order(url: str, runs: int) -> list[list[str]]:
    """Time one work order through its route, for several sets of interventions."""
    from app import create_app
    from app.db import make_engine
    from app.settings import Settings

    app = create_app(Settings.from_env())
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"login": LOGIN, "password": PASSWORD, "csrf_token": token}).status_code == 302
    engine = make_engine(url)
    ids = sample_ids(engine, runs, open_only=True)
    largest = _largest_intervention(engine)
    rows = []
    for label, scale, chosen in (("open, with assets", 1000, ids), ("open, with assets", 2000, ids),
                                 ("largest (most assets)", 1000, [largest] * runs)):
        for item in chosen[:WARMUP]:
            client.get(f"/interventions/{item}/work-order.pdf?scale={scale}")
        times, sizes = [], []
        for item in chosen:
            start = time.perf_counter()
            response = client.get(f"/interventions/{item}/work-order.pdf?scale={scale}")
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
            sizes.append(len(response.data))
        p50 = statistics.median(times)
        rows.append([label, f"1:{scale:,}", str(len(times)), f"{p50 * 1000:.0f}", f"{p95(times) * 1000:.0f}",
                     f"{max(times) * 1000:.0f}", f"{statistics.mean(sizes) / 1024:.0f}",
                     "ok" if p50 < TARGET_ONE_P50 else "MISSED"])
        progress(f"one work order, {label} at 1:{scale}: p50 {p50 * 1000:.0f} ms")
    return rows


def _largest_intervention(engine) -> int:
    from sqlalchemy import text

    with engine.connect() as connection:
        return connection.execute(text("SELECT intervention_id FROM intervention_assets GROUP BY 1 "
                                        "ORDER BY count(*) DESC, 1 LIMIT 1")).scalar()


# ---- 2-3. packs through the job function, in a child process -------------------------------------

def pack_child(url: str, size: int, day: bool) -> None:
    """Print one pack through the job function and report on stdout as JSON."""
    from sqlalchemy import text

    from app.db import make_engine
    from app.jobs.printing import print_work_orders
    from app.printing.files import PrintFiles

    engine = make_engine(url)
    with engine.connect() as connection:
        user_id = connection.execute(text("SELECT id FROM users WHERE login = :l"), {"l": LOGIN}).scalar()
    team_id = day_id = None
    if day:
        team_id, day_id, ids = _busiest_day(engine)
    else:
        ids = sample_ids(engine, size, open_only=False)
    samples: list[tuple[float, int]] = []
    done = threading.Event()
    start = time.perf_counter()
    threading.Thread(target=_sample_rss, args=(samples, start, done), daemon=True).start()
    before = resource.getrusage(resource.RUSAGE_SELF)
    print_id = "0" * 31 + ("d" if day else "a")
    result = print_work_orders(print_id, user_id, ids, {"scale": 1000, "language": "fr", "public_url": "http://bench",
                                                        "srid": int(os.environ.get("VIGIE_STORAGE_SRID", 2154))},
                               team_id, day_id)
    wall = time.perf_counter() - start
    done.set()
    after = resource.getrusage(resource.RUSAGE_SELF)
    peak = _status_mib("VmHWM")  # this process's high-water mark (ru_maxrss would count the parent before exec)
    from pypdf import PdfReader

    pdf = PrintFiles(Path(os.environ["VIGIE_PRINT_DIR"]), print_id).pdf
    print(json.dumps({"orders": len(ids), "wall": wall, "pages": len(PdfReader(pdf).pages), "bytes": result["bytes"],
                      "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
                      "peak_mb": peak, "samples": samples}))


def _busiest_day(engine) -> tuple[int, str, list[int]]:
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app.auth.models import User
    from app.interventions.board import LOCAL_ZONE
    from app.printing import day_queries

    with engine.connect() as connection:
        team_id, day = connection.execute(text(
            "SELECT team_id, (planned_start AT TIME ZONE :zone)::date FROM interventions WHERE team_id IS NOT NULL "
            "AND planned_start IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC, 2 DESC LIMIT 1"),
            {"zone": str(LOCAL_ZONE)}).one()
    with Session(engine) as session:
        actor = session.query(User).filter_by(login=LOGIN).one()
        return team_id, day.isoformat(), day_queries.crew_day(session, actor, team_id, day)


def _status_mib(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in MiB."""
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith(f"{field}:")) // 1024


def _sample_rss(samples: list, start: float, done: threading.Event) -> None:
    while not done.is_set():
        samples.append((time.perf_counter() - start, _status_mib("VmRSS")))
        done.wait(0.2)


def pack(url: str, size: int, day: bool) -> dict:
    """Run ``pack_child`` in a process of its own and read its report."""
    command = [sys.executable, __file__, "--pack-child", str(size), "--database-url", url] + (["--day"] if day else [])
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ.copy(), cwd=ROOT)
    return json.loads(output.stdout.strip().splitlines()[-1])


def pack_rows(label: str, result: dict, target: float | None) -> list[str]:
    """A row of the packs' table."""
    samples = result["samples"]
    at = [samples[0][1], next(rss for t, rss in samples if t >= result["wall"] / 2), samples[-1][1]]
    verdict = "-" if target is None else ("ok" if result["wall"] < target else "MISSED")
    return [label, str(result["orders"]), str(result["pages"]), f"{result['wall']:.1f}", f"{result['cpu']:.1f}",
            f"{result['wall'] / result['orders'] * 1000:.0f}", f"{result['bytes'] / 1024 / 1024:.1f}",
            " / ".join(map(str, at)), f"{result['peak_mb']:.0f}", verdict]


def main() -> None:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pack", type=int, default=500)
    parser.add_argument("--pack-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--day", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pack_child is not None:
        pack_child(args.database_url, args.pack_child, args.day)
        return
    with tempfile.TemporaryDirectory(prefix="vigie-bench-prints-") as print_dir:
        configure(args.database_url, print_dir)
        from app.db import make_engine

        print_table("Environment", ["item", "value"], environment_rows(make_engine(args.database_url)))
        progress("one work order through its route")
        print_table("One work order with its map: GET /interventions/<id>/work-order.pdf (in process)",
                    ["interventions", "scale", "n", "p50 ms", "p95 ms", "max ms", "KiB", "p50 < 400 ms"],
                    one_work_order(args.database_url, args.runs))
        progress(f"a pack of {args.pack} work orders")
        big = pack(args.database_url, args.pack, day=False)
        progress("the busiest crew day")
        day = pack(args.database_url, 0, day=True)
        print_table("Packs through the job function (one process; RSS sampled every 0.2 s)",
                    ["pack", "orders", "pages", "wall s", "CPU s", "ms/order", "MiB", "RSS MiB start/half/end",
                     "peak MiB", "< 90 s"],
                    [pack_rows("most recent with assets", big, TARGET_PACK_S),
                     pack_rows("busiest crew day (+ cover)", day, None)])


if __name__ == "__main__":
    main()
