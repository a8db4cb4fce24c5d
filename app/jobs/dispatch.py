"""The crews' positions: old ones deleted every night (``vigie-cron``)."""
from __future__ import annotations

import logging

from app.dispatch.services import purge_old_positions
from app.jobs import job_session

log = logging.getLogger(__name__)


def remove_old_positions() -> dict:
    """Delete the positions received more than ``RETENTION_DAYS`` ago, a batch per commit
    so that the tablets' inserts never wait long; idempotent (a second run finds none)."""
    removed = 0
    while True:
        with job_session() as session:
            count = purge_old_positions(session)
            session.commit()
        removed += count
        if count == 0:
            break
    log.info("positions: %d old ones removed", removed)
    return {"removed": removed}
