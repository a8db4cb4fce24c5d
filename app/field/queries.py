"""What the tablet reads: the agent's day (their teams' interventions in visiting order)
and the mission sheets, with everything a sheet shows offline, in a few set-based queries.

The day's ETag is a digest of what the sheets are made of (the interventions' versions,
their latest event, attachment and asset versions) and the order, so a tablet polling an
unchanged day gets 304 without the sheets being built.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.dispatch.days import day_order
from app.interventions import queries as intervention_queries
from app.interventions.queries import InterventionFilter

HISTORY_ROWS = 5  # the asset's latest history rows shown on the sheet
NOTES = 20  # the latest comments of the timeline shown on the sheet


def agent_teams(session: Session, actor: User) -> list[dict]:
    """The active teams ``actor`` belongs to (id, name), by name."""
    rows = session.execute(text(
        "SELECT t.id, t.name FROM teams t JOIN team_members m ON m.team_id = t.id "
        "WHERE m.user_id = :user AND t.is_active ORDER BY t.name, t.id"), {"user": actor.id}).mappings()
    return [dict(row) for row in rows]


def day_ids(session: Session, actor: User, teams: list[dict], day: date, today: date) -> list[int]:
    """The interventions of ``actor``'s teams planned on ``day``, each team's in visiting
    order. Today's day starts with the work the crew started on an earlier day and has not
    finished, in progress then on hold, oldest start first: it is still theirs to do."""
    ids: list[int] = []
    if day == today and teams:
        params: dict = {}
        where = intervention_queries.where_clause(actor, InterventionFilter(
            team_ids=[team["id"] for team in teams], statuses=["in_progress", "on_hold"]), params)
        ids.extend(session.execute(text(
            f"SELECT i.id FROM interventions i LEFT JOIN communes c ON c.id = i.commune_id WHERE {where} "
            "ORDER BY i.status = 'on_hold', i.started_at NULLS LAST, i.id"), params).scalars())
    for team in teams:
        ids.extend(i for i in day_order(session, actor, team["id"], day) if i not in ids)
    return ids


def day_etag(session: Session, day: date, teams: list[dict], ids: list[int]) -> str:
    """A digest of everything the day's answer is made of."""
    rows = session.execute(text("""
        SELECT i.id, i.version,
               (SELECT max(e.id) FROM intervention_events e WHERE e.intervention_id = i.id) AS event,
               (SELECT max(a.id) FROM intervention_attachments a WHERE a.intervention_id = i.id) AS attachment,
               (SELECT string_agg(s.id || ':' || s.version, ',' ORDER BY s.id) FROM intervention_assets ia
                  JOIN assets s ON s.id = ia.asset_id WHERE ia.intervention_id = i.id) AS assets
        FROM interventions i WHERE i.id = ANY(:ids) ORDER BY i.id"""), {"ids": ids}).all()
    material = [day.isoformat(), teams, ids, [list(row) for row in rows]]
    return hashlib.sha256(json.dumps(material, default=str).encode()).hexdigest()[:32]


def sheets(session: Session, actor: User, ids: list[int]) -> list[dict]:
    """The mission sheets of ``ids`` that ``actor`` may read, in the order of ``ids``:
    the intervention's properties and location (longitude, latitude), checklist, report,
    assets (attributes and latest history), the dispatcher's and crew's notes, attachments."""
    if not ids:
        return []
    features = intervention_queries.intervention_features(session, actor, InterventionFilter(ids=ids), len(ids))
    found = {feature["id"]: feature for feature in features}
    ids = [i for i in ids if i in found]
    extra = {row["id"]: dict(row) for row in session.execute(text("""
        SELECT i.id, i.checklist, i.cause, i.action_taken, i.parts_used, i.time_spent_minutes, i.outcome,
               i.replacement, i.started_at,
               ST_X(ST_Transform(ST_PointOnSurface(i.geom), 4326)) AS longitude,
               ST_Y(ST_Transform(ST_PointOnSurface(i.geom), 4326)) AS latitude
        FROM interventions i WHERE i.id = ANY(:ids)"""), {"ids": ids}).mappings()}
    assets = _assets(session, ids)
    notes = _notes(session, ids)
    attachments = _attachments(session, ids)
    result = []
    for intervention_id in ids:
        row = extra[intervention_id]
        result.append({
            "id": intervention_id, **found[intervention_id]["properties"],
            "longitude": round(row["longitude"], 7), "latitude": round(row["latitude"], 7),
            "checklist": row["checklist"] or [],
            "report": {name: row[name] for name in ("cause", "action_taken", "parts_used", "time_spent_minutes",
                                                    "outcome", "replacement")},
            "started_at": row["started_at"].isoformat() if row["started_at"] else None,
            "assets": assets.get(intervention_id, []), "notes": notes.get(intervention_id, []),
            "attachments": attachments.get(intervention_id, []),
        })
    return result


