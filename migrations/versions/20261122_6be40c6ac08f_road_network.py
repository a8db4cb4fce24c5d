"""road network (placeholder in the chain: filled by the work on it)

Revision ID: 6be40c6ac08f
Revises: 68b78ac604c2
Create Date: 2026-11-22 05:00:00
"""
from __future__ import annotations

from alembic import op  # noqa: F401

revision = "6be40c6ac08f"
down_revision = "68b78ac604c2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
