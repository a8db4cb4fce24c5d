"""The nightly job that turns maintenance plans into interventions (scheduled by ``vigie-cron``)."""
from __future__ import annotations

import logging
from datetime import date

from app.interventions.maintenance import generate_due_interventions, territory_today
from app.jobs import job_session

log = logging.getLogger(__name__)


def generate_preventive_interventions(today: str | None = None) -> dict:
    """Create the interventions the active plans make due (as of ``today``, ISO date,
    default the territory's today); one commit. Returns the summary."""
    day = date.fromisoformat(today) if today else territory_today()
    with job_session() as session:
        summary = generate_due_interventions(session, day)
        session.commit()
    log.info("maintenance plans as of %s: %d interventions created, %d assets deferred, %d groups refused",
             day, len(summary.created), summary.deferred_assets, len(summary.failures))
    for failure in summary.failures:
        log.warning("maintenance plan %(plan)s, group %(group)s refused: %(message)s", failure)
    return summary.as_dict()
