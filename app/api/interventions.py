"""/api/v1/interventions: work orders as GeoJSON Features (EPSG:4326), their workflow
transitions, attachments and the teams they go to."""
from __future__ import annotations

from io import BytesIO

from flask import jsonify, request, send_file
from flask_login import current_user

from app.api.routes import GEOJSON, blueprint, feature_collection, json_object, storage_geometry
from app.auth.access import require_permission
from app.auth.roles import Permission
from app.errors import ValidationFailed
from app.i18n import msg
from app.interventions import queries, services
from app.interventions.models import KINDS, STATUSES
from app.request_args import bbox_arg, bool_arg, int_arg, list_arg
from app.web import db_session, services as app_services

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


def intervention_filter(default_sort: str = "due_at") -> queries.InterventionFilter:
    """The list filter from the query string (shared by the API, the list page and its CSV)."""
    statuses, kinds = list_arg("status"), list_arg("kind")
    priorities = [services.parse_priority(p) for p in list_arg("priority")]
    errors = {}
    if any(s not in STATUSES for s in statuses):
        errors["status"] = msg("Unknown status %(value)s.", value=next(s for s in statuses if s not in STATUSES))
    if any(k not in KINDS for k in kinds):
        errors["kind"] = msg("Unknown kind %(value)s.", value=next(k for k in kinds if k not in KINDS))
    if None in priorities:
        errors["priority"] = msg("Choose a priority from P1 to P4.")
    teams = list_arg("team")
    if not all(t.isdigit() for t in teams):
        errors["team"] = msg("Expected team ids.")
    if errors:
        raise ValidationFailed(msg("Invalid parameter."), errors)
    sort = request.args.get("sort") or default_sort
    if sort.lstrip("-") not in queries.SORT_KEYS:
        raise ValidationFailed(msg("Invalid parameter."), {"sort": msg("Unknown sort key.")})
    return queries.InterventionFilter(
        bbox=bbox_arg(), statuses=statuses, priorities=priorities, communes=list_arg("commune"),
        team_ids=[int(t) for t in teams], kinds=kinds, overdue=bool_arg("overdue"),
        reference=request.args.get("q") or None, asset_id=int_arg("asset", None, 1, None), sort=sort,
    )


@blueprint.get("/interventions")
@require_permission(Permission.VIEW_MAP)
def list_interventions():
    """Interventions filtered by bbox, status, priority, commune, team, kind, overdue; paginated."""
    flt = intervention_filter()
    limit, offset = int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), int_arg("offset", 0, 0, None)
    db = db_session()
    features = queries.intervention_features(db, current_user, flt, limit, offset, as_text=True)
    return feature_collection(features, queries.count_interventions(db, current_user, flt))


@blueprint.post("/interventions")
@require_permission(Permission.CREATE_INTERVENTIONS)
def create_intervention():
    """Create from JSON: kind, priority (P1…P4), asset_ids, description, optional geometry,
    problem (corrective), estimated_minutes, request_ids, split_from."""
    body = json_object()
    db = db_session()
    item = services.create_intervention(
        db, current_user, kind=body.get("kind"), priority=body.get("priority"),
        srid=app_services().settings.storage_srid, asset_ids=body.get("asset_ids") or [],
        description=body.get("description"), geom=storage_geometry(body.get("geometry")),
        problem=body.get("problem"), estimated_minutes=body.get("estimated_minutes"),
        request_ids=body.get("request_ids") or [], split_from_id=_optional_id(body, "split_from"),
    )
    db.commit()
    return jsonify(queries.intervention_feature(db, current_user, item.id)), 201, {"Content-Type": GEOJSON}


@blueprint.get("/interventions/<int:intervention_id>")
@require_permission(Permission.VIEW_MAP)
def get_intervention(intervention_id: int):
    """One intervention; ``?details=1`` adds its assets, checklist, report and timeline."""
    db = db_session()
    if bool_arg("details"):
        details = queries.intervention_details(db, current_user, intervention_id)
        feature = details.pop("feature")
        feature["properties"].update(_jsonable(details))
        return jsonify(feature), 200, {"Content-Type": GEOJSON}
    return jsonify(queries.intervention_feature(db, current_user, intervention_id)), 200, {"Content-Type": GEOJSON}


@blueprint.patch("/interventions/<int:intervention_id>")
@require_permission(Permission.VIEW_MAP)
def patch_intervention(intervention_id: int):
    """Edit planning fields or the checklist; ``version`` must be the version last seen (else 409)."""
    body = json_object()
    changes = dict(body.get("properties") if isinstance(body.get("properties"), dict) else body)
    version = _version(changes.pop("version", body.get("version")))
    db = db_session()
    services.update_intervention(db, current_user, intervention_id, version, changes)
    db.commit()
    return jsonify(queries.intervention_feature(db, current_user, intervention_id)), 200, {"Content-Type": GEOJSON}


@blueprint.post("/interventions/<int:intervention_id>/transitions")
@require_permission(Permission.VIEW_MAP)
def transition_intervention(intervention_id: int):
    """``{"to", "comment", "version", ...}``: the step's details (team_id, planned_start,
    planned_end; the report: cause, action_taken, parts_used, time_spent_minutes, outcome,
    replacement) ride along."""
    body = json_object()
    details = {k: v for k, v in body.items() if k not in ("to", "comment", "version")}
    db = db_session()
    services.perform_transition(db, current_user, intervention_id, _version(body.get("version")),
                                body.get("to"), body.get("comment"), details)
    db.commit()
    return jsonify(queries.intervention_feature(db, current_user, intervention_id)), 200, {"Content-Type": GEOJSON}


@blueprint.post("/interventions/<int:intervention_id>/attachments")
@require_permission(Permission.VIEW_MAP)
def add_attachment(intervention_id: int):
    """Upload a photo or PDF (multipart field ``file``)."""
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed(msg("Choose a file."), {"file": msg("Choose a file.")})
    db = db_session()
    attachment = services.add_attachment(db, current_user, intervention_id, upload.filename or "",
                                         upload.mimetype, upload.read(services.MAX_ATTACHMENT_BYTES + 1))
    db.commit()
    return jsonify(id=attachment.id, filename=attachment.filename, size_bytes=attachment.size_bytes), 201


@blueprint.get("/interventions/<int:intervention_id>/attachments/<int:attachment_id>")
@require_permission(Permission.VIEW_MAP)
def get_attachment(intervention_id: int, attachment_id: int):
    """An attachment's bytes (images inline, other files as downloads)."""
    filename, content_type, data = queries.attachment_content(db_session(), current_user, intervention_id, attachment_id)
    return send_file(BytesIO(data), mimetype=content_type, download_name=filename,
                     as_attachment=not content_type.startswith("image/"))


@blueprint.get("/teams")
@require_permission(Permission.VIEW_MAP)
def list_teams():
    """The active teams with their daily capacity (hours) and members."""
    return jsonify(teams=queries.teams(db_session()))


def _version(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationFailed(msg("Missing version."), {"version": msg("Send the version you last saw.")})
    return value


def _optional_id(body: dict, name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationFailed(msg("Invalid parameter."), {name: msg("Expected an intervention id.")})
    return value


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
