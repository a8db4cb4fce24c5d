"""imports: uploaded files, their staged rows, remembered mappings; assets.external_ref;
asset_history.import_id (the import that made a change); the insert trigger's tile
bookkeeping can be deferred by a bulk writer (``SET LOCAL vigie.defer_tile_bookkeeping = 'on'``),
which then applies it once for all its rows: 1,000,000 imported assets paid ~190 µs each
for it in chunks of 20,000, ~110 µs in one statement.

Revision ID: 9d9411f6b128
Revises: 3c2f8e2df033
Create Date: 2026-11-22 03:08:25
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

from app.db import STORAGE_SRID

revision = '9d9411f6b128'
down_revision = '3c2f8e2df033'
branch_labels = None
depends_on = None


_INSERT_TRIGGER = """
CREATE OR REPLACE FUNCTION assets_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    %s
    PERFORM asset_grid_apply(array_agg(geom), array_agg(type_id), array_agg(status::text), 1) FROM new_rows;
    PERFORM tile_versions_touch(array_agg(geom)) FROM new_rows;
    RETURN NULL;
END $$;
"""
_DEFERRED = "IF current_setting('vigie.defer_tile_bookkeeping', true) = 'on' THEN RETURN NULL; END IF;"


def upgrade() -> None:
    op.execute(_INSERT_TRIGGER % _DEFERRED)
    op.create_table('import_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=255), nullable=False),
    sa.Column('settings', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_import_mappings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mappings')),
    sa.UniqueConstraint('source_key', name=op.f('uq_import_mappings_source_key'))
    )
    op.create_table('imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('source_format', sa.String(length=20), nullable=False),
    sa.Column('source_path', sa.Text(), nullable=False),
    sa.Column('layers', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('settings', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('counts', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('job_id', sa.String(length=64), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_imports_requested_by_id_users')),
    sa.Column('validated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('committed_by_id', sa.Integer(), nullable=True),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('uploaded', 'validating', 'validated', 'committing', 'committed', 'undoing', 'undone', 'failed')", name=op.f('ck_imports_status_known')),
    sa.ForeignKeyConstraint(['committed_by_id'], ['users.id'], name=op.f('fk_imports_committed_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_imports_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imports'))
    )
    op.create_geospatial_table('import_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('geom', Geometry(srid=STORAGE_SRID, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('core', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=True),
    sa.Column('messages', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.CheckConstraint("action IN ('create', 'update', 'skip', 'error')", name=op.f('ck_import_rows_action_known')),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_import_rows_asset_id_assets')),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], name=op.f('fk_import_rows_commune_id_communes')),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], name=op.f('fk_import_rows_import_id_imports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_rows'))
    )
    # Validation updates every staged row (commune, then matches): with room left on each
    # page, those are HOT updates that do not touch the spatial index.
    op.execute("ALTER TABLE import_rows SET (fillfactor = 50)")
    op.create_geospatial_index('ix_import_rows_geom', 'import_rows', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index('ix_import_rows_import_id_row_number', 'import_rows', ['import_id', 'row_number'], unique=True)
    op.add_column('asset_history', sa.Column('import_id', sa.Integer(), nullable=True))
    op.add_column('asset_history', sa.Column('external_ref', sa.String(length=80), nullable=True))
    op.create_index(op.f('ix_asset_history_import_id'), 'asset_history', ['import_id'], unique=False)
    op.create_foreign_key(op.f('fk_asset_history_import_id_imports'), 'asset_history', 'imports', ['import_id'], ['id'])
    op.add_column('assets', sa.Column('external_ref', sa.String(length=80), nullable=True))
    op.create_index('ix_assets_type_id_external_ref', 'assets', ['type_id', 'external_ref'], unique=False)


def downgrade() -> None:
    op.execute(_INSERT_TRIGGER % "")
    op.drop_index('ix_assets_type_id_external_ref', table_name='assets')
    op.drop_column('assets', 'external_ref')
    op.drop_constraint(op.f('fk_asset_history_import_id_imports'), 'asset_history', type_='foreignkey')
    op.drop_index(op.f('ix_asset_history_import_id'), table_name='asset_history')
    op.drop_column('asset_history', 'external_ref')
    op.drop_column('asset_history', 'import_id')
    op.drop_index('ix_import_rows_import_id_row_number', table_name='import_rows')
    op.drop_geospatial_index('ix_import_rows_geom', table_name='import_rows', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('import_rows')
    op.drop_table('imports')
    op.drop_table('import_mappings')
