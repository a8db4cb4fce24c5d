"""Tables of the coverage reports, kept by the refresh jobs and by triggers.

- ``coverage_cells``: per square cell (``config.CELL_M``) and commune, the lit, CCTV and
  dark-road geometries and the lengths and areas the shares are made of. A commune's
  figures are sums over its cells, so one edit recomputes a few cells, not the commune.
- ``coverage_dirty_cells``: cells an asset change touched (trigger on ``assets``), waiting
  for the refresh job.
- ``coverage_snapshots``: a commune's figures on a day (the day of each refresh, or a past
  date computed from the history): what "as of" and the trends read.
- ``commune_asset_counts``: assets per commune, type and status, kept exact by statement
  triggers on ``assets`` (commune 0: outside every commune).
- ``asset_outages``: each spell of an asset being faulty or out of service, derived from
  ``asset_history`` by a trigger as rows are appended (``ended_at`` NULL: still out).
"""
from __future__ import annotations

from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, Integer, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import STORAGE_SRID, Base


class CoverageMeasures:
    """The lengths and areas the shares are made of: a cell's, or their sums for a commune
    on a day."""

    area_m2: Mapped[float] = mapped_column(Float)
    built_up_area_m2: Mapped[float] = mapped_column(Float)
    lit_built_up_area_m2: Mapped[float] = mapped_column(Float)
    road_length_m: Mapped[float] = mapped_column(Float)
    lit_road_length_m: Mapped[float] = mapped_column(Float)
    dark_length_m: Mapped[float] = mapped_column(Float)
    lit_area_m2: Mapped[float] = mapped_column(Float)
    public_area_m2: Mapped[float] = mapped_column(Float)
    cctv_public_area_m2: Mapped[float] = mapped_column(Float)
    cctv_built_up_area_m2: Mapped[float] = mapped_column(Float)


class CoverageCell(CoverageMeasures, Base):
    __tablename__ = "coverage_cells"
    __table_args__ = (Index("ix_coverage_cells_commune_id", "commune_id"),)

    cx: Mapped[int] = mapped_column(Integer, primary_key=True)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), primary_key=True)
    cctv_area_m2: Mapped[float] = mapped_column(Float)
    lit_geom = mapped_column(Geometry("MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False))
    cctv_geom = mapped_column(Geometry("MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False))
    dark_geom = mapped_column(Geometry("MULTILINESTRING", srid=STORAGE_SRID, spatial_index=False))
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CoverageDirtyCell(Base):
    __tablename__ = "coverage_dirty_cells"

    cx: Mapped[int] = mapped_column(Integer, primary_key=True)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True)
    dirtied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CoverageSnapshot(CoverageMeasures, Base):
    __tablename__ = "coverage_snapshots"

    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    assets_total: Mapped[int] = mapped_column(Integer)
    assets_faulty: Mapped[int] = mapped_column(Integer)
    assets_out_of_service: Mapped[int] = mapped_column(Integer)
    lights_total: Mapped[int] = mapped_column(Integer)
    lights_in_service: Mapped[int] = mapped_column(Integer)
    cameras_total: Mapped[int] = mapped_column(Integer)
    cameras_in_service: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CommuneAssetCount(Base):
    __tablename__ = "commune_asset_counts"

    commune_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class AssetOutage(Base):
    __tablename__ = "asset_outages"
    __table_args__ = (
        Index("ix_asset_outages_asset_id_open", "asset_id", unique=True, postgresql_where=text("ended_at IS NULL")),
        Index("ix_asset_outages_started_at", "started_at"),
        Index("ix_asset_outages_ended_at", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"))
    type_id: Mapped[int] = mapped_column(ForeignKey("asset_types.id"))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    status: Mapped[str] = mapped_column(String(20))  # the status it started with
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
