"""Interventions (work orders) on the public space, the teams that do them, the SLA rules
that set their due dates, the requests they answer, and the preventive plans that
generate them.

An intervention's life is a series of events (``intervention_events``): every
transition and every edit is recorded with who, when and why, and read back as its
timeline. Closing applies its consequence to the assets, whose history rows then point
back at the intervention (``asset_history.intervention_id``).
"""
from __future__ import annotations

from datetime import date, datetime, time

from geoalchemy2 import Geometry
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.db import STORAGE_SRID, Base, one_of
from app.inventory.models import SKILLS, Asset, AssetType
from app.territory.models import Commune

KINDS = ("corrective", "preventive", "inspection", "installation", "removal")
PRIORITIES = (1, 2, 3, 4)  # P1 safety/urgent … P4 planned
STATUSES = ("new", "planned", "assigned", "in_progress", "on_hold", "completed", "closed", "cancelled", "reopened")
OPEN_STATUSES = ("new", "planned", "assigned", "in_progress", "on_hold", "reopened")
# What a closing report does to the assets concerned.
OUTCOMES = ("back_in_service", "replaced", "decommissioned", "no_change")
# Problem types a corrective intervention is raised for (one open per asset and problem).
PROBLEMS = ("out_of_order", "damaged", "dirty", "misaligned", "vandalism", "other")
SLA_COUNTING = ("calendar", "working")
REQUEST_SOURCES = ("citizen", "phone", "alarm", "field_agent", "elected_official", "internal")


