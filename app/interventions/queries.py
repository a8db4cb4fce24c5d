"""Read queries on interventions: filtered lists as GeoJSON features (EPSG:4326), one
intervention with its assets, timeline and attachments, and the CSV export rows.

"Overdue" is an open intervention past its due date; "at risk" one with less than a
quarter of its SLA time left. Both are computed at read time, never stored.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.db import STORAGE_SRID
from app.errors import NotFound
from app.i18n import msg
from app.interventions.models import OPEN_STATUSES

OPEN_SQL = "(" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"
OVERDUE_SQL = f"(i.status IN {OPEN_SQL} AND i.due_at < now())"
AT_RISK_SQL = (f"(i.status IN {OPEN_SQL} AND i.due_at >= now() "
               "AND now() >= i.due_at - (i.due_at - i.reported_at) / 4)")

_PROPERTIES = f"""jsonb_build_object(
    'reference', i.reference, 'kind', i.kind, 'priority', 'P' || i.priority, 'status', i.status,
    'problem', i.problem, 'description', i.description, 'commune', c.insee, 'commune_name', c.name,
    'team_id', i.team_id, 'team_name', tm.name, 'planned_start', i.planned_start, 'planned_end', i.planned_end,
    'reported_at', i.reported_at, 'due_at', i.due_at, 'overdue', {OVERDUE_SQL}, 'at_risk', {AT_RISK_SQL},
    'estimated_minutes', i.estimated_minutes, 'version', i.version, 'plan_id', i.plan_id,
    'asset_ids', coalesce((SELECT jsonb_agg(ia.asset_id ORDER BY ia.asset_id) FROM intervention_assets ia
                           WHERE ia.intervention_id = i.id), '[]'::jsonb),
    'created_at', i.created_at, 'updated_at', i.updated_at, 'completed_at', i.completed_at,
    'closed_at', i.closed_at)"""

_FEATURE = f"""json_build_object(
    'type', 'Feature', 'id', i.id,
    'geometry', ST_AsGeoJSON(ST_Transform(i.geom, 4326), 7)::json,
    'properties', {_PROPERTIES})"""

_FROM = ("FROM interventions i LEFT JOIN communes c ON c.id = i.commune_id "
         "LEFT JOIN teams tm ON tm.id = i.team_id")

SORT_KEYS = {
    "due_at": "i.due_at", "priority": "i.priority", "reference": "i.reference", "status": "i.status",
    "reported_at": "i.reported_at", "planned_start": "i.planned_start", "commune": "c.name",
}


@dataclass(frozen=True)
class InterventionFilter:
    """What a list of interventions is restricted to. ``bbox`` is in EPSG:4326."""

    bbox: tuple[float, float, float, float] | None = None
    statuses: list[str] = field(default_factory=list)
    priorities: list[int] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)  # INSEE codes
    team_ids: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    overdue: bool | None = None  # True: overdue only; False: not overdue
    reference: str | None = None
    asset_id: int | None = None
    unplanned: bool = False  # no planned day (the backlog)
    planned_from: datetime | None = None
    planned_before: datetime | None = None
    reported_from: datetime | None = None  # reported at or after (inclusive)
    reported_until: datetime | None = None  # reported at or before (inclusive)
    ids: list[int] = field(default_factory=list)
    sort: str = "due_at"


def where_clause(actor: User, flt: InterventionFilter, params: dict) -> str:
    """The SQL condition on ``interventions i`` (left-joined to ``communes c``) that keeps
    what ``flt`` and the actor's commune scope allow; its bind values go into ``params``."""
    return _where(actor, flt, params)


