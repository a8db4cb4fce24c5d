"""Tables the database keeps up to date for the tile server (by triggers on assets).

- ``asset_grid``: asset counts per Web Mercator grid cell (32 × 32 cells a tile), zoom
  8-16, type (and type_id 0 for all types) and status: low-zoom tiles read these
  instead of a million assets.
- ``tile_versions``: a counter per tile (zoom 8-20) bumped when an asset in it changes,
  and ``tile_cache_state.version`` bumped by bulk changes: both go into the ETag, so a
  change invalidates only the tiles it touches.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base

GRID_CELLS_PER_TILE = 32
GRID_ZOOMS = range(8, 17)  # aggregated; full detail from zoom 17
VERSIONED_ZOOMS = range(8, 21)
INTERVENTIONS_STATE_ID = 2  # bumped by every change to interventions (a trigger)


class AssetGridCell(Base):
    __tablename__ = "asset_grid"

    z: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    cx: Mapped[int] = mapped_column(Integer, primary_key=True)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True)
    type_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class TileVersion(Base):
    __tablename__ = "tile_versions"

    z: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    x: Mapped[int] = mapped_column(Integer, primary_key=True)
    y: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class TileCacheState(Base):
    """A global tile version: row 1 for the asset tiles, row 2 for the intervention tiles."""

    __tablename__ = "tile_cache_state"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
