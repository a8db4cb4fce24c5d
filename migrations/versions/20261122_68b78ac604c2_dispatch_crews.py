"""dispatch crews: trades, depot, working hours, vehicle and communes of teams; the trade
an asset type needs; the crews' posted positions and each field agent's last one

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
    _create_position_tables()


def _create_position_tables() -> None:
    point = Geometry(geometry_type="POINT", srid=STORAGE_SRID, dimension=2, spatial_index=False,
                     from_text="ST_GeomFromEWKT", name="geometry", nullable=False)
    op.create_table(
        "crew_positions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("geom", point, nullable=False),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name=op.f("ck_crew_positions_accuracy_not_negative")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_crew_positions_user_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_crew_positions_team_id_teams"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crew_positions")),
        sa.UniqueConstraint("client_id", name=op.f("uq_crew_positions_client_id")),
    )
    op.create_index("ix_crew_positions_received_at", "crew_positions", ["received_at"])
    op.create_index("ix_crew_positions_user_id_recorded_at", "crew_positions", ["user_id", "recorded_at"])
    op.create_table(
        "crew_last_positions",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("geom", point, nullable=False),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0",
                           name=op.f("ck_crew_last_positions_accuracy_not_negative")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_crew_last_positions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_crew_last_positions")),
    )


def downgrade() -> None:
    op.drop_table("crew_last_positions")
    op.drop_index("ix_crew_positions_user_id_recorded_at", table_name="crew_positions")
    op.drop_index("ix_crew_positions_received_at", table_name="crew_positions")
    op.drop_table("crew_positions")
    op.drop_table("team_communes")
    for name in ("working_days_known", "shift_ordered", "skills_known"):
        op.drop_constraint(op.f(f"ck_teams_{name}"), "teams", type_="check")
    for column in ("vehicle", "working_days", "shift_end", "shift_start", "depot_label", "depot", "skills"):
        op.drop_column("teams", column)
    op.drop_constraint(op.f("ck_asset_types_skill_known"), "asset_types", type_="check")
    op.drop_column("asset_types", "skill")
