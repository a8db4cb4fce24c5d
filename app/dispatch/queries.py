"""Reads of the control room: every active crew with its members, trades, last known
position and current intervention (the dispatch map polls it), and a team's last
position for the ranking.

A crew's position is its members' most recent fix (``crew_last_positions``: one row per
agent, so the read never scans the history).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.interventions.sla import DEFAULT_CALENDAR

LOCAL_ZONE = ZoneInfo(DEFAULT_CALENDAR.timezone)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants a local day starts and ends (23 or 25 hours around clock changes)."""
    start = datetime.combine(day, time(0), LOCAL_ZONE)
    return start, datetime.combine(day + timedelta(days=1), time(0), LOCAL_ZONE)


_CREWS = text("""
    SELECT t.id, t.name, t.skills, t.vehicle, t.depot_label, t.daily_capacity_hours,
           to_char(t.shift_start, 'HH24:MI') AS shift_start, to_char(t.shift_end, 'HH24:MI') AS shift_end,
           t.working_days,
           ST_X(ST_Transform(t.depot, 4326)) AS depot_longitude, ST_Y(ST_Transform(t.depot, 4326)) AS depot_latitude,
           coalesce((SELECT json_agg(json_build_object('id', u.id, 'name', u.display_name) ORDER BY u.display_name)
                     FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = t.id), '[]') AS members,
           p.longitude, p.latitude, p.accuracy_m, p.recorded_at, p.posted_by,
           c.id AS current_id, c.reference AS current_reference, c.status AS current_status
    FROM teams t
    LEFT JOIN LATERAL (
        SELECT ST_X(ST_Transform(l.geom, 4326)) AS longitude, ST_Y(ST_Transform(l.geom, 4326)) AS latitude,
               l.accuracy_m, l.recorded_at, u.display_name AS posted_by
        FROM team_members m JOIN crew_last_positions l ON l.user_id = m.user_id JOIN users u ON u.id = m.user_id
        WHERE m.team_id = t.id ORDER BY l.recorded_at DESC LIMIT 1
    ) p ON true
    LEFT JOIN LATERAL (
        SELECT i.id, i.reference, i.status FROM interventions i
        WHERE i.team_id = t.id AND (i.status = 'in_progress'
              OR (i.status = 'assigned' AND i.planned_start >= :day_start AND i.planned_start < :day_end))
        ORDER BY i.status = 'in_progress' DESC, i.planned_start, i.id LIMIT 1
    ) c ON true
    WHERE t.is_active
    ORDER BY t.name COLLATE "und-x-icu", t.id
""")


def active_crews(session: Session, now: datetime) -> list[dict]:
    """Every active team as the dispatch map shows it (JSON-ready, times as ISO 8601);
    ``age_seconds`` is the position's age at ``now``."""
    day_start, day_end = local_day_bounds(now.astimezone(LOCAL_ZONE).date())
    crews = []
    for row in session.execute(_CREWS, {"day_start": day_start, "day_end": day_end}).mappings():
        position = None
        if row["recorded_at"] is not None:
            position = {
                "longitude": round(row["longitude"], 6), "latitude": round(row["latitude"], 6),
                "accuracy_m": row["accuracy_m"], "recorded_at": row["recorded_at"].isoformat(),
                "age_seconds": max(0, int((now - row["recorded_at"]).total_seconds())), "posted_by": row["posted_by"],
            }
        depot = None
        if row["depot_longitude"] is not None:
            depot = {"longitude": round(row["depot_longitude"], 6), "latitude": round(row["depot_latitude"], 6),
                     "label": row["depot_label"]}
        crews.append({
            "id": row["id"], "name": row["name"], "skills": list(row["skills"]), "vehicle": row["vehicle"],
            "daily_capacity_hours": float(row["daily_capacity_hours"]), "shift_start": row["shift_start"],
            "shift_end": row["shift_end"], "working_days": list(row["working_days"]), "depot": depot,
            "members": row["members"], "last_position": position,
            "current_intervention": None if row["current_id"] is None else {
                "id": row["current_id"], "reference": row["current_reference"], "status": row["current_status"]},
        })
    return crews


@dataclass(frozen=True)
class CrewPlace:
    """Where a team is, as the ranking needs it (storage SRID)."""

    x: float | None
    y: float | None
    recorded_at: datetime | None


def last_positions(session: Session, team_ids: list[int]) -> dict[int, CrewPlace]:
    """Each team's latest member fix, in the storage SRID (teams without one are absent)."""
    rows = session.execute(text(
        "SELECT DISTINCT ON (m.team_id) m.team_id, ST_X(l.geom), ST_Y(l.geom), l.recorded_at "
        "FROM team_members m JOIN crew_last_positions l ON l.user_id = m.user_id "
        "WHERE m.team_id = ANY(:teams) ORDER BY m.team_id, l.recorded_at DESC"), {"teams": team_ids})
    return {team_id: CrewPlace(x, y, recorded_at) for team_id, x, y, recorded_at in rows}
