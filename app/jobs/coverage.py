"""Coverage refresh jobs: the cells edits dirtied (every minute, ``vigie-cron``), or everything."""
from __future__ import annotations

import logging

from datetime import date

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


def compute_past_day(day: str) -> dict:
    """Compute every commune's figures of a past day (ISO date) from the history, when a
    dashboard asked for a date not computed yet; a day computed meanwhile is left as it is."""
    wanted = date.fromisoformat(day)
    with job_session() as session:
        if coverage.has_snapshot(session, wanted):
            return {"cells": 0, "communes": 0}
        summary = coverage.snapshot_as_of(session, wanted)
        session.commit()
    log.info("coverage: %s computed from the history, %d communes", day, summary.communes)
    return {"cells": summary.cells, "communes": summary.communes}
