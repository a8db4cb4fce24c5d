"""The data a printed map is drawn from: frozen objects, geometries in the storage CRS."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class AssetStyle:
    """How one asset type is drawn: its symbol (circle, square, triangle, diamond, star,
    cross, camera; line; polygon), colour ``#rrggbb`` and the legend's label."""

    symbol: str
    colour: str
    label: str
    geometry_kind: str = "point"


@dataclass(frozen=True)
class MapAsset:
    """One asset on the map; ``concerned``: the work order is about it."""

    geom: BaseGeometry
    type_code: str
    reference: str
    status: str = "in_service"
    concerned: bool = False


@dataclass(frozen=True)
class Road:
    """A road segment (an asset of type ``road_segment``) and its street name."""

    geom: BaseGeometry
    name: str | None = None


@dataclass(frozen=True)
class CommuneOutline:
    """The part of a commune's boundary inside the map, and where its name goes (if it does)."""

    boundary: BaseGeometry
    name: str
    label_at: tuple[float, float] | None = None


@dataclass(frozen=True)
class MapExtract:
    """The map of a work order: the place centred at 1:``scale``, what surrounds it."""

    srid: int
    centre: tuple[float, float]
    scale: int
    target: BaseGeometry
    assets: tuple[MapAsset, ...] = ()
    styles: Mapping[str, AssetStyle] = field(default_factory=dict)
    roads: tuple[Road, ...] = ()
    communes: tuple[CommuneOutline, ...] = ()


@dataclass(frozen=True)
class RouteMap:
    """The map of a crew's day: its stops in order (grid coordinates), communes and roads."""

    srid: int
    stops: tuple[tuple[float, float], ...]
    communes: tuple[CommuneOutline, ...] = ()
    roads: tuple[Road, ...] = ()
