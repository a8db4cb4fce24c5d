"""Computing coverage in PostGIS, per square cell and commune, then per commune and day.

A cell (``config.CELL_M`` side, storage CRS) is cut by the commune outlines into pieces;
for each piece one statement computes, from the assets in and around the cell:

- lit: union of the lit disks of the street lights *in service* (radius by mast height);
- roads: the road segments in the piece, their lit length and their dark stretches (farther
  than ``DARK_SPOT_DISTANCE_M`` from every light in service);
- built-up: the ``BUILT_UP_SQUARE_M`` squares holding at least one asset of any type (there
  is no building data: this is where the public-space equipment is), and its lit part;
- CCTV: union of the sectors of the cameras in service (direction, field of view, range;
  grid north), and its part of the public space (roads widened by ``ROAD_HALF_WIDTH_M``
  plus green spaces) and of the built-up area.

Refreshing cells replaces their rows in ``coverage_cells`` and writes today's snapshot of
the communes they belong to. The same statement reads the history instead of ``assets``
to compute a past date's snapshot. Functions flush, never commit; the caller takes
``lock_refresh`` first so that two refreshes do not interleave.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import STORAGE_SRID
from app.interventions.sla import DEFAULT_CALENDAR
from app.inventory.queries import asset_states_sql
from app.reports import config

_LOCK_KEY = 7_390_001  # pg advisory lock: one coverage refresh at a time
BATCH_CELLS = 64


def _radius_sql() -> str:
    """SQL of a street light's lit radius from its mast height (``s.attributes``)."""
    height = "(s.attributes ->> 'height_m')::float"
    bands = " ".join(f"WHEN {height} <= {limit} THEN {radius}" for limit, radius in config.LIGHT_RADIUS_BY_HEIGHT_M)
    return (f"CASE WHEN jsonb_typeof(s.attributes -> 'height_m') <> 'number' OR s.attributes -> 'height_m' IS NULL "
            f"THEN {config.DEFAULT_LIGHT_RADIUS_M} {bands} ELSE {config.LIGHT_RADIUS_BY_HEIGHT_M[-1][1]} END")


def _sector_sql() -> str:
    """SQL of a camera's sector (``s``): its position, direction (degrees clockwise from grid
    north), field of view and range; all round from 360°; one vertex per degree of arc."""
    number = "CASE WHEN jsonb_typeof(s.attributes -> '{name}') = 'number' THEN (s.attributes ->> '{name}')::float END"
    fov = f"least(coalesce({number.format(name='field_of_view_deg')}, {config.DEFAULT_CAMERA_FIELD_OF_VIEW_DEG}), 360)"
    rng = f"least(coalesce({number.format(name='range_m')}, {config.DEFAULT_CAMERA_RANGE_M}), {config.MAX_CAMERA_RANGE_M})"
    direction = f"coalesce({number.format(name='direction_deg')}, 0)"
    return f"""(SELECT CASE
            WHEN p.fov <= 0 OR p.rng <= 0 THEN NULL
            WHEN p.fov >= 360 THEN ST_Buffer(s.geom, p.rng, 90)
            ELSE ST_MakePolygon(ST_MakeLine(ARRAY[s.geom] || ARRAY(
                SELECT ST_SetSRID(ST_MakePoint(ST_X(s.geom) + p.rng * sin(radians(p.dir - p.fov / 2 + p.fov * i / p.n)),
                                               ST_Y(s.geom) + p.rng * cos(radians(p.dir - p.fov / 2 + p.fov * i / p.n))),
                                  {STORAGE_SRID})
                FROM generate_series(0, p.n) AS i ORDER BY i) || ARRAY[s.geom]))
        END FROM (SELECT {fov} AS fov, {rng} AS rng, {direction} AS dir,
                         greatest(ceil({fov})::int, 1) AS n) AS p)"""


def _not_empty(sql: str) -> str:
    return f"(SELECT CASE WHEN g IS NULL OR ST_IsEmpty(g) THEN NULL ELSE g END FROM (SELECT {sql} AS g) AS e)"


def _polygons(sql: str) -> str:
    return f"ST_Multi(ST_CollectionExtract({sql}, 3))"


