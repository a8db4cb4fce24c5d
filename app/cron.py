"""`vigie-cron`: enqueues Vigie's recurring jobs on the worker's queue at fixed local times.

It is rq's CronScheduler, run beside ``vigie-worker`` (which executes the jobs). Cron
times are read in the process's local time, so the process takes the territory's time
zone whatever the server's. One process per installation is enough; a second one would
enqueue each job twice, which the jobs tolerate (they are idempotent and lock).
"""
from __future__ import annotations

import logging
import os
import sys
import time

from redis import Redis
from rq.cron import CronScheduler

from app.interventions.sla import DEFAULT_CALENDAR
from app.jobs.dispatch import remove_old_positions
from app.jobs.coverage import refresh_dirty_coverage
from app.jobs.maintenance import generate_preventive_interventions
from app.jobs.printing import remove_expired_prints
from app.jobs.road_network import refresh_network
from app.queue import QUEUE_NAME
from app.settings import Settings, SettingsError

# (job, cron expression in the territory's local time, timeout in seconds)
SCHEDULE = (
    (generate_preventive_interventions, "30 2 * * *", 3600),  # every night at 02:30
    (remove_expired_prints, "15 * * * *", 300),  # printed batches are kept a day
    (refresh_dirty_coverage, "* * * * *", 600),  # coverage cells that edits dirtied (idempotent, locked)
    (refresh_network, "*/10 * * * *", 900),  # road segments edited: the street network follows
    (remove_old_positions, "50 3 * * *", 1800),  # crews' positions are kept 30 days
)


def build_scheduler(redis: Redis) -> CronScheduler:
    """A cron scheduler with Vigie's recurring jobs registered on its queue."""
    scheduler = CronScheduler(connection=redis)
    for job, cron, timeout in SCHEDULE:
        scheduler.register(job, QUEUE_NAME, cron=cron, job_timeout=timeout)
    return scheduler


def main() -> None:
    """Enqueue the recurring jobs at their times until stopped (``vigie-cron``)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        sys.exit(f"vigie-cron: invalid setting {error}")
    os.environ["TZ"] = DEFAULT_CALENDAR.timezone  # before any job is registered: its next time is local
    time.tzset()
    build_scheduler(Redis.from_url(settings.redis_url)).start()


if __name__ == "__main__":
    main()
