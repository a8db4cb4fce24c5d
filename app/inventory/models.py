"""Asset types, assets and their history, in the storage SRID.

History is append-only: each row is the full state of an asset from ``recorded_at`` on,
with who changed what (before → after) and why. The inventory as of a date ``t`` is,
for each asset, its latest history row recorded at or before ``t``.
"""
from __future__ import annotations

from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import UserDefinedType

from app.db import STORAGE_SRID, Base, one_of

ASSET_STATUSES = ("planned", "in_service", "faulty", "out_of_service", "decommissioned")
GEOMETRY_KINDS = ("point", "line", "polygon")
# The trades a crew may have (app.interventions.models.Team.skills) and the one that
# working on an asset type needs (AssetType.skill); dispatch matches the two.
SKILLS = ("street_lighting", "traffic_signals", "cctv", "roadworks", "green_spaces", "street_furniture")
HISTORY_CHANGES = ("created", "updated", "moved", "status_changed", "decommissioned", "replaced", "repaired")

asset_reference_seq = Sequence("asset_reference_seq", metadata=Base.metadata)


class AssetType(Base):
    """A kind of asset; its attribute schema is data, editable by an administrator."""

    __tablename__ = "asset_types"
    __table_args__ = (
        CheckConstraint("code ~ '^[a-z][a-z0-9_]*$'", name="code_snake_case"),
        CheckConstraint(one_of("geometry_kind", GEOMETRY_KINDS), name="geometry_kind_known"),
        CheckConstraint("colour ~ '^#[0-9a-f]{6}$'", name="colour_hex"),
        CheckConstraint(f"skill IS NULL OR {one_of('skill', SKILLS)}", name="skill_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label_fr: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    geometry_kind: Mapped[str] = mapped_column(String(10))
    reference_prefix: Mapped[str] = mapped_column(String(6))
    # [{"name", "label_fr", "label_en", "kind", "required", "unit"?, "choices"?: [{"value", "label_fr", "label_en"}]}]
    attribute_schema: Mapped[list[dict]] = mapped_column(JSONB, default=list)
    symbol: Mapped[str] = mapped_column(String(40))
    colour: Mapped[str] = mapped_column(String(7))
    parent_type_codes: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    # The trade a crew needs to work on assets of this type (None: any crew).
    skill: Mapped[str | None] = mapped_column(String(20))
    # Exact positions of a sensitive type's assets (CCTV cameras) leave the server only for
    # users whose role may see them (Permission.VIEW_SENSITIVE_POSITIONS): app.inventory.queries.
    is_sensitive: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    def label(self, language: str) -> str:
        """The type's name in ``language`` (fr or en)."""
        return self.label_fr if language == "fr" else self.label_en


class AssetState:
    """The columns that describe an asset at a moment: kept by ``assets`` (now) and by
    every ``asset_history`` row (from its ``recorded_at`` on), so "as of" reads either."""

    version: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(40))
    type_id: Mapped[int] = mapped_column(ForeignKey("asset_types.id"))
    geom = mapped_column(Geometry("GEOMETRY", srid=STORAGE_SRID, spatial_index=False), nullable=False)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    status: Mapped[str] = mapped_column(String(20))
    installed_on: Mapped[date | None] = mapped_column(Date)
    manufacturer: Mapped[str | None] = mapped_column(String(120))
    model: Mapped[str | None] = mapped_column(String(120))
    condition: Mapped[int | None] = mapped_column(SmallInteger)
    attributes: Mapped[dict] = mapped_column(JSONB, default=dict)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"))
    # The asset's identifier in the system or file it came from (e.g. a GIS object id).
    external_ref: Mapped[str | None] = mapped_column(String(80))


# The state columns by name, in one place (history snapshots and as-of queries use them).
ASSET_STATE_COLUMNS = ("version", "reference", "type_id", "geom", "commune_id", "status", "installed_on",
                       "manufacturer", "model", "condition", "attributes", "parent_id", "external_ref")


class Box(UserDefinedType):
    """PostgreSQL's own ``box`` (read and written by SQL only, never by the ORM)."""

    cache_ok = True

    def get_col_spec(self, **kw) -> str:
        return "box"


ischema_names["box"] = Box  # so that reflection (alembic check) knows the type by its name


class Asset(AssetState, Base):
    """The current state of one public-space asset. Never deleted: decommissioned."""

    __tablename__ = "assets"
    __table_args__ = (
        CheckConstraint(one_of("status", ASSET_STATUSES), name="status_known"),
        CheckConstraint("condition BETWEEN 1 AND 5", name="condition_1_to_5"),
        CheckConstraint("ST_IsValid(geom) AND NOT ST_IsEmpty(geom)", name="geom_valid"),
        UniqueConstraint("reference", name="uq_assets_reference"),
        Index("ix_assets_geom", "geom", postgresql_using="gist"),
        Index("ix_assets_type_id_geom", "type_id", "geom", postgresql_using="gist"),  # one type's tiles
        # One type's assets in a bbox, answered by the index alone (an index-only scan):
        Index("ix_assets_type_id_geom_box", "type_id", "geom_box", postgresql_using="gist",
              postgresql_include=["id", "status", "commune_id"]),
        Index("ix_assets_type_status", "type_id", "status"),
        Index("ix_assets_commune_id", "commune_id"),
        Index("ix_assets_parent_id", "parent_id"),
        Index("ix_assets_type_id_external_ref", "type_id", "external_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    # The bounding box of geom, kept by PostgreSQL: unlike PostGIS' GiST, a GiST index on a
    # box gives back what it holds, so bbox searches need not visit the table (queries.py).
    geom_box = mapped_column(Box(), Computed("box(geom)", persisted=True), nullable=False, deferred=True)

    asset_type: Mapped[AssetType] = relationship(lazy="joined")

    # SQLAlchemy sets version to 1 on insert and bumps it on every update.
    __mapper_args__ = {"version_id_col": AssetState.version}


class AssetHistory(AssetState, Base):
    """One change of one asset: the full state after it, who, when, what and why."""

    __tablename__ = "asset_history"
    __table_args__ = (
        CheckConstraint(one_of("change", HISTORY_CHANGES), name="change_known"),
        Index("ix_asset_history_asset_id_recorded_at", "asset_id", "recorded_at"),
        Index("ix_asset_history_geom", "geom", postgresql_using="gist"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    change: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict] = mapped_column(JSONB, default=dict)  # {field: [before, after]}
    # The intervention whose closing made this change, if any.
    intervention_id: Mapped[int | None] = mapped_column(ForeignKey("interventions.id"), index=True)
    # The import whose commit (or undo) made this change, if any.
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), index=True)


class AssetFeature(Base):
    """An asset's current state as GeoJSON Feature text (EPSG:4326), written by triggers on
    assets and communes in the same transaction as the change, never by the application:
    lists of the current registry send it as it is (queries.py; migration 5f3b8a1c2d47)."""

    __tablename__ = "asset_features"

    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True)
    feature: Mapped[str] = mapped_column(Text)
