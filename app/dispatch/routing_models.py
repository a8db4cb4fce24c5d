"""The routable street network pgRouting reads (edges and vertices, built from the road
segments of the registry by ``app.dispatch.network``), the record of its last build, and
each crew's optimised day (``app.dispatch.days``), stored so that reads are cheap.
"""
from __future__ import annotations

from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, Float, Index, Integer, SmallInteger, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db import STORAGE_SRID, Base


class RoadNetworkVertex(Base):
    """A junction: the end points of road segments that meet (snapped within a tolerance)."""

    __tablename__ = "road_network_vertices"
    __table_args__ = (Index("ix_road_network_vertices_geom", "geom", postgresql_using="gist"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    geom = mapped_column(Geometry("POINT", srid=STORAGE_SRID, spatial_index=False), nullable=False)


class RoadNetworkEdge(Base):
    """One road segment between two vertices; costs in seconds, -1 for the forbidden
    direction of a one-way street (pgRouting's convention)."""

    __tablename__ = "road_network_edges"
    __table_args__ = (Index("ix_road_network_edges_geom", "geom", postgresql_using="gist"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    asset_id: Mapped[int] = mapped_column(Integer)
    source: Mapped[int] = mapped_column(BigInteger)
    target: Mapped[int] = mapped_column(BigInteger)
    cost: Mapped[float] = mapped_column(Float)
    reverse_cost: Mapped[float] = mapped_column(Float)
    length_m: Mapped[float] = mapped_column(Float)
    geom = mapped_column(Geometry("LINESTRING", srid=STORAGE_SRID, spatial_index=False), nullable=False)


class RoadNetworkBuild(Base):
    """When the network was last built, from how many segments, and up to which history
    row of the road segments (a later row means it is stale). One row."""

    __tablename__ = "road_network_builds"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    segment_count: Mapped[int] = mapped_column(Integer)
    edge_count: Mapped[int] = mapped_column(Integer)
    vertex_count: Mapped[int] = mapped_column(Integer)
    source_history_id: Mapped[int | None] = mapped_column(BigInteger)
    build_ms: Mapped[int] = mapped_column(Integer)


class CrewDayPlan(Base):
    """A team's day in optimised visiting order. ``stops``: [{"id", "arrival", "departure",
    "travel_seconds", "metres"}] in order (times ISO 8601, travel from the previous place);
    ``fingerprint`` hashes what the plan was computed from, so a changed day is re-planned.
    A cache: rows of deleted teams are harmless (ids are not reused)."""

    __tablename__ = "crew_day_plans"

    # No foreign key: writing this cache row must not lock the team's row (a plan stored
    # by a reader would hold up an edit or deletion of the team until it commits).
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    stops: Mapped[list[dict]] = mapped_column(JSONB)
    travel_seconds: Mapped[float] = mapped_column(Float)
    naive_travel_seconds: Mapped[float] = mapped_column(Float)
    travel_metres: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(20))  # "network", "straight_line" or "mixed"
    solver: Mapped[str] = mapped_column(String(20))  # "or-tools", "trivial"
    solve_ms: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
