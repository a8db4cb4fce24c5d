"""State changes of interventions: create, edit, move through the workflow, attach files.

Services take the session and the acting user, flush and never commit; they check
everything before writing and raise app.errors with messages at the wrong field, so
that a refused request leaves nothing changed. Every change writes one timeline event.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Permission
from app.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from app.i18n import Msg, msg
from app.interventions import workflow
from app.interventions.models import (
    KINDS,
    OPEN_STATUSES,
    OUTCOMES,
    PROBLEMS,
    Intervention,
    InterventionAttachment,
    InterventionEvent,
    ReferenceCounter,
    ServiceRequest,
    SlaRule,
    TaskTemplate,
    Team,
    team_members,
)
from app.interventions.sla import DEFAULT_CALENDAR, sla_due
from app.inventory.models import Asset
from app.inventory.placement import commune_of
from app.inventory.services import apply_field_work

# Fields a dispatcher may edit outside the workflow (PATCH).
EDITABLE_FIELDS = ("priority", "description", "problem", "estimated_minutes", "team_id", "planned_start",
                   "planned_end", "checklist")
# What a crew member may edit: ticking the checklist.
CREW_FIELDS = ("checklist",)
REPORT_FIELDS = ("cause", "action_taken", "parts_used", "time_spent_minutes", "outcome", "replacement")
# The history change an outcome writes on each asset, and the state it gives it.
OUTCOME_CHANGES = {
    "back_in_service": ("repaired", {"status": "in_service"}),
    "replaced": ("replaced", {"status": "in_service"}),
    "decommissioned": ("decommissioned", {"status": "decommissioned"}),
}
ATTACHMENT_TYPES = {  # content type → the bytes a file of that type starts with
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def parse_priority(value: object) -> int | None:
    """``P1``…``P4`` (or 1…4) as a number; None when it is neither."""
    raw = str(value).strip().upper().removeprefix("P") if value is not None and not isinstance(value, bool) else ""
    return int(raw) if raw in {"1", "2", "3", "4"} else None


def create_intervention(session: Session, actor: User | None, *, kind: object, priority: object, srid: int,
                        asset_ids: list[int] | None = None, description: object = "",
                        geom: BaseGeometry | None = None, problem: object = None,
                        estimated_minutes: object = None, request_ids: list[int] | None = None,
                        split_from_id: int | None = None, reported_at: datetime | None = None) -> Intervention:
    """Create an intervention (status ``new``) on assets and/or at a place.

    Its location defaults to its assets'; its checklist comes from the task templates of
    its kind and asset types; its due date from the SLA rules. A second open corrective
    intervention for the same asset and problem is refused unless it is an explicit split
    of the first (``split_from_id``). ``actor`` None is Vigie itself (a scheduled job, e.g.
    the maintenance plans): no role or commune scope applies, and no user is its author.
    """
    if actor is not None and not actor.can(Permission.CREATE_INTERVENTIONS):
        raise PermissionDenied(msg("Your role does not allow creating interventions."))
    errors: dict[str, Msg] = {}
    if kind not in KINDS:
        errors["kind"] = msg("Choose a kind of intervention.")
    number = parse_priority(priority)
    if number is None:
        errors["priority"] = msg("Choose a priority from P1 to P4.")
    if problem in ("", None):
        problem = None
    elif problem not in PROBLEMS:
        errors["problem"] = msg("Unknown problem type %(value)s.", value=str(problem))
    if kind == "corrective" and problem is None:
        errors["problem"] = msg("Say what the problem is.")
    minutes = _minutes(estimated_minutes, "estimated_minutes", errors)
    assets = _assets_in_scope(session, actor, asset_ids or [], errors)
    requests = _requests(session, request_ids or [], errors)
    location = _location(session, assets, geom, srid, errors)
    if errors:
        raise ValidationFailed(msg("Some fields are not valid."), errors)
    if kind == "corrective":
        _refuse_duplicate(session, assets, problem, split_from_id)
    item = Intervention(
        reference=_next_reference(session, "INT", (reported_at or datetime.now(timezone.utc)).year),
        kind=kind, priority=number, status="new", problem=problem, description=str(description or "").strip(),
        geom=location[0], commune_id=location[1], estimated_minutes=minutes,
        checklist=checklist_for(session, kind, {a.type_id for a in assets}), split_from_id=split_from_id,
        created_by_id=actor.id if actor else None, assets=assets, requests=requests,
    )
    if reported_at is not None:
        item.reported_at = reported_at
    session.add(item)
    session.flush()
    session.refresh(item, ["reported_at"])
    _set_due_date(session, item)
    _event(session, item, actor, None, "new", None, {})
    return item


def update_intervention(session: Session, actor: User, intervention_id: int, expected_version: int | None,
                        changes: dict) -> Intervention:
    """Edit planning fields (dispatchers) or tick the checklist (the crew); one event."""
    item = _locked(session, actor, intervention_id)
    _check_version(item, expected_version)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationFailed(msg("Some fields are not valid."), {name: msg("This field cannot be changed here.") for name in unknown})
    if not actor.can(Permission.PLAN_INTERVENTIONS):
        if not (set(changes) <= set(CREW_FIELDS) and _is_crew_member(session, actor, item)):
            raise PermissionDenied(msg("Your role does not allow changing this intervention."))
    if not item.is_open and set(changes) - {"description"}:
        raise InvalidTransition(msg("A %(status)s intervention cannot be replanned.", status=item.status))
    before = _snapshot(item)
    _apply_edits(session, item, changes)
    diff = _diff(before, _snapshot(item))
    if not diff:
        return item
    if "priority" in diff:
        _set_due_date(session, item)
    item.updated_at = func.now()
    session.flush()
    _event(session, item, actor, item.status, None, None, diff)
    return item


def perform_transition(session: Session, actor: User, intervention_id: int, expected_version: int | None,
                       target: object, comment: object = None, details: dict | None = None,
                       now: datetime | None = None) -> Intervention:
    """Move an intervention to ``target`` if the workflow, the actor's role and the step's
    requirements allow it; closing applies its outcome to the assets in the same transaction."""
    if not (actor.can(Permission.PLAN_INTERVENTIONS) or actor.can(Permission.DO_FIELD_WORK)):
        raise PermissionDenied(msg("Your role does not allow changing this intervention."))
    item = _locked(session, actor, intervention_id)
    _check_version(item, expected_version)
    step = workflow.transition(item.status, str(target))
    if step is None:
        raise InvalidTransition(msg("An intervention that is %(source)s cannot become %(target)s.",
                                    source=item.status, target=str(target)))
    if not workflow.may_perform(actor, step, _member_ids(session, item)):
        raise PermissionDenied(msg("Your role does not allow this step (%(source)s → %(target)s).",
                                   source=item.status, target=step.target))
    comment = str(comment or "").strip() or None
    if step.needs_comment and not comment:
        raise ValidationFailed(msg("Give a reason."), {"comment": msg("This step needs a reason.")})
    now = now or datetime.now(timezone.utc)
    details = dict(details or {})
    before = _snapshot(item)
    _STEP_EFFECTS.get(step.target, _no_effect)(session, actor, item, details, comment, now)
    source, item.status = item.status, step.target
    item.updated_at = func.now()
    session.flush()
    _event(session, item, actor, source, step.target, comment, _diff(before, _snapshot(item)))
    return item


def add_attachment(session: Session, actor: User, intervention_id: int, filename: str, content_type: str,
                   data: bytes) -> InterventionAttachment:
    """Attach a photo (JPEG, PNG, WebP) or a PDF of at most 10 MB to an intervention."""
    item = _locked(session, actor, intervention_id)
    if not (actor.can(Permission.PLAN_INTERVENTIONS) or _is_crew_member(session, actor, item)):
        raise PermissionDenied(msg("Your role does not allow changing this intervention."))
    name = checked_attachment(filename, content_type, data)
    attachment = InterventionAttachment(intervention_id=item.id, filename=name, content_type=content_type,
                                        size_bytes=len(data), data=data, uploaded_by_id=actor.id)
    session.add(attachment)
    session.flush()
    _event(session, item, actor, item.status, None, None, {"attachment": [None, name]})
    return attachment


def checked_attachment(filename: str, content_type: str, data: bytes,
                       types: tuple[str, ...] = tuple(ATTACHMENT_TYPES)) -> str:
    """The safe file name of an attachment whose bytes are of an accepted type (``types``,
    checked by the first bytes) and at most 10 MB; ValidationFailed at ``file`` otherwise."""
    if not data:
        raise ValidationFailed(msg("The file is empty."), {"file": msg("The file is empty.")})
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed(msg("The file is too large."), {"file": msg("At most 10 MB per file.")})
    signatures = ATTACHMENT_TYPES.get(content_type) if content_type in types else None
    if signatures is None or not data.startswith(signatures):
        if "application/pdf" not in types:
            raise ValidationFailed(msg("Unsupported file."), {"file": msg("Attach a photo (JPEG, PNG or WebP).")})
        raise ValidationFailed(msg("Unsupported file."), {"file": msg("Attach a photo (JPEG, PNG, WebP) or a PDF.")})
    return (filename or "file").replace("\\", "/").rsplit("/", 1)[-1][:200] or "file"


def add_note(session: Session, actor: User, intervention_id: int, note: object) -> InterventionEvent:
    """A note on the intervention's timeline (by a dispatcher or the crew); no status change."""
    item = _locked(session, actor, intervention_id)
    if not (actor.can(Permission.PLAN_INTERVENTIONS) or _is_crew_member(session, actor, item)):
        raise PermissionDenied(msg("Your role does not allow changing this intervention."))
    text_ = str(note or "").strip()
    if not text_:
        raise ValidationFailed(msg("Write the note."), {"note": msg("The note is empty.")})
    if len(text_) > 4000:
        raise ValidationFailed(msg("The note is too long."), {"note": msg("At most 4,000 characters.")})
    event = InterventionEvent(intervention_id=item.id, actor_id=actor.id, from_status=item.status, to_status=None,
                              comment=text_, changes={})
    session.add(event)
    session.flush()
    return event