team_members = Table(
    "team_members",
    Base.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

team_communes = Table(
    "team_communes",
    Base.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("commune_id", ForeignKey("communes.id", ondelete="CASCADE"), primary_key=True),
)


class Team(Base):
    """A crew that takes interventions: its field agents, trades, depot, working hours
    and vehicle; its daily capacity is in working hours. A team with communes listed
    serves only them (none listed: the whole territory)."""

    __tablename__ = "teams"
    __table_args__ = (
        CheckConstraint("daily_capacity_hours > 0", name="capacity_positive"),
        CheckConstraint(f"skills <@ ARRAY[{', '.join(repr(s) for s in SKILLS)}]::varchar[]", name="skills_known"),
        CheckConstraint("shift_end > shift_start", name="shift_ordered"),
        CheckConstraint("working_days <@ ARRAY[1, 2, 3, 4, 5, 6, 7]::smallint[] AND cardinality(working_days) > 0",
                        name="working_days_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    daily_capacity_hours: Mapped[float] = mapped_column(Numeric(5, 1))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    skills: Mapped[list[str]] = mapped_column(ARRAY(String(20)), default=list, server_default="{}")
    # Where the crew's day starts and ends (a point in the storage SRID), and its name.
    depot = mapped_column(Geometry("POINT", srid=STORAGE_SRID, spatial_index=False))
    depot_label: Mapped[str | None] = mapped_column(String(200))
    # Working hours in the territory's local time, on ISO weekdays (1 = Monday).
    shift_start: Mapped[time] = mapped_column(Time, default=time(7, 30), server_default="07:30")
    shift_end: Mapped[time] = mapped_column(Time, default=time(16, 0), server_default="16:00")
    working_days: Mapped[list[int]] = mapped_column(ARRAY(SmallInteger), default=lambda: [1, 2, 3, 4, 5],
                                                    server_default="{1,2,3,4,5}")
    vehicle: Mapped[str | None] = mapped_column(String(120))
    members: Mapped[list[User]] = relationship(secondary=team_members, order_by=User.display_name)
    communes: Mapped[list[Commune]] = relationship(secondary=team_communes, order_by=Commune.name)


class SlaRule(Base):
    """How long an intervention of a priority (on an asset type, or any type) may take."""

    __tablename__ = "sla_rules"
    __table_args__ = (
        CheckConstraint(one_of("priority", PRIORITIES), name="priority_known"),
        CheckConstraint(one_of("counting", SLA_COUNTING), name="counting_known"),
        CheckConstraint("hours > 0", name="hours_positive"),
        # One rule per priority and type, and one default (no type) per priority.
        Index("uq_sla_rules_priority_type", "priority", text("coalesce(asset_type_id, 0)"), unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    priority: Mapped[int] = mapped_column(SmallInteger)
    asset_type_id: Mapped[int | None] = mapped_column(ForeignKey("asset_types.id"))
    hours: Mapped[int] = mapped_column(Integer)
    counting: Mapped[str] = mapped_column(String(10))


class TaskTemplate(Base):
    """The checklist an intervention of a kind on an asset type starts with."""

    __tablename__ = "task_templates"
    __table_args__ = (
        CheckConstraint(one_of("kind", KINDS), name="kind_known"),
        Index("uq_task_templates_kind_type", "kind", text("coalesce(asset_type_id, 0)"), unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    asset_type_id: Mapped[int | None] = mapped_column(ForeignKey("asset_types.id"))
    # [{"label_fr": "...", "label_en": "..."}]
    tasks: Mapped[list[dict]] = mapped_column(JSONB, default=list)


class ServiceRequest(Base):
    """Something somebody asked for or an equipment alarm: what interventions answer."""

    __tablename__ = "service_requests"
    __table_args__ = (CheckConstraint(one_of("source", REQUEST_SOURCES), name="source_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    source: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    geom = mapped_column(Geometry("POINT", srid=STORAGE_SRID, spatial_index=False))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"))


intervention_assets = Table(
    "intervention_assets",
    Base.metadata,
    Column("intervention_id", ForeignKey("interventions.id", ondelete="CASCADE"), primary_key=True),
    Column("asset_id", ForeignKey("assets.id"), primary_key=True, index=True),
)

intervention_requests = Table(
    "intervention_requests",
    Base.metadata,
    Column("intervention_id", ForeignKey("interventions.id", ondelete="CASCADE"), primary_key=True),
    Column("request_id", ForeignKey("service_requests.id"), primary_key=True, index=True),
)


class MaintenancePlan(Base):
    """A preventive rule: every asset of a type (optionally a model) is visited every
    ``interval_months``; interventions are generated ``lead_days`` ahead, grouped."""

    __tablename__ = "maintenance_plans"
    __table_args__ = (
        CheckConstraint(one_of("kind", ("preventive", "inspection")), name="kind_known"),
        CheckConstraint(one_of("group_by", ("asset", "parent", "commune")), name="group_by_known"),
        CheckConstraint("interval_months > 0", name="interval_positive"),
        CheckConstraint("lead_days >= 0", name="lead_days_not_negative"),
        CheckConstraint(one_of("priority", PRIORITIES), name="priority_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    asset_type_id: Mapped[int] = mapped_column(ForeignKey("asset_types.id"))
    model: Mapped[str | None] = mapped_column(String(120))  # only assets of this model, if set
    kind: Mapped[str] = mapped_column(String(20))
    interval_months: Mapped[int] = mapped_column(Integer)
    lead_days: Mapped[int] = mapped_column(Integer, default=30)
    group_by: Mapped[str] = mapped_column(String(10))
    priority: Mapped[int] = mapped_column(SmallInteger, default=4)
    estimated_minutes_per_asset: Mapped[int] = mapped_column(Integer, default=15)
    starts_on: Mapped[date] = mapped_column(Date)  # the first due date of assets never visited
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    asset_type: Mapped[AssetType] = relationship()


class Intervention(Base):
    """A unit of field work on one or several assets, or at a place without asset."""

    __tablename__ = "interventions"
    __table_args__ = (
        CheckConstraint(one_of("kind", KINDS), name="kind_known"),
        CheckConstraint(one_of("priority", PRIORITIES), name="priority_known"),
        CheckConstraint(one_of("status", STATUSES), name="status_known"),
        CheckConstraint(f"problem IS NULL OR {one_of('problem', PROBLEMS)}", name="problem_known"),
        CheckConstraint(f"outcome IS NULL OR {one_of('outcome', OUTCOMES)}", name="outcome_known"),
        CheckConstraint("estimated_minutes IS NULL OR estimated_minutes > 0", name="estimate_positive"),
        CheckConstraint("planned_end IS NULL OR planned_end > planned_start", name="window_ordered"),
        CheckConstraint("ST_IsValid(geom) AND NOT ST_IsEmpty(geom)", name="geom_valid"),
        Index("ix_interventions_geom", "geom", postgresql_using="gist"),
        Index("ix_interventions_status_due_at", "status", "due_at"),
        Index("ix_interventions_team_planned_start", "team_id", "planned_start"),
        Index("ix_interventions_commune_id", "commune_id"),
        # A plan's group is generated once per due date, whatever runs the job.
        UniqueConstraint("plan_id", "plan_group", "plan_due_on", name="uq_interventions_plan_occurrence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    priority: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(20), default="new")
    problem: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    geom = mapped_column(Geometry("GEOMETRY", srid=STORAGE_SRID, spatial_index=False), nullable=False)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    # [{"label_fr", "label_en", "done": bool}]
    checklist: Mapped[list[dict]] = mapped_column(JSONB, default=list)
    estimated_minutes: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    planned_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    planned_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sla_rule_id: Mapped[int | None] = mapped_column(ForeignKey("sla_rules.id"))
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("interventions.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("maintenance_plans.id"))
    plan_group: Mapped[str | None] = mapped_column(String(60))
    plan_due_on: Mapped[date | None] = mapped_column(Date)
    # The closing report (filled at completion, may be amended when closing).
    cause: Mapped[str | None] = mapped_column(Text)
    action_taken: Mapped[str | None] = mapped_column(Text)
    parts_used: Mapped[list[dict]] = mapped_column(JSONB, default=list)  # [{"name", "quantity"}]
    time_spent_minutes: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(20))
    replacement: Mapped[dict | None] = mapped_column(JSONB)  # {"manufacturer", "model", "serial", "installed_on"}
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    assets: Mapped[list[Asset]] = relationship(secondary=intervention_assets, order_by=Asset.reference)
    requests: Mapped[list[ServiceRequest]] = relationship(secondary=intervention_requests)

    # SQLAlchemy sets version to 1 on insert and bumps it on every update (optimistic locking).
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class InterventionEvent(Base):
    """One step of an intervention's timeline: a transition or an edit, by whom, when, why."""

    __tablename__ = "intervention_events"
    __table_args__ = (Index("ix_intervention_events_intervention_id_at", "intervention_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))  # None for an edit
    comment: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict] = mapped_column(JSONB, default=dict)  # {field: [before, after]}

    actor: Mapped[User | None] = relationship()


class StoredFile:
    """The columns of a file kept in the database (so that it is written in the same
    transaction as what it belongs to): its name, type, size, bytes, who and when."""

    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(80))
    size_bytes: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class InterventionAttachment(StoredFile, Base):
    """A photo or document attached to an intervention, written with the report it belongs to."""

    __tablename__ = "intervention_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"), index=True)


class ReferenceCounter(Base):
    """The last number handed out per reference series and year (``INT-2026-004512``)."""

    __tablename__ = "reference_counters"

    series: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)