def _cells_sql(states: str) -> str:
    """One statement: the coverage rows of the cells in ``cells_to_compute`` (temp table)."""
    cell, square, near = config.CELL_M, config.BUILT_UP_SQUARE_M, config.DARK_SPOT_DISTANCE_M
    max_radius = max(radius for _, radius in config.LIGHT_RADIUS_BY_HEIGHT_M + ((0, config.DEFAULT_LIGHT_RADIUS_M),))
    in_service = "s.status = 'in_service'"
    return f"""
WITH types AS (
    SELECT (SELECT id FROM asset_types WHERE code = 'street_light') AS light,
           (SELECT id FROM asset_types WHERE code = 'cctv_camera') AS camera,
           (SELECT id FROM asset_types WHERE code = 'road_segment') AS road,
           (SELECT id FROM asset_types WHERE code = 'green_space') AS green
), cell AS (
    SELECT k.cx, k.cy, ST_MakeEnvelope(k.cx * {cell}, k.cy * {cell}, (k.cx + 1) * {cell}, (k.cy + 1) * {cell},
                                       {STORAGE_SRID}) AS box
    FROM cells_to_compute k
), layer AS MATERIALIZED (
    SELECT cell.cx, cell.cy, cell.box,
        (SELECT ST_Intersection(ST_Union(ST_Buffer(s.geom, {_radius_sql()}, 8)), cell.box)
         FROM ({states}) AS s, types WHERE s.type_id = types.light AND {in_service}
              AND s.geom && ST_Expand(cell.box, {max_radius})) AS lit,
        (SELECT ST_Intersection(ST_Union(s.geom), cell.box)
         FROM ({states}) AS s, types WHERE s.type_id = types.road AND s.status <> 'decommissioned' AND s.geom && cell.box) AS roads,
        (SELECT ST_Intersection(ST_Union(s.geom), cell.box)
         FROM ({states}) AS s, types WHERE s.type_id = types.green AND s.status <> 'decommissioned' AND s.geom && cell.box) AS green,
        (SELECT ST_Union(ST_MakeEnvelope(q.i * {square}, q.j * {square}, (q.i + 1) * {square}, (q.j + 1) * {square},
                                         {STORAGE_SRID})) FROM (
            SELECT DISTINCT floor(ST_X(pt.p) / {square})::int AS i, floor(ST_Y(pt.p) / {square})::int AS j
            FROM ({states}) AS s CROSS JOIN LATERAL (SELECT ST_PointOnSurface(s.geom) AS p) AS pt
            WHERE s.status <> 'decommissioned' AND s.geom && cell.box AND ST_Intersects(pt.p, cell.box)) AS q) AS built_up,
        (SELECT ST_Intersection(ST_Union({_sector_sql()}), cell.box)
         FROM ({states}) AS s, types WHERE s.type_id = types.camera AND {in_service}
              AND s.geom && ST_Expand(cell.box, {config.MAX_CAMERA_RANGE_M})) AS cctv
    FROM cell
), piece AS MATERIALIZED (
    SELECT layer.*, m.id AS commune_id,
           CASE WHEN ST_Covers(m.geom, layer.box) THEN layer.box ELSE ST_Intersection(m.geom, layer.box) END AS area
    FROM layer JOIN communes m ON m.geom && layer.box AND ST_Intersects(m.geom, layer.box)
), clipped AS MATERIALIZED (
    SELECT p.cx, p.cy, p.commune_id, p.area,
           ST_Intersection(p.lit, p.area) AS lit, ST_Intersection(p.roads, p.area) AS roads,
           ST_Intersection(p.built_up, p.area) AS built_up, ST_Intersection(p.cctv, p.area) AS cctv,
           ST_Intersection(p.green, p.area) AS green
    FROM piece p
), shaped AS MATERIALIZED (
    SELECT c.*,
           CASE WHEN c.roads IS NULL OR ST_IsEmpty(c.roads) THEN NULL ELSE ST_Difference(c.roads, coalesce(
               (SELECT ST_Union(ST_Buffer(s.geom, {near}, 8)) FROM ({states}) AS s, types
                WHERE s.type_id = types.light AND {in_service} AND s.geom && ST_Expand(c.area, {near})),
               ST_GeomFromText('POLYGON EMPTY', {STORAGE_SRID}))) END AS dark,
           ST_Intersection(ST_Union(coalesce(ST_Buffer(c.roads, {config.ROAD_HALF_WIDTH_M}), ST_GeomFromText('POLYGON EMPTY', {STORAGE_SRID})),
                                    coalesce(c.green, ST_GeomFromText('POLYGON EMPTY', {STORAGE_SRID}))), c.area) AS public
    FROM clipped c
)
SELECT cx, cy, commune_id, ST_Area(area) AS area_m2,
       coalesce(ST_Area(built_up), 0) AS built_up_area_m2,
       coalesce(ST_Area(ST_Intersection(lit, built_up)), 0) AS lit_built_up_area_m2,
       coalesce(ST_Length(roads), 0) AS road_length_m,
       coalesce(ST_Length(ST_Intersection(roads, lit)), 0) AS lit_road_length_m,
       coalesce(ST_Length(dark), 0) AS dark_length_m,
       coalesce(ST_Area(lit), 0) AS lit_area_m2,
       coalesce(ST_Area(public), 0) AS public_area_m2,
       coalesce(ST_Area(ST_Intersection(cctv, public)), 0) AS cctv_public_area_m2,
       coalesce(ST_Area(ST_Intersection(cctv, built_up)), 0) AS cctv_built_up_area_m2,
       coalesce(ST_Area(cctv), 0) AS cctv_area_m2,
       {_not_empty(_polygons('lit'))} AS lit_geom,
       {_not_empty(_polygons('cctv'))} AS cctv_geom,
       {_not_empty('ST_Multi(ST_CollectionExtract(dark, 2))')} AS dark_geom
FROM shaped"""


