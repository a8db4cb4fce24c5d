"""GET /healthz: are the database, PostGIS, Redis, an rq worker and ``vigie-cron`` alive?"""
from __future__ import annotations

from flask import Blueprint, jsonify
from rq import Worker
from rq.cron import CronScheduler
from sqlalchemy import text

from app.queue import QUEUE_NAME
from app.web import services

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    """JSON report of each dependency; HTTP 200 only when all are reachable."""
    checks = {"database": _check_database(), "redis": _check_redis()}
    checks["postgis"] = checks["database"].pop("postgis", {"ok": False, "error": "database unreachable"})
    unreachable = {"ok": False, "error": "redis unreachable"}
    checks["worker"] = _check_workers() if checks["redis"]["ok"] else unreachable
    checks["scheduler"] = _check_scheduler() if checks["redis"]["ok"] else unreachable
    healthy = all(check["ok"] for check in checks.values())
    return jsonify(status="ok" if healthy else "failing", checks=checks), 200 if healthy else 503


def _check_database() -> dict:
    try:
        with services().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                version = connection.execute(text("SELECT postgis_lib_version()")).scalar_one()
                postgis = {"ok": True, "version": version}
            except Exception as error:  # noqa: BLE001 - reported, not raised
                postgis = {"ok": False, "error": _short(error)}
        return {"ok": True, "postgis": postgis}
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": _short(error)}


def _check_redis() -> dict:
    try:
        services().redis.ping()
        return {"ok": True}
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": _short(error)}


def _check_workers() -> dict:
    try:
        workers = [w for w in Worker.all(connection=services().redis) if QUEUE_NAME in w.queue_names()]
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": _short(error)}
    if not workers:
        return {"ok": False, "count": 0, "error": "no rq worker is listening on the queue"}
    return {"ok": True, "count": len(workers)}


def _check_scheduler() -> dict:
    """Is a ``vigie-cron`` alive? It beats at least every minute; rq forgets one silent for 2 minutes."""
    try:
        schedulers = CronScheduler.all(connection=services().redis)
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": _short(error)}
    if not schedulers:
        return {"ok": False, "count": 0, "error": "no vigie-cron is running: recurring jobs are not enqueued"}
    return {"ok": True, "count": len(schedulers)}


def _short(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:200]