def create_service_request(session: Session, *, source: str, description: str, srid: int,
                           geom: BaseGeometry | None = None, asset_id: int | None = None,
                           received_at: datetime | None = None) -> ServiceRequest:
    """Record a request or an alarm that interventions will answer (``REQ-2026-000123``)."""
    received_at = received_at or datetime.now(timezone.utc)
    commune_id = commune_of(session, geom, srid)[0] if geom is not None else None
    request = ServiceRequest(
        reference=_next_reference(session, "REQ", received_at.year), source=source, description=description,
        received_at=received_at, geom=from_shape(geom, srid=srid) if geom is not None else None,
        commune_id=commune_id, asset_id=asset_id,
    )
    session.add(request)
    session.flush()
    return request


# --- the effects of each workflow step -------------------------------------------------------

def _plan(session: Session, actor: User, item: Intervention, details: dict, comment, now) -> None:
    if not details.get("planned_start") and item.planned_start is None:
        raise ValidationFailed(msg("Choose a day."), {"planned_start": msg("Planning needs a day (and a time window if you wish).")})
    _apply_planning(session, item, details)


def _assign(session: Session, actor: User, item: Intervention, details: dict, comment, now) -> None:
    if not details.get("team_id") and item.team_id is None:
        raise ValidationFailed(msg("Choose a team."), {"team_id": msg("Assigning needs a team.")})
    _apply_planning(session, item, details)
    if item.planned_start is None:
        item.planned_start = now


