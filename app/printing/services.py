"""Printing batches of work orders: asking for one (checked, recorded, queued for the
worker), writing its PDF (in the worker), following it and handing it out.

No database row changes; what is written is the batch's files (``files.PrintFiles``).
Whoever may read an intervention may print it; a batch's PDF goes to the user who asked,
or to a user who may read every intervention in it.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable
from uuid import uuid4

from redis import Redis
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Permission
from app.errors import NotFound, ValidationFailed
from app.i18n import msg
from app.interventions import queries as intervention_queries
from app.interventions.board import LOCAL_ZONE
from app.printing.files import PrintFiles
from app.printing.queries import PrintOptions, work_orders
from app.printing.wording import printed_at, wording
from app.queue import PendingJob, enqueue_now
from print_templates.branding import LANGUAGES, SCALES, Branding
from print_templates.day_pack import DayPack, write_pack
from print_templates.document import DocumentInfo

MAX_BATCH = 1000
BATCH_TIMEOUT_SECONDS = 1800  # 1,000 orders take ~40 s on 2 cores (docs/performance.md): room for a busy machine
BATCH_RETRIES = 2
JOB = "app.jobs.printing.print_work_orders"


def print_options(scale: object, language: object, default_scale: int, default_language: str, public_url: str,
                  srid: int) -> PrintOptions:
    """The options asked for (``scale`` 500, 1000 or 2000; ``language`` fr or en), or
    ValidationFailed naming the wrong one; empty values take the defaults."""
    errors = {}
    chosen_scale = int(scale) if str(scale or "").isdigit() else (default_scale if scale in (None, "") else None)
    if chosen_scale not in SCALES:
        errors["scale"] = msg("Choose a scale of 1:500, 1:1,000 or 1:2,000.")
    chosen_language = language or default_language
    if chosen_language not in LANGUAGES:
        errors["lang"] = msg("Choose French or English.")
    if errors:
        raise ValidationFailed(msg("Invalid parameter."), errors)
    return PrintOptions(scale=chosen_scale, language=chosen_language, public_url=public_url, srid=srid)


def selection_ids(session: Session, actor: User, flt: intervention_queries.InterventionFilter) -> list[int]:
    """The ids a list filter (or ticked ids, in ``flt.ids``) selects, in the list's order;
    ValidationFailed when there are none or more than ``MAX_BATCH``."""
    params: dict = {"limit": MAX_BATCH + 1}
    where = intervention_queries.where_clause(actor, flt, params)
    column = intervention_queries.SORT_KEYS.get(flt.sort.lstrip("-"), "i.due_at")
    direction = "DESC" if flt.sort.startswith("-") else "ASC"
    ids = list(session.execute(text(
        f"SELECT i.id FROM interventions i LEFT JOIN communes c ON c.id = i.commune_id WHERE {where} "
        f"ORDER BY {column} {direction} NULLS LAST, i.id LIMIT :limit"), params).scalars())
    check_batch_size(len(ids))
    return ids


def check_batch_size(count: int) -> None:
    """ValidationFailed unless a batch of ``count`` work orders may be printed."""
    if count == 0:
        raise ValidationFailed(msg("There is no work order to print."), {})
    if count > MAX_BATCH:
        raise ValidationFailed(msg("Too many work orders: narrow the selection to %(max)s at most.",
                                   max=MAX_BATCH), {})


def parts_of(ids: list[int], team_id: int | None) -> int:
    """How many parts a batch prints: its work orders, and a day pack's cover."""
    return len(ids) + (1 if team_id is not None else 0)


def start_batch(redis: Redis, print_dir: str, actor: User, ids: list[int], options: PrintOptions,
                team_id: int | None = None, day: date | None = None) -> str:
    """Record the batch and queue it for the worker; returns its id. With ``team_id`` and
    ``day``, the pack opens with the day's cover page."""
    job = new_batch(print_dir, actor, ids, options, team_id, day)
    enqueue_now(redis, job)
    return job.job_id


