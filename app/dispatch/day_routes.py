"""A crew's day for dispatchers (``/dispatch/teams/<id>/days/<YYYY-MM-DD>``): the stops in
optimised order with their times, windows and places, the total travel against the
planned order, a map of the route, and "re-optimise"."""
from __future__ import annotations

from datetime import date

from babel.dates import format_date
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from app.auth.access import require_permission
from app.auth.roles import Permission
from app.dispatch.days import crew_day, day_order
from app.dispatch.labels import travel_method_labels
from app.interventions.board import LOCAL_ZONE, duration_text
from app.interventions.labels import kind_labels
from app.printing.queries import ADDRESS_DISTANCE_M
from app.web import current_language, db_session, services

blueprint = Blueprint("crew_days", __name__, template_folder="templates")


@blueprint.get("/dispatch/teams/<int:team_id>/days/<day>")
@require_permission(Permission.PLAN_INTERVENTIONS)
def crew_day_page(team_id: int, day: str):
    """The team's day in visiting order, planned now if the day changed since its plan."""
    when = _day(day)
    db = db_session()
    ids = day_order(db, current_user, team_id, when)
    plan = crew_day(db, team_id, when)
    db.commit()  # the plan is stored: the next reads (tablet, pack) find it
    team = db.execute(text("SELECT name, depot_label, shift_start, shift_end FROM teams WHERE id = :id"),
                      {"id": team_id}).mappings().one()
    rows = _stop_rows(db, ids)
    stops = [(stop, rows[stop.id]) for stop in plan.stops if stop.id in rows]
    return render_template(
        "dispatch/crew_day.html", team=team, team_id=team_id, day=when, plan=plan, stops=stops,
        day_label=format_date(when, "EEEE d MMMM y", locale=current_language()),
        kinds=kind_labels(), methods=travel_method_labels(), minutes=_minutes, local=_local,
        route=_route_geojson(db, plan, [row for _stop, row in stops]), basemap_url=services().settings.basemap_url,
        solvers={"or-tools": _("optimised (OR-Tools)"), "naive": _("planned order kept (already the best)"),
                 "trivial": _("nothing to order")})


@blueprint.post("/dispatch/teams/<int:team_id>/days/<day>/reoptimise")
@require_permission(Permission.PLAN_INTERVENTIONS)
def reoptimise(team_id: int, day: str):
    """Plan the day again now, whatever its stored plan."""
    when = _day(day)
    db = db_session()
    crew_day(db, team_id, when, reoptimise=True)
    db.commit()
    return redirect(url_for("crew_days.crew_day_page", team_id=team_id, day=when.isoformat()), 303)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(404)


def _minutes(seconds: float) -> str:
    return duration_text(max(0, round(seconds / 60))) if seconds >= 30 else "0 min"


def _local(moment):
    return moment.astimezone(LOCAL_ZONE).strftime("%H:%M") if moment else ""


def _stop_rows(db, ids: list[int]) -> dict[int, dict]:
    """What the page shows of each stop: reference, kind, priority, window, place."""
    return {row["id"]: dict(row) for row in db.execute(text(f"""
        SELECT i.id, i.reference, i.kind, i.priority, i.status, i.planned_start, i.planned_end, i.due_at,
               c.name AS commune, ST_AsGeoJSON(ST_Transform(p.pt, 4326), 6) AS point,
               (SELECT r.attributes->>'name' FROM assets r JOIN asset_types t ON t.id = r.type_id
                 WHERE t.code = 'road_segment' AND r.status <> 'decommissioned' AND r.attributes->>'name' <> ''
                   AND ST_DWithin(r.geom, p.pt, {ADDRESS_DISTANCE_M}) ORDER BY r.geom <-> p.pt LIMIT 1) AS street
        FROM interventions i CROSS JOIN LATERAL (SELECT ST_PointOnSurface(i.geom) AS pt) p
        LEFT JOIN communes c ON c.id = i.commune_id WHERE i.id = ANY(:ids)"""), {"ids": ids}).mappings()}


def _route_geojson(db, plan, rows: list[dict]) -> dict:
    """Depot → stops → depot as straight segments, and the numbered stops (WGS 84)."""
    import json

    depot = None
    if plan.depot is not None:
        depot = json.loads(db.execute(text(
            "SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_MakePoint(:x, :y), teams_srid.srid), 4326), 6) "
            "FROM (SELECT ST_SRID(depot) AS srid FROM teams WHERE id = :id) teams_srid"),
            {"x": plan.depot.x, "y": plan.depot.y, "id": plan.team_id}).scalar())
    points = [json.loads(row["point"])["coordinates"] for row in rows]
    line = ([depot["coordinates"]] if depot else []) + points + ([depot["coordinates"]] if depot else [])
    features = [{"type": "Feature", "geometry": {"type": "LineString", "coordinates": line},
                 "properties": {"role": "route"}}] if len(line) > 1 else []
    if depot:
        features.append({"type": "Feature", "geometry": depot, "properties": {"role": "depot"}})
    features += [{"type": "Feature", "geometry": {"type": "Point", "coordinates": point},
                  "properties": {"role": "stop", "n": n, "priority": row["priority"]}}
                 for n, (point, row) in enumerate(zip(points, rows), start=1)]
    return {"type": "FeatureCollection", "features": features}