def _unplan(session: Session, actor: User, item: Intervention, details: dict, comment, now) -> None:
    item.team_id, item.planned_start, item.planned_end = None, None, None


def _start(session: Session, actor: User, item: Intervention, details: dict, comment, now) -> None:
    item.started_at = item.started_at or now


def _complete(session: Session, actor: User, item: Intervention, details: dict, comment, now) -> None:
    _apply_report(session, item, details)
    item.completed_at = now


def _close(session: Session, actor: User, item: Intervention, details: dict, comment, now) -> None:
    _apply_report(session, item, details)
    change_and_state = OUTCOME_CHANGES.get(item.outcome)
    if change_and_state is not None:
        change, state = change_and_state
        reason = f"{item.reference}: {item.action_taken}"
        for asset in item.assets:
            properties = dict(state)
            if item.outcome == "replaced":
                properties.update(_replacement_properties(item.replacement or {}, now.date()))
            apply_field_work(session, actor, asset.id, change, properties, reason, item.id)
    item.closed_at = now


def _cancel(session: Session, actor: User, item: Intervention, details: dict, comment, now) -> None:
    item.cancel_reason = comment


def _no_effect(session: Session, actor: User, item: Intervention, details: dict, comment, now) -> None:
    return None


_STEP_EFFECTS = {
    "planned": _plan, "assigned": _assign, "new": _unplan, "in_progress": _start,
    "completed": _complete, "closed": _close, "cancelled": _cancel,
}


