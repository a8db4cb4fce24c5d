"""The tablets' actions, applied exactly once.

A tablet gives every action an id (a UUID) when the agent does it, maybe offline, and
sends it until the server answers. The first time an id arrives, the action is applied
through the interventions' services (the one way state changes) inside a savepoint, and
its outcome is recorded in ``field_actions``, applied or refused, in the same transaction.
A later arrival of the same id answers the recorded outcome and changes nothing. An
advisory lock on the id makes two simultaneous arrivals wait for each other, so the
second one finds the first's record.

A refused action (the job was reassigned meanwhile, someone changed it, a wrong field)
is recorded with its reason: the tablet shows it to the agent, it is never dropped.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from shapely.geometry import Point
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Permission
from app.errors import DomainError, PermissionDenied, ValidationFailed
from app.field.models import ACTION_KINDS, FieldAction, RequestPhoto
from app.i18n import Msg, msg
from app.interventions import services as interventions
from app.inventory.models import Asset
from gis.crs import reproject

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
SIGNATURE_TYPES = ("image/png",)
# The tablet's clock says when the agent did it; beyond these bounds the server's clock is used.
CLOCK_FUTURE_TOLERANCE = timedelta(minutes=5)
OFFLINE_AT_MOST = timedelta(days=7)
_TRANSITIONS = {"start": "in_progress", "hold": "on_hold", "resume": "in_progress", "complete": "completed"}
_REPORT_FIELDS = ("cause", "action_taken", "parts_used", "time_spent_minutes", "outcome", "replacement")


@dataclass(frozen=True)
class Upload:
    """A file sent with an action (photo, signature, a problem's photo)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ActionResult:
    """What the server answers for an action id: its stored record, and whether this
    arrival was a replay of an id already recorded."""

    action: FieldAction
    replayed: bool


def record_action(session: Session, actor: User, body: dict, upload: Upload | None, srid: int,
                  now: datetime | None = None) -> ActionResult:
    """Apply the action ``body`` (``{"id", "kind", "intervention_id", "version", "done_at",
    "data"}``) once, or answer the outcome recorded for its id.

    A malformed envelope (no UUID, unknown kind) is refused with ValidationFailed and not
    recorded (there is nothing to key it on); everything after is recorded."""
    if not actor.can(Permission.DO_FIELD_WORK):
        raise PermissionDenied(msg("Only field agents send field actions."))
    action_id, kind = _envelope(body)
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext('field-action'), hashtext(:id))"),
                    {"id": str(action_id)})
    stored = session.get(FieldAction, action_id)
    if stored is not None:
        if stored.user_id != actor.id:
            raise ValidationFailed(msg("This action id is already used."), {"id": msg("Generate a new id.")})
        return ActionResult(stored, replayed=True)
    now = now or datetime.now(timezone.utc)
    done_at = _done_at(body.get("done_at"), now)
    intervention_id = body.get("intervention_id")
    if not isinstance(intervention_id, int) or isinstance(intervention_id, bool):
        intervention_id = None
    savepoint = session.begin_nested()
    try:
        outcome = _apply(session, actor, kind, intervention_id, body, upload, srid, done_at or now)
        savepoint.commit()
        status = "applied"
    except DomainError as error:
        savepoint.rollback()
        status, outcome = "refused", _refusal(_reassigned(session, actor, intervention_id, kind) or error)
    action = FieldAction(id=action_id, user_id=actor.id, kind=kind, intervention_id=intervention_id, status=status,
                         outcome=outcome, done_at=done_at)
    session.add(action)
    session.flush()
    return ActionResult(action, replayed=False)


def _envelope(body: dict) -> tuple[uuid.UUID, str]:
    errors: dict[str, Msg] = {}
    try:
        action_id = uuid.UUID(str(body.get("id")))
    except ValueError:
        action_id = None
        errors["id"] = msg("Expected a UUID made by the tablet.")
    kind = body.get("kind")
    if kind not in ACTION_KINDS:
        errors["kind"] = msg("Unknown action %(value)s.", value=str(kind))
    if errors:
        raise ValidationFailed(msg("Invalid field action."), errors)
    return action_id, kind


def _done_at(value: object, now: datetime) -> datetime | None:
    """When the tablet says the agent did it, if that is plausible."""
    try:
        instant = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if instant.tzinfo is None or not (now - OFFLINE_AT_MOST <= instant <= now + CLOCK_FUTURE_TOLERANCE):
        return None
    return instant


