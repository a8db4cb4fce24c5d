"""/api/v1/field: what the tablet app reads and sends.

``GET /field/day`` is the agent's day with every mission sheet (ETag, 304 when unchanged);
``POST /field/actions`` applies one action exactly once, keyed by the tablet's id;
``GET /field/session`` tells the tablet who is logged in and gives it a fresh CSRF token
before it replays its queue (its cached page may carry an older one).
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

from flask import current_app, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.api.routes import blueprint, json_object
from app.auth.access import require_permission
from app.auth.roles import Permission
from app.errors import ValidationFailed
from app.field import queries, services
from app.i18n import msg
from app.interventions import workflow
from app.interventions.board import LOCAL_ZONE
from app.interventions.services import MAX_ATTACHMENT_BYTES
from app.web import db_session, services as app_services, translate

# The crew's steps from each status (the tablet shows their buttons, offline too).
CREW_STEPS = {source: [t.target for t in workflow.TRANSITIONS if t.source == source and t.by_crew]
              for source in dict.fromkeys(t.source for t in workflow.TRANSITIONS if t.by_crew)}


@blueprint.get("/field/day")
@require_permission(Permission.DO_FIELD_WORK)
def field_day():
    """The agent's teams' interventions planned on ``?date=YYYY-MM-DD`` (default: today in
    the territory's time zone) in visiting order, each with its whole mission sheet, and
    the box around them (to keep the map's tiles)."""
    day = _day()
    db = db_session()
    teams = queries.agent_teams(db, current_user)
    ids = queries.day_ids(db, current_user, teams, day, today=datetime.now(LOCAL_ZONE).date())
    db.commit()  # day_order stores a new plan of the day: the next polls read it
    etag = queries.day_etag(db, day, teams, ids)
    if etag in request.if_none_match:
        response = current_app.response_class(status=304)
    else:
        sheets = queries.sheets(db, current_user, ids)
        response = jsonify(day=day.isoformat(), teams=teams, interventions=sheets, bbox=queries.bbox(sheets),
                           crew_steps=CREW_STEPS, generated_at=datetime.now(timezone.utc).isoformat())
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@blueprint.get("/field/interventions/<int:intervention_id>")
@require_permission(Permission.DO_FIELD_WORK)
def field_sheet(intervention_id: int):
    """One mission sheet (an intervention of another day, opened from a work order's QR code)."""
    found = queries.sheets(db_session(), current_user, [intervention_id])
    if not found:
        return jsonify(error="NotFound", message=translate(msg("No intervention %(id)s.", id=intervention_id))), 404
    return jsonify(found[0])


@blueprint.post("/field/actions")
@require_permission(Permission.DO_FIELD_WORK)
def field_action():
    """One action from the tablet: JSON ``{"id", "kind", "intervention_id", "version",
    "done_at", "data"}``, or multipart with that JSON in ``action`` and the file in ``file``
    (photo, signature, a problem's photo). The answer is 200 with ``status`` ``applied``
    (and the outcome) or ``refused`` (and the reason at its fields), the same for every
    replay of the id (``replayed`` true). A malformed envelope is a 422, not recorded."""
    upload = None
    if request.mimetype == "multipart/form-data":
        try:
            body = json.loads(request.form.get("action", ""))
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ValidationFailed(msg("Send a JSON object."), {"action": msg("Send a JSON object.")})
        file = request.files.get("file")
        if file is not None:
            upload = services.Upload(file.filename or "", file.mimetype, file.read(MAX_ATTACHMENT_BYTES + 1))
    else:
        body = json_object()
    db = db_session()
    result = services.record_action(db, current_user, body, upload, app_services().settings.storage_srid)
    answer = _answer(result)
    db.commit()
    return jsonify(answer)


@blueprint.get("/field/session")
@require_permission(Permission.DO_FIELD_WORK)
def field_session():
    """Who is logged in on this tablet, and a CSRF token for the actions it replays."""
    response = jsonify(user_id=current_user.id, display_name=current_user.display_name, csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _answer(result: services.ActionResult) -> dict:
    action = result.action
    answer = {"id": str(action.id), "kind": action.kind, "intervention_id": action.intervention_id,
              "status": action.status, "replayed": result.replayed}
    if action.status == "applied":
        answer["outcome"] = action.outcome
    else:
        answer["error"] = action.outcome["error"]
        answer["message"] = translate(services.stored_message(action.outcome["message"]))
        answer["fields"] = {name: translate(services.stored_message(stored))
                            for name, stored in action.outcome["fields"].items()}
    return answer


def _day() -> date:
    value = request.args.get("date")
    if not value:
        return datetime.now(LOCAL_ZONE).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(msg("Invalid parameter."), {"date": msg("Expected a date (YYYY-MM-DD).")}) from None
