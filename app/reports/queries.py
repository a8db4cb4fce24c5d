"""Reads of the dashboards: per commune figures for a period and an "as of" day, and maps.

Coverage and asset counts come from ``coverage_snapshots`` (the latest day at or before
the as-of day: what the refresh jobs wrote); outage-hours from ``asset_outages``; service
figures from the interventions, each a few indexed or small aggregate queries: nothing is
computed from the registry's geometries here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Permission
from app.errors import NotFound
from app.i18n import msg
from app.reports import config
from app.reports.coverage import end_of_day

PERIODS = (7, 30, 90, 365)  # the period picker's choices, days
DEFAULT_PERIOD = 30


@dataclass(frozen=True)
class Window:
    """A dashboard's period: the ``days`` days ending with ``as_of`` (a territory day)."""

    as_of: date
    days: int

    @property
    def end(self) -> datetime:
        return end_of_day(self.as_of)

    @property
    def start(self) -> datetime:
        return end_of_day(self.as_of - timedelta(days=self.days))

    def previous(self) -> Window:
        return Window(self.as_of - timedelta(days=self.days), self.days)


@dataclass
class Figures:
    """One commune's (or the total's) figures over a window; None: nothing to measure."""

    commune_id: int | None
    insee: str | None
    name: str
    snapshot_day: date | None = None
    assets_total: int = 0
    assets_faulty: int = 0
    assets_out_of_service: int = 0
    lights_total: int = 0
    lights_in_service: int = 0
    cameras_total: int = 0
    cameras_in_service: int = 0
    road_length_m: float = 0.0
    lit_road_length_m: float = 0.0
    dark_length_m: float = 0.0
    built_up_area_m2: float = 0.0
    lit_built_up_area_m2: float = 0.0
    public_area_m2: float = 0.0
    cctv_public_area_m2: float = 0.0
    cctv_built_up_area_m2: float = 0.0
    outage_hours: float = 0.0
    interventions: int = 0
    repairs: int = 0
    mean_repair_hours: float | None = None
    p90_repair_hours: float | None = None
    sla_checked: int = 0
    sla_met: int = 0
    backlog: int = 0
    backlog_mean_age_days: float | None = None

    @property
    def lit_by_roads(self) -> bool:
        """Whether lighting is measured on road length (road segments loaded) or built-up area."""
        return self.road_length_m > 0

    @property
    def lit_share(self) -> float | None:
        if self.lit_by_roads:
            return self.lit_road_length_m / self.road_length_m
        return self.lit_built_up_area_m2 / self.built_up_area_m2 if self.built_up_area_m2 else None

    @property
    def cctv_share(self) -> float | None:
        if self.lit_by_roads and self.public_area_m2:
            return self.cctv_public_area_m2 / self.public_area_m2
        return self.cctv_built_up_area_m2 / self.built_up_area_m2 if self.built_up_area_m2 else None

    @property
    def out_of_order(self) -> int:
        return self.assets_faulty + self.assets_out_of_service

    @property
    def out_of_order_share(self) -> float | None:
        return self.out_of_order / self.assets_total if self.assets_total else None

    @property
    def sla_share(self) -> float | None:
        return self.sla_met / self.sla_checked if self.sla_checked else None


# The figures a dashboard shows, in order: (key, whether higher is better).
HEADLINES = (("lit_share", True), ("cctv_share", True), ("out_of_order", False), ("outage_hours", False),
             ("interventions", None), ("mean_repair_hours", False), ("p90_repair_hours", False),
             ("sla_share", True), ("backlog", False), ("backlog_mean_age_days", False))


def communes_in_scope(session: Session, actor: User) -> list[dict]:
    """The communes ``actor`` may report on (id, insee, name), by name."""
    rows = session.execute(text(
        "SELECT id, insee, name FROM communes WHERE CAST(:scope AS int[]) IS NULL OR id = ANY(:scope) ORDER BY name"),
        {"scope": sorted(actor.commune_ids) if actor.commune_ids is not None else None}).mappings()
    return [dict(row) for row in rows]


def commune_in_scope(session: Session, actor: User, insee: str) -> dict:
    """One commune ``actor`` may report on; NotFound otherwise (as for an unknown one)."""
    for commune in communes_in_scope(session, actor):
        if commune["insee"] == insee:
            return commune
    raise NotFound(msg("No commune %(insee)s.", insee=insee))


