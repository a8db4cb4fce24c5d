"""foundation: postgis, territory, users

Revision ID: e827927ead3e
Revises:
Create Date: 2026-11-21 23:03:24.609925
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry

# Geometry columns use the SRID chosen at installation (VIGIE_STORAGE_SRID).
from app.db import STORAGE_SRID

revision = 'e827927ead3e'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_geospatial_table('communes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('insee', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=STORAGE_SRID, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_communes_geom_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_communes')),
    sa.UniqueConstraint('insee', name=op.f('uq_communes_insee'))
    )
    op.create_geospatial_index('ix_communes_geom', 'communes', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('territory_outline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=STORAGE_SRID, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_territory_outline_geom_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_territory_outline'))
    )
    op.create_geospatial_index('ix_territory_outline_geom', 'territory_outline', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'asset_manager', 'dispatcher', 'field_agent', 'councillor')", name=op.f('ck_users_role_known')),
    sa.CheckConstraint('login = lower(login)', name=op.f('ck_users_login_lowercase')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('login', name=op.f('uq_users_login'))
    )
    op.create_table('login_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('remote_addr', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_login_sessions_token_hash'))
    )
    op.create_index(op.f('ix_login_sessions_user_id'), 'login_sessions', ['user_id'], unique=False)
    op.create_table('user_communes',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], name=op.f('fk_user_communes_commune_id_communes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_communes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'commune_id', name=op.f('pk_user_communes'))
    )


def downgrade() -> None:
    op.drop_table('user_communes')
    op.drop_index(op.f('ix_login_sessions_user_id'), table_name='login_sessions')
    op.drop_table('login_sessions')
    op.drop_table('users')
    op.drop_geospatial_index('ix_territory_outline_geom', table_name='territory_outline', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('territory_outline')
    op.drop_geospatial_index('ix_communes_geom', table_name='communes', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('communes')
    op.execute("DROP EXTENSION IF EXISTS postgis")