def _apply_planning(session: Session, item: Intervention, details: dict) -> None:
    """Set the team and time window sent with a planning step, once all of it is valid."""
    _apply_edits(session, item, {k: details[k] for k in ("team_id", "planned_start", "planned_end") if k in details})


def _apply_edits(session: Session, item: Intervention, changes: dict) -> None:
    """Validate every edited field (all errors at once) and the time window, then set them."""
    errors: dict[str, Msg] = {}
    values = _validated_edits(session, item, changes, errors)
    if errors:
        raise ValidationFailed(msg("Some fields are not valid."), errors)
    _check_window(values.get("planned_start", item.planned_start), values.get("planned_end", item.planned_end))
    for name, value in values.items():
        setattr(item, name, value)


def _apply_report(session: Session, item: Intervention, details: dict) -> None:
    """Merge the report fields sent with the step into the stored report; refuse an
    incomplete report or an outcome that contradicts the assets before setting anything."""
    report = {name: getattr(item, name) for name in REPORT_FIELDS}
    errors: dict[str, Msg] = {}
    for name in ("cause", "action_taken"):
        if name in details:
            report[name] = str(details[name] or "").strip() or None
    if "time_spent_minutes" in details:
        report["time_spent_minutes"] = _minutes(details["time_spent_minutes"], "time_spent_minutes", errors)
    if "parts_used" in details:
        report["parts_used"] = _parts(details["parts_used"], errors)
    if "outcome" in details:
        report["outcome"] = details["outcome"] if details["outcome"] in OUTCOMES else None
        if details["outcome"] not in OUTCOMES:
            errors["outcome"] = msg("Say what became of the assets.")
    if "replacement" in details:
        report["replacement"] = details["replacement"] if isinstance(details["replacement"], dict) else None
    errors = {**_report_errors(item, report), **errors}
    if errors:
        raise ValidationFailed(msg("The closing report is incomplete."), errors)
    for name, value in report.items():
        setattr(item, name, value)


