"""/api/v1 for the control room and the crews' positions: tablets post their fixes
(``/field/positions``), the dispatch map polls the crews (``/dispatch/crews``), and an
intervention's crews are ranked (``/interventions/<id>/crew-suggestions``)."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from flask import current_app, jsonify, request
from flask_login import current_user

from app.api.routes import blueprint, json_object
from app.auth.access import require_permission
from app.auth.roles import Permission
from app.dispatch import queries, ranking, services
from app.dispatch.labels import reason_text, travel_method_labels
from app.errors import ValidationFailed
from app.interventions import workflow
from app.web import db_session, services as app_services, translate


@blueprint.post("/field/positions")
@require_permission(Permission.DO_FIELD_WORK)
def post_positions():
    """``{"positions": [{"id", "longitude", "latitude", "accuracy_m", "recorded_at"}, …]}``
    from a crew's tablet: one fix or a replayed queue. Ids already stored are skipped
    (``stored`` counts the new ones); a wrong item is a 400 naming its index and field,
    and then nothing is stored."""
    db = db_session()
    try:
        stored = services.record_positions(db, current_user, json_object().get("positions"),
                                           app_services().settings.storage_srid)
    except ValidationFailed as error:
        db.rollback()
        return jsonify(error="ValidationFailed", message=translate(error.message),
                       fields={name: translate(message) for name, message in error.field_errors.items()}), 400
    db.commit()
    return jsonify(stored=stored)


@blueprint.get("/dispatch/crews")
@require_permission(Permission.PLAN_INTERVENTIONS)
def list_crews():
    """Every active crew: members, trades, depot, last known position (with its age) and
    current intervention. The weak ETag covers everything but the ages, which only time
    changes: a poller gets 304 until something moves and ages the positions itself from
    ``recorded_at`` and ``generated_at``."""
    now = datetime.now(timezone.utc)
    crews = queries.active_crews(db_session(), now)
    stable = [{**crew, "last_position": crew["last_position"] and {
        k: v for k, v in crew["last_position"].items() if k != "age_seconds"}} for crew in crews]
    etag = hashlib.sha256(json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()[:32]
    if request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
    else:
        response = jsonify(crews=crews, generated_at=now.isoformat())
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@blueprint.get("/interventions/<int:intervention_id>/crew-suggestions")
@require_permission(Permission.PLAN_INTERVENTIONS)
def crew_suggestions(intervention_id: int):
    """The active crews for the intervention, best first, with their score and reasons,
    and the crews left out with why."""
    found = ranking.suggest_crews(db_session(), current_user, intervention_id, datetime.now(timezone.utc))
    return jsonify(
        intervention={"id": found.intervention_id, "reference": found.reference, "status": found.status,
                      "version": found.version, "skills_needed": found.skills_needed,
                      "can_assign": workflow.transition(found.status, "assigned") is not None},
        ranked=[_suggestion(s) for s in found.ranked], excluded=[_suggestion(s) for s in found.excluded],
    )


def _suggestion(suggestion: ranking.CrewSuggestion) -> dict:
    leg = suggestion.travel
    return {
        "team_id": suggestion.team_id, "name": suggestion.name, "score": suggestion.score,
        "travel": None if leg is None else {
            "seconds": round(leg.seconds), "metres": round(leg.metres), "method": leg.method,
            "method_label": travel_method_labels().get(leg.method, leg.method)},
        "reasons": [{"code": r.code, "text": reason_text(r), "penalty": round(r.penalty, 1)} for r in suggestion.reasons],
    }
