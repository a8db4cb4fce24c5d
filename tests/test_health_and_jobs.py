"""/healthz and background jobs through a real rq worker."""
from __future__ import annotations

import time
from contextlib import suppress

import pytest
from rq.cron import CronScheduler
from rq.exceptions import SchedulerNotFound
from rq.job import JobStatus
from sqlalchemy.orm import Session

from app.queue import PendingJob, enqueue_after_commit, enqueue_now, job_queue


def _wait_for(job, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while job.get_status() not in (JobStatus.FINISHED, JobStatus.FAILED):
        assert time.monotonic() < deadline, f"job still {job.get_status()}"
        time.sleep(0.1)
    return job


def test_health_job_runs_in_a_real_worker(rq_worker, redis):
    job = _wait_for(enqueue_now(redis, PendingJob("app.jobs.health.ping", (), retries=0, timeout=60)))
    assert job.get_status() == JobStatus.FINISHED
    assert job.return_value()["postgis"].startswith("3.")


@pytest.fixture()
def cron_alive(redis):
    """A scheduler registered as vigie-cron registers itself (its loop is not run: it would
    enqueue the recurring jobs on the tests' queue; the real process is started in
    tests/interventions/test_maintenance.py)."""
    scheduler = CronScheduler(connection=redis, name="healthz-test")
    scheduler.register_birth()
    yield scheduler
    with suppress(SchedulerNotFound):  # a test may have stopped it already
        scheduler.register_death()


def test_healthz_is_200_only_when_a_worker_listens_and_cron_runs(rq_worker, cron_alive, client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json
    checks = response.json["checks"]
    assert checks["database"]["ok"] and checks["postgis"]["ok"] and checks["redis"]["ok"]
    assert checks["worker"]["count"] >= 1 and checks["scheduler"]["count"] >= 1


def test_healthz_is_503_when_vigie_cron_has_stopped(rq_worker, cron_alive, client):
    cron_alive.register_death()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["scheduler"] == {
        "ok": False, "count": 0, "error": "no vigie-cron is running: recurring jobs are not enqueued"}
    assert response.json["checks"]["worker"]["ok"]


def test_healthz_is_503_without_a_worker(app, redis, monkeypatch):
    from app import health

    monkeypatch.setattr(health, "QUEUE_NAME", "a-queue-nobody-listens-to")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "failing"
    assert response.json["checks"]["worker"]["ok"] is False


def test_jobs_are_enqueued_on_commit_and_dropped_on_rollback(engine, redis):
    queue = job_queue(redis)
    queue.empty()
    with Session(engine) as session:
        enqueue_after_commit(session, redis, "app.jobs.health.ping", job_id="dropped-on-rollback")
        assert queue.count == 0
        session.rollback()
        session.commit()
    assert "dropped-on-rollback" not in queue.job_ids
    with Session(engine) as session:
        enqueue_after_commit(session, redis, "app.jobs.health.ping", job_id="sent-on-commit")
        assert "sent-on-commit" not in queue.job_ids
        session.commit()
    assert "sent-on-commit" in queue.job_ids
    queue.empty()


def test_an_unexpected_error_answers_json_on_the_api_and_rolls_back(app, login_as, client):
    from sqlalchemy import text

    from app.web import db_session

    def explode():
        db_session().execute(text("UPDATE users SET display_name = 'half-written'"))
        raise RuntimeError("boom")

    app.add_url_rule("/api/v1/_explode", "explode", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production, not raise in the test
    login_as("admin")
    response = client.get("/api/v1/_explode")
    assert response.status_code == 500
    assert response.json["message"].startswith("Vigie a rencontré une erreur inattendue")
    assert "half-written" not in client.get("/admin/users").text
