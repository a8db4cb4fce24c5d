"""The rq worker entry point: the composition root for background jobs."""
from __future__ import annotations

import logging
import sys

from redis import Redis
from rq import Worker

from app.queue import job_queue
from app.settings import Settings, SettingsError


def main() -> None:
    """Run a worker on Vigie's queue until stopped (``vigie-worker``)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        sys.exit(f"vigie-worker: invalid setting {error}")
    redis = Redis.from_url(settings.redis_url)
    Worker([job_queue(redis)], connection=redis).work(with_scheduler=True)


if __name__ == "__main__":
    main()
