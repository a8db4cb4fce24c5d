"""Background jobs on rq: enqueue after the transaction commits, never before.

A job enqueued inside a transaction that later rolls back would run against rows
that do not exist; so jobs are held on the session and sent to Redis on commit.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from redis import Redis
from rq import Queue, Retry
from sqlalchemy import event
from sqlalchemy.orm import Session

QUEUE_NAME = "vigie"
DEFAULT_TIMEOUT_SECONDS = 600
_PENDING_KEY = "vigie_pending_jobs"


@dataclass(frozen=True)
class PendingJob:
    func_path: str
    args: tuple
    retries: int
    timeout: int
    job_id: str | None = None
    meta: dict = field(default_factory=dict)


def job_queue(redis: Redis) -> Queue:
    """The one queue Vigie's worker listens on."""
    return Queue(QUEUE_NAME, connection=redis, default_timeout=DEFAULT_TIMEOUT_SECONDS)


def enqueue_after_commit(
    session: Session,
    redis: Redis,
    func_path: str,
    *args: object,
    retries: int = 3,
    timeout: int = DEFAULT_TIMEOUT_SECONDS,
    job_id: str | None = None,
) -> None:
    """Enqueue ``func_path(*args)`` once ``session`` commits (dropped on rollback)."""
    pending = session.info.setdefault(_PENDING_KEY, [])
    pending.append((redis, PendingJob(func_path, args, retries, timeout, job_id)))


def enqueue_now(redis: Redis, job: PendingJob):
    """Send a job to the queue immediately (for callers with nothing to commit)."""
    return job_queue(redis).enqueue(
        job.func_path,
        *job.args,
        job_id=job.job_id,
        job_timeout=job.timeout,
        retry=Retry(max=job.retries, interval=[5, 30, 120][: job.retries]) if job.retries else None,
        meta=job.meta,
    )


@event.listens_for(Session, "after_commit")
def _send_pending_jobs(session: Session) -> None:
    for redis, job in session.info.pop(_PENDING_KEY, []):
        enqueue_now(redis, job)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending_jobs(session: Session, _previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_PENDING_KEY, None)
