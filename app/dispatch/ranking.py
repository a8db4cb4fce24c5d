"""Suggest a crew: the active teams ranked for one intervention, each with its reasons.

A team is left out, with the reason, when it lacks a trade the intervention's assets
need (``AssetType.skill``; assets of types needing none: any crew) or does not serve its
commune (a team with no commune listed serves them all). The others get a score, in
points, higher is better:

    100 − travel minutes − 60 if off duty now − 30 × (today's load ratio) − 30 if over
    capacity − 15 if busy on a job

Travel is from the crew's last position when it is fresh (under 30 minutes), else from
its depot, through ``app.dispatch.travel.legs_to`` (street network or straight line).
Reasons are data (a code and its values); ``app.dispatch.labels`` words them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.dispatch import travel
from app.dispatch.queries import LOCAL_ZONE, last_positions, local_day_bounds
from app.errors import NotFound
from app.i18n import msg
from app.interventions.models import OPEN_STATUSES

FRESH_POSITION = timedelta(minutes=30)
DEFAULT_ESTIMATE_MINUTES = 60  # as the planning board counts an intervention without estimate
OFF_DUTY_PENALTY = 60
LOAD_PENALTY = 30  # at a full day
OVER_CAPACITY_PENALTY = 30
BUSY_PENALTY = 15
UNKNOWN_TRAVEL_MINUTES = 60  # a crew with neither a fresh position nor a depot


@dataclass(frozen=True)
class Reason:
    """Why a crew ranks where it does: a code the labels word, and its values."""

    code: str
    values: dict = field(default_factory=dict)
    penalty: float = 0.0  # points taken off the score


@dataclass(frozen=True)
class CrewSuggestion:
    team_id: int
    name: str
    score: float | None  # None when excluded
    reasons: list[Reason]
    travel: travel.Leg | None = None


@dataclass(frozen=True)
class Suggestions:
    intervention_id: int
    reference: str
    status: str
    version: int
    skills_needed: list[str]
    ranked: list[CrewSuggestion]  # best first
    excluded: list[CrewSuggestion]


_INTERVENTION = text("""
    SELECT i.id, i.reference, i.status, i.version, i.commune_id, i.estimated_minutes,
           ST_X(ST_PointOnSurface(i.geom)) AS x, ST_Y(ST_PointOnSurface(i.geom)) AS y,
           coalesce((SELECT array_agg(DISTINCT t.skill ORDER BY t.skill) FROM intervention_assets ia
                     JOIN assets a ON a.id = ia.asset_id JOIN asset_types t ON t.id = a.type_id
                     WHERE ia.intervention_id = i.id AND t.skill IS NOT NULL), '{}') AS skills_needed
    FROM interventions i WHERE i.id = :id
""")

_TEAMS = text("""
    SELECT t.id, t.name, t.skills, t.shift_start, t.shift_end, t.working_days, t.daily_capacity_hours,
           ST_X(t.depot) AS depot_x, ST_Y(t.depot) AS depot_y,
           coalesce((SELECT array_agg(tc.commune_id) FROM team_communes tc WHERE tc.team_id = t.id), '{}') AS communes,
           coalesce((SELECT sum(coalesce(i.estimated_minutes, :default_minutes)) FROM interventions i
                     WHERE i.team_id = t.id AND i.id <> :intervention AND i.status = ANY(:open)
                       AND i.planned_start >= :day_start AND i.planned_start < :day_end), 0) AS load_minutes,
           EXISTS (SELECT 1 FROM interventions i WHERE i.team_id = t.id AND i.status = 'in_progress') AS busy
    FROM teams t WHERE t.is_active ORDER BY t.name, t.id
