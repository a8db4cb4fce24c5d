"""asset registry: types, assets, history

Revision ID: 550b6d820dd6
Revises: e827927ead3e
Create Date: 2026-11-21 23:09:15.499919
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

from app.db import STORAGE_SRID

revision = '550b6d820dd6'
down_revision = 'e827927ead3e'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE SEQUENCE asset_reference_seq")
    op.create_table('asset_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label_fr', sa.String(length=120), nullable=False),
    sa.Column('label_en', sa.String(length=120), nullable=False),
    sa.Column('geometry_kind', sa.String(length=10), nullable=False),
    sa.Column('reference_prefix', sa.String(length=6), nullable=False),
    sa.Column('attribute_schema', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('symbol', sa.String(length=40), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('parent_type_codes', postgresql.ARRAY(sa.String(length=40)), nullable=False),
    sa.CheckConstraint("code ~ '^[a-z][a-z0-9_]*$'", name=op.f('ck_asset_types_code_snake_case')),
    sa.CheckConstraint("colour ~ '^#[0-9a-f]{6}$'", name=op.f('ck_asset_types_colour_hex')),
    sa.CheckConstraint("geometry_kind IN ('point', 'line', 'polygon')", name=op.f('ck_asset_types_geometry_kind_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset_types')),
    sa.UniqueConstraint('code', name=op.f('uq_asset_types_code'))
    )
    op.create_geospatial_table('assets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('geom', Geometry(srid=STORAGE_SRID, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('installed_on', sa.Date(), nullable=True),
    sa.Column('manufacturer', sa.String(length=120), nullable=True),
    sa.Column('model', sa.String(length=120), nullable=True),
    sa.Column('condition', sa.SmallInteger(), nullable=True),
    sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'in_service', 'faulty', 'out_of_service', 'decommissioned')", name=op.f('ck_assets_status_known')),
    sa.CheckConstraint('ST_IsValid(geom) AND NOT ST_IsEmpty(geom)', name=op.f('ck_assets_geom_valid')),
    sa.CheckConstraint('condition BETWEEN 1 AND 5', name=op.f('ck_assets_condition_1_to_5')),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], name=op.f('fk_assets_commune_id_communes')),
    sa.ForeignKeyConstraint(['parent_id'], ['assets.id'], name=op.f('fk_assets_parent_id_assets')),
    sa.ForeignKeyConstraint(['type_id'], ['asset_types.id'], name=op.f('fk_assets_type_id_asset_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assets')),
    sa.UniqueConstraint('reference', name=op.f('uq_assets_reference'))
    )
    op.create_index(op.f('ix_assets_commune_id'), 'assets', ['commune_id'], unique=False)
    op.create_geospatial_index('ix_assets_geom', 'assets', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_assets_parent_id'), 'assets', ['parent_id'], unique=False)
    op.create_index('ix_assets_type_status', 'assets', ['type_id', 'status'], unique=False)
    op.create_geospatial_table('asset_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('change', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('changes', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('geom', Geometry(srid=STORAGE_SRID, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('installed_on', sa.Date(), nullable=True),
    sa.Column('manufacturer', sa.String(length=120), nullable=True),
    sa.Column('model', sa.String(length=120), nullable=True),
    sa.Column('condition', sa.SmallInteger(), nullable=True),
    sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("change IN ('created', 'updated', 'moved', 'status_changed', 'decommissioned', 'replaced')", name=op.f('ck_asset_history_change_known')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_asset_history_actor_id_users')),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_asset_history_asset_id_assets')),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], name=op.f('fk_asset_history_commune_id_communes')),
    sa.ForeignKeyConstraint(['parent_id'], ['assets.id'], name=op.f('fk_asset_history_parent_id_assets')),
    sa.ForeignKeyConstraint(['type_id'], ['asset_types.id'], name=op.f('fk_asset_history_type_id_asset_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset_history'))
    )
    op.create_index('ix_asset_history_asset_id_recorded_at', 'asset_history', ['asset_id', 'recorded_at'], unique=False)
    op.create_geospatial_index('ix_asset_history_geom', 'asset_history', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    # History is append-only: the database itself refuses to change or erase it.
    op.execute(
        """
        CREATE FUNCTION asset_history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'asset_history is append-only (% refused)', TG_OP;
        END $$;
        CREATE TRIGGER asset_history_append_only BEFORE UPDATE OR DELETE ON asset_history
            FOR EACH ROW EXECUTE FUNCTION asset_history_is_append_only();
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER asset_history_append_only ON asset_history")
    op.execute("DROP FUNCTION asset_history_is_append_only()")
    op.drop_geospatial_index('ix_asset_history_geom', table_name='asset_history', postgresql_using='gist', column_name='geom')
    op.drop_index('ix_asset_history_asset_id_recorded_at', table_name='asset_history')
    op.drop_geospatial_table('asset_history')
    op.drop_index('ix_assets_type_status', table_name='assets')
    op.drop_index(op.f('ix_assets_parent_id'), table_name='assets')
    op.drop_geospatial_index('ix_assets_geom', table_name='assets', postgresql_using='gist', column_name='geom')
    op.drop_index(op.f('ix_assets_commune_id'), table_name='assets')
    op.drop_geospatial_table('assets')
    op.drop_table('asset_types')
    op.execute("DROP SEQUENCE asset_reference_seq")
