"""field actions: the tablets' actions by client id with their outcome (exactly-once
replay), and the photos of problems reported on the spot

Revision ID: 6c7d4d9efc00
Revises: 6be40c6ac08f
Create Date: 2026-11-22 05:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "6c7d4d9efc00"
down_revision = "6be40c6ac08f"
branch_labels = None
depends_on = None

_KINDS = "'start', 'hold', 'resume', 'complete', 'checklist', 'note', 'photo', 'signature', 'request'"


def upgrade() -> None:
    op.create_table(
        "field_actions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("outcome", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(f"kind IN ({_KINDS})", name=op.f("ck_field_actions_kind_known")),
        sa.CheckConstraint("status IN ('applied', 'refused')", name=op.f("ck_field_actions_status_known")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_field_actions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_actions")),
    )
    op.create_index("ix_field_actions_user_id_received_at", "field_actions", ["user_id", "received_at"])
    op.create_table(
        "service_request_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=80), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["service_requests.id"],
                                name=op.f("fk_service_request_photos_request_id_service_requests"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_service_request_photos_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_request_photos")),
    )
    op.create_index(op.f("ix_service_request_photos_request_id"), "service_request_photos", ["request_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_service_request_photos_request_id"), table_name="service_request_photos")
    op.drop_table("service_request_photos")
    op.drop_index("ix_field_actions_user_id_received_at", table_name="field_actions")
    op.drop_table("field_actions")