_COLUMNS = ("cx, cy, commune_id, area_m2, built_up_area_m2, lit_built_up_area_m2, road_length_m, lit_road_length_m, "
            "dark_length_m, lit_area_m2, public_area_m2, cctv_public_area_m2, cctv_built_up_area_m2, cctv_area_m2, "
            "lit_geom, cctv_geom, dark_geom")


@dataclass(frozen=True)
class RefreshSummary:
    cells: int
    communes: int
    day: date


def has_snapshot(session: Session, day: date) -> bool:
    """Whether the communes' figures of ``day`` are stored."""
    return session.execute(text("SELECT EXISTS (SELECT 1 FROM coverage_snapshots WHERE day = :day)"),
                           {"day": day}).scalar_one()


def lock_refresh(session: Session) -> None:
    """Wait for any other coverage refresh to finish (until the transaction ends)."""
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def territory_day(moment: datetime | None = None) -> date:
    """The territory's calendar day of ``moment`` (default: now)."""
    return (moment or datetime.now(ZoneInfo(DEFAULT_CALENDAR.timezone))).astimezone(
        ZoneInfo(DEFAULT_CALENDAR.timezone)).date()


def end_of_day(day: date) -> datetime:
    """The instant a territory day ends (a snapshot of ``day`` is the state then)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(DEFAULT_CALENDAR.timezone))


def refresh_dirty(session: Session) -> RefreshSummary:
    """Recompute the cells edits have marked, and today's snapshot of their communes."""
    lock_refresh(session)
    session.flush()
    cells = session.execute(text("DELETE FROM coverage_dirty_cells RETURNING cx, cy")).all()
    return _refresh_cells(session, [(row.cx, row.cy) for row in cells])


