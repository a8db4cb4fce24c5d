"""Crews' days: optimised visiting order (OR-Tools, ``app.dispatch.day_plan``) against the
naive order (as planned: by planned start, then reference), on generated days.

Each day: a depot and 5–10 jobs (seeded), 20–60 min on site, one in ten P1, one in five
with a one-hour slot between 09:00 and 15:00, shift 07:30–16:00.

1. Straight-line travel (the fallback, what the demo has: it loads no road segments): the
   jobs drawn in a 6 km square around the depot.
2. On a street network, when ``--network-url`` names a database with one built
   (``vigie build-road-network``; e.g. a scratch database with the Montpellier street
   network of tests/imports/data imported): the jobs drawn on random road segments, the
   matrix read from pgRouting (``travel_matrix``, one statement per day).

3. The demo's own crew days, with ``--demo-url`` (default: the ``vigie`` database that
   ``make run`` loads): every team and day with at least 3 interventions planned on it
   (most of them past and closed: they are re-planned here as if not yet started), the
   jobs as ``app.dispatch.days`` sees them (estimate, slot, due time, priority), from and
   back to the team's depot, straight-line travel (the demo loads no road segments).

Reported: total travel optimised vs naive (sum over the days, and the median saving per
day), solve time p50/p95 (the solver's time limit is 200 ms + 40 ms a job, at most 1 s),
and for the network the matrix time p50/p95.
Run: ``.venv/bin/python bench/day_routes.py [--days 100] [--network-url postgresql+psycopg://…]``
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import p50, p95, print_table, progress  # noqa: E402 - after the path is set

SHIFT = (7 * 3600 + 1800, 16 * 3600)


def _jobs(rnd: random.Random, count: int, first_node: int):
    from app.dispatch.day_plan import Job

    jobs = []
    for n in range(count):
        slot = rnd.random() < 0.2
        start = rnd.choice(range(9, 15)) * 3600 if slot else None
        jobs.append(Job(id=n + 1, node=first_node + n, priority=1 if rnd.random() < 0.1 else rnd.choice((2, 3, 3, 4)),
                        service=rnd.choice((20, 30, 45, 60)) * 60, earliest=start,
                        latest_end=start + 3600 if slot else None))
    # Naive: by planned start (slots at their time, the rest at 08:00), then reference.
    return sorted(jobs, key=lambda j: (j.earliest or 8 * 3600, j.id))


def _run(days: list[tuple[list, list[list[float]]]]) -> dict:
    from app.dispatch.day_plan import optimise, simulate

    optimised, naive, savings, solve_ms, late = 0.0, 0.0, [], [], [0, 0]
    for jobs, seconds in days:
        started = time.perf_counter()
        found = optimise(jobs, seconds, 0, 0, SHIFT[0], SHIFT[1])
        solve_ms.append((time.perf_counter() - started) * 1000)
        planned = simulate(jobs, seconds, 0, 0, SHIFT[0], SHIFT[1])
        optimised, naive = optimised + found.travel_seconds, naive + planned.travel_seconds
        late[0] += found.late_seconds + found.overtime_seconds
        late[1] += planned.late_seconds + planned.overtime_seconds
        savings.append(1 - found.travel_seconds / planned.travel_seconds if planned.travel_seconds else 0)
    return {"optimised": optimised, "naive": naive, "saving": statistics.median(savings), "solve": solve_ms,
            "late": late, "days": len(days)}


def straight_line_days(count: int, seed: int) -> list:
    from app.dispatch.travel import Place, straight_line_leg

    rnd, days = random.Random(seed), []
    for _ in range(count):
        jobs = _jobs(rnd, rnd.randint(5, 10), 1)
        places = [Place(0, 0)] + [Place(rnd.uniform(-3000, 3000), rnd.uniform(-3000, 3000)) for _ in jobs]
        days.append((jobs, [[straight_line_leg(a, b).seconds for b in places] for a in places]))
    return days


def network_days(url: str, count: int, seed: int) -> tuple[list, list[float]]:
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app.db import make_engine
    from app.dispatch.travel import Place, travel_matrix

    rnd, days, matrix_ms = random.Random(seed), [], []
    with Session(make_engine(url)) as session:
        edges = session.execute(text("SELECT count(*) FROM road_network_edges")).scalar()
        if not edges:
            raise SystemExit(f"no street network in {url}: run `vigie build-road-network` there")
        for _ in range(count):
            jobs = _jobs(rnd, rnd.randint(5, 10), 1)
            ids = [rnd.randint(1, edges) for _ in range(len(jobs) + 1)]
            rows = session.execute(text(
                "SELECT e.id, ST_X(p), ST_Y(p) FROM road_network_edges e, ST_LineInterpolatePoint(e.geom, 0.5) p "
                "WHERE e.id = ANY(:ids)"), {"ids": ids}).all()
            by_id = {row[0]: Place(row[1], row[2]) for row in rows}
            places = [by_id[i] for i in ids]
            started = time.perf_counter()
            legs = travel_matrix(session, places)
            matrix_ms.append((time.perf_counter() - started) * 1000)
            days.append((jobs, [[leg.seconds for leg in row] for row in legs]))
    return days, matrix_ms


def demo_days(url: str, limit: int) -> tuple[list, list[int]]:
    """The demo's busiest (team, day) pairs as optimiser inputs; also their job counts."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app.db import make_engine
    from app.dispatch.days import optimiser_job
    from app.dispatch.travel import Place, travel_matrix

    days, sizes = [], []
    with Session(make_engine(url)) as session:
        pairs = session.execute(text("""
            SELECT i.team_id, (i.planned_start AT TIME ZONE 'Europe/Paris')::date AS day, count(*) AS jobs
            FROM interventions i JOIN teams t ON t.id = i.team_id AND t.depot IS NOT NULL
            WHERE i.planned_start IS NOT NULL AND i.status <> 'cancelled'
            GROUP BY 1, 2 HAVING count(*) >= 3 ORDER BY count(*) DESC, 2 DESC, 1 LIMIT :limit"""),
            {"limit": limit}).all()
        for team_id, day, _count in pairs:
            depot = session.execute(text("SELECT ST_X(depot), ST_Y(depot) FROM teams "
                                         "WHERE id = :id"), {"id": team_id}).one()
            rows = session.execute(text("""
                SELECT i.id, i.priority, i.planned_start, i.planned_end, i.due_at, i.estimated_minutes,
                       ST_X(ST_PointOnSurface(i.geom)) AS x, ST_Y(ST_PointOnSurface(i.geom)) AS y
                FROM interventions i WHERE i.team_id = :team AND i.status <> 'cancelled'
                  AND (i.planned_start AT TIME ZONE 'Europe/Paris')::date = :day
                ORDER BY i.planned_start, i.id"""), {"team": team_id, "day": day}).mappings().all()
            jobs = [optimiser_job(dict(row), n + 1, day) for n, row in enumerate(rows)]
            places = [Place(depot[0], depot[1])] + [Place(row["x"], row["y"]) for row in rows]
            days.append((jobs, [[leg.seconds for leg in row] for row in travel_matrix(session, places)]))
            sizes.append(len(jobs))
    return days, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--network-url", default=os.environ.get("VIGIE_BENCH_NETWORK_URL"))
    parser.add_argument("--demo-url", default="postgresql+psycopg://vigie:vigie@127.0.0.1/vigie",
                        help="the demo database whose crew days are re-planned ('' to skip)")
    args = parser.parse_args()
    os.environ.setdefault("VIGIE_DATABASE_URL", args.network_url or "postgresql+psycopg://vigie:vigie@127.0.0.1/vigie")
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"Crews' days, {now}, {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}\n")
    rows = []
    progress(f"{args.days} straight-line days")
    results = [("straight line (demo: no road segments)", _run(straight_line_days(args.days, args.seed)), None)]
    if args.network_url:
        progress(f"{args.days} days on the street network of {args.network_url.rsplit('/', 1)[-1]}")
        days, matrix_ms = network_days(args.network_url, args.days, args.seed)
        results.append(("street network (Montpellier, pgRouting)", _run(days), matrix_ms))
    if args.demo_url:
        progress(f"the {args.days} busiest crew days of the demo ({args.demo_url.rsplit('/', 1)[-1]})")
        days, sizes = demo_days(args.demo_url, args.days)
        if days:
            results.append((f"demo crew days ({min(sizes)}-{max(sizes)} jobs, straight line)", _run(days), None))
    for name, result, matrix_ms in results:
        rows.append([name, str(result["days"]), f"{result['optimised'] / 3600:.1f} h", f"{result['naive'] / 3600:.1f} h",
                     f"{100 * (1 - result['optimised'] / result['naive']):.0f} %", f"{100 * result['saving']:.0f} %",
                     f"{result['late'][0] / 60:.0f} / {result['late'][1] / 60:.0f} min",
                     f"{p50(result['solve']):.0f} / {p95(result['solve']):.0f}",
                     f"{p50(matrix_ms):.0f} / {p95(matrix_ms):.0f}" if matrix_ms else "—"])
    print_table("Total travel, optimised vs naive (planned-start order), and times in ms",
                ["travel times", "days", "optimised", "naive", "saved", "median/day", "late+overtime opt/naive", "solve p50/p95",
                 "matrix p50/p95"], rows,
                notes=("5-10 jobs a day, depot start and end, P1 first, 20 % in one-hour slots (seeded);",
                       "late+overtime: minutes past slot ends and past the shift end, summed over the days."))


if __name__ == "__main__":
    main()