def _where(actor: User, flt: InterventionFilter, params: dict) -> str:
    clauses = []
    if flt.bbox:
        clauses.append(f"i.geom && ST_Transform(ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326), {STORAGE_SRID})")
        params.update(zip(("minx", "miny", "maxx", "maxy"), flt.bbox))
    for name, column, values in (("statuses", "i.status", flt.statuses), ("priorities", "i.priority", flt.priorities),
                                 ("communes", "c.insee", flt.communes), ("team_ids", "i.team_id", flt.team_ids),
                                 ("kinds", "i.kind", flt.kinds), ("ids", "i.id", flt.ids)):
        if values:
            clauses.append(f"{column} = ANY(:{name})")
            params[name] = list(values)
    if flt.overdue is not None:
        clauses.append(OVERDUE_SQL if flt.overdue else f"NOT coalesce({OVERDUE_SQL}, false)")
    if flt.reference:
        clauses.append("i.reference ILIKE :reference")
        params["reference"] = "%" + flt.reference.replace("%", "").replace("_", "\\_") + "%"
    if flt.asset_id is not None:
        clauses.append("EXISTS (SELECT 1 FROM intervention_assets ia WHERE ia.intervention_id = i.id "
                       "AND ia.asset_id = :asset_id)")
        params["asset_id"] = flt.asset_id
    if flt.unplanned:
        clauses.append("i.planned_start IS NULL")
    for name, condition in (("planned_from", "i.planned_start >="), ("planned_before", "i.planned_start <"),
                            ("reported_from", "i.reported_at >="), ("reported_until", "i.reported_at <=")):
        if getattr(flt, name) is not None:
            clauses.append(f"{condition} :{name}")
            params[name] = getattr(flt, name)
    if actor.commune_ids is not None:
        clauses.append("i.commune_id = ANY(:scope)")
        params["scope"] = sorted(actor.commune_ids)
    return " AND ".join(clauses) or "true"


def _order_by(sort: str) -> str:
    descending = sort.startswith("-")
    column = SORT_KEYS.get(sort.lstrip("-"), "i.due_at")
    return f"{column} {'DESC' if descending else 'ASC'} NULLS LAST, i.id"


def intervention_features(session: Session, actor: User, flt: InterventionFilter, limit: int, offset: int = 0,
                          *, as_text: bool = False) -> list:
    """One page of interventions as GeoJSON features (dicts, or JSON texts with ``as_text``)."""
    params: dict = {"limit": limit, "offset": offset}
    feature = f"({_FEATURE})::text" if as_text else _FEATURE
    return list(session.execute(
        text(f"SELECT {feature} {_FROM} WHERE {_where(actor, flt, params)} "
             f"ORDER BY {_order_by(flt.sort)} LIMIT :limit OFFSET :offset"), params).scalars())


def count_interventions(session: Session, actor: User, flt: InterventionFilter) -> int:
    """How many interventions match ``flt``."""
    params: dict = {}
    return session.execute(text(f"SELECT count(*) {_FROM} WHERE {_where(actor, flt, params)}"), params).scalar_one()


def intervention_feature(session: Session, actor: User, intervention_id: int) -> dict:
    """One intervention as a GeoJSON feature; NotFound outside the actor's scope."""
    features = intervention_features(session, actor, InterventionFilter(ids=[intervention_id]), 1)
    if not features:
        raise NotFound(msg("No intervention %(id)s.", id=intervention_id))
    return features[0]


def intervention_details(session: Session, actor: User, intervention_id: int) -> dict:
    """Everything the intervention page shows: the feature, the report, checklist, assets,
    requests, timeline and attachments."""
    feature = intervention_feature(session, actor, intervention_id)
    row = session.execute(text(
        "SELECT i.checklist, i.cause, i.action_taken, i.parts_used, i.time_spent_minutes, i.outcome, "
        "i.replacement, i.cancel_reason, i.started_at, i.split_from_id, s.reference AS split_from_reference, "
        "r.hours AS sla_hours, r.counting AS sla_counting, u.display_name AS created_by "
        "FROM interventions i LEFT JOIN interventions s ON s.id = i.split_from_id "
        "LEFT JOIN sla_rules r ON r.id = i.sla_rule_id LEFT JOIN users u ON u.id = i.created_by_id "
        "WHERE i.id = :id"), {"id": intervention_id}).mappings().one()
    return {
        "feature": feature,
        **dict(row),
        "assets": intervention_assets(session, intervention_id),
        "requests": _requests(session, intervention_id),
        "timeline": timeline(session, intervention_id),
        "attachments": attachments(session, intervention_id),
        "team_member_ids": list(session.execute(text(
            "SELECT tm.user_id FROM team_members tm JOIN interventions i ON i.team_id = tm.team_id "
            "WHERE i.id = :id"), {"id": intervention_id}).scalars()),
    }


