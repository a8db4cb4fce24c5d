"""What the tablets sent: one row per client-generated action id, with its outcome, so
that a replay of the same id returns the stored outcome and changes nothing; and the
photos of the problems agents report on the spot."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, one_of
from app.interventions.models import StoredFile

ACTION_KINDS = ("start", "hold", "resume", "complete", "checklist", "note", "photo", "signature", "request")
ACTION_STATUSES = ("applied", "refused")


class FieldAction(Base):
    """One action done on a tablet (maybe offline), keyed by the id the tablet gave it.

    ``outcome`` is what the server answered: the result when applied; the error (its
    message and field messages as untranslated templates) when refused. The intervention
    id is what the tablet named, not a foreign key: a refusal may name one that is gone."""

    __tablename__ = "field_actions"
    __table_args__ = (
        CheckConstraint(one_of("kind", ACTION_KINDS), name="kind_known"),
        CheckConstraint(one_of("status", ACTION_STATUSES), name="status_known"),
        Index("ix_field_actions_user_id_received_at", "user_id", "received_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    intervention_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[dict] = mapped_column(JSONB)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # on the tablet's clock
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RequestPhoto(StoredFile, Base):
    """A photo taken with a problem reported on the spot (a service request has no
    attachments of its own)."""

    __tablename__ = "service_request_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
