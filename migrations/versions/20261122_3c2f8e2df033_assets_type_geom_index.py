"""assets: GiST index on (type_id, geom), for one asset type within a bbox

An OGC API collection is one asset type, and QGIS asks it for a bbox. With the spatial
index alone, PostgreSQL either read every asset of the box and dropped the other types,
or intersected the box with a bitmap of every asset of the type (355,000 street lights
at 1 M assets). This index finds the type's assets in the box directly: the street
lights of the densest z14 tile in 15 ms of SQL instead of 26 (docs/performance.md).
btree_gist (shipped with PostgreSQL, a trusted extension) gives GiST its integer operators.

Revision ID: 3c2f8e2df033
Revises: df60b3764817
Create Date: 2026-11-22 02:00:00
"""
from __future__ import annotations

from alembic import op

revision = "3c2f8e2df033"
down_revision = "df60b3764817"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_index("ix_assets_type_id_geom", "assets", ["type_id", "geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_index("ix_assets_type_id_geom", table_name="assets")
    op.execute("DROP EXTENSION IF EXISTS btree_gist")