def dashboard_figures(session: Session, communes: list[dict], window: Window) -> tuple[list[Figures], Figures]:
    """Per commune figures over ``window`` and their total, for ``communes`` (already scoped)."""
    ids = [c["id"] for c in communes]
    by_id = {c["id"]: Figures(c["id"], c["insee"], c["name"]) for c in communes}
    _add_snapshots(session, ids, window.as_of, by_id)
    _add_outages(session, ids, window, by_id)
    service_total = _add_service(session, ids, window, by_id)
    rows = [by_id[i] for i in ids]
    total = _total(rows)
    for name, value in service_total.items():
        setattr(total, name, value)
    return rows, total


def _add_snapshots(session: Session, ids: list[int], as_of: date, by_id: dict[int, Figures]) -> None:
    rows = session.execute(text("""
        SELECT DISTINCT ON (commune_id) * FROM coverage_snapshots
        WHERE commune_id = ANY(:ids) AND day <= :as_of ORDER BY commune_id, day DESC"""),
        {"ids": ids, "as_of": as_of}).mappings()
    for row in rows:
        figures = by_id[row["commune_id"]]
        figures.snapshot_day = row["day"]
        for name in ("assets_total", "assets_faulty", "assets_out_of_service", "lights_total", "lights_in_service",
                     "cameras_total", "cameras_in_service", "road_length_m", "lit_road_length_m", "dark_length_m",
                     "built_up_area_m2", "lit_built_up_area_m2", "public_area_m2", "cctv_public_area_m2",
                     "cctv_built_up_area_m2"):
            setattr(figures, name, row[name])


def _add_outages(session: Session, ids: list[int], window: Window, by_id: dict[int, Figures]) -> None:
    """Hours assets spent faulty or out of service within the window, per commune."""
    rows = session.execute(text("""
        SELECT commune_id, sum(extract(epoch FROM least(coalesce(ended_at, :end), :end)
                                                   - greatest(started_at, :start))) / 3600 AS hours
        FROM asset_outages
        WHERE commune_id = ANY(:ids) AND started_at < :end AND (ended_at IS NULL OR ended_at > :start)
        GROUP BY commune_id"""), {"ids": ids, "start": window.start, "end": min(window.end, _now(session))})
    for row in rows:
        by_id[row.commune_id].outage_hours = float(row.hours or 0)


def _now(session: Session) -> datetime:
    return session.execute(text("SELECT now()")).scalar_one()


_SERVICE = """
WITH i AS (
    SELECT commune_id, kind, reported_at, due_at, status,
           CASE WHEN coalesce(completed_at, closed_at) < :end THEN coalesce(completed_at, closed_at) END AS done_at
    FROM interventions WHERE commune_id = ANY(:ids) AND reported_at < :end AND status <> 'cancelled'
)
SELECT commune_id, GROUPING(commune_id) AS is_total,
       count(*) FILTER (WHERE reported_at >= :start) AS interventions,
       count(*) FILTER (WHERE reported_at >= :start AND kind = 'corrective' AND done_at IS NOT NULL) AS repairs,
       avg(extract(epoch FROM done_at - reported_at) / 3600)
           FILTER (WHERE reported_at >= :start AND kind = 'corrective') AS mean_hours,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM done_at - reported_at) / 3600)
           FILTER (WHERE reported_at >= :start AND kind = 'corrective' AND done_at IS NOT NULL) AS p90_hours,
       count(*) FILTER (WHERE reported_at >= :start AND done_at IS NOT NULL AND due_at IS NOT NULL) AS sla_checked,
       count(*) FILTER (WHERE reported_at >= :start AND done_at IS NOT NULL AND done_at <= due_at) AS sla_met,
       count(*) FILTER (WHERE done_at IS NULL) AS backlog,
       avg(extract(epoch FROM :end - reported_at) / 86400) FILTER (WHERE done_at IS NULL) AS backlog_age
FROM i GROUP BY GROUPING SETS ((commune_id), ())
"""


def _add_service(session: Session, ids: list[int], window: Window, by_id: dict[int, Figures]) -> dict:
    """Interventions reported in the window, time from request to repair (corrective work),
    SLA kept (done by the due date), and the backlog open at the window's end with its age;
    per commune and, in the same statement, over them all (returned, for the total).

    An intervention counts as done when completed (or closed) before the window's end;
    cancelled ones are left out (their cancellation time is not kept on the row).
    """
    end = min(window.end, _now(session))
    total: dict = {}
    for row in session.execute(text(_SERVICE), {"ids": ids, "start": window.start, "end": end}):
        if row.is_total:
            total = {"mean_repair_hours": _float(row.mean_hours), "p90_repair_hours": _float(row.p90_hours),
                     "backlog_mean_age_days": _float(row.backlog_age)}
            continue
        figures = by_id[row.commune_id]
        figures.interventions, figures.repairs = row.interventions, row.repairs
        figures.mean_repair_hours = _float(row.mean_hours)
        figures.p90_repair_hours = _float(row.p90_hours)
        figures.sla_checked, figures.sla_met = row.sla_checked, row.sla_met
        figures.backlog, figures.backlog_mean_age_days = row.backlog, _float(row.backlog_age)
    return total


