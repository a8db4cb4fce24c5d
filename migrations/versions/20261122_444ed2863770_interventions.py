"""interventions: teams, SLA rules, task templates, requests, maintenance plans,
interventions with their assets, events and attachments; asset history links to them

Revision ID: 444ed2863770
Revises: b3c1d2e4f5a6
Create Date: 2026-11-22 01:25:11.482852
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

from app.db import STORAGE_SRID

revision = '444ed2863770'
down_revision = 'b3c1d2e4f5a6'
branch_labels = None
depends_on = None


CHANGES_BEFORE = ("change IN ('created', 'updated', 'moved', 'status_changed', 'decommissioned', "
                  "'replaced')")
CHANGES_WITH_REPAIRED = ("change IN ('created', 'updated', 'moved', 'status_changed', 'decommissioned', "
                         "'replaced', 'repaired')")


def upgrade() -> None:
    op.create_table('reference_counters',
    sa.Column('series', sa.String(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series', 'year', name=op.f('pk_reference_counters'))
    )
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('daily_capacity_hours', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('daily_capacity_hours > 0', name=op.f('ck_teams_capacity_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('name', name=op.f('uq_teams_name'))
    )
    op.create_table('maintenance_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('asset_type_id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=120), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('interval_months', sa.Integer(), nullable=False),
    sa.Column('lead_days', sa.Integer(), nullable=False),
    sa.Column('group_by', sa.String(length=10), nullable=False),
    sa.Column('priority', sa.SmallInteger(), nullable=False),
    sa.Column('estimated_minutes_per_asset', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("group_by IN ('asset', 'parent', 'commune')", name=op.f('ck_maintenance_plans_group_by_known')),
    sa.CheckConstraint("kind IN ('preventive', 'inspection')", name=op.f('ck_maintenance_plans_kind_known')),
    sa.CheckConstraint('interval_months > 0', name=op.f('ck_maintenance_plans_interval_positive')),
    sa.CheckConstraint('lead_days >= 0', name=op.f('ck_maintenance_plans_lead_days_not_negative')),
    sa.CheckConstraint('priority IN (1, 2, 3, 4)', name=op.f('ck_maintenance_plans_priority_known')),
    sa.ForeignKeyConstraint(['asset_type_id'], ['asset_types.id'], name=op.f('fk_maintenance_plans_asset_type_id_asset_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_plans')),
    sa.UniqueConstraint('name', name=op.f('uq_maintenance_plans_name'))
    )
    op.create_table('sla_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.SmallInteger(), nullable=False),
    sa.Column('asset_type_id', sa.Integer(), nullable=True),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('counting', sa.String(length=10), nullable=False),
    sa.CheckConstraint("counting IN ('calendar', 'working')", name=op.f('ck_sla_rules_counting_known')),
    sa.CheckConstraint('hours > 0', name=op.f('ck_sla_rules_hours_positive')),
    sa.CheckConstraint('priority IN (1, 2, 3, 4)', name=op.f('ck_sla_rules_priority_known')),
    sa.ForeignKeyConstraint(['asset_type_id'], ['asset_types.id'], name=op.f('fk_sla_rules_asset_type_id_asset_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_rules'))
    )
    op.create_index('uq_sla_rules_priority_type', 'sla_rules', ['priority', sa.literal_column('coalesce(asset_type_id, 0)')], unique=True)
    op.create_table('task_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('asset_type_id', sa.Integer(), nullable=True),
    sa.Column('tasks', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.CheckConstraint("kind IN ('corrective', 'preventive', 'inspection', 'installation', 'removal')", name=op.f('ck_task_templates_kind_known')),
    sa.ForeignKeyConstraint(['asset_type_id'], ['asset_types.id'], name=op.f('fk_task_templates_asset_type_id_asset_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_templates'))
    )
    op.create_index('uq_task_templates_kind_type', 'task_templates', ['kind', sa.literal_column('coalesce(asset_type_id, 0)')], unique=True)
    op.create_table('team_members',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_members_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_team_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_team_members'))
    )
    op.create_geospatial_table('interventions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=24), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.SmallInteger(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('problem', sa.String(length=20), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('geom', Geometry(srid=STORAGE_SRID, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('checklist', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('estimated_minutes', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('planned_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('planned_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sla_rule_id', sa.Integer(), nullable=True),
    sa.Column('split_from_id', sa.Integer(), nullable=True),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('plan_group', sa.String(length=60), nullable=True),
    sa.Column('plan_due_on', sa.Date(), nullable=True),
    sa.Column('cause', sa.Text(), nullable=True),
    sa.Column('action_taken', sa.Text(), nullable=True),
    sa.Column('parts_used', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('time_spent_minutes', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('replacement', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('corrective', 'preventive', 'inspection', 'installation', 'removal')", name=op.f('ck_interventions_kind_known')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('back_in_service', 'replaced', 'decommissioned', 'no_change')", name=op.f('ck_interventions_outcome_known')),
    sa.CheckConstraint("problem IS NULL OR problem IN ('out_of_order', 'damaged', 'dirty', 'misaligned', 'vandalism', 'other')", name=op.f('ck_interventions_problem_known')),
    sa.CheckConstraint("status IN ('new', 'planned', 'assigned', 'in_progress', 'on_hold', 'completed', 'closed', 'cancelled', 'reopened')", name=op.f('ck_interventions_status_known')),
    sa.CheckConstraint('ST_IsValid(geom) AND NOT ST_IsEmpty(geom)', name=op.f('ck_interventions_geom_valid')),
    sa.CheckConstraint('estimated_minutes IS NULL OR estimated_minutes > 0', name=op.f('ck_interventions_estimate_positive')),
    sa.CheckConstraint('planned_end IS NULL OR planned_end > planned_start', name=op.f('ck_interventions_window_ordered')),
    sa.CheckConstraint('priority IN (1, 2, 3, 4)', name=op.f('ck_interventions_priority_known')),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], name=op.f('fk_interventions_commune_id_communes')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_interventions_created_by_id_users')),
    sa.ForeignKeyConstraint(['plan_id'], ['maintenance_plans.id'], name=op.f('fk_interventions_plan_id_maintenance_plans')),
    sa.ForeignKeyConstraint(['sla_rule_id'], ['sla_rules.id'], name=op.f('fk_interventions_sla_rule_id_sla_rules')),
    sa.ForeignKeyConstraint(['split_from_id'], ['interventions.id'], name=op.f('fk_interventions_split_from_id_interventions')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_interventions_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions')),
    sa.UniqueConstraint('plan_id', 'plan_group', 'plan_due_on', name='uq_interventions_plan_occurrence'),
    sa.UniqueConstraint('reference', name=op.f('uq_interventions_reference'))
    )
    op.create_index('ix_interventions_commune_id', 'interventions', ['commune_id'], unique=False)
    op.create_geospatial_index('ix_interventions_geom', 'interventions', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index('ix_interventions_status_due_at', 'interventions', ['status', 'due_at'], unique=False)
    op.create_index('ix_interventions_team_planned_start', 'interventions', ['team_id', 'planned_start'], unique=False)
    op.create_geospatial_table('service_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=24), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=STORAGE_SRID, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('asset_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("source IN ('citizen', 'phone', 'alarm', 'field_agent', 'elected_official', 'internal')", name=op.f('ck_service_requests_source_known')),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_service_requests_asset_id_assets')),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], name=op.f('fk_service_requests_commune_id_communes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_requests')),
    sa.UniqueConstraint('reference', name=op.f('uq_service_requests_reference'))
    )
    op.create_table('intervention_assets',
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_intervention_assets_asset_id_assets')),
    sa.ForeignKeyConstraint(['intervention_id'], ['interventions.id'], name=op.f('fk_intervention_assets_intervention_id_interventions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('intervention_id', 'asset_id', name=op.f('pk_intervention_assets'))
    )
    op.create_index(op.f('ix_intervention_assets_asset_id'), 'intervention_assets', ['asset_id'], unique=False)
    op.create_table('intervention_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=80), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['intervention_id'], ['interventions.id'], name=op.f('fk_intervention_attachments_intervention_id_interventions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_intervention_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intervention_attachments'))
    )
    op.create_index(op.f('ix_intervention_attachments_intervention_id'), 'intervention_attachments', ['intervention_id'], unique=False)
    op.create_table('intervention_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('changes', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_intervention_events_actor_id_users')),
    sa.ForeignKeyConstraint(['intervention_id'], ['interventions.id'], name=op.f('fk_intervention_events_intervention_id_interventions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intervention_events'))
    )
    op.create_index('ix_intervention_events_intervention_id_at', 'intervention_events', ['intervention_id', 'at'], unique=False)
    op.create_table('intervention_requests',
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['intervention_id'], ['interventions.id'], name=op.f('fk_intervention_requests_intervention_id_interventions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_intervention_requests_request_id_service_requests')),
    sa.PrimaryKeyConstraint('intervention_id', 'request_id', name=op.f('pk_intervention_requests'))
    )
    op.create_index(op.f('ix_intervention_requests_request_id'), 'intervention_requests', ['request_id'], unique=False)
    op.add_column('asset_history', sa.Column('intervention_id', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_asset_history_intervention_id'), 'asset_history', ['intervention_id'], unique=False)
    op.drop_constraint(op.f('ck_asset_history_change_known'), 'asset_history', type_='check')
    op.create_check_constraint(op.f('ck_asset_history_change_known'), 'asset_history', CHANGES_WITH_REPAIRED)
    op.create_foreign_key(op.f('fk_asset_history_intervention_id_interventions'), 'asset_history', 'interventions', ['intervention_id'], ['id'])


def downgrade() -> None:
    op.drop_constraint(op.f('fk_asset_history_intervention_id_interventions'), 'asset_history', type_='foreignkey')
    op.drop_index(op.f('ix_asset_history_intervention_id'), table_name='asset_history')
    op.drop_column('asset_history', 'intervention_id')
    op.drop_constraint(op.f('ck_asset_history_change_known'), 'asset_history', type_='check')
    op.create_check_constraint(op.f('ck_asset_history_change_known'), 'asset_history', CHANGES_BEFORE)
    op.drop_index(op.f('ix_intervention_requests_request_id'), table_name='intervention_requests')
    op.drop_table('intervention_requests')
    op.drop_index('ix_intervention_events_intervention_id_at', table_name='intervention_events')
    op.drop_table('intervention_events')
    op.drop_index(op.f('ix_intervention_attachments_intervention_id'), table_name='intervention_attachments')
    op.drop_table('intervention_attachments')
    op.drop_index(op.f('ix_intervention_assets_asset_id'), table_name='intervention_assets')
    op.drop_table('intervention_assets')
    op.drop_geospatial_table('service_requests')
    op.drop_index('ix_interventions_team_planned_start', table_name='interventions')
    op.drop_index('ix_interventions_status_due_at', table_name='interventions')
    op.drop_geospatial_index('ix_interventions_geom', table_name='interventions', postgresql_using='gist', column_name='geom')
    op.drop_index('ix_interventions_commune_id', table_name='interventions')
    op.drop_geospatial_table('interventions')
    op.drop_table('team_members')
    op.drop_index('uq_task_templates_kind_type', table_name='task_templates')
    op.drop_table('task_templates')
    op.drop_index('uq_sla_rules_priority_type', table_name='sla_rules')
    op.drop_table('sla_rules')
    op.drop_table('maintenance_plans')
    op.drop_table('teams')
    op.drop_table('reference_counters')
