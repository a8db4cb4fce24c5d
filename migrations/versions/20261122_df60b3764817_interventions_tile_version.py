"""interventions tile version: tile_cache_state row 2, bumped by every change to interventions

The intervention tiles (/tiles/interventions/…) carry a few thousand points, so one
version for all of them is enough: a statement-level trigger bumps it on any insert,
update or delete, and every intervention tile's ETag changes with it. (Bulk asset
changes bump every row of tile_cache_state, this one included: a harmless extra
revalidation.)

Revision ID: df60b3764817
Revises: 444ed2863770
Create Date: 2026-11-22 12:00:00
"""
from __future__ import annotations

from alembic import op

revision = "df60b3764817"
down_revision = "444ed2863770"
branch_labels = None
depends_on = None

_FUNCTION = """
CREATE FUNCTION interventions_bump_tile_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tile_cache_state SET version = version + 1 WHERE id = 2;
    RETURN NULL;
END $$;
"""


def upgrade() -> None:
    op.execute("INSERT INTO tile_cache_state (id, version) VALUES (2, 1)")
    op.execute(_FUNCTION)
    op.execute(
        "CREATE TRIGGER interventions_tile_version AFTER INSERT OR UPDATE OR DELETE ON interventions "
        "FOR EACH STATEMENT EXECUTE FUNCTION interventions_bump_tile_version()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER interventions_tile_version ON interventions")
    op.execute("DROP FUNCTION interventions_bump_tile_version()")
    op.execute("DELETE FROM tile_cache_state WHERE id = 2")
