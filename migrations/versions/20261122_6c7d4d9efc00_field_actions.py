"""field actions (placeholder in the chain: filled by the work on it)

Revision ID: 6c7d4d9efc00
Revises: 6be40c6ac08f
Create Date: 2026-11-22 05:00:00
"""
from __future__ import annotations

from alembic import op  # noqa: F401

revision = "6c7d4d9efc00"
down_revision = "6be40c6ac08f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
