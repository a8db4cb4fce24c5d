"""Test fixtures: real PostgreSQL + PostGIS, real Redis, a real rq worker.

The suite runs against its own database (``<name>_test`` beside the configured one,
or VIGIE_TEST_DATABASE_URL) and Redis database 15 (or VIGIE_TEST_REDIS_URL), so it
never touches the data or the queue of a running Vigie. The test database is rebuilt
from the Alembic migrations at the start of every run; each test then runs inside a
transaction that is rolled back (join_transaction_mode="create_savepoint").
"""
from __future__ import annotations

import dataclasses
import itertools
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


def _test_database_url() -> str:
    if os.environ.get("VIGIE_TEST_DATABASE_URL"):
        return os.environ["VIGIE_TEST_DATABASE_URL"]
    base = make_url(os.environ.get("VIGIE_DATABASE_URL", "postgresql+psycopg://vigie:vigie@127.0.0.1/vigie"))
    return base.set(database=f"{base.database}_test").render_as_string(hide_password=False)


def _test_redis_url() -> str:
    if os.environ.get("VIGIE_TEST_REDIS_URL"):
        return os.environ["VIGIE_TEST_REDIS_URL"]
    base = os.environ.get("VIGIE_REDIS_URL", "redis://127.0.0.1:6379/0")
    return re.sub(r"(/\d+)?$", "/15", base.split("?")[0], count=1)


# Set before any app module is imported: the app, the CLI and the worker subprocess
# all read these.
os.environ["VIGIE_DATABASE_URL"] = _test_database_url()
os.environ["VIGIE_REDIS_URL"] = _test_redis_url()
os.environ.setdefault("VIGIE_SECRET_KEY", "test-secret-key-0123456789")
os.environ["VIGIE_DEMO_MODE"] = "1"
os.environ.setdefault("VIGIE_DEFAULT_LANGUAGE", "fr")
os.environ.setdefault("VIGIE_PRINT_DIR", str(ROOT / "test-artifacts" / "prints"))  # batches of work orders

from redis import Redis  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.db_admin import recreate_database, run_alembic  # noqa: E402,F401 - also used by test_migrations
from app.settings import Settings  # noqa: E402


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session")
def engine(settings: Settings):
    """The migrated test database, with the Dijon territory and demo accounts committed."""
    from app.db import make_engine
    from app.demo.dijon import load_demo

    recreate_database(settings.database_url)
    run_alembic(settings.database_url, ("upgrade", "head"))
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        load_demo(session, settings.storage_srid)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture()
def db(engine):
    """A session whose work is rolled back after the test, commits included."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture(scope="session")
def redis(settings: Settings) -> Redis:
    return Redis.from_url(settings.redis_url)


@pytest.fixture(autouse=True)
def _forget_login_failures(request):
    """Throttling counters must not leak from one test to the next."""
    if "redis" in request.fixturenames or "client" in request.fixturenames or "live_server" in request.fixturenames:
        connection = request.getfixturevalue("redis")
        for key in connection.scan_iter("vigie:login-failures:*"):
            connection.delete(key)


@pytest.fixture(autouse=True)
def _drop_jobs_of_rolled_back_tests(request):
    """Pages under the test client enqueue jobs for rows that are rolled back afterwards;
    a later test's worker must not run them against rows that reuse those ids."""
    yield
    if "client" in request.fixturenames:
        from app.queue import job_queue

        job_queue(request.getfixturevalue("redis")).empty()


@pytest.fixture()
def app(settings, db):
    """The Flask app, its requests running inside the test's transaction."""
    from app import create_app

    flask_app = create_app(settings)
    services = flask_app.extensions["vigie"]
    connection = db.connection()
    flask_app.extensions["vigie"] = dataclasses.replace(
        services,
        session_factory=lambda: Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False),
    )
    flask_app.config["TESTING"] = True
    return flask_app


@pytest.fixture()
def client(app):
    return app.test_client()


_logins = itertools.count(1)


