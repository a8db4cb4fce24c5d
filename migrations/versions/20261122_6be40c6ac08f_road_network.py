"""road network: pgRouting, the routable edges and vertices built from the road segments,
the record of the last build, and the crews' optimised days

Revision ID: 6be40c6ac08f
Revises: 68b78ac604c2
Create Date: 2026-11-22 05:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

from app.db import STORAGE_SRID

revision = "6be40c6ac08f"
down_revision = "68b78ac604c2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pgrouting")
    op.create_table(
        "road_network_vertices",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("geom", Geometry(geometry_type="POINT", srid=STORAGE_SRID, dimension=2, spatial_index=False,
                                   from_text="ST_GeomFromEWKT", name="geometry", nullable=False), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_road_network_vertices")),
    )
    op.create_geospatial_index("ix_road_network_vertices_geom", "road_network_vertices", ["geom"], unique=False,
                               postgresql_using="gist", postgresql_ops={})
    op.create_table(
        "road_network_edges",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.BigInteger(), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("reverse_cost", sa.Float(), nullable=False),
        sa.Column("length_m", sa.Float(), nullable=False),
        sa.Column("geom", Geometry(geometry_type="LINESTRING", srid=STORAGE_SRID, dimension=2, spatial_index=False,
                                   from_text="ST_GeomFromEWKT", name="geometry", nullable=False), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_road_network_edges")),
    )
    op.create_geospatial_index("ix_road_network_edges_geom", "road_network_edges", ["geom"], unique=False,
                               postgresql_using="gist", postgresql_ops={})
    op.create_table(
        "road_network_builds",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("segment_count", sa.Integer(), nullable=False),
        sa.Column("edge_count", sa.Integer(), nullable=False),
        sa.Column("vertex_count", sa.Integer(), nullable=False),
        sa.Column("source_history_id", sa.BigInteger(), nullable=True),
        sa.Column("build_ms", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_road_network_builds_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_road_network_builds")),
    )
    op.create_table(
        "crew_day_plans",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("stops", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("travel_seconds", sa.Float(), nullable=False),
        sa.Column("naive_travel_seconds", sa.Float(), nullable=False),
        sa.Column("travel_metres", sa.Float(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("solver", sa.String(length=20), nullable=False),
        sa.Column("solve_ms", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "day", name=op.f("pk_crew_day_plans")),
    )


def downgrade() -> None:
    op.drop_table("crew_day_plans")
    op.drop_table("road_network_builds")
    op.drop_geospatial_index("ix_road_network_edges_geom", table_name="road_network_edges",
                             postgresql_using="gist", column_name="geom")
    op.drop_table("road_network_edges")
    op.drop_geospatial_index("ix_road_network_vertices_geom", table_name="road_network_vertices",
                             postgresql_using="gist", column_name="geom")
    op.drop_table("road_network_vertices")
    op.execute("DROP EXTENSION IF EXISTS pgrouting")