def bbox(sheet_list: list[dict]) -> list[float] | None:
    """The box (EPSG:4326) around the sheets' places, or None for an empty day."""
    if not sheet_list:
        return None
    lons, lats = [s["longitude"] for s in sheet_list], [s["latitude"] for s in sheet_list]
    return [min(lons), min(lats), max(lons), max(lats)]


def _assets(session: Session, ids: list[int]) -> dict[int, list[dict]]:
    rows = session.execute(text(f"""
        SELECT ia.intervention_id, a.id, a.reference, t.code AS type, t.label_fr, t.label_en, t.attribute_schema,
               a.status, a.manufacturer, a.model, a.installed_on, a.attributes,
               ST_X(ST_Transform(ST_PointOnSurface(a.geom), 4326)) AS longitude,
               ST_Y(ST_Transform(ST_PointOnSurface(a.geom), 4326)) AS latitude,
               coalesce((SELECT jsonb_agg(jsonb_build_object('recorded_at', h.recorded_at, 'change', h.change,
                                                             'reason', h.reason) ORDER BY h.recorded_at DESC)
                         FROM (SELECT * FROM asset_history h WHERE h.asset_id = a.id
                               ORDER BY h.recorded_at DESC LIMIT {HISTORY_ROWS}) h), '[]') AS history
        FROM intervention_assets ia JOIN assets a ON a.id = ia.asset_id JOIN asset_types t ON t.id = a.type_id
        WHERE ia.intervention_id = ANY(:ids) ORDER BY a.reference"""), {"ids": ids}).mappings()
    found: dict[int, list[dict]] = {}
    for row in rows:
        labels = {field["name"]: {"fr": field.get("label_fr"), "en": field.get("label_en")}
                  for field in row["attribute_schema"] or []}
        found.setdefault(row["intervention_id"], []).append({
            "id": row["id"], "reference": row["reference"], "type": row["type"],
            "label_fr": row["label_fr"], "label_en": row["label_en"], "status": row["status"],
            "manufacturer": row["manufacturer"], "model": row["model"],
            "installed_on": row["installed_on"].isoformat() if row["installed_on"] else None,
            "attributes": [{"name": name, "label_fr": labels.get(name, {}).get("fr") or name,
                            "label_en": labels.get(name, {}).get("en") or name, "value": value}
                           for name, value in (row["attributes"] or {}).items() if value not in (None, "")],
            "longitude": round(row["longitude"], 7), "latitude": round(row["latitude"], 7),
            "history": row["history"],
        })
    return found


def _notes(session: Session, ids: list[int]) -> dict[int, list[dict]]:
    rows = session.execute(text(f"""
        SELECT n.intervention_id, n.at, n.comment, n.to_status, n.actor_name FROM (
            SELECT e.intervention_id, e.at, e.comment, e.to_status, u.display_name AS actor_name,
                   row_number() OVER (PARTITION BY e.intervention_id ORDER BY e.at DESC, e.id DESC) AS rank
            FROM intervention_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.intervention_id = ANY(:ids) AND coalesce(e.comment, '') <> '') n
        WHERE n.rank <= {NOTES} ORDER BY n.intervention_id, n.at, n.rank DESC"""), {"ids": ids}).mappings()
    found: dict[int, list[dict]] = {}
    for row in rows:
        found.setdefault(row["intervention_id"], []).append({
            "at": row["at"].isoformat(), "comment": row["comment"], "to_status": row["to_status"],
            "actor_name": row["actor_name"]})
    return found


def _attachments(session: Session, ids: list[int]) -> dict[int, list[dict]]:
    rows = session.execute(text(
        "SELECT intervention_id, id, filename, content_type, size_bytes, uploaded_at FROM intervention_attachments "
        "WHERE intervention_id = ANY(:ids) ORDER BY uploaded_at, id"), {"ids": ids}).mappings()
    found: dict[int, list[dict]] = {}
    for row in rows:
        found.setdefault(row["intervention_id"], []).append({
            "id": row["id"], "filename": row["filename"], "content_type": row["content_type"],
            "size_bytes": row["size_bytes"], "uploaded_at": row["uploaded_at"].isoformat()})
    return found
