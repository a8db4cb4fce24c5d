"""coverage reports (placeholder in the chain: filled by the work on it)

Revision ID: e2dcb01c0a2f
Revises: 6c7d4d9efc00
Create Date: 2026-11-22 05:00:00
"""
from __future__ import annotations

from alembic import op  # noqa: F401

revision = "e2dcb01c0a2f"
down_revision = "6c7d4d9efc00"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
