"""dispatch crews: trades, depot, working hours, vehicle and communes of teams; the trade
an asset type needs

Revision ID: 68b78ac604c2
Revises: 9d9411f6b128
Create Date: 2026-11-22 05:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

from app.db import STORAGE_SRID
from app.inventory.catalogue import SKILL_OF_TYPE

revision = "68b78ac604c2"
down_revision = "9d9411f6b128"
branch_labels = None
depends_on = None

SKILLS = ("street_lighting", "traffic_signals", "cctv", "roadworks", "green_spaces", "street_furniture")
_SKILL_LIST = ", ".join(f"'{s}'" for s in SKILLS)


def upgrade() -> None:
    op.add_column("asset_types", sa.Column("skill", sa.String(20), nullable=True))
    op.create_check_constraint(op.f("ck_asset_types_skill_known"), "asset_types", f"skill IS NULL OR skill IN ({_SKILL_LIST})")
    for code, skill in SKILL_OF_TYPE.items():
        op.execute(sa.text("UPDATE asset_types SET skill = :skill WHERE code = :code").bindparams(skill=skill, code=code))

    op.add_column("teams", sa.Column("skills", sa.ARRAY(sa.String(20)), server_default="{}", nullable=False))
    op.add_column("teams", sa.Column("depot", Geometry("POINT", srid=STORAGE_SRID, spatial_index=False), nullable=True))
    op.add_column("teams", sa.Column("depot_label", sa.String(200), nullable=True))
    op.add_column("teams", sa.Column("shift_start", sa.Time(), server_default="07:30", nullable=False))
    op.add_column("teams", sa.Column("shift_end", sa.Time(), server_default="16:00", nullable=False))
    op.add_column("teams", sa.Column("working_days", sa.ARRAY(sa.SmallInteger()), server_default="{1,2,3,4,5}",
                                     nullable=False))
    op.add_column("teams", sa.Column("vehicle", sa.String(120), nullable=True))
    op.create_check_constraint(op.f("ck_teams_skills_known"), "teams", f"skills <@ ARRAY[{_SKILL_LIST}]::varchar[]")
    op.create_check_constraint(op.f("ck_teams_shift_ordered"), "teams", "shift_end > shift_start")
    op.create_check_constraint(
        op.f("ck_teams_working_days_known"), "teams",
        "working_days <@ ARRAY[1, 2, 3, 4, 5, 6, 7]::smallint[] AND cardinality(working_days) > 0")
    op.create_table(
        "team_communes",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_team_communes_team_id_teams"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["commune_id"], ["communes.id"], name=op.f("fk_team_communes_commune_id_communes"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("team_id", "commune_id", name=op.f("pk_team_communes")),
    )


def downgrade() -> None:
    op.drop_table("team_communes")
    for name in ("working_days_known", "shift_ordered", "skills_known"):
        op.drop_constraint(op.f(f"ck_teams_{name}"), "teams", type_="check")
    for column in ("vehicle", "working_days", "shift_end", "shift_start", "depot_label", "depot", "skills"):
        op.drop_column("teams", column)
    op.drop_constraint(op.f("ck_asset_types_skill_known"), "asset_types", type_="check")
    op.drop_column("asset_types", "skill")