def _float(value) -> float | None:
    return None if value is None else float(value)


def _total(rows: list[Figures]) -> Figures:
    """Sums over the communes (the repair-time statistics are set from all their interventions)."""
    total = Figures(None, None, "")
    dated = [r.snapshot_day for r in rows if r.snapshot_day]
    total.snapshot_day = min(dated) if dated else None
    for name in ("assets_total", "assets_faulty", "assets_out_of_service", "lights_total", "lights_in_service",
                 "cameras_total", "cameras_in_service", "road_length_m", "lit_road_length_m", "dark_length_m",
                 "built_up_area_m2", "lit_built_up_area_m2", "public_area_m2", "cctv_public_area_m2",
                 "cctv_built_up_area_m2", "outage_hours", "interventions", "repairs", "sla_checked", "sla_met",
                 "backlog"):
        setattr(total, name, sum(getattr(r, name) for r in rows))
    return total


def communes_geojson(session: Session, communes: list[dict]) -> dict:
    """The communes' outlines (WGS 84, simplified to ~10 m) for the choropleths."""
    rows = session.execute(text("""
        SELECT insee, name, ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(geom, 10), 4326), 6)::json AS g
        FROM communes WHERE id = ANY(:ids)"""), {"ids": [c["id"] for c in communes]}).mappings()
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": row["insee"], "geometry": row["g"], "properties": {"insee": row["insee"],
                                                                                      "name": row["name"]}}
        for row in rows]}


def coverage_features(session: Session, actor: User, commune_id: int) -> list[str]:
    """A commune's lit areas and dark stretches (and CCTV sectors for the roles that may see
    camera positions), WGS 84, from the current cells, each simplified to 2 m (simplifying the
    collected geometry with its topology kept took 4.7 s for Dijon at 1 M assets; this 0.2 s)."""
    layers = ["lit", "dark"] + (["cctv"] if actor.can(Permission.VIEW_SENSITIVE_POSITIONS) else [])
    columns = {"lit": "lit_geom", "dark": "dark_geom", "cctv": "cctv_geom"}
    features = []
    for layer in layers:
        geometry = session.execute(text(f"""
            SELECT ST_AsGeoJSON(ST_Transform(ST_Collect(ST_Simplify({columns[layer]}, 2)), 4326), 6)
            FROM coverage_cells WHERE commune_id = :commune AND {columns[layer]} IS NOT NULL"""),
            {"commune": commune_id}).scalar_one()
        if geometry:
            features.append(f'{{"type":"Feature","geometry":{geometry},"properties":{{"layer":"{layer}"}}}}')
    return features  # GeoJSON Feature texts, one per layer


def dark_spots(session: Session, commune_id: int, limit: int = 20) -> list[dict]:
    """The commune's longest dark stretches (cell pieces merged), with the street's name."""
    rows = session.execute(text(f"""
        WITH merged AS (
            SELECT (ST_Dump(ST_LineMerge(ST_Collect(dark_geom)))).geom AS g
            FROM coverage_cells WHERE commune_id = :commune AND dark_geom IS NOT NULL
        )
        SELECT round(ST_Length(m.g)) AS length_m,
               ST_X(ST_Transform(ST_LineInterpolatePoint(m.g, 0.5), 4326)) AS lon,
               ST_Y(ST_Transform(ST_LineInterpolatePoint(m.g, 0.5), 4326)) AS lat,
               (SELECT r.attributes ->> 'name' FROM assets r
                WHERE r.type_id = (SELECT id FROM asset_types WHERE code = 'road_segment')
                  AND r.status <> 'decommissioned' AND r.geom && ST_Expand(m.g, 1)
                ORDER BY ST_Distance(r.geom, ST_LineInterpolatePoint(m.g, 0.5)) LIMIT 1) AS street
        FROM merged m WHERE ST_Length(m.g) >= :min_length
        ORDER BY ST_Length(m.g) DESC LIMIT :limit"""),
        {"commune": commune_id, "min_length": config.DARK_SPOT_MIN_LENGTH_M, "limit": limit}).mappings()
    return [dict(row) for row in rows]


def latest_computation(session: Session) -> datetime | None:
    """When the coverage was last refreshed."""
    return session.execute(text("SELECT max(computed_at) FROM coverage_snapshots")).scalar_one()
