"""Background jobs of printing: a batch of work orders as one PDF (progress in the job's
meta, retried by rq), and the hourly clean-up of old batches (scheduled by ``vigie-cron``)."""
from __future__ import annotations

import logging
import time
from datetime import date

from rq import get_current_job

from app.auth.models import User
from app.errors import NotFound
from app.i18n import msg
from app.jobs import job_session
from app.printing import day_queries, files, services
from app.printing.queries import PrintOptions
from app.settings import Settings

log = logging.getLogger(__name__)
PROGRESS_EVERY_SECONDS = 0.5


def print_work_orders(print_id: str, user_id: int, intervention_ids: list[int], options: dict,
                      team_id: int | None = None, day: str | None = None) -> dict:
    """Write the batch's PDF: the day's cover first when ``team_id`` and ``day`` are given,
    then the work orders of ``intervention_ids`` that ``user_id`` may read. Reads only."""
    settings = Settings.from_env()
    target = files.PrintFiles.of(settings.print_dir, print_id)
    if target is None:
        raise ValueError(f"not a print id: {print_id!r}")
    report = _progress_reporter(services.parts_of(intervention_ids, team_id))
    started = time.monotonic()
    with job_session() as session:
        actor = session.get(User, user_id)
        if actor is None or not actor.is_active:
            raise NotFound(msg("No such print."))
        print_options = PrintOptions(**options)
        cover = None
        if team_id is not None and day:
            cover = day_queries.day_pack(session, actor, team_id, date.fromisoformat(day), intervention_ids,
                                         print_options)
        size = services.write_batch(session, actor, intervention_ids, print_options, settings.print_branding,
                                    target, cover, report)
        session.rollback()  # nothing was written to the database
    report(None)
    log.info("print %s: %d work orders, %d bytes in %.1f s", print_id, len(intervention_ids), size,
             time.monotonic() - started)
    return {"orders": len(intervention_ids), "bytes": size}


def remove_expired_prints() -> dict:
    """Delete printed batches older than a day (and what killed attempts left)."""
    removed = files.remove_expired(Settings.from_env().print_dir)
    log.info("prints: %d old files removed", removed)
    return {"removed": removed}


def _progress_reporter(total: int):
    """``report(done)`` saves the progress in the job's meta (at most twice a second);
    ``report(None)`` marks it complete."""
    job = get_current_job()
    last = [0.0]

    def report(done: int | None) -> None:
        if job is None:
            return
        now = time.monotonic()
        if done is not None and now - last[0] < PROGRESS_EVERY_SECONDS:
            return
        last[0] = now
        job.meta.update(done=total if done is None else done, total=total)
        job.save_meta()

    return report