def _report_errors(item: Intervention, report: dict) -> dict[str, Msg]:
    """What is missing from a closing report, or contradicts the state of the assets."""
    errors: dict[str, Msg] = {}
    if item.kind == "corrective" and not report["cause"]:
        errors["cause"] = msg("Say what caused the problem.")
    if not report["action_taken"]:
        errors["action_taken"] = msg("Say what was done.")
    if not report["time_spent_minutes"]:
        errors["time_spent_minutes"] = msg("Give the time spent, in minutes.")
    outcome = report["outcome"]
    if outcome is None:
        errors["outcome"] = msg("Say what became of the assets.")
    elif outcome != "no_change" and not item.assets:
        errors["outcome"] = msg("This intervention has no asset: its outcome can only be \"no change\".")
    elif outcome == "replaced" and not (report["replacement"] or {}).get("model"):
        errors["replacement"] = msg("Give at least the model of what was installed.")
    elif outcome != "no_change":
        gone = [a.reference for a in item.assets if a.status == "decommissioned"]
        if gone:
            errors["outcome"] = msg("Already decommissioned: %(references)s. Choose \"no change\" or remove them.",
                                    references=", ".join(gone))
    return errors


def _replacement_properties(replacement: dict, today: date) -> dict:
    properties = {k: v for k, v in replacement.items() if v not in (None, "")}
    properties.setdefault("installed_on", today.isoformat())
    return properties


# --- checks and helpers ---------------------------------------------------------------------

def _locked(session: Session, actor: User, intervention_id: int) -> Intervention:
    item = session.scalar(select(Intervention).where(Intervention.id == intervention_id)
                          .with_for_update(of=Intervention))
    scope = actor.commune_ids
    if item is None or (scope is not None and item.commune_id not in scope):
        raise NotFound(msg("No intervention %(id)s.", id=intervention_id))
    return item


def _check_version(item: Intervention, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != item.version:
        raise Conflict(
            msg("Someone else changed this intervention (version %(current)s, you saw version %(yours)s). "
                "Nothing was saved.", current=item.version, yours=expected_version),
            current={"version": item.version, "status": item.status},
            submitted={"version": expected_version},
        )


def _member_ids(session: Session, item: Intervention) -> set[int]:
    """The members of the team the intervention is assigned to (read by id: the team may just have changed)."""
    if item.team_id is None:
        return set()
    return set(session.scalars(select(team_members.c.user_id).where(team_members.c.team_id == item.team_id)))


def _is_crew_member(session: Session, actor: User, item: Intervention) -> bool:
    return actor.can(Permission.DO_FIELD_WORK) and actor.id in _member_ids(session, item)


def _assets_in_scope(session: Session, actor: User | None, asset_ids: list, errors: dict[str, Msg]) -> list[Asset]:
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in asset_ids):
        errors["asset_ids"] = msg("Expected a list of asset ids.")
        return []
    assets = list(session.scalars(select(Asset).where(Asset.id.in_(set(asset_ids))).order_by(Asset.id)))
    scope = actor.commune_ids if actor else None
    missing = set(asset_ids) - {a.id for a in assets if scope is None or a.commune_id in scope}
    if missing:
        errors["asset_ids"] = msg("No asset %(id)s.", id=", ".join(str(i) for i in sorted(missing)))
    gone = [a.reference for a in assets if a.status == "decommissioned"]
    if gone:
        errors["asset_ids"] = msg("Decommissioned assets cannot take an intervention: %(references)s.",
                                  references=", ".join(gone))
    return assets


def _requests(session: Session, request_ids: list, errors: dict[str, Msg]) -> list[ServiceRequest]:
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in request_ids):
        errors["request_ids"] = msg("Expected a list of request ids.")
        return []
    found = list(session.scalars(select(ServiceRequest).where(ServiceRequest.id.in_(set(request_ids)))))
    missing = set(request_ids) - {r.id for r in found}
    if missing:
        errors["request_ids"] = msg("No request %(id)s.", id=", ".join(str(i) for i in sorted(missing)))
    return found