def new_batch(print_dir: str, actor: User, ids: list[int], options: PrintOptions, team_id: int | None = None,
              day: date | None = None) -> PendingJob:
    """Record the batch's manifest; returns the job that prints it (its id is the batch's)."""
    check_batch_size(len(ids))
    print_id = uuid4().hex
    PrintFiles(Path(print_dir), print_id).write_manifest({
        "user_id": actor.id, "ids": ids, "team_id": team_id, "day": day.isoformat() if day else None,
        "options": asdict(options), "asked_at": datetime.now(timezone.utc).isoformat(),
        "filename": _filename(ids, team_id, day),
    })
    return PendingJob(JOB, (print_id, actor.id, ids, asdict(options), team_id, day.isoformat() if day else None),
                      retries=BATCH_RETRIES, timeout=BATCH_TIMEOUT_SECONDS, job_id=print_id,
                      meta={"done": 0, "total": parts_of(ids, team_id)})


def write_batch(session: Session, actor: User, ids: list[int], options: PrintOptions, branding: Branding,
                files: PrintFiles, cover: DayPack | None, on_part: Callable[[int], None]) -> int:
    """Write the batch's PDF aside, then rename it into place; returns its size in bytes."""
    files.remove_parts()
    visible = intervention_queries.count_interventions(session, actor, intervention_queries.InterventionFilter(ids=ids))
    if not visible:  # deleted, or out of the user's communes since it was asked for
        raise NotFound(msg("There is no work order to print."))
    words = wording(options.language)
    printed = printed_at(options.language)
    title = f"{words.day_pack} · {cover.team} · {cover.day}" if cover else f"{words.work_order} × {len(ids)}"
    info = DocumentInfo(title=title, author=branding.organisation, subject=title, language=options.language)
    with files.writing(files.pdf) as out:
        write_pack(out, info, work_orders(session, actor, ids, options), branding, words, printed, cover, on_part)
    return files.pdf.stat().st_size


def batch_status(session: Session, redis: Redis, print_dir: str, actor: User, print_id: str) -> dict:
    """Where the batch is: ``state`` (queued, running, retrying, done, failed), ``done`` and
    ``total`` parts; NotFound for a batch the actor may not see."""
    files, manifest = _readable(session, print_dir, actor, print_id)
    total = parts_of(manifest["ids"], manifest.get("team_id"))
    if files.pdf.is_file():
        return {"state": "done", "done": total, "total": total}
    try:
        job = Job.fetch(print_id, connection=redis)
    except NoSuchJobError:
        return {"state": "failed", "done": 0, "total": total}
    status = job.get_status()
    state = {"queued": "queued", "deferred": "queued", "started": "running", "scheduled": "retrying",
             "finished": "failed"}.get(status, "failed")  # finished without its file: it was cleaned up
    return {"state": state, "done": min(int(job.meta.get("done", 0)), total), "total": total}


def batch_file(session: Session, print_dir: str, actor: User, print_id: str) -> tuple[Path, str]:
    """(path, download name) of a finished batch; NotFound if not finished or not the actor's."""
    files, manifest = _readable(session, print_dir, actor, print_id)
    if not files.pdf.is_file():
        raise NotFound(msg("This print is not ready."))
    return files.pdf, manifest.get("filename") or f"{print_id}.pdf"


def _readable(session: Session, print_dir: str, actor: User, print_id: str) -> tuple[PrintFiles, dict]:
    files = PrintFiles.of(print_dir, print_id)
    manifest = files.read_manifest() if files else None
    if manifest is None or not _may_read(session, actor, manifest):
        raise NotFound(msg("No such print."))
    return files, manifest


def _may_read(session: Session, actor: User, manifest: dict) -> bool:
    """The user who asked, or one who may read every intervention of the batch."""
    if manifest.get("user_id") == actor.id:
        return True
    ids = list(dict.fromkeys(manifest.get("ids") or []))
    if not actor.can(Permission.VIEW_MAP) or not ids:
        return False
    visible = intervention_queries.count_interventions(session, actor, intervention_queries.InterventionFilter(ids=ids))
    return visible == len(ids)


def _filename(ids: list[int], team_id: int | None, day: date | None) -> str:
    if team_id is not None and day is not None:
        return f"vigie-{day.isoformat()}-team-{team_id}.pdf"
    return f"vigie-work-orders-{len(ids)}-{datetime.now(LOCAL_ZONE):%Y%m%d-%H%M}.pdf"