def refresh_all(session: Session) -> RefreshSummary:
    """Recompute every cell of the territory and today's snapshot of every commune."""
    lock_refresh(session)
    session.flush()
    session.execute(text("DELETE FROM coverage_dirty_cells"))
    cells = session.execute(text(f"""
        SELECT DISTINCT x.x AS cx, y.y AS cy FROM communes m,
            generate_series(floor(ST_XMin(m.geom) / {config.CELL_M})::int, floor(ST_XMax(m.geom) / {config.CELL_M})::int) x,
            generate_series(floor(ST_YMin(m.geom) / {config.CELL_M})::int, floor(ST_YMax(m.geom) / {config.CELL_M})::int) y
        WHERE ST_Intersects(m.geom, ST_MakeEnvelope(x.x * {config.CELL_M}, y.y * {config.CELL_M},
              (x.x + 1) * {config.CELL_M}, (y.y + 1) * {config.CELL_M}, {STORAGE_SRID}))""")).all()
    session.execute(text("DELETE FROM coverage_cells"))
    return _refresh_cells(session, [(row.cx, row.cy) for row in cells], all_communes=True)


def _refresh_cells(session: Session, cells: list[tuple[int, int]], *, all_communes: bool = False) -> RefreshSummary:
    day = territory_day()
    _prepare(session)
    touched: set[int] = set()
    for start in range(0, len(cells), BATCH_CELLS):
        batch = cells[start:start + BATCH_CELLS]
        session.execute(text("TRUNCATE cells_to_compute"))
        session.execute(text("INSERT INTO cells_to_compute (cx, cy) SELECT * FROM unnest(CAST(:xs AS int[]), "
                             "CAST(:ys AS int[]))"), {"xs": [c[0] for c in batch], "ys": [c[1] for c in batch]})
        touched.update(session.scalars(text(
            "SELECT c.commune_id FROM coverage_cells c JOIN cells_to_compute k ON (k.cx, k.cy) = (c.cx, c.cy)")))
        session.execute(text("DELETE FROM coverage_cells c USING cells_to_compute k WHERE (k.cx, k.cy) = (c.cx, c.cy)"))
        touched.update(session.scalars(text(
            f"INSERT INTO coverage_cells ({_COLUMNS}) {_cells_sql(asset_states_sql(None))} RETURNING commune_id")))
    if all_communes:
        touched.update(session.scalars(text("SELECT id FROM communes")))
    _write_snapshots(session, sorted(touched), day, None)
    session.flush()
    return RefreshSummary(len(cells), len(touched), day)


def snapshot_as_of(session: Session, day: date) -> RefreshSummary:
    """Compute every commune's snapshot of a past ``day`` from the history (the state at the
    end of that day) without touching the current cells; replaces that day's rows."""
    lock_refresh(session)
    session.flush()
    _prepare(session)
    session.execute(text(f"""
        INSERT INTO cells_to_compute (cx, cy)
        SELECT DISTINCT x.x, y.y FROM communes m,
            generate_series(floor(ST_XMin(m.geom) / {config.CELL_M})::int, floor(ST_XMax(m.geom) / {config.CELL_M})::int) x,
            generate_series(floor(ST_YMin(m.geom) / {config.CELL_M})::int, floor(ST_YMax(m.geom) / {config.CELL_M})::int) y"""))
    session.execute(text("CREATE TEMP TABLE IF NOT EXISTS past_cells (LIKE coverage_cells INCLUDING DEFAULTS) ON COMMIT DROP"))
    session.execute(text("TRUNCATE past_cells"))
    session.execute(text(f"INSERT INTO past_cells ({_COLUMNS}) {_cells_sql(asset_states_sql(end_of_day(day)))}"),
                    {"as_of": end_of_day(day)})
    communes = list(session.scalars(text("SELECT id FROM communes ORDER BY id")))
    _write_snapshots(session, communes, day, end_of_day(day))
    session.flush()
    return RefreshSummary(0, len(communes), day)


def _prepare(session: Session) -> None:
    session.execute(text("CREATE TEMP TABLE IF NOT EXISTS cells_to_compute (cx int, cy int, PRIMARY KEY (cx, cy)) "
                         "ON COMMIT DROP"))
    session.execute(text("TRUNCATE cells_to_compute"))


