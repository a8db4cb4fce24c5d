"""What every generated intervention draws on: the asset pool, the crews, the SLA rules,
the checklists, and the moment the demo is generated at."""
from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field
from datetime import datetime

import shapely
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.demo.interventions.care import CARE, LIGHTING
from app.demo.interventions.clock import UTC, is_office_hours
from app.demo.interventions.crews import Crews
from app.demo.interventions.life import Draft
from app.demo.interventions.pool import AssetPool, PoolAsset
from app.interventions.models import MaintenancePlan, SlaRule
from app.interventions.services import checklist_for
from app.interventions.sla import sla_due
from app.inventory.models import AssetType


@dataclass
class Context:
    session: Session
    pool: AssetPool
    crews: Crews
    rules: list[SlaRule]
    now: datetime
    communes: dict[int, str]
    lighting_split: float  # lighting north of this northing is the north team's
    plans: dict[str, MaintenancePlan]  # the maintenance plan that visits every asset of a type, by type code
    _checklists: dict[tuple, list[dict]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, crews: Crews, now: datetime) -> Context:
        communes = dict(session.execute(text("SELECT id, name FROM communes")).all())
        pool = AssetPool(session, list(CARE))
        lighting = [asset.y for code in LIGHTING for asset in pool.by_type.get(code, ())]
        return cls(session, pool, crews, list(session.scalars(select(SlaRule))), now, communes,
                   statistics.median(lighting) if lighting else 0.0, plans_by_type(session))

    def team_for(self, care_team: str, asset: PoolAsset) -> str:
        """The team key of a type's crews: lighting is split in halves, north and south."""
        if care_team == "lighting":
            return "lighting_north" if asset.y >= self.lighting_split else "lighting_south"
        return care_team

    def desk(self, moment: datetime) -> int:
        """Who dispatches at ``moment``: the day dispatcher, or the one on call."""
        return self.crews.dispatcher_id if is_office_hours(moment) else self.crews.on_call_id

    def crew(self, rnd: random.Random, team: str) -> int:
        """A field agent of the team."""
        return rnd.choice(self.crews.members[team])

    def draft(self, kind: str, priority: int, problem: str | None, description: str, team: str,
              assets: list[PoolAsset], reported_at: datetime, estimated_minutes: int, created_by_id: int,
              place: PoolAsset | None = None) -> Draft:
        """A new intervention on ``assets`` (or at ``place``, an asset it is not about), with
        its checklist and its due date from the SLA rules."""
        type_ids = {asset.type_id for asset in assets}
        reported_at = reported_at.replace(second=0, microsecond=0)
        rule, due = sla_due(self.rules, priority, type_ids, reported_at)
        located = assets or [place]
        return Draft(kind, priority, problem, description, team, assets, _collected(located),
                     located[0].commune_id, reported_at, estimated_minutes, created_by_id,
                     rule.id if rule else None, due.astimezone(UTC) if due else None,
                     self._checklist(kind, frozenset(type_ids)))

    def _checklist(self, kind: str, type_ids: frozenset[int]) -> list[dict]:
        key = (kind, type_ids)
        if key not in self._checklists:
            self._checklists[key] = checklist_for(self.session, kind, set(type_ids))
        return self._checklists[key]


def plans_by_type(session: Session) -> dict[str, MaintenancePlan]:
    """The first active maintenance plan of each type that visits all its assets (of any model)."""
    rows = session.execute(
        select(AssetType.code, MaintenancePlan).join(MaintenancePlan.asset_type)
        .where(MaintenancePlan.is_active, MaintenancePlan.model.is_(None)).order_by(MaintenancePlan.id))
    plans: dict[str, MaintenancePlan] = {}
    for code, plan in rows:
        plans.setdefault(code, plan)
    return plans


def _collected(assets: list[PoolAsset]) -> str:
    """The assets' geometry as hex EWKB: the asset's own, or their collection."""
    if len(assets) == 1:
        return assets[0].ewkb
    geometries = shapely.from_wkb([asset.ewkb for asset in assets])
    kinds = set(shapely.get_type_id(geometries))
    if kinds == {shapely.GeometryType.POINT}:
        collection = shapely.multipoints(geometries)
    else:
        collection = shapely.geometrycollections(geometries)
    srid = shapely.get_srid(geometries[0])
    return shapely.to_wkb(shapely.set_srid(collection, srid), hex=True, include_srid=True)
