"""Dispatch and field load benchmark: 200 tablets and 10 dispatchers against a real server.

The server is gunicorn as ``make run`` starts it (2 workers × 4 threads), on a copy of the
demo database (``vigie_field_bench``, made from ``vigie`` as a template, so the demo itself
is not touched), with the bench's field agents added to the demo teams.

Each tablet logs in as its own field agent, then every 15 s posts its GPS position (one
position, a fresh client id each time, moving a little along its way) and every 30 s polls
its day with the ETag it was given (``If-None-Match``: 304 when nothing changed). The day
polled is the coming day with the most planned work (``?date=``), so that the answers carry
real mission sheets and routes even when the benchmark runs at a weekend. Each
dispatcher reloads the planning board and polls the crews' positions every 10 s, and
opens the dispatch map page every 60 s. Starts are spread over the first period so the
clients do not beat in step.

Latency is measured from sending the request to reading the whole answer, per endpoint;
the requests run on a pool of threads large enough that none waits for a thread (the
"late" column counts requests that started more than 1 s after their time).

Run: ``.venv/bin/python bench/field_load.py [--tablets 200] [--dispatchers 10] [--minutes 5]``
(needs the demo database ``vigie``: ``make run`` once). Only the tables go to stdout.
"""
from __future__ import annotations

import argparse
import datetime as dt
import heapq
import os
import platform
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import p50, p95, print_table, progress  # noqa: E402 - after the path is set