""")


def suggest_crews(session: Session, actor: User, intervention_id: int, now: datetime) -> Suggestions:
    """The active teams for ``intervention_id``, best first, and those left out with why."""
    item = session.execute(_INTERVENTION, {"id": intervention_id}).mappings().one_or_none()
    scope = actor.commune_ids
    if item is None or (scope is not None and item["commune_id"] not in scope):
        raise NotFound(msg("No intervention %(id)s.", id=intervention_id))
    local_now = now.astimezone(LOCAL_ZONE)
    day_start, day_end = local_day_bounds(local_now.date())
    teams = list(session.execute(_TEAMS, {
        "intervention": intervention_id, "open": list(OPEN_STATUSES), "day_start": day_start, "day_end": day_end,
        "default_minutes": DEFAULT_ESTIMATE_MINUTES}).mappings())
    needed = set(item["skills_needed"])
    minutes = item["estimated_minutes"] or DEFAULT_ESTIMATE_MINUTES
    excluded, candidates = [], []
    for team in teams:
        reasons = _exclusions(team, needed, item["commune_id"])
        if reasons:
            excluded.append(CrewSuggestion(team["id"], team["name"], None, reasons))
        else:
            candidates.append(team)
    legs = _travel(session, candidates, travel.Place(item["x"], item["y"]), now)
    ranked = [_scored(team, needed, legs.get(team["id"]), minutes, local_now) for team in candidates]
    ranked.sort(key=lambda s: (-s.score, s.name))
    return Suggestions(item["id"], item["reference"], item["status"], item["version"], sorted(needed), ranked, excluded)


def _exclusions(team, needed: set[str], commune_id: int | None) -> list[Reason]:
    reasons = []
    missing = sorted(needed - set(team["skills"]))
    if missing:
        reasons.append(Reason("lacks_trade", {"skills": missing}))
    if commune_id is not None and team["communes"] and commune_id not in team["communes"]:
        reasons.append(Reason("commune_not_served"))
    return reasons


def _travel(session: Session, teams: list, destination: travel.Place,
            now: datetime) -> dict[int, tuple[travel.Leg, str]]:
    """Each team's leg to ``destination`` and where from ("position" or "depot")."""
    positions = last_positions(session, [team["id"] for team in teams])
    origins: list[tuple[int, travel.Place, str]] = []
    for team in teams:
        place = positions.get(team["id"])
        if place is not None and now - place.recorded_at < FRESH_POSITION:
            origins.append((team["id"], travel.Place(place.x, place.y), "position"))
        elif team["depot_x"] is not None:
            origins.append((team["id"], travel.Place(team["depot_x"], team["depot_y"]), "depot"))
    if not origins:
        return {}
    legs = travel.legs_to(session, [place for _, place, _ in origins], destination)
    return {team_id: (leg, origin) for (team_id, _, origin), leg in zip(origins, legs)}


def _scored(team, needed: set[str], leg: tuple[travel.Leg, str] | None, minutes: int,
            local_now: datetime) -> CrewSuggestion:
    reasons = [Reason("has_trade", {"skills": sorted(needed)}) if needed else Reason("any_trade")]
    if leg is None:
        reasons.append(Reason("travel_unknown", {}, UNKNOWN_TRAVEL_MINUTES))
    else:
        route, origin = leg
        reasons.append(Reason(f"travel_from_{origin}", {
            "minutes": round(route.seconds / 60), "km": round(route.metres / 1000, 1), "method": route.method},
            route.seconds / 60))
    on_duty = (local_now.isoweekday() in team["working_days"]
               and team["shift_start"] <= local_now.time().replace(tzinfo=None) < team["shift_end"])
    shift = {"start": team["shift_start"].strftime("%H:%M"), "end": team["shift_end"].strftime("%H:%M")}
    reasons.append(Reason("on_duty", shift) if on_duty else Reason("off_duty", shift, OFF_DUTY_PENALTY))
    capacity = float(team["daily_capacity_hours"]) * 60
    load = float(team["load_minutes"])
    ratio = (load + minutes) / capacity if capacity else 1.0
    over = OVER_CAPACITY_PENALTY if ratio > 1 else 0
    reasons.append(Reason("over_capacity" if over else "load", {
        "planned_hours": round(load / 60, 1), "capacity_hours": round(capacity / 60, 1),
        "percent": round(100 * ratio)}, LOAD_PENALTY * min(ratio, 2) + over))
    if team["busy"]:
        reasons.append(Reason("busy", {}, BUSY_PENALTY))
    score = round(100 - sum(reason.penalty for reason in reasons), 1)
    return CrewSuggestion(team["id"], team["name"], score, reasons, None if leg is None else leg[0])
