"""Where the crews are: every position a tablet posted (kept a while), and each field
agent's last one (one row per user, upserted), which the dispatch map and the ranking
of crews read without scanning the history.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, CheckConstraint, DateTime, Float, ForeignKey, Index, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from app.db import STORAGE_SRID, Base


class CrewPosition(Base):
    """One GPS fix posted by a field agent's tablet. ``client_id`` is the tablet's own id
    for it, so a queue replayed after a network loss stores each fix once."""

    __tablename__ = "crew_positions"
    __table_args__ = (
        CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="accuracy_not_negative"),
        # The nightly purge deletes by the server's reception time.
        Index("ix_crew_positions_received_at", "received_at"),
        Index("ix_crew_positions_user_id_recorded_at", "user_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The team the agent was in when posting (the history stays readable if they move).
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    geom = mapped_column(Geometry("POINT", srid=STORAGE_SRID, spatial_index=False), nullable=False)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # the tablet's clock
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CrewLastPosition(Base):
    """A field agent's latest fix (by the tablet's time): a late replay of an older fix
    never replaces it."""

    __tablename__ = "crew_last_positions"
    __table_args__ = (CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="accuracy_not_negative"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    geom = mapped_column(Geometry("POINT", srid=STORAGE_SRID, spatial_index=False), nullable=False)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
