"""coverage reports: per-cell coverage, snapshots, asset counts per commune, outages, sensitive types

Triggers on ``assets`` keep ``commune_asset_counts`` exact and mark the coverage cells an
edit touches (``coverage_dirty_cells``; 500 m cells, 200 m of influence: the numbers of
``app.reports.config``); a trigger on ``asset_history`` derives ``asset_outages`` as rows
are appended. The coverage itself is computed by the refresh job (``vigie refresh-coverage``).

Revision ID: e2dcb01c0a2f
Revises: 6c7d4d9efc00
Create Date: 2026-11-22 05:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

from app.db import STORAGE_SRID

revision = "e2dcb01c0a2f"
down_revision = "6c7d4d9efc00"
branch_labels = None
depends_on = None

CELL_M = 500
INFLUENCE_M = 200

_OUT = "('faulty', 'out_of_service')"

_FUNCTIONS = f"""
-- Mark the cells within {INFLUENCE_M} m of the geometries as needing a coverage refresh.
CREATE FUNCTION coverage_mark_dirty(geoms geometry[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO coverage_dirty_cells AS d (cx, cy)
    SELECT DISTINCT x.x, y.y
    FROM (SELECT ST_Expand(u.g, {INFLUENCE_M}) AS b FROM unnest(geoms) AS u(g) WHERE u.g IS NOT NULL) AS e
    CROSS JOIN LATERAL generate_series(floor(ST_XMin(e.b) / {CELL_M})::integer, floor(ST_XMax(e.b) / {CELL_M})::integer) AS x(x)
    CROSS JOIN LATERAL generate_series(floor(ST_YMin(e.b) / {CELL_M})::integer, floor(ST_YMax(e.b) / {CELL_M})::integer) AS y(y)
    ON CONFLICT (cx, cy) DO UPDATE SET dirtied_at = now()
$$;

-- Add (delta 1) or remove (delta -1) assets from the counts per commune, type and status.
CREATE FUNCTION commune_asset_counts_apply(commune_ids integer[], type_ids integer[], statuses text[], delta integer)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO commune_asset_counts AS c (commune_id, type_id, status, n)
    SELECT coalesce(u.commune_id, 0), u.type_id, u.status, delta * count(*)
    FROM unnest(commune_ids, type_ids, statuses) AS u(commune_id, type_id, status)
    GROUP BY 1, 2, 3
    ON CONFLICT (commune_id, type_id, status) DO UPDATE SET n = c.n + EXCLUDED.n
$$;

CREATE FUNCTION assets_coverage_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM commune_asset_counts_apply(array_agg(commune_id), array_agg(type_id), array_agg(status::text), 1)
    FROM new_rows;
    PERFORM coverage_mark_dirty(array_agg(geom)) FROM new_rows WHERE status <> 'decommissioned';
    RETURN NULL;
END $$;

CREATE FUNCTION assets_coverage_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM commune_asset_counts_apply(array_agg(o.commune_id), array_agg(o.type_id), array_agg(o.status::text), -1)
    FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
    WHERE o.commune_id IS DISTINCT FROM n.commune_id OR o.type_id <> n.type_id OR o.status <> n.status;
    PERFORM commune_asset_counts_apply(array_agg(n.commune_id), array_agg(n.type_id), array_agg(n.status::text), 1)
    FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
    WHERE o.commune_id IS DISTINCT FROM n.commune_id OR o.type_id <> n.type_id OR o.status <> n.status;
    PERFORM coverage_mark_dirty(array_agg(o.geom) || array_agg(n.geom))
    FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
    WHERE o.geom IS DISTINCT FROM n.geom OR o.status <> n.status OR o.type_id <> n.type_id
          OR o.attributes IS DISTINCT FROM n.attributes;
    RETURN NULL;
END $$;

-- Outage spells from the appended history rows: a row that turns an asset faulty or out
-- of service opens a spell, the next row that does not closes it (rows of one statement
-- are taken in (recorded_at, id) order per asset).
CREATE FUNCTION asset_history_track_outages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS outage_changes (
        asset_id integer, type_id integer, commune_id integer, status text, at timestamptz,
        is_out boolean, next_at timestamptz, k bigint
    ) ON COMMIT DROP;
    TRUNCATE outage_changes;
    INSERT INTO outage_changes
    SELECT s.asset_id, s.type_id, s.commune_id, s.status, s.recorded_at, s.is_out,
           lead(s.recorded_at) OVER w, row_number() OVER w
    FROM (
        SELECT r.*, coalesce(lag(r.is_out) OVER (PARTITION BY r.asset_id ORDER BY r.recorded_at, r.id),
                             EXISTS (SELECT 1 FROM asset_outages o WHERE o.asset_id = r.asset_id AND o.ended_at IS NULL))
                    AS was_out
        FROM (SELECT n.id, n.asset_id, n.type_id, n.commune_id, n.status, n.recorded_at,
                     n.status IN {_OUT} AS is_out FROM new_rows n) AS r
    ) AS s
    WHERE s.is_out <> s.was_out
    WINDOW w AS (PARTITION BY s.asset_id ORDER BY s.recorded_at, s.id);
    UPDATE asset_outages o SET ended_at = c.at FROM outage_changes c
    WHERE o.asset_id = c.asset_id AND o.ended_at IS NULL AND c.k = 1 AND NOT c.is_out;
    INSERT INTO asset_outages (asset_id, type_id, commune_id, status, started_at, ended_at)
    SELECT asset_id, type_id, commune_id, status, at, next_at FROM outage_changes WHERE is_out;
    RETURN NULL;
END $$;
"""

_BACKFILL_OUTAGES = f"""
INSERT INTO asset_outages (asset_id, type_id, commune_id, status, started_at, ended_at)
SELECT asset_id, type_id, commune_id, status, recorded_at, next_at FROM (
    SELECT s.*, lead(s.recorded_at) OVER (PARTITION BY s.asset_id ORDER BY s.recorded_at, s.id) AS next_at
    FROM (
        SELECT h.id, h.asset_id, h.type_id, h.commune_id, h.status, h.recorded_at, h.status IN {_OUT} AS is_out,
               coalesce(lag(h.status IN {_OUT}) OVER (PARTITION BY h.asset_id ORDER BY h.recorded_at, h.id), false)
               AS was_out
        FROM asset_history h
    ) AS s WHERE s.is_out <> s.was_out
) AS t WHERE t.is_out
"""


def upgrade() -> None:
    op.add_column("asset_types", sa.Column("is_sensitive", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE asset_types SET is_sensitive = true WHERE code = 'cctv_camera'")
    op.create_table(
        "coverage_cells",
        sa.Column("cx", sa.Integer(), nullable=False),
        sa.Column("cy", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=False) for name in (
            "area_m2", "built_up_area_m2", "lit_built_up_area_m2", "road_length_m", "lit_road_length_m",
            "dark_length_m", "lit_area_m2", "public_area_m2", "cctv_public_area_m2", "cctv_built_up_area_m2",
            "cctv_area_m2")),
        sa.Column("lit_geom", Geometry(geometry_type="MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False,
                                       from_text="ST_GeomFromEWKT", name="geometry"), nullable=True),
        sa.Column("cctv_geom", Geometry(geometry_type="MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False,
                                        from_text="ST_GeomFromEWKT", name="geometry"), nullable=True),
        sa.Column("dark_geom", Geometry(geometry_type="MULTILINESTRING", srid=STORAGE_SRID, spatial_index=False,
                                        from_text="ST_GeomFromEWKT", name="geometry"), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["commune_id"], ["communes.id"], name=op.f("fk_coverage_cells_commune_id_communes")),
        sa.PrimaryKeyConstraint("cx", "cy", "commune_id", name=op.f("pk_coverage_cells")),
    )
    op.create_index("ix_coverage_cells_commune_id", "coverage_cells", ["commune_id"], unique=False)
    op.create_table(
        "coverage_dirty_cells",
        sa.Column("cx", sa.Integer(), nullable=False),
        sa.Column("cy", sa.Integer(), nullable=False),
        sa.Column("dirtied_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("cx", "cy", name=op.f("pk_coverage_dirty_cells")),
    )
    op.create_table(
        "coverage_snapshots",
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in (
            "assets_total", "assets_faulty", "assets_out_of_service", "lights_total", "lights_in_service",
            "cameras_total", "cameras_in_service")),
        *(sa.Column(name, sa.Float(), nullable=False) for name in (
            "area_m2", "built_up_area_m2", "lit_built_up_area_m2", "road_length_m", "lit_road_length_m",
            "dark_length_m", "lit_area_m2", "public_area_m2", "cctv_public_area_m2", "cctv_built_up_area_m2")),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["commune_id"], ["communes.id"], name=op.f("fk_coverage_snapshots_commune_id_communes")),
        sa.PrimaryKeyConstraint("commune_id", "day", name=op.f("pk_coverage_snapshots")),
    )
    op.create_table(
        "commune_asset_counts",
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("commune_id", "type_id", "status", name=op.f("pk_commune_asset_counts")),
    )
    op.create_table(
        "asset_outages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_asset_outages_asset_id_assets")),
        sa.ForeignKeyConstraint(["type_id"], ["asset_types.id"], name=op.f("fk_asset_outages_type_id_asset_types")),
        sa.ForeignKeyConstraint(["commune_id"], ["communes.id"], name=op.f("fk_asset_outages_commune_id_communes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_outages")),
    )
    op.create_index("ix_asset_outages_asset_id_open", "asset_outages", ["asset_id"], unique=True,
                    postgresql_where=sa.text("ended_at IS NULL"))
    op.create_index("ix_asset_outages_started_at", "asset_outages", ["started_at"], unique=False)
    op.create_index("ix_asset_outages_ended_at", "asset_outages", ["ended_at"], unique=False)
    op.execute(_FUNCTIONS)
    op.execute(
        "CREATE TRIGGER assets_coverage_after_insert AFTER INSERT ON assets REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION assets_coverage_after_insert()"
    )
    op.execute(
        "CREATE TRIGGER assets_coverage_after_update AFTER UPDATE ON assets "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION assets_coverage_after_update()"
    )
    op.execute(
        "CREATE TRIGGER asset_history_outages AFTER INSERT ON asset_history REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION asset_history_track_outages()"
    )
    # What exists already is counted once, here; the coverage itself waits for the refresh.
    op.execute(
        "SELECT commune_asset_counts_apply(array_agg(commune_id), array_agg(type_id), array_agg(status::text), 1) "
        "FROM assets"
    )
    op.execute(_BACKFILL_OUTAGES)


def downgrade() -> None:
    op.execute("DROP TRIGGER asset_history_outages ON asset_history")
    op.execute("DROP TRIGGER assets_coverage_after_update ON assets")
    op.execute("DROP TRIGGER assets_coverage_after_insert ON assets")
    op.execute("DROP FUNCTION asset_history_track_outages()")
    op.execute("DROP FUNCTION assets_coverage_after_update()")
    op.execute("DROP FUNCTION assets_coverage_after_insert()")
    op.execute("DROP FUNCTION commune_asset_counts_apply(integer[], integer[], text[], integer)")
    op.execute("DROP FUNCTION coverage_mark_dirty(geometry[])")
    op.drop_table("asset_outages")
    op.drop_table("commune_asset_counts")
    op.drop_table("coverage_snapshots")
    op.drop_table("coverage_dirty_cells")
    op.drop_table("coverage_cells")
    op.drop_column("asset_types", "is_sensitive")