@pytest.fixture()
def make_user(db):
    """Create a user in the test transaction: make_user("councillor", communes=["21231"])."""
    from app.auth.services import create_user

    def make(role: str, password: str = "correct-horse-battery", communes: list[str] | None = None, login: str | None = None):
        return create_user(db, login or f"{role.replace('_', '')}{next(_logins)}", password, role, commune_insee=communes)

    return make


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture()
def login_as(client, make_user):
    """Log the test client in as a new user of ``role``; returns the user."""

    def login(role: str, communes: list[str] | None = None):
        user = make_user(role, communes=communes)
        page = client.get("/login")
        response = client.post(
            "/login",
            data={"login": user.login, "password": "correct-horse-battery", "csrf_token": csrf_token_from(page.text)},
        )
        assert response.status_code == 302, response.text
        return user

    return login


@pytest.fixture(scope="session")
def live_server(engine, settings):
    """The real app (committed data, its own sessions) on a free local port, for browsers and clients."""
    import threading

    from werkzeug.serving import make_server

    from app import create_app

    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def rq_worker(engine, redis):
    """A real ``vigie-worker`` process on the test Redis database."""
    from rq import Worker

    from app.queue import QUEUE_NAME

    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "test-artifacts" / "worker.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "app.worker"], env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 30
    while not any(QUEUE_NAME in w.queue_names() for w in Worker.all(connection=redis)):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the rq worker did not start; see test-artifacts/worker.log")
        time.sleep(0.2)
    yield process
    process.terminate()
    process.wait(timeout=30)
    log.close()


# ---- registry factories (used by inventory, tiles, ogc tests) ------------------------
DIJON_CENTRE = (5.0415, 47.3220)  # Place de la Libération
TALANT = (4.9990, 47.3370)


def storage_point(settings, lon: float, lat: float):
    """A WGS84 point reprojected to the storage SRID."""
    from shapely.geometry import Point

    from gis.crs import reproject

    return reproject(Point(lon, lat), 4326, settings.storage_srid)


@pytest.fixture()
def editor(make_user):
    return make_user("asset_manager")


@pytest.fixture()
def make_asset(db, settings, editor):
    """make_asset("bench", lonlat=(5.04, 47.32), properties={...})."""
    from app.inventory import services

    def make(type_code: str = "bench", lonlat=DIJON_CENTRE, properties: dict | None = None, actor=None):
        return services.create_asset(db, actor or editor, type_code, storage_point(settings, *lonlat),
                                     settings.storage_srid, properties or {})

    return make


# ---- intervention factories (used by interventions, tiles, ogc and browser tests) -----
@pytest.fixture()
def make_team(db, make_user):
    """make_team("Éclairage Nord", members=[user], capacity=14): a team with field agents."""
    from app.interventions.models import Team

    names = itertools.count(1)

    def make(name: str | None = None, members: list | None = None, capacity: float = 14.0):
        team = Team(name=name or f"Team {next(names)}-{next(_logins)}", daily_capacity_hours=capacity,
                    members=members if members is not None else [make_user("field_agent")])
        db.add(team)
        db.flush()
        return team

    return make


@pytest.fixture()
def sla_rules(db):
    """The default SLA rules (no type), loaded with the demo: P1 4 and P2 24 calendar hours,
    P3 40 and P4 160 working hours."""
    from sqlalchemy import select

    from app.interventions.defaults import DEFAULT_SLA_RULES
    from app.interventions.models import SlaRule

    rules = list(db.scalars(select(SlaRule).where(SlaRule.asset_type_id.is_(None)).order_by(SlaRule.priority)))
    assert [(r.priority, r.hours, r.counting) for r in rules] == [
        (rule["priority"], rule["hours"], rule["counting"]) for rule in DEFAULT_SLA_RULES]
    return rules


@pytest.fixture()
def dispatcher(make_user):
    return make_user("dispatcher")


@pytest.fixture()
def make_intervention(db, settings, dispatcher, make_asset):
    """make_intervention(assets=[asset], kind="corrective", priority="P2", problem="out_of_order")."""
    from app.interventions import services

    def make(assets: list | None = None, kind: str = "corrective", priority: str = "P2",
             problem: str | None = "out_of_order", actor=None, **fields):
        assets = assets if assets is not None else [make_asset("bench")]
        return services.create_intervention(
            db, actor or dispatcher, kind=kind, priority=priority, srid=settings.storage_srid,
            asset_ids=[a.id for a in assets], problem=problem if kind == "corrective" else None,
            description=fields.pop("description", "Test"), **fields)

    return make
