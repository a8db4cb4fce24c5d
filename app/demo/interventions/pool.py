"""The assets interventions may be generated on, and what the generation does to them.

History is append-only and each row is the asset's full state from its ``recorded_at``
on, so new rows may only follow the asset's latest row. Every asset therefore carries
``free_from``: its latest row, then the end of its latest intervention; an intervention
only starts on an asset that is free by then, so each asset's new rows come in time
order and each holds the state left by the one before. Open work keeps its assets
(``free_from`` = ``NEVER``).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.demo.interventions.clock import UTC

NEVER = datetime.max.replace(tzinfo=UTC)
PICK_TRIES = 12

_ASSETS = text("""
    SELECT a.id, a.reference, t.code, a.type_id, a.status, a.version, a.commune_id, a.parent_id, a.installed_on,
           a.manufacturer, a.model, encode(ST_AsEWKB(a.geom), 'hex') AS ewkb,
           ST_Y(ST_PointOnSurface(a.geom)) AS y,
           (SELECT max(h.recorded_at) FROM asset_history h WHERE h.asset_id = a.id) AS last_at
    FROM assets a JOIN asset_types t ON t.id = a.type_id
    WHERE a.status IN ('in_service', 'faulty') AND t.code = ANY(:codes)
    ORDER BY a.id""")


@dataclass(slots=True, eq=False)
class PoolAsset:
    id: int
    reference: str
    code: str
    type_id: int
    status: str
    version: int
    commune_id: int
    parent_id: int | None
    installed_on: date | None
    manufacturer: str | None
    model: str | None
    ewkb: str
    y: float  # northing (which lighting team)
    free_from: datetime | None

    def free_at(self, moment: datetime) -> bool:
        """Whether an intervention on this working asset may start at ``moment``."""
        return self.status == "in_service" and self.free_from < moment


@dataclass(slots=True)
class HistoryRow:
    """A new asset history row; the intervention's id and reference are known at writing."""

    asset: PoolAsset
    recorded_at: datetime
    actor_id: int
    change: str
    reason: str | None  # None: "<reference>: <action taken>" of ``intervention``
    changes: dict
    intervention: object | None  # the Draft whose closing made the change
    version: int
    status: str
    installed_on: date | None


class AssetPool:
    """The registry's working and faulty assets of the types in ``codes``, by type, with the
    history rows to add."""

    def __init__(self, session: Session, codes: list[str]) -> None:
        self.assets = [PoolAsset(*row) for row in session.execute(_ASSETS, {"codes": codes})]
        self.by_type: dict[str, list[PoolAsset]] = {}
        self.children: dict[int, list[PoolAsset]] = {}
        for asset in self.assets:
            self.by_type.setdefault(asset.code, []).append(asset)
            if asset.parent_id is not None:
                self.children.setdefault(asset.parent_id, []).append(asset)
        self.history: list[HistoryRow] = []

    def count(self, code: str) -> int:
        """How many assets of the type may take interventions."""
        return len(self.by_type.get(code, ()))

    def pick(self, rnd: random.Random, code: str, moment: datetime) -> PoolAsset | None:
        """A working asset of the type, free at ``moment``; None after a few unlucky draws."""
        candidates = self.by_type.get(code)
        for _ in range(PICK_TRIES if candidates else 0):
            asset = candidates[rnd.randrange(len(candidates))]
            if asset.free_at(moment):
                return asset
        return None

    def faulty(self) -> list[PoolAsset]:
        """The assets that are faulty and not yet taken by the generated work, by id."""
        return [a for a in self.assets if a.status == "faulty" and a.free_from != NEVER]

    def record(self, asset: PoolAsset, moment: datetime, actor_id: int, change: str, patch: dict,
               reason: str | None, intervention: object | None) -> None:
        """Append a history row: the asset's state changed by ``patch`` from ``moment`` on."""
        changes = {}
        for name, value in patch.items():
            before = getattr(asset, name)
            if before != value:
                changes[name] = [_json_value(before), _json_value(value)]
                setattr(asset, name, value)
        asset.version += 1
        self.history.append(HistoryRow(asset, moment, actor_id, change, reason, changes, intervention,
                                       asset.version, asset.status, asset.installed_on))


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value
