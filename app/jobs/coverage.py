"""Coverage refresh jobs: the cells edits dirtied (every minute, ``vigie-cron``), or everything."""
from __future__ import annotations

import logging

from app.jobs import job_session
from app.reports import coverage

log = logging.getLogger(__name__)


def refresh_dirty_coverage() -> dict:
    """Recompute the coverage cells that asset edits marked, and their communes' figures."""
    with job_session() as session:
        summary = coverage.refresh_dirty(session)
        session.commit()
    if summary.cells:
        log.info("coverage: %d cells refreshed, %d communes", summary.cells, summary.communes)
    return {"cells": summary.cells, "communes": summary.communes}


def refresh_all_coverage() -> dict:
    """Recompute the coverage of the whole territory (after a change of ``app.reports.config``)."""
    with job_session() as session:
        summary = coverage.refresh_all(session)
        session.commit()
    log.info("coverage: full refresh, %d cells, %d communes", summary.cells, summary.communes)
    return {"cells": summary.cells, "communes": summary.communes}