def _write_snapshots(session: Session, commune_ids: list[int], day: date, as_of: datetime | None) -> None:
    """Upsert the ``day`` rows of ``coverage_snapshots``: sums over the cells (current, or
    the temp table ``past_cells``) and counts of assets (live counts, or from the history)."""
    if not commune_ids:
        return
    cells_table = "coverage_cells" if as_of is None else "past_cells"
    if as_of is None:
        counts = "SELECT commune_id, type_id, status, n FROM commune_asset_counts WHERE n <> 0"
    else:
        counts = (f"SELECT coalesce(s.commune_id, 0) AS commune_id, s.type_id, s.status, count(*) AS n "
                  f"FROM ({asset_states_sql(as_of)}) AS s GROUP BY 1, 2, 3")
    sums = ", ".join(f"coalesce(sum(c.{name}), 0) AS {name}" for name in (
        "area_m2", "built_up_area_m2", "lit_built_up_area_m2", "road_length_m", "lit_road_length_m", "dark_length_m",
        "lit_area_m2", "public_area_m2", "cctv_public_area_m2", "cctv_built_up_area_m2"))
    session.execute(text(f"""
        INSERT INTO coverage_snapshots AS o (commune_id, day, assets_total, assets_faulty, assets_out_of_service,
            lights_total, lights_in_service, cameras_total, cameras_in_service, area_m2, built_up_area_m2,
            lit_built_up_area_m2, road_length_m, lit_road_length_m, dark_length_m, lit_area_m2, public_area_m2,
            cctv_public_area_m2, cctv_built_up_area_m2, computed_at)
        WITH n AS MATERIALIZED ({counts}),
             types AS (SELECT (SELECT id FROM asset_types WHERE code = 'street_light') AS light,
                              (SELECT id FROM asset_types WHERE code = 'cctv_camera') AS camera)
        SELECT m.id, :day,
            coalesce((SELECT sum(n) FROM n WHERE n.commune_id = m.id AND n.status <> 'decommissioned'), 0),
            coalesce((SELECT sum(n) FROM n WHERE n.commune_id = m.id AND n.status = 'faulty'), 0),
            coalesce((SELECT sum(n) FROM n WHERE n.commune_id = m.id AND n.status = 'out_of_service'), 0),
            coalesce((SELECT sum(n) FROM n, types WHERE n.commune_id = m.id AND n.type_id = types.light
                      AND n.status <> 'decommissioned'), 0),
            coalesce((SELECT sum(n) FROM n, types WHERE n.commune_id = m.id AND n.type_id = types.light
                      AND n.status = 'in_service'), 0),
            coalesce((SELECT sum(n) FROM n, types WHERE n.commune_id = m.id AND n.type_id = types.camera
                      AND n.status <> 'decommissioned'), 0),
            coalesce((SELECT sum(n) FROM n, types WHERE n.commune_id = m.id AND n.type_id = types.camera
                      AND n.status = 'in_service'), 0),
            s.*, now()
        FROM communes m CROSS JOIN LATERAL (SELECT {sums} FROM {cells_table} c WHERE c.commune_id = m.id) AS s
        WHERE m.id = ANY(:communes)
        ON CONFLICT (commune_id, day) DO UPDATE SET
            assets_total = EXCLUDED.assets_total, assets_faulty = EXCLUDED.assets_faulty,
            assets_out_of_service = EXCLUDED.assets_out_of_service, lights_total = EXCLUDED.lights_total,
            lights_in_service = EXCLUDED.lights_in_service, cameras_total = EXCLUDED.cameras_total,
            cameras_in_service = EXCLUDED.cameras_in_service, area_m2 = EXCLUDED.area_m2,
            built_up_area_m2 = EXCLUDED.built_up_area_m2, lit_built_up_area_m2 = EXCLUDED.lit_built_up_area_m2,
            road_length_m = EXCLUDED.road_length_m, lit_road_length_m = EXCLUDED.lit_road_length_m,
            dark_length_m = EXCLUDED.dark_length_m, lit_area_m2 = EXCLUDED.lit_area_m2,
            public_area_m2 = EXCLUDED.public_area_m2, cctv_public_area_m2 = EXCLUDED.cctv_public_area_m2,
            cctv_built_up_area_m2 = EXCLUDED.cctv_built_up_area_m2, computed_at = EXCLUDED.computed_at"""),
        {"day": day, "communes": commune_ids, **({"as_of": as_of} if as_of else {})})
