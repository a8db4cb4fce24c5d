"""The data of a printed work order: frozen, already in the reader's language (labels,
dates), geometries in the storage CRS. Built by ``app.printing.queries``."""
from __future__ import annotations

from dataclasses import dataclass

from print_templates.map_data import MapExtract


@dataclass(frozen=True)
class Location:
    """Where the work is: a point of the storage CRS, and what is known of its address."""

    x: float
    y: float
    srid: int
    commune: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class AssetEvent:
    """One line of an asset's history: when, what happened, a note (reason, work order)."""

    when: str
    what: str
    note: str = ""


@dataclass(frozen=True)
class AssetItem:
    """An asset the work order is about: its facts (label, value) and its last events."""

    reference: str
    type_label: str
    status_label: str
    facts: tuple[tuple[str, str], ...] = ()
    events: tuple[AssetEvent, ...] = ()


@dataclass(frozen=True)
class Task:
    """A checklist line; ``done`` ticks its box already."""

    label: str
    done: bool = False


@dataclass(frozen=True)
class WorkOrder:
    """Everything one work order prints."""

    id: int
    reference: str
    kind: str
    priority: int  # 1 (safety, urgent) … 4 (planned)
    priority_label: str
    status: str
    location: Location
    qr_url: str
    description: str = ""
    problem: str | None = None
    due: str | None = None
    team: str | None = None
    window: str | None = None
    estimate: str | None = None
    assets: tuple[AssetItem, ...] = ()
    checklist: tuple[Task, ...] = ()
    map: MapExtract | None = None