def _location(session: Session, assets: list[Asset], geom: BaseGeometry | None, srid: int,
              errors: dict[str, Msg]):
    """The intervention's geometry (EWKB element) and commune id; its assets' when none is drawn."""
    if geom is not None and not geom.is_empty:
        if not geom.is_valid:
            errors["geometry"] = msg("The geometry is invalid.")
            return None, None
        try:
            commune_id, _ = commune_of(session, geom, srid)
        except ValidationFailed as error:
            errors.update(error.field_errors)
            return None, None
        return from_shape(geom, srid=srid), commune_id
    if not assets:
        if "asset_ids" not in errors:
            errors["geometry"] = msg("Choose assets or draw where the work is.")
        return None, None
    collected = session.scalar(select(func.ST_Collect(Asset.geom)).where(Asset.id.in_([a.id for a in assets])))
    shape = to_shape(collected)
    location = shape.geoms[0] if len(shape.geoms) == 1 else shape
    return from_shape(location, srid=srid), assets[0].commune_id


def _refuse_duplicate(session: Session, assets: list[Asset], problem: str | None, split_from_id: int | None) -> None:
    """Refuse a second open corrective intervention for an asset and problem (not a split).

    Per-asset advisory locks, taken in id order, make two simultaneous creations wait
    for each other, so the second one sees the first."""
    for asset in assets:
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('intervention-asset'), :id)"), {"id": asset.id})
    rows = session.execute(
        select(Intervention.id, Intervention.reference, Asset.reference)
        .join(Intervention.assets)
        .where(Asset.id.in_([a.id for a in assets]), Intervention.kind == "corrective",
               Intervention.problem == problem, Intervention.status.in_(OPEN_STATUSES))
        .order_by(Intervention.id)
    ).all()
    others = [row for row in rows if row[0] != split_from_id]
    if split_from_id is not None and len(others) < len(rows):
        return
    if others:
        existing = ", ".join(sorted({f"{asset_ref} ({ref})" for _, ref, asset_ref in others}))
        raise ValidationFailed(
            msg("Already an open intervention for this problem."),
            {"asset_ids": msg("Already under an open corrective intervention for this problem: %(existing)s. "
                              "Add to it, or split it explicitly.", existing=existing)},
        )


def checklist_for(session: Session, kind: str, type_ids: set[int]) -> list[dict]:
    """The tasks of the templates for ``kind`` on these types (or the kind's generic one)."""
    templates = list(session.scalars(select(TaskTemplate).where(TaskTemplate.kind == kind)
                                     .order_by(TaskTemplate.asset_type_id.nulls_first())))
    specific = [t for t in templates if t.asset_type_id in type_ids]
    chosen = specific or [t for t in templates if t.asset_type_id is None]
    tasks: list[dict] = []
    for template in chosen:
        for task in template.tasks:
            entry = {"label_fr": task["label_fr"], "label_en": task["label_en"], "done": False}
            if entry not in tasks:
                tasks.append(entry)
    return tasks


def _set_due_date(session: Session, item: Intervention) -> None:
    rules = list(session.scalars(select(SlaRule)))
    rule, due = sla_due(rules, item.priority, {a.type_id for a in item.assets}, item.reported_at)
    item.sla_rule_id, item.due_at = (rule.id if rule else None), due


def _next_reference(session: Session, series: str, year: int) -> str:
    """``SERIES-YEAR-NNNNNN``, numbered from 1 each year (the counter row serialises writers)."""
    statement = (insert(ReferenceCounter).values(series=series, year=year, last_number=1)
                 .on_conflict_do_update(index_elements=["series", "year"],
                                        set_={"last_number": ReferenceCounter.last_number + 1})
                 .returning(ReferenceCounter.last_number))
    number = session.execute(statement).scalar_one()
    return f"{series}-{year}-{number:06d}"


def _validated_edits(session: Session, item: Intervention, changes: dict, errors: dict[str, Msg]) -> dict:
    values: dict = {}
    for name, value in changes.items():
        if name == "priority":
            values[name] = parse_priority(value)
            if values[name] is None:
                errors[name] = msg("Choose a priority from P1 to P4.")
        elif name == "description":
            values[name] = str(value or "").strip()
        elif name == "problem":
            if value not in PROBLEMS and not (value in (None, "") and item.kind != "corrective"):
                errors[name] = msg("Unknown problem type %(value)s.", value=str(value))
            values[name] = value or None
        elif name == "estimated_minutes":
            values[name] = _minutes(value, name, errors)
        elif name == "team_id":
            values[name] = _team_id(session, value, errors)
        elif name in ("planned_start", "planned_end"):
            values[name] = _instant(value, name, errors)
        elif name == "checklist":
            values[name] = _ticked_checklist(item.checklist, value, errors)
    return values