def _apply(session: Session, actor: User, kind: str, intervention_id: int | None, body: dict,
           upload: Upload | None, srid: int, done_at: datetime) -> dict:
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    if kind == "request":
        return _report_problem(session, actor, data, upload, srid)
    if intervention_id is None:
        raise ValidationFailed(msg("Invalid field action."), {"intervention_id": msg("Name the intervention.")})
    version = body.get("version")
    if kind in _TRANSITIONS:
        details = {k: data[k] for k in _REPORT_FIELDS if k in data} if kind == "complete" else {}
        item = interventions.perform_transition(session, actor, intervention_id, _version(version),
                                                _TRANSITIONS[kind], data.get("comment"), details, now=done_at)
        return {"version": item.version, "status": item.status}
    if kind == "checklist":
        item = interventions.update_intervention(session, actor, intervention_id, _version(version),
                                                 {"checklist": data.get("checklist")})
        return {"version": item.version, "status": item.status}
    if kind == "note":
        event = interventions.add_note(session, actor, intervention_id, data.get("note"))
        return {"event_id": event.id}
    # photo, signature
    if upload is None:
        raise ValidationFailed(msg("Choose a file."), {"file": msg("Choose a file.")})
    types = SIGNATURE_TYPES if kind == "signature" else PHOTO_TYPES
    interventions.checked_attachment(upload.filename, upload.content_type, upload.data, types)
    attachment = interventions.add_attachment(session, actor, intervention_id, upload.filename,
                                              upload.content_type, upload.data)
    return {"attachment_id": attachment.id, "filename": attachment.filename}


def _version(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationFailed(msg("Missing version."), {"version": msg("Send the version you last saw.")})
    return value


def _report_problem(session: Session, actor: User, data: dict, upload: Upload | None, srid: int) -> dict:
    """A service request from the field: where the agent stands, what they saw, maybe an
    asset and a photo."""
    errors: dict[str, Msg] = {}
    description = str(data.get("description") or "").strip()
    if not description:
        errors["description"] = msg("Describe the problem.")
    elif len(description) > 4000:
        errors["description"] = msg("At most 4,000 characters.")
    longitude, latitude = data.get("longitude"), data.get("latitude")
    geom = None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (longitude, latitude)) \
            or not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        errors["position"] = msg("The tablet's position is unknown: allow the location or wait for a fix.")
    else:
        geom = reproject(Point(longitude, latitude), 4326, srid)
    asset_id = data.get("asset_id")
    if asset_id not in (None, ""):
        asset = session.get(Asset, asset_id) if isinstance(asset_id, int) and not isinstance(asset_id, bool) else None
        if asset is None or (actor.commune_ids is not None and asset.commune_id not in actor.commune_ids):
            errors["asset_id"] = msg("No asset %(id)s.", id=str(asset_id))
    else:
        asset_id = None
    if upload is not None:
        try:
            filename = interventions.checked_attachment(upload.filename, upload.content_type, upload.data, PHOTO_TYPES)
        except ValidationFailed as error:
            errors.update(error.field_errors)
    if errors:
        raise ValidationFailed(msg("The problem cannot be reported."), errors)
    try:
        request = interventions.create_service_request(session, source="field_agent", description=description,
                                                       srid=srid, geom=geom, asset_id=asset_id)
    except ValidationFailed as error:  # outside the territory
        raise ValidationFailed(error.message, {"position": msg("You are outside the métropole.")}) from None
    if upload is not None:
        session.add(RequestPhoto(request_id=request.id, filename=filename, content_type=upload.content_type,
                                 size_bytes=len(upload.data), data=upload.data, uploaded_by_id=actor.id))
        session.flush()
    return {"request_id": request.id, "reference": request.reference}


def _reassigned(session: Session, actor: User, intervention_id: int | None, kind: str) -> DomainError | None:
    """The refusal to give when the intervention is no longer in the agent's team's hands
    (reassigned or withdrawn meanwhile): that reason, rather than the stale version or the
    step the role may not take, which it causes."""
    if intervention_id is None or kind == "request" or actor.can(Permission.PLAN_INTERVENTIONS):
        return None
    row = session.execute(text(
        "SELECT t.name, EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = i.team_id AND m.user_id = :user) "
        "AS member FROM interventions i LEFT JOIN teams t ON t.id = i.team_id WHERE i.id = :id"),
        {"id": intervention_id, "user": actor.id}).one_or_none()
    if row is None or row.member:
        return None
    if row.name is None:
        return PermissionDenied(msg("This intervention was withdrawn from your team meanwhile."))
    return PermissionDenied(msg("This intervention was reassigned to %(team)s meanwhile.", team=row.name))


def _refusal(error: DomainError) -> dict:
    """The refusal as stored: the error's kind and its messages as untranslated templates."""
    return {"error": type(error).__name__, "message": _stored(error.message),
            "fields": {name: _stored(message) for name, message in error.field_errors.items()}}


def _stored(message: str | Msg) -> dict:
    if isinstance(message, Msg):
        return {"template": message.template, "params": {k: str(v) for k, v in message.params.items()}}
    return {"template": str(message), "params": {}}


def stored_message(stored: dict) -> Msg:
    """A stored message back as a Msg, to translate in the reader's language."""
    return Msg(stored["template"], stored.get("params") or {})

