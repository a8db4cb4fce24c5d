"""The cover page of a crew's day pack: the interventions of a team planned on a day, in
the visiting order of dispatch (``app.dispatch.days``)."""
from __future__ import annotations

from datetime import date

from babel.dates import format_date, format_datetime
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.dispatch.days import crew_day
from app.errors import NotFound
from app.i18n import msg
from app.interventions import queries as intervention_queries
from app.interventions.board import LOCAL_ZONE, duration_text
from app.printing import map_queries
from app.printing.queries import ADDRESS_DISTANCE_M, PrintOptions
from app.printing.wording import code_labels
from print_templates.day_pack import ROUTE_MAP_HEIGHT, DayPack, DayStop
from print_templates.document import CONTENT_WIDTH
from print_templates.map_view import fit_view


def team_name(session: Session, team_id: int) -> str:
    """The team's name; NotFound if there is no such team."""
    name = session.execute(text("SELECT name FROM teams WHERE id = :id"), {"id": team_id}).scalar_one_or_none()
    if name is None:
        raise NotFound(msg("No team %(id)s.", id=team_id))
    return name


def day_pack(session: Session, actor: User, team_id: int, day: date, ids: list[int],
             options: PrintOptions) -> DayPack:
    """The cover of the day pack of ``ids`` (already in route order) that ``actor`` may read."""
    language = options.language
    labels = code_labels(language)
    params: dict = {}
    where = intervention_queries.where_clause(actor, intervention_queries.InterventionFilter(ids=ids), params)
    rows = {row["id"]: row for row in session.execute(text(f"""
        SELECT i.id, i.reference, i.kind, i.priority, i.planned_start, i.planned_end, i.estimated_minutes,
               c.name AS commune, ST_X(p.pt) AS x, ST_Y(p.pt) AS y,
               (SELECT count(*) FROM intervention_assets ia WHERE ia.intervention_id = i.id) AS assets,
               (SELECT r.attributes->>'name' FROM assets r JOIN asset_types t ON t.id = r.type_id
                 WHERE t.code = 'road_segment' AND r.status <> 'decommissioned' AND r.attributes->>'name' <> ''
                   AND ST_DWithin(r.geom, p.pt, {ADDRESS_DISTANCE_M})
                 ORDER BY r.geom <-> p.pt LIMIT 1) AS street
        FROM interventions i CROSS JOIN LATERAL (SELECT ST_PointOnSurface(i.geom) AS pt) p
        LEFT JOIN communes c ON c.id = i.commune_id WHERE {where}"""), params).mappings()}
    ordered = [rows[i] for i in ids if i in rows]
    stops = tuple(DayStop(
        reference=row["reference"], time=_time_window(row, language), kind=labels["kind"][row["kind"]],
        priority=row["priority"], place=", ".join(filter(None, (row["street"], row["commune"]))) or "—",
        assets=row["assets"], estimate=duration_text(row["estimated_minutes"]) if row["estimated_minutes"] else "—")
        for row in ordered)
    points = tuple((row["x"], row["y"]) for row in ordered)
    total = sum(row["estimated_minutes"] or 0 for row in ordered)
    xs, ys = [p[0] for p in points] or [0.0], [p[1] for p in points] or [0.0]
    view = fit_view(options.srid, (min(xs), min(ys), max(xs), max(ys)), CONTENT_WIDTH, ROUTE_MAP_HEIGHT)
    return DayPack(team=team_name(session, team_id), day=format_date(day, "EEEE d MMMM y", locale=language),
                   stops=stops, route=map_queries.route_map(session, view, points),
                   total_estimate=duration_text(total) if total else "—",
                   route_km=crew_day(session, team_id, day, store=False).travel_metres / 1000)


def _time_window(row: dict, language: str) -> str:
    start, end = row["planned_start"], row["planned_end"]
    if start is None:
        return "—"
    text_start = format_datetime(start, "HH:mm", tzinfo=LOCAL_ZONE, locale=language)
    return f"{text_start}–{format_datetime(end, 'HH:mm', tzinfo=LOCAL_ZONE, locale=language)}" if end else text_start