def _team_id(session: Session, value: object, errors: dict[str, Msg]) -> int | None:
    if value in (None, ""):
        return None
    # FOR SHARE: a team being deactivated meanwhile (which locks it) waits for this assignment,
    # then sees its open work; and this assignment waits for a deactivation, then refuses.
    team = (session.get(Team, value, with_for_update={"read": True}, populate_existing=True)
            if isinstance(value, int) and not isinstance(value, bool) else None)
    if team is None or not team.is_active:
        errors["team_id"] = msg("No active team %(id)s.", id=str(value))
        return None
    return team.id


def _instant(value: object, name: str, errors: dict[str, Msg]) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        instant = datetime.fromisoformat(str(value))
    except ValueError:
        errors[name] = msg("Expected a date and time (YYYY-MM-DDTHH:MM).")
        return None
    if instant.tzinfo is None:  # a local time of the territory
        instant = instant.replace(tzinfo=ZoneInfo(DEFAULT_CALENDAR.timezone))
    return instant


def _check_window(planned_start: datetime | None, planned_end: datetime | None) -> None:
    if planned_end is not None and (planned_start is None or planned_end <= planned_start):
        raise ValidationFailed(msg("Some fields are not valid."),
                               {"planned_end": msg("The end of the window must come after its start.")})


def _ticked_checklist(current: list[dict], value: object, errors: dict[str, Msg]) -> list[dict]:
    """The checklist with its items ticked as ``value`` says (a list of booleans, in order)."""
    if not isinstance(value, list) or len(value) != len(current) or not all(isinstance(v, bool) for v in value):
        errors["checklist"] = msg("Send one true/false per task, in order (%(count)s).", count=len(current))
        return current
    return [{**task, "done": done} for task, done in zip(current, value)]


def _minutes(value: object, name: str, errors: dict[str, Msg]) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not str(value).isdigit() or int(value) <= 0 or int(value) > 100_000:
        errors[name] = msg("Expected a number of minutes greater than 0.")
        return None
    return int(value)


def _parts(value: object, errors: dict[str, Msg]) -> list[dict]:
    if value in (None, ""):
        return []
    parts = []
    if isinstance(value, list):
        for part in value:
            if not isinstance(part, dict) or not str(part.get("name") or "").strip():
                break
            quantity = part.get("quantity", 1)
            if isinstance(quantity, bool) or not str(quantity).isdigit() or int(quantity) <= 0:
                break
            parts.append({"name": str(part["name"]).strip(), "quantity": int(quantity)})
        else:
            return parts
    errors["parts_used"] = msg("Each part needs a name and a quantity greater than 0.")
    return []


def _snapshot(item: Intervention) -> dict:
    return {
        "status": item.status, "priority": item.priority, "description": item.description,
        "problem": item.problem, "estimated_minutes": item.estimated_minutes, "team_id": item.team_id,
        "planned_start": item.planned_start.isoformat() if item.planned_start else None,
        "planned_end": item.planned_end.isoformat() if item.planned_end else None,
        "checklist": [task["done"] for task in item.checklist or []],
        **{name: getattr(item, name) for name in REPORT_FIELDS},
    }


def _diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), after.get(k)] for k in sorted(after) if before.get(k) != after.get(k) and k != "status"}


def _event(session: Session, item: Intervention, actor: User | None, source: str | None, target: str | None,
           comment: str | None, changes: dict) -> None:
    session.add(InterventionEvent(intervention_id=item.id, actor_id=actor.id if actor else None,
                                  from_status=source, to_status=target, comment=comment, changes=changes))
    session.flush()