SOURCE_DB = "vigie"
BENCH_DB = "vigie_field_bench"
ADMIN_URL = "postgresql+psycopg://vigie:vigie@127.0.0.1/postgres"
REDIS_URL = "redis://127.0.0.1:6379/9"
PORT = 5091
PASSWORD = "bench-field-agent-password"
DISPATCHER, DISPATCHER_PASSWORD = "dispatcher", "vigie-demo"
POSITION_PERIOD_S, DAY_PERIOD_S, BOARD_PERIOD_S, MAP_PERIOD_S = 15.0, 30.0, 10.0, 60.0
TARGETS_P95_MS = {"POST /api/v1/field/positions": 150.0, "GET /api/v1/field/day": 300.0}
DIJON_LONLAT = (5.0415, 47.3220)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, default=200)
    parser.add_argument("--dispatchers", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--keep-database", action="store_true", help="reuse vigie_field_bench if it exists")
    args = parser.parse_args()

    env = bench_environment()
    if not args.keep_database or not database_exists(BENCH_DB):
        copy_demo_database()
    agents = add_field_agents(env, args.tablets)
    day, planned = busiest_coming_day()
    server = start_server(env)
    try:
        base = f"http://127.0.0.1:{PORT}"
        wait_until_up(base)
        samples = run_load(base, agents, args.dispatchers, args.minutes * 60, day)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    report(samples, args, day, planned)


# --- set-up ---------------------------------------------------------------------------
def bench_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(VIGIE_DATABASE_URL=f"postgresql+psycopg://vigie:vigie@127.0.0.1/{BENCH_DB}", VIGIE_REDIS_URL=REDIS_URL,
               VIGIE_DEMO_MODE="1", VIGIE_SECRET_KEY="bench-secret-key-0123456789abcdef")
    return env


def admin_execute(statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


def database_exists(name: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(ADMIN_URL)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
    engine.dispose()
    return found is not None


def copy_demo_database() -> None:
    progress(f"copying {SOURCE_DB} into {BENCH_DB}")
    admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    admin_execute(f"CREATE DATABASE {BENCH_DB} TEMPLATE {SOURCE_DB}")


def add_field_agents(env: dict[str, str], count: int) -> list[str]:
    """``count`` field agents ``bench-agent-NNN`` spread over the demo teams (idempotent)."""
    progress(f"adding {count} field agents to the demo teams")
    script = f"""
import os
from sqlalchemy import select
from sqlalchemy.orm import Session
from app.auth.models import User
from app.auth.services import create_user
from app.db import make_engine, make_session_factory
from app.interventions.models import Team
engine = make_engine(os.environ["VIGIE_DATABASE_URL"])
make_session_factory(engine)  # registers every domain's models
with Session(engine) as session:
    teams = list(session.scalars(select(Team).where(Team.is_active).order_by(Team.id)))
    existing = set(session.scalars(select(User.login).where(User.login.like('bench-agent-%'))))
    for n in range({count}):
        login = f"bench-agent-{{n:03d}}"
        if login in existing:
            continue
        user = create_user(session, login, {PASSWORD!r}, "field_agent", f"Agent {{n:03d}}")
        teams[n % len(teams)].members.append(user)
    session.commit()
"""
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True)
    return [f"bench-agent-{n:03d}" for n in range(count)]


def busiest_coming_day() -> tuple[dt.date, int]:
    """The day of the next two weeks with the most interventions planned for crews."""
    from sqlalchemy import create_engine, text

    engine = create_engine(f"postgresql+psycopg://vigie:vigie@127.0.0.1/{BENCH_DB}")
    with engine.connect() as connection:
        day, planned = connection.execute(text(
            "SELECT (planned_start AT TIME ZONE 'Europe/Paris')::date AS day, count(*) FROM interventions "
            "WHERE team_id IS NOT NULL AND status IN ('planned', 'assigned', 'in_progress', 'on_hold') "
            "AND planned_start BETWEEN now() AND now() + interval '14 days' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1")).one()
    engine.dispose()
    return day, planned


def start_server(env: dict[str, str]) -> subprocess.Popen:
    progress("starting gunicorn (2 workers × 4 threads, as make run)")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen([str(gunicorn), "--bind", f"127.0.0.1:{PORT}", "--workers", "2", "--threads", "4",
                             "wsgi:app"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_up(base: str) -> None:
    for _ in range(120):
        try:
            if requests.get(f"{base}/login", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not start")


def log_in(base: str, login: str, password: str) -> tuple[requests.Session, str]:
    """A logged-in session and its CSRF token (read from the page's meta tag)."""
    session = requests.Session()
    form = session.get(f"{base}/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)
    answer = session.post(f"{base}/login", data={"login": login, "password": password, "csrf_token": token},
                          allow_redirects=True)
    answer.raise_for_status()
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', answer.text)
    if meta is None:
        raise SystemExit(f"could not log in as {login}")
    return session, meta.group(1)


# --- the load ---------------------------------------------------------------------------
class Recorder:
    """Latencies (ms) and failures per endpoint, shared by the threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.late: dict[str, int] = defaultdict(int)

    def timed(self, name: str, due: float, call) -> requests.Response | None:
        started = time.monotonic()
        try:
            answer = call()
            elapsed = (time.monotonic() - started) * 1000
            status = answer.status_code
        except requests.RequestException:
            answer, elapsed, status = None, (time.monotonic() - started) * 1000, 0
        with self.lock:
            self.latencies[name].append(elapsed)
            self.statuses[name][status] += 1
            if started - due > 1.0:
                self.late[name] += 1
        return answer


class Tablet:
    def __init__(self, base: str, login: str, rng: random.Random, day: dt.date) -> None:
        self.base = base
        self.day = day
        self.session, self.csrf = log_in(base, login, PASSWORD)
        self.lon = DIJON_LONLAT[0] + rng.uniform(-0.03, 0.03)
        self.lat = DIJON_LONLAT[1] + rng.uniform(-0.02, 0.02)
        self.etag: str | None = None
        self.rng = rng

    def post_position(self, recorder: Recorder, due: float) -> None:
        self.lon += self.rng.uniform(-0.0003, 0.0003)
        self.lat += self.rng.uniform(-0.0002, 0.0002)
        body = {"positions": [{"id": str(uuid.uuid4()), "longitude": round(self.lon, 6), "latitude": round(self.lat, 6),
                               "accuracy_m": 8, "recorded_at": dt.datetime.now(dt.timezone.utc).isoformat()}]}
        recorder.timed("POST /api/v1/field/positions", due, lambda: self.session.post(
            f"{self.base}/api/v1/field/positions", json=body, headers={"X-CSRFToken": self.csrf}, timeout=30))

    def poll_day(self, recorder: Recorder, due: float) -> None:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        answer = recorder.timed("GET /api/v1/field/day", due, lambda: self.session.get(
            f"{self.base}/api/v1/field/day?date={self.day.isoformat()}", headers=headers, timeout=30))
        if answer is not None and answer.status_code == 200:
            self.etag = answer.headers.get("ETag")


class Dispatcher:
    def __init__(self, base: str) -> None:
        self.base = base
        self.session, self.csrf = log_in(base, DISPATCHER, DISPATCHER_PASSWORD)
        self.crews_etag: str | None = None

    def reload_board(self, recorder: Recorder, due: float) -> None:
        recorder.timed("GET /interventions/board", due, lambda: self.session.get(
            f"{self.base}/interventions/board", headers={"Accept": "text/html"}, timeout=30))

    def poll_crews(self, recorder: Recorder, due: float) -> None:
        headers = {"If-None-Match": self.crews_etag} if self.crews_etag else {}
        answer = recorder.timed("GET /api/v1/dispatch/crews", due, lambda: self.session.get(
            f"{self.base}/api/v1/dispatch/crews", headers=headers, timeout=30))
        if answer is not None and answer.status_code == 200:
            self.crews_etag = answer.headers.get("ETag")

    def open_map(self, recorder: Recorder, due: float) -> None:
        recorder.timed("GET /dispatch", due, lambda: self.session.get(f"{self.base}/dispatch", timeout=30))


def run_load(base: str, agents: list[str], dispatchers: int, seconds: float, day: dt.date) -> Recorder:
    rng = random.Random(8)
    progress(f"logging in {len(agents)} tablets and {dispatchers} dispatchers")
    with ThreadPoolExecutor(max_workers=8) as pool:
        tablets = list(pool.map(lambda login: Tablet(base, login, random.Random(login), day), agents))
        desks = list(pool.map(lambda _: Dispatcher(base), range(dispatchers)))
    schedule: list[tuple[float, int, object, float]] = []  # (due, tie-breaker, action, period)
    start = time.monotonic() + 1.0
    tie = 0
    for tablet in tablets:
        for action, period in ((tablet.post_position, POSITION_PERIOD_S), (tablet.poll_day, DAY_PERIOD_S)):
            heapq.heappush(schedule, (start + rng.uniform(0, period), tie := tie + 1, action, period))
    for desk in desks:
        for action, period in ((desk.reload_board, BOARD_PERIOD_S), (desk.poll_crews, BOARD_PERIOD_S),
                               (desk.open_map, MAP_PERIOD_S)):
            heapq.heappush(schedule, (start + rng.uniform(0, period), tie := tie + 1, action, period))
    recorder = Recorder()
    end = start + seconds
    progress(f"running the load for {seconds:.0f} s")
    with ThreadPoolExecutor(max_workers=64) as pool:
        while schedule and schedule[0][0] < end:
            due, _, action, period = heapq.heappop(schedule)
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(action, recorder, due)
            heapq.heappush(schedule, (due + period, tie := tie + 1, action, period))
    return recorder


def report(recorder: Recorder, args, day: dt.date, planned: int) -> None:
    rows = []
    for name in sorted(recorder.latencies):
        samples = recorder.latencies[name]
        statuses = ", ".join(f"{code or 'error'}×{n}" for code, n in sorted(recorder.statuses[name].items()))
        target = TARGETS_P95_MS.get(name)
        rows.append([name, str(len(samples)), f"{p50(samples):.1f}", f"{p95(samples):.1f}",
                     f"< {target:.0f}" if target else "—", str(recorder.late[name]), statuses])
    machine = f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print_table(
        f"Field and dispatch load: {args.tablets} tablets, {args.dispatchers} dispatchers, {args.minutes:g} min "
        f"({dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, {machine})",
        ["endpoint", "requests", "p50 ms", "p95 ms", "target p95", "late", "answers"], rows,
        notes=("gunicorn 2 workers × 4 threads on the same machine as the load; ms from send to whole answer",
               f"day polled: {day.isoformat()}, {planned} interventions planned for the demo's 7 crews"))


if __name__ == "__main__":
    main()
