"""A crew's day: the interventions of a team planned on a date, in optimised visiting order
with their times. The tablet's "My day", the crew's day pack, the board and the crew's
day page read the order here.

The plan is stored (``crew_day_plans``, one row per team and day) with a fingerprint of
what it was computed from: the day's jobs and what places them (priority, slot, due time,
estimate, place, whether started), the team's depot and hours, and the street network's
build. A read whose fingerprint differs re-plans at once, in the read, and stores it
(an urgent job inserted is in the next read's order); "re-optimise" forces it. Jobs
already started or done keep their place at the head of the day, in the order of the
previous plan; the rest is re-planned from the last of them (from now, for today).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.auth.models import User
from app.dispatch import day_plan
from app.dispatch.routing_models import CrewDayPlan
from app.dispatch.travel import Leg, Place, travel_matrix
from app.errors import NotFound
from app.i18n import msg
from app.interventions import queries as intervention_queries
from app.interventions.board import BOARD_STATUSES, DEFAULT_ESTIMATE_MINUTES, LOCAL_ZONE

# Started or done: their place in the day is history, not a choice.
SETTLED_STATUSES = ("in_progress", "completed", "closed")


@dataclass(frozen=True)
class PlannedStop:
    """One visit of the plan (times in the territory's local time)."""

    id: int
    arrival: datetime
    departure: datetime
    travel_seconds: float  # from the previous place (the depot for the first)
    late_seconds: int


@dataclass(frozen=True)
class CrewDay:
    """A team's day in visiting order, with its totals and how it was computed."""

    team_id: int
    day: date
    stops: tuple[PlannedStop, ...]
    depot: Place | None
    return_travel_seconds: float
    travel_seconds: float
    naive_travel_seconds: float
    travel_metres: float
    method: str  # "network", "straight_line" or "mixed"
    solver: str
    solve_ms: int
    computed_at: datetime

    @property
    def ids(self) -> list[int]:
        return [stop.id for stop in self.stops]


def day_order(session: Session, actor: User, team_id: int, day: date) -> list[int]:
    """The ids of the team's interventions planned on ``day`` (local time) that ``actor``
    may read, in visiting order."""
    plan = crew_day(session, team_id, day)
    readable = set(_readable_ids(session, actor, team_id, day))
    return [i for i in plan.ids if i in readable]


def crew_day(session: Session, team_id: int, day: date, *, reoptimise: bool = False, store: bool = True) -> CrewDay:
    """The team's plan for ``day``: the stored one while its inputs are unchanged, else
    planned now and stored (flushes; the caller commits; ``store=False`` for a reader that
    must not write, e.g. a print job). NotFound: no such team."""
    team = session.execute(text(
        "SELECT id, shift_start, shift_end, ST_X(depot) AS depot_x, ST_Y(depot) AS depot_y FROM teams WHERE id = :id"),
        {"id": team_id}).mappings().one_or_none()
    if team is None:
        raise NotFound(msg("No team %(id)s.", id=team_id))
    jobs = _day_jobs(session, team_id, day)
    network = session.execute(text("SELECT built_at FROM road_network_builds WHERE id = 1")).scalar()
    fingerprint = _fingerprint(team, jobs, network)
    stored = session.get(CrewDayPlan, (team_id, day), populate_existing=True)
    depot = Place(team["depot_x"], team["depot_y"]) if team["depot_x"] is not None else None
    if stored is not None and stored.fingerprint == fingerprint and not reoptimise:
        return _from_row(stored, depot)
    if store and not reoptimise:
        # Tablets of one crew poll together: one plans, the others wait and read its plan.
        session.execute(text("SELECT pg_advisory_xact_lock(:team, :day)"), {"team": team_id, "day": day.toordinal()})
        stored = session.get(CrewDayPlan, (team_id, day), populate_existing=True)
        if stored is not None and stored.fingerprint == fingerprint:
            return _from_row(stored, depot)
    plan = _plan(session, team, day, jobs, depot, stored)
    if not store:
        return plan
    values = dict(team_id=team_id, day=day, stops=[_stop_json(s) for s in plan.stops], travel_seconds=plan.travel_seconds,
                  naive_travel_seconds=plan.naive_travel_seconds, travel_metres=plan.travel_metres, method=plan.method,
                  solver=plan.solver, solve_ms=plan.solve_ms, fingerprint=fingerprint, computed_at=plan.computed_at)
    values["stops"].append({"return_travel_seconds": plan.return_travel_seconds})
    statement = insert(CrewDayPlan).values(**values)
    session.execute(statement.on_conflict_do_update(
        index_elements=["team_id", "day"], set_={k: statement.excluded[k] for k in values if k not in ("team_id", "day")}))
    return plan


def _readable_ids(session: Session, actor: User, team_id: int, day: date) -> list[int]:
    start = datetime.combine(day, time.min, tzinfo=LOCAL_ZONE)
    params: dict = {}
    where = intervention_queries.where_clause(actor, intervention_queries.InterventionFilter(
        team_ids=[team_id], statuses=list(BOARD_STATUSES), planned_from=start,
        planned_before=start + timedelta(days=1)), params)
    return list(session.execute(text(
        f"SELECT i.id FROM interventions i LEFT JOIN communes c ON c.id = i.commune_id WHERE {where}"), params).scalars())


def _day_jobs(session: Session, team_id: int, day: date) -> list[dict]:
    start = datetime.combine(day, time.min, tzinfo=LOCAL_ZONE)
    return [dict(row) for row in session.execute(text("""
        SELECT i.id, i.priority, i.status, i.planned_start, i.planned_end, i.due_at, i.estimated_minutes,
               ST_X(p.pt) AS x, ST_Y(p.pt) AS y
        FROM interventions i CROSS JOIN LATERAL (SELECT ST_PointOnSurface(i.geom) AS pt) p
        WHERE i.team_id = :team AND i.status = ANY(:statuses) AND i.planned_start >= :start AND i.planned_start < :end
        ORDER BY i.planned_start, i.id"""), {"team": team_id, "statuses": list(BOARD_STATUSES), "start": start,
                                             "end": start + timedelta(days=1)}).mappings()]


def _fingerprint(team, jobs: list[dict], network_built_at) -> str:
    inputs = [[team["shift_start"].isoformat(), team["shift_end"].isoformat(), team["depot_x"], team["depot_y"],
               network_built_at.isoformat() if network_built_at else None]]
    for job in jobs:
        inputs.append([job["id"], job["priority"], job["status"] in SETTLED_STATUSES, job["estimated_minutes"],
                       *(job[k].isoformat() if job[k] else None for k in ("planned_start", "planned_end", "due_at")),
                       round(job["x"], 1), round(job["y"], 1)])
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


def _seconds_of_day(moment: datetime | None, day: date) -> int | None:
    """Seconds since the day's local midnight; None when ``moment`` is not on ``day``."""
    if moment is None:
        return None
    local = moment.astimezone(LOCAL_ZONE)
    if local.date() != day:
        return None
    return local.hour * 3600 + local.minute * 60 + local.second


def _plan(session: Session, team, day: date, jobs: list[dict], depot: Place | None, stored: CrewDayPlan | None
          ) -> CrewDay:
    places = ([depot] if depot else []) + [Place(job["x"], job["y"]) for job in jobs]
    legs = travel_matrix(session, places)
    first = 1 if depot else 0
    candidates = [optimiser_job(job, first + n, day) for n, job in enumerate(jobs)]
    shift_start, shift_end = _seconds(team["shift_start"]), _seconds(team["shift_end"])
    # Without a depot a virtual place (index 0, costing nothing to leave or reach) starts
    # and ends the day, so the day starts at its first stop and ends at its last.
    if not depot:
        legs = [[_FREE] * (len(places) + 1)] + [[_FREE] + row for row in legs]
        candidates = [dataclasses.replace(c, node=c.node + 1) for c in candidates]
    seconds = [[leg.seconds for leg in row] for row in legs]
    previous = [s["id"] for s in (stored.stops if stored else []) if "id" in s]
    settled_ids = {job["id"] for job in jobs if job["status"] in SETTLED_STATUSES}
    settled = sorted((c for c in candidates if c.id in settled_ids),
                     key=lambda c: previous.index(c.id) if c.id in previous else len(previous))
    free = [c for c in candidates if c.id not in settled_ids]
    head = day_plan.simulate(settled, seconds, 0, None, shift_start, shift_end)
    start_node, start_time = (settled[-1].node, head.visits[-1].departure) if settled else (0, shift_start)
    now = datetime.now(LOCAL_ZONE)
    if day == now.date():
        start_time = max(start_time, now.hour * 3600 + now.minute * 60)
    rest = day_plan.optimise(free, seconds, start_node, 0, start_time, shift_end)
    # The way back to the depot: after the last free job, or else after the last settled one.
    back = rest.return_travel_seconds if free else (seconds[start_node][0] if settled else 0.0)
    naive = day_plan.simulate(candidates, seconds, 0, 0, shift_start, shift_end)
    visits = head.visits + rest.visits
    node_of = {c.id: c.node for c in candidates}
    route = [0, *(node_of[v.id] for v in visits), 0]
    used = [legs[a][b] for a, b in zip(route, route[1:]) if legs[a][b] is not _FREE]
    methods = {leg.method for leg in used if leg.metres > 0}
    midnight = datetime.combine(day, time.min, tzinfo=LOCAL_ZONE)
    stops = tuple(PlannedStop(v.id, midnight + timedelta(seconds=v.arrival), midnight + timedelta(seconds=v.departure),
                              v.travel_seconds, v.late_seconds) for v in visits)
    return CrewDay(team_id=team["id"], day=day, stops=stops, depot=depot,
                   return_travel_seconds=back,
                   travel_seconds=head.travel_seconds + (rest.travel_seconds if free else back),
                   naive_travel_seconds=naive.travel_seconds,
                   travel_metres=sum(leg.metres for leg in used),
                   method="mixed" if len(methods) > 1 else (methods.pop() if methods else "straight_line"),
                   solver=rest.solver, solve_ms=rest.solve_ms, computed_at=datetime.now(LOCAL_ZONE))


_FREE = Leg(seconds=0.0, metres=0.0, method="none")


def optimiser_job(job: dict, node: int, day: date) -> day_plan.Job:
    """The optimiser's view of an intervention: a slot (start and end both set) is a time
    window, a due time in the day a deadline; a planned start alone only plans the day."""
    slot = job["planned_end"] is not None
    ends = [t for t in (_seconds_of_day(job["planned_end"], day) if slot else None,
                        _seconds_of_day(job["due_at"], day)) if t is not None]
    return day_plan.Job(id=job["id"], node=node, priority=job["priority"],
                        service=60 * (job["estimated_minutes"] or DEFAULT_ESTIMATE_MINUTES),
                        earliest=_seconds_of_day(job["planned_start"], day) if slot else None,
                        latest_end=min(ends) if ends else None)


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _stop_json(stop: PlannedStop) -> dict:
    return {"id": stop.id, "arrival": stop.arrival.isoformat(), "departure": stop.departure.isoformat(),
            "travel_seconds": round(stop.travel_seconds, 1), "late_seconds": stop.late_seconds}


def _from_row(row: CrewDayPlan, depot: Place | None) -> CrewDay:
    stops = tuple(PlannedStop(s["id"], datetime.fromisoformat(s["arrival"]).astimezone(LOCAL_ZONE),
                              datetime.fromisoformat(s["departure"]).astimezone(LOCAL_ZONE), s["travel_seconds"],
                              s["late_seconds"]) for s in row.stops if "id" in s)
    back = next((s["return_travel_seconds"] for s in row.stops if "return_travel_seconds" in s), 0.0)
    return CrewDay(row.team_id, row.day, stops, depot, back, row.travel_seconds, row.naive_travel_seconds,
                   row.travel_metres, row.method,
                   row.solver, row.solve_ms, row.computed_at.astimezone(LOCAL_ZONE))
