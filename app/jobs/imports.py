"""The import jobs: validate, commit, undo. Each runs one step in one transaction; a
failure is rolled back and recorded on the import (status back to before the step)."""
from __future__ import annotations

import logging
from typing import Callable

from rq import get_current_job
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.imports import services
from app.imports.models import Import
from app.jobs import job_session
from app.queue import job_queue
from app.settings import Settings

log = logging.getLogger(__name__)
STEPS: dict[str, Callable] = {
    "validate": services.run_validation,
    "commit": services.run_commit,
    "undo": services.run_undo,
}


def run_import_step(step: str, import_id: int) -> None:
    """Run ``step`` (validate, commit or undo) of import ``import_id``."""
    srid = Settings.from_env().storage_srid
    job = get_current_job()
    with job_session() as session:
        run_step_in(session, step, import_id, srid, job.id if job else None)


def run_step_in(session: Session, step: str, import_id: int, storage_srid: int, job_id: str | None = None) -> None:
    """Run a step with ``session`` and commit; on failure roll back and record why. Only the
    job the import names (``job_id``) may act: a stale or repeated job changes nothing."""
    if job_id is not None and session.scalar(select(Import.job_id).where(Import.id == import_id)) != job_id:
        log.warning("import %s: job %s is not the import's current job; ignored", import_id, job_id)
        return
    try:
        STEPS[step](session, import_id, storage_srid, _report_progress)
        session.commit()
        if step == "commit":  # written: the file and the staged rows to write are no longer needed
            services.purge_written_rows(session, import_id)
            session.commit()
        if step in ("commit", "undo"):
            _refresh_road_network_if_touched(session, import_id)
    except services.NotWaiting as error:
        session.rollback()
        log.warning("import %s: %s ignored: %s", import_id, step, error)
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the import, then re-raised
        session.rollback()
        log.warning("import %s: %s failed: %s", import_id, step, error)
        services.record_failure(session, import_id, error)
        session.commit()
        if not isinstance(error, services.EXPECTED_FAILURES):
            raise


def _report_progress(done: int, total: int) -> None:
    job = get_current_job()
    if job is not None:
        job.meta["progress"] = [done, total]
        job.save_meta()


def _refresh_road_network_if_touched(session: Session, import_id: int) -> None:
    """Road segments written or undone: the street network is rebuilt by its own job."""
    from app.dispatch.network import import_touched_road_segments
    from app.jobs.road_network import REFRESH_JOB

    job = get_current_job()
    if job is not None and import_touched_road_segments(session, import_id):
        job_queue(job.connection).enqueue(REFRESH_JOB, job_timeout=900)
