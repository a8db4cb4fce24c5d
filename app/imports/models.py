"""Imports of inventory files, their staged rows, and the mappings remembered per source.

An import goes ``uploaded → validating → validated → committing → committed → undone``
(or ``failed`` at a step, which can be retried). Validation writes only ``import_rows``;
the inventory is written by the commit, in one transaction.
"""
from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db import STORAGE_SRID, Base, one_of

IMPORT_STATUSES = ("uploaded", "validating", "validated", "committing", "committed", "undoing", "undone", "failed")
ROW_ACTIONS = ("create", "update", "skip", "error")


class Import(Base):
    """One uploaded file on its way into the inventory."""

    __tablename__ = "imports"
    __table_args__ = (CheckConstraint(one_of("status", IMPORT_STATUSES), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    source_format: Mapped[str] = mapped_column(String(20))
    # The file as GDAL opens it (under the imports directory), and its layers.
    source_path: Mapped[str] = mapped_column(Text)
    layers: Mapped[list[str]] = mapped_column(JSONB, default=list)
    status: Mapped[str] = mapped_column(String(20), default="uploaded")
    # The choices of the mapping step: {"layer", "csv": {x, y, wkt}, "crs", "swap_axes",
    # "asset_type", "fields": {target: {"source"|"constant": …}}, "values": {target: {source value: value}},
    # "match": "reference"|"none", "proximity_m", "on_duplicate": "skip"|"update"}
    settings: Mapped[dict] = mapped_column(JSONB, default=dict)
    # {"rows", "create", "update", "skip", "error"} after validation.
    counts: Mapped[dict] = mapped_column(JSONB, default=dict)
    error: Mapped[str | None] = mapped_column(Text)  # JSON [message template, params] of the last failure
    # Who asked for the step under way (its job acts as them: permissions, commune scope).
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    job_id: Mapped[str | None] = mapped_column(String(64))
    validated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    committed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    committed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ImportRow(Base):
    """One feature of the file after validation: what the commit would do with it, or why not."""

    __tablename__ = "import_rows"
    __table_args__ = (
        CheckConstraint(one_of("action", ROW_ACTIONS), name="action_known"),
        Index("ix_import_rows_import_id_row_number", "import_id", "row_number", unique=True),
        Index("ix_import_rows_geom", "geom", postgresql_using="gist"),
        {"postgresql_with": {"fillfactor": 50}},  # room for HOT updates while validating
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"))
    row_number: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))
    geom = mapped_column(Geometry("GEOMETRY", srid=STORAGE_SRID, spatial_index=False), nullable=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    core: Mapped[dict] = mapped_column(JSONB, default=dict)  # status, installed_on, manufacturer, model, condition, external_ref
    attributes: Mapped[dict] = mapped_column(JSONB, default=dict)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"))  # the asset it updates or duplicates
    # Why the row is refused (action "error") or skipped: {field: [message template, params]}.
    messages: Mapped[dict] = mapped_column(JSONB, default=dict)


class ImportMapping(Base):
    """The last mapping used for a source (file name + fields), offered at its next import."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_key: Mapped[str] = mapped_column(String(255), unique=True)
    settings: Mapped[dict] = mapped_column(JSONB, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
