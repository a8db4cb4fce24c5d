"""Communes and the métropole outline, in the storage SRID."""
from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import STORAGE_SRID, Base


class Commune(Base):
    """A commune of the territory, identified by its INSEE code."""

    __tablename__ = "communes"
    __table_args__ = (
        CheckConstraint("ST_IsValid(geom)", name="geom_valid"),
        Index("ix_communes_geom", "geom", postgresql_using="gist"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    insee: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    geom = mapped_column(
        Geometry("MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False), nullable=False
    )


class TerritoryOutline(Base):
    """The outline of the whole territory (the union of its communes, slivers closed)."""

    __tablename__ = "territory_outline"
    __table_args__ = (
        CheckConstraint("ST_IsValid(geom)", name="geom_valid"),
        Index("ix_territory_outline_geom", "geom", postgresql_using="gist"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    geom = mapped_column(
        Geometry("MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False), nullable=False
    )
