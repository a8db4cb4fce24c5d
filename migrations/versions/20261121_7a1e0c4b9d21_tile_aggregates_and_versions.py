"""tile aggregates and versions, kept up to date by triggers on assets

Revision ID: 7a1e0c4b9d21
Revises: 96878e187db4
Create Date: 2026-11-21 23:50:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "7a1e0c4b9d21"
down_revision = "96878e187db4"
branch_labels = None
depends_on = None

# Web Mercator: half width of the square and full width, metres.
_O = "20037508.342789244"
_W = "40075016.685578488"

_FUNCTIONS = f"""
-- Add (delta = 1) or remove (delta = -1) assets from the per-cell counts, zooms 8-15,
-- 32 x 32 cells a tile; an asset counts at a point on its surface, once under its type
-- and once under type_id 0 ("all types"), which unfiltered tiles read alone.
CREATE FUNCTION asset_grid_apply(points geometry[], type_ids integer[], statuses text[], delta integer)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO asset_grid AS g (z, cx, cy, type_id, status, n)
    SELECT z.z,
           floor((ST_X(r.p) + {_O}) / ({_W} / (32 * 2 ^ z.z)))::integer,
           floor(({_O} - ST_Y(r.p)) / ({_W} / (32 * 2 ^ z.z)))::integer,
           t.type_id, r.status, delta * count(*)
    FROM (
        SELECT ST_Transform(ST_PointOnSurface(u.geom), 3857) AS p, u.type_id, u.status
        FROM unnest(points, type_ids, statuses) AS u(geom, type_id, status)
        WHERE u.status <> 'decommissioned'
    ) AS r
    CROSS JOIN LATERAL (VALUES (r.type_id), (0)) AS t(type_id)
    CROSS JOIN generate_series(8, 15) AS z(z)
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (z, cx, cy, type_id, status) DO UPDATE SET n = g.n + EXCLUDED.n
$$;

-- The range of tiles (zooms 8-20) that each geometry's bounding box covers.
CREATE FUNCTION tile_spans(geoms geometry[])
RETURNS TABLE (z integer, x0 integer, x1 integer, y0 integer, y1 integer) LANGUAGE sql AS $$
    SELECT z.z,
           floor((ST_XMin(b.g) + {_O}) / ({_W} / 2 ^ z.z))::integer,
           floor((ST_XMax(b.g) + {_O}) / ({_W} / 2 ^ z.z))::integer,
           floor(({_O} - ST_YMax(b.g)) / ({_W} / 2 ^ z.z))::integer,
           floor(({_O} - ST_YMin(b.g)) / ({_W} / 2 ^ z.z))::integer
    FROM (SELECT ST_Transform(u.geom, 3857) AS g FROM unnest(geoms) AS u(geom) WHERE u.geom IS NOT NULL) AS b
    CROSS JOIN generate_series(8, 20) AS z(z)
$$;

-- Bump the version of every tile that the geometries touch; a geometry spanning more
-- than 64 tiles at a zoom, or more than 2000 geometries at once, bump the global
-- version instead (every tile's ETag changes).
CREATE FUNCTION tile_versions_touch(geoms geometry[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(geoms) > 2000
       OR EXISTS (SELECT 1 FROM tile_spans(geoms) AS s WHERE (s.x1 - s.x0 + 1) * (s.y1 - s.y0 + 1) > 64) THEN
        UPDATE tile_cache_state SET version = version + 1;
        RETURN;
    END IF;
    INSERT INTO tile_versions AS v (z, x, y, version)
    SELECT DISTINCT s.z, xs.x, ys.y, 1
    FROM tile_spans(geoms) AS s
    CROSS JOIN LATERAL generate_series(s.x0, s.x1) AS xs(x)
    CROSS JOIN LATERAL generate_series(s.y0, s.y1) AS ys(y)
    ON CONFLICT (z, x, y) DO UPDATE SET version = v.version + 1;
END $$;

CREATE FUNCTION assets_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM asset_grid_apply(array_agg(geom), array_agg(type_id), array_agg(status::text), 1) FROM new_rows;
    PERFORM tile_versions_touch(array_agg(geom)) FROM new_rows;
    RETURN NULL;
END $$;

CREATE FUNCTION assets_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS changed_assets (
        old_geom geometry, old_type integer, old_status text,
        new_geom geometry, new_type integer, new_status text
    ) ON COMMIT DROP;
    TRUNCATE changed_assets;
    INSERT INTO changed_assets
    SELECT o.geom, o.type_id, o.status, n.geom, n.type_id, n.status
    FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
    WHERE o.geom IS DISTINCT FROM n.geom OR o.status <> n.status OR o.type_id <> n.type_id;
    PERFORM asset_grid_apply(array_agg(old_geom), array_agg(old_type), array_agg(old_status), -1) FROM changed_assets;
    PERFORM asset_grid_apply(array_agg(new_geom), array_agg(new_type), array_agg(new_status), 1) FROM changed_assets;
    PERFORM tile_versions_touch(array_agg(old_geom) || array_agg(new_geom)) FROM changed_assets;
    RETURN NULL;
END $$;
"""


def upgrade() -> None:
    op.create_table(
        "asset_grid",
        sa.Column("z", sa.SmallInteger(), nullable=False),
        sa.Column("cx", sa.Integer(), nullable=False),
        sa.Column("cy", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("z", "cx", "cy", "type_id", "status", name=op.f("pk_asset_grid")),
    )
    op.create_table(
        "tile_versions",
        sa.Column("z", sa.SmallInteger(), nullable=False),
        sa.Column("x", sa.Integer(), nullable=False),
        sa.Column("y", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("z", "x", "y", name=op.f("pk_tile_versions")),
    )
    op.create_table(
        "tile_cache_state",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tile_cache_state")),
    )
    op.execute("INSERT INTO tile_cache_state (id, version) VALUES (1, 1)")
    op.execute(_FUNCTIONS)
    op.execute(
        "CREATE TRIGGER assets_tiles_after_insert AFTER INSERT ON assets "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION assets_after_insert()"
    )
    op.execute(
        "CREATE TRIGGER assets_tiles_after_update AFTER UPDATE ON assets "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION assets_after_update()"
    )
    # Assets that already exist are counted once, here.
    op.execute(
        "SELECT asset_grid_apply(array_agg(geom), array_agg(type_id), array_agg(status::text), 1) FROM assets"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER assets_tiles_after_update ON assets")
    op.execute("DROP TRIGGER assets_tiles_after_insert ON assets")
    op.execute("DROP FUNCTION assets_after_update()")
    op.execute("DROP FUNCTION assets_after_insert()")
    op.execute("DROP FUNCTION tile_versions_touch(geometry[])")
    op.execute("DROP FUNCTION tile_spans(geometry[])")
    op.execute("DROP FUNCTION asset_grid_apply(geometry[], integer[], text[], integer)")
    op.drop_table("tile_cache_state")
    op.drop_table("tile_versions")
    op.drop_table("asset_grid")