def intervention_assets(session: Session, intervention_id: int) -> list[dict]:
    """The intervention's assets: id, reference, type, status, commune, key attributes."""
    rows = session.execute(text(
        "SELECT a.id, a.reference, t.code AS type, t.label_fr, t.label_en, a.status, c.name AS commune_name, "
        "a.manufacturer, a.model, a.installed_on, a.attributes "
        "FROM intervention_assets ia JOIN assets a ON a.id = ia.asset_id JOIN asset_types t ON t.id = a.type_id "
        "LEFT JOIN communes c ON c.id = a.commune_id WHERE ia.intervention_id = :id ORDER BY a.reference"),
        {"id": intervention_id}).mappings()
    return [dict(row) for row in rows]


def timeline(session: Session, intervention_id: int) -> list[dict]:
    """Every step and edit, oldest first: when, who, from → to, comment, changes."""
    rows = session.execute(text(
        "SELECT e.id, e.at, e.from_status, e.to_status, e.comment, e.changes, u.display_name AS actor_name "
        "FROM intervention_events e LEFT JOIN users u ON u.id = e.actor_id "
        "WHERE e.intervention_id = :id ORDER BY e.at, e.id"), {"id": intervention_id}).mappings()
    return [{**row, "changes": row["changes"] if isinstance(row["changes"], dict) else json.loads(row["changes"])}
            for row in rows]


def attachments(session: Session, intervention_id: int) -> list[dict]:
    """The attachments' metadata (not their bytes)."""
    rows = session.execute(text(
        "SELECT a.id, a.filename, a.content_type, a.size_bytes, a.uploaded_at, u.display_name AS uploaded_by "
        "FROM intervention_attachments a LEFT JOIN users u ON u.id = a.uploaded_by_id "
        "WHERE a.intervention_id = :id ORDER BY a.uploaded_at, a.id"), {"id": intervention_id}).mappings()
    return [dict(row) for row in rows]


def attachment_content(session: Session, actor: User, intervention_id: int, attachment_id: int) -> tuple[str, str, bytes]:
    """(filename, content type, bytes) of one attachment, within the actor's scope."""
    intervention_feature(session, actor, intervention_id)
    row = session.execute(text(
        "SELECT filename, content_type, data FROM intervention_attachments "
        "WHERE id = :aid AND intervention_id = :id"), {"aid": attachment_id, "id": intervention_id}).one_or_none()
    if row is None:
        raise NotFound(msg("No attachment %(id)s.", id=attachment_id))
    return row.filename, row.content_type, bytes(row.data)


def _requests(session: Session, intervention_id: int) -> list[dict]:
    rows = session.execute(text(
        "SELECT r.id, r.reference, r.source, r.description, r.received_at FROM intervention_requests ir "
        "JOIN service_requests r ON r.id = ir.request_id WHERE ir.intervention_id = :id ORDER BY r.received_at"),
        {"id": intervention_id}).mappings()
    return [dict(row) for row in rows]


def teams(session: Session, active_only: bool = True) -> list[dict]:
    """Teams with their daily capacity and members' ids, by name."""
    rows = session.execute(text(
        "SELECT t.id, t.name, t.daily_capacity_hours::float AS daily_capacity_hours, t.is_active, "
        "coalesce(array_agg(m.user_id ORDER BY m.user_id) FILTER (WHERE m.user_id IS NOT NULL), '{}') AS member_ids "
        "FROM teams t LEFT JOIN team_members m ON m.team_id = t.id "
        f"{'WHERE t.is_active' if active_only else ''} GROUP BY t.id ORDER BY t.name")).mappings()
    return [dict(row) for row in rows]


def teams_of_member(session: Session, user_id: int) -> list[int]:
    """The ids of the teams ``user_id`` belongs to."""
    return list(session.execute(text("SELECT team_id FROM team_members WHERE user_id = :id ORDER BY team_id"),
                                {"id": user_id}).scalars())


def asset_references(session: Session, intervention_ids: list[int]) -> dict[int, list[str]]:
    """The references of each intervention's assets, sorted."""
    rows = session.execute(text(
        "SELECT ia.intervention_id, array_agg(a.reference ORDER BY a.reference) FROM intervention_assets ia "
        "JOIN assets a ON a.id = ia.asset_id WHERE ia.intervention_id = ANY(:ids) GROUP BY ia.intervention_id"),
        {"ids": intervention_ids})
    return {intervention_id: references for intervention_id, references in rows}
