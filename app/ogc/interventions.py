"""The ``interventions`` collection of /ogc: work orders as GeoJSON features in CRS84, with
the properties of /api/v1/interventions, within the user's commune scope.

Filters: ``bbox``, ``status``, ``priority`` (P1…P4 or 1…4), ``kind``, ``commune`` (INSEE),
each taking comma-separated values, and ``datetime`` on the date the intervention was
reported: an instant (a date means that whole day, UTC) or a closed interval
(``start/end``, either end may be ``..``). Unlike the asset collections, interventions
keep no "as of" history: ``datetime`` selects the interventions *reported* then, never
their state at that time.
"""
from __future__ import annotations

from datetime import datetime, time, timezone

from flask import request
from flask_babel import gettext
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.errors import ValidationFailed
from app.i18n import Msg, msg
from app.interventions import queries
from app.interventions.models import KINDS, PRIORITIES, STATUSES
from app.interventions.services import parse_priority
from app.ogc import documents, items, params
from app.ogc.extents import Extents
from app.request_args import list_arg

COLLECTION_ID = "interventions"
ITEMS_PARAMETERS = ("f", "limit", "offset", "bbox", "datetime", "status", "priority", "kind", "commune")
# Paging needs a stable order: by reported date, then id (queries add the id).
_ORDER = "reported_at"


def collection(session: Session, extents: Extents) -> dict:
    """The collection document: its extent (the territory; from the first report on) and links."""
    first = session.execute(text("SELECT min(reported_at) FROM interventions")).scalar_one()
    extent: dict = {"temporal": {"interval": [[_iso(first) if first else None, None]], "trs": documents.GREGORIAN}}
    if extents.bbox is not None:
        extent["spatial"] = {"bbox": [extents.bbox], "crs": documents.CRS84}
    return {
        "id": COLLECTION_ID,
        "title": gettext("Interventions"),
        "description": gettext("Work on the public space, with its status, priority and due date."),
        "itemType": "feature",
        "crs": [documents.CRS84],
        "extent": extent,
        "links": [
            documents.link("ogc.collection", "self", documents.JSON, code=COLLECTION_ID),
            documents.link("ogc.items", "items", documents.GEOJSON, code=COLLECTION_ID),
        ],
    }


def items_text(session: Session, actor: User) -> str:
    """The page of features the request asks for, as a GeoJSON FeatureCollection text."""
    params.reject_unknown_parameters(ITEMS_PARAMETERS)
    params.check_format()
    flt = _filter()
    limit, offset = params.paging()
    rows = queries.intervention_features(session, actor, flt, limit + 1, offset, as_text=True)
    features, more = rows[:limit], len(rows) > limit
    page = items.Page(features, more, queries.count_interventions(session, actor, flt))
    return items.feature_collection_text(page, documents.items_links(COLLECTION_ID, offset, limit, more))


def feature(session: Session, actor: User, feature_id: int) -> dict:
    """One intervention with its links (NotFound outside the actor's scope)."""
    params.reject_unknown_parameters(("f",))
    params.check_format()
    found = queries.intervention_feature(session, actor, feature_id)
    found["links"] = documents.feature_links(COLLECTION_ID, feature_id)
    return found


def openapi_parameters() -> list[dict]:
    """The query parameters of the items path, for the OpenAPI description."""
    shared = [{"$ref": f"#/components/parameters/{name}"} for name in ("f", "limit", "offset", "bbox", "commune")]
    return shared + [
        _list_parameter("status", "Statuses (comma-separated).", list(STATUSES)),
        _list_parameter("priority", "Priorities (comma-separated).", [f"P{p}" for p in PRIORITIES]),
        _list_parameter("kind", "Kinds (comma-separated).", list(KINDS)),
        {"name": "datetime", "in": "query", "required": False, "style": "form", "explode": False,
         "description": "When the intervention was reported: an instant (a date: that whole day) or an "
                        "interval start/end ('..' for an open end). Interventions have no 'as of' history.",
         "schema": {"type": "string"}},
    ]


def _list_parameter(name: str, description: str, values: list[str]) -> dict:
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": False,
            "description": description, "schema": {"type": "string", "enum": values}}


def _filter() -> queries.InterventionFilter:
    errors: dict[str, Msg] = {}
    statuses, kinds, priorities = list_arg("status"), list_arg("kind"), list_arg("priority")
    if unknown := [s for s in statuses if s not in STATUSES]:
        errors["status"] = msg("Unknown status %(value)s.", value=unknown[0])
    if unknown := [k for k in kinds if k not in KINDS]:
        errors["kind"] = msg("Unknown kind %(value)s.", value=unknown[0])
    numbers = [parse_priority(p) for p in priorities]
    if None in numbers:
        errors["priority"] = msg("Choose a priority from P1 to P4.")
    reported_from, reported_until = _reported_interval(errors)
    if errors:
        raise ValidationFailed(msg("Invalid parameter."), errors)
    return queries.InterventionFilter(
        bbox=params.parse_bbox(request.args.get("bbox")), statuses=statuses, priorities=numbers, kinds=kinds,
        communes=list_arg("commune"), reported_from=reported_from, reported_until=reported_until, sort=_ORDER)


def _reported_interval(errors: dict[str, Msg]) -> tuple[datetime | None, datetime | None]:
    """``datetime`` as (from, until), both inclusive; an instant is both ends."""
    raw = request.args.get("datetime", "").strip()
    if not raw:
        return None, None
    start, _, end = raw.partition("/") if "/" in raw else (raw, "", raw)
    try:
        bounds = _bound(start, at_end=False), _bound(end, at_end=True)
    except ValueError:
        errors["datetime"] = msg("Expected a date or date-time (ISO 8601).")
        return None, None
    if bounds[0] and bounds[1] and bounds[0] > bounds[1]:
        errors["datetime"] = msg("The interval ends before it starts.")
    return bounds


def _bound(raw: str, at_end: bool) -> datetime | None:
    """One end of the interval: None when open; a date is its first or last instant (UTC)."""
    if raw in ("", ".."):
        return None
    value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if len(raw) == 10:  # a date
        value = datetime.combine(value.date(), time.max if at_end else time.min)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
